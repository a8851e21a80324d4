"""The words of a warning notice (预警督办单), built once for every medium: a `NoticePage`
(addressee, head fields, intro, one table of tasks and one of petition cases, the reply
sentence) that Markdown (here), Word (`notice_docx`) and HTML (`notice_html`) lay out.

A table knows which of its columns hold tokens that must never break across lines (ids,
dates, percentages, levels) and which column takes the rest of the width (the title), so
every medium sizes its columns by the same rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rectify_cli.i18n import Lang, label
from rectify_cli.records import LedgerMeta, Task
from rectify_cli.report import long_date
from rectify_cli.schedule import Reason, TaskWarning
from rectify_cli.warn import Notice, WarnResult, notices

from .common import deadline_text, progress_text
from .markdown import table
from .text import md_escape
from .warn_text import action_text, level_text, reason_text, reasons_text, summary_line

if TYPE_CHECKING:
    from rectify_cli.petitions import PetitionWarning

Esc = Callable[[str], str]

# (label key, never broken): a task's columns, then a petition case's.
TASK_COLUMNS = (
    ("id", True),
    ("title", False),
    ("deadline", True),
    ("progress", True),
    ("warn.level", True),
    ("warn.reasons", False),
    ("warn.action", False),
)
CASE_COLUMNS = (
    ("pet.id", True),
    ("pet.title", False),
    ("pet.area", True),
    ("pet.deadline", True),
    ("warn.level", True),
    ("warn.reasons", False),
    ("notice.case_action", False),
)
FILL = 1  # the title takes what the other columns leave of the width
RESPONSIBLE = ("leader", "owner", "phone")


@dataclass(frozen=True)
class NoticeTable:
    heading: str  # "" when the notice lists one kind only (tasks, or cases)
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    keep: tuple[bool, ...]  # a column whose cells never break across lines
    fill: int = FILL


@dataclass(frozen=True)
class NoticePage:
    """One notice to one department, its text escaped by the `esc` it was built with."""

    title: str
    lead: str
    office: str
    fields: tuple[tuple[str, str], ...]  # (label, value) of the head
    re: str  # what the notice is about: the ledger's title
    intro: str
    tables: tuple[NoticeTable, ...]
    reply: str
    reply_by: str  # the reply date, written long
    date: str  # the date of issue, written long
    as_of: dt.date  # the date of issue


def responsible_text(task: Task, lang: Lang) -> str:
    """责任领导：张三；责任人：李四；联系电话：138…, the parts the task names."""
    sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
    return sep.join(
        f"{label(k, lang)}{colon}{getattr(task, k)}" for k in RESPONSIBLE if getattr(task, k)
    )


def issuing_office(meta: LedgerMeta, lang: Lang) -> str:
    return meta.issued_by or label("notice.office_default", lang)


def addressee(notice: Notice, lang: Lang) -> str:
    return notice.lead or label("notice.no_lead", lang)


def _task_table(ws: Sequence[TaskWarning], lang: Lang, esc: Esc, heading: str) -> NoticeTable:
    """Who answers for each task goes after its title when any task of the notice names a
    leader, an owner or a phone (a notice without them keeps its shape)."""
    who = any(getattr(w.task, k) for w in ws for k in RESPONSIBLE)
    columns = list(TASK_COLUMNS)
    if who:
        columns.insert(2, ("notice.responsible", False))
    rows = []
    for w in ws:
        extra = [esc(responsible_text(w.task, lang))] if who else []
        rows.append(
            (
                esc(w.task.id),
                esc(w.task.title),
                *extra,
                deadline_text(w.task, lang),
                progress_text(w.task),
                level_text(w.level, lang),
                reasons_text(w, lang),
                action_text(w, lang),
            )
        )
    return NoticeTable(
        heading,
        tuple(label(k, lang) for k, _ in columns),
        tuple(rows),
        tuple(keep for _, keep in columns),
    )


def case_action(w: PetitionWarning, lang: Lang) -> str:
    key = "overdue" if w.finding.reason is Reason.OVERDUE else "due_soon"
    return label(f"action.case_{key}", lang)


def _case_table(ws: Sequence[PetitionWarning], lang: Lang, esc: Esc, heading: str) -> NoticeTable:
    rows = tuple(
        (
            esc(w.petition.id),
            esc(w.petition.title),
            esc(w.petition.area or "—"),
            w.petition.deadline.isoformat() if w.petition.deadline else "—",
            level_text(w.level, lang),
            reason_text(w.finding, lang),
            case_action(w, lang),
        )
        for w in ws
    )
    header = tuple(label(k, lang) for k, _ in CASE_COLUMNS)
    return NoticeTable(heading, header, rows, tuple(keep for _, keep in CASE_COLUMNS))


def notice_page(
    notice: Notice,
    meta: LedgerMeta,
    as_of: dt.date,
    reply_by: dt.date,
    lang: Lang,
    esc: Esc = str,
) -> NoticePage:
    """The notice's words; `esc` escapes the ledger's own text for the medium (md_escape for
    Markdown), the labels are rectify's and stay as written."""
    office = issuing_office(meta, lang)
    date, due = long_date(as_of, lang), long_date(reply_by, lang)
    kinds = "both" if notice.tasks and notice.cases else "cases" if notice.cases else "tasks"
    tables = []
    if notice.tasks:
        heading = label("notice.tasks", lang) if kinds == "both" else ""
        tables.append(_task_table(notice.tasks, lang, esc, heading))
    if notice.cases:
        heading = label("notice.cases", lang) if kinds == "both" else ""
        tables.append(_case_table(notice.cases, lang, esc, heading))
    intro_key, reply_key = {
        "tasks": ("notice.intro", "notice.reply"),
        "cases": ("notice.intro_cases", "notice.reply_cases"),
        "both": ("notice.intro_both", "notice.reply_both"),
    }[kinds]
    counts = {"count": notice.total, "tasks": len(notice.tasks), "cases": len(notice.cases)}
    fields = [("notice.to", addressee(notice, lang))]
    if meta.issued_by:
        fields.append(("notice.from", meta.issued_by))
    fields += [("notice.re", meta.title), ("notice.date", date), ("notice.reply_by", due)]
    return NoticePage(
        title=label("notice.title", lang),
        lead=esc(addressee(notice, lang)),
        office=esc(office),
        fields=tuple((label(k, lang), esc(v)) for k, v in fields),
        re=esc(meta.title),
        intro=label(intro_key, lang, date=date, **counts),
        tables=tuple(tables),
        reply=label(reply_key, lang, date=due, office=esc(office)),
        reply_by=due,
        date=date,
        as_of=as_of,
    )


