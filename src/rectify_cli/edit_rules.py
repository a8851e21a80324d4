"""The rules of an edit, pure: what `rectify update` and `rectify record` may do to one item.

`plan_task_update(task, update)` and `plan_reading(indicator, reading)` turn a request into the
new item (its new log entry or history reading appended), or refuse with one sentence.  No
files, no text: `edit_text.py` changes the item's block and `edit.py` writes the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from .errors import Remedy, WriteRefused
from .i18n import field_name, say, spoken, status_word
from .kinds import DROPPED, FINISHED, Status
from .models import Indicator, LogEntry, Petition, PetitionLogEntry, Reading, Task
from .rules import lacks_evidence, only_a_note
from .textfmt import EVIDENCE_ADDED, change_text, number_text, value_text

_RANK = {Status.NOT_STARTED: 0, Status.IN_PROGRESS: 1, Status.DONE: 2, Status.CLOSED: 3}


@dataclass(frozen=True)
class TaskUpdate:
    """What `rectify update` was asked to do; everything but the date is optional."""

    date: dt.date
    status: Status | None = None
    progress: int | None = None
    deadline: dt.date | None = None
    note: str = ""
    evidence: tuple[str, ...] = ()
    by: str | None = None
    reopen: bool = False


@dataclass(frozen=True)
class NewReading:
    """What `rectify record` was asked to do."""

    value: float
    period: str
    correct: bool = False
    change: float | None = None
    rank: int | None = None
    change_rank: int | None = None
    # The day the value is recorded, kept as the indicator's `recorded` (and moved with it
    # into history): what lets `rectify changes` date a reading.  None: not dated.
    recorded: dt.date | None = None


M = TypeVar("M", Task, Indicator, Petition)


@dataclass(frozen=True)
class Plan(Generic[M]):
    """The item after the edit (its new log entry or reading appended) and what changed."""

    before: M
    after: M
    changes: tuple[str, ...]
    note: str = ""
    appended: LogEntry | Reading | PetitionLogEntry | None = None
    more: tuple[LogEntry, ...] = ()  # further log entries after `appended` (an import's)


# How a message names what it is about: (English, Chinese).
NOUNS = {
    "task": ("task", "任务"),
    "indicator": ("indicator", "指标"),
    "petition": ("petition case", "信访件"),
}


def revalidate(model: type[M], data: dict[str, Any], noun: str, ident: str) -> M:
    """The model's own rules (deadline or ongoing, 0–100, ...) as a refusal, not a crash."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        who = say("{noun} {id}: ", "{noun} {id}：", noun=NOUNS[noun][spoken() == "zh"], id=ident)
        field = field_name(where, petition=noun == "petition")
        raise WriteRefused(who + (f"{field}: " if where else "") + msg) from None


def refuse_later_deadline(task: Task, new: dt.date | None) -> None:
    """A deadline moved later is a postponement (延期): it needs a reason and is logged as
    one (`rectify postpone`), so neither `update` nor `edit` may move it; an earlier
    deadline is a correction and stays allowed."""
    if new is None or task.deadline is None or new <= task.deadline:
        return
    raise WriteRefused(
        say(
            "task {id}: --deadline: {new} is later than its deadline {old}; moving a "
            "deadline later is a postponement (延期), which needs a reason",
            "任务 {id}：--deadline：{new} 晚于现有整改时限 {old}；推迟时限属于延期，须说明理由",
            id=task.id,
            new=new,
            old=task.deadline,
        ),
        Remedy.POSTPONE,
    )


