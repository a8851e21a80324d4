"""The update and record rules, as pure functions: no files involved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rectify_cli.edit_rules import NewReading, TaskUpdate, plan_reading, plan_task_update
from rectify_cli.errors import Remedy, WriteRefused
from rectify_cli.kinds import Status
from rectify_cli.models import Indicator, LogEntry, Reading, Task

D = dt.date(2025, 10, 5)


def task(**fields: Any) -> Task:
    base: dict[str, Any] = {
        "id": "T05",
        "aspect": "A1",
        "title": "治理扬尘",
        "lead": "市生态环境局",
        "start": dt.date(2025, 1, 1),
        "deadline": dt.date(2025, 12, 31),
        "status": "in_progress",
        "progress": 60,
    }
    base.update(fields)
    return Task.model_validate(base)


def done_task(**fields: Any) -> Task:
    return task(
        **{"status": "done", "progress": 100, "completed_on": dt.date(2025, 9, 30), **fields}
    )


def refused(t: Task, **upd: Any) -> str:
    with pytest.raises(WriteRefused) as info:
        plan_task_update(t, TaskUpdate(date=D, **upd))
    return info.value.message


def test_progress_update_changes_the_task_and_logs_old_to_new() -> None:
    plan = plan_task_update(task(), TaskUpdate(date=D, progress=80, note=" 过半 ", by=" 王 "))
    assert plan is not None
    assert plan.after.progress == 80
    assert plan.changes == ("progress: 60 → 80",)
    assert plan.after.log == [
        LogEntry(date=D, progress=80, note="过半", by="王", changes=["progress: 60 → 80"])
    ]
    assert plan.appended == plan.after.log[-1]


@pytest.mark.parametrize("value", [-1, 101, 120])
def test_progress_outside_0_to_100_is_refused(value: int) -> None:
    assert refused(task(), progress=value) == (
        f"task T05: progress: must be between 0 and 100, got {value}"
    )


@pytest.mark.parametrize("value", [0, 100])
def test_progress_bounds_are_accepted(value: int) -> None:
    plan = plan_task_update(task(), TaskUpdate(date=D, progress=value))
    assert plan is not None and plan.after.progress == value


def test_done_sets_progress_100_and_completed_on_the_date() -> None:
    plan = plan_task_update(task(), TaskUpdate(date=D, status=Status.DONE, note="验收通过"))
    assert plan is not None
    assert (plan.after.status, plan.after.progress, plan.after.completed_on) == (
        Status.DONE,
        100,
        D,
    )
    assert plan.changes == (
        "status: in_progress → done",
        "progress: 60 → 100",
        "completed_on: — → 2025-10-05",
    )
    entry = plan.after.log[-1]
    assert (entry.status, entry.progress, entry.note) == (Status.DONE, 100, "验收通过")


def test_done_with_progress_below_100_is_refused() -> None:
    assert refused(task(), status=Status.DONE, progress=80) == (
        "task T05: progress: a done task is at 100, not 80"
    )


def test_done_before_the_start_is_refused() -> None:
    with pytest.raises(WriteRefused, match="completed_on: 2024-12-31 is before the task's start"):
        plan_task_update(task(), TaskUpdate(date=dt.date(2024, 12, 31), status=Status.DONE))


def test_progress_on_a_task_not_started_starts_it() -> None:
    plan = plan_task_update(
        task(status="not_started", progress=None), TaskUpdate(date=D, progress=10)
    )
    assert plan is not None
    assert plan.after.status is Status.IN_PROGRESS
    assert plan.changes == ("status: not_started → in_progress", "progress: — → 10")


def refusal(t: Task, **upd: Any) -> tuple[str, Remedy | None]:
    with pytest.raises(WriteRefused) as info:
        plan_task_update(t, TaskUpdate(date=D, **upd))
    return info.value.message, info.value.remedy


def test_closing_needs_evidence() -> None:
    """The core states the fact and names the remedy; `rectify update` words it in its flags
    (test_update_cli: "...; add --evidence FILE")."""
    assert refusal(done_task(), status=Status.CLOSED) == (
        "task T05: closing (销号) needs evidence of acceptance",
        Remedy.ADD_EVIDENCE,
    )


def test_a_completion_before_the_start_names_the_date_as_the_remedy() -> None:
    t = task(start=dt.date(2025, 11, 1), deadline=dt.date(2025, 12, 31))
    assert refusal(t, status=Status.DONE) == (
        "task T05: completed_on: 2025-10-05 is before the task's start 2025-11-01",
        Remedy.GIVE_DATE,
    )


def test_closing_with_evidence_given_now_or_before() -> None:
    plan = plan_task_update(
        done_task(), TaskUpdate(date=D, status=Status.CLOSED, evidence=("验收报告.pdf",))
    )
    assert plan is not None
    assert plan.after.status is Status.CLOSED
    assert plan.after.evidence == ["验收报告.pdf"]
    assert plan.after.completed_on == dt.date(2025, 9, 30)  # closing keeps the completion date
    assert plan.changes == ("status: done → closed", "evidence: + 验收报告.pdf")
    plan = plan_task_update(done_task(evidence=["a.pdf"]), TaskUpdate(date=D, status=Status.CLOSED))
    assert plan is not None and plan.after.status is Status.CLOSED


def test_closing_needs_a_completed_task() -> None:
    assert refused(task(evidence=["a.pdf"]), status=Status.CLOSED) == (
        "task T05: only a completed task can be closed (销号); it is in_progress; "
        "mark it done first with --status done"
    )


def test_reopening_needs_reopen_and_a_note() -> None:
    assert refusal(done_task(), status=Status.IN_PROGRESS) == (
        "task T05 is done",
        Remedy.REOPEN,
    )
    assert refused(done_task(), status=Status.IN_PROGRESS, reopen=True) == (
        "task T05: reopening a done task needs a --note saying why"
    )
    closed = done_task(status="closed", evidence=["a.pdf"])
    assert refusal(closed, status=Status.DONE) == ("task T05 is closed", Remedy.REOPEN)


def test_reopen_clears_completed_on_and_defaults_to_in_progress() -> None:
    plan = plan_task_update(done_task(), TaskUpdate(date=D, reopen=True, note="复查发现反弹"))
    assert plan is not None
    assert plan.after.status is Status.IN_PROGRESS
    assert plan.after.completed_on is None
    assert plan.changes == (
        "status: done → in_progress",
        "completed_on: 2025-09-30 → —",
    )


def test_reopen_of_an_open_task_is_refused() -> None:
    assert refused(task(), reopen=True, note="x") == (
        "task T05: --reopen: the task is in_progress, not done or closed; there is nothing "
        "to reopen"
    )


def test_progress_below_100_on_a_done_task_is_refused_with_the_way_out() -> None:
    assert refused(done_task(), progress=90) == (
        "task T05: progress: a done task is at 100, not 90; to reopen it: --status "
        "in_progress --reopen --note WHY"
    )


def test_reopening_a_task_without_deadline_is_refused_by_the_model_rule() -> None:
    t = done_task(deadline=None)
    msg = refused(t, reopen=True, note="x")
    assert msg == "task T05: an open task needs a deadline or ongoing = true"
    plan = plan_task_update(
        t, TaskUpdate(date=D, reopen=True, note="x", deadline=dt.date(2026, 3, 31))
    )
    assert plan is not None and plan.after.deadline == dt.date(2026, 3, 31)


def test_note_alone_annotates_the_log_and_changes_nothing_else() -> None:
    before = task()
    plan = plan_task_update(before, TaskUpdate(date=D, note="现场核查"))
    assert plan is not None
    assert plan.changes == ()
    assert plan.after.model_copy(update={"log": []}) == before
    assert plan.after.log == [LogEntry(date=D, note="现场核查")]


@pytest.mark.parametrize(
    "upd",
    [
        {},
        {"status": Status.IN_PROGRESS},
        {"progress": 60},
        {"note": "   "},
        {"deadline": dt.date(2025, 12, 31)},
    ],
)
def test_nothing_to_change_gives_no_plan(upd: dict[str, Any]) -> None:
    assert plan_task_update(task(), TaskUpdate(date=D, **upd)) is None


def test_evidence_already_there_is_not_added_twice() -> None:
    t = task(evidence=["a.pdf"])
    assert plan_task_update(t, TaskUpdate(date=D, evidence=("a.pdf",))) is None
    plan = plan_task_update(t, TaskUpdate(date=D, evidence=("a.pdf", "b.pdf", "b.pdf")))
    assert plan is not None
    assert plan.after.evidence == ["a.pdf", "b.pdf"]
    assert plan.changes == ("evidence: + b.pdf",)


def test_empty_evidence_is_refused() -> None:
    assert refused(task(), evidence=(" ",)) == "task T05: --evidence must not be empty"


# --------------------------------------------------------------------------- indicators


def indicator(**fields: Any) -> Indicator:
    base: dict[str, Any] = {
        "id": "pm25",
        "name": "PM2.5浓度",
        "better": "lower",
        "value": 30,
        "period": "2025-01/09",
        "change": -16.7,
        "rank": 8,
        "change_rank": 2,
    }
    base.update(fields)
    return Indicator.model_validate(base)


def test_a_new_period_moves_the_previous_reading_to_history() -> None:
    plan = plan_reading(indicator(), NewReading(value=29, period="2025-10"))
    assert plan is not None
    after = plan.after
    assert (after.value, after.period) == (29, "2025-10")
    assert (after.change, after.rank, after.change_rank) == (None, None, None)
    assert after.history == [
        Reading(value=30, period="2025-01/09", note="change = -16.7%; rank = 8; change_rank = 2")
    ]
    assert plan.appended == after.history[-1]
    assert plan.changes == (
        "value: 30 → 29",
        "period: 2025-01/09 → 2025-10",
        "change: -16.7 → —",
        "rank: 8 → —",
        "change_rank: 2 → —",
    )


def test_published_change_and_ranks_can_come_with_the_new_value() -> None:
    plan = plan_reading(
        indicator(), NewReading(value=29, period="2025-10", change=-3.3, rank=5, change_rank=1)
    )
    assert plan is not None
    assert (plan.after.change, plan.after.rank, plan.after.change_rank) == (-3.3, 5, 1)


def test_the_same_period_again_needs_correct() -> None:
    with pytest.raises(WriteRefused) as info:
        plan_reading(indicator(), NewReading(value=31, period="2025-01/09"))
    assert info.value.message == (
        "indicator pm25 already has 30 for 2025-01/09; pass --correct to replace it"
    )
    plan = plan_reading(indicator(), NewReading(value=31, period="2025-01/09", correct=True))
    assert plan is not None
    assert plan.after.value == 31 and plan.after.history == [] and plan.appended is None
    assert plan.changes == ("value: 30 → 31",)


def test_correct_on_a_new_period_is_refused() -> None:
    with pytest.raises(WriteRefused, match="2025-10 is a new period, leave --correct out"):
        plan_reading(indicator(), NewReading(value=31, period="2025-10", correct=True))


def test_same_value_and_period_is_nothing_to_change() -> None:
    assert plan_reading(indicator(), NewReading(value=30, period="2025-01/09")) is None


def test_first_value_of_an_indicator_archives_nothing() -> None:
    plan = plan_reading(
        indicator(value=None, period=None, change=None, rank=None, change_rank=None),
        NewReading(value=5, period="2025"),
    )
    assert plan is not None
    assert plan.after.history == [] and plan.appended is None


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (NewReading(value=1, period="  "), "indicator pm25: --period must not be empty"),
        (NewReading(value=1, period="p", rank=0), "indicator pm25: --rank: must be 1 or more"),
    ],
)
def test_reading_refusals(new: NewReading, message: str) -> None:
    with pytest.raises(WriteRefused) as info:
        plan_reading(indicator(), new)
    assert info.value.message == message


def test_a_note_alone_changes_nothing() -> None:
    """A note is an annotation: on a done task with no progress reported it adds a log entry
    and leaves every field as it was (it used to record `progress: — → 100`)."""
    before = done_task(progress=None)
    plan = plan_task_update(before, TaskUpdate(date=D, note="补记", by="王"))
    assert plan is not None
    assert plan.changes == ()
    assert plan.after.model_dump(exclude={"log"}) == before.model_dump(exclude={"log"})
    assert [(e.note, e.by, e.changes) for e in plan.after.log] == [("补记", "王", [])]
    # Asking for the status again does settle the progress of a finished task.
    plan = plan_task_update(before, TaskUpdate(date=D, status=Status.DONE, note="核实"))
    assert plan is not None and plan.changes == ("progress: — → 100",)


def test_update_moving_the_deadline_later_is_refused_as_a_postponement() -> None:
    with pytest.raises(WriteRefused) as info:
        plan_task_update(task(), TaskUpdate(date=D, deadline=dt.date(2026, 3, 31)))
    assert info.value.message == (
        "task T05: --deadline: 2026-03-31 is later than its deadline 2025-12-31; moving a "
        "deadline later is a postponement (延期), which needs a reason"
    )
    assert info.value.remedy is Remedy.POSTPONE


def test_update_moving_the_deadline_earlier_is_a_correction() -> None:
    plan = plan_task_update(task(), TaskUpdate(date=D, deadline=dt.date(2025, 11, 30)))
    assert plan is not None and plan.after.deadline == dt.date(2025, 11, 30)
    assert plan.changes == ("deadline: 2025-12-31 → 2025-11-30",)
