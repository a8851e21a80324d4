"""The style a ledger file writes its statuses in: keys (`in_progress`) or the labels people
say (`推进中`), so that a write answers in the file's own words (edit_text.edit_block).  A
petition case's handling status (`handling` or `办理中`) is a status here too."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from .kinds import HANDLING_ALIASES, HANDLING_ZH, STATUS_ALIASES

# Every word a file may hold for a task's status or a case's handling status.
_STATUS_WORDS = (
    frozenset(STATUS_ALIASES) | frozenset(HANDLING_ZH.values()) | frozenset(HANDLING_ALIASES)
)


def is_status_label(text: object) -> bool:
    """Whether a status is written as people say it (`未启动`, `整改中`, `办理中`), not by its
    key or an English alias (`todo`)."""
    return isinstance(text, str) and text in _STATUS_WORDS and not text.isascii()


_STATUS_LINE = r'^[ \t]*(?:status|"status")[ \t]*=[ \t]*"([^"\n]*)"'
_STATUS_LINE_S = re.compile(_STATUS_LINE, re.M)
_STATUS_LINE_B = re.compile(_STATUS_LINE.encode(), re.M)


def status_style(layout: Any, fallback: bool) -> bool:
    """Whether the file writes statuses in Chinese: as its first `status = "…"` line does
    (a task's or a log entry's), else `fallback` (the ledger's language).  `layout` is an
    edit_text.TextLayout (of str or bytes), which finds lines inside multi-line strings."""
    pattern: re.Pattern[Any] = _STATUS_LINE_B if isinstance(layout.text, bytes) else _STATUS_LINE_S
    for m in pattern.finditer(layout.text):
        if layout.in_string(m.start()):
            continue
        value = m.group(1)
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        if text in _STATUS_WORDS:
            return is_status_label(text)
    return fallback


def own_status(keys: str, table: str) -> str | None:
    """The status an item's own keys hold, as written (None: none, or unreadable)."""
    try:
        items = tomllib.loads(keys).get(table)
    except tomllib.TOMLDecodeError:
        return None
    value = items[0].get("status") if isinstance(items, list) and items else None
    return value if isinstance(value, str) else None
