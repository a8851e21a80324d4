"""The characters a terminal obeys instead of showing, named once for every rule that needs
them: the renderers escape them (render.text), `check` and every write refuse them in ledger
text (checks), notice file names leave them out (warn)."""

from __future__ import annotations

import re

from .i18n import say

# C0 controls (ESC starts ANSI sequences, BEL ends OSC 8 links, CR and BS overwrite), DEL,
# C1 controls (U+009B is a one-byte ESC [), and the bidi controls that make text read other
# than it is written (Trojan Source): embeddings and overrides, isolates, and the marks
# LRM, RLM and ALM.
BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"  # embeddings, overrides and isolates
BIDI = r"\u061c\u200e\u200f" + BIDI_CONTROLS  # and the marks ALM, LRM and RLM
CONTROLS = r"\x00-\x1f\x7f-\x9f" + BIDI

# What ledger text may not hold: the controls but tab and line feed (a note may hold lines),
# and the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).  The marks
# LRM, RLM and ALM stay allowed (right-to-left text needs them); output still escapes them.
REFUSED = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")


def control_problem(text: str | None) -> str | None:
    """Why `text` cannot be ledger text, or None when it can."""
    bad = REFUSED.search(text) if text else None
    if bad is None:
        return None
    return say(
        "holds the control character U+{code:04X}, which a terminal obeys instead of "
        "showing; remove it",
        "含有控制字符 U+{code:04X}，终端会执行它而不是显示它；请删除",
        code=ord(bad.group()),
    )
