"""Markdown, JSON and CSV for roll-ups over several ledgers, petition cases, and the changes
since a date.

Layout only: numbers and sentences come from the core (`rollup`, `petitions`, `changes`);
ledger text goes through `md_escape` (tables via `markdown.table`) and `csv_safe`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rectify_cli.changes import OF_TASK
from rectify_cli.i18n import Lang, label
from rectify_cli.petitions import PetitionRow, PetitionWarning
from rectify_cli.records import Task
from rectify_cli.report import Report
from rectify_cli.rollup import LedgerChanges, LedgerWarnings, RollUp, total_counts
from rectify_cli.warn import WarnResult

from .data import csv_text, to_json
from .extras_text import (
    changes_markdown,
    changes_record,
    petition_counts_record,
    report_extras_record,
)
from .markdown import table
from .report_json import counts_record, report_record
from .report_md import mermaid_text, report_markdown
from .rollup_common import (
    PETITION_COLUMNS,
    PETITION_WARN_COLUMNS,
    ROLLUP_COLUMNS,
    Ref,
    petition_cells,
    petition_warning_cells,
    rollup_cells,
    rollup_total,
)
from .text import md_escape
from .warn_text import (
    WARN_COLUMNS,
    WARN_CSV_FIELDS,
    counts_by_level,
    counts_text,
    group_heading,
    reasons_text,
    warn_record,
    warning_columns,
    warning_record,
)

_HEADING = re.compile(r"^(#{1,5}) ", re.M)


def demote(markdown: str) -> str:
    """Every heading one level down, so a ledger's report nests under the roll-up.  Ledger
    text never starts a line with `#` (md_escape escapes it), so only headings move."""
    return _HEADING.sub(r"#\1 ", markdown)


def text_bar(percent: float, width: int = 10) -> str:
    """The completion bar as characters, for Markdown (the terminal draws it in colour)."""
    filled = max(0, min(width, round(percent / 100 * width)))
    return "█" * filled + "░" * (width - filled)


def qualified_result(result: WarnResult, ref: Ref) -> WarnResult:
    """The warnings with their tasks' ids as `ref` writes them (display copies)."""
    out = []
    for w in result.warnings:
        shown = ref(w.task.id)
        if shown != w.task.id:
            w = w._replace(task=w.task._replace(id=shown))
        out.append(w)
    return dataclasses.replace(result, warnings=tuple(out))


def qualified(report: Report, ref: Ref) -> Report:
    """The report with its tasks' ids as `ref` writes them (qualified where two ledgers
    share the id), for display: copies, the ledger's own tasks are untouched."""
    memo: dict[str, Task] = {}

    def task(t: Task) -> Task:
        shown = ref(t.id)
        if shown == t.id:
            return t
        if t.id not in memo:
            memo[t.id] = t._replace(id=shown)
        return memo[t.id]

    rows = tuple(r._replace(task=task(r.task)) for r in report.open_tasks)
    changes = report.changes
    if changes is not None:
        c = changes
        changes = dataclasses.replace(
            c,
            events=tuple(
                dataclasses.replace(e, task=task(e.task)) if isinstance(e, OF_TASK) else e
                for e in c.events
            ),
            overdue=tuple(dataclasses.replace(m, task=task(m.task)) for m in c.overdue),
            behind=tuple(dataclasses.replace(m, task=task(m.task)) for m in c.behind),
        )
    return dataclasses.replace(report, open_tasks=rows, changes=changes)


# --------------------------------------------------------------------------- petitions


def petitions_table(rows: Sequence[PetitionRow], lang: Lang, *, ledger_column: bool = False) -> str:
    if not rows:
        return label("pet.empty", lang) + "\n"
    header = [label(c, lang) for c in PETITION_COLUMNS]
    body = [petition_cells(r, lang) for r in rows]
    if ledger_column:
        header = [label("ledger", lang), *header]
        body = [[r.ledger, *cells] for r, cells in zip(rows, body, strict=True)]
    return table(header, body)


def petition_record(row: PetitionRow, *, ledger: bool = False) -> dict[str, Any]:
    """A case as JSON: the file's own keys, then what rectify computes."""
    record = row.petition.model_dump(mode="json")
    record["days_left"] = row.days_left
    record["overdue"] = row.overdue
    if ledger:
        record["ledger"] = row.ledger
    return record


def petitions_json(rows: Iterable[PetitionRow], *, ledger: bool = False) -> str:
    return to_json([petition_record(r, ledger=ledger) for r in rows])


