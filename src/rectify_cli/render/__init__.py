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
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


# What the listing commands write; html, docx and pdf are documents, written by `report`
# (and docx by `warn --notice`), which name the formats they accept themselves.
TEXT_FORMATS = (OutputFormat.TABLE, OutputFormat.JSON, OutputFormat.CSV, OutputFormat.MD)
# Documents drawn as bytes: they go into a file, never onto a terminal (cli.common.binary_out).
BINARY_FORMATS = (OutputFormat.DOCX, OutputFormat.PDF)
