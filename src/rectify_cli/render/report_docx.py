"""The progress report as a Word document: `rectify report --format docx --out FILE`.

The Markdown report's content in an official document's layout (`word.py`); every number,
sentence and cell comes from the `Report` and `report_common`, so Word, Markdown, HTML and
the terminal say the same thing.
"""

from __future__ import annotations

from rectify_cli.i18n import label
from rectify_cli.report import Report

from . import word
from .report_common import (
    ASPECT_COLUMNS,
    INDICATOR_COLUMNS,
    OPEN_COLUMNS,
    WARNING_COLUMNS,
    aspect_cells,
    headers,
    indicator_cells,
    open_cells,
    subtitle,
    total_cells,
    warning_rows,
)

_COUNT_COLUMNS = frozenset(ASPECT_COLUMNS[1:])


def report_docx(report: Report) -> bytes:
    lang = report.lang
    office = report.issued_by or label("notice.office_default", lang)
    doc = word.new_document(report.title, report.issued_by, report.as_of)
    word.head(doc, office, report.as_of, lang)
    word.title(doc, report.title)
    for line in subtitle(report):
        word.paragraph(doc, line, align="center", size=12)
    word.paragraph(doc, "", space_after=6)
    word.paragraph(doc, report.headline, indent=True, bold=True, space_after=6)

    word.heading(doc, label("report.aspects", lang))
    body = [aspect_cells(r) for r in report.aspects]
    total = total_cells(report)
    if total is not None:
        body.append(total)
    word.table(
        doc,
        headers(ASPECT_COLUMNS, lang),
        body,
        numeric=[c in _COUNT_COLUMNS for c in ASPECT_COLUMNS],
        bold_last=total is not None,
    )

    word.heading(doc, label("report.open", lang))
    if report.open_tasks:
        body = [open_cells(r, lang) for r in report.open_tasks]
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

    word.signature(doc, office, report.date_text)
    return word.to_bytes(doc)
