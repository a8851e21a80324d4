"""Ledger text made safe for each medium: data is printed, never interpreted."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, cast

from rectify_cli.controls import BIDI, CONTROLS
from rectify_cli.i18n import Lang, change_text


class _Lazy:
    """A pattern compiled when a method of it is first used: compiling this module's dozen
    costs ~2 ms at every start, and a command uses two or three of them.  The method is
    then kept on the object, so later calls cost what a compiled pattern's do."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy and pickle probe for these: not a pattern's
            raise AttributeError(name)
        method = getattr(re.compile(self.source), name)
        setattr(self, name, method)
        return method


def _lazy(source: str) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _Lazy(source))  # it answers as the pattern would


# What a terminal would obey instead of showing (rectify_cli.controls): every escape below,
# JSON's and the file names' are built from that one list.
def _shown(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


_ANY_CONTROL = _lazy(f"[{CONTROLS}]")


def escaped(text: str) -> str:
    """Every control and bidi character shown as its escape (`\\x1b`, `\\u202e`, `\\n`):
    the text is one line and a terminal obeys none of it.  Messages on stderr, and CSV cells
    on a terminal, are shown so: a newline in an id never starts a line of its own."""
    return _ANY_CONTROL.sub(_shown, text)


# The same, but tab and newline stay: for a renderer that lays out lines itself (rich).
_CONTROL = _lazy(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI}]")


def visible(text: str) -> str:
    """Control characters shown as escapes (`\\x1b`), so a terminal never obeys them."""
    return _CONTROL.sub(_shown, text)


# The same, but a line end (\n or \r\n) stays one: for text of several lines, such as a diff.
_CONTROL_IN_LINES = _lazy(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI}]|\\r(?!\\n)")


def visible_lines(text: str) -> str:
    """Several lines (a diff) for a terminal: controls and bidi overrides shown as escapes,
    line ends kept.  A diff printed raw could show a reviewer other text than is written
    (U+202E reverses what follows it)."""
    return _CONTROL_IN_LINES.sub(_shown, text)


def one_line(text: str) -> str:
    """Cells are one line: newlines and tabs become spaces, controls become visible."""
    return visible(re.sub(r"[\r\n\t]+", " ", text))


# JSON escapes C0 itself (json.dumps must: a raw one is invalid); the rest of the list it
# writes raw with ensure_ascii=False, valid JSON that a terminal would still obey.
_JSON_RAW = _lazy(f"[\\x7f-\\x9f{BIDI}]")


