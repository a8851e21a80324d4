"""Spreadsheets for the offices that live in Excel: an xlsx workbook or CSV files.

Rows come from the one column spec in `columns.py`, so export and import agree on every
header.  Cells keep their types (dates are dates, progress is a number) and every text cell
is neutralised against formula injection (OWASP): a cell starting with = + - @ gets a `'`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from rectify_cli.columns import (
    ASPECT_COLUMNS,
    EXPORT_TASK_COLUMNS,
    HISTORY_COLUMNS,
    INDICATOR_COLUMNS,
    LEDGER_COLUMNS,
    LOG_COLUMNS,
    PETITION_COLUMNS,
    PETITION_LOG_COLUMNS,
    Column,
    load_openpyxl,
)
from rectify_cli.i18n import Lang, label, status_label
from rectify_cli.kinds import Status
from rectify_cli.models import PetitionFile
from rectify_cli.records import Indicator, Ledger, LogEntry, Task
from rectify_cli.schedule import latest_progress

from .common import latest_text
from .text import csv_safe, visible

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

LIST_SEP = "\n"  # one item per line in the cell; import splits lines back into items
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = '0"%"'  # shows 60 as 60% and keeps the cell's value 60


@dataclass(frozen=True)
class Sheet:
    key: str  # tasks, log or indicators: the sheet's label key and the CSV file suffix
    columns: tuple[Column, ...]
    rows: list[list[Any]]

    def title(self, lang: Lang) -> str:
        return label(f"sheet.{self.key}", lang)

    def header(self, lang: Lang) -> list[str]:
        return [c.header(lang) for c in self.columns]


def text_cell(text: str) -> str:
    """Ledger text as a spreadsheet cell: shown literally, never run as a formula."""
    return csv_safe(visible(text))


def status_cell(status: Status | None, lang: Lang) -> str | None:
    if status is None:
        return None
    # English keys, not prose labels, so an English sheet imports back unchanged.
    return status_label(status, lang) if lang == "zh" else status.value


def _cell(value: Any, col: Column, lang: Lang) -> Any:
    if value is None:
        return None
    if col.kind == "list":
        items = [visible(str(v)) for v in value]
        return csv_safe(LIST_SEP.join(items)) if items else None
    if col.kind == "status":
        return status_cell(value, lang)
    if isinstance(value, Enum):
        # Petition words (办结, 大气): the Chinese label in a Chinese sheet, the key in English.
        return value.label_zh if lang == "zh" and hasattr(value, "label_zh") else value.value
    if isinstance(value, str):
        return text_cell(value) if value else None
    return value


def task_values(task: Task, ledger: Ledger, lang: Lang) -> list[Any]:
    row = []
    for col in EXPORT_TASK_COLUMNS:
        if col.field == "latest_progress":
            value: Any = latest_text(latest_progress(task), lang)
        elif col.field == "aspect_name":
            value = ledger.aspect_name(task.aspect)
        elif col.field == "deadline" and task.ongoing:
            value = label("ongoing", lang)
        else:
            value = getattr(task, col.field)
        row.append(_cell(value, col, lang))
    return row


def log_values(task: Task, entry: LogEntry, lang: Lang) -> list[Any]:
    return [
        _cell(task.id if col.field == "task" else getattr(entry, col.field), col, lang)
        for col in LOG_COLUMNS
    ]


def indicator_values(indicator: Indicator, lang: Lang) -> list[Any]:
    return [_cell(getattr(indicator, col.field), col, lang) for col in INDICATOR_COLUMNS]


def ledger_values(ledger: Ledger, petitions: PetitionFile | None, lang: Lang) -> list[Any]:
    """The [ledger] settings and petitions.toml's own keys, in LEDGER_COLUMNS order."""
    row = []
    for col in LEDGER_COLUMNS:
        owner, _, key = col.field.rpartition(".")
        if owner == "":
            value: Any = getattr(ledger.meta, key)
        elif petitions is None:
            value = None
        elif owner == "petitions":
            value = getattr(petitions, key)
        else:
            value = None if petitions.summary is None else getattr(petitions.summary, key)
        row.append(_cell(value, col, lang))
    return row


