"""What petition cases and `--since` add to a report, as Markdown and JSON: used by the
report's own renderers and by the roll-up, so both show them the same way.

Layout only; ledger text goes through `md_escape` (tables via `markdown.table`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rectify_cli.changes import (
    Changes,
    Event,
    PetitionMove,
    ProgressMove,
    ReadingChange,
    StatusMove,
)
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


def event_record(e: Event, ref: Ref = same) -> dict[str, Any]:
    """One event for scripts: its date and kind, what it concerns, and from → to."""
    head: dict[str, Any] = {"date": e.date.isoformat(), "kind": e.kind}
    if isinstance(e, ReadingChange):
        ind = e.indicator
        return {
            **head,
            "id": ind.id,
            "name": ind.name,
            "from": e.old_value,
            "from_period": e.old_period,
            "to": e.new_value,
            "to_period": e.new_period,
        }
    if isinstance(e, PetitionMove):
        p = e.petition
        return {**head, "id": p.id, "title": p.title, "from": e.old.value, "to": e.new.value}
    t = e.task
    out = {**head, "id": t.id, "ref": ref(t.id), "title": t.title, "lead": t.lead}
    if isinstance(e, StatusMove):
        out.update({"from": e.old.value, "to": e.new.value})
    elif isinstance(e, ProgressMove):
        out.update({"from": e.old, "to": e.new})
    else:
        out.update({"from": _plain(e.old), "to": _plain(e.new)})
    if isinstance(e, StatusMove | ProgressMove):
        out["from_recorded"] = e.since_date.isoformat()
    return out


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def changes_record(changes: Changes, ref: Ref = same) -> dict[str, Any]:
    """The changes for scripts: every event in date order, each with the date of the record
    that proves it, then the tasks now overdue and now behind."""

    def task(t: Any) -> dict[str, Any]:
        return {"id": t.id, "ref": ref(t.id), "title": t.title, "lead": t.lead}

    return {
        "since": changes.since.isoformat(),
        "as_of": changes.as_of.isoformat(),
        "events": [event_record(e, ref) for e in changes.events],
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
