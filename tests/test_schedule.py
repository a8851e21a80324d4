"""The schedule core: health, the time-proportional rule, warnings and their grouping.

Every case the warn issue names is checked here on the core functions; tests/test_warn.py
checks the same cases through the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rectify_cli import models
from rectify_cli.kinds import Status
from rectify_cli.models import LogEntry
from rectify_cli.records import Ledger, Task, ledger_of, of
from rectify_cli.schedule import (
    Health,
    LeadGroup,
    Level,
    Reason,
    TaskWarning,
    WarningCause,
    expected_progress,
    group_by_lead,
    health,
    last_update,
    task_warning,
    warning_counts,
    warnings,
)
from rectify_cli.warn import filter_warnings, find, notice_filenames, reply_by, safe_filename

D = dt.date
AS_OF = D(2025, 6, 30)
FEEDBACK = D(2025, 1, 1)


def task(**kw: Any) -> Task:
    fields: dict[str, Any] = {
        "id": "T1",
        "aspect": "A1",
        "title": "治理扬尘",
        "lead": "市生态环境局",
        "status": "in_progress",
    }
    fields.update(kw)
    return of(models.Task(**fields))  # validated, as a loaded ledger's tasks are


def ledger(*tasks: Task, feedback: dt.date | None = FEEDBACK, **meta: Any) -> Ledger:
    led = ledger_of(
        models.LedgerMeta(title="测试台账", feedback_date=feedback, **meta),
        [models.Aspect(id="A1", name="大气")],
        [],
        [],
        "test",
    )
    led.tasks = list(tasks)
    return led


def fresh(date: dt.date = AS_OF) -> list[LogEntry]:
    """A log entry on as-of, so a test about something else is not also stale."""
    return [LogEntry(date=date)]


def reasons(w: TaskWarning | None) -> list[tuple[Reason, int]]:
    assert w is not None
    return [(f.reason, f.days) for f in w.findings]


# --------------------------------------------------------------------------- expected_progress


@pytest.mark.parametrize(
    ("start", "deadline", "as_of", "expected"),
    [
        (D(2025, 1, 1), D(2025, 1, 11), D(2025, 1, 6), 50.0),
        (D(2025, 1, 1), D(2025, 1, 11), D(2025, 1, 1), 0.0),
        (D(2025, 1, 1), D(2025, 1, 11), D(2024, 12, 1), 0.0),  # not started yet
        (D(2025, 1, 1), D(2025, 1, 11), D(2025, 1, 11), 100.0),  # deadline today
        (D(2025, 1, 1), D(2025, 1, 11), D(2025, 2, 1), 100.0),
        (D(2025, 7, 15), D(2025, 7, 15), D(2025, 7, 14), 0.0),  # start == deadline
        (D(2025, 7, 15), D(2025, 7, 15), D(2025, 7, 15), 100.0),
        (D(2024, 2, 28), D(2024, 3, 1), D(2024, 2, 29), 50.0),  # leap day counts as a day
        (D(2025, 2, 28), D(2025, 3, 2), D(2025, 3, 1), 50.0),
    ],
)
def test_expected_progress(
    start: dt.date, deadline: dt.date, as_of: dt.date, expected: float
) -> None:
    assert expected_progress(start, deadline, as_of) == expected


def test_expected_progress_without_start_is_unknown() -> None:
    assert expected_progress(None, D(2025, 12, 31), AS_OF) is None


# --------------------------------------------------------------------------- health


def test_deadline_today_is_not_overdue() -> None:
    h = health(task(start=FEEDBACK, deadline=AS_OF, progress=95), AS_OF)
    assert (h.health, h.days_left, h.expected) == (Health.ON_SCHEDULE, 0, 100.0)


def test_deadline_yesterday_is_overdue() -> None:
    h = health(task(start=FEEDBACK, deadline=D(2025, 6, 29), progress=95), AS_OF)
    assert (h.health, h.days_left) == (Health.OVERDUE, -1)


def test_behind_is_below_expected_by_more_than_the_tolerance() -> None:
    # 2025-01-01 → 2025-01-11, as of 2025-01-07: 60% of the time used.
    def state(progress: int, tolerance: float = 10.0) -> Health:
        t = task(start=D(2025, 1, 1), deadline=D(2025, 1, 11), progress=progress)
        return health(t, D(2025, 1, 7), tolerance).health

    assert state(50) is Health.ON_SCHEDULE  # exactly at expected - tolerance
    assert state(49) is Health.BEHIND
    assert state(49, tolerance=11) is Health.ON_SCHEDULE
    assert state(59, tolerance=0) is Health.BEHIND


def test_unreported_progress_counts_as_zero() -> None:
    h = health(task(start=D(2025, 1, 1), deadline=D(2025, 1, 11)), D(2025, 1, 7))
    assert (h.health, h.actual) == (Health.BEHIND, 0)


def test_start_after_as_of_is_never_behind() -> None:
    t = task(start=D(2025, 7, 1), deadline=D(2025, 12, 31), status="not_started")
    h = health(t, AS_OF, tolerance=0)
    assert (h.health, h.expected) == (Health.ON_SCHEDULE, 0.0)


def test_start_equal_to_deadline() -> None:
    t = task(start=D(2025, 7, 15), deadline=D(2025, 7, 15))
    assert health(t, D(2025, 7, 14)).health is Health.ON_SCHEDULE
    # On the day itself the whole (empty) span has elapsed: all the work is expected.
    assert health(t, D(2025, 7, 15)).health is Health.BEHIND
    assert health(t._replace(progress=100), D(2025, 7, 15)).health is (Health.ON_SCHEDULE)
    assert health(t, D(2025, 7, 16)).health is Health.OVERDUE


def test_missing_start_counts_from_the_ledger_feedback_date() -> None:
    t = task(deadline=D(2025, 12, 31), progress=30)
    h = health(t, AS_OF, ledger_start=FEEDBACK)
    assert h.health is Health.BEHIND
    assert h.expected == pytest.approx(100 * 180 / 364)


def test_missing_start_and_no_feedback_date_is_never_behind() -> None:
    h = health(task(deadline=D(2025, 12, 31), progress=0), AS_OF, ledger_start=None)
    assert (h.health, h.expected) == (Health.ON_SCHEDULE, None)


@pytest.mark.parametrize(
    ("completed", "state"),
    [
        (D(2025, 4, 15), Health.DONE_LATE),
        (D(2025, 3, 31), Health.DONE_ON_TIME),
        (None, Health.DONE),
    ],
)
def test_done_tasks_are_judged_by_completion_date(completed: dt.date | None, state: Health) -> None:
    t = task(deadline=D(2025, 3, 31), status="done", completed_on=completed)
    assert health(t, AS_OF).health is state


def test_ongoing_is_never_overdue() -> None:
    h = health(task(ongoing=True), D(2099, 1, 1))
    assert (h.health, h.days_left) == (Health.ON_SCHEDULE, None)


# --------------------------------------------------------------------------- task_warning


def test_overdue_is_red_with_days_overdue() -> None:
    w = task_warning(task(deadline=D(2025, 6, 29), progress=95, log=fresh()), AS_OF)
    assert reasons(w) == [(Reason.OVERDUE, 1)]
    assert w is not None and w.level is Level.RED


def test_deadline_today_is_due_soon_with_zero_days_left() -> None:
    w = task_warning(task(start=FEEDBACK, deadline=AS_OF, progress=95, log=fresh()), AS_OF)
    assert reasons(w) == [(Reason.DUE_SOON, 0)]
    assert w is not None and w.level is Level.BLUE


@pytest.mark.parametrize(
    ("days", "deadline", "due"),
    [
        (0, AS_OF, True),  # --days 0 still includes today
        (0, D(2025, 7, 1), False),
        (7, D(2025, 7, 7), True),
        (7, D(2025, 7, 8), False),
    ],
)
def test_due_soon_window_includes_today(days: int, deadline: dt.date, due: bool) -> None:
    t = task(start=FEEDBACK, deadline=deadline, progress=100, log=fresh())
    w = task_warning(t, AS_OF, days=days)
    assert (w is not None) is due


def test_behind_is_yellow_with_expected_and_actual() -> None:
    t = task(start=FEEDBACK, deadline=D(2025, 12, 31), progress=20, log=fresh())
    w = task_warning(t, AS_OF)
    assert w is not None and w.level is Level.YELLOW
    (f,) = w.findings
    assert (f.reason, f.actual) == (Reason.BEHIND, 20)
    assert f.expected == pytest.approx(49.45, abs=0.01)


def test_stale_is_blue_after_more_than_stale_days() -> None:
    t = task(ongoing=True, log=[LogEntry(date=D(2025, 5, 31))])
    assert task_warning(t, AS_OF, stale_days=30) is None  # exactly 30 days: not yet
    w = task_warning(t, AS_OF, stale_days=29)
    assert reasons(w) == [(Reason.STALE, 30)]
    assert w is not None and w.level is Level.BLUE


def test_stale_without_log_counts_from_the_start() -> None:
    t = task(ongoing=True)
    assert reasons(task_warning(t, AS_OF, ledger_start=FEEDBACK)) == [(Reason.STALE, 180)]
    assert task_warning(t, AS_OF, ledger_start=None) is None  # nothing to count from
    assert task_warning(task(ongoing=True, start=D(2025, 7, 1)), AS_OF) is None


def test_stale_ignores_entries_after_as_of() -> None:
    t = task(ongoing=True, log=[LogEntry(date=D(2025, 1, 10)), LogEntry(date=D(2025, 9, 30))])
    assert last_update(t, FEEDBACK, AS_OF) == D(2025, 1, 10)
    assert reasons(task_warning(t, AS_OF)) == [(Reason.STALE, 171)]
    assert task_warning(t, D(2025, 10, 1)) is None


def test_several_reasons_and_the_most_severe_sets_the_level() -> None:
    t = task(start=FEEDBACK, deadline=D(2025, 6, 20), progress=10)  # no log since 2025-01-01
    w = task_warning(t, AS_OF)
    assert reasons(w) == [(Reason.OVERDUE, 10), (Reason.STALE, 180)]
    assert w is not None and w.level is Level.RED
    t2 = task(start=FEEDBACK, deadline=D(2025, 7, 3), progress=10, log=fresh())
    w2 = task_warning(t2, AS_OF)
    assert w2 is not None and w2.level is Level.YELLOW
    assert [f.reason for f in w2.findings] == [Reason.DUE_SOON, Reason.BEHIND]


@pytest.mark.parametrize("status", ["done", "closed"])
def test_done_past_its_deadline_is_not_warned(status: str) -> None:
    t = task(deadline=D(2025, 3, 31), status=status, progress=100, completed_on=D(2025, 4, 15))
    assert task_warning(t, AS_OF) is None
    assert health(t, AS_OF).health is Health.DONE_LATE


def test_leap_day_deadline() -> None:
    t = task(start=D(2024, 1, 1), deadline=D(2024, 2, 29), progress=100, log=fresh(D(2024, 2, 1)))
    assert reasons(task_warning(t, D(2024, 2, 22))) == [(Reason.DUE_SOON, 7)]
    assert reasons(task_warning(t, D(2024, 2, 29))) == [(Reason.DUE_SOON, 0)]
    assert reasons(task_warning(t, D(2024, 3, 1))) == [(Reason.OVERDUE, 1)]


def test_not_started_task_due_soon_is_warned() -> None:
    t = task(start=D(2025, 7, 1), deadline=D(2025, 7, 2), status=Status.NOT_STARTED)
    assert reasons(task_warning(t, AS_OF)) == [(Reason.DUE_SOON, 2)]


# --------------------------------------------------------------------------- warnings()


def test_empty_ledger_has_no_warnings() -> None:
    assert warnings(ledger(), AS_OF) == []


def test_all_done_ledger_has_no_warnings() -> None:
    done = task(deadline=D(2025, 3, 31), status="done", completed_on=D(2025, 3, 1))
    assert warnings(ledger(done), AS_OF) == []


def test_warnings_most_severe_first_then_deadline() -> None:
    led = ledger(
        task(id="B", ongoing=True),  # stale: blue
        task(id="Y", start=FEEDBACK, deadline=D(2025, 12, 31), progress=0, log=fresh()),
        task(id="R2", deadline=D(2025, 6, 29), progress=90, log=fresh()),
        task(id="R1", deadline=D(2025, 6, 1), progress=90, log=fresh()),
        task(id="OK", start=FEEDBACK, deadline=D(2025, 12, 31), progress=60, log=fresh()),
    )
    assert [w.task.id for w in warnings(led, AS_OF)] == ["R1", "R2", "Y", "B"]


def test_warnings_use_the_ledger_settings_unless_overridden() -> None:
    t = task(start=FEEDBACK, deadline=D(2025, 12, 31), progress=30, log=fresh(D(2025, 6, 10)))
    led = ledger(t, tolerance=25, stale_days=10)
    assert [f.reason for f in warnings(led, AS_OF)[0].findings] == [Reason.STALE]
    found = warnings(led, AS_OF, tolerance=10, stale_days=60)
    assert [f.reason for f in found[0].findings] == [Reason.BEHIND]


# --------------------------------------------------------------------------- summaries


def _w(task_id: str, lead: str, *reasons_: Reason) -> TaskWarning:
    t = task(id=task_id, lead=lead, ongoing=True)
    return TaskWarning.of(t, health(t, AS_OF), tuple(WarningCause(r, 1) for r in reasons_))


def test_warning_counts_has_every_level_most_severe_first() -> None:
    assert warning_counts([]) == {Level.RED: 0, Level.YELLOW: 0, Level.BLUE: 0}
    found = [
        _w("a", "x", Reason.STALE),
        _w("b", "x", Reason.OVERDUE, Reason.STALE),
        _w("c", "y", Reason.DUE_SOON),
    ]
    counts = warning_counts(found)
    assert counts == {Level.RED: 1, Level.YELLOW: 0, Level.BLUE: 2}
    assert list(counts) == [Level.RED, Level.YELLOW, Level.BLUE]


def test_group_by_lead_most_severe_department_first() -> None:
    found = [
        _w("1", "市水利局", Reason.STALE),
        _w("2", "市水利局", Reason.STALE),
        _w("3", "市水利局", Reason.BEHIND),
        _w("4", "市生态环境局", Reason.OVERDUE),
        _w("5", "市住建局", Reason.BEHIND),
        _w("6", "市生态环境局", Reason.STALE),
        _w("7", "A局", Reason.STALE),
    ]
    groups = group_by_lead(found)
    assert [g.lead for g in groups] == ["市生态环境局", "市水利局", "市住建局", "A局"]
    assert [w.task.id for w in groups[0].warnings] == ["4", "6"]
    assert [w.task.id for w in groups[1].warnings] == ["3", "1", "2"]
    assert groups[1].counts == {Level.RED: 0, Level.YELLOW: 1, Level.BLUE: 2}
    assert groups[1].level is Level.YELLOW
    assert group_by_lead([]) == []
    assert isinstance(groups[0], LeadGroup)


# --------------------------------------------------------------------------- warn core


def test_filter_by_lead_substring_and_levels() -> None:
    found = [
        _w("1", "市水利局", Reason.STALE),
        _w("2", "市生态环境局", Reason.OVERDUE),
        _w("3", "市生态环境局", Reason.BEHIND),
    ]
    assert [w.task.id for w in filter_warnings(found, lead="生态")] == ["2", "3"]
    assert [w.task.id for w in filter_warnings(found, levels={Level.RED})] == ["2"]
    both = filter_warnings(found, lead="局", levels={Level.RED, Level.BLUE})
    assert [w.task.id for w in both] == ["1", "2"]
    assert filter_warnings(found) == found


def test_find_keeps_the_settings_it_used() -> None:
    led = ledger(task(ongoing=True), tolerance=5, stale_days=20)
    result = find(led, AS_OF, days=3)
    assert (result.days, result.tolerance, result.stale_days) == (3, 5, 20)
    assert result.counts[Level.BLUE] == 1
    assert [g.lead for g in result.groups] == ["市生态环境局"]
    assert find(led, AS_OF, levels={Level.RED}).warnings == ()


def test_reply_by_crosses_a_leap_day() -> None:
    # Working days: Tuesday 27 February 2024 → Friday 1 March over the 29th; Thursday
    # 27 February 2025 → Tuesday 4 March over the weekend.
    assert reply_by(D(2024, 2, 27), 3) == D(2024, 3, 1)
    assert reply_by(D(2025, 2, 27), 3) == D(2025, 3, 4)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("市生态环境局", "市生态环境局"),
        ('市/县:局*"?<>|\\', "市_县_局_______"),
        ("CON", "_CON"),
        ("com1.txt", "_com1.txt"),
        ("  市局.  ", "市局"),
        ("...", "lead"),
        ("a\x1bb\tc", "a_b_c"),
        ("局" * 200, "局" * 60),  # 180 bytes of UTF-8: the name fits in 255 with its date
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_notice_filenames_never_collide() -> None:
    names = notice_filenames(["市/局", "市:局", "Bureau", "BUREAU"], D(2025, 6, 30))
    assert names == {
        "市/局": "2025-06-30-市_局.md",
        "市:局": "2025-06-30-市_局-2.md",
        "Bureau": "2025-06-30-Bureau.md",
        "BUREAU": "2025-06-30-BUREAU-2.md",
    }
