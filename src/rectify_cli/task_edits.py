"""The rules of `rectify edit`, `postpone`, `cancel` and `fold`, pure: a request turned into
the task after it (one new log entry appended, each change as `field: old → new`), or refused
with one sentence.  As edit_rules.py does for `update`; `task_verbs.py` writes the result
through the one locked, checked write of edit.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from .edit_rules import Plan, refuse_later_deadline, revalidate
from .errors import Remedy, WriteRefused, did_you_mean
from .i18n import say, status_word
from .kinds import DROPPED, FINISHED, Status
from .models import LogEntry, Task
from .postpone import POSTPONED
from .rules import merge_target_problem
from .textfmt import change_text


@dataclass(frozen=True)
class Listed:
    """Items to add to a list field, and items to remove (by text, or by number from 1)."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskEdit:
    """What `rectify edit` was asked to change; None (or an empty Listed): leave it."""

    date: dt.date
    title: str | None = None
    aspect: str | None = None
    lead: str | None = None
    start: dt.date | None = None
    deadline: dt.date | None = None
    ongoing: bool | None = None
    notes: str | None = None
    completed_on: dt.date | None = None
    measures: Listed = field(default_factory=Listed)
    partners: Listed = field(default_factory=Listed)
    indicators: Listed = field(default_factory=Listed)
    evidence: Listed = field(default_factory=Listed)
    note: str = ""  # the log entry's note
    by: str | None = None


def _refuse(en: str, zh: str, remedy: Remedy | None = None, **fields: object) -> WriteRefused:
    return WriteRefused(say(en, zh, **fields), remedy)


def _text(value: str, tid: str, option: str) -> str:
    text = value.strip()
    if not text:
        raise _refuse(
            "task {id}: {option} must not be empty",
            "任务 {id}：{option} 不能为空",
            id=tid,
            option=option,
        )
    return text


def _listed(
    tid: str, name: str, old: list[str], asked: Listed, known: Collection[str] | None = None
) -> tuple[list[str], list[str]]:
    """The list after `asked`, and its change lines (`measures: + X`, `measures: - Y`).
    An item is removed by its text or its number (1 is the first); `known` are the values
    an added item may take (indicator ids), None: any."""
    option = name.removesuffix("s").replace("_", "-")
    new = list(old)
    lines: list[str] = []
    for item in asked.remove:
        text = item.strip()
        if text.isdigit() and text not in new and 1 <= int(text) <= len(old):
            text = old[int(text) - 1]
        if text not in new:
            shown = "; ".join(f"{i}. {v}" for i, v in enumerate(old, 1)) or say("none", "无")
            raise _refuse(
                "task {id}: --remove-{option}: {item!r} is not one of its {name} ({shown})",
                "任务 {id}：--remove-{option}：{item!r} 不在其{name}中（{shown}）",
                id=tid,
                option=option,
                item=item,
                name=name,
                shown=shown,
            )
        new.remove(text)
        lines.append(f"{name}: - {text}")
    for item in asked.add:
        text = _text(item, tid, f"--add-{option}")
        if known is not None and text not in known:
            raise _refuse(
                "task {id}: --add-{option}: no {what} {item!r}{hint}",
                "任务 {id}：--add-{option}：没有{what} {item!r}{hint}",
                id=tid,
                option=option,
                what=say("indicator", "指标"),
                item=text,
                hint=did_you_mean(text, list(known)),
            )
        if text not in new:
            new.append(text)
            lines.append(f"{name}: + {text}")
    return new, lines


def plan_task_edit(
    task: Task,
    asked: TaskEdit,
    *,
    aspects: Mapping[str, str],
    indicators: Collection[str] | None,
) -> Plan[Task] | None:
    """The task with the fields `asked` changes, or None when nothing changes.  `aspects`
    maps the ledger's aspect ids and names to ids; `indicators` are its indicator ids.

    A deadline moved later is refused: that is a postponement (`plan_postpone`), which needs
    a reason.  A deadline given to an ongoing task ends `ongoing`, and `ongoing` clears the
    deadline, since a task has one or the other."""
    tid = task.id
    data = task.model_dump()
    changes: list[str] = []
    if asked.title is not None:
        data["title"] = _text(asked.title, tid, "--title")
    if asked.lead is not None:
        data["lead"] = _text(asked.lead, tid, "--lead")
    if asked.aspect is not None:
        wanted = asked.aspect.strip()
        if wanted not in aspects:
            raise _refuse(
                "task {id}: --aspect: no aspect {aspect!r}{hint}",
                "任务 {id}：--aspect：没有问题方面 {aspect!r}{hint}",
                id=tid,
                aspect=wanted,
                hint=did_you_mean(wanted, list(aspects)),
            )
        data["aspect"] = aspects[wanted]
    if asked.start is not None:
        data["start"] = asked.start
    if asked.notes is not None:
        data["notes"] = asked.notes.strip()
    if asked.completed_on is not None:
        data["completed_on"] = asked.completed_on
    if asked.ongoing is not None:
        data["ongoing"] = asked.ongoing
        if asked.ongoing:
            data["deadline"] = None
    if asked.deadline is not None:
        refuse_later_deadline(task, asked.deadline)
        if asked.ongoing:
            raise _refuse(
                "task {id}: a task has a deadline or is ongoing, not both",
                "任务 {id}：任务只能有整改时限或长期坚持之一，不能两者都有",
                id=tid,
            )
        data["deadline"] = asked.deadline
        data["ongoing"] = False
    for name in ("title", "aspect", "lead", "start", "deadline", "ongoing"):
        if data[name] != getattr(task, name):
            changes.append(change_text(name, getattr(task, name), data[name]))
    for name, known in (
        ("measures", None),
        ("partners", None),
        ("indicators", indicators),
        ("evidence", None),
    ):
        data[name], lines = _listed(tid, name, getattr(task, name), getattr(asked, name), known)
        changes += lines
    for name in ("completed_on", "notes"):
        if data[name] != getattr(task, name):
            changes.append(change_text(name, getattr(task, name), data[name]))
    note = asked.note.strip()
    if not changes:
        return None
    entry = LogEntry(date=asked.date, note=note, by=_by(asked.by), changes=changes)
    data["log"] = [*task.log, entry]
    after = revalidate(Task, data, "task", tid)
    return Plan(before=task, after=after, changes=tuple(changes), note=note, appended=entry)


