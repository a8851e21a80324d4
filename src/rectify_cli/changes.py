"""What changed since a date, as the ledger's own records prove it: the monthly dispatch's
"what moved since the last report".

Only records count: task log entries (`[[tasks.log]]`, with the `field: old → new` lines that
`rectify update` writes), indicator readings with a `recorded` date (`rectify record` sets
it), and petition case logs.  Nothing is inferred from a missing record, and nothing dated
before `since` (or after `as_of`) is reported.  The window's events come in date order (of
one day: in the order they were written):

- **status moves** (completed, signed off, reopened, cancelled, merged, any other): each log
  entry dated in the window that records a new status, the status before it being on record
  too — the entry's own `status: old → new` line, or the entry before it by date.  A task
  completed and reopened in one month shows both.  A task whose only entry says "done" (as
  the sample's do: "done by the end of September") proves it was done then, not that it
  became done then, and is not listed.
- **progress**: one per task, first → last: the value on `since` (the last entry before it,
  or the old value of the window's first `progress: old → new` line) and the last value
  recorded in the window.  Not listed with a completion in the window that reached 100.
- **added**, **postponed**, **evidence added**: entries of kind added (or the note `rectify
  add` wrote), of kind postponed (`deadline: old → new`), and `evidence: + item` lines.
- **a backdated entry** (`--date` before one already written) has a change line whose old
  value is what the file held when it was written, a later day's: the value before it is the
  previous entry's by date instead, so a later value never shows as an earlier one.
- **indicator readings**: each reading (in the history, or the current value) whose
  `recorded` date is in the window, with the reading before it.  A reading without a date
  proves nothing about when it came, and is not listed.
- **petition cases closed**: a case log entry in the window records 已办结 or 阶段性办结, the
  status before it being on record (an earlier entry, the entry's change line, or 办理中
  from the day the case was received: every case starts being handled).

Then the tasks late on `as_of` that were not on `since` (states, not events):

- **now overdue**: open on `as_of` and past its deadline, and not overdue on `since`: the
  deadline it had then (today's, unless a `deadline: old → new` line in the window moved it)
  was on or after `since`, or the task was recorded completed then.
- **now behind schedule**: behind on `as_of` by the time-proportional rule `warn` uses, and
  not behind (nor overdue) on `since` by the same rule applied to what was on record then:
  status, progress and deadline on `since` as above; a field no entry in the window changed
  is taken as unchanged since, because the log is where every change is written.  When a
  value on `since` is not on record, the task is not listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .kinds import FINISHED, Handling, Status, is_added
from .postpone import POSTPONED, postponements
from .records import Indicator, Ledger, Task
from .schedule import Health, health
from .textfmt import NOTHING, evidence_added, parse_change

if TYPE_CHECKING:
    # Pydantic models: a ledger without petitions never imports them.
    from .models import Petition, PetitionFile

_UNKNOWN: Any = object()  # "not on record", unlike None ("not reported", shown as —)


@dataclass(frozen=True)
class StatusMove:
    """A task's status changed: `kind` is completed, signed_off, reopened, cancelled, merged
    or status (any other move, such as 未启动 → 推进中)."""

    task: Task
    old: Status
    new: Status
    date: dt.date  # the log entry that records the new status
    since_date: dt.date  # the record of the old status (an earlier entry, or the same one)
    kind: str = "status"


@dataclass(frozen=True)
class ProgressMove:
    """A task's progress over the window: its value on `since`, and the last one recorded."""

    task: Task
    old: int | None  # None: not reported then
    new: int | None
    date: dt.date
    since_date: dt.date
    kind: str = "progress"


@dataclass(frozen=True)
class TaskEvent:
    """A task added (kind added), postponed (old → new deadline), or given evidence (new:
    the item)."""

    task: Task
    kind: str
    date: dt.date
    old: Any = None
    new: Any = None


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
    kind: str = "reading"


@dataclass(frozen=True)
class PetitionMove:
    petition: Petition
    old: Handling
    new: Handling
    date: dt.date
    kind: str = "petition"


Event = StatusMove | ProgressMove | TaskEvent | ReadingChange | PetitionMove
OF_TASK = (StatusMove, ProgressMove, TaskEvent)  # the events that name a task


