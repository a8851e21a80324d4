"""Warning notices (预警督办单) as one self-contained HTML page, a printed A4 page per
notice: `rectify warn --notice --format html` (or `--out notices.html`).

The words are the notice's (`notice_text.NoticePage`), laid out as the Word notice is: the
issuing office in red at the head, the document number, a red rule, the title, the
addressee, the tables and the office and date at the foot, with official-document margins
(GB/T 9704) when printed.  Ids, dates, percentages and levels never break across lines
(`white-space: nowrap`); the title column takes the rest of the width.  No script, no
external file; every piece of text goes through `html_escape`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rectify_cli.i18n import Lang, label

from .notice_text import NoticePage, NoticeTable
from .report_html import FONTS
from .text import html_escape as esc
from .text import html_phrases, html_unbroken

# 仿宋 first, as the Word notice; a sans-serif Chinese font where there is none.
BODY_FONTS = '"FangSong", "仿宋", "STFangsong", "FangSong_GB2312", ' + FONTS

CSS = """\
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #ffffff; color: #000000; }
body {
  font-family: BODY_FONTS;
  font-size: 16px; line-height: 1.6; margin: 24px auto; max-width: 760px; padding: 0 16px;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
@media print { body { margin: 0; max-width: none; padding: 0; } }
.notice + .notice { break-before: page; page-break-before: always; }
@media screen { .notice + .notice { border-top: 1px dashed #999999; margin-top: 32px; } }
.office { color: #c00000; font-weight: bold; font-size: 28px; text-align: center; margin: 0; }
.number {
  text-align: center; margin: 4px 0 16px; padding-bottom: 6px; border-bottom: 2px solid #c00000;
}
h1 { font-size: 24px; text-align: center; margin: 12px 0 16px; }
h2 { font-size: 17px; margin: 14px 0 6px; break-after: avoid; }
p { margin: 0 0 4px; }
.indent { text-indent: 2em; }
.reply-by { font-weight: bold; }
.sign { text-align: right; margin-top: 24px; }
table {
  border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13px;
  line-height: 1.45;
}
th, td {
  border: 1px solid #000000; padding: 3px 5px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere;
}
thead { display: table-header-group; }
thead th { background: #e7e6e6; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.keep, .nobr { white-space: nowrap; overflow-wrap: normal; }
""".replace("BODY_FONTS", BODY_FONTS)


def _table(t: NoticeTable) -> list[str]:
    """The title column (`fill`) carries no width: with the others held to their content
    by nowrap, the browser gives it the rest of the line."""
    out = []
    if t.heading:
        out.append(f"<h2>{esc(t.heading)}</h2>")
    out.append("<table>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in t.header) + "</tr></thead>")
    out.append("<tbody>")
    for row in t.rows:
        cells = "".join(
            f'<td class="keep">{esc(c)}</td>'
            if keep
            else f"<td>{html_unbroken(c) if i == t.fill else html_phrases(c)}</td>"
            for i, (c, keep) in enumerate(zip(row, t.keep, strict=True))
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return out


def _notice(page: NoticePage, lang: Lang) -> list[str]:
    number = label("doc.number", lang, year=page.as_of.year)
    field = label("doc.field", lang, name=label("notice.re", lang), value=page.re)
    reply_by = label("doc.field", lang, name=label("notice.reply_by", lang), value=page.reply_by)
    out = [
        '<article class="notice">',
        f'<p class="office">{esc(page.office)}</p>',
        f'<p class="number">{esc(number)}</p>',
        f"<h1>{esc(page.title)}</h1>",
        f"<p>{esc(label('doc.addressee', lang, lead=page.lead))}</p>",
        f'<p class="indent">{esc(field)}</p>',
        f'<p class="indent">{esc(page.intro)}</p>',
    ]
    for t in page.tables:
        out += _table(t)
    out += [
        f'<p class="indent">{esc(page.reply)}</p>',
        f'<p class="indent reply-by">{esc(reply_by)}</p>',
        f'<p class="sign">{esc(page.office)}<br>{esc(page.date)}</p>',
        "</article>",
    ]
    return out


def notices_html(pages: Sequence[NoticePage], lang: Lang, *, none: str = "") -> str:
    """Every notice on its own printed page; `none` says so when there is no notice."""
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(label('notice.title', lang))}</title>",
        f"<style>\n{CSS}</style>",
        "</head>",
        "<body>",
    ]
    for page in pages:
        lines += _notice(page, lang)
    if not pages:
        lines.append(f"<p>{esc(none)}</p>")
    lines += ["</body>", "</html>"]
    return "\n".join(lines) + "\n"
