"""The roll-up over several ledgers as a Word document:
`rectify report --ledger 'counties/*' --format docx --out FILE`.

An official document (`word.py`) from the roll-up's issuing office (`rollup.toml`'s
`issued_by`, else the default wording): the roll-up's title, dates and headline, the roll-up
table, then each ledger's own report on a page of its own, written by the single report's
own builder (`report_docx.report_body`), with ids as the roll-up shows them.
"""

from __future__ import annotations

from rectify_cli.i18n import label
from rectify_cli.rollup import RollUp

from . import word
from .report_common import COUNT_COLUMNS
from .report_docx import report_body
from .rollup_common import ROLLUP_COLUMNS, rollup_cells, rollup_total
from .rollup_text import RefsOf, qualified


def rollup_docx(rollup: RollUp, refs: RefsOf) -> bytes:
    lang = rollup.lang
    office = rollup.issued_by or label("notice.office_default", lang)
    doc = word.new_document(rollup.title, rollup.issued_by, rollup.as_of)
    word.head(doc, office, rollup.as_of, lang)
    word.title(doc, rollup.title)
    word.paragraph(doc, rollup.dates_line, align="center", size=12, space_after=6)
    word.paragraph(doc, rollup.headline, indent=True, bold=True, space_after=6)
    if rollup.petitions_headline:
        word.paragraph(doc, rollup.petitions_headline, indent=True, bold=True, space_after=6)

    word.heading(doc, label("rollup.section", lang))
    body = [rollup_cells(line) for line in rollup.lines]
    several = len(rollup.lines) > 1
    if several:
        body.append(rollup_total(rollup))
    header = [label(c, lang) for c in ROLLUP_COLUMNS]
    numeric = [c in COUNT_COLUMNS for c in ROLLUP_COLUMNS]
    word.table(doc, header, body, numeric=numeric, bold_last=several)
    if rollup.failed:
        names = label("warn.list_sep", lang).join(rollup.failed)
        word.paragraph(doc, label("rollup.failed", lang, names=names), indent=True)

    for line, report in zip(rollup.lines, rollup.reports, strict=False):
        word.page_break(doc)
        report_body(doc, qualified(report, refs(line.name)))

    word.signature(doc, office, rollup.date_text)
    return word.to_bytes(doc)