@dataclass(frozen=True)
class Changes:
    """The window's events in date order (of one day: tasks in the ledger's order, each
    task's in the order its log was written, then readings, then petition cases), and the
    tasks that became overdue or behind in it (states on `as_of`, not events)."""

    since: dt.date
    as_of: dt.date
    events: tuple[Event, ...] = ()
    overdue: tuple[NowLate, ...] = ()
    behind: tuple[NowLate, ...] = ()

    def _status(self, keep: Any) -> tuple[StatusMove, ...]:
        return tuple(e for e in self.events if isinstance(e, StatusMove) and keep(e.old, e.new))

    @property
    def completed(self) -> tuple[StatusMove, ...]:
        return self._status(lambda old, new: old.is_open and new in FINISHED)

    @property
    def signed_off(self) -> tuple[StatusMove, ...]:
        return self._status(lambda old, new: new is Status.CLOSED and old is not Status.CLOSED)

    @property
    def reopened(self) -> tuple[StatusMove, ...]:
        return self._status(lambda old, new: old in FINISHED and new.is_open)

    @property
    def progress(self) -> tuple[ProgressMove, ...]:
        return tuple(e for e in self.events if isinstance(e, ProgressMove))

    @property
    def readings(self) -> tuple[ReadingChange, ...]:
        return tuple(e for e in self.events if isinstance(e, ReadingChange))

    @property
    def petitions(self) -> tuple[PetitionMove, ...]:
        return tuple(e for e in self.events if isinstance(e, PetitionMove))

    def of_kind(self, *kinds: str) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind in kinds)

    @property
    def empty(self) -> bool:
        return not (self.events or self.overdue or self.behind)


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
    old: Any  # the value just before this entry (_UNKNOWN when no record says)
    new: Any
    old_date: dt.date  # the record the old value comes from
    order: int  # the entry's place in the log as written


def _steps(
    entries: Sequence[Any],
    field: str,
    own: Any,
    parse: Any,
    origin: tuple[dt.date, Any] | None = None,
) -> list[_Step]:
    """Every entry that records `field`, in date order (entries of one day in written order),
    each with the value before it.

    An entry's own `old → new` line says what the file held when it was written: the value
    just before its date only if it was written in date order with the field's other entries.
    An entry backdated before one already written (or followed by one backdated before it) has
    a line whose old value may be a later day's, so the value before it is the previous entry's
    by date; the earliest entry by date has before it what the first one written found."""
    written: list[tuple[int, dt.date, Any, Any]] = []  # order, date, line's old, new
    if origin is not None:
        written.append((-1, origin[0], _UNKNOWN, origin[1]))
    for i, e in enumerate(entries):
        line = change_line(e.changes, field)
        value = own(e)
        if value is None:
            if line is None:
                continue  # this entry says nothing about the field
            value = parse(line[1])
        written.append((i, e.date, parse(line[0]) if line is not None else _UNKNOWN, value))
    if not written:
        return []
    dates = [w[1] for w in written]
    latest_before = [max(dates[:k], default=dt.date.min) for k in range(len(dates))]
    earliest_after = [min(dates[k + 1 :], default=dt.date.max) for k in range(len(dates))]
    in_order = [latest_before[k] <= dates[k] <= earliest_after[k] for k in range(len(dates))]
    first_old = written[0][2]
    ranked = sorted(range(len(written)), key=lambda k: written[k][1])
    out: list[_Step] = []
    for n, k in enumerate(ranked):
        order, date, line_old, value = written[k]
        if in_order[k] and line_old is not _UNKNOWN:
            old, old_date = line_old, date
        elif n:
            old, old_date = out[-1].new, out[-1].date
        else:
            old, old_date = first_old, written[0][1]
        out.append(_Step(date, old, value, old_date, order))
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
    end_order: int = -1


def _inside(steps: list[_Step], since: dt.date, as_of: dt.date) -> list[_Step]:
    return [s for s in steps if since <= s.date <= as_of]


def _track(steps: list[_Step], since: dt.date, as_of: dt.date) -> _Track:
    before = [s for s in steps if s.date < since]
    inside = _inside(steps, since, as_of)
    start, start_date = _UNKNOWN, None
    if before:
        start, start_date = before[-1].new, before[-1].date
    if inside and inside[0].old is not _UNKNOWN:
        # What `rectify update` saw in the file just before its change is the surest record.
        start, start_date = inside[0].old, inside[0].old_date
    if not inside:
        return _Track(start, start_date, start, start_date, False)
    last = inside[-1]
    return _Track(start, start_date, last.new, last.date, True, last.order)


# --------------------------------------------------------------------------- tasks


