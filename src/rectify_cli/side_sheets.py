"""The sheets beside the tasks sheet that `rectify export` writes: log entries from a log
sheet, and the plan for an indicators sheet (new indicators, and changes with --update).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .columns import (
    ASPECT_COLUMNS,
    HISTORY_COLUMNS,
    INDICATOR_COLUMNS,
    LEDGER_COLUMNS,
    LOG_COLUMNS,
    PETITION_COLUMNS,
    PETITION_LOG_COLUMNS,
    Column,
)
from .edit_rules import Plan
from .headers import SheetLayout, find_layout
from .i18n import say
from .models import (
    Indicator,
    LedgerMeta,
    LogEntry,
    Petition,
    PetitionFile,
    PetitionLogEntry,
    PetitionSummary,
    Reading,
)
from .records import Ledger, as_dict
from .rows import Problems, Row, also_on, model_changes, read_rows, row_message
from .sheets import Table
from .textfmt import change_text


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


def find_sheet(
    tables: list[Table],
    tasks_table: Table,
    columns: Sequence[Column],
    wanted: set[str],
    taken: Sequence[Table] = (),
) -> SheetLayout | None:
    """The first sheet beside the tasks sheet (and those `taken` already) whose header has
    every `wanted` field."""
    for table in tables:
        if table is tasks_table or any(table is t for t in taken):
            continue
        layout = find_layout(table, columns)
        if layout is not None and wanted <= set(layout.fields.values()):
            return layout
    return None


def _validated(
    model: type[BaseModel],
    values: dict[str, Any],
    layout: SheetLayout,
    columns: Sequence[Column],
    row: Row,
    problems: Problems,
) -> Any:
    """The row as `model`, or None with every complaint kept against its cell."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        for err in exc.errors():
            name, message = row_message(err)
            if name not in row.unreadable:
                header = layout.header_of(name, columns)
                problems.add(layout.table.name, row.number, header, message)
        return None


def _items(
    tables: list[Table],
    tasks_table: Table,
    problems: Problems,
    columns: Sequence[Column],
    key: str,
    model: type[BaseModel],
    taken: Sequence[Table] = (),
) -> dict[str, list[Any]]:
    """Sub-items (log entries, readings) of a side sheet, by the id in its `key` column."""
    layout = find_sheet(tables, tasks_table, columns, {key, columns[1].field}, taken)
    out: dict[str, list[Any]] = {}
    if layout is None:
        return out
    for row in read_rows(layout, columns, problems, sections=False):
        values = dict(row.values)
        ident = values.pop(key, None)
        item = _validated(model, values, layout, columns, row, problems)
        if item is not None and ident:
            out.setdefault(ident, []).append(item)
    return out


def read_logs(
    tables: list[Table], tasks_table: Table, problems: Problems
) -> dict[str, list[LogEntry]]:
    """Log entries from a log sheet (rectify's own export writes one), by task id."""
    return _items(tables, tasks_table, problems, LOG_COLUMNS, "task", LogEntry)


def read_history(
    tables: list[Table], tasks_table: Table, problems: Problems, indicators: Table
) -> dict[str, list[Reading]]:
    """Indicators' earlier readings from a history sheet, by indicator id (never the
    indicators sheet, whose English 'Indicator' column is a name)."""
    return _items(
        tables, tasks_table, problems, HISTORY_COLUMNS, "indicator", Reading, (indicators,)
    )


def aspect_order(tables: list[Table], tasks_table: Table, problems: Problems) -> list[str]:
    """The aspect ids of an aspects sheet, in its order (the ledger's, as exported)."""
    layout = find_sheet(tables, tasks_table, ASPECT_COLUMNS, {"id", "name"})
    if layout is None:
        return []
    rows = read_rows(layout, ASPECT_COLUMNS, problems, sections=False)
    return [str(r.values["id"]) for r in rows if "id" in r.values]


def read_settings(tables: list[Table], tasks_table: Table, problems: Problems) -> dict[str, Any]:
    """The 台账信息 sheet's row: [ledger] settings and petitions.toml's keys by column field
    (`summary.total`, …); empty when the file has no such sheet."""
    layout = find_sheet(tables, tasks_table, LEDGER_COLUMNS, {"title"})
    if layout is None:
        return {}
    rows = read_rows(layout, LEDGER_COLUMNS, problems, sections=False)
    return dict(rows[0].values) if rows else {}