def plan_task_update(task: Task, upd: TaskUpdate) -> Plan[Task] | None:
    """The task after `upd` and its new log entry, or None when there is nothing to do.

    Refuses, with a sentence, whatever would make the ledger say something untrue: progress
    outside 0–100, a done task below 100 %, closing (销号) without evidence or before the task
    is complete, and reopening a done or closed task without `--reopen` and a note.
    """
    tid = task.id
    note = upd.note.strip()
    by = (upd.by or "").strip() or None
    if upd.progress is not None and not 0 <= upd.progress <= 100:
        raise WriteRefused(
            say(
                "task {id}: progress: must be between 0 and 100, got {got}",
                "任务 {id}：进度应在 0 到 100 之间，实际为 {got}",
                id=tid,
                got=upd.progress,
            )
        )
    old = task.status
    if (upd.status in DROPPED and upd.status is not old) or (
        old in DROPPED and not only_a_note(upd)
    ):
        # Out of the plan is a step of its own, with its note (and its target for a merge).
        raise WriteRefused(
            say(
                "task {id}: {what}; rectify update does not cancel or merge tasks",
                "任务 {id}：{what}；rectify update 不能撤销或合并任务",
                id=tid,
                what=say("it is {s}", "该任务为“{s}”", s=status_word(old))
                if old in DROPPED
                else say("--status {s}", "--status {s}", s=upd.status),
            ),
            Remedy.DROP,
        )
    was_completed = old in FINISHED
    new = upd.status if upd.status is not None else old
    if upd.reopen:
        if not was_completed:
            raise WriteRefused(
                say(
                    "task {id}: --reopen: the task is {old}, not done or closed; "
                    "there is nothing to reopen",
                    "任务 {id}：--reopen：该任务为“{old}”，不是已完成或已销号，无须重新打开",
                    id=tid,
                    old=status_word(old),
                )
            )
        if upd.status is None:
            new = Status.IN_PROGRESS
    elif upd.status is None and upd.progress and old is Status.NOT_STARTED:
        new = Status.IN_PROGRESS  # progress reported on a task not started: it has started
    going_back = was_completed and _RANK[new] < _RANK[old]
    if going_back:
        if not upd.reopen:
            raise WriteRefused(
                say("task {id} is {old}", "任务 {id} 为“{old}”", id=tid, old=status_word(old)),
                Remedy.REOPEN,
            )
        if not note:
            raise WriteRefused(
                say(
                    "task {id}: reopening a {old} task needs a --note saying why",
                    "任务 {id}：重新打开“{old}”的任务须用 --note 说明原因",
                    id=tid,
                    old=status_word(old),
                )
            )
    elif upd.reopen:
        raise WriteRefused(
            say(
                "task {id}: --reopen: --status {new} does not reopen a {old} task; "
                "use --status in_progress or not_started",
                "任务 {id}：--reopen：--status {new} 不能重新打开“{old}”的任务；"
                "请用 --status in_progress 或 not_started",
                id=tid,
                new=new.value,
                old=status_word(old),
            )
        )

    progress = upd.progress if upd.progress is not None else task.progress
    completed_on = task.completed_on
    if new in FINISHED:
        if upd.progress is not None and upd.progress != 100:
            raise WriteRefused(
                say(
                    "task {id}: progress: a {new} task is at 100, not {got}",
                    "任务 {id}：“{new}”的任务进度为 100，不能是 {got}",
                    id=tid,
                    new=status_word(new),
                    got=upd.progress,
                )
                + (
                    say(
                        "; to reopen it: --status in_progress --reopen --note WHY",
                        "；如需重新打开：--status in_progress --reopen --note 原因",
                    )
                    if was_completed
                    else ""
                )
            )
        if not only_a_note(upd):  # a note on a finished task leaves its progress as it is
            progress = 100
        if not was_completed:
            completed_on = upd.date
    if new is Status.CLOSED and old is not Status.CLOSED:
        if not was_completed:
            raise WriteRefused(
                say(
                    "task {id}: only a completed task can be closed (销号); it is {old}; "
                    "mark it done first with --status done",
                    "任务 {id}：只有已完成的任务才能销号，该任务为“{old}”；"
                    "请先用 --status done 标为已完成",
                    id=tid,
                    old=status_word(old),
                )
            )
        if lacks_evidence(new, [*task.evidence, *upd.evidence]):
            raise WriteRefused(
                say(
                    "task {id}: closing (销号) needs evidence of acceptance",
                    "任务 {id}：销号须有验收佐证材料",
                    id=tid,
                ),
                Remedy.ADD_EVIDENCE,
            )
    if going_back and new.is_open:
        completed_on = None
    if completed_on is not None and task.start is not None and completed_on < task.start:
        raise WriteRefused(
            say(
                "task {id}: completed_on: {on} is before the task's start {start}",
                "任务 {id}：完成日期 {on} 早于任务开始日期 {start}",
                id=tid,
                on=completed_on,
                start=task.start,
            ),
            Remedy.GIVE_DATE,
        )

    evidence = list(task.evidence)
    added = []
    for item in upd.evidence:
        item = item.strip()
        if not item:
            raise WriteRefused(
                say(
                    "task {id}: --evidence must not be empty",
                    "任务 {id}：--evidence 不能为空",
                    id=tid,
                )
            )
        if item not in evidence:
            evidence.append(item)
            added.append(item)
    refuse_later_deadline(task, upd.deadline)
    deadline = upd.deadline if upd.deadline is not None else task.deadline

    changes = [
        change_text(name, a, b)
        for name, a, b in (
            ("status", old, new),
            ("progress", task.progress, progress),
            ("deadline", task.deadline, deadline),
            ("completed_on", task.completed_on, completed_on),
        )
        if a != b
    ]
    changes += [f"{EVIDENCE_ADDED}{item}" for item in added]
    if not changes and not note:
        return None

    entry = LogEntry(
        date=upd.date,
        status=new if new != old else None,
        progress=progress if progress != task.progress else None,
        note=note,
        by=by,
        changes=changes,
    )
    data = task.model_dump()
    data.update(
        status=new,
        progress=progress,
        deadline=deadline,
        completed_on=completed_on,
        evidence=evidence,
        log=[*task.log, entry],
    )
    after = revalidate(Task, data, "task", tid)
    return Plan(before=task, after=after, changes=tuple(changes), note=note, appended=entry)


