"""Read a 台账 spreadsheet (xlsx or CSV) into tasks: headers found, dates understood, every bad
row reported before anything is written.  Reading the file itself (which sheets, which cells
hold data) is `sheets.py`'s job.

Pure reading and checking: `plan_import` returns what would change (new tasks, updated
tasks, new aspects, and the indicators of an indicators sheet such as `rectify export`
writes) or the complete list of problems; writing is `edit.py`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .columns import (
    INDICATOR_COLUMNS,
    LOG_COLUMNS,
    TASK_COLUMNS,
    Column,
    header_index,
    match_header,
)
from .edit import Plan
from .errors import RectifyError, UsageError, did_you_mean
from .files import display_path
from .i18n import field_name, joined, label, say, spoken
from .kinds import STATUS_ZH, Status
from .models import Aspect, Indicator, LogEntry, Task
from .problems import describe_error
from .records import Ledger, as_dict
from .rules import lacks_completed_on
from .sheets import BadCell, Cell, ImportUnreadable, Table, read_tables
from .textfmt import change_text

# Header detection looks this far down for a row with at least two known headers: title
# rows, a 填报单位 line and a blank row or two sit above it in real 台账 files.
HEADER_SEARCH_ROWS = 30
MIN_KNOWN_HEADERS = 2
SKIP = "skip"  # `--map 备注=skip` ignores a column

ONGOING_WORDS = frozenset({"长期坚持", "长期", "持续推进", "长期推进", "常态化", "ongoing"})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ImportInvalid(RectifyError):
    """The spreadsheet has problems; every one is kept, nothing was written."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(
            say("{source}: {first}", "{source}：{first}", source=source, first=problems[0])
        )


# --------------------------------------------------------------------------- headers


@dataclass(frozen=True)
class SheetLayout:
    """Where a table's data is: its header row and which column holds which field."""

    table: Table
    header_row: int  # index into table.rows of the (last) header row
    fields: dict[int, str]  # column index → field
    headers: dict[int, str]  # column index → header text as written
    ignored: tuple[str, ...]  # headers nobody mapped

    def header_of(self, field_name: str, columns: Sequence[Column]) -> str:
        for index, name in self.fields.items():
            if name == field_name:
                return self.headers[index]
        for col in columns:
            if col.field == field_name:
                return col.zh
        return field_name


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def parse_map(items: Sequence[str], columns: Sequence[Column]) -> dict[str, str]:
    """`--map COL=field` options → normalised header → field (or `skip`)."""
    from .columns import normalise_header

    known = [c.field for c in columns]
    out = {}
    for item in items:
        header, sep, target = item.partition("=")
        header, target = header.strip(), target.strip()
        if not sep or not header or not target:
            raise UsageError(
                say(
                    '--map "{item}": write it as COLUMN=field, e.g. 责任人=lead',
                    '--map "{item}"：请写成 列名=字段，例如 责任人=lead',
                    item=item,
                )
            )
        if target != SKIP and target not in known:
            raise UsageError(
                say(
                    '--map "{item}": no field {target!r}{hint}; fields: {fields}, or {skip}',
                    '--map "{item}"：没有字段 {target!r}{hint}；可用的字段：{fields}，或 {skip}',
                    item=item,
                    target=target,
                    hint=did_you_mean(target, known),
                    fields=joined(known),
                    skip=SKIP,
                )
            )
        out[normalise_header(header)] = target
    return out


