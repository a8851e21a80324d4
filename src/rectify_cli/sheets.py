"""Reading spreadsheets as a person sees them: the visible sheets of an xlsx workbook (a hidden
one only when named), or a CSV file and its companions, cell by cell.

A cell that shows no data is kept as what it is, not as text or as an empty cell: an Excel
error value (`#REF!`, `#N/A`, …) or a formula whose value the file does not hold (a workbook
written by a program and never saved by Excel).  The importer refuses either wherever it
would import it, so a failed formula never becomes a task title and a missing value is never
taken for an empty cell.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .columns import load_openpyxl
from .errors import RectifyError, UsageError, did_you_mean
from .files import decode, display_path
from .i18n import joined, say, spoken

Cell = Any  # str, int, float, datetime, None, or an ErrorValue / NoSavedValue below

# What Excel shows for a formula that failed.  Saved as CSV, a failed formula leaves its error
# text in the cell, so a CSV cell reading exactly one of these came from one too.
EXCEL_ERRORS = frozenset(
    {
        "#REF!",
        "#N/A",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
    }
)


class ImportUnreadable(RectifyError):
    pass


@dataclass(frozen=True)
class ErrorValue:
    """A cell showing an Excel error value: a formula that failed, not data."""

    code: str

    def __str__(self) -> str:
        return self.code

    def problem(self) -> str:
        return say(
            "{code} is an Excel error value (a formula that failed), not data; "
            "correct the cell in Excel and import again",
            "{code} 是 Excel 的错误值（公式计算出错），不是数据；请在 Excel 中改正该单元格后重新导入",
            code=self.code,
        )


@dataclass(frozen=True)
class NoSavedValue:
    """A formula cell whose computed value the file does not hold."""

    formula: str

    def __str__(self) -> str:
        return self.formula

    def problem(self) -> str:
        return say(
            "formula with no saved value (the file was written by a program, not saved "
            "by Excel); open the file in Excel and save it",
            "公式没有保存的计算结果（文件由程序生成，未经 Excel 保存）；"
            "请在 Excel 中打开该文件并保存",
        )


BadCell = ErrorValue | NoSavedValue


def error_value(text: str) -> ErrorValue | None:
    code = text.strip().upper()
    return ErrorValue(code) if code in EXCEL_ERRORS else None


@dataclass
class Table:
    """One sheet: cells by spreadsheet row number (1-based, as Excel shows them)."""

    name: str  # the sheet's name, or the file name for CSV
    rows: list[tuple[int, list[Cell]]]
    # Number formats of numeric cells, (row, column index) → format, to read 60% right.
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False  # a sheet Excel does not show ('hidden' or 'veryHidden')


# --------------------------------------------------------------------------- CSV


def read_csv(path: Path) -> Table:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Excel on Chinese Windows saves "CSV" as GBK (GB18030 is its superset).
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = decode(raw, display_path(path))  # raises the loader's clear message
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, [error_value(c) or c for c in record]))
    except csv.Error as exc:
        raise ImportUnreadable(
            say(
                "{path}: not a readable CSV file: {why}",
                "{path}：不是可读取的 CSV 文件：{why}",
                path=display_path(path),
                why=_csv_why(exc),
            )
        ) from None
    return Table(path.name, rows)


def _csv_why(exc: csv.Error) -> str:
    """The csv module's complaint (in English), said in Chinese where it is the one the
    default dialect makes: a cell too long, which is what a binary file read as CSV gives."""
    text = str(exc)
    if spoken() == "zh" and text.startswith("field larger than field limit"):
        return "有单元格超过长度上限"
    return text


# --------------------------------------------------------------------------- xlsx


def read_xlsx(path: Path, sheet: str | None = None) -> list[Table]:
    """Every sheet of the workbook, hidden ones marked.  Formulas without a saved value are
    looked for in the sheets an import may read: the visible ones and `sheet`."""
    load_openpyxl()
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.exceptions import InvalidFileException

    raw = _read_bytes(path)
    try:
        # data_only: a formula cell gives the value Excel last computed, not "=SUM(...)".
        # ExcelReader is what load_workbook runs; kept, it also tells each sheet's part.
        reader = ExcelReader(io.BytesIO(raw), data_only=True)
        reader.read()
        book = reader.wb
        parts = {s.name: rel.target for s, rel in reader.parser.find_sheets()}
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportUnreadable(
            say(
                "{path}: not a readable xlsx workbook ({kind}); "
                "save it from Excel as .xlsx (an old .xls must be saved as .xlsx first)",
                "{path}：不是可读取的 xlsx 工作簿；请在 Excel 中另存为 .xlsx"
                "（旧版 .xls 文件须先另存为 .xlsx）",
                path=display_path(path),
                kind=type(exc).__name__,
            )
        ) from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise ImportUnreadable(
            say(
                "{path}: not a readable xlsx workbook ({kind})",
                "{path}：不是可读取的 xlsx 工作簿",
                path=display_path(path),
                kind=type(exc).__name__,
            )
        ) from None
    tables = []
    for ws in book.worksheets:
        hidden = ws.sheet_state != "visible"
        unsaved: dict[tuple[int, int], NoSavedValue] = {}
        if (not hidden or ws.title == sheet) and ws.title in parts:
            unsaved = _unsaved_formulas(raw, parts[ws.title])
        tables.append(_table(ws, hidden, unsaved))
    return tables


def _table(ws: Any, hidden: bool, unsaved: dict[tuple[int, int], NoSavedValue]) -> Table:
    grid: dict[tuple[int, int], Cell] = dict(unsaved)
    formats: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if value is None:
                continue
            r, c = cell.row, cell.column - 1
            if cell.data_type == "e":
                value = ErrorValue(str(value))  # any error, the listed ones and newer
            elif isinstance(value, str):
                value = error_value(value) or value
            grid[(r, c)] = value
            if isinstance(value, int | float) and cell.number_format != "General":
                formats[(r, c)] = cell.number_format
    # A cell merged down several rows (a 问题方面 spanning its tasks) belongs to each.
    for merged in ws.merged_cells.ranges:
        top = grid.get((merged.min_row, merged.min_col - 1))
        if top is None or merged.max_row == merged.min_row:
            continue
        for r in range(merged.min_row + 1, merged.max_row + 1):
            for c in range(merged.min_col - 1, merged.max_col):
                grid[(r, c)] = top
    width = max((c for _, c in grid), default=-1) + 1
    last = max([ws.max_row, *(r for r, _ in grid)])
    rows = []
    for r in range(1, last + 1):
        rows.append((r, [grid.get((r, c)) for c in range(width)]))
    return Table(ws.title, rows, formats, hidden)


# A formula element anywhere in a sheet's XML (prefixed or not); without one, the sheet has
# no formulas and needs no second look.
_ANY_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _unsaved_formulas(raw: bytes, part: str) -> dict[tuple[int, int], NoSavedValue]:
    """(row, column index) of every formula cell in `part` whose value the file lacks.

    openpyxl's data_only reading gives None both for such a cell and for an empty one, so the
    sheet's XML is read once more, but only when it holds a formula at all.  A formula's value
    is `<v>`; Excel always writes one, empty only for a formula that gives "" (`t="str"`).
    A program (openpyxl among them) writes the formula with no `<v>` or an empty one."""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            data = archive.read(part)
    except (KeyError, zipfile.BadZipFile):
        return {}
    if not _ANY_FORMULA.search(data):
        return {}
    row_tag, cell_tag = f"{{{SHEET_MAIN_NS}}}row", f"{{{SHEET_MAIN_NS}}}c"
    formula_tag, value_tag = f"{{{SHEET_MAIN_NS}}}f", f"{{{SHEET_MAIN_NS}}}v"
    out: dict[tuple[int, int], NoSavedValue] = {}
    row = column = 0
    for event, element in iterparse(io.BytesIO(data), events=("start", "end")):
        if element.tag == row_tag and event == "start":
            # Rows and cells may leave out their position: then they follow the last one.
            row = int(element.get("r") or row + 1)
            column = 0
        elif element.tag == cell_tag and event == "end":
            ref = element.get("r")
            row, column = coordinate_to_tuple(ref) if ref else (row, column + 1)
            formula = element.find(formula_tag)
            if formula is not None:
                value = element.find(value_tag)
                if value is None or (not value.text and element.get("t") != "str"):
                    out[(row, column - 1)] = NoSavedValue("=" + (formula.text or ""))
            element.clear()
        elif element.tag == row_tag:
            element.clear()
    return out


# --------------------------------------------------------------------------- files


def _read_bytes(path: Path) -> bytes:
    shown = display_path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportUnreadable(
            say("{path}: file not found", "{path}：文件不存在", path=shown)
        ) from None
    except IsADirectoryError:
        raise ImportUnreadable(
            say(
                "{path}: is a folder, not a spreadsheet",
                "{path}：是文件夹，不是电子表格",
                path=shown,
            )
        ) from None
    except OSError as exc:
        why: object = exc.strerror or exc
        if isinstance(exc, PermissionError) and spoken() == "zh":
            why = "没有权限"
        raise ImportUnreadable(
            say("{path}: cannot read: {why}", "{path}：无法读取：{why}", path=shown, why=why)
        ) from None


# The files `rectify export --format csv` writes beside FILE (FILE-log.csv, …), by sheet key.
CSV_COMPANIONS = {
    "log": "log",
    "indicators": "indicators",
    "history": "history",
    "ledger": "ledger",
    "aspects": "aspects",
    "petitions": "petitions",
    "petition_log": "petition-log",
}


def read_tables(path: Path, sheet: str | None = None) -> tuple[list[Table], list[Table]]:
    """The sheets an import reads, and the hidden ones it leaves alone.

    For an xlsx, the visible sheets (`sheet`, hidden or not, first); for a CSV, the file and
    its `-log` and `-indicators` companions where they sit beside it (as `rectify export`
    writes them)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        tables = read_xlsx(path, sheet)
        if sheet is None:
            return [t for t in tables if not t.hidden], [t for t in tables if t.hidden]
        chosen = [t for t in tables if t.name == sheet]
        if not chosen:
            names = [t.name for t in tables]
            raise UsageError(
                say(
                    "{path}: no sheet {sheet!r}{hint}; sheets: {names}",
                    "{path}：没有工作表 {sheet!r}{hint}；已有工作表：{names}",
                    path=display_path(path),
                    sheet=sheet,
                    hint=did_you_mean(sheet, names),
                    names=joined(names),
                )
            )
        others = [t for t in tables if t.name != sheet]
        return chosen + [t for t in others if not t.hidden], [t for t in others if t.hidden]
    if suffix in (".csv", ".txt"):
        tables = [read_csv(path)]
        for companion in CSV_COMPANIONS.values():
            beside = path.with_name(f"{path.stem}-{companion}{path.suffix}")
            if beside.exists():
                tables.append(read_csv(beside))
        return tables, []
    if suffix == ".xls":
        raise ImportUnreadable(
            say(
                "{path}: an old .xls workbook; open it in Excel and save it as .xlsx",
                "{path}：这是旧版 .xls 工作簿；请在 Excel 中打开并另存为 .xlsx",
                path=display_path(path),
            )
        )
    raise ImportUnreadable(
        say(
            "{path}: import reads .xlsx or .csv files",
            "{path}：只能导入 .xlsx 或 .csv 文件",
            path=display_path(path),
        )
    )
