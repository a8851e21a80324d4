"""Finding a sheet's header row: which row holds the headers (under title rows and a 填报单位
line), which column holds which field, `--map COLUMN=field` parsing, and the SheetLayout that
records it all.  Reading the cells under the header is `cells.py`'s and `rows.py`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cells import cell_text
from .columns import Column, header_index, match_header, normalise_header
from .errors import UsageError, did_you_mean
from .i18n import joined, say
from .sheets import Cell, Table

# Header detection looks this far down for a row with at least two known headers: title
# rows, a 填报单位 line and a blank row or two sit above it in real 台账 files.
HEADER_SEARCH_ROWS = 30
MIN_KNOWN_HEADERS = 2
SKIP = "skip"  # `--map 备注=skip` ignores a column


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


def parse_map(items: Sequence[str], columns: Sequence[Column]) -> dict[str, str]:
    """`--map COL=field` options → normalised header → field (or `skip`)."""
    known = [c.field for c in columns]
    out = {}
    for item in items:
        header, sep, target = item.partition("=")
        header, target = header.strip(), target.strip()
        if not sep or not header or not target:
            raise UsageError(
                say(
                    '--map "{item}": write it as COLUMN=field, e.g. 主办处室=lead',
                    '--map "{item}"：请写成 列名=字段，例如 主办处室=lead',
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


def derived_skips(columns: Sequence[Column]) -> dict[str, str]:
    """The headers of columns an export works out (`columns.DERIVED_TASK_COLUMNS`), each
    mapped to `skip` as `--map` would: recognised, and never read as a field."""
    return {normalise_header(h): SKIP for c in columns for h in (c.zh, c.en)}


def find_layout(
    table: Table, columns: Sequence[Column], mapping: dict[str, str] | None = None
) -> SheetLayout | None:
    """The first row with at least two known headers, and a sub-header row under it."""
    index = header_index(tuple(columns))
    mapping = mapping or {}

    def known(cell: Cell) -> tuple[str, int] | None:
        text = cell_text(cell)
        mapped = mapping.get(normalise_header(text))
        if mapped is not None:
            return (mapped, -1)  # the user's word beats every alias
        return match_header(text, index) if text else None

    for pos, (_, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        hits = {i: known(c) for i, c in enumerate(cells)}
        if sum(1 for h in hits.values() if h is not None) < MIN_KNOWN_HEADERS:
            continue
        headers = {i: cell_text(c) for i, c in enumerate(cells) if cell_text(c)}
        # Two-level headers: 责任单位 over 牵头单位 | 配合单位.  A row right under the header
        # whose every filled cell is a known header names those columns more exactly.
        # A first-level cell merged down over both rows (序号, 整改时限) repeats in the row
        # below: it continues the header, it is not a data cell.
        if pos + 1 < len(table.rows):
            below = table.rows[pos + 1][1]
            filled = {
                i: c
                for i, c in enumerate(below)
                if cell_text(c) and not (i < len(cells) and cell_text(cells[i]) == cell_text(c))
            }
            sub = {i: known(c) for i, c in filled.items()}
            if filled and all(h is not None for h in sub.values()):
                for i, h in sub.items():
                    hits[i] = h
                    headers[i] = cell_text(filled[i])
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