def find_layout(
    table: Table, columns: Sequence[Column], mapping: dict[str, str] | None = None
) -> SheetLayout | None:
    """The first row with at least two known headers, and a sub-header row under it."""
    from .columns import normalise_header

    index = header_index(tuple(columns))
    mapping = mapping or {}

    def known(cell: Cell) -> tuple[str, int] | None:
        text = _text(cell)
        mapped = mapping.get(normalise_header(text))
        if mapped is not None:
            return (mapped, -1)  # the user's word beats every alias
        return match_header(text, index) if text else None

    for pos, (_, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        hits = {i: known(c) for i, c in enumerate(cells)}
        if sum(1 for h in hits.values() if h is not None) < MIN_KNOWN_HEADERS:
            continue
        headers = {i: _text(c) for i, c in enumerate(cells) if _text(c)}
        # Two-level headers: 责任单位 over 牵头单位 | 配合单位.  A row right under the header
        # whose every filled cell is a known header names those columns more exactly.
        if pos + 1 < len(table.rows):
            below = table.rows[pos + 1][1]
            filled = {i: c for i, c in enumerate(below) if _text(c)}
            sub = {i: known(c) for i, c in filled.items()}
            if filled and all(h is not None for h in sub.values()):
                for i, h in sub.items():
                    hits[i] = h
                    headers[i] = _text(filled[i])
                pos += 1
        best: dict[str, tuple[int, int]] = {}  # field → (rank, column)
        for i, h in hits.items():
            if h is None or h[0] == SKIP:
                continue
            name, rank = h
            if name == "notes":
                continue  # several notes columns are joined, not ranked
            if name not in best or rank < best[name][0]:
                best[name] = (rank, i)
        fields = {i: name for name, (_, i) in best.items()}
        fields.update({i: h[0] for i, h in hits.items() if h is not None and h[0] == "notes"})
        skipped = {i for i, h in hits.items() if h is not None and h[0] == SKIP}
        ignored = tuple(headers[i] for i in sorted(headers) if i not in fields and i not in skipped)
        return SheetLayout(table, pos, fields, headers, ignored)
    return None


# --------------------------------------------------------------------------- cells


class CellError(ValueError):
    pass


def _cannot(cell: Cell) -> CellError:
    text = _text(cell)
    shown = text if len(text) <= 40 else text[:37] + "…"
    return CellError(say('cannot read "{text}"', "无法识别“{text}”", text=shown))


def unformula(text: str) -> str:
    """Undo export's formula guard: `'=1+1` was written for `=1+1`."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def text_value(cell: Cell) -> str:
    return unformula(_text(cell))


_LIST_SPLIT = re.compile(r"\s*(?:\r?\n|[;；])\s*")
_NAMES_SPLIT = re.compile(r"\s*(?:\r?\n|[;；、，,])\s*")


def list_value(cell: Cell, field_name: str) -> list[str]:
    text = text_value(cell)
    if not text:
        return []
    # Department names never hold 、 or a comma, so 配合单位 "市委党校、各县市区" is two;
    # a measure or a file name may, so those split on lines and semicolons only.
    pattern = _NAMES_SPLIT if field_name in ("partners", "indicators") else _LIST_SPLIT
    return [unformula(p) for p in pattern.split(text) if p]


def excel_serial(number: float) -> dt.date:
    # Excel's day 1 is 1900-01-01 and it counts a 1900-02-29 that never was: from day 61
    # on, day n is 1899-12-30 + n.
    if not 61 <= number < 2958466:
        raise CellError(say("cannot read {n:g} as a date", "无法将 {n:g} 识别为日期", n=number))
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(number))


def _month_end(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise CellError(say("no month {month}", "没有{month}月", month=month))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_DATE_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]00:00(?::00)?)?$"), "ymd"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"), "ymd"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(?:底|末|份)?$"), "ym"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})年?(?:年底|年末|底|末)?$"), "y"),
    (re.compile(r"^(\d{4})年上半年(?:末)?$"), "h1"),
    (re.compile(r"^(\d{4})年下半年(?:末)?$"), "y"),
    (re.compile(r"^(\d{4})年第?([1-4一二三四])季度(?:末|底)?$"), "q"),
]
_DEADLINE_SUFFIX = re.compile(r"(?:之前|以前|前|止|为止)$")


def date_text(text: str) -> dt.date:
    """A date as people write it in a 台账: 2025-09-30, 2025/9/30, 2025年9月30日,
    2025年底前 (→ 12-31), 2025年6月底前 (→ 06-30), 2025年上半年, 2025年三季度."""
    t = unicodedata.normalize("NFKC", text).strip().lower()
    t = re.sub(r"\s+", "", t)
    t = _DEADLINE_SUFFIX.sub("", t)
    for pattern, form in _DATE_FORMS:
        m = pattern.match(t)
        if not m:
            continue
        year = int(m.group(1))
        try:
            match form:
                case "ymd":
                    return dt.date(year, int(m.group(2)), int(m.group(3)))
                case "ym":
                    return _month_end(year, int(m.group(2)))
                case "y":
                    return dt.date(year, 12, 31)
                case "h1":
                    return dt.date(year, 6, 30)
                case _:
                    quarter = _CN_DIGITS.get(m.group(2)) or int(m.group(2))
                    return _month_end(year, quarter * 3)
        except ValueError:
            break  # 2025-02-30: shaped like a date, but no such day
    if re.fullmatch(r"\d{5}(?:\.0+)?", t):
        return excel_serial(float(t))  # a serial date that lost its format in a CSV
    raise CellError(say('cannot read "{text}"', "无法识别“{text}”", text=text.strip()))


ONGOING = "ongoing"


def date_value(cell: Cell, *, deadline: bool = False) -> dt.date | str | None:
    """A date cell: a real date, an Excel serial number, or text; 长期坚持 for a deadline."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, bool):
        raise _cannot(cell)
    if isinstance(cell, int | float):
        return excel_serial(cell)
    text = _text(cell)
    if deadline and unicodedata.normalize("NFKC", text).strip().lower() in ONGOING_WORDS:
        return ONGOING
    try:
        return date_text(text)
    except CellError:
        raise _cannot(cell) from None


def _is_percent(number_format: str | None) -> bool:
    # `0%` scales (0.6 shows as 60%); `0"%"` (rectify's own export) only adds the sign.
    return bool(number_format) and "%" in re.sub(r'"[^"]*"', "", number_format or "")


def progress_value(cell: Cell, number_format: str | None = None) -> int | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    number: float
    if isinstance(cell, bool):
        raise _cannot(cell)
    if isinstance(cell, int | float):
        number = cell * 100 if _is_percent(number_format) else cell
    else:
        text = unicodedata.normalize("NFKC", _text(cell)).replace(" ", "")
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?)%?", text)
        if not m:
            raise _cannot(cell)
        number = float(m.group(1))
    if abs(number - round(number)) > 1e-6:
        raise CellError(
            say(
                "{got} is not a whole number from 0 to 100",
                "{got} 不是 0 到 100 之间的整数",
                got=_text(cell),
            )
        )
    value = round(number)
    if not 0 <= value <= 100:
        raise CellError(
            say("{got} is not between 0 and 100", "{got} 不在 0 到 100 之间", got=_text(cell))
        )
    return value


