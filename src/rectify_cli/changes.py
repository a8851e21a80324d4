"""What changed since a date, as the ledger's own records prove it: the monthly dispatch's
"what moved since the last report".

Only records count: task log entries (`[[tasks.log]]`, with the `field: old → new` lines that
`rectify update` writes), indicator readings with a `recorded` date (`rectify record` sets
it), and petition case logs.  Nothing is inferred from a missing record, and nothing dated
before `since` (or after `as_of`) is reported.  The rules, item by item:

- **completed / signed off / reopened**: a log entry dated in the window records the new
  status, and the status before it is on record too — the entry's own `status: old → new`
  line, or an earlier entry that recorded a status.  A task whose only entry says "done"
  (as the sample's do: "done by the end of September") proves it was done then, not that it
  became done then, and is not listed.
- **progress moved**: the same, for progress: the value on `since` (the last entry before it,
  or the old value in the window's first `progress: old → new` line) and the last value
  recorded in the window.  Tasks listed as completed are not repeated here.
- **now overdue**: open on `as_of` and past its deadline, and not overdue on `since`: the
  deadline it had then (today's, unless a `deadline: old → new` line in the window moved it)
  was on or after `since`, or the task was recorded completed then.
- **now behind schedule**: behind on `as_of` by the time-proportional rule `warn` uses, and
  not behind (nor overdue) on `since` by the same rule applied to what was on record then:
  status, progress and deadline on `since` as above; a field no entry in the window changed
  is taken as unchanged since, because the log is where every change is written.  When a
  value on `since` is not on record, the task is not listed.
- **indicator readings**: each reading (in the history, or the current value) whose
  `recorded` date is in the window, with the reading before it.  A reading without a date
  proves nothing about when it came, and is not listed.
- **petition cases closed**: a case log entry in the window records 已办结 or 阶段性办结, the
  status before it being on record (an earlier entry, the entry's change line, or 办理中
  from the day the case was received: every case starts being handled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .kinds import FINISHED, Handling, Status
from .records import Indicator, Ledger, Task
from .schedule import Health, health
from .textfmt import NOTHING, parse_change

if TYPE_CHECKING:
    # Pydantic models: a ledger without petitions never imports them.
    from .models import Petition, PetitionFile

_UNKNOWN: Any = object()  # "not on record", unlike None ("not reported", shown as —)


@dataclass(frozen=True)
class StatusMove:
    task: Task
    old: Status
    new: Status
    date: dt.date  # the log entry that records the new status
    since_date: dt.date  # the record of the old status (an earlier entry, or the same one)


@dataclass(frozen=True)
class ProgressMove:
    task: Task
    old: int | None  # None: not reported then
    new: int | None
    date: dt.date
    since_date: dt.date


@dataclass(frozen=True)
class NowLate:
    """A task overdue or behind on `as_of` that was not on `since`."""

    task: Task
    health: Health  # OVERDUE or BEHIND
    deadline: dt.date
    days_overdue: int  # 0 when behind
    expected: float | None
    actual: int
    date: dt.date  # overdue: the deadline that passed in the window; behind: as_of


@dataclass(frozen=True)
class ReadingChange:
    indicator: Indicator
    old_value: float | None
    old_period: str | None
    new_value: float
    new_period: str
    date: dt.date  # the new reading's `recorded`


@dataclass(frozen=True)
class PetitionMove:
    petition: Petition
    old: Handling
    new: Handling
    date: dt.date


@dataclass(frozen=True)
class Changes:
    since: dt.date
    as_of: dt.date
    completed: tuple[StatusMove, ...] = ()
    signed_off: tuple[StatusMove, ...] = ()
    reopened: tuple[StatusMove, ...] = ()
    progress: tuple[ProgressMove, ...] = ()
    overdue: tuple[NowLate, ...] = ()
    behind: tuple[NowLate, ...] = ()
    readings: tuple[ReadingChange, ...] = ()
    petitions: tuple[PetitionMove, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.completed,
                self.signed_off,
                self.reopened,
                self.progress,
                self.overdue,
                self.behind,
                self.readings,
                self.petitions,
            )
        )


# --------------------------------------------------------------------------- log reading


def change_line(entry_changes: Iterable[str], field: str) -> tuple[str, str] | None:
    """(old, new) text of the entry's `field: old → new` line, if it has one."""
    for line in entry_changes:
        found = parse_change(line)
        if found is not None and found[0] == field:
            return found[1], found[2]
    return None


