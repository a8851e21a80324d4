"""The monthly dispatch round (调度): which form each lead department gets, and who has answered.

A round is a period (2025-10) and a reply-by day.  Each lead department gets one form with
its open tasks: the cells that identify a task are locked, the cells it answers in are not
(`render/dispatch_form.py` draws the workbook or CSV, `dispatch_import.py` reads it back).

Nothing about a round is stored beside the ledger (its `.rectify/` folder is not shared): a
returned form leaves log entries whose `by` is the department and whose date falls in the
round, and `round_status` reads those back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .cells import month_end
from .errors import UsageError, did_you_mean
from .i18n import say
from .kinds import FINISHED, STATUS_ZH, Status
from .records import Ledger, Task, as_json

FORM_MARK = "rectify-dispatch 1"
SHEET = "调度表"
META_SHEET = "_rectify"

# The statuses a department may report; cancelling or merging is the office's own step.
REPORTED_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.CLOSED)
STATUS_CHOICES = tuple(STATUS_ZH[s] for s in REPORTED_STATUSES)

# The table's columns; the locked ones come first, then the ones a department fills in.
LOCKED_COLUMNS = ("编号", "问题方面", "整改任务", "配合单位", "整改时限", "当前状态", "当前进度")
OPEN_COLUMNS = ("本期进度", "状态", "进展情况", "佐证材料")
COLUMNS = LOCKED_COLUMNS + OPEN_COLUMNS
PROGRESS_COL, STATUS_COL, NOTE_COL, EVIDENCE_COL = range(len(LOCKED_COLUMNS), len(COLUMNS))

# Where things sit on the sheet (rows are 1-based, as Excel shows them).
TITLE_ROW, INFO_ROW, DATE_ROW, HELP_ROW, HEADER_ROW = 1, 2, 3, 4, 5
FIRST_TASK_ROW = HEADER_ROW + 1
DATE_CELL = "B3"
DATE_LABEL = "填报日期"

INSTRUCTIONS = (
    "填写说明：灰色单元格是台账内容，已锁定，请勿改动；请在白色列填写：本期进度（0–100 的整数），"
    "状态（从下拉列表选择：{choices}），进展情况（本期做了什么），佐证材料（多份用分号分隔）。"
    "没有进展的任务整行留空。填报日期写报送当天（如 {example}），不填则按报送截止日计。"
    "填好后将本文件报回。"
)


def ledger_identity(ledger: Ledger) -> str:
    """A ledger's stable name across copies and machines: its title and feedback date (a
    folder's path differs on every machine that holds the ledger)."""
    meta = ledger.meta
    text = f"{meta.title}\x00{meta.feedback_date or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def office_of(ledger: Ledger) -> str:
    return ledger.meta.issued_by or ledger.meta.title


_PERIOD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


@dataclass(frozen=True)
class Round:
    """One round: its period (a month) and the day forms are due back."""

    period: str  # 2025-10
    reply_by: dt.date

    @property
    def start(self) -> dt.date:
        year, month = (int(x) for x in self.period.split("-"))
        return dt.date(year, month, 1)

    @property
    def end(self) -> dt.date:
        return month_end(self.start.year, self.start.month)

    @property
    def closes(self) -> dt.date:
        """The last day an entry counts for this round: a late form answers it too, up to the
        end of the next month (the next round's own period)."""
        nxt = self.end + dt.timedelta(days=1)
        return max(self.reply_by, month_end(nxt.year, nxt.month))

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.closes


def parse_period(text: str, option: str = "--period") -> str:
    """A month as people type it: 2025-10, 2025/10, 2025年10月."""
    m = _PERIOD.fullmatch(text.strip())
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise UsageError(
            say(
                '{option}: "{text}" is not a month; write it as 2025-10',
                "{option}：“{text}”不是月份，请写成 2025-10",
                option=option,
                text=text,
            )
        )
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def make_round(period: str, reply_by: dt.date | None) -> Round:
    """The round of `period`; forms are due back by its last day unless told otherwise."""
    base = Round(period, dt.date(2000, 1, 1))
    return Round(period, reply_by or base.end)


def in_round(task: Task) -> bool:
    """A task a department reports on: open, and with a lead department to ask."""
    return task.status.is_open and bool(task.lead.strip())


def departments(ledger: Ledger) -> list[str]:
    """The lead departments with open tasks, in the order they first lead one."""
    return list(dict.fromkeys(t.lead for t in ledger.tasks if in_round(t)))


def chosen_departments(ledger: Ledger, lead: str | None) -> list[str]:
    """Every department with open tasks, or the one named (which must lead an open task)."""
    every = departments(ledger)
    if lead is None:
        if not every:
            raise UsageError(
                say(
                    "no open task has a lead department; there is no form to make",
                    "没有牵头单位的未完成任务，无须制作调度表",
                )
            )
        return every
    name = lead.strip()
    if name in every:
        return [name]
    leads = list(dict.fromkeys(t.lead for t in ledger.tasks))
    if name in leads:
        raise UsageError(
            say(
                "--lead {lead}: every task it leads is finished or dropped; there is no form "
                "to make",
                "--lead {lead}：该单位牵头的任务均已完成或撤销，无须制作调度表",
                lead=name,
            )
        )
    raise UsageError(
        say(
            "--lead {lead}: no task is led by it{hint}",
            "--lead {lead}：没有由该单位牵头的任务{hint}",
            lead=name,
            hint=did_you_mean(name, leads),
        )
    )


def task_fingerprint(ledger: Ledger, task: Task) -> str:
    """The task as the form was made from it (with its aspect's name, shown on the form): a
    form is read back only against the same task, or it was imported already or overtaken."""
    data = as_json(task)
    data["aspect_name"] = ledger.aspect_name(task.aspect)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _progress_text(task: Task) -> str:
    if task.status in FINISHED:
        return "100"
    return "" if task.progress is None else str(task.progress)


