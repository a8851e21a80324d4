"""Dates and schedule health: the one place that decides on schedule, behind, overdue, late.

`list`, `warn` and `report` all call `health()` and `warnings()`, so a task can never be
"behind" in one output and "on schedule" in another.

The time-proportional rule (序时进度): a task that has used a share of the time from its start
to its deadline is expected to have done the same share of its work; it is *behind* when its
progress is lower than that share by more than the tolerance (default 10 points).

A task without `start` is taken to have started on the ledger's `feedback_date` (the day the
problems were fed back, when rectification began); with neither, the share is unknowable and
the task is never *behind* (it can still be due soon, overdue or stale).  A task whose start is
after the as-of date has not started yet: it is expected to have done nothing, so it is never
behind either.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import repeat
from operator import attrgetter
from typing import NamedTuple, Protocol, TypeVar

from .kinds import DROPPED, FINISHED, OPEN_STATUSES, is_added
from .records import Ledger, LogEntry, Task
from .speech import say


class Health(StrEnum):
    ON_SCHEDULE = "on_schedule"
    BEHIND = "behind"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    DONE = "done"  # completed, but no deadline or completion date to judge timeliness
    DROPPED = "dropped"  # cancelled or merged: out of the plan, never judged

    @property
    def is_done(self) -> bool:
        return self in (Health.DONE_ON_TIME, Health.DONE_LATE, Health.DONE)

    @classmethod
    def parse(cls, text: str) -> Health:
        """A health typed by a person: its key or its label in either language (逾期,
        未达序时进度, behind schedule), in any case; a ValueError names the choices."""
        return read_word(cls, "health", text, _HEALTH_WORDS)


_W = TypeVar("_W", bound=StrEnum)


def _word_key(text: str) -> str:
    return (
        unicodedata.normalize("NFKC", text).strip().casefold().replace("-", "_").replace(" ", "_")
    )


def read_word(enum: type[_W], prefix: str, text: str, extra: dict[str, _W] | None = None) -> _W:
    """The member of `enum` that `text` names: its key, its label in either language (the
    i18n keys `prefix.key`) or a word of `extra`, compared in any case and NFKC-normalised;
    a ValueError lists the choices in the spoken language."""
    from .i18n import label

    key = _word_key(text)
    for member in enum:
        words = (member.value, label(f"{prefix}.{member.value}", "zh"))
        if key in {_word_key(w) for w in (*words, label(f"{prefix}.{member.value}", "en"))}:
            return member
    for word, member in (extra or {}).items():
        if key == _word_key(word):
            return member
    choices = ", ".join(f"{m.value} ({label(f'{prefix}.{m.value}', 'zh')})" for m in enum)
    raise ValueError(
        say(
            "unknown value {text!r}; use one of {choices}",
            "未知的值 {text!r}；请用以下之一：{choices}",
            text=text,
            choices=choices,
        )
    )


# The words offices write in a 台账's own column beside the labels rectify prints.
_HEALTH_WORDS = {"滞后": Health.BEHIND, "正常": Health.ON_SCHEDULE, "按期": Health.ON_SCHEDULE}


class TaskHealth(NamedTuple):
    # A named tuple, not a frozen dataclass: one is built per task and command, and a
    # frozen dataclass costs ~4x as much to build (100,000 tasks: ~0.2 s).
    health: Health
    expected: float | None  # time-proportional progress expected by as_of, 0-100
    actual: int  # progress used for the comparison (unreported counts as 0)
    days_left: int | None  # until the deadline; negative when past it


def task_start(task: Task, ledger_start: dt.date | None) -> dt.date | None:
    """A task without `start` started when the plan did: the ledger's feedback date."""
    return task.start or ledger_start


def expected_progress(start: dt.date | None, deadline: dt.date, as_of: dt.date) -> float | None:
    """Share of the start→deadline span elapsed on as_of, in percent (None if unknowable)."""
    if start is None:
        return None
    if as_of < start:
        return 0.0
    span = (deadline - start).days
    if span <= 0 or as_of >= deadline:
        return 100.0
    return 100.0 * (as_of - start).days / span