def _status_kind(old: Status, new: Status) -> str:
    if new is Status.CLOSED:
        return "signed_off"
    if old.is_open and new in FINISHED:
        return "completed"
    if old in FINISHED and new.is_open:
        return "reopened"
    if new in (Status.CANCELLED, Status.MERGED):
        return new.value
    return "status"


_Keyed = tuple[tuple[int, int, int], Event]  # (entry order, place in the entry), the event


def _task_events(task: Task, since: dt.date, as_of: dt.date) -> list[_Keyed]:
    """The task's events in the window but its progress, each keyed by where it was written."""
    out: list[_Keyed] = []
    moved = iter(postponements(task))
    for i, e in enumerate(task.log):
        move = next(moved) if e.kind == POSTPONED else None
        if not since <= e.date <= as_of:
            continue
        if is_added(e):
            out.append(((i, 0, 0), TaskEvent(task, "added", e.date)))
        if move is not None:
            out.append(((i, 2, 0), TaskEvent(task, "postponed", e.date, move.old, move.new)))
        for j, line in enumerate(e.changes):
            if (item := evidence_added(line)) is not None:
                out.append(((i, 3, j), TaskEvent(task, "evidence", e.date, None, item)))
    return out


def _task_changes(
    task: Task, ledger: Ledger, since: dt.date, as_of: dt.date, tolerance: float
) -> tuple[list[_Keyed], NowLate | None]:
    status_steps = _steps(
        task.log, "status", lambda e: e.status, lambda t: _status(t, Status.parse)
    )
    status = _track(status_steps, since, as_of)
    progress = _track(_steps(task.log, "progress", lambda e: e.progress, _progress), since, as_of)
    deadline = _track(_steps(task.log, "deadline", lambda e: None, _date), since, as_of)

    events = _task_events(task, since, as_of)
    finished_in_window = False
    for s in _inside(status_steps, since, as_of):
        if s.old is _UNKNOWN or s.new is _UNKNOWN or s.old == s.new:
            continue
        kind = _status_kind(s.old, s.new)
        finished_in_window |= s.old.is_open and s.new in FINISHED
        events.append(((s.order, 1, 0), StatusMove(task, s.old, s.new, s.date, s.old_date, kind)))
    if (
        progress.touched
        and progress.start is not _UNKNOWN
        and progress.end is not _UNKNOWN
        and progress.start != progress.end
        # Completed in the window at 100 %: the completion says it.
        and not (finished_in_window and progress.end == 100)
    ):
        assert progress.end_date is not None and progress.start_date is not None
        move = ProgressMove(
            task, progress.start, progress.end, progress.end_date, progress.start_date
        )
        events.append(((progress.end_order, 1, 1), move))

    late = _now_late(task, ledger, since, as_of, tolerance, status, progress, deadline)
    return events, late


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
    # Every case starts being handled the day it is received: a record, not a guess.
    steps = _steps(
        p.log,
        "status",
        lambda e: e.status,
        lambda t: _status(t, Handling.parse),
        origin=(p.received, Handling.HANDLING),
    )
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
    """Everything the ledger's records prove happened from `since` to `as_of` (both
    included), in date order."""
    if since > as_of:
        raise UsageError(f"--since: {since} is after the as-of date {as_of}")
    tol = ledger.meta.tolerance if tolerance is None else tolerance
    keyed: list[tuple[tuple[dt.date, int, int, tuple[int, int, int]], Event]] = []
    overdue: list[NowLate] = []
    behind: list[NowLate] = []
    for n, task in enumerate(ledger.tasks):
        events, late = _task_changes(task, ledger, since, as_of, tol)
        keyed += [((e.date, 0, n, at), e) for at, e in events]
        if late is not None:
            (overdue if late.health is Health.OVERDUE else behind).append(late)
    for n, ind in enumerate(ledger.indicators):
        keyed += [((r.date, 1, n, (0, 0, 0)), r) for r in _reading_changes(ind, since, as_of)]
    if petitions is not None:
        for n, p in enumerate(petitions.petitions):
            if (m := _petition_move(p, since, as_of)) is not None:
                keyed.append(((m.date, 2, n, (0, 0, 0)), m))
    keyed.sort(key=lambda pair: pair[0])
    return Changes(
        since=since,
        as_of=as_of,
        events=tuple(e for _, e in keyed),
        overdue=tuple(sorted(overdue, key=lambda m: m.deadline)),
        behind=tuple(behind),
    )