def locked_cells(ledger: Ledger, task: Task) -> tuple[str, ...]:
    """A task's locked cells as the form shows them: text only, so a cell reads back as it
    was written, whatever a spreadsheet does to numbers and dates."""
    deadline = "长期坚持" if task.ongoing else (str(task.deadline) if task.deadline else "")
    return (
        task.id,
        ledger.aspect_name(task.aspect),
        task.title,
        "、".join(task.partners),
        deadline,
        STATUS_ZH[task.status],
        _progress_text(task),
    )


@dataclass(frozen=True)
class FormMeta:
    """What a form says about itself: kept on its hidden sheet (or atop the CSV)."""

    ledger: str  # ledger_identity
    ledger_title: str
    department: str
    period: str
    reply_by: dt.date
    office: str
    made: dt.date
    tasks: tuple[tuple[str, str], ...]  # (task id, fingerprint)
    checksum: str

    def pairs(self) -> list[tuple[str, str]]:
        """The hidden sheet's rows, in order."""
        return [
            ("form", FORM_MARK),
            ("ledger", self.ledger),
            ("ledger_title", self.ledger_title),
            ("department", self.department),
            ("period", self.period),
            ("reply_by", self.reply_by.isoformat()),
            ("office", self.office),
            ("made", self.made.isoformat()),
            ("tasks", ";".join(f"{i}:{f}" for i, f in self.tasks)),
            ("checksum", self.checksum),
        ]


def header_cells(meta: FormMeta) -> tuple[str, str]:
    """The title and the line under it (office, department, period, reply-by): locked."""
    title = f"{meta.office}　{meta.period} 整改任务调度表"
    info = f"牵头单位：{meta.department}　调度期次：{meta.period}　报送截止：{meta.reply_by}"
    return title, info


def checksum(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Of every locked cell's text, in order."""
    text = json.dumps([list(header), [list(r) for r in rows]], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Form:
    """One department's form, ready to be drawn."""

    meta: FormMeta
    rows: tuple[tuple[str, ...], ...]  # the locked cells of each task's row
    instructions: str

    @property
    def header(self) -> tuple[str, ...]:
        return (*header_cells(self.meta), *COLUMNS)


def make_form(ledger: Ledger, department: str, rnd: Round, made: dt.date) -> Form:
    tasks = [t for t in ledger.tasks if in_round(t) and t.lead == department]
    rows = tuple(locked_cells(ledger, t) for t in tasks)
    draft = FormMeta(
        ledger=ledger_identity(ledger),
        ledger_title=ledger.meta.title,
        department=department,
        period=rnd.period,
        reply_by=rnd.reply_by,
        office=office_of(ledger),
        made=made,
        tasks=tuple((t.id, task_fingerprint(ledger, t)) for t in tasks),
        checksum="",
    )
    header = (*header_cells(draft), *COLUMNS)
    meta = FormMeta(**{**draft.__dict__, "checksum": checksum(header, rows)})
    text = INSTRUCTIONS.format(choices="、".join(STATUS_CHOICES), example=rnd.reply_by)
    return Form(meta, rows, text)


def form_name(meta: FormMeta, suffix: str) -> str:
    """2025-10-市水利局.xlsx: a name any file system takes."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", meta.department).strip(" .") or "form"
    return f"{meta.period}-{safe}{suffix}"


# --------------------------------------------------------------------------- the round's state


@dataclass(frozen=True)
class DepartmentState:
    department: str
    tasks: tuple[str, ...]  # the round's tasks it leads
    reported: tuple[str, ...]  # those with an entry by it in the round
    returned: dt.date | None  # the latest such entry

    @property
    def complete(self) -> bool:
        return len(self.reported) == len(self.tasks)


@dataclass(frozen=True)
class RoundStatus:
    round: Round
    as_of: dt.date
    departments: tuple[DepartmentState, ...]
    unreported: tuple[Task, ...]

    def late(self, dep: DepartmentState) -> bool:
        """Past the reply-by day without every task answered, or answered after it."""
        if dep.returned is not None and dep.returned > self.round.reply_by:
            return True
        return not dep.complete and self.as_of > self.round.reply_by


def _reported(task: Task, rnd: Round, as_of: dt.date) -> dt.date | None:
    days = [e.date for e in task.log if e.by == task.lead and rnd.holds(e.date) and e.date <= as_of]
    return max(days) if days else None


def _round_task(task: Task, rnd: Round, as_of: dt.date) -> bool:
    """Open now, or finished (or answered) within the round: a form asked about it."""
    if not task.lead.strip() or task.status.is_dropped:
        return False
    if task.status.is_open:
        return True
    finished = task.completed_on is not None and task.completed_on >= rnd.start
    return finished or _reported(task, rnd, as_of) is not None


def round_status(ledger: Ledger, rnd: Round, as_of: dt.date) -> RoundStatus:
    """Who has answered the round, read from the log alone."""
    by_dep: dict[str, list[Task]] = {}
    for task in ledger.tasks:
        if _round_task(task, rnd, as_of):
            by_dep.setdefault(task.lead, []).append(task)
    states = []
    unreported: list[Task] = []
    for dep, tasks in by_dep.items():
        days = {t.id: _reported(t, rnd, as_of) for t in tasks}
        done = tuple(i for i, d in days.items() if d is not None)
        returned = max((d for d in days.values() if d is not None), default=None)
        states.append(DepartmentState(dep, tuple(t.id for t in tasks), done, returned))
        unreported += [t for t in tasks if days[t.id] is None]
    return RoundStatus(rnd, as_of, tuple(states), tuple(unreported))
