"""The progress report for scripts: `rectify report --format json`.

Keys are a contract: stable names in a fixed order, English keys and enum values, numbers
as numbers; the texts the other formats print sit beside them under `*_text` keys.
"""

from __future__ import annotations

from typing import Any

from rectify_cli.query import TaskRow
from rectify_cli.records import LogEntry
from rectify_cli.report import Counts, IndicatorRow, LeadRow, Report

from .data import task_record, to_json
from .extras_text import report_extras_record


def counts_record(c: Counts) -> dict[str, Any]:
    return {
        "tasks": c.tasks,
        "completed": c.completed,
        "signed_off": c.signed_off,
        "on_schedule": c.on_schedule,
        "behind": c.behind,
        "overdue": c.overdue,
        "postponed": c.postponed,
        "cancelled": c.cancelled,
        "merged": c.merged,
        "completion": round(c.completion, 1),
    }


def _lead(row: LeadRow) -> dict[str, Any]:
    return {
        "lead": row.lead,
        **counts_record(row.counts),
        "warnings": {level.value: n for level, n in row.warnings.items()},
    }


def _open_task(row: TaskRow, latest: LogEntry | None) -> dict[str, Any]:
    """A task as in `list --format json`, with its latest progress note (最新进展) or null."""
    note = None if latest is None else {"date": latest.date.isoformat(), "note": latest.note}
    return {**task_record(row), "latest_progress": note}


def _indicator(row: IndicatorRow) -> dict[str, Any]:
    ind, proven = row.indicator, row.proven
    return {
        "id": ind.id,
        "name": row.name,
        "group": ind.group,
        "unit": ind.unit,
        "better": ind.better.value,
        "value": ind.value,
        "value_bound": ind.value_bound,
        "value_text": row.value,
        "period": ind.period,
        "target": ind.target,
        "target_met": row.target_met,
        "target_text": row.target_status,
        "change": ind.change,
        "change_unit": ind.change_unit.value,
        "change_bound": ind.change_bound,
        "change_basis": ind.change_basis,
        "direction": row.direction.value if row.direction is not None else None,
        # Worked out from `value` and `baseline` when no change is published: signed as
        # `change` is, in `proven_change_unit`; bound "above" when it is at least that much.
        "proven_change": proven.signed if proven is not None else None,
        "proven_change_unit": proven.unit.value if proven is not None else None,
        "proven_change_bound": ("above" if proven.at_least else None) if proven else None,
        "change_text": row.change,
        "rank": ind.rank,
        "change_rank": ind.change_rank,
        "rank_note": ind.rank_note,
    }


def report_record(report: Report) -> dict[str, Any]:
    return {
        "title": report.ledger_title,
        "issued_by": report.issued_by,
        "as_of": report.as_of.isoformat(),
        # The day the figures are current to (数据截至), when the records say.
        "data_as_of": report.data_as_of.isoformat() if report.data_as_of else None,
        "lang": report.lang,
        "aspect": report.aspect.id if report.aspect is not None else None,
        "headline": report.headline,
        "counts": counts_record(report.counts),
        "aspects": [
            {"id": r.aspect.id, "name": r.aspect.name, **counts_record(r.counts)}
            for r in report.aspects
        ],
        "leads": [_lead(r) for r in report.leads],
        "open_tasks": [_open_task(r, report.latest.get(r.task.id)) for r in report.open_tasks],
        "indicators": [_indicator(r) for r in report.indicators],
        "warnings": {level.value: n for level, n in report.warnings.items()},
        # null when the ledger has no petitions.toml / without --since (issue 9)
        "petitions": None,
        "changes": None,
        **report_extras_record(report),
    }


def report_json(report: Report) -> str:
    return to_json(report_record(report))
