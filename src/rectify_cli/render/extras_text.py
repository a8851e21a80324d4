"""What petition cases and `--since` add to a report, as Markdown and JSON: used by the
report's own renderers and by the roll-up, so both show them the same way.

Layout only; ledger text goes through `md_escape` (tables via `markdown.table`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rectify_cli.changes import Changes
from rectify_cli.i18n import Lang, label
from rectify_cli.petitions import PetitionCounts, PetitionReport
from rectify_cli.report import Report

from .markdown import table
from .rollup_common import (
    Ref,
    breakdown_cells,
    breakdown_columns,
    change_sections,
    changes_none,
    changes_title,
    changes_window,
    same,
)
from .text import md_escape
from .warn_text import counts_text


def petitions_section(report: PetitionReport, lang: Lang, level: int = 2) -> list[str]:
    """The itemised petition table of a report (the sentence sits under the headline)."""
    if not report.itemised:
        return []
    out = [f"{'#' * level} {label('pet.section', lang)}", ""]
    body = [breakdown_cells(row, report, lang) for row in report.categories]
    out.append(table(breakdown_columns(report, lang), body))
    if any(report.warnings.values()):
        counts = counts_text(report.warnings, lang, skip_zero=True)
        out += [label("pet.warn_line", lang, counts=counts), ""]
    return out


def petition_counts_record(c: PetitionCounts) -> dict[str, Any]:
    return {
        "total": c.total,
        "closed": c.closed,
        "stage_closed": c.stage_closed,
        "closed_or_stage_closed": c.done,
        "handling": c.handling,
    }


def petition_report_record(report: PetitionReport) -> dict[str, Any]:
    return {
        "headline": report.headline,
        **petition_counts_record(report.counts),
        "itemised": report.itemised,
        "by_category": [
            {
                "category": row.category.value if row.category else None,
                "total": row.total,
                "findings": {(f.value if f else "unverified"): n for f, n in row.findings.items()},
                "statuses": {h.value: n for h, n in row.statuses.items()},
            }
            for row in report.categories
        ],
        "warnings": {lv.value: n for lv, n in report.warnings.items()},
    }


# --------------------------------------------------------------------------- changes


def changes_markdown(changes: Changes, lang: Lang, *, level: int = 2, ref: Ref = same) -> str:
    out = [f"{'#' * level} {changes_title(changes, lang)}", "", changes_window(changes, lang), ""]
    sections = change_sections(changes, lang, ref)
    if not sections:
        out += [changes_none(changes, lang), ""]
    for s in sections:
        out += [f"{'#' * (level + 1)} {s.title}", "", table(s.header, s.rows)]
    return "\n".join(out).rstrip("\n") + "\n"


def changes_record(changes: Changes, ref: Ref = same) -> dict[str, Any]:
    """The changes for scripts: each item with the date of the record that proves it."""

    def task(t: Any) -> dict[str, Any]:
        return {"id": t.id, "ref": ref(t.id), "title": t.title, "lead": t.lead}

    def moves(items: Iterable[Any]) -> list[dict[str, Any]]:
        return [
            {
                **task(m.task),
                "from": m.old.value,
                "to": m.new.value,
                "date": m.date.isoformat(),
                "from_recorded": m.since_date.isoformat(),
            }
            for m in items
        ]

    return {
        "since": changes.since.isoformat(),
        "as_of": changes.as_of.isoformat(),
        "completed": moves(changes.completed),
        "signed_off": moves(changes.signed_off),
        "reopened": moves(changes.reopened),
        "progress": [
            {
                **task(m.task),
                "from": m.old,
                "to": m.new,
                "date": m.date.isoformat(),
                "from_recorded": m.since_date.isoformat(),
            }
            for m in changes.progress
        ],
        "overdue": [
            {
                **task(m.task),
                "deadline": m.deadline.isoformat(),
                "days_overdue": m.days_overdue,
                "progress": m.task.progress,
            }
            for m in changes.overdue
        ],
        "behind": [
            {
                **task(m.task),
                "deadline": m.deadline.isoformat(),
                "expected_progress": None if m.expected is None else round(m.expected, 1),
                "progress": m.task.progress,
            }
            for m in changes.behind
        ],
        "readings": [
            {
                "id": r.indicator.id,
                "name": r.indicator.name,
                "from": r.old_value,
                "from_period": r.old_period,
                "to": r.new_value,
                "to_period": r.new_period,
                "recorded": r.date.isoformat(),
            }
            for r in changes.readings
        ],
        "petitions": [
            {
                "id": m.petition.id,
                "title": m.petition.title,
                "from": m.old.value,
                "to": m.new.value,
                "date": m.date.isoformat(),
            }
            for m in changes.petitions
        ],
    }


# --------------------------------------------------------------------------- report


def report_extras_markdown(report: Report, *, ref: Ref = same) -> tuple[list[str], list[str]]:
    """(lines under the headline, sections before the charts) that petitions and `--since`
    add to a report; both empty for a report without them."""
    lang = report.lang
    head: list[str] = []
    tail: list[str] = []
    if report.petitions is not None:
        head = [f"**{md_escape(report.petitions.headline)}**", ""]
        tail += petitions_section(report.petitions, lang)
    if report.changes is not None:
        tail += [changes_markdown(report.changes, lang, level=2, ref=ref)]
    return head, tail


def report_extras_record(report: Report, *, ref: Ref = same) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if report.petitions is not None:
        out["petitions"] = petition_report_record(report.petitions)
    if report.changes is not None:
        out["changes"] = changes_record(report.changes, ref)
    return out
