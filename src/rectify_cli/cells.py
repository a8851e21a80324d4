"""Parsing one cell as people fill it in a 台账: dates as they type them (2025/9/30,
2025年底前, 长期坚持, Excel serial numbers), progress, figures and counts, statuses and lists,
each refused with a `CellError` that says what could not be read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from .columns import Column
from .i18n import say
from .kinds import STATUS_ZH, Status
from .sheets import BadCell, Cell
from .textfmt import percent_text

ONGOING_WORDS = frozenset({"长期坚持", "长期", "持续推进", "长期推进", "常态化", "ongoing"})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(cell: Cell) -> str:
    """A cell as the text a person sees in it: 30 not 30.0, a date without its midnight."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


class CellError(ValueError):
    """A cell that cannot be read; the message says what was in it and why."""


def _cannot(cell: Cell) -> CellError:
    text = cell_text(cell)
    shown = text if len(text) <= 40 else text[:37] + "…"
    return CellError(say('cannot read "{text}"', "无法识别“{text}”", text=shown))


def unformula(text: str) -> str:
    """Undo export's formula guard: `'=1+1` was written for `=1+1`."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def text_value(cell: Cell) -> str:
    return unformula(cell_text(cell))


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


def month_end(year: int, month: int) -> dt.date:
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


def date_text(text: str, *, day_only: bool = False) -> dt.date:
    """A date as people write it in a 台账: 2025-09-30, 2025/9/30, 2025.9.30, 2025年9月30日,
    2025年底前 (→ 12-31), 2025年6月底前 (→ 06-30), 2025年上半年, 2025年三季度.

    `day_only` reads a single day alone (the first forms): an entry's or a filter's date,
    where "2025" read as 2025-12-31 would be a guess, not what was typed."""
    t = unicodedata.normalize("NFKC", text).strip().lower()
    t = re.sub(r"\s+", "", t)
    if not day_only:
        t = _DEADLINE_SUFFIX.sub("", t)
    for pattern, form in _DATE_FORMS:
        if day_only and form != "ymd":
            continue
        m = pattern.match(t)
        if not m:
            continue
        year = int(m.group(1))
        try:
            match form:
                case "ymd":
                    return dt.date(year, int(m.group(2)), int(m.group(3)))
                case "ym":
                    return month_end(year, int(m.group(2)))
                case "y":
                    return dt.date(year, 12, 31)
                case "h1":
                    return dt.date(year, 6, 30)
                case _:
                    quarter = _CN_DIGITS.get(m.group(2)) or int(m.group(2))
                    return month_end(year, quarter * 3)
        except ValueError:
            break  # 2025-02-30: shaped like a date, but no such day
    if not day_only and re.fullmatch(r"\d{5}(?:\.0+)?", t):
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
    text = cell_text(cell)
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
        read = percent_text(cell_text(cell))
        if read is None:
            raise _cannot(cell)
        number = read
    if abs(number - round(number)) > 1e-6:
        raise CellError(
            say(
                "{got} is not a whole number from 0 to 100",
                "{got} 不是 0 到 100 之间的整数",
                got=cell_text(cell),
            )
        )
    value = round(number)
    if not 0 <= value <= 100:
        raise CellError(
            say("{got} is not between 0 and 100", "{got} 不在 0 到 100 之间", got=cell_text(cell))
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
            raise CellError(
                say("{got} is not a whole number", "{got} 不是整数", got=cell_text(cell))
            )
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


def read_cell(cell: Cell, col: Column, number_format: str | None) -> Any:
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