# Fields that describe the published value of one period, and go stale with a new period.
_PERIOD_FIELDS = ("value_bound", "change", "change_bound", "rank", "change_rank", "rank_note")


def plan_reading(ind: Indicator, new: NewReading) -> Plan[Indicator] | None:
    """The indicator with its new current value; the previous reading moves to `history`.

    A new period archives the old value, period and whatever was published with it (bound,
    change, ranks) into a `Reading`, and clears those stale fields unless given anew.  The same
    period again is a correction and needs `correct=True`, so a slip of the finger never
    silently overwrites a published figure.
    """
    iid = ind.id
    period = new.period.strip()
    if not period:
        raise WriteRefused(
            say(
                "indicator {id}: --period must not be empty", "指标 {id}：--period 不能为空", id=iid
            )
        )
    given = {"change": new.change, "rank": new.rank, "change_rank": new.change_rank}
    for name, value in given.items():
        if name != "change" and value is not None and value < 1:
            raise WriteRefused(
                say(
                    "indicator {id}: --{option}: must be 1 or more",
                    "指标 {id}：--{option} 应不小于 1",
                    id=iid,
                    option=name.replace("_", "-"),
                )
            )
    data = ind.model_dump()
    archived: Reading | None = None
    same_period = ind.value is not None and ind.period == period
    if same_period:
        if not new.correct and new.value != ind.value:
            raise WriteRefused(
                say(
                    "indicator {id} already has {value} for {period}; pass --correct to replace it",
                    "指标 {id} 在 {period} 已有数值 {value}；如要替换请加 --correct",
                    id=iid,
                    value=number_text(ind.value or 0),
                    period=period,
                )
            )
        data["value"] = new.value
        data["value_bound"] = None if new.value != ind.value else ind.value_bound
        data.update({k: v for k, v in given.items() if v is not None})
        if new.recorded is not None and new.value != ind.value:
            data["recorded"] = new.recorded
    else:
        if new.correct:
            raise WriteRefused(
                say(
                    "indicator {id}: --correct replaces the value of the current period "
                    "({current}); {period} is a new period, leave --correct out",
                    "指标 {id}：--correct 用于替换当前期间（{current}）的数值；"
                    "{period} 是新的期间，请去掉 --correct",
                    id=iid,
                    current=ind.period or say("none", "无"),
                    period=period,
                )
            )
        if ind.value is not None:
            published = [
                f"{k} = {value_text(getattr(ind, k))}"
                + (str(ind.change_unit.value) if k == "change" else "")
                for k in _PERIOD_FIELDS
                if getattr(ind, k) is not None
            ]
            archived = Reading(
                value=ind.value,
                period=ind.period or "",
                recorded=ind.recorded,
                note="; ".join(published),
            )
        data.update(dict.fromkeys(_PERIOD_FIELDS))
        data.update(value=new.value, period=period, recorded=new.recorded, **given)
        if archived is not None:
            data["history"] = [*ind.history, archived]
    after = revalidate(Indicator, data, "indicator", iid)
    changes = tuple(
        change_text(name, getattr(ind, name), getattr(after, name))
        for name in ("value", "period", *_PERIOD_FIELDS)
        if getattr(ind, name) != getattr(after, name)
    )
    if not changes:
        return None
    return Plan(before=ind, after=after, changes=changes, appended=archived)
