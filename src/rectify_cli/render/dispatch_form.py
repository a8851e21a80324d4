"""A dispatch form (调度表) drawn as an xlsx workbook or, as a fallback, a CSV file.

The workbook: the office, the period and the reply-by day on top, the instructions, then
the department's tasks; identifying cells locked (sheet protection, grey), the cells a
department answers in open (white) with Excel's data validation: progress a whole number
0–100, the status a drop-down of the Chinese labels, the form's date a date.  A very hidden
sheet holds what `dispatch import` checks the returned form against (`dispatch.FormMeta`).

The CSV carries the same rows under a block of `key,value` lines; nothing in it can be
locked, so the check of its locked cells is all that guards it.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from rectify_cli.columns import load_openpyxl
from rectify_cli.dispatch import (
    COLUMNS,
    DATE_CELL,
    DATE_LABEL,
    DATE_ROW,
    FIRST_TASK_ROW,
    HEADER_ROW,
    HELP_ROW,
    INFO_ROW,
    LOCKED_COLUMNS,
    META_SHEET,
    PROGRESS_COL,
    SHEET,
    STATUS_CHOICES,
    STATUS_COL,
    TITLE_ROW,
    Form,
    header_cells,
)

from .excel import DATE_FORMAT, text_cell

_WIDTHS = (8, 14, 40, 20, 12, 10, 10, 10, 10, 40, 30)
_GREY = "FFE7E6E6"


def form_xlsx(form: Form) -> bytes:
    openpyxl = load_openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = SHEET
    book.properties.creator = "rectify"
    last = get_column_letter(len(COLUMNS))
    grey = PatternFill("solid", fgColor=_GREY)
    wrap = Alignment(wrap_text=True, vertical="top")
    open_cell = Protection(locked=False)

    title, info = header_cells(form.meta)
    ws.cell(TITLE_ROW, 1, text_cell(title)).font = Font(bold=True, size=14)
    ws.cell(INFO_ROW, 1, text_cell(info))
    ws.cell(DATE_ROW, 1, DATE_LABEL)
    date = ws[DATE_CELL]
    date.number_format = DATE_FORMAT
    date.protection = open_cell
    ws.cell(HELP_ROW, 1, form.instructions).alignment = wrap
    for row in (TITLE_ROW, INFO_ROW, HELP_ROW):
        ws.merge_cells(f"A{row}:{last}{row}")
    ws.row_dimensions[HELP_ROW].height = 60

    for col, name in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, col, name)
        cell.font = Font(bold=True)
        cell.fill = grey
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS[col - 1]
    for r, values in enumerate(form.rows, start=FIRST_TASK_ROW):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, text_cell(value))
            cell.data_type = "s"  # text stays text, even 2025-12-31 or 60
            cell.fill = grey
            cell.alignment = wrap
        for c in range(len(LOCKED_COLUMNS) + 1, len(COLUMNS) + 1):
            cell = ws.cell(r, c)
            cell.protection = open_cell
            cell.alignment = wrap
    _validate(ws, DataValidation, len(form.rows))

    ws.freeze_panes = ws.cell(FIRST_TASK_ROW, 1)
    ws.protection.sheet = True  # no password: it guards against slips, not people
    ws.protection.formatRows = False  # a department may make a row taller to read it
    ws.protection.formatColumns = False

    meta = book.create_sheet(META_SHEET)
    for key, value in form.meta.pairs():
        meta.append([key, text_cell(value)])  # a title starting with = is not a formula
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    book.security = _workbook_lock()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _workbook_lock() -> Any:
    from openpyxl.workbook.protection import WorkbookProtection

    return WorkbookProtection(lockStructure=True)  # the hidden sheet stays hidden


def _validate(ws: Any, validation: Any, count: int) -> None:
    from openpyxl.utils import get_column_letter

    first, last = FIRST_TASK_ROW, FIRST_TASK_ROW + max(count, 1) - 1

    def column(index: int) -> str:
        letter = get_column_letter(index + 1)
        return f"{letter}{first}:{letter}{last}"

    progress = validation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="本期进度",
        error="请填写 0 到 100 之间的整数",
    )
    progress.add(column(PROGRESS_COL))
    status = validation(
        type="list",
        formula1='"' + ",".join(STATUS_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        # A warning, not a stop: 完成 typed by hand is read as 已完成 all the same.
        errorStyle="warning",
        errorTitle="状态",
        error="请从下拉列表选择：" + "、".join(STATUS_CHOICES),
    )
    status.add(column(STATUS_COL))
    date = validation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # after 2000-01-01: any real day
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=DATE_LABEL,
        error="请填写日期，如 2025-10-20",
    )
    date.add(DATE_CELL)
    for v in (progress, status, date):
        ws.add_data_validation(v)


def form_csv(form: Form) -> bytes:
    """The fallback: `key,value` lines (the form's date among them, to fill in), a blank
    line, then the table."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for key, value in form.meta.pairs():
        writer.writerow([key, text_cell(value)])
    writer.writerow([DATE_LABEL, ""])
    writer.writerow(["说明", form.instructions])
    writer.writerow([])
    writer.writerow(COLUMNS)
    for values in form.rows:
        writer.writerow([text_cell(v) for v in values] + [""] * (len(COLUMNS) - len(values)))
    return buf.getvalue().encode("utf-8-sig")
