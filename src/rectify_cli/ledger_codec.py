"""The ledger codec of the cache (cache.py): a loaded ledger as the plain lists and tuples
that marshal keeps exactly, and back, without validating again.

A ledger is stored as its records' values in field order (the tasks by field, see
task_columns): dates as day numbers, enums as their values.  Equal strings are written
once (a department's name repeats thousands of times) and come back as one object.
Records are built with tuple.__new__, skipping NamedTuple's argument handling: 100,000
tasks and their logs load in ~0.3 s, against ~1.5 s for Pydantic models.  Decoding never
changes the payload it reads, so a write can splice its changed tasks into the stored
columns (splice_tasks) instead of encoding every task again (warm.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from functools import partial
from pathlib import Path
from typing import Any

from .kinds import Better, ChangeUnit, Status
from .model_codec import Dates, day_number
from .records import Aspect, Indicator, Ledger, LedgerMeta, LogEntry, Reading, Task

Counted = tuple[dt.date, dt.date | None]  # the days a problem count holds: [first, until)


def encode(
    ledger: Ledger, counted: Counted, tasks: Any = None, cut: bool = False
) -> tuple[Any, ...]:
    """The stored form of `ledger`; `tasks`: its tasks' columns when already encoded; `cut`:
    its tasks file may be cut where the cold reader cuts it (toml_read.task_count), which a
    write then checks in the blocks it changes alone (warm.py)."""
    # Strings and lists go in as they are: records share equal strings (records.task_of),
    # and marshal writes an object it has seen before as a reference to it.
    m = ledger.meta
    meta = (*m[:6], day_number(m.feedback_date), day_number(m.as_of), *m[8:])
    aspects = [tuple(a) for a in ledger.aspects]
    tasks = task_columns(ledger.tasks) if tasks is None else tasks
    indicators = [
        (
            *i[:5],
            i.better.value,
            *i[6:10],
            day_number(i.recorded),
            *i[11:16],
            i.change_unit.value,
            *i[17:23],
            [(r.value, r.period, day_number(r.recorded), r.note) for r in i.history],
        )
        for i in ledger.indicators
    ]
    first, until = counted
    return (
        meta,
        aspects,
        tasks,
        indicators,
        (ledger.problems, day_number(first), day_number(until)),
        cut,
    )


def may_cut(payload: Any) -> bool:
    """Whether the tasks file of a stored ledger may be cut (encode)."""
    return payload[5] is True


# Found by name, so a field added to Task cannot shift them out of step.
_TASK_DAYS = tuple(Task._fields.index(f) for f in ("start", "deadline", "completed_on"))
_TASK_STATUS, _TASK_LOG = Task._fields.index("status"), Task._fields.index("log")
_TASK_ID, _TASK_MERGED = Task._fields.index("id"), Task._fields.index("merged_into")
_LOG_STATUS = LogEntry._fields.index("status")


def task_columns(tasks: list[Task]) -> tuple[list[Any], list[Any]]:
    """Tasks by field (one list per field), and their log entries by field, all tasks'
    entries in a row with each task's count in the log column.

    By field, not by task: a column is rebuilt into records by zip and map, loops that run
    in C, so 100,000 tasks and 200,000 entries load in about half the time.
    """
    columns: list[Any] = [list(c) for c in zip(*tasks, strict=True)] or [[] for _ in Task._fields]
    for i in _TASK_DAYS:
        columns[i] = list(map(day_number, columns[i]))
    columns[_TASK_STATUS] = [s.value for s in columns[_TASK_STATUS]]
    logs = columns[_TASK_LOG]
    columns[_TASK_LOG] = [len(log) for log in logs]
    entries = [e for log in logs for e in log]
    log_columns: list[Any] = [list(c) for c in zip(*entries, strict=True)] or [
        [] for _ in LogEntry._fields
    ]
    log_columns[0] = [d.toordinal() for d in log_columns[0]]
    log_columns[_LOG_STATUS] = [None if s is None else s.value for s in log_columns[_LOG_STATUS]]
    return columns, log_columns


def tasks_of_columns(
    stored: tuple[list[Any], list[Any]], days: Dates, statuses: dict[str | None, Status | None]
) -> list[Task]:
    columns, log_columns = list(stored[0]), list(stored[1])  # the stored lists stay as read
    if len(columns) != len(Task._fields) or len(log_columns) != len(LogEntry._fields):
        raise ValueError("wrong number of fields")
    counts = columns[_TASK_LOG]
    if sum(counts) != len(log_columns[0]) or min(counts, default=0) < 0:
        raise ValueError("log entries do not add up")
    day, status = days.__getitem__, statuses.__getitem__
    log_columns[0] = list(map(day, log_columns[0]))
    log_columns[_LOG_STATUS] = list(map(status, log_columns[_LOG_STATUS]))
    entries = list(map(partial(tuple.__new__, LogEntry), zip(*log_columns, strict=True)))
    # Each task's log a slice of them, cut in C (a loop in Python costs ~40% of the decode).
    ends = list(itertools.accumulate(counts))
    columns[_TASK_LOG] = list(map(entries.__getitem__, map(slice, [0, *ends], ends)))
    for i in _TASK_DAYS:
        columns[i] = list(map(day, columns[i]))
    columns[_TASK_STATUS] = list(map(status, columns[_TASK_STATUS]))
    # strict: a stored column of the wrong length is refused (a miss), never quietly cut.
    return list(map(partial(tuple.__new__, Task), zip(*columns, strict=True)))


def tasks_between(stored: tuple[list[Any], list[Any]], lo: int, hi: int) -> list[Task]:
    """tasks_of_columns(stored)[lo:hi], without building the other tasks (a write decodes
    the tasks it replaces alone, warm.py)."""
    columns, log_columns = stored
    counts = columns[_TASK_LOG]
    if len({len(c) for c in columns}) > 1 or sum(counts) != len(log_columns[0]):
        raise ValueError("log entries do not add up")
    first = sum(counts[:lo])
    last = first + sum(counts[lo:hi])
    part = [c[lo:hi] for c in columns], [c[first:last] for c in log_columns]
    return tasks_of_columns(part, Dates(), _statuses())


def stored_statuses(stored: tuple[list[Any], list[Any]]) -> dict[str, Status] | None:
    """checks.task_statuses of the stored tasks, from their columns."""
    columns = stored[0]
    if not any(columns[_TASK_MERGED]):
        return None
    return dict(zip(columns[_TASK_ID], map(Status, columns[_TASK_STATUS]), strict=True))


def stored_fields(
    stored: tuple[list[Any], list[Any]],
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """The stored tasks' columns, and their log entries', by field name: a text column holds
    the records' very texts (days, statuses and each task's log are stored otherwise)."""
    return (
        dict(zip(Task._fields, stored[0], strict=True)),
        dict(zip(LogEntry._fields, stored[1], strict=True)),
    )


def task_count(stored: tuple[list[Any], list[Any]]) -> int:
    return len(stored[0][_TASK_ID])


def _statuses() -> dict[str | None, Status | None]:
    statuses: dict[str | None, Status | None] = {s.value: s for s in Status}
    statuses[None] = None
    return statuses


def decode(payload: Any, root: Path, *, tasks: bool = True) -> Ledger:
    """The ledger of a stored form; `tasks=False`: without its tasks (an empty list)."""
    meta_t, aspects_t, tasks_t, indicators_t, (problems, first, until), _cut = payload
    if not (problems is None or type(problems) is int) or type(first) is not int:
        raise ValueError("a problem count must be a number")
    today = dt.date.today().toordinal()
    if not first <= today < (until if type(until) is int else today + 1):
        problems = None  # counted for other days: count again (store.load_ledger)
    days = Dates()
    new = tuple.__new__
    if len(meta_t) != len(LedgerMeta._fields):
        raise ValueError("wrong number of fields")
    meta = list(meta_t)
    meta[6], meta[7] = days[meta[6]], days[meta[7]]
    found = tasks_of_columns(tasks_t, days, _statuses()) if tasks else []
    indicators_out = []
    for values in indicators_t:
        if len(values) != len(Indicator._fields):
            raise ValueError("wrong number of fields")
        v = list(values)
        v[5] = Better(v[5])
        v[10] = days[v[10]]
        v[16] = ChangeUnit(v[16])
        v[23] = [new(Reading, (a, b, days[c], d)) for a, b, c, d in v[23]]
        indicators_out.append(new(Indicator, v))
    return Ledger(
        meta=new(LedgerMeta, meta),
        aspects=[new(Aspect, (a, b)) for a, b in aspects_t],
        tasks=found,
        indicators=indicators_out,
        root=str(root),
        problems=problems,
    )


def splice_tasks(stored: Any, before: int, kept: int, middle: list[Task]) -> Any:
    """The stored task columns (as read, see `decode`) with the `kept` tasks after the first
    `before` replaced by `middle`, their log entries too: what task_columns gives for the
    tasks so spliced, without encoding the others again."""
    columns, log_columns = stored
    counts = columns[_TASK_LOG]
    first = sum(counts[:before])
    last = first + sum(counts[before : before + kept])
    new, new_log = task_columns(middle)
    for column, part in zip(columns, new, strict=True):
        column[before : before + kept] = part
    for column, part in zip(log_columns, new_log, strict=True):
        column[first:last] = part
    return columns, log_columns