PETITION_CSV_FIELDS = (
    "id",
    "received",
    "batch",
    "area",
    "category",
    "title",
    "lead",
    "finding",
    "status",
    "deadline",
    "closed_on",
    "days_left",
    "overdue",
    "notes",
)


def petitions_csv(rows: Iterable[PetitionRow], *, ledger: bool = False) -> str:
    fields = ("ledger", *PETITION_CSV_FIELDS) if ledger else PETITION_CSV_FIELDS
    records = []
    for r in rows:
        rec = petition_record(r, ledger=True)
        records.append([rec.get(f) for f in fields])
    return csv_text(fields, records)


# --------------------------------------------------------------------------- changes


def changes_many_markdown(found: Sequence[LedgerChanges], lang: Lang, refs: RefsOf) -> str:
    """`rectify changes` over one ledger (its section alone) or several (one each)."""
    if len(found) == 1:
        return changes_markdown(found[0].changes, lang, level=1, ref=refs(found[0].name))
    parts = []
    for lc in found:
        title = label("rollup.ledger_title", lang, name=lc.name, title=lc.title)
        parts += [f"# {md_escape(title)}", ""]
        parts.append(changes_markdown(lc.changes, lang, level=2, ref=refs(lc.name)))
    return "\n".join(parts).rstrip("\n") + "\n"


def changes_many_json(found: Sequence[LedgerChanges], refs: RefsOf, *, multi: bool) -> str:
    if not multi:
        return to_json(changes_record(found[0].changes, refs(found[0].name)))
    return to_json(
        [{"ledger": lc.name, **changes_record(lc.changes, refs(lc.name))} for lc in found]
    )


RefsOf = Callable[[str], Ref]  # a ledger's name → its id writer


# --------------------------------------------------------------------------- roll-up


def rollup_markdown(rollup: RollUp, refs: RefsOf, *, charts: bool = False) -> str:
    lang = rollup.lang
    out = [f"# {md_escape(rollup.title)}", ""]
    out += [rollup.dates_line, ""]
    out += [f"**{md_escape(rollup.headline)}**", ""]
    if rollup.petitions_headline:
        out += [f"**{md_escape(rollup.petitions_headline)}**", ""]
    out += [f"## {label('rollup.section', lang)}", ""]
    body = [_with_bar(rollup_cells(line), line.counts.completion) for line in rollup.lines]
    if len(rollup.lines) > 1:
        body.append(_with_bar(rollup_total(rollup), rollup.counts.completion))
    out.append(table([label(c, lang) for c in ROLLUP_COLUMNS], body))
    if rollup.failed:
        names = label("warn.list_sep", lang).join(rollup.failed)
        out += [label("rollup.failed", lang, names=md_escape(names)), ""]
    if charts and rollup.lines:
        names = ", ".join(f'"{mermaid_text(line.name)}"' for line in rollup.lines)
        values = ", ".join(str(line.counts.completion_percent) for line in rollup.lines)
        completion = label("report.col.completion", lang)
        out += [
            "```mermaid",
            "xychart-beta",
            f'    title "{mermaid_text(label("report.chart.completion", lang))}"',
            f"    x-axis [{names}]",
            f'    y-axis "{mermaid_text(completion)}" 0 --> 100',
            f"    bar [{values}]",
            "```",
            "",
        ]
    for line, report in zip(rollup.lines, rollup.reports, strict=False):
        out += [demote(report_markdown(qualified(report, refs(line.name)), charts=charts))]
    return "\n".join(out).rstrip("\n") + "\n"


def _with_bar(cells: list[str], completion: float) -> list[str]:
    return [*cells[:-1], f"{text_bar(completion)} {cells[-1]}"]


def rollup_json(rollup: RollUp, refs: RefsOf) -> str:
    return to_json(
        {
            "title": rollup.title,
            "as_of": rollup.as_of.isoformat(),
            "data_as_of": rollup.data_as_of.isoformat() if rollup.data_as_of else None,
            "lang": rollup.lang,
            "headline": rollup.headline,
            "counts": counts_record(rollup.counts),
            "ledgers": [
                {
                    "name": line.name,
                    "title": line.title,
                    "counts": counts_record(line.counts),
                    "petitions": (
                        petition_counts_record(line.petitions) if line.petitions else None
                    ),
                }
                for line in rollup.lines
            ],
            "failed": list(rollup.failed),
            "petitions": (
                {"headline": rollup.petitions_headline, **petition_counts_record(rollup.petitions)}
                if rollup.petitions is not None
                else None
            ),
            "reports": [
                {
                    "ledger": line.name,
                    **report_record(report),
                    **report_extras_record(report, ref=refs(line.name)),
                }
                for line, report in zip(rollup.lines, rollup.reports, strict=False)
            ],
        }
    )