def health(
    task: Task, as_of: dt.date, tolerance: float = 10.0, ledger_start: dt.date | None = None
) -> TaskHealth:
    status = task.status
    if status in DROPPED:
        return TaskHealth(Health.DROPPED, None, task.progress or 0, None)
    done = status in FINISHED
    actual = 100 if done else task.progress or 0  # task.effective_progress, inlined
    days_left = (task.deadline - as_of).days if task.deadline else None
    if done:
        if task.deadline is None or task.completed_on is None:
            state = Health.DONE
        elif task.completed_on <= task.deadline:
            state = Health.DONE_ON_TIME
        else:
            state = Health.DONE_LATE
        return TaskHealth(state, None, actual, days_left)
    if task.deadline is None:  # ongoing (长期坚持): never overdue, no proportion to fall behind
        return TaskHealth(Health.ON_SCHEDULE, None, actual, None)
    expected = expected_progress(task_start(task, ledger_start), task.deadline, as_of)
    if as_of > task.deadline:
        state = Health.OVERDUE
    elif expected is not None and actual < expected - tolerance:
        state = Health.BEHIND
    else:
        state = Health.ON_SCHEDULE
    return TaskHealth(state, expected, actual, days_left)


# --------------------------------------------------------------------------- warnings


class Level(StrEnum):
    """Warning levels, most severe first (their order is their severity)."""

    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    @classmethod
    def parse(cls, text: str) -> Level:
        """A level typed by a person: red, 红色预警, or its colour alone (红色, 红)."""
        return read_word(cls, "level", text, _COLOURS)


_COLOURS = {"红色": Level.RED, "红": Level.RED, "黄色": Level.YELLOW, "黄": Level.YELLOW}
_COLOURS |= {"蓝色": Level.BLUE, "蓝": Level.BLUE}

# A dict, not list(Level).index(): rank is asked several times per warning, 10,000s of times.
_LEVEL_RANK = {level: i for i, level in enumerate(Level)}


class Reason(StrEnum):
    OVERDUE = "overdue"
    BEHIND = "behind"
    DUE_SOON = "due_soon"
    STALE = "stale"

    @property
    def level(self) -> Level:
        return REASON_LEVEL[self]


# Stale (no news for a long time) is a nudge, not a risk in itself: the lowest level.
REASON_LEVEL = {
    Reason.OVERDUE: Level.RED,
    Reason.BEHIND: Level.YELLOW,
    Reason.DUE_SOON: Level.BLUE,
    Reason.STALE: Level.BLUE,
}


class WarningCause(NamedTuple):
    # A named tuple: cheap to build, and hashable, so its text can be looked up (warn_text).
    reason: Reason
    days: int  # days overdue, days left, or days since the last update
    expected: float | None = None
    actual: int | None = None


# How near a deadline warns (`rectify warn --days`, and the report's warnings).
DEFAULT_DAYS = 7


class TaskWarning(NamedTuple):
    """An open task that needs attention and why.  Built by `TaskWarning.of`, which works out
    `level` from the findings once: sorting, grouping and counting ask for it many times over.
    A named tuple, not a frozen dataclass: one is built per warned task (100,000 tasks: 30,000
    warnings), and a frozen dataclass with a computed field costs ~5x as much to build."""

    task: Task
    health: TaskHealth
    findings: tuple[WarningCause, ...]  # at least one
    level: Level

    @classmethod
    def of(cls, task: Task, h: TaskHealth, findings: tuple[WarningCause, ...]) -> TaskWarning:
        # tuple.__new__ directly: a named tuple's own __new__ is a Python call more.
        return _NEW(cls, (task, h, findings, worst_level(findings)))


def worst_level(findings: tuple[WarningCause, ...]) -> Level:
    """The level of a warning: that of its most severe finding."""
    # One to three findings: a plain loop, without min()'s generator and key calls.
    level = REASON_LEVEL[findings[0].reason]
    for f in findings[1:]:
        other = REASON_LEVEL[f.reason]
        if _LEVEL_RANK[other] < _LEVEL_RANK[level]:
            level = other
    return level