def _status(text: str, parse: Any) -> Any:
    try:
        return parse(text)
    except ValueError:
        return _UNKNOWN


def _progress(text: str) -> Any:
    if text in (NOTHING, "-", ""):
        return None
    return int(text) if text.isdigit() else _UNKNOWN


def _date(text: str) -> Any:
    if text in (NOTHING, "-", ""):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return _UNKNOWN


@dataclass(frozen=True)
class _Step:
    date: dt.date
    old: Any  # _UNKNOWN when the entry does not say
    new: Any


def _steps(entries: Sequence[Any], field: str, own: Any, parse: Any) -> list[_Step]:
    """Every entry that records `field`, oldest first (entries of one day in written order):
    its new value from the entry's own key or its change line, its old value from the line."""
    out = []
    for e in sorted(entries, key=lambda e: e.date):
        line = change_line(e.changes, field)
        value = own(e)
        if value is None:
            if line is None:
                continue  # this entry says nothing about the field
            value = parse(line[1])
        old = parse(line[0]) if line is not None else _UNKNOWN
        out.append(_Step(e.date, old, value))
    return out


@dataclass(frozen=True)
class _Track:
    """A field's record around the window: its value on `since` (and the date of that
    record), its value at the end of the window (and when it was recorded), and whether any
    entry in the window recorded it."""

    start: Any
    start_date: dt.date | None
    end: Any
    end_date: dt.date | None
    touched: bool


def _track(steps: list[_Step], since: dt.date, as_of: dt.date) -> _Track:
    before = [s for s in steps if s.date < since]
    inside = [s for s in steps if since <= s.date <= as_of]
    start, start_date = _UNKNOWN, None
    if before:
        start, start_date = before[-1].new, before[-1].date
    if inside and inside[0].old is not _UNKNOWN:
        # What `rectify update` saw in the file just before its change is the surest record.
        start, start_date = inside[0].old, inside[0].date
    if not inside:
        return _Track(start, start_date, start, start_date, False)
    return _Track(start, start_date, inside[-1].new, inside[-1].date, True)


# --------------------------------------------------------------------------- tasks


def _task_changes(
    task: Task, ledger: Ledger, since: dt.date, as_of: dt.date, tolerance: float
) -> tuple[StatusMove | None, ProgressMove | None, NowLate | None]:
    status = _track(
        _steps(task.log, "status", lambda e: e.status, lambda t: _status(t, Status.parse)),
        since,
        as_of,
    )
    progress = _track(_steps(task.log, "progress", lambda e: e.progress, _progress), since, as_of)
    deadline = _track(_steps(task.log, "deadline", lambda e: None, _date), since, as_of)

    move = None
    if (
        status.touched
        and status.start is not _UNKNOWN
        and status.end is not _UNKNOWN
        and status.start != status.end
    ):
        assert status.end_date is not None and status.start_date is not None
        move = StatusMove(task, status.start, status.end, status.end_date, status.start_date)

    moved = None
    completed = move is not None and move.old.is_open and move.new in FINISHED
    if (
        progress.touched
        and not completed
        and progress.start is not _UNKNOWN
        and progress.end is not _UNKNOWN
        and progress.start != progress.end
    ):
        assert progress.end_date is not None and progress.start_date is not None
        moved = ProgressMove(
            task, progress.start, progress.end, progress.end_date, progress.start_date
        )

    late = _now_late(task, ledger, since, as_of, tolerance, status, progress, deadline)
    return move, moved, late


def _on_since(track: _Track, current: Any) -> Any:
    """The field's value on `since`: on record, or today's when no entry since changed it."""
    if track.start is not _UNKNOWN:
        return track.start
    return _UNKNOWN if track.touched else current