def _shows_decimals(number_format: str | None) -> bool:
    return bool(number_format) and bool(re.search(r"\.0", number_format or ""))


def number_value(cell: Cell, number_format: str | None = None) -> int | float | None:
    """A figure: an int stays an int and a decimal a float, as the ledger prints them as
    written (30, but 15.0); a whole number shown with decimals (`0.0`) was a float."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise _cannot(cell)
    if isinstance(cell, int):
        return float(cell) if _shows_decimals(number_format) else cell
    if isinstance(cell, float):
        return cell
    text = unicodedata.normalize("NFKC", text_value(cell)).replace(" ", "").replace(",", "")
    if not re.fullmatch(r"[-+]?\d+(?:\.\d+)?", text):
        raise _cannot(cell)
    return float(text) if "." in text else int(text)


def count_value(cell: Cell) -> int | None:
    """A whole number (a rank, a count of digits)."""
    number = number_value(cell)
    if number is None:
        return None
    if isinstance(number, float):
        if not number.is_integer():
            raise CellError(say("{got} is not a whole number", "{got} 不是整数", got=_text(cell)))
        return int(number)
    return number


def status_value(cell: Cell) -> Status | None:
    text = text_value(cell)
    if not text:
        return None
    try:
        return Status.parse(unicodedata.normalize("NFKC", text))
    except ValueError:
        labels = "、".join(STATUS_ZH[s] for s in Status)
        raise CellError(
            say(
                'cannot read "{text}" as a status; use {labels} (or {values})',
                "无法将“{text}”识别为状态；请填写{labels}",
                text=text,
                labels=labels,
                values=", ".join(Status),
            )
        ) from None


# --------------------------------------------------------------------------- rows → tasks


@dataclass(frozen=True)
class Row:
    """One data row read into field values (only the fields the sheet has columns for)."""

    number: int
    values: dict[str, Any]
    # Fields whose cell could not be read: already reported, so the model's complaint that
    # the same field is missing would only repeat it.
    unreadable: frozenset[str] = frozenset()


@dataclass
class Problems:
    items: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet, row, text)

    def add(self, sheet: str, row: int, header: str | None, message: str) -> None:
        where = say("row {row}", "第{row}行", row=row)
        if header:
            where += say(", {header}", "，{header}", header=header)
        self.items.append(
            (
                sheet,
                row,
                say("{where}: {message}", "{where}：{message}", where=where, message=message),
            )
        )

    def lines(self, multi_sheet: bool) -> list[str]:
        # By sheet and row, as a person works down the sheet; a row's own problems in order.
        sheets = list(dict.fromkeys(s for s, _, _ in self.items))  # the tasks sheet first
        ordered = sorted(self.items, key=lambda item: (sheets.index(item[0]), item[1]))
        sep = say(": ", "：")
        return [f"{s}{sep}{t}" if multi_sheet else t for s, _, t in ordered]


_SECTION_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]+|\d+|[（(][一二三四五六七八九十\d]+[)）])[、.．)）]?\s*"
)
_SECTION_COUNT = re.compile(r"[（(](?:共)?\d+项(?:任务)?[)）]$")


def _section_name(text: str) -> str:
    """「一、聚焦守护蓝天发力（5项）」 → 聚焦守护蓝天发力: a row naming the next rows' aspect."""
    return _SECTION_COUNT.sub("", _SECTION_NUMBER.sub("", text.strip())).strip()


