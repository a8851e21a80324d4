"""Filters and sorting shared by list, warn and report."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from itertools import repeat
from typing import Any, NamedTuple

from .errors import UsageError, did_you_mean
from .i18n import say
from .kinds import Status, parse_status_filter
from .records import Aspect, Ledger, Task, id_key, matching_id
from .schedule import Health, TaskHealth, health


class TaskRow(NamedTuple):
    """A task with what the renderers need beside it, computed once (a named tuple: one is
    built per task, and a frozen dataclass costs ~4x as much)."""

    task: Task
    aspect_name: str
    health: TaskHealth
    ledger: str = ""


class SortKey(StrEnum):
    ID = "id"
    DEADLINE = "deadline"
    PROGRESS = "progress"
    STATUS = "status"
    LEAD = "lead"
    ASPECT = "aspect"
    HEALTH = "health"


_STATUS_ORDER = {s: i for i, s in enumerate(Status)}
_HEALTH_ORDER = {
    h: i
    for i, h in enumerate(
        [
            Health.OVERDUE,
            Health.BEHIND,
            Health.ON_SCHEDULE,
            Health.DONE_LATE,
            Health.DONE_ON_TIME,
            Health.DONE,
            Health.DROPPED,
        ]
    )
}


@dataclass(frozen=True)
class TaskFilter:
    statuses: frozenset[Status] | None = None
    aspects: frozenset[str] | None = None  # aspect ids or names
    lead: str | None = None  # substring, case-insensitive
    leader: str | None = None  # substring of 责任领导, case-insensitive
    owner: str | None = None  # substring of 责任人, case-insensitive
    due_before: dt.date | None = None
    search: str | None = None  # substring of id, title, measures, notes, lead, partners
    healths: frozenset[Health] | None = None  # judged as of the day asked, after the rest

    def matches(self, task: Task, aspect_name: str) -> bool:
        if self.statuses is not None and task.status not in self.statuses:
            return False
        if self.aspects is not None and not (
            task.aspect in self.aspects or aspect_name in self.aspects
        ):
            return False
        if self.lead is not None and self.lead.casefold() not in task.lead.casefold():
            return False
        for needle, value in ((self.leader, task.leader), (self.owner, task.owner)):
            if needle is not None and needle.casefold() not in (value or "").casefold():
                return False
        if self.due_before is not None and (
            task.deadline is None or task.deadline >= self.due_before
        ):
            return False
        if self.search is not None:
            needle = self.search.casefold()
            hay = [task.id, task.title, task.notes, task.lead, *task.measures, *task.partners]
            if not any(needle in h.casefold() for h in hay):
                return False
        return True


_EVERY_TASK = TaskFilter()


def status_filter(values: Iterable[str]) -> frozenset[Status] | None:
    """Several `--status` values, each a status or a group, in English or Chinese."""
    chosen: set[Status] = set()
    for v in values:
        try:
            chosen |= parse_status_filter(v)
        except ValueError as exc:
            raise UsageError(f"--status: {exc}; or pending (not yet done)") from None
    return frozenset(chosen) if chosen else None


def aspects_named(aspects: Sequence[Aspect], value: str) -> list[Aspect]:
    """The aspects `value` names: the one whose id (as `matching_id` reads ids) or whole name
    it is, else every aspect whose name contains it, in any case, as `--lead` matches."""
    ident = matching_id(value, [a.id for a in aspects])
    exact = [a for a in aspects if a.id == ident or a.name == value]
    if exact:
        return exact
    needle = id_key(value)
    return [a for a in aspects if needle and needle in id_key(a.name)]


def no_aspect(value: str, known: list[str]) -> UsageError:
    return UsageError(
        say(
            "--aspect: no aspect {value!r}{hint}",
            "--aspect：没有问题方面 {value!r}{hint}",
            value=value,
            hint=did_you_mean(value, known),
        )
    )


def aspect_filter(ledgers: Iterable[Ledger], values: Sequence[str]) -> frozenset[str] | None:
    """`--aspect` values, each naming (`aspects_named`) an aspect of at least one of
    `ledgers`; the ids or names the tasks' aspects are matched against."""
    if not values:
        return None
    every = [a for led in ledgers for a in led.aspects]
    chosen: set[str] = set()
    for v in values:
        hits = aspects_named(every, v)
        if not hits:
            raise no_aspect(v, [x for a in every for x in (a.id, a.name)])
        # An aspect named by its id is that id in every ledger, as before; one named by
        # (part of) its name is that name: ids repeat across ledgers, names say what they are.
        ident = matching_id(v, [a.id for a in every])
        chosen |= {a.id if a.id == ident else a.name for a in hits}
    return frozenset(chosen)