def json_escaped(document: str) -> str:
    """JSON text from json.dumps(ensure_ascii=False) with DEL, C1 and bidi controls written
    as `\\u009b`: the same data when parsed, inert when shown.  Outside its strings a JSON
    text is ASCII, so every match is inside a string, where `\\uXXXX` means the character."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def json_raw_in(text: str) -> bool:
    """Whether `json_escaped` would change anything in `text`."""
    return _JSON_RAW.search(text) is not None


_MD_SPECIAL = _lazy(r"([\\`*_{}\[\]()#+!|~>])")


# Anything that md_escape below would change: a character anywhere, or a start.  Most
# cells (Chinese text, ids, dates) hold none of it and are returned as they are: a
# 10,000-row table renders ~5x faster.  Two patterns: a plain character class scans faster
# than one alternation that also tries the anchored start at every position.
_MD_ANY = re.compile(f"[{CONTROLS}&<>\\\\`*_{{}}\\[\\]()#+!|~]")
_MD_START = re.compile(r"\s*(?:[-=]|\d{1,9}\.(?:\s|$))")


def md_escape(text: str) -> str:
    """Ledger text inside Markdown: no markup, no HTML, no broken table cells."""
    if _MD_ANY.search(text) is None and _MD_START.match(text) is None:
        return text
    text = one_line(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A leading "-", "+", "1. " or "=" could start a list or a heading underline.  The
    # escape goes on the point: `\1.` would print its backslash (a digit is not escapable),
    # and "3.67" starts no list, so it is left as written.
    text = re.sub(r"^(\s*)([-=])", r"\1\\\2", text)
    text = re.sub(r"^(\s*)(\d{1,9})\.(?=\s|$)", r"\1\2\\.", text)
    return text


def md_escape_column(texts: list[str]) -> list[str]:
    """`md_escape` of each text.  Usually no text holds a character to escape: one search of
    the whole column says so (a character class cannot match across two texts), and then
    only the starts are tested, in one C loop (10,000 titles: ~5x faster than one by one)."""
    if _MD_ANY.search("".join(texts)) is not None:
        return list(map(md_escape, texts))
    starts = list(map(_MD_START.match, texts))
    if not any(starts):
        return list(texts)
    return [md_escape(t) if m else t for t, m in zip(texts, starts, strict=True)]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """OWASP CSV-injection guidance: a cell a spreadsheet would run as a formula gets a `'`."""
    return "'" + text if text.startswith(_FORMULA_START) else text


# Unicode noncharacters: legal in TOML, but XML (docx) refuses U+FFFE/U+FFFF outright and
# HTML parsers flag them all.
_NONCHAR = _lazy("[\ufdd0-\ufdef\ufffe\uffff]")


def doc_text(text: str) -> str:
    """Ledger text for a document (HTML, Word): one line, controls and noncharacters shown
    as escapes, so the file stays well-formed and the text reads as written."""
    text = one_line(text)
    return _NONCHAR.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def html_escape(text: str) -> str:
    """Ledger text inside HTML or SVG: printed, never markup (quotes too, for attributes)."""
    # Imported here: `html` loads its entity table (~1 ms), and every read imports this
    # module; beside doc_text's work the lookup costs nothing.
    from html import escape

    return escape(doc_text(text), quote=True)


# What a printed line must never cut in two: ids (T07, XF-2025-001), dates (2025-06-30,
# 2025/6/30, 2025年9月30日, 2025年1-9月) and percentages (90%, -1.9%).  A browser breaks a
# line at a hyphen and between any two Chinese characters, so a narrow table column would
# print 2025-/06-30 or 2025年9/月.
UNBROKEN = _lazy(
    r"[A-Za-z]+[-_]?\d+(?:[-_.]\d+)*"
    r"|\d{4}[-/]\d{1,2}[-/]\d{1,2}"
    r"|\d{4}年(?:\d{1,2}(?:-\d{1,2})?月(?:\d{1,2}日)?)?"
    r"|[-+]?\d+(?:\.\d+)?%"
)


def html_unbroken(text: str) -> str:
    """`html_escape`, with each id, date and percentage in a `<span class="nobr">` (CSS:
    `white-space: nowrap`), so it stays on one line wherever the text wraps."""
    out: list[str] = []
    at = 0
    for match in UNBROKEN.finditer(text):
        out += [html_escape(text[at : match.start()]), '<span class="nobr">']
        out += [html_escape(match.group()), "</span>"]
        at = match.end()
    out.append(html_escape(text[at:]))
    return "".join(out)


# What should not break inside: a phrase up to CJK punctuation (逾期68天；), when it is at
# most six characters wide (a long title without punctuation wraps at any character, as
# Chinese does).  Word sizes a column to hold one (word.py); HTML keeps it on one line.
PHRASE = _lazy(r"[^\s，、；。：,;]+[，、；。：,;]?")
PHRASE_MAX = 6  # em


def ems(text: str) -> float:
    """How wide `text` is on one line in ems: a CJK character is one, a Latin one a generous
    share of it (fonts differ), a space less."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
            width += 1.0
        elif ch in _WIDE_LATIN:
            width += 0.8
        elif ch == " ":
            width += 0.3
        else:
            width += 0.58
    return width


_WIDE_LATIN = frozenset("ABCDEFGHKMNOQRUVWXYmw%@&")


def html_phrases(text: str) -> str:
    """`html_unbroken`, with each short phrase (`PHRASE`, at most `PHRASE_MAX` wide) kept
    whole on one line too: a reason such as 92天未更新 never prints as 92天未更 / 新."""
    out: list[str] = []
    at = 0
    for match in PHRASE.finditer(text):
        phrase = match.group()
        out.append(html_escape(text[at : match.start()]))
        if ems(phrase.rstrip("，、；。：,;")) <= PHRASE_MAX:  # its closing mark may hang
            out.append(f'<span class="nobr">{html_escape(phrase)}</span>')
        else:
            out.append(html_unbroken(phrase))
        at = match.end()
    out.append(html_escape(text[at:]))
    return "".join(out)


# Punctuation a line is built with: Chinese takes the full-width marks and no spaces.
COLON: dict[Lang, str] = {"zh": "：", "en": ": "}
SEPARATOR: dict[Lang, str] = {"zh": "；", "en": "; "}


def aside(parts: Iterable[str], lang: Lang) -> str:
    """`(row 2; 市局)` after a word in English, `（第2行；市局）` in Chinese."""
    inner = SEPARATOR[lang].join(parts)
    return f"（{inner}）" if lang == "zh" else f" ({inner})"


def change_lines(changes: Iterable[str], lang: Lang) -> list[str]:
    """A log entry's change lines as a person reads them in `lang`, each on one line: the
    file keeps `status: not_started → in_progress`, Chinese shows `状态：未启动 → 推进中`."""
    return [one_line(change_text(c, lang)) for c in changes]


def changes_joined(changes: Iterable[str], lang: Lang) -> str:
    """The change lines of one entry on a single line, for a table cell or a preview."""
    return SEPARATOR[lang].join(change_lines(changes, lang))