# --------------------------------------------------------------------------- Markdown


def notice_markdown(page: NoticePage) -> str:
    """One warning notice (预警督办单) to one lead department, built with md_escape."""
    lines = [f"# {page.title}", ""]
    lines += [f"- **{name}**: {value}" for name, value in page.fields]
    lines += ["", page.intro]
    for t in page.tables:
        if t.heading:
            lines += ["", f"## {t.heading}"]
        lines += ["", table(t.header, t.rows, escaped=True).rstrip("\n")]
    lines += ["", page.reply]
    return "\n".join(lines) + "\n"


def pages(
    result: WarnResult,
    cases: Sequence[PetitionWarning],
    meta: LedgerMeta,
    reply_by: dt.date,
    lang: Lang,
    esc: Esc = str,
) -> list[tuple[Notice, NoticePage]]:
    """Each department's notice and its page, the worst first."""
    return [
        (n, notice_page(n, meta, result.as_of, reply_by, lang, esc)) for n in notices(result, cases)
    ]


def notices_markdown(
    result: WarnResult,
    cases: Sequence[PetitionWarning],
    meta: LedgerMeta,
    reply_by: dt.date,
    lang: Lang,
) -> str:
    """Every department's notice, one after another, split by a rule (the blank line before
    it keeps `---` from turning the last paragraph into a heading)."""
    found = pages(result, cases, meta, reply_by, lang, md_escape)
    if not found:
        return summary_line(result, lang) + "\n"
    return "\n---\n\n".join(notice_markdown(p) for _, p in found)