def sheets(ledger: Ledger, lang: Lang, petitions: PetitionFile | None = None) -> list[Sheet]:
    """Every sheet an export writes; an import of them rebuilds the ledger exactly."""
    cases = petitions.petitions if petitions is not None else []
    return [
        Sheet("tasks", EXPORT_TASK_COLUMNS, [task_values(t, ledger, lang) for t in ledger.tasks]),
        Sheet(
            "log",
            LOG_COLUMNS,
            [log_values(t, e, lang) for t in ledger.tasks for e in t.log],
        ),
        Sheet(
            "indicators",
            INDICATOR_COLUMNS,
            [indicator_values(i, lang) for i in ledger.indicators],
        ),
        Sheet(
            "history",
            HISTORY_COLUMNS,
            [
                [_cell(i.id, HISTORY_COLUMNS[0], lang)]
                + [_cell(getattr(r, c.field), c, lang) for c in HISTORY_COLUMNS[1:]]
                for i in ledger.indicators
                for r in i.history
            ],
        ),
        Sheet("ledger", LEDGER_COLUMNS, [ledger_values(ledger, petitions, lang)]),
        Sheet(
            "aspects",
            ASPECT_COLUMNS,
            [[text_cell(a.id), text_cell(a.name)] for a in ledger.aspects],
        ),
        Sheet(
            "petitions",
            PETITION_COLUMNS,
            [[_cell(getattr(p, c.field), c, lang) for c in PETITION_COLUMNS] for p in cases],
        ),
        Sheet(
            "petition_log",
            PETITION_LOG_COLUMNS,
            [
                [_cell(p.id, PETITION_LOG_COLUMNS[0], lang)]
                + [_cell(getattr(e, c.field), c, lang) for c in PETITION_LOG_COLUMNS[1:]]
                for p in cases
                for e in p.log
            ],
        ),
    ]


# --------------------------------------------------------------------------- xlsx


def workbook_bytes(ledger: Ledger, lang: Lang, petitions: PetitionFile | None = None) -> bytes:
    openpyxl = load_openpyxl()
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.creator = "rectify"
    book.properties.title = visible(ledger.meta.title)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for sheet in sheets(ledger, lang, petitions):
        ws: Worksheet = book.create_sheet(sheet.title(lang))
        ws.append(sheet.header(lang))
        for cell in ws[1]:
            cell.font = bold
        for values in sheet.rows:
            ws.append(values)
        for index, col in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = col.width
            long_text = col.kind == "list" or col.width >= 24
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = wrap if long_text else top
                if col.kind in ("date", "deadline") and isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif col.field == "progress":
                    cell.number_format = PERCENT_FORMAT
                elif (
                    col.field == "value"
                    and sheet.key == "indicators"
                    and (decimals := ledger.indicators[(cell.row or 2) - 2].decimals)
                ):
                    cell.number_format = "0." + "0" * decimals  # 5.6360, not 5.636
                elif (
                    col.kind == "number"
                    and isinstance(cell.value, float)
                    and cell.value.is_integer()
                ):
                    # A file keeps 15.0 as 15 unless its format shows the point; import
                    # reads the point back, so 15.0 stays a published 15.0.
                    cell.number_format = "0.0"
                elif isinstance(cell.value, str):
                    # Text stays text even when it looks like a number or a date.
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- csv


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def sheet_csv(sheet: Sheet, lang: Lang) -> str:
    buf = io.StringIO()
    # newline="" semantics: the writer's "\r\n" reaches the file as is (RFC 4180, and what
    # Excel expects); the caller writes the text as bytes, never through a text-mode file.
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(sheet.header(lang))
    for values in sheet.rows:
        writer.writerow([_csv_value(v) for v in values])
    return buf.getvalue()


def csv_bytes(sheet: Sheet, lang: Lang) -> bytes:
    # The BOM makes Excel on Chinese Windows read UTF-8 rather than GBK.
    return sheet_csv(sheet, lang).encode("utf-8-sig")