def _by(by: str | None) -> str | None:
    return (by or "").strip() or None


def _reason(text: str, tid: str, doing: tuple[str, str]) -> str:
    reason = text.strip()
    if not reason:
        raise _refuse(
            "task {id}: {doing} needs a reason",
            "任务 {id}：{doing}须说明理由",
            Remedy.GIVE_REASON,
            id=tid,
            doing=say(*doing),
        )
    return reason


def _in_plan(task: Task, doing: tuple[str, str]) -> None:
    """Only a task still being worked on is postponed, cancelled or merged."""
    if task.status in FINISHED or task.status in DROPPED:
        raise _refuse(
            "task {id} is {status}; {doing} is for a task still open",
            "任务 {id} 为“{status}”；只有未完成的任务才能{doing}",
            id=task.id,
            status=status_word(task.status),
            doing=say(*doing),
        )


def plan_postpone(
    task: Task, to: dt.date, reason: str, date: dt.date, by: str | None = None
) -> Plan[Task]:
    """The task with its deadline moved later to `to`, logged as a postponement (延期)."""
    tid = task.id
    doing = ("postponing", "延期")
    why = _reason(reason, tid, doing)
    _in_plan(task, doing)
    if task.deadline is None:
        raise _refuse(
            "task {id} has no deadline (it is ongoing); there is nothing to postpone",
            "任务 {id} 没有整改时限（长期坚持），无须延期",
            id=tid,
        )
    if to <= task.deadline:
        raise _refuse(
            "task {id}: {to} is not later than its deadline {old}; a postponement moves "
            "the deadline later (an earlier one is an edit: --deadline)",
            "任务 {id}：{to} 不晚于现有整改时限 {old}；延期是把时限推后（提前时限请用 --deadline 修改）",
            id=tid,
            to=to,
            old=task.deadline,
        )
    changes = [change_text("deadline", task.deadline, to)]
    entry = LogEntry(date=date, kind=POSTPONED, note=why, by=_by(by), changes=changes)
    data = task.model_dump()
    data.update(deadline=to, log=[*task.log, entry])
    after = revalidate(Task, data, "task", tid)
    return Plan(before=task, after=after, changes=tuple(changes), note=why, appended=entry)


def plan_drop(
    task: Task,
    note: str,
    date: dt.date,
    by: str | None = None,
    *,
    into: str | None = None,
    statuses: Mapping[str, Status] | None = None,
) -> Plan[Task]:
    """The task cancelled (已撤销), or with `into` merged (已合并) into that task, whose
    status `statuses` (every task's, by id) must show it still in the plan."""
    tid = task.id
    doing = ("merging", "合并") if into is not None else ("cancelling", "撤销")
    why = _reason(note, tid, doing)
    _in_plan(task, doing)
    new = Status.CANCELLED
    if into is not None:
        new = Status.MERGED
        problem = merge_target_problem(tid, into, statuses or {})
        if problem == "itself":
            raise _refuse(
                "task {id} cannot be merged into itself", "任务 {id} 不能并入自身", id=tid
            )
        if problem == "missing":
            raise _refuse(
                "task {id}: no task {into} to merge it into{hint}",
                "任务 {id}：没有可并入的任务 {into}{hint}",
                id=tid,
                into=into,
                hint=did_you_mean(into, list(statuses or {})),
            )
        if problem == "dropped":
            raise _refuse(
                "task {id}: {into} is {status}; merge into a task still in the plan",
                "任务 {id}：{into} 为“{status}”；请并入仍在推进的任务",
                id=tid,
                into=into,
                status=status_word((statuses or {})[into]),
            )
    changes = [change_text("status", task.status, new)]
    if into is not None:
        changes.append(change_text("merged_into", None, into))
    entry = LogEntry(date=date, status=new, note=why, by=_by(by), changes=changes)
    data = task.model_dump()
    data.update(status=new, merged_into=into, log=[*task.log, entry])
    after = revalidate(Task, data, "task", tid)
    return Plan(before=task, after=after, changes=tuple(changes), note=why, appended=entry)
