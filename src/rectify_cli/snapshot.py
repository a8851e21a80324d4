"""The ledger as it stood at the end of a past day (`--as-of DATE`), read back from its log.

Every write records what it changed as `field: old → new` lines in a dated log entry
(textfmt.change_text), and `record` keeps the replaced reading in the indicator's history.
That is enough to know the ledger on any past day: drop the entries dated after DATE and
undo their change lines, newest first.  Only tasks with such entries need any work, so a
snapshot costs a pass over the log dates of a ledger already loaded (from the cache, which
it never touches).

Where the log cannot prove a past value, the snapshot says so rather than passing today's
value off as the past: a change line whose new value is not the value found (something
changed the field without a log line), a status or progress set by an entry without a change
line and with no earlier entry to give the value before it, a line that cannot be read back,
an item removed from a list (its place is not recorded), a reading without a recorded date.
These are the `Unproven` items; the CLI prints one line about them on stderr.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from .kinds import ADDED, Status
from .records import Indicator, Ledger, LogEntry, Reading, Task
from .speech import say
from .textfmt import ARROW, NOTHING, parse_change, value_text

_DATES = frozenset({"start", "deadline", "completed_on"})
_LISTS = frozenset({"measures", "partners", "evidence", "indicators"})
_OPTIONAL_TEXT = frozenset({"leader", "owner", "phone", "merged_into"})
_TEXT = frozenset({"title", "aspect", "lead", "notes"})
_KEYED = ("status", "progress")
_TASK_FIELDS = frozenset(Task._fields) - {
    "id",
    "log",
}  # fields a log entry also carries as keys of its own
# The fields an indicator's archived reading notes as `name = value` (edit_rules._PERIOD_FIELDS).
_PERIOD_FIELDS = ("value_bound", "change", "change_bound", "rank", "change_rank", "rank_note")


class Unproven(NamedTuple):
    """A value of the snapshot the log cannot prove: which ledger, task or indicator, field."""

    ledger: str
    item: str
    field: str


class Snapshot(NamedTuple):
    ledger: Ledger
    unproven: tuple[Unproven, ...]


def snapshot(ledger: Ledger, day: dt.date) -> Snapshot:
    """The ledger at the end of `day`.  The same object when nothing is dated after it and
    every log is in date order."""
    unproven: list[Unproven] = []
    tasks: list[Task] = []
    changed = False
    for t in ledger.tasks:
        if not _needs_work(t, day):
            tasks.append(t)
            continue
        changed = True
        past, fields = task_at(t, day)
        unproven += (Unproven(ledger.name, t.id, f) for f in fields)
        if past is not None:
            tasks.append(past)
    indicators: list[Indicator] = []
    for ind in ledger.indicators:
        if not _read_after(ind, day):
            indicators.append(ind)
            continue
        changed = True
        past_ind, proven = indicator_at(ind, day)
        if not proven:
            unproven.append(Unproven(ledger.name, ind.id, "value"))
        indicators.append(past_ind)
    meta = ledger.meta
    if meta.as_of is not None and meta.as_of > day:
        # What the ledger records is current to DATE at the latest.
        meta, changed = meta._replace(as_of=day), True
    if not changed:
        return Snapshot(ledger, ())
    past_ledger = Ledger(meta, ledger.aspects, tasks, indicators, ledger.root, ledger.problems)
    return Snapshot(past_ledger, tuple(unproven))


# --------------------------------------------------------------------------- tasks


def _needs_work(task: Task, day: dt.date) -> bool:
    """Whether the task differs at the end of `day`: an entry dated after it, or entries out
    of date order (a backdated entry), whose order of writing is not the order of days."""
    return any(e.date > day for e in task.log) or any(
        a.date > b.date for a, b in itertools.pairwise(task.log)
    )


def task_at(task: Task, day: dt.date) -> tuple[Task | None, list[str]]:
    """The task at the end of `day` (None: added after it), and the fields the log cannot
    prove.

    The entries were written in file order, but the day they record is their date: a
    backdated entry (`--date` earlier than entries already there) happened before them.  So
    every change is undone in the order of writing, last first, which gives the task before
    its log; then the entries dated on or before `day` are applied again in date order
    (entries of one day in file order).  For a log in date order this is the same as undoing
    the entries after `day`.
    """
    log = task.log
    in_order = all(a.date <= b.date for a, b in itertools.pairwise(log))
    first = log[0] if in_order else min(log, key=lambda e: e.date)
    if first.kind == ADDED and first.date > day:
        return None, []
    values: dict[str, Any] = task._asdict()
    unproven: list[str] = []
    # In date order (the common case) only the entries after `day` are undone.
    stop = next((n for n, e in enumerate(log) if e.date > day), len(log)) if in_order else 0
    for n in range(len(log) - 1, stop - 1, -1):
        _undo_entry(values, log, n, day, unproven)
    kept = list(log)
    if not in_order:
        for i in sorted(range(len(log)), key=lambda i: (log[i].date, i)):
            entry = log[i]
            if entry.date > day:
                break
            lined, lines = _redo_lines(values, entry.changes, unproven)
            # A backdated entry's line says what the file held when it was written (a later
            # day's value); in the past this snapshot shows, its old value is the one before
            # it by date, so `changes` over the snapshot reads the same history.
            kept[i] = entry._replace(changes=lines)
            for key in _KEYED:
                set_to = getattr(entry, key)
                if set_to is not None and key not in lined:
                    values[key] = set_to
    # The past this snapshot shows happened in date order: its log is kept so, with the
    # lines above, and reads as one consistent history.
    order = (
        range(len(kept)) if in_order else sorted(range(len(kept)), key=lambda i: (kept[i].date, i))
    )
    values["log"] = [kept[i] for i in order if kept[i].date <= day]
    return Task(**values), sorted(set(unproven))


def _undo_entry(
    values: dict[str, Any], log: list[LogEntry], n: int, day: dt.date, unproven: list[str]
) -> None:
    entry = log[n]
    lined = _undo_lines(values, entry.changes, unproven)
    for key in _KEYED:
        set_to = getattr(entry, key)
        if set_to is None or key in lined:
            continue
        # A key without its change line (written by hand, or by an older rectify): the value
        # before it is the one the previous entry that set this key gave.
        if values[key] != set_to:
            unproven.append(key)
        before = [v for e in log[:n] if (v := getattr(e, key)) is not None]
        if before:
            values[key] = before[-1]
            continue
        if key == "progress" and n == 0:
            values[key] = None  # the first entry reported it first
        if entry.date > day and not (n == 0 and entry.kind == ADDED):
            # Nothing tells the value before it, and `day` is before it.
            unproven.append(key)


def _undo_lines(values: dict[str, Any], lines: Sequence[str], unproven: list[str]) -> set[str]:
    """Undo an entry's change lines, last first; the fields they name."""
    named: set[str] = set()
    for line in reversed(lines):
        listed = _list_line(line, values)
        if listed is not None:
            field, sign, item = listed
            named.add(field)
            _undo_item(values, field, sign, item, unproven)
            continue
        parsed = _scalar_line(line, values)
        if parsed is None:
            continue  # a line of another shape says nothing this can undo
        field, old, new = parsed
        named.add(field)
        if value_text(values[field]) != new:
            unproven.append(field)
        try:
            values[field] = _value(field, old)
        except ValueError:
            unproven.append(field)
    return named