def read_rows(
    layout: SheetLayout, columns: Sequence[Column], problems: Problems, *, sections: bool
) -> tuple[list[Row], int]:
    """Each data row's cells parsed by kind; bad cells go to `problems`.  With `sections`,
    a row with one filled cell (「一、大气污染防治」) names the aspect of the rows below it.
    Returns the rows and how many were skipped as blank or section rows."""
    kinds = {c.field: c for c in columns}
    table = layout.table
    out: list[Row] = []
    skipped = 0
    section: str | None = None
    for number, cells in table.rows[layout.header_row + 1 :]:
        filled = [(i, c) for i, c in enumerate(cells) if _text(c)]
        mapped = [(i, c) for i, c in filled if i in layout.fields]
        if not mapped:
            skipped += bool(filled)
            continue
        section_like = len(filled) == 1 and not isinstance(filled[0][1], BadCell)
        if section_like and "title" not in {layout.fields[i] for i, _ in mapped}:
            skipped += 1
            if sections and isinstance(filled[0][1], str):
                section = _section_name(filled[0][1]) or section
            continue
        values: dict[str, Any] = {}
        notes: list[str] = []
        unreadable: set[str] = set()
        for i, name in layout.fields.items():
            cell = cells[i] if i < len(cells) else None
            col = kinds[name]
            try:
                value = _read_cell(cell, col, table.formats.get((number, i)))
            except CellError as exc:
                problems.add(table.name, number, layout.headers.get(i, col.zh), str(exc))
                unreadable.add(name)
                continue
            if name == "notes":
                if value:
                    notes.append(value)
            elif value not in (None, "", []):
                values[name] = value
        if notes:
            values["notes"] = "\n".join(notes)
        if section and "aspect" not in values and "aspect_name" not in values:
            values["aspect_name"] = section
        out.append(Row(number, values, frozenset(unreadable)))
    return out, skipped


def _read_cell(cell: Cell, col: Column, number_format: str | None) -> Any:
    if isinstance(cell, BadCell):  # an Excel error, or a formula whose value is not saved
        raise CellError(cell.problem())
    match col.kind:
        case "date":
            return date_value(cell)
        case "deadline":
            return date_value(cell, deadline=True)
        case "status":
            return status_value(cell)
        case "int":
            return progress_value(cell, number_format)
        case "count":
            return count_value(cell)
        case "number":
            return number_value(cell, number_format)
        case "list":
            return list_value(cell, col.field)
        case _:
            return text_value(cell)


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class TaskChange:
    before: Task
    after: Task  # without the new log entry, as edit.Plan wants it
    changes: tuple[str, ...]
    row: int
    entry: LogEntry  # the log entry recording what the import changed

    def plan(self) -> Plan[Task]:
        return Plan(self.before, self.after, self.changes, self.entry.note, self.entry)


@dataclass(frozen=True)
class NewTask:
    task: Task
    row: int


@dataclass(frozen=True)
class NewIndicator:
    indicator: Indicator
    row: int


@dataclass(frozen=True)
class IndicatorChange:
    before: Indicator
    after: Indicator
    changes: tuple[str, ...]
    row: int

    def plan(self) -> Plan[Indicator]:
        return Plan(self.before, self.after, self.changes)


@dataclass
class IndicatorPlan:
    """What an indicators sheet adds to indicators.toml and changes in it."""

    sheet: str
    new: list[NewIndicator] = field(default_factory=list)
    updated: list[IndicatorChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)


