"""A warning notice (预警督办单) as a Word document, one per lead department:
`rectify warn --notice --format docx --out DIR`.

The words are the notice's (`notice_text.NoticePage`: intro, tables, reply sentence), laid
out as an official document (`word.py`) addressed to the department; the tables' columns are
sized to their content, so an id, a date or a percentage never breaks across lines.
"""

from __future__ import annotations

from rectify_cli.i18n import Lang, label

from . import word
from .notice_text import NoticePage


def notice_docx(page: NoticePage, author: str | None, lang: Lang) -> bytes:
    doc = word.new_document(f"{page.title} {page.lead}", author, page.as_of)
    word.head(doc, page.office, page.as_of, lang)
    word.title(doc, page.title)
    word.paragraph(doc, label("doc.addressee", lang, lead=page.lead), space_after=6)
    re_line = label("doc.field", lang, name=label("notice.re", lang), value=page.re)
    word.paragraph(doc, re_line, indent=True)
    word.paragraph(doc, page.intro, indent=True, space_after=6)
    for t in page.tables:
        if t.heading:
            word.heading(doc, t.heading)
        word.table(doc, t.header, t.rows, keep=t.keep, fill=t.fill)
    word.paragraph(doc, page.reply, indent=True)
    reply_line = label("doc.field", lang, name=label("notice.reply_by", lang), value=page.reply_by)
    word.paragraph(doc, reply_line, indent=True, bold=True)
    word.signature(doc, page.office, page.date)
    return word.to_bytes(doc)