def last_update(
    task: Task, ledger_start: dt.date | None, as_of: dt.date | None = None
) -> dt.date | None:
    """The last sign of life on or before as_of: a log entry or the completion date, else the
    start (nothing could be logged before it).

    Entries after as_of are ignored, so `--as-of` in the past answers as it would have then.
    """
    # Asked of every open task of a report: the usual case without building a list of dates.
    log, done = task.log, task.completed_on
    if log:
        latest = max(map(_DATE, log)) if len(log) > 1 else log[0].date
        if done is not None and done > latest:
            latest = done
    elif done is not None:
        latest = done
    else:
        return task_start(task, ledger_start)
    if as_of is None or latest <= as_of:  # the usual case: nothing logged after as_of
        return latest
    dates = [*map(_DATE, log), *([] if done is None else [done])]
    return max((d for d in dates if d <= as_of), default=None) or task_start(task, ledger_start)


_DATE = attrgetter("date")
_NEW = tuple.__new__


def latest_progress(task: Task, as_of: dt.date | None = None) -> LogEntry | None:
    """The latest progress (最新进展) of an open task: its newest log entry with a note, on or
    before `as_of` (the later of two on one day: the log is in the order it was written).
    The entry that added the task is not progress; a postponement's reason is.  None for a
    finished, cancelled or merged task, or one whose log has no note yet."""
    if task.status not in OPEN_STATUSES:
        return None
    latest = None
    # Newest written first: a later day replaces the one kept, the same day does not, so of
    # one day the entry written last is kept.
    for e in reversed(task.log):
        if (
            (latest is None or e.date > latest.date)
            and (as_of is None or e.date <= as_of)
            and e.note.strip()
            and not is_added(e)
        ):
            latest = e
    return latest


def severity_key(w: TaskWarning) -> tuple[int, dt.date, str]:
    """Most severe first, then the nearest deadline (ongoing tasks last), then id."""
    task = w.task
    return (_LEVEL_RANK[w.level], task.deadline or dt.date.max, task.id)  # Level.rank, inlined


def task_warning(
    task: Task,
    as_of: dt.date,
    *,
    days: int = DEFAULT_DAYS,
    tolerance: float = 10.0,
    stale_days: int = 30,
    ledger_start: dt.date | None = None,
) -> TaskWarning | None:
    """The warning of one task, or None (`warnings` asks it of a whole ledger, and takes
    the health a caller has judged already)."""
    if task.status not in OPEN_STATUSES:
        return None
    h = health(task, as_of, tolerance, ledger_start)
    return _warning(task, h, as_of, days, stale_days, ledger_start)


def _warning(
    task: Task,
    h: TaskHealth,
    as_of: dt.date,
    days: int,
    stale_days: int,
    ledger_start: dt.date | None,
) -> TaskWarning | None:
    """`task_warning` of an open task already judged; positional, for `warnings`, which asks
    it of every open task of the ledger."""
    state, expected, actual, days_left = h
    findings: list[WarningCause] = []
    # Built with tuple.__new__ (every field given): most open tasks of a plan have a finding.
    if state is Health.OVERDUE and days_left is not None:
        findings.append(_NEW(WarningCause, (Reason.OVERDUE, -days_left, None, None)))
    elif days_left is not None and 0 <= days_left <= days:
        findings.append(_NEW(WarningCause, (Reason.DUE_SOON, days_left, None, None)))
    if state is Health.BEHIND:
        findings.append(_NEW(WarningCause, (Reason.BEHIND, 0, expected, actual)))
    last = last_update(task, ledger_start, as_of)
    if last is not None and last <= as_of:
        idle = (as_of - last).days
        if idle > stale_days:
            findings.append(_NEW(WarningCause, (Reason.STALE, idle, None, None)))
    return TaskWarning.of(task, h, tuple(findings)) if findings else None


