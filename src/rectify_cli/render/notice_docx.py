"""A warning notice (预警督办单) as a Word document, one per lead department:
`rectify warn --notice --format docx --out DIR`.

The words are the Markdown notice's (`warn_text`: intro, cells, required action, reply
sentence), laid out as an official document (`word.py`) addressed to the department.
"""

from __future__ import annotations

import datetime as dt

from rectify_cli.i18n import Lang, label
from rectify_cli.records import LedgerMeta
from rectify_cli.schedule import LeadGroup

from . import word
from .warn_text import (
    NOTICE_COLUMNS,
    issuing_office,
    long_date,
    notice_cells,
    notice_columns,
    notice_intro,
    notice_reply,
)


def notice_docx(
    group: LeadGroup, meta: LedgerMeta, as_of: dt.date, reply_by: dt.date, lang: Lang
) -> bytes:
    office = issuing_office(meta, lang)
    notice = label("notice.title", lang)
    doc = word.new_document(f"{notice} {group.lead}", meta.issued_by, as_of)
    word.head(doc, office, as_of, lang)
    word.title(doc, notice)
    word.paragraph(doc, label("doc.addressee", lang, lead=group.lead), space_after=6)
    re_line = label("doc.field", lang, name=label("notice.re", lang), value=meta.title)
    word.paragraph(doc, re_line, indent=True)
    word.paragraph(doc, notice_intro(group, as_of, lang), indent=True, space_after=6)
    columns = notice_columns(group)
    header = [label(c, lang) for c in columns]
    who = columns != NOTICE_COLUMNS
    word.table(doc, header, [notice_cells(w, lang, responsible=who) for w in group.warnings])
    word.paragraph(doc, notice_reply(meta, reply_by, lang), indent=True)
    due = long_date(reply_by, lang)
    reply_line = label("doc.field", lang, name=label("notice.reply_by", lang), value=due)
    word.paragraph(doc, reply_line, indent=True, bold=True)
    word.signature(doc, office, long_date(as_of, lang))
    return word.to_bytes(doc)