def _now_late(
    task: Task,
    ledger: Ledger,
    since: dt.date,
    as_of: dt.date,
    tolerance: float,
    status: _Track,
    progress: _Track,
    deadline: _Track,
) -> NowLate | None:
    start = ledger.meta.feedback_date
    now = health(task, as_of, tolerance, start)
    if now.health not in (Health.OVERDUE, Health.BEHIND) or task.deadline is None:
        return None
    was_status = _on_since(status, task.status)
    was_deadline = _on_since(deadline, task.deadline)
    if was_status is _UNKNOWN or was_deadline is _UNKNOWN:
        return None
    if was_status in FINISHED or was_deadline is None:
        # Done then, or no deadline then (ongoing): neither overdue nor behind.
        then_late = False
    elif since > was_deadline:
        then_late = True  # overdue on `since` already
    elif now.health is Health.OVERDUE:
        then_late = False
    else:
        was_progress = _on_since(progress, task.progress)
        if was_progress is _UNKNOWN:
            return None
        then = task._replace(status=was_status, progress=was_progress, deadline=was_deadline)
        then_late = health(then, since, tolerance, start).health is not Health.ON_SCHEDULE
    if then_late:
        return None
    if now.health is Health.OVERDUE:
        days = -(now.days_left or 0)
        return NowLate(task, Health.OVERDUE, task.deadline, days, None, now.actual, task.deadline)
    return NowLate(task, Health.BEHIND, task.deadline, 0, now.expected, now.actual, as_of)


# --------------------------------------------------------------------------- indicators


def _reading_changes(ind: Indicator, since: dt.date, as_of: dt.date) -> list[ReadingChange]:
    readings: list[tuple[float, str, dt.date | None]] = [
        (r.value, r.period, r.recorded) for r in ind.history
    ]
    if ind.value is not None:
        readings.append((ind.value, ind.period or "", ind.recorded))
    out = []
    for i, (value, period, recorded) in enumerate(readings):
        if recorded is None or not since <= recorded <= as_of:
            continue
        old_value, old_period = (readings[i - 1][0], readings[i - 1][1]) if i else (None, None)
        out.append(ReadingChange(ind, old_value, old_period, value, period, recorded))
    return out


# --------------------------------------------------------------------------- petitions


def _petition_move(p: Petition, since: dt.date, as_of: dt.date) -> PetitionMove | None:
    steps = _steps(p.log, "status", lambda e: e.status, lambda t: _status(t, Handling.parse))
    # Every case starts being handled the day it is received: a record, not a guess.
    steps.insert(0, _Step(p.received, _UNKNOWN, Handling.HANDLING))
    track = _track(steps, since, as_of)
    if not track.touched or track.start is _UNKNOWN or track.end is _UNKNOWN:
        return None
    if track.start.is_open and not track.end.is_open:
        assert track.end_date is not None
        return PetitionMove(p, track.start, track.end, track.end_date)
    return None


# --------------------------------------------------------------------------- all


def changes_since(
    ledger: Ledger,
    since: dt.date,
    as_of: dt.date,
    petitions: PetitionFile | None = None,
    *,
    tolerance: float | None = None,
) -> Changes:
    """Everything the ledger's records prove changed from `since` to `as_of` (both included)."""
    if since > as_of:
        raise UsageError(f"--since: {since} is after the as-of date {as_of}")
    tol = ledger.meta.tolerance if tolerance is None else tolerance
    completed: list[StatusMove] = []
    signed_off: list[StatusMove] = []
    reopened: list[StatusMove] = []
    moved: list[ProgressMove] = []
    overdue: list[NowLate] = []
    behind: list[NowLate] = []
    for task in ledger.tasks:
        move, progress, late = _task_changes(task, ledger, since, as_of, tol)
        if move is not None:
            if move.old.is_open and move.new in FINISHED:
                completed.append(move)
            if move.new is Status.CLOSED and move.old is not Status.CLOSED:
                signed_off.append(move)
            if move.old in FINISHED and move.new.is_open:
                reopened.append(move)
        if progress is not None:
            moved.append(progress)
        if late is not None:
            (overdue if late.health is Health.OVERDUE else behind).append(late)
    readings = [c for ind in ledger.indicators for c in _reading_changes(ind, since, as_of)]
    closed = []
    if petitions is not None:
        closed = [m for p in petitions.petitions if (m := _petition_move(p, since, as_of))]
    return Changes(
        since=since,
        as_of=as_of,
        completed=tuple(sorted(completed, key=lambda m: m.date)),
        signed_off=tuple(sorted(signed_off, key=lambda m: m.date)),
        reopened=tuple(sorted(reopened, key=lambda m: m.date)),
        progress=tuple(moved),
        overdue=tuple(sorted(overdue, key=lambda m: m.deadline)),
        behind=tuple(behind),
        readings=tuple(sorted(readings, key=lambda r: r.date)),
        petitions=tuple(sorted(closed, key=lambda m: m.date)),
    )