# --------------------------------------------------------------------------- warn


def warn_summary(found: Sequence[LedgerWarnings], lang: Lang, as_of: str) -> str:
    total = sum(lw.total for lw in found)
    if not total:
        return label("warn.none_as_of", lang, date=as_of)
    levels = found[0].result.levels if found else None
    counts = {lv: n for lv, n in total_counts(found).items() if levels is None or lv in levels}
    return label(
        "warn.summary_line", lang, date=as_of, total=total, parts=counts_text(counts, lang)
    )


def petition_warnings_markdown(warnings: Sequence[PetitionWarning], lang: Lang, level: int) -> str:
    header = [label(c, lang) for c in PETITION_WARN_COLUMNS]
    body = [petition_warning_cells(w, lang) for w in warnings]
    return f"{'#' * level} {label('pet.warnings', lang)}\n\n" + table(header, body)


def warn_many_markdown(
    found: Sequence[LedgerWarnings], lang: Lang, *, multi: bool, refs: RefsOf
) -> str:
    """Task warnings by lead department as `rectify warn` shows them, then the open petition
    cases past or near their deadline; with several ledgers, one section each."""
    as_of = found[0].result.as_of.isoformat() if found else ""
    parts = [warn_summary(found, lang, as_of)]
    for lw in found:
        if multi:
            if not lw.total:
                continue
            counts = counts_text(lw.counts, lang, skip_zero=True)
            heading = label("warn.group", lang, lead=md_escape(lw.name), parts=counts)
            parts += ["", f"## {heading}"]
        # As `warn_markdown` lays out one ledger (its summary line replaced by the one above,
        # petitions counted), with ids as `ref` writes them.
        ref = refs(lw.name)
        level = "###" if multi else "##"
        header = [label(c, lang) for c in WARN_COLUMNS]
        at = WARN_COLUMNS.index("id")
        for group in lw.result.groups:
            parts += ["", f"{level} {group_heading(group, lang, markdown=True)}", ""]
            columns = warning_columns(group.warnings, lang, markdown=True)
            body = [list(r) for r in zip(*columns, strict=True)]
            for w, cells in zip(group.warnings, body, strict=True):
                cells[at] = md_escape(ref(w.task.id))
            parts.append(table(header, body, escaped=True).rstrip("\n"))
        if lw.petitions:
            parts += ["", petition_warnings_markdown(lw.petitions, lang, 3 if multi else 2)]
    return "\n".join(parts).rstrip("\n") + "\n"


def ledger_warn_record(lw: LedgerWarnings, ref: Ref | None = None) -> dict[str, Any]:
    return warn_record(lw.result, lw.petitions, ref)


def warn_many_json(found: Sequence[LedgerWarnings], *, multi: bool, refs: RefsOf) -> str:
    if not multi:
        return to_json(ledger_warn_record(found[0]))
    counts = total_counts(found)
    return to_json(
        {
            "as_of": found[0].result.as_of.isoformat() if found else None,
            "total": sum(lw.total for lw in found),
            "counts": counts_by_level(counts),
            "ledgers": [
                {"ledger": lw.name, **ledger_warn_record(lw, refs(lw.name))} for lw in found
            ],
        }
    )


def warn_many_csv(found: Sequence[LedgerWarnings], lang: Lang, *, multi: bool, refs: RefsOf) -> str:
    """`rectify warn --format csv` rows, then one row per petition warning (`kind` says
    which); with several ledgers a `ledger` column first."""
    fields = (*(("ledger",) if multi else ()), *WARN_CSV_FIELDS, "kind")
    records = []
    for lw in found:
        for g in lw.result.groups:
            for w in g.warnings:
                rec = warning_record(w)
                rec["id"] = refs(lw.name)(w.task.id)
                rec["reasons"] = [f.reason.value for f in w.findings]
                rec["reason_text"] = reasons_text(w, lang)
                rec["ledger"] = lw.name
                rec["kind"] = "task"
                records.append([rec.get(f) for f in fields])
        for pw in lw.petitions:
            p = pw.petition
            rec = {
                "ledger": lw.name,
                "lead": p.lead,
                "level": pw.level.value,
                "id": p.id,
                "title": p.title,
                "deadline": p.deadline.isoformat() if p.deadline else None,
                "days_left": (p.deadline - lw.result.as_of).days if p.deadline else None,
                "status": p.status.value,
                "reasons": [pw.finding.reason.value],
                "reason_text": petition_warning_cells(pw, lang)[-1],
                "kind": "petition",
            }
            records.append([rec.get(f) for f in fields])
    return csv_text(fields, records)