@dataclass
class ImportPlan:
    source: str
    sheet: str
    new: list[NewTask] = field(default_factory=list)
    updated: list[TaskChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    aspects: list[Aspect] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    indicators: IndicatorPlan | None = None  # None: the file has no indicators sheet

    @property
    def tasks_changed(self) -> bool:
        return bool(self.new or self.updated or self.aspects)

    @property
    def changed(self) -> bool:
        return self.tasks_changed or (self.indicators is not None and self.indicators.changed)


@dataclass(frozen=True)
class ImportOptions:
    update: bool = False
    aspect: str | None = None  # default aspect id for rows without one
    mapping: tuple[str, ...] = ()
    sheet: str | None = None
    today: dt.date = field(default_factory=dt.date.today)  # the date of an update's log entry


_FIELD_ORDER = tuple(Task.model_fields)


def _aspect_resolver(ledger: Ledger, default: str | None) -> tuple[dict[str, str], dict[str, str]]:
    by_id = {a.id: a.name for a in ledger.aspects}
    by_name = {a.name: a.id for a in ledger.aspects}
    if default is not None and default not in by_id:
        if default in by_name:
            return by_id, by_name
        known = list(by_id)
        hint = did_you_mean(default, known) or (
            say("; known aspects: {known}", "；已有方面：{known}", known=joined(known))
            if known
            else say("; the ledger has no aspects yet", "；台账还没有问题方面")
        )
        raise UsageError(
            say(
                "--aspect: no aspect {aspect!r} in the ledger{hint}",
                "--aspect：台账中没有问题方面 {aspect!r}{hint}",
                aspect=default,
                hint=hint,
            )
        )
    return by_id, by_name


def _best_layout(tables: list[Table], mapping: dict[str, str]) -> SheetLayout | None:
    best = None
    for table in tables:
        found = find_layout(table, TASK_COLUMNS, mapping)
        if found is not None and (best is None or len(found.fields) > len(best.fields)):
            best = found
    return best


def plan_import(ledger: Ledger, path: Path, options: ImportOptions) -> ImportPlan:
    """Everything the import would do, or ImportInvalid listing every bad row."""
    shown = display_path(path)
    tables, hidden = read_tables(path, options.sheet)
    mapping = parse_map(options.mapping, TASK_COLUMNS)
    # The tasks sheet is the one whose header rectify knows best (a log or indicators
    # sheet shares a few headers with it); --sheet names it outright.
    layout = _best_layout(tables[:1] if options.sheet is not None else tables, mapping)
    if layout is None and options.sheet is None:
        # A sheet nobody sees is read only when named, but the one that has the headers
        # is worth naming.
        found = _best_layout(hidden, mapping)
        if found is not None:
            name = found.table.name
            raise ImportUnreadable(
                say(
                    "{path}: no header row found in the visible sheets; the hidden sheet "
                    "{sheet!r} has one: unhide it in Excel, or import it with --sheet {arg}",
                    "{path}：可见的工作表中找不到表头行；隐藏的工作表 {sheet!r} 中有表头："
                    "请在 Excel 中取消隐藏，或加 --sheet {arg} 导入它",
                    path=shown,
                    sheet=name,
                    arg=name if re.fullmatch(r"[\w.-]+", name) else f'"{name}"',
                )
            )
    if layout is None:
        where = (
            say("sheet {sheet!r}", "工作表 {sheet!r}", sheet=options.sheet)
            if options.sheet
            else shown
        )
        raise ImportUnreadable(
            say(
                "{where}: no header row found (looked for a row with two or more of "
                "编号/序号, 整改任务/问题, 牵头单位, 整改时限, 状态 …); use --map COLUMN=field "
                "for headers rectify does not know",
                "{where}：找不到表头行（要找的是含有编号/序号、整改任务/问题、牵头单位、"
                "整改时限、状态等列名中两个以上的一行）；无法识别的列名请用 --map 列名=字段 指定",
                where=where,
            )
        )
    present = set(layout.fields.values())
    missing = [f for f in ("id", "title", "lead") if f not in present]
    if missing:
        wanted = joined(
            [
                say("{zh} ({field})", "{zh}（{field}）", zh=c.zh, field=c.field)
                for c in TASK_COLUMNS
                if c.field in missing
            ]
        )
        raise ImportUnreadable(
            say(
                "{path}: no column for {wanted}; the headers are {headers}; "
                "name one with --map COLUMN=field",
                "{path}：缺少列：{wanted}；现有表头为：{headers}；请用 --map 列名=字段 指定",
                path=shown,
                wanted=wanted,
                headers=joined(list(layout.headers.values())),
            )
        )
    by_id, by_name = _aspect_resolver(ledger, options.aspect)
    default_aspect = options.aspect
    if default_aspect is not None and default_aspect not in by_id:
        default_aspect = by_name[default_aspect]
    has_aspect_column = bool({"aspect", "aspect_name"} & present)

    problems = Problems()
    rows, _ = read_rows(layout, TASK_COLUMNS, problems, sections=not has_aspect_column)
    plan = ImportPlan(shown, layout.table.name)
    plan.ignored_columns = layout.ignored

    def header(name: str) -> str:
        return layout.header_of(name, TASK_COLUMNS)

    existing = {t.id: t for t in ledger.tasks}
    seen: dict[str, int] = {}
    new_aspects: dict[str, str] = {}  # id → name
    next_aspect = _aspect_counter(by_id)
    built: list[tuple[Row, dict[str, Any]]] = []
    for row in rows:
        values = dict(row.values)
        ident = values.get("id")
        if ident is None:
            if "id" not in row.unreadable:  # an unreadable id is reported already
                problems.add(
                    layout.table.name,
                    row.number,
                    header("id"),
                    say("empty; a task needs an id", "为空；任务必须有编号"),
                )
            continue
        if ident in seen:
            problems.add(
                layout.table.name,
                row.number,
                header("id"),
                _also_on(ident, seen[ident]),
            )
            continue
        seen[ident] = row.number
        if ident in existing and not options.update:
            problems.add(
                layout.table.name,
                row.number,
                header("id"),
                say(
                    "task {id} already exists; pass --update to update it",
                    "任务 {id} 已存在；要更新它请加 --update",
                    id=ident,
                ),
            )
            continue
        # Which aspect: an id or a name the ledger knows, a new one the sheet names, or
        # --aspect; an existing task being updated keeps its own when the row has none.
        aspect_id, aspect_name = values.pop("aspect", None), values.pop("aspect_name", None)
        try:
            resolved = _resolve_aspect(
                aspect_id, aspect_name, by_id, by_name, new_aspects, next_aspect
            )
        except CellError as exc:
            which = "aspect" if aspect_id is not None else "aspect_name"
            problems.add(layout.table.name, row.number, header(which), str(exc))
            continue
        if resolved is None and ident not in existing:  # --aspect never moves a task
            resolved = default_aspect
        if resolved is None and ident not in existing:
            if {"aspect", "aspect_name"} & row.unreadable:
                continue  # reported already
            problems.add(
                layout.table.name,
                row.number,
                header("aspect_name"),
                say(
                    "empty; pass --aspect ID for rows without an aspect",
                    "为空；没有问题方面的行请用 --aspect 方面编号 指定",
                ),
            )
            continue
        if resolved is not None:
            values["aspect"] = resolved
        if values.pop("deadline", None) == ONGOING:
            values["ongoing"] = True
        elif "deadline" in row.values:
            values["deadline"] = row.values["deadline"]
            values["ongoing"] = False
        built.append((row, values))

    logs = _read_logs(tables, layout.table, problems)
    indicators = _plan_indicators(ledger, tables, layout.table, problems, options.update)
    for row, values in built:
        ident = values["id"]
        record = existing.get(ident)
        before = None if record is None else Task.model_validate(as_dict(record))
        if before is None:
            data = {k: values[k] for k in _FIELD_ORDER if k in values and values[k] is not False}
            data["log"] = logs.get(ident, [])
        else:
            # The sheet is the truth for the cells it fills; an empty cell keeps the value.
            data = before.model_dump()
            data.update(values)
            if values.get("ongoing"):
                data["deadline"] = None
        try:
            task = Task.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                name, message = _row_message(err)
                if name not in row.unreadable:
                    problems.add(layout.table.name, row.number, header(name), message)
            continue
        if before is None:
            plan.new.append(NewTask(task, row.number))
        else:
            changes = _changes(before, task)
            if changes:
                entry = LogEntry(
                    date=options.today,
                    status=task.status if task.status != before.status else None,
                    progress=task.progress if task.progress != before.progress else None,
                    note=label("import.log_note", ledger.meta.lang, file=path.name),
                    changes=list(changes),
                )
                plan.updated.append(TaskChange(before, task, changes, row.number, entry))
            else:
                plan.unchanged.append(ident)
    if problems.items:
        sheets = {s for s, _, _ in problems.items}
        # A row number alone points at the tasks sheet; another sheet's rows say which.
        named = len(sheets) > 1 or layout.table.name not in sheets
        raise ImportInvalid(shown, problems.lines(named))
    plan.aspects = [Aspect(id=i, name=n) for i, n in new_aspects.items()]
    plan.indicators = indicators
    plan.warnings = _warnings(ledger, plan, header)
    return plan


def _aspect_counter(by_id: dict[str, str]) -> list[int]:
    numbers = [int(m.group(1)) for a in by_id if (m := re.fullmatch(r"A(\d+)", a))]
    return [max(numbers, default=0)]


def _resolve_aspect(
    aspect_id: str | None,
    aspect_name: str | None,
    by_id: dict[str, str],
    by_name: dict[str, str],
    new: dict[str, str],
    counter: list[int],
) -> str | None:
    new_by_name = {n: i for i, n in new.items()}
    for value in (aspect_id, aspect_name):
        if value is None:
            continue
        if value in by_id or value in new:
            known_name = by_id.get(value) or new.get(value)
            if value == aspect_id and aspect_name is not None and known_name != aspect_name:
                # import adds aspects but never renames one: that is a hand edit.
                raise CellError(
                    say(
                        "aspect {id} is named {known!r}, not {name!r}",
                        "问题方面 {id} 的名称是 {known!r}，不是 {name!r}",
                        id=value,
                        known=known_name,
                        name=aspect_name,
                    )
                )
            return value
        if value in by_name:
            return by_name[value]
        if value in new_by_name:
            return new_by_name[value]
    if aspect_id is not None and aspect_name is not None:
        if not re.fullmatch(r"[^\s/\\:]+", aspect_id):
            raise CellError(
                say(
                    '"{id}" is not a usable id: no spaces, slashes or colons',
                    "“{id}”不能用作编号：不能含空格、斜杠或冒号",
                    id=aspect_id,
                )
            )
        new[aspect_id] = aspect_name
        return aspect_id
    if aspect_name is not None:
        close = did_you_mean(aspect_name, list(by_name))
        if close:  # a typo of a known aspect, not a new one
            raise CellError(
                say(
                    "no aspect {name!r}{hint}",
                    "没有问题方面 {name!r}{hint}",
                    name=aspect_name,
                    hint=close,
                )
            )
        counter[0] += 1
        while f"A{counter[0]}" in by_id or f"A{counter[0]}" in new:
            counter[0] += 1
        new[f"A{counter[0]}"] = aspect_name
        return f"A{counter[0]}"
    if aspect_id is not None:
        known = joined([f"{i} {n}" for i, n in by_id.items()]) or say("none yet", "尚无")
        raise CellError(
            say(
                "no aspect {id!r}{hint}; known: {known}",
                "没有问题方面 {id!r}{hint}；已有：{known}",
                id=aspect_id,
                hint=did_you_mean(aspect_id, list(by_id)),
                known=known,
            )
        )
    return None


def _row_message(err: Any) -> tuple[str, str]:
    """(field, message) for one Pydantic error on a task built from a row."""
    loc = tuple(err["loc"])
    if not loc:  # the model validator: deadline or ongoing
        text = str(err["msg"]).removeprefix("Value error, ")
        if "needs a deadline" in text or "需要 deadline" in text:
            return "deadline", say(
                "empty; an open task needs a deadline or 长期坚持",
                "为空；未完成的任务须填写整改时限或“长期坚持”",
            )
        return "deadline", text
    _, message = describe_error(err, {})
    name = str(loc[0])
    # describe_error names the field first (`lead: `, in Chinese `lead（牵头单位）：`); the row's
    # header names it here instead.
    prefix = ".".join(str(p) for p in loc) + ": "
    if spoken() == "zh" and len(loc) == 1:
        prefix = field_name(name) + "："
    return name, message.removeprefix(prefix)


def _changes(before: Task | Indicator, after: Task | Indicator) -> tuple[str, ...]:
    out = []
    for name in type(before).model_fields:
        if name in ("log", "history"):
            continue
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            out.append(change_text(name, old, new))
    return tuple(out)


def _read_logs(
    tables: list[Table], tasks_table: Table, problems: Problems
) -> dict[str, list[LogEntry]]:
    """Log entries from a log sheet (rectify's own export writes one), by task id."""
    out: dict[str, list[LogEntry]] = {}
    for table in tables:
        if table is tasks_table:
            continue
        layout = find_layout(table, LOG_COLUMNS)
        if layout is None or not {"task", "date"} <= set(layout.fields.values()):
            continue
        rows, _ = read_rows(layout, LOG_COLUMNS, problems, sections=False)
        for row in rows:
            values = dict(row.values)
            ident = values.pop("task", None)
            try:
                entry = LogEntry.model_validate(values)
            except ValidationError as exc:
                for err in exc.errors():
                    name, message = _row_message(err)
                    if name not in row.unreadable:
                        header = layout.header_of(name, LOG_COLUMNS)
                        problems.add(table.name, row.number, header, message)
                continue
            if ident:
                out.setdefault(ident, []).append(entry)
        break
    return out


def _plan_indicators(
    ledger: Ledger,
    tables: list[Table],
    tasks_table: Table,
    problems: Problems,
    update: bool,
) -> IndicatorPlan | None:
    """The indicators of an indicators sheet (rectify's own export writes one): new ids
    added, existing ones updated only with --update (an empty cell keeps the value; the
    history, which no sheet holds, is kept)."""
    wanted = {"id", "name", "better"}
    for table in tables:
        if table is tasks_table:
            continue
        layout = find_layout(table, INDICATOR_COLUMNS)
        if layout is not None and wanted <= set(layout.fields.values()):
            break
    else:
        return None
    plan = IndicatorPlan(table.name)
    existing = {i.id: i for i in ledger.indicators}
    rows, _ = read_rows(layout, INDICATOR_COLUMNS, problems, sections=False)
    seen: dict[str, int] = {}

    def header(name: str) -> str:
        return layout.header_of(name, INDICATOR_COLUMNS)

    for row in rows:
        values = dict(row.values)
        ident = values.get("id")
        if ident is None:
            if "id" not in row.unreadable:
                problems.add(
                    table.name,
                    row.number,
                    header("id"),
                    say("empty; an indicator needs an id", "为空；指标必须有编号"),
                )
            continue
        if ident in seen:
            problems.add(table.name, row.number, header("id"), _also_on(ident, seen[ident]))
            continue
        seen[ident] = row.number
        record = existing.get(ident)
        before = None if record is None else Indicator.model_validate(as_dict(record))
        if before is not None and not update:
            problems.add(
                table.name,
                row.number,
                header("id"),
                say(
                    "indicator {id} already exists; pass --update to update it",
                    "指标 {id} 已存在；要更新它请加 --update",
                    id=ident,
                ),
            )
            continue
        data = before.model_dump() if before is not None else {}
        data.update(values)
        try:
            indicator = Indicator.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                name, message = _row_message(err)
                if name not in row.unreadable:
                    problems.add(table.name, row.number, header(name), message)
            continue
        if before is None:
            plan.new.append(NewIndicator(indicator, row.number))
        elif changes := _changes(before, indicator):
            plan.updated.append(IndicatorChange(before, indicator, changes, row.number))
        else:
            plan.unchanged.append(ident)
    return plan


def _warnings(ledger: Ledger, plan: ImportPlan, header: Any) -> list[str]:
    """What `rectify check` will flag later, said now, without refusing the import."""
    known = {i.id for i in ledger.indicators}
    if plan.indicators is not None:
        known |= {n.indicator.id for n in plan.indicators.new}
    out = []
    unknown: dict[str, None] = {}  # ordered set
    items = [(n.task, n.row) for n in plan.new] + [(u.after, u.row) for u in plan.updated]
    for task, row in items:
        unknown.update((i, None) for i in task.indicators if i not in known)
        if lacks_completed_on(task.status, task.completed_on):
            out.append(
                say(
                    "row {row}, {header}: empty for a finished task",
                    "第{row}行，{header}：已完成的任务未填完成日期",
                    row=row,
                    header=header("completed_on"),
                )
            )
    if unknown:
        ids = list(unknown)
        shown = joined(ids[:5])
        if len(ids) > 5:
            # Chinese counts them all (甲、乙等7项), English the ones left out.
            shown += say(" and {more} more", "等{total}项", more=len(ids) - 5, total=len(ids))
        out.append(
            say(
                "{header}: {ids} not in indicators.toml yet; add them there first, "
                "or in the workbook's 指标 sheet",
                "{header}：{ids} 尚未列入 indicators.toml；请先在其中添加，"
                "或在导入文件的“指标”工作表中列出",
                header=header("indicators"),
                ids=shown,
            )
        )
    return out


def _also_on(ident: str, row: int) -> str:
    return say("{id} is also on row {row}", "{id} 与第{row}行重复", id=ident, row=row)
