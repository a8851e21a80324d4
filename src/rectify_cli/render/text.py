"""Ledger text made safe for each medium: data is printed, never interpreted."""

from __future__ import annotations

import re

# C0 and C1 control characters (ESC starts ANSI sequences, BEL ends OSC 8 links), DEL, and
# the bidi overrides that can make text read differently from what it is.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Control characters shown as escapes (`\\x1b`), so a terminal never obeys them."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def one_line(text: str) -> str:
    """Cells are one line: newlines and tabs become spaces, controls become visible."""
    return visible(re.sub(r"[\r\n\t]+", " ", text))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def md_escape(text: str) -> str:
    """Ledger text inside Markdown: no markup, no HTML, no broken table cells."""
    text = one_line(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A leading "-", "+", "1. " or "=" could start a list or a heading underline.  The
    # escape goes on the point: `\1.` would print its backslash (a digit is not escapable),
    # and "3.67" starts no list, so it is left as written.
    text = re.sub(r"^(\s*)([-=])", r"\1\\\2", text)
    text = re.sub(r"^(\s*)(\d{1,9})\.(?=\s|$)", r"\1\2\\.", text)
    return text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """OWASP CSV-injection guidance: a cell a spreadsheet would run as a formula gets a `'`."""
    return "'" + text if text.startswith(_FORMULA_START) else text
