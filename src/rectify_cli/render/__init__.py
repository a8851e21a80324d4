"""Renderers: everything rectify prints is built here, and nowhere else.

Importing this package is cheap; rich is imported only by `terminal`, and only when a
command actually draws a table.
"""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"