def rows(
    ledger: Ledger,
    as_of: dt.date,
    flt: TaskFilter | None = None,
    tolerance: float | None = None,
) -> list[TaskRow]:
    names = {a.id: a.name for a in ledger.aspects}
    tol = ledger.meta.tolerance if tolerance is None else tolerance
    start = ledger.meta.feedback_date
    ledger_name = ledger.name
    if flt is None or flt == _EVERY_TASK:  # `list` with no filter option: no test per task
        # By column, in C loops (100,000 tasks): the aspect names, the judgments, the rows.
        tasks = ledger.tasks
        aspects = [t.aspect for t in tasks]
        healths = map(health, tasks, repeat(as_of), repeat(tol), repeat(start))
        cells = zip(tasks, map(names.get, aspects, aspects), healths, repeat(ledger_name))
        return list(map(partial(tuple.__new__, TaskRow), cells))
    out = []
    for task in ledger.tasks:
        name = names.get(task.aspect, task.aspect)
        if flt.matches(task, name):
            judged = health(task, as_of, tol, start)
            if flt.healths is None or judged.health in flt.healths:
                out.append(TaskRow(task, name, judged, ledger_name))
    return out


def sort_rows(
    items: list[TaskRow], key: SortKey = SortKey.ID, reverse: bool = False
) -> list[TaskRow]:
    """By `key`, ties by id (naturally: T2 before T10)."""
    in_order = not reverse and in_id_order([r.task.id for r in items])
    if key is SortKey.ID:
        if in_order:
            return list(items)  # as ledgers are usually kept: no natural keys to build
        return sorted(items, key=lambda r: natural_key(r.task.id), reverse=reverse)
    first = _first_key(key)
    if in_order:
        # The rows are in id order already: a stable sort by the key alone leaves the ties
        # in that order, without a natural key to build per row.
        return sorted(items, key=first)
    return sorted(items, key=lambda r: (first(r), natural_key(r.task.id)), reverse=reverse)


def _first_key(key: SortKey) -> Callable[[TaskRow], Any]:
    """The key `sort_rows` sorts by before the id: the same values, in the same order."""
    match key:
        case SortKey.DEADLINE:
            return lambda r: r.task.deadline or dt.date.max
        case SortKey.PROGRESS:
            return lambda r: r.task.effective_progress
        case SortKey.STATUS:
            return lambda r: _STATUS_ORDER[r.task.status]
        case SortKey.LEAD:
            return lambda r: r.task.lead
        case SortKey.ASPECT:
            return lambda r: r.task.aspect
        case SortKey.HEALTH:
            return lambda r: _HEALTH_ORDER[r.health.health]
    raise AssertionError(key)  # pragma: no cover - ID is handled by the caller


_DIGITS = re.compile(r"(\d+)")
_ONE_NUMBER = re.compile(r"(\D*)(\d+)")


_DIGIT_MASK = str.maketrans("0123456789", "0000000000")


def in_id_order(ids: Sequence[str]) -> bool:
    """True when sorting `ids` by natural_key would not move them (False may mean either).

    A cheap sufficient test: ASCII ids of the same shape (same length, digits in the same
    places, as T001...T999 or 2-01...2-12) sort naturally as they sort as plain strings, as
    equal-length runs of digits compare the same as text and as numbers.  Each condition is
    tested over all the ids in one C call (100,000 ids: ~10 ms, against ~80 ms a pair at a
    time in Python).
    """
    if not ids:
        return True
    joined = "".join(ids)
    if not joined.isascii() or len(set(map(len, ids))) != 1:
        return False
    shapes = joined.translate(_DIGIT_MASK)
    width = len(ids[0])
    return shapes == shapes[:width] * len(ids) and all(
        map(operator.le, ids, itertools.islice(ids, 1, None))
    )


def natural_key(text: str) -> tuple[object, ...]:
    """T2 before T10: split digits out so ids sort the way people number them."""
    one = _ONE_NUMBER.fullmatch(text)
    if one is not None:  # the usual T01 or 2-1: the same key, without the general split
        prefix, number = one.groups()
        return (prefix, int(number), "")
    return _natural_split(text)


def _natural_split(text: str) -> tuple[object, ...]:
    # re.split with a group puts the runs of digits at the odd places.
    return tuple(int(p) if i % 2 else p for i, p in enumerate(_DIGITS.split(text)))


def rows_of_many(
    ledgers: Sequence[Ledger],
    as_of: dt.date,
    flt: TaskFilter | None,
    key: SortKey = SortKey.ID,
    reverse: bool = False,
) -> list[TaskRow]:
    """The tasks of several ledgers.  Sorted by id they stay grouped by ledger (in the order
    the ledgers were named); any other key sorts them all together, ties in ledger order."""
    if key is SortKey.ID:
        out: list[TaskRow] = []
        for led in ledgers:
            out += sort_rows(rows(led, as_of, flt), key, reverse)
        return out
    every = [r for led in ledgers for r in rows(led, as_of, flt)]
    return sort_rows(every, key, reverse)
