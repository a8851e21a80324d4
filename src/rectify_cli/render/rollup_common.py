"""Plain cells of the roll-up, petition and changes tables, shared by Markdown and the
terminal so they show the same columns with the same words.  Unescaped: each renderer
escapes for its medium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from rectify_cli.changes import (
    Changes,
    Event,
    PetitionMove,
    ProgressMove,
    ReadingChange,
    StatusMove,
)
from rectify_cli.i18n import Lang, label, status_label
from rectify_cli.indicators import display_name, with_unit
from rectify_cli.kinds import Category, Finding, Handling
from rectify_cli.petitions import CategoryRow, PetitionReport, PetitionRow, PetitionWarning
from rectify_cli.rollup import LedgerLine, RollUp
from rectify_cli.textfmt import number_text

from .common import deadline_text, progress_text
from .report_common import COUNT_COLUMNS, count_cells
from .warn_text import level_text, percent, reason_text

Ref = Callable[[str], str]  # a task id → the id as shown (qualified where shared)


def same(task_id: str) -> str:
    return task_id


def category_text(c: Category, lang: Lang) -> str:
    return label(f"category.{c.value}", lang)


def finding_text(f: Finding | None, lang: Lang) -> str:
    return label(f"finding.{f.value}", lang) if f is not None else label("pet.unverified", lang)


def handling_text(h: Handling, lang: Lang) -> str:
    return label(f"handling.{h.value}", lang)


# --------------------------------------------------------------------------- roll-up

ROLLUP_COLUMNS = ("ledger", *COUNT_COLUMNS)


def rollup_cells(line: LedgerLine) -> list[str]:
    return [line.name, *count_cells(line.counts)]


def rollup_total(rollup: RollUp) -> list[str]:
    return [label("report.total", rollup.lang), *count_cells(rollup.counts)]


# --------------------------------------------------------------------------- petitions

PETITION_COLUMNS = (
    "pet.id",
    "pet.received",
    "pet.batch",
    "pet.area",
    "pet.category",
    "pet.title",
    "pet.lead",
    "pet.finding",
    "pet.status",
    "pet.deadline",
)


def petition_cells(row: PetitionRow, lang: Lang) -> list[str]:
    p = row.petition
    return [
        p.id,
        p.received.isoformat(),
        p.batch or "",
        p.area or "",
        category_text(p.category, lang),
        p.title,
        p.lead or "",
        finding_text(p.finding, lang),
        handling_text(p.status, lang),
        p.deadline.isoformat() if p.deadline else "—",
    ]


def breakdown_columns(report: PetitionReport, lang: Lang) -> list[str]:
    findings: list[Finding | None] = [*Finding]
    if report.unverified:
        findings.append(None)
    return [
        label("pet.category", lang),
        label("pet.count", lang),
        *(finding_text(f, lang) for f in findings),
        *(handling_text(h, lang) for h in Handling),
    ]


def breakdown_cells(row: CategoryRow, report: PetitionReport, lang: Lang) -> list[str]:
    findings: list[Finding | None] = [*Finding]
    if report.unverified:
        findings.append(None)
    name = category_text(row.category, lang) if row.category else label("report.total", lang)
    return [
        name,
        str(row.total),
        *(str(row.findings[f]) for f in findings),
        *(str(row.statuses[h]) for h in Handling),
    ]


PETITION_WARN_COLUMNS = (
    "warn.level",
    "pet.id",
    "pet.title",
    "pet.area",
    "pet.lead",
    "pet.deadline",
    "warn.reasons",
)


def petition_warning_cells(w: PetitionWarning, lang: Lang) -> list[str]:
    p = w.petition
    return [
        level_text(w.level, lang),
        p.id,
        p.title,
        p.area or "",
        p.lead or "",
        p.deadline.isoformat() if p.deadline else "—",
        reason_text(w.finding, lang),
    ]


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class Section:
    """One kind of change as a table: heading (with its count), header, rows."""

    key: str
    title: str
    header: list[str]
    rows: list[list[str]]


def _h(keys: tuple[str, ...], lang: Lang) -> list[str]:
    return [label(k, lang) for k in keys]


def change_sections(changes: Changes, lang: Lang, ref: Ref = same) -> list[Section]:
    """The window's events as one table in date order, then the tasks now overdue and now
    behind (states on the as-of date); the empty ones left out."""
    out: list[Section] = []

    def add(key: str, header: list[str], rows: list[list[str]]) -> None:
        if rows:
            title = label("changes.count", lang, title=label(f"changes.{key}", lang), n=len(rows))
            out.append(Section(key, title, header, rows))

    add(
        "events",
        _h(("date", "id", "changes.item", "lead", "changes.event", "changes.change"), lang),
        [event_cells(e, lang, ref) for e in changes.events],
    )
    add(
        "overdue",
        _h(("id", "title", "lead", "deadline", "changes.days_overdue"), lang),
        [
            [ref(m.task.id), m.task.title, m.task.lead, m.deadline.isoformat(), str(m.days_overdue)]
            for m in changes.overdue
        ],
    )
    add(
        "behind",
        _h(("id", "title", "lead", "deadline", "changes.expected", "progress"), lang),
        [
            [
                ref(m.task.id),
                m.task.title,
                m.task.lead,
                deadline_text(m.task, lang),
                f"{percent(m.expected or 0.0)}%",
                progress_text(m.task),
            ]
            for m in changes.behind
        ],
    )
    return out


def event_cells(e: Event, lang: Lang, ref: Ref = same) -> list[str]:
    """date, id, what it concerns, who leads it, the kind of event, and what changed."""

    def move(old: str, new: str) -> str:
        return label("changes.move", lang, old=old, new=new)

    kind = label(f"changes.kind.{e.kind}", lang)
    day = e.date.isoformat()
    if isinstance(e, ReadingChange):
        ind, unit = e.indicator, e.indicator.unit
        old = _reading(e.old_value, e.old_period, unit, lang)
        change = move(old, _reading(e.new_value, e.new_period, unit, lang))
        return [day, ind.id, display_name(ind, lang), "", kind, change]
    if isinstance(e, PetitionMove):
        p = e.petition
        change = move(handling_text(e.old, lang), handling_text(e.new, lang))
        return [day, p.id, p.title, p.lead or p.area or "", kind, change]
    t = e.task
    if isinstance(e, StatusMove):
        change = move(status_label(e.old, lang), status_label(e.new, lang))
        if e.kind == "merged" and t.merged_into:
            change += label("changes.into", lang, into=ref(t.merged_into))
    elif isinstance(e, ProgressMove):
        change = move(_pct(e.old), _pct(e.new))
    elif e.kind == "postponed":
        change = move(_day(e.old), _day(e.new))
    else:
        change = "" if e.new is None else str(e.new)
    return [day, ref(t.id), t.title, t.lead, kind, change]


def changes_title(changes: Changes, lang: Lang) -> str:
    return label("changes.title", lang, since=changes.since.isoformat())


def changes_window(changes: Changes, lang: Lang) -> str:
    return label(
        "changes.window", lang, since=changes.since.isoformat(), as_of=changes.as_of.isoformat()
    )


def changes_none(changes: Changes, lang: Lang) -> str:
    return label("changes.none", lang, since=changes.since.isoformat())


def _day(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


def _pct(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def _reading(value: float | None, period: str | None, unit: str, lang: Lang) -> str:
    if value is None:
        return "—"
    text = with_unit(number_text(value), unit)
    return label("changes.reading", lang, value=text, period=period) if period else text
