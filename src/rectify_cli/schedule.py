"""Dates and schedule health: the one place that decides on schedule, behind, overdue, late.

`list`, `warn` and `report` all call `health()` and `warnings()`, so a task can never be
"behind" in one output and "on schedule" in another.

The time-proportional rule (序时进度): a task that has used a share of the time from its start
to its deadline is expected to have done the same share of its work; it is *behind* when its
progress is lower than that share by more than the tolerance (default 10 points).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from .models import Ledger, Status, Task


class Health(StrEnum):
    ON_SCHEDULE = "on_schedule"
    BEHIND = "behind"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    DONE = "done"  # completed, but no deadline or completion date to judge timeliness

    @property
    def is_done(self) -> bool:
        return self in (Health.DONE_ON_TIME, Health.DONE_LATE, Health.DONE)


@dataclass(frozen=True)
class TaskHealth:
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
    actual = task.effective_progress
    days_left = (task.deadline - as_of).days if task.deadline else None
    if task.status in (Status.DONE, Status.CLOSED):
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
        return list(Level).index(self)


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


@dataclass(frozen=True)
class Finding:
    reason: Reason
    days: int  # days overdue, days left, or days since the last update
    expected: float | None = None
    actual: int | None = None


@dataclass(frozen=True)
class Warning:
    task: Task
    health: TaskHealth
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def level(self) -> Level:
        return min((f.reason.level for f in self.findings), key=lambda lv: lv.rank)


def last_update(task: Task, ledger_start: dt.date | None) -> dt.date | None:
    """The last sign of life: a log entry, else the start (nothing could be logged before)."""
    return task.last_activity() or task_start(task, ledger_start)


def task_warning(
    task: Task,
    as_of: dt.date,
    *,
    days: int = 7,
    tolerance: float = 10.0,
    stale_days: int = 30,
    ledger_start: dt.date | None = None,
) -> Warning | None:
    if not task.status.is_open:
        return None
    h = health(task, as_of, tolerance, ledger_start)
    findings: list[Finding] = []
    if h.health is Health.OVERDUE and h.days_left is not None:
        findings.append(Finding(Reason.OVERDUE, -h.days_left))
    elif h.days_left is not None and 0 <= h.days_left <= days:
        findings.append(Finding(Reason.DUE_SOON, h.days_left))
    if h.health is Health.BEHIND:
        findings.append(Finding(Reason.BEHIND, 0, h.expected, h.actual))
    last = last_update(task, ledger_start)
    if last is not None and last <= as_of and (as_of - last).days > stale_days:
        findings.append(Finding(Reason.STALE, (as_of - last).days))
    return Warning(task, h, tuple(findings)) if findings else None


def warnings(
    ledger: Ledger,
    as_of: dt.date,
    *,
    days: int = 7,
    tolerance: float | None = None,
    stale_days: int | None = None,
) -> list[Warning]:
    """Every open task that needs attention, most severe first, then by deadline and id."""
    tol = ledger.meta.tolerance if tolerance is None else tolerance
    stale = ledger.meta.stale_days if stale_days is None else stale_days
    found = [
        w
        for t in ledger.tasks
        if (
            w := task_warning(
                t,
                as_of,
                days=days,
                tolerance=tol,
                stale_days=stale,
                ledger_start=ledger.meta.feedback_date,
            )
        )
    ]
    found.sort(key=lambda w: (w.level.rank, w.task.deadline or dt.date.max, w.task.id))
    return found


def ledger_health(
    ledger: Ledger, as_of: dt.date, tolerance: float | None = None
) -> dict[str, TaskHealth]:
    tol = ledger.meta.tolerance if tolerance is None else tolerance
    start = ledger.meta.feedback_date
    return {t.id: health(t, as_of, tol, start) for t in ledger.tasks}
