"""The progress report as a Word document: `rectify report --format docx --out FILE`.

The Markdown report's content in an official document's layout (`word.py`); every number,
sentence and cell comes from the `Report`, `report_common` and (petition cases, `--since`)
`rollup_common`, so Word, Markdown, HTML and the terminal say the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rectify_cli.changes import Changes
from rectify_cli.i18n import Lang, label
from rectify_cli.petitions import PetitionReport
from rectify_cli.report import Report

from . import word
from .report_common import (
    INDICATOR_COLUMNS,
    NUMERIC_COLUMNS,
    OPEN_COLUMNS,
    WARNING_COLUMNS,
    count_tables,
    headers,
    indicator_cells,
    open_body,
    subtitle,
    warning_rows,
)
from .rollup_common import (
    breakdown_cells,
    breakdown_columns,
    change_sections,
    changes_none,
    changes_title,
    changes_window,
)
from .warn_text import counts_text

if TYPE_CHECKING:
    from docx.document import Document


def report_docx(report: Report) -> bytes:
    office = report.issued_by or label("notice.office_default", report.lang)
    doc = word.new_document(report.title, report.issued_by, report.as_of)
    word.head(doc, office, report.as_of, report.lang)
    report_body(doc, report)
    word.signature(doc, office, report.date_text)
    return word.to_bytes(doc)


def report_body(doc: Document, report: Report) -> None:
    """The report under the document's head: its title, dates and headline, then its
    sections (a roll-up writes each ledger's report with this, on a page of its own)."""
    lang = report.lang
    word.title(doc, report.title)
    for line in subtitle(report):
        word.paragraph(doc, line, align="center", size=12)
    word.paragraph(doc, "", space_after=6)
    word.paragraph(doc, report.headline, indent=True, bold=True, space_after=6)
    if report.petitions is not None:
        # The notice's petition sentence under the task headline, as in Markdown.
        word.paragraph(doc, report.petitions.headline, indent=True, bold=True, space_after=6)

    for t in count_tables(report):
        word.heading(doc, label(t.heading, lang))
        word.table(
            doc,
            headers(t.columns, lang),
            t.rows,
            numeric=[c in NUMERIC_COLUMNS for c in t.columns],
            bold_last=t.has_total,
        )

    word.heading(doc, label("report.open", lang))
    if report.open_tasks:
        body = open_body(report)
        word.table(doc, headers(OPEN_COLUMNS, lang), body)
    else:
        word.paragraph(doc, label("report.open_none", lang), indent=True)

    word.heading(doc, label("report.indicators", lang))
    if report.indicators:
        body = [indicator_cells(r) for r in report.indicators]
        word.table(doc, headers(INDICATOR_COLUMNS, lang), body)
    else:
        word.paragraph(doc, label("report.indicators_none", lang), indent=True)

    word.heading(doc, label("warn.summary", lang))
    if any(report.warnings.values()):
        body = [[name, str(n)] for name, n in warning_rows(report)]
        word.table(doc, headers(WARNING_COLUMNS, lang), body, numeric=[False, True])
    else:
        word.paragraph(doc, label("warn.none", lang), indent=True)

    if report.petitions is not None:
        _petitions(doc, report.petitions, lang)
    if report.changes is not None:
        _changes(doc, report.changes, lang)


def _petitions(doc: Document, report: PetitionReport, lang: Lang) -> None:
    """Itemised cases by category, finding and status (the sentence is under the headline)."""
    if not report.itemised:
        return
    word.heading(doc, label("pet.section", lang))
    header = breakdown_columns(report, lang)
    body = [breakdown_cells(row, report, lang) for row in report.categories]
    # The breakdown's last row is its total line (`petitions.breakdown` puts it there).
    word.table(doc, header, body, numeric=[False] + [True] * (len(header) - 1), bold_last=True)
    if any(report.warnings.values()):
        counts = counts_text(report.warnings, lang, skip_zero=True)
        word.paragraph(doc, label("pet.warn_line", lang, counts=counts), indent=True)


def _changes(doc: Document, changes: Changes, lang: Lang) -> None:
    """What the records prove changed since `--since`, one table per kind of change."""
    word.heading(doc, changes_title(changes, lang))
    word.paragraph(doc, changes_window(changes, lang), indent=True, space_after=4)
    sections = change_sections(changes, lang)
    if not sections:
        word.paragraph(doc, changes_none(changes, lang), indent=True)
    for s in sections:
        sub = word.paragraph(doc, s.title, fonts=word.HEADING, size=14, space_after=4)
        sub.paragraph_format.keep_with_next = True
        word.table(doc, s.header, s.rows)
