"""Word (.docx) building blocks for the report and the warning notices, in the layout of an
official document (公文, after GB/T 9704): the issuing office's name at the head, a document
number (文号) left for the registry to fill in, a rule, a centred title, body text in 仿宋,
tables whose header row repeats on every page, and the office and date at the foot.

python-docx is an optional extra (`pip install 'rectify[docs]'`); `load_docx` says so when it
is missing.  Ledger text goes in through `doc_text`: Word shows it as written (python-docx
escapes XML), and controls that XML forbids are shown as escapes instead of breaking the file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rectify_cli.errors import DocxUnavailable
from rectify_cli.i18n import Lang, label, say

from .text import PHRASE, PHRASE_MAX, UNBROKEN, doc_text, ems

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph


# (Latin font, East Asian font, the East Asian font's English name for Word's substitution).
BODY = ("Times New Roman", "仿宋", "FangSong")
TITLE = ("Times New Roman", "宋体", "SimSun")
HEADING = ("Arial", "黑体", "SimHei")
RED = (0xC0, 0x00, 0x00)  # the issuing office's name and the rule under it (红头)


def load_docx() -> Any:
    """python-docx, or the one sentence that says how to install it."""
    try:
        import docx
    except ImportError:
        raise DocxUnavailable(
            say(
                "docx needs python-docx: pip install 'rectify[docs]'",
                "输出 docx 需要 python-docx：pip install 'rectify[docs]'",
            )
        ) from None
    return docx


def new_document(title: str, author: str | None, when: dt.date) -> Document:
    """An A4 document with GB/T 9704 margins, Chinese body fonts and the given properties."""
    docx = load_docx()
    from docx.shared import Mm, Pt

    doc: Document = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)  # body text: 仿宋 in 四号 reads well on A4; tables are smaller
    set_fonts(normal.element, BODY)
    props = doc.core_properties
    props.title = core_property(doc_text(title))
    props.author = core_property(doc_text(author or ""))
    props.last_modified_by = props.author
    props.comments = ""
    props.created = props.modified = dt.datetime(when.year, when.month, when.day)
    _page_numbers(doc)
    _font_table(doc)
    return doc


# Word's core properties (docProps/core.xml) hold 255 characters; python-docx refuses more.
CORE_PROPERTY_MAX = 255


def core_property(text: str) -> str:
    """A document property cut to what Word holds: it is metadata, and the body keeps the
    whole text, so a long title or lead still makes a document."""
    if len(text) <= CORE_PROPERTY_MAX:
        return text
    return text[: CORE_PROPERTY_MAX - 1] + "…"


def set_fonts(element: Any, fonts: tuple[str, str, str]) -> None:
    """Latin and East Asian fonts on a style or run: rFonts ascii/hAnsi and eastAsia.  The
    template's theme-font attributes would override the names, so they go."""
    from docx.oxml.ns import qn

    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    latin, east_asian, _ = fonts
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin)):
        rfonts.set(qn(attr), name)
    rfonts.set(qn("w:eastAsia"), east_asian)


def _font_table(doc: Document) -> None:
    """Name the Chinese fonts in the font table with their English names and the GB2312
    character set, so Word on a machine without 仿宋 substitutes a Chinese font for it."""
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    for part in doc.part.package.iter_parts():
        if str(part.partname) != "/word/fontTable.xml":
            continue
        root = parse_xml(part.blob)
        for _, east_asian, alt in (BODY, TITLE, HEADING):
            font = OxmlElement("w:font", {qn("w:name"): east_asian})
            for tag, value in (
                ("w:altName", alt),
                ("w:charset", "86"),  # GB2312
                ("w:family", "modern"),
                ("w:pitch", "fixed"),
            ):
                font.append(OxmlElement(tag, {qn("w:val"): value}))
            root.append(font)
        # A loaded part keeps its bytes in `_blob` (python-docx has no setter for a part it
        # does not model); the package writes them back as they are.
        part._blob = serialize_part_xml(root)
        return


