"""A loaded ledger as read-only records: what every command reads, prints and computes on.

The Pydantic models (models.py) validate what is read from the files; once a ledger has
passed, it is handed on as these named tuples, with the same field names in the same order
(a test holds them in step).  Why two sets of types: a record is rebuilt from the cache
(cache.py) about three times faster than a model was (100,000 tasks and their logs: ~0.3 s
against ~1 s) and takes well under half the memory, and this module imports nothing heavy,
so a command served from the cache never imports the models or Pydantic's schema code.

Records are immutable (`_replace` makes a changed copy); lists in them are never modified.
They are built only from validated models (`ledger_of`) or from a cache entry written from
such records, so every value already satisfies the models' rules.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, overload

from .kinds import FINISHED, Better, Bound, ChangeUnit, Status

if TYPE_CHECKING:
    from pydantic import BaseModel

    from . import models


class LedgerMeta(NamedTuple):
    version: int
    title: str
    name: str | None
    source: str | None
    issued_by: str | None
    inspection_group: str | None
    feedback_date: dt.date | None
    as_of: dt.date | None
    lang: Literal["zh", "en"]
    tolerance: float
    stale_days: int
    headline_prefix: str | None


class Aspect(NamedTuple):
    id: str
    name: str


class LogEntry(NamedTuple):
    date: dt.date
    kind: str | None  # "postponed" or "added" (models.LogEntry)
    status: Status | None
    progress: int | None
    note: str
    by: str | None
    changes: list[str]


class Task(NamedTuple):
    id: str
    aspect: str
    title: str
    measures: list[str]
    lead: str
    partners: list[str]
    leader: str | None
    owner: str | None
    phone: str | None
    start: dt.date | None
    deadline: dt.date | None
    ongoing: bool
    status: Status
    merged_into: str | None  # the task a merged task was folded into
    progress: int | None
    completed_on: dt.date | None
    evidence: list[str]
    indicators: list[str]
    notes: str
    log: list[LogEntry]

    @property
    def effective_progress(self) -> int:
        """Progress for arithmetic: a done task is 100, an unreported one 0."""
        if self.status in FINISHED:
            return 100
        return self.progress or 0


class Reading(NamedTuple):
    value: float
    period: str
    recorded: dt.date | None
    note: str


class Indicator(NamedTuple):
    id: str
    name: str
    name_en: str | None
    group: str | None
    unit: str
    better: Better
    value: float | None
    value_bound: Bound | None
    decimals: int | None
    period: str | None
    recorded: dt.date | None
    baseline: float | None
    baseline_bound: Bound | None
    baseline_period: str | None
    target: float | None
    change: float | None
    change_unit: ChangeUnit
    change_bound: Bound | None
    change_basis: str | None
    rank: int | None
    change_rank: int | None
    rank_note: str | None
    note: str
    history: list[Reading]


class Ledger:
    """A loaded ledger folder: the tasks file, the indicators file and where they live."""

    __slots__ = ("aspects", "indicators", "meta", "problems", "root", "tasks")

    def __init__(
        self,
        meta: LedgerMeta,
        aspects: list[Aspect],
        tasks: list[Task],
        indicators: list[Indicator],
        root: str,  # the folder, as the user named it (for messages)
        problems: int | None = None,
    ) -> None:
        self.meta = meta
        self.aspects = aspects
        self.tasks = tasks
        self.indicators = indicators
        self.root = root
        # How many problems `rectify check` finds in it (checks.problem_count), counted once
        # when it is loaded from its files and kept in the cache; None: not counted.
        self.problems = problems

    def __repr__(self) -> str:
        return f"Ledger(root={self.root!r}, tasks={len(self.tasks)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        # The same data; the problem count is derived from it (and may be not yet counted).
        return all(getattr(self, k) == getattr(other, k) for k in _LEDGER_DATA)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the lists it holds

    @property
    def name(self) -> str:
        # Either separator: a Windows path names its folder after the last backslash.
        folder = re.split(r"[/\\]", self.root.rstrip("/\\"))[-1]
        return self.meta.name or folder or "ledger"

    def task(self, task_id: str) -> Task | None:
        """The task `task_id` names, as typed or as `matching_id` reads it (t07 → T07)."""
        for t in self.tasks:
            if t.id == task_id:
                return t
        found = matching_id(task_id, (t.id for t in self.tasks))
        return None if found is None else self.task(found)

    def aspect_name(self, aspect_id: str) -> str:
        for a in self.aspects:
            if a.id == aspect_id:
                return a.name
        return aspect_id


def id_key(ident: str) -> str:
    """What an id is the same as: `t01`, `T01` and the full-width `Ｔ01` (typed with a
    Chinese IME) look alike to a reader, so they are one id (NFKC, then case-folded): a
    ledger may not hold two such ids (problems.duplicate_ids), and a typed one finds its
    task by it (matching_id)."""
    if ident.isascii():
        return ident.lower()  # the common case, and what NFKC and casefold give for ASCII
    return unicodedata.normalize("NFKC", ident).casefold()


def matching_id(given: str, ids: Iterable[str]) -> str | None:
    """The one id of `ids` that `given` names: itself when present, else the one equal to it
    by `id_key` (t07 → T07).  None when none is, or when several are (t07 with both T07
    and t07 in a file): a guess between two would write the wrong one."""
    key, found = id_key(given.strip()), set[str]()
    for ident in ids:
        if ident == given:
            return ident
        if id_key(ident) == key:
            found.add(ident)
    return found.pop() if len(found) == 1 else None


_LEDGER_DATA = ("aspects", "indicators", "meta", "root", "tasks")


# --------------------------------------------------------------------------- from models


def _record(cls: Any, model: BaseModel) -> Any:
    values = model.__dict__
    return cls._make([values[f] for f in cls._fields])


def log_entry_of(m: models.LogEntry, strings: dict[str, str] | None = None) -> LogEntry:
    share = _sharer(strings)
    v = m.__dict__
    by = v["by"]
    return LogEntry(
        v["date"],
        v["kind"],
        v["status"],
        v["progress"],
        share(v["note"]),
        None if by is None else share(by),
        [share(c) for c in v["changes"]],
    )


def task_of(m: models.Task, strings: dict[str, str] | None = None) -> Task:
    """The record of a task; `strings` (one per ledger) makes equal texts one object.

    A parser makes a new string for every value it reads, so a department named in 5,000
    tasks is 5,000 strings; shared, the ledger takes less memory and its cache entry is
    written with each text once (marshal writes an object seen before as a reference).
    """
    share = _sharer(strings)
    v = m.__dict__
    return Task(
        v["id"],
        share(v["aspect"]),
        v["title"],
        [share(x) for x in v["measures"]],
        share(v["lead"]),
        [share(x) for x in v["partners"]],
        None if v["leader"] is None else share(v["leader"]),
        None if v["owner"] is None else share(v["owner"]),
        v["phone"],
        v["start"],
        v["deadline"],
        v["ongoing"],
        v["status"],
        v["merged_into"],
        v["progress"],
        v["completed_on"],
        [share(x) for x in v["evidence"]],
        [share(x) for x in v["indicators"]],
        share(v["notes"]),
        [log_entry_of(e, strings) for e in v["log"]],
    )


def _sharer(strings: dict[str, str] | None) -> Callable[[str], str]:
    if strings is None:
        return str
    keep = strings.setdefault
    return lambda text: keep(text, text)


def indicator_of(m: models.Indicator) -> Indicator:
    v = dict(m.__dict__)
    v["history"] = [_record(Reading, r) for r in m.history]
    return Indicator._make([v[f] for f in Indicator._fields])


@overload
def of(model: models.LedgerMeta) -> LedgerMeta: ...
@overload
def of(model: models.Aspect) -> Aspect: ...
@overload
def of(model: models.Task) -> Task: ...
@overload
def of(model: models.LogEntry) -> LogEntry: ...
@overload
def of(model: models.Indicator) -> Indicator: ...
@overload
def of(model: models.Reading) -> Reading: ...
def of(model: BaseModel) -> Any:
    """The record of one validated model (of any ledger table)."""
    from . import models as m

    if isinstance(model, m.Task):
        return task_of(model)
    if isinstance(model, m.Indicator):
        return indicator_of(model)
    if isinstance(model, m.LogEntry):
        return log_entry_of(model)
    plain = ((m.LedgerMeta, LedgerMeta), (m.Aspect, Aspect), (m.Reading, Reading))
    for model_class, record in plain:
        if isinstance(model, model_class):
            return _record(record, model)
    raise TypeError(f"no record for {type(model).__name__}")


def ledger_of(
    meta: models.LedgerMeta,
    aspects: Iterable[models.Aspect],
    tasks: Iterable[models.Task],
    indicators: Iterable[models.Indicator],
    root: str,
) -> Ledger:
    """The records of a validated ledger."""
    strings: dict[str, str] = {}
    return Ledger(
        meta=_record(LedgerMeta, meta),
        aspects=[_record(Aspect, a) for a in aspects],
        tasks=[task_of(t, strings) for t in tasks],
        indicators=[indicator_of(i) for i in indicators],
        root=root,
    )


# --------------------------------------------------------------------------- to plain data


def as_dict(record: Any) -> dict[str, Any]:
    """A record as a dict, nested records too: what `model_dump()` gives for its model."""
    out: dict[str, Any] = record._asdict()
    for key, value in out.items():
        if type(value) is list and value and isinstance(value[0], tuple):
            out[key] = [as_dict(v) for v in value]
    return out


def as_json(record: Any) -> dict[str, Any]:
    """A record as JSON-ready data: what `model_dump(mode="json")` gives for its model."""
    out: dict[str, Any] = record._asdict()
    for key, value in out.items():
        out[key] = _json_value(value)
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Status | Better | ChangeUnit):
        return value.value
    if type(value) is list:
        return [as_json(v) if isinstance(v, tuple) else _json_value(v) for v in value]
    return value