@dataclass(frozen=True)
class MetaPlan:
    """The [ledger] settings an import takes, and those it keeps that the sheet has else."""

    before: LedgerMeta
    after: LedgerMeta
    changes: tuple[str, ...]
    kept: tuple[str, ...]  # `field: kept (sheet: other)` lines, for the summary


def plan_meta(meta: LedgerMeta, settings: dict[str, Any], take: bool) -> MetaPlan | None:
    """The sheet's [ledger] settings: a key the ledger lacks is filled; one it has otherwise
    is taken only with `take` (--update, or a ledger with no tasks yet, as `init` makes)."""
    own = {k: v for k, v in settings.items() if "." not in k}
    if not own:
        return None
    data = meta.model_dump()
    kept = []
    for key, value in own.items():
        old = data.get(key)
        if old == value:
            continue
        if take or old is None:
            data[key] = value
        else:
            kept.append(change_text(key, value, old))
    if take:
        # A setting the sheet leaves empty is the default, as it was where it came from.
        for name, info in LedgerMeta.model_fields.items():
            if name not in own and name != "version" and name != "title":
                data[name] = info.default
    after = LedgerMeta.model_validate(data)
    changes = tuple(
        change_text(k, getattr(meta, k), getattr(after, k))
        for k in LedgerMeta.model_fields
        if getattr(meta, k) != getattr(after, k)
    )
    return MetaPlan(meta, after, changes, tuple(kept))


def read_petitions(
    tables: list[Table], tasks_table: Table, problems: Problems, settings: dict[str, Any]
) -> PetitionFile | None:
    """petitions.toml as the sheets hold it: the cases sheet, their log, and the summary and
    prefix on the 台账信息 row; None when the file holds none of it."""
    summary = {k.partition(".")[2]: v for k, v in settings.items() if k.startswith("summary.")}
    prefix = settings.get("petitions.headline_prefix")
    logs = _items(tables, tasks_table, problems, PETITION_LOG_COLUMNS, "case", PetitionLogEntry)
    layout = find_sheet(tables, tasks_table, PETITION_COLUMNS, {"id", "title"})
    cases = []
    if layout is not None:
        for row in read_rows(layout, PETITION_COLUMNS, problems, sections=False):
            values = dict(row.values)
            values["log"] = logs.get(str(values.get("id")), [])
            case = _validated(Petition, values, layout, PETITION_COLUMNS, row, problems)
            if case is not None:
                cases.append(case)
    if not (summary or prefix or cases):
        return None
    data: dict[str, Any] = {"headline_prefix": prefix, "petitions": cases}
    if summary:
        data["summary"] = PetitionSummary.model_validate(summary)
    try:
        return PetitionFile.model_validate(data)
    except ValidationError as exc:
        sheet = layout.table.name if layout is not None else tasks_table.name
        problems.add(sheet, 1, None, str(exc.errors()[0]["msg"]).removeprefix("Value error, "))
        return None


def plan_indicators(
    ledger: Ledger,
    tables: list[Table],
    tasks_table: Table,
    problems: Problems,
    update: bool,
) -> IndicatorPlan | None:
    """The indicators of an indicators sheet (rectify's own export writes one): new ids
    added, existing ones updated only with --update (an empty cell keeps the value; the
    history, which no sheet holds, is kept)."""
    layout_or_none = find_sheet(tables, tasks_table, INDICATOR_COLUMNS, {"id", "name", "better"})
    if layout_or_none is None:
        return None
    layout = layout_or_none
    table = layout.table
    history = read_history(tables, tasks_table, problems, table)
    plan = IndicatorPlan(table.name)
    existing = {i.id: i for i in ledger.indicators}
    rows = read_rows(layout, INDICATOR_COLUMNS, problems, sections=False)
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
            problems.add(table.name, row.number, header("id"), also_on(ident, seen[ident]))
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
        data = before.model_dump() if before is not None else {"history": history.get(ident, [])}
        data.update(values)
        try:
            indicator = Indicator.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                name, message = row_message(err)
                if name not in row.unreadable:
                    problems.add(table.name, row.number, header(name), message)
            continue
        if before is None:
            plan.new.append(NewIndicator(indicator, row.number))
        elif changes := model_changes(before, indicator):
            plan.updated.append(IndicatorChange(before, indicator, changes, row.number))
        else:
            plan.unchanged.append(ident)
    return plan
