"""The sheets beside the tasks sheet that `rectify export` writes: log entries from a log
sheet, and the plan for an indicators sheet (new indicators, and changes with --update).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from .columns import INDICATOR_COLUMNS, LOG_COLUMNS
from .edit_rules import Plan
from .headers import find_layout
from .i18n import say
from .models import Indicator, LogEntry
from .records import Ledger, as_dict
from .rows import Problems, also_on, model_changes, read_rows, row_message
from .sheets import Table


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


def read_logs(
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
        rows = read_rows(layout, LOG_COLUMNS, problems, sections=False)
        for row in rows:
            values = dict(row.values)
            ident = values.pop("task", None)
            try:
                entry = LogEntry.model_validate(values)
            except ValidationError as exc:
                for err in exc.errors():
                    name, message = row_message(err)
                    if name not in row.unreadable:
                        header = layout.header_of(name, LOG_COLUMNS)
                        problems.add(table.name, row.number, header, message)
                continue
            if ident:
                out.setdefault(ident, []).append(entry)
        break
    return out


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
        data = before.model_dump() if before is not None else {}
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