def _redo_lines(
    values: dict[str, Any], lines: Sequence[str], unproven: list[str]
) -> tuple[set[str], list[str]]:
    """Apply an entry's change lines again, in order; the fields they name, and the lines
    with each old value the one they now replace."""
    named: set[str] = set()
    out: list[str] = []
    for line in lines:
        out.append(line)
        listed = _list_line(line, values)
        if listed is not None:
            field, sign, item = listed
            named.add(field)
            items = [x for x in values[field] if x != item]
            values[field] = [*items, item] if sign == "+" else items
            continue
        parsed = _scalar_line(line, values)
        if parsed is None:
            continue
        field, _, new = parsed
        named.add(field)
        out[-1] = f"{field}: {value_text(values[field])}{ARROW}{new}"
        try:
            values[field] = _value(field, new)
        except ValueError:
            unproven.append(field)
    return named, out


def _list_line(line: str, values: dict[str, Any]) -> tuple[str, str, str] | None:
    """(field, + or -, item) of `evidence: + X`, else None."""
    return _read_line(line)[0]


def _scalar_line(line: str, values: dict[str, Any]) -> tuple[str, str, str] | None:
    return _read_line(line)[1]


@functools.lru_cache(maxsize=4096)
def _read_line(line: str) -> tuple[tuple[str, str, str] | None, tuple[str, str, str] | None]:
    """A change line read once (the same lines recur across tasks): (a list line, a line of
    one value), either None."""
    field, _, rest = line.partition(":")
    field, rest = field.strip(), rest.strip()
    if field in _LISTS and rest[:2] in ("+ ", "- "):
        return (field, rest[0], rest[2:].strip()), None
    parsed = parse_change(line)
    if parsed is None or parsed[0] not in _TASK_FIELDS:
        return None, None
    return None, parsed


def _undo_item(
    values: dict[str, Any], field: str, sign: str, item: str, unproven: list[str]
) -> None:
    """`evidence: + X` undone takes X out; `measures: - Y` puts Y back, at the end: where it
    stood is not recorded."""
    items = list(values[field])
    if sign == "+":
        if item in items:
            items.remove(item)
        else:
            unproven.append(field)
    else:
        items.append(item)
        unproven.append(field)
    values[field] = items