def _page_numbers(doc: Document) -> None:
    """`— 1 —` centred at the foot of every page, as official documents number them."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    run = para.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
    para.add_run(" —")


def paragraph(
    doc: Document,
    text: str,
    *,
    fonts: tuple[str, str, str] = BODY,
    size: float | None = None,
    bold: bool = False,
    align: str = "left",
    indent: bool = False,
    color: tuple[int, int, int] | None = None,
    space_after: float = 0,
) -> Paragraph:
    """One paragraph of (ledger or label) text; `indent` is the two-character first-line
    indent of Chinese body text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    para = doc.add_paragraph()
    para.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = para.paragraph_format
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Pt(2 * (size or 14))
    run = para.add_run(doc_text(text))
    set_fonts(run._r, fonts)
    run.bold = bold or None  # None: as the style says, no explicit 'not bold'
    if size is not None:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = RGBColor(*color)
    return para


def head(doc: Document, office: str, when: dt.date, lang: Lang) -> None:
    """The head of an official document: the office in red, the document number for the
    registry to fill in, and a red rule across the page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph(doc, office, fonts=TITLE, size=22, bold=True, align="center", color=RED)
    number = paragraph(doc, label("doc.number", lang, year=when.year), align="center")
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "4"),
        ("w:color", "C00000"),
    ):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    # The schema fixes the order of a paragraph's properties; Word rejects a file whose
    # border comes after its alignment, so it goes before everything that follows it.
    number._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)
    paragraph(doc, "", space_after=6)


_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def title(doc: Document, text: str) -> None:
    paragraph(doc, text, fonts=TITLE, size=20, bold=True, align="center", space_after=12)


def heading(doc: Document, text: str) -> None:
    para = paragraph(doc, text, fonts=HEADING, size=15, space_after=4)
    para.paragraph_format.space_before = para.paragraph_format.space_after
    para.paragraph_format.keep_with_next = True


def signature(doc: Document, office: str, date_text: str) -> None:
    """The office and the date at the foot, right-aligned."""
    paragraph(doc, "")
    paragraph(doc, office, align="right")
    paragraph(doc, date_text, align="right")


def page_break(doc: Document) -> None:
    """What follows starts a new page (a roll-up's ledger reports, one a page)."""
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


TEXT_WIDTH = 156  # mm: A4's 210 less the 28 and 26 of the side margins
TWIPS_PER_MM = 1440 / 25.4
TABLE_WIDTH = round(TEXT_WIDTH * TWIPS_PER_MM)  # 8844 twips (1/20 pt), Word's table unit
CELL_SIZE = 10.5  # pt, 五号
# Word's default cell margins (Table Grid): 0.19 cm (108 twips) left and right, and a little
# more for the renderer that draws the text a touch wider than measured here.
CELL_PADDING = 2 * 108 + 80
# What never breaks inside: a run of Latin letters, digits and signs (T01, 2025-06-30, 90%,
# μg/m³); what should not, a short phrase (text.PHRASE).
_TOKEN = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def text_twips(text: str, size: float = CELL_SIZE) -> int:
    """How wide `text` is on one line, in twips (`text.ems`; Word has Times New Roman,
    LibreOffice draws with its metric twin Liberation Serif, or another font where that is
    missing, so the Latin share is generous and a cell sized by it holds its text)."""
    return round(ems(text) * size * 20)


def _unbroken(cells: Sequence[str]) -> int:
    """The narrowest a column can ever be: its widest token (a run without Chinese, or an
    id, date or percentage as `text.UNBROKEN` reads them, 2025年1-9月 among them), and never
    less than one character."""
    tokens = [t for c in cells for t in (*_TOKEN.findall(c), *UNBROKEN.findall(c))]
    return max(max(map(text_twips, tokens), default=0), text_twips("中")) + CELL_PADDING


def _least(cells: Sequence[str]) -> int:
    """The narrowest a text column should be: `_unbroken`, and its widest phrase (up to six
    characters)."""
    phrase = max((text_twips(p) for c in cells for p in PHRASE.findall(c)), default=0)
    return max(_unbroken(cells), min(phrase, text_twips("中" * PHRASE_MAX)) + CELL_PADDING)


def column_widths(
    rows: Sequence[Sequence[str]],
    keep: Sequence[bool] | None = None,
    fill: int | None = None,
    total: int = TABLE_WIDTH,
) -> list[int]:
    """Column widths in twips that add up to `total`, sized to their content.

    A column is never narrower than its widest unbroken token (an id, a date, a number with
    its %), nor a `keep` column than its widest cell (a level such as 红色预警).  The other
    columns get their content's width up to a fifth of the table; `fill` (else the column
    with the most text) takes the rest.  When that leaves `fill` less than it wants, each
    column keeps its least and the text columns share out what is left by how much more
    they want (as a browser lays out a table).  When even the least widths do not fit, a
    phrase may break but a token may not; only when the tokens alone do not fit is a token
    broken.
    """
    columns = list(zip(*rows, strict=True))
    keep = list(keep or [False] * len(columns))
    natural = [max(text_twips(c) for c in col) + CELL_PADDING for col in columns]
    least = [
        n if keep[i] else min(n, _least(col))
        for i, (n, col) in enumerate(zip(natural, columns, strict=True))
    ]
    if fill is None:
        text = [i for i in range(len(columns)) if not keep[i]] or list(range(len(columns)))
        fill = max(text, key=natural.__getitem__)
    if sum(least) > total:
        # Phrases cannot all stay whole: each column keeps its tokens whole and the rest is
        # shared by how much more each wants; only when the tokens alone do not fit is
        # anything broken, every column in proportion to its widest token.
        hard = [
            n if keep[i] else _unbroken(col)
            for i, (n, col) in enumerate(zip(natural, columns, strict=True))
        ]
        if sum(hard) > total:
            return _to_total([total * w / sum(hard) for w in hard], total)
        share = (total - sum(hard)) / (sum(least) - sum(hard))
        return _to_total([h + (m - h) * share for h, m in zip(hard, least, strict=True)], total)
    cap = total // 5
    want = [n if keep[i] else max(least[i], min(n, cap)) for i, n in enumerate(natural)]
    others = sum(w for i, w in enumerate(want) if i != fill)
    if total - others >= want[fill]:
        want[fill] = total - others
        return want
    spare = total - sum(least)
    extra = [w - m for w, m in zip(want, least, strict=True)]
    share = spare / sum(extra) if sum(extra) else 0.0
    return _to_total([m + e * share for m, e in zip(least, extra, strict=True)], total)


def _to_total(widths: Sequence[float], total: int) -> list[int]:
    out = [int(w) for w in widths]
    out[max(range(len(out)), key=out.__getitem__)] += total - sum(out)
    return out


def table(
    doc: Document,
    header: Sequence[str],
    body: Sequence[Sequence[str]],
    *,
    numeric: Sequence[bool] | None = None,
    bold_last: bool = False,
    keep: Sequence[bool] | None = None,
    fill: int | None = None,
) -> None:
    """A grid table whose header row repeats at the top of every page (w:tblHeader) and
    whose rows are not split across pages; cells in 10.5 pt (五号).

    The widths (`column_widths`) are written the way Word, WPS and LibreOffice all read
    them: a fixed layout, the table's width, one gridCol per column, and each cell's tcW,
    all in twips."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, Twips

    grid = doc.add_table(rows=1 + len(body), cols=len(header))
    grid.style = doc.styles["Table Grid"]
    grid.autofit = False  # w:tblLayout fixed
    numeric = numeric or [False] * len(header)
    widths = column_widths([[doc_text(c) for c in r] for r in [header, *body]], keep, fill)
    tbl_w = grid._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Twips(width)  # w:gridCol
    for r, cells in enumerate([header, *body]):
        row = grid.rows[r]
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)  # w:tcW
        tr_pr = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.append(cant_split)
        if r == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        strong = r == 0 or (bold_last and r == len(body))
        for c, text in enumerate(cells):
            para = row.cells[c].paragraphs[0]
            if numeric[c] and r > 0:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = para.add_run(doc_text(text))
            set_fonts(run._r, HEADING if r == 0 else BODY)
            run.font.size = Pt(CELL_SIZE)
            run.bold = (strong and r > 0) or None
    for cell in grid.rows[0].cells:
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), "E7E6E6")
        cell._tc.get_or_add_tcPr().append(shade)
    doc.add_paragraph()


def to_bytes(doc: Document) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
