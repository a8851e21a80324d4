"""Well-formed tasks, as parsed from TOML, straight to the cache's stored columns
(ledger_codec.task_columns), without Pydantic: the fast path of a cold load.

Pydantic validates 100,000 tasks and 200,000 log entries in ~1.4 s, and turning its models
into records and then into columns costs as much again.  Nearly every file a program or a
careful person writes is regular: every key known, every value of the exact type the
models take (TOML gives str, int, bool and date), no text the models would strip of
spaces, ids and titles as the models want them, a status spelled as one of its aliases.
`columns` checks exactly that, a column at a time with loops that run in C, and answers
None at the least doubt: the piece is then validated by the models as always, so every
error message is the models' own.  The checks only ever refuse more than the models do
(`str.strip` and `re`'s \\s cover every space Pydantic strips or its pattern refuses; a
test holds it), never less.  Under RECTIFY_STRICT_FAST_PATH=1 (the tests) every piece is
validated both ways and any difference raises (toml_read.piece_columns).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from typing import Any

from .kinds import MAX_TITLE, OPEN_STATUSES, STATUS_ALIASES, Status
from .records import LogEntry, Task

_NONE = type(None)
_STATUS = {alias: status.value for alias, status in STATUS_ALIASES.items()}
_OPEN = frozenset(s.value for s in OPEN_STATUSES)
_KINDS = frozenset({"postponed", "added", None})
_NOT_ID = re.compile(r"[\s/\\:]")  # models.Task.id's pattern, refused anywhere in an id
_chain = itertools.chain.from_iterable

Columns = tuple[list[Any], list[Any]]


def _texts(values: list[Any]) -> bool:
    """All str, none with spaces the models would strip (str.strip returns the very
    object when it has nothing to strip, so the list compares by identity)."""
    return set(map(type, values)) <= {str} and list(map(str.strip, values)) == values


def _optional_texts(values: list[Any]) -> bool:
    return _texts([v for v in values if v is not None])


def _days(values: list[Any]) -> list[int | None] | None:
    if not set(map(type, values)) <= {dt.date, _NONE}:
        return None  # a datetime (a subclass) or anything else: the models say
    return [None if d is None else d.toordinal() for d in values]


def _percent(values: list[Any]) -> bool:
    given = [v for v in values if v is not None]
    return set(map(type, given)) <= {int} and (not given or 0 <= min(given) <= max(given) <= 100)


def _statuses(values: list[Any], missing: str | None) -> list[str | None] | None:
    if not set(map(type, values)) <= {str, _NONE}:
        return None
    out = [missing if s is None else _STATUS.get(s, "") for s in values]
    return None if "" in out else out


def _text_lists(values: list[Any], share: Any) -> list[list[str]] | None:
    if not set(map(type, values)) <= {list, _NONE}:
        return None
    if not _texts(list(_chain(v for v in values if v))):
        return None
    return [list(map(share, v, v)) if v else [] for v in values]


def _getter(tables: list[Any], fields: tuple[str, ...]) -> Callable[[str], list[Any]] | None:
    """The column of each field (None where a table lacks it), all read in one pass over
    the tables: each table is visited once while it is in the CPU's cache, twice as fast
    as a pass per field over 100,000 tables scattered in memory.  None: not all tables,
    or a key that is none of `fields`."""
    if not set(map(type, tables)) <= {dict}:
        return None
    if not tables:
        return lambda key: []
    rows = [list(map(t.get, fields)) for t in tables]
    by_field = dict(zip(fields, map(list, zip(*rows, strict=True)), strict=True))
    # TOML has no null: a table's known keys are its values that are not None, so a table
    # with more keys than that holds one the models do not know (extra="forbid").
    known = len(tables) * len(fields) - sum(c.count(None) for c in by_field.values())
    return None if sum(map(len, tables)) != known else by_field.__getitem__


def columns(tasks: Any, strings: dict[str, str]) -> Columns | None:
    """The stored columns of `tasks` (a piece's parsed `[[tasks]]` tables), exactly as
    ledger_codec.task_columns gives them for the records the models would make, or None
    when unsure.  `strings` makes equal texts one object, as records.task_of does."""
    get = _getter(tasks, Task._fields) if type(tasks) is list else None
    if get is None:
        return None
    share = strings.setdefault
    ids, aspects, titles, leads = get("id"), get("aspect"), get("title"), get("lead")
    if not (_texts(ids) and _texts(aspects) and _texts(titles) and _texts(leads)):
        return None  # a required key missing (None) is refused here too
    if "" in aspects or "" in leads or _NOT_ID.search("".join(ids)) or "" in ids:
        return None
    if "" in titles or max(map(len, titles), default=0) > MAX_TITLE:
        return None
    leader, owner, phone, merged = get("leader"), get("owner"), get("phone"), get("merged_into")
    notes = ["" if n is None else n for n in get("notes")]
    if not all(map(_optional_texts, (leader, owner, phone, merged))) or not _texts(notes):
        return None
    lists = [_text_lists(get(k), share) for k in ("measures", "partners", "evidence", "indicators")]
    start, deadline, done_on = (
        _days(get("start")),
        _days(get("deadline")),
        _days(get("completed_on")),
    )
    status = _statuses(get("status"), Status.NOT_STARTED.value)
    ongoing = get("ongoing")
    progress = get("progress")
    if None in lists or start is None or deadline is None or done_on is None or status is None:
        return None
    if not set(map(type, ongoing)) <= {bool, _NONE} or not _percent(progress):
        return None
    ongoing = [o is True for o in ongoing]
    for day, on, s in zip(deadline, ongoing, status, strict=True):  # models.Task's rule
        if (day is None and not on and s in _OPEN) or (day is not None and on):
            return None
    logs = get("log")
    if not set(map(type, logs)) <= {list, _NONE}:
        return None
    logs = [log or [] for log in logs]
    entries = list(_chain(logs))
    log = _log_columns(entries, share)
    if log is None:
        return None
    measures, partners, evidence, indicators = lists

    def shared(values: list[Any]) -> list[Any]:
        return [None if v is None else share(v, v) for v in values]

    return [
        ids,
        shared(aspects),
        titles,
        measures,
        shared(leads),
        partners,
        shared(leader),
        shared(owner),
        phone,
        start,
        deadline,
        ongoing,
        status,
        merged,
        progress,
        done_on,
        evidence,
        indicators,
        shared(notes),
        list(map(len, logs)),
    ], log


def _log_columns(entries: list[Any], share: Any) -> list[Any] | None:
    get = _getter(entries, LogEntry._fields)
    if get is None:
        return None
    dates, kinds, progress = get("date"), get("kind"), get("progress")
    if not set(map(type, dates)) <= {dt.date} or not set(map(type, kinds)) <= {str, _NONE}:
        return None
    if not set(kinds) <= _KINDS:
        return None
    status = _statuses(get("status"), None)
    notes = ["" if n is None else n for n in get("note")]
    by = get("by")
    changes = _text_lists(get("changes"), share)
    if status is None or changes is None or not _percent(progress):
        return None
    if not _texts(notes) or not _optional_texts(by):
        return None
    return [
        [d.toordinal() for d in dates],
        kinds,
        status,
        progress,
        [share(n, n) for n in notes],
        [None if b is None else share(b, b) for b in by],
        changes,
    ]
