"""A sheet's data rows read into field values under its header, every problem kept with its
sheet and row: `read_rows`, the `Problems` they collect, and the messages for a row the
models refuse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .cells import CellError, cell_text, read_cell, status_value
from .columns import Column, normalise_header
from .headers import SheetLayout
from .i18n import field_name, say, spoken
from .models import Indicator, Task
from .problems import describe_error
from .sheets import BadCell
from .textfmt import change_text


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
) -> list[Row]:
    """Each data row's cells parsed by kind; bad cells go to `problems`.  With `sections`,
    a row with one filled cell (「一、大气污染防治」) names the aspect of the rows below it."""
    kinds = {c.field: c for c in columns}
    table = layout.table
    out: list[Row] = []
    section: str | None = None
    for number, cells in table.rows[layout.header_row + 1 :]:
        filled = [(i, c) for i, c in enumerate(cells) if cell_text(c)]
        mapped = [(i, c) for i, c in filled if i in layout.fields]
        if not mapped:
            continue
        section_like = len(filled) == 1 and not isinstance(filled[0][1], BadCell)
        if section_like and "title" not in {layout.fields[i] for i, _ in mapped}:
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
                value = read_cell(cell, col, table.formats.get((number, i)))
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
    return out


def row_message(err: Any) -> tuple[str, str]:
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


def model_changes(before: Task | Indicator, after: Task | Indicator) -> tuple[str, ...]:
    out = []
    for name in type(before).model_fields:
        if name in ("log", "history"):
            continue
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            out.append(change_text(name, old, new))
    return tuple(out)


def also_on(ident: str, row: int) -> str:
    return say("{id} is also on row {row}", "{id} 与第{row}行重复", id=ident, row=row)


def status_by_content(layout: SheetLayout, mapped: set[str]) -> SheetLayout:
    """A notes column (完成情况, 整改情况: headers offices use for either) whose every filled
    cell is a status word (已完成, 推进中) is the status column, when the sheet has none and
    the user did not --map it."""
    if "status" in layout.fields.values():
        return layout
    for index, name in layout.fields.items():
        if name != "notes" or normalise_header(layout.headers.get(index, "")) in mapped:
            continue
        texts = [
            cell_text(cells[index])
            for _, cells in layout.table.rows[layout.header_row + 1 :]
            if index < len(cells) and cell_text(cells[index])
        ]
        if texts and all(_is_status(t) for t in texts):
            return replace(layout, fields={**layout.fields, index: "status"})
    return layout


def _is_status(text: str) -> bool:
    try:
        return status_value(text) is not None
    except CellError:
        return False


# Fields a cleared cell cannot clear: a task always has them (its row names it by them).
_NEVER_CLEARED = frozenset({"id", "aspect", "aspect_name", "title", "lead", "status", "notes"})


def cleared(layout: SheetLayout, row: Row, before: Task) -> list[str]:
    """The fields whose column the sheet has but whose cell in `row` is empty while the
    task has a value: a colleague cleared it, or never filled it."""
    out = []
    for name in dict.fromkeys(layout.fields.values()):
        if name in _NEVER_CLEARED or name in row.values or name in row.unreadable:
            continue
        if name == "deadline":
            if before.deadline is not None or before.ongoing:
                out.append(name)
        elif getattr(before, name) not in (None, "", [], False):
            out.append(name)
    return out
