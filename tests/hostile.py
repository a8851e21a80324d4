"""Hostile ledger text, in one place: every string a terminal, rich, Markdown, a browser, Word
or a spreadsheet would obey instead of printing; and a ledger holding them in every field.

Tests render this ledger with every command and format and check the text comes out as the
characters written (made visible, escaped or neutralised), never as an instruction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomli_w

HOSTILE = [
    "\x1b[2J清屏",  # ANSI: clear the screen
    "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "bell\x07back\x08cr\rend",  # bell, backspace, carriage return
    "\u202eevil\u202c",  # bidi override: text that reads backwards
    "\x9b31mcsi",  # C1 CSI, the one-byte form of ESC [
    "[bold red]x[/]",  # rich markup
    "[link=http://evil]y[/link]",
    "a | b",  # Markdown table cell break
    "<script>alert(1)</script>",  # HTML
    "`tick` *star* _u_",  # Markdown code and emphasis
    "# heading",  # a Markdown heading when it starts a line
    '=HYPERLINK("http://evil","x")',  # spreadsheet formulas (OWASP CSV injection)
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1+2",  # a leading tab (TOML keeps it; the ledger strips it: "=1+2" is left)
    "line1\nline2",  # a line break inside a one-line field
    "```\nfence",  # closes a Markdown code fence (a Mermaid chart) when it starts a line
    "../../etc/passwd",  # a path, where a lead names a notice's file
    "CON",  # a reserved file name on Windows
    "\u200f\u061cmarks\u200e\u2067iso\u2069",  # bidi marks (RLM, ALM, LRM) and an isolate
    "tab\tnel\x85del\x7fend",  # tab, C1 next line, DEL
]

# Raw characters that must never reach a terminal or a document from ledger text: C0 controls
# but tab and newline, DEL, C1 controls, bidi overrides, isolates and marks.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")
# What rich itself writes for colour and bold (Select Graphic Rendition), and nothing else.
SGR = re.compile(r"\x1b\[[0-9;]*m")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

NAME = "\x1b]8;;http://evil\x1b\\<b>市</b>\x1b]8;;\x1b\\"
TITLE = "\x1b[2J<script>alert(1)</script> [bold red]台账[/] | *x* =1"
AS_OF = "2025-06-30"


def stored(text: str) -> str:
    """The text as the ledger holds it once loaded: surrounding white space stripped."""
    return text.strip()


def data(clean: bool = False, name: str | None = None) -> dict[str, Any]:
    """tasks.toml, indicators.toml and petitions.toml as TOML data: HOSTILE in every text
    field, one task, aspect, indicator and petition case per string.  `clean` puts plain
    words in their place: the same ledger, to compare the structure of outputs with.  The
    ledger's short name (in roll-ups and qualified ids) is `name`, else hostile too."""
    words = [f"word{i}" for i in range(len(HOSTILE))] if clean else HOSTILE
    title = "clean ledger" if clean else TITLE
    tasks: dict[str, Any] = {
        "ledger": {
            "version": 1,
            "title": title,
            "name": name or ("clean" if clean else NAME),
            "source": words[11],
            "issued_by": words[0],
            "inspection_group": words[5],
            "headline_prefix": words[8],
            "feedback_date": "2025-01-01",
            "as_of": AS_OF,
        },
        "aspects": [{"id": f"A{i:02d}", "name": w} for i, w in enumerate(words)],
        "tasks": [
            {
                "id": f"T{i:02d}",
                "aspect": f"A{i:02d}",
                "title": w,
                "measures": [w],
                "lead": w,
                "partners": [w],
                "start": "2025-01-01",
                "deadline": "2025-03-31",
                "status": "in_progress",
                "progress": 10,
                "evidence": [w],
                "indicators": [f"I{i:02d}"],
                "notes": w,
                "log": [{"date": "2025-06-01", "progress": 10, "note": w, "by": w, "changes": [w]}],
            }
            for i, w in enumerate(words)
        ],
    }
    indicators = {
        "version": 1,
        "indicators": [
            {
                "id": f"I{i:02d}",
                "name": w,
                "name_en": w,
                "group": w,
                "unit": w,
                "better": "lower",
                "value": 30,
                "period": w,
                "recorded": "2025-06-10",
                "baseline": 35,
                "baseline_period": w,
                "target": 32,
                "change": -5,
                "change_basis": w,
                "rank": 1,
                "rank_note": w,
                "note": w,
                "history": [{"value": 40, "period": w, "recorded": "2025-03-01", "note": w}],
            }
            for i, w in enumerate(words)
        ],
    }
    petitions = {
        "version": 1,
        "headline_prefix": words[6],
        "petitions": [
            {
                "id": f"P{i:02d}",
                "title": w,
                "received": "2025-01-01",
                "batch": w,
                "area": w,
                "category": "air",
                "deadline": "2025-03-31",
                "lead": w,
                "notes": w,
                "log": [{"date": "2025-06-01", "note": w, "by": w, "changes": [w]}],
            }
            for i, w in enumerate(words)
        ],
    }
    return {"tasks.toml": tasks, "indicators.toml": indicators, "petitions.toml": petitions}


def _dates(value: Any) -> Any:
    """ISO strings to TOML dates (the data above is written as strings for readability)."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return dt.date.fromisoformat(value)
    return value


def write(root: Path, clean: bool = False, name: str | None = None) -> Path:
    """The hostile (or clean) ledger in folder `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for file, content in data(clean, name).items():
        (root / file).write_text(tomli_w.dumps(_dates(content)), encoding="utf-8")
    return root