class Judged(Protocol):
    """A task and its health, judged as of the day asked (a `query.TaskRow` is one)."""

    @property
    def task(self) -> Task: ...

    @property
    def health(self) -> TaskHealth: ...


def warnings(
    ledger: Ledger,
    as_of: dt.date,
    *,
    days: int = DEFAULT_DAYS,
    tolerance: float | None = None,
    stale_days: int | None = None,
    judged: Sequence[Judged] | None = None,
    ordered: bool = True,
) -> list[TaskWarning]:
    """Every open task that needs attention, most severe first, then by deadline and id
    (in the ledger's order, or that of `judged`, with `ordered=False`, for a caller that
    only counts them).

    `judged`: the ledger's tasks with their health as of `as_of` and with this tolerance
    (`query.rows`), when the caller has judged them already (its open tasks suffice: no other
    warns); else each open task is judged here."""
    tol = ledger.meta.tolerance if tolerance is None else tolerance
    stale = ledger.meta.stale_days if stale_days is None else stale_days
    start = ledger.meta.feedback_date
    pairs: Iterable[tuple[Task, TaskHealth | None]]
    if judged is None:
        pairs = zip(ledger.tasks, repeat(None))
    else:  # paired in C: a report hands over every row of the ledger
        pairs = zip(map(_TASK, judged), map(_HEALTH, judged), strict=True)
    found = [
        w
        for t, h in pairs
        # Done tasks (most of a mature ledger) never warn: skipped before the call.
        if t.status in OPEN_STATUSES
        and (
            w := _warning(
                t,
                health(t, as_of, tol, start) if h is None else h,
                as_of,
                days,
                stale,
                start,
            )
        )
    ]
    if ordered:
        found.sort(key=severity_key)
    return found


# --------------------------------------------------------------------------- summaries


def warning_counts(found: Iterable[TaskWarning]) -> dict[Level, int]:
    """How many warnings at each level, every level present (0 when none), most severe first."""
    counts = dict.fromkeys(Level, 0)
    counts.update(Counter(map(_LEVEL, found)))  # counted in C: a group can hold 30,000
    return counts


def warning_counts_by(
    found: Iterable[TaskWarning], key: Callable[[TaskWarning], _K]
) -> dict[_K, dict[Level, int]]:
    """`warning_counts` of the warnings of each `key(w)` (a lead department), counted in one
    pass; a key with no warning is not in it (`warning_counts(())` is its counts)."""
    found = list(found)
    pairs = Counter(zip(map(key, found), map(_LEVEL, found), strict=True))
    out: dict[_K, dict[Level, int]] = {}
    for (k, level), n in pairs.items():
        if k not in out:
            out[k] = dict.fromkeys(Level, 0)
        out[k][level] = n
    return out


_LEVEL = attrgetter("level")
_TASK = attrgetter("task")
_HEALTH = attrgetter("health")
_K = TypeVar("_K", bound=Hashable)


@dataclass(frozen=True)
class LeadGroup:
    """The warnings of one lead department: who receives one warning notice."""

    lead: str
    warnings: tuple[TaskWarning, ...]

    @property
    def counts(self) -> dict[Level, int]:
        return warning_counts(self.warnings)

    @property
    def level(self) -> Level:
        return min((w.level for w in self.warnings), key=lambda lv: lv.rank)


def group_by_lead(found: Iterable[TaskWarning]) -> list[LeadGroup]:
    """Warnings grouped by lead department, the department with the most red warnings first
    (then most yellow, then most blue, then by name); each group most severe first."""
    by_lead: dict[str, list[TaskWarning]] = {}
    for w in found:
        by_lead.setdefault(w.task.lead, []).append(w)
    groups = [LeadGroup(lead, tuple(sorted(ws, key=severity_key))) for lead, ws in by_lead.items()]

    def worst_first(g: LeadGroup) -> tuple[object, ...]:
        counts = g.counts
        return (*(-counts[lv] for lv in Level), g.lead)

    return sorted(groups, key=worst_first)