@functools.lru_cache(maxsize=4096)
def _value(field: str, text: str) -> Any:
    """A value read back from a change line (the inverse of textfmt.value_text)."""
    nothing = text == NOTHING
    if field == "status":
        return Status(text)
    if field == "progress":
        return None if nothing else int(text)
    if field in _DATES:
        return None if nothing else dt.date.fromisoformat(text)
    if field in _LISTS:
        return [] if nothing else text.split("; ")
    if field == "ongoing":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if field in _OPTIONAL_TEXT:
        return None if nothing else text
    if field in _TEXT:
        return "" if nothing else text
    raise ValueError(field)


# --------------------------------------------------------------------------- indicators


def _recorded(ind: Indicator) -> list[dt.date | None]:
    return [ind.recorded, *(r.recorded for r in ind.history)]


def _read_after(ind: Indicator, day: dt.date) -> bool:
    """Whether the reading current at the end of `day` may not be today's: one recorded after
    it, or readings recorded out of date order (a backdated `record`)."""
    days = [d for d in _recorded(ind)[1:] + _recorded(ind)[:1] if d is not None]
    return any(d > day for d in days) or any(a > b for a, b in itertools.pairwise(days))


def indicator_at(ind: Indicator, day: dt.date) -> tuple[Indicator, bool]:
    """The indicator with the reading current at the end of `day`: the latest one recorded on
    or before it, of the history (kept in the order the readings were replaced) and the
    current value; of two on one day, the one recorded later.  A reading with no recorded
    date cannot be placed: without a dated one, the newest undated reading older than
    those recorded after `day` stands, and the result says it is not proven."""
    current = (
        Reading(ind.value, ind.period or "", ind.recorded, "") if ind.value is not None else None
    )
    readings = [*ind.history, *([current] if current is not None else [])]
    dated = [
        (r.recorded, n)
        for n, r in enumerate(readings)
        if r.recorded is not None and r.recorded <= day
    ]
    if dated:
        pick, proven = max(dated)[1], True
    else:
        undated = [n for n, r in enumerate(readings) if r.recorded is None]
        if not undated:
            empty: dict[str, Any] = dict.fromkeys(("value", "period", "recorded", *_PERIOD_FIELDS))
            return ind._replace(history=[], **empty), False
        pick, proven = undated[-1], False
    history = [
        r
        for n, r in enumerate(ind.history)
        if n != pick and (r.recorded is None or r.recorded <= day)
    ]
    if current is not None and pick == len(readings) - 1:
        return ind._replace(history=history), proven
    r = readings[pick]
    past = ind._replace(
        value=r.value,
        period=r.period or None,
        recorded=r.recorded,
        history=history,
        **_published(r),
    )
    return past, proven and _published_whole(r)


def _published(r: Reading) -> dict[str, Any]:
    """What was published with an archived reading, read back from its note
    (`rank = 3; change = 1.5%`); fields it does not name were not published."""
    out: dict[str, Any] = dict.fromkeys(_PERIOD_FIELDS)
    for name, text in _noted(r.note):
        try:
            out[name] = _period_value(name, text)
        except ValueError:
            continue
    return out


def _published_whole(r: Reading) -> bool:
    parts = [p for p in r.note.split("; ") if p]
    return len(_noted(r.note)) == len(parts)


def _noted(note: str) -> list[tuple[str, str]]:
    found = []
    for part in note.split("; "):
        name, sep, text = part.partition(" = ")
        if sep and name in _PERIOD_FIELDS:
            found.append((name, text))
    return found


def _period_value(name: str, text: str) -> Any:
    if name in ("value_bound", "change_bound"):
        if text not in ("above", "below"):
            raise ValueError(text)
        return text
    if name in ("rank", "change_rank"):
        return int(text)
    if name == "change":
        number = text.rstrip("%pt").strip()  # the change unit is written after the number
        return float(number) if "." in number else int(number)
    return text


# --------------------------------------------------------------------------- the notice


def unproven_notice(items: Iterable[Unproven], day: dt.date, multi: bool = False) -> str | None:
    """The one line a reading command adds on stderr when a snapshot holds values its log
    cannot prove, or None."""
    found = list(items)
    if not found:
        return None
    shown = [f"{u.ledger}:{u.item} {u.field}" if multi else f"{u.item} {u.field}" for u in found]
    more = len(shown) - 5
    listed = ", ".join(shown[:5]) + (say(" and {n} more", " 等{n}项", n=more) if more > 0 else "")
    return say(
        "Warning: as of {day}, the log cannot prove {n} value{s} shown ({listed}); they may be "
        "today's values or a hand edit's; rectify log lists what was recorded",
        "警告：截至{day}，有{n}个数值无法由整改记录证实（{listed}），可能是当前值或手工修改的值；"
        "运行 rectify log 可查看已有记录",
        day=day.isoformat(),
        n=len(found),
        s="" if len(found) == 1 else "s",
        listed=listed,
    )
