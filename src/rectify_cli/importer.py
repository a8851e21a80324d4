"""Plan an import: a 台账 spreadsheet (xlsx or CSV) read into new and updated tasks, new
aspects and indicators, every bad row reported before anything is written.  Reading the file
is `sheets.py`'s job, finding its header `headers.py`'s, parsing its cells `cells.py`'s and
its rows `rows.py`'s; the log and indicators sheets are `side_sheets.py`'s.

Pure reading and checking: `plan_import` returns what would change (with the notes a later
`rectify check` would make, as warnings) or the complete list of problems; writing is
`edit.py`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .cells import ONGOING, CellError
from .columns import DERIVED_TASK_COLUMNS, TASK_COLUMNS
from .edit_rules import Plan
from .errors import RectifyError
from .files import display_path
from .headers import SheetLayout, derived_skips, find_layout, parse_map
from .i18n import joined, label, say
from .import_aspects import aspect_counter, aspect_resolver, resolve_aspect
from .kinds import DROPPED, FINISHED
from .models import Aspect, LedgerMeta, LogEntry, PetitionFile, Task
from .records import Ledger, as_dict
from .rows import (
    Problems,
    Row,
    also_on,
    cleared,
    model_changes,
    read_rows,
    row_message,
    status_by_content,
)
from .rules import lacks_completed_on
from .sheets import ImportUnreadable, Table, read_tables
from .side_sheets import (
    IndicatorPlan,
    MetaPlan,
    aspect_order,
    plan_indicators,
    plan_meta,
    read_logs,
    read_petitions,
    read_settings,
)
from .store import load_petitions
from .task_edits import plan_drop
from .textfmt import value_text


class ImportInvalid(RectifyError):
    """The spreadsheet has problems; every one is kept, nothing was written."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(
            say("{source}: {first}", "{source}：{first}", source=source, first=problems[0])
        )


@dataclass(frozen=True)
class TaskChange:
    before: Task
    after: Task  # without the new log entry, as edit.Plan wants it
    changes: tuple[str, ...]
    row: int
    entry: LogEntry  # the log entry recording what the import changed

    # Entries of the sheet's log for this task that its log lacks, appended before `entry`;
    # with no field changed, the last of them takes `entry`'s place.
    logged: tuple[LogEntry, ...] = ()

    def plan(self) -> Plan[Task]:
        entries = (*self.logged, self.entry) if self.changes else self.logged
        return Plan(self.before, self.after, self.changes, entries[0].note, entries[0], entries[1:])


@dataclass(frozen=True)
class NewTask:
    task: Task
    row: int


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
    meta: MetaPlan | None = None  # None: the file has no 台账信息 sheet
    petitions: PetitionFile | None = None  # petitions.toml to create (the ledger has none)
    petitions_kept: bool = False  # the file's petitions differ from the ledger's, kept
    missing: list[str] = field(default_factory=list)  # ledger tasks the sheet lacks, kept
    cancelled: list[TaskChange] = field(default_factory=list)  # … or with --cancel-missing
    kept: list[str] = field(default_factory=list)  # cleared cells, what was kept
    status_column: str | None = None  # a notes-like header read as status, for its content

    @property
    def tasks_changed(self) -> bool:
        meta = self.meta is not None and bool(self.meta.changes)
        return bool(self.new or self.updated or self.aspects or self.cancelled or meta)

    @property
    def changed(self) -> bool:
        return (
            self.tasks_changed
            or (self.indicators is not None and self.indicators.changed)
            or self.petitions is not None
        )


@dataclass(frozen=True)
class ImportOptions:
    update: bool = False
    aspect: str | None = None  # default aspect id for rows without one
    mapping: tuple[str, ...] = ()
    sheet: str | None = None
    today: dt.date = field(default_factory=dt.date.today)  # the date of an update's log entry
    clear_empty: bool = False  # an empty cell clears the field (else it keeps the value)
    cancel_missing: bool = False  # cancel the open tasks the sheet lacks (else reported)


_FIELD_ORDER = tuple(Task.model_fields)


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
    # An export's 最新进展 is read from the log sheet, not from this column; a --map wins.
    read_map = derived_skips(DERIVED_TASK_COLUMNS) | mapping
    layout = _best_layout(tables[:1] if options.sheet is not None else tables, read_map)
    if layout is None and options.sheet is None:
        # A sheet nobody sees is read only when named, but the one that has the headers
        # is worth naming.
        found = _best_layout(hidden, read_map)
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
    by_id, by_name = aspect_resolver(ledger, options.aspect)
    default_aspect = options.aspect
    if default_aspect is not None and default_aspect not in by_id:
        default_aspect = by_name[default_aspect]
    has_aspect_column = bool({"aspect", "aspect_name"} & present)
    read_as = status_by_content(layout, set(mapping))
    if read_as is not layout:
        (index,) = (i for i, f in read_as.fields.items() if layout.fields[i] != f)
        layout = read_as
        status_column: str | None = layout.headers[index]
    else:
        status_column = None

    problems = Problems()
    rows = read_rows(layout, TASK_COLUMNS, problems, sections=not has_aspect_column)
    plan = ImportPlan(shown, layout.table.name)
    plan.ignored_columns = layout.ignored
    plan.status_column = status_column

    def header(name: str) -> str:
        return layout.header_of(name, TASK_COLUMNS)

    existing = {t.id: t for t in ledger.tasks}
    seen: dict[str, int] = {}
    new_aspects: dict[str, str] = {}  # id → name
    next_aspect = aspect_counter(by_id)
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
                also_on(ident, seen[ident]),
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
            resolved = resolve_aspect(
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

    logs = read_logs(tables, layout.table, problems)
    indicators = plan_indicators(ledger, tables, layout.table, problems, options.update)
    settings = read_settings(tables, layout.table, problems)
    # A ledger with no tasks yet (as `init` makes it) takes the sheet's settings whole.
    meta = LedgerMeta.model_validate(as_dict(ledger.meta))
    plan.meta = plan_meta(meta, settings, options.update or not existing)
    petitions = read_petitions(tables, layout.table, problems, settings)
    for row, values in built:
        ident = values["id"]
        record = existing.get(ident)
        before = None if record is None else Task.model_validate(as_dict(record))
        if before is None:
            data = {k: values[k] for k in _FIELD_ORDER if k in values and values[k] is not False}
            data["log"] = logs.get(ident, [])
        else:
            # The sheet is the truth for the cells it fills; an empty cell keeps the value
            # (said in the summary), or with --clear-empty clears it.
            data = before.model_dump()
            data.update(values)
            if values.get("ongoing"):
                data["deadline"] = None
            for name in cleared(layout, row, before):
                if options.clear_empty:
                    data[name] = Task.model_fields[name].get_default(call_default_factory=True)
                    if name == "deadline":
                        data["ongoing"] = False
                else:
                    plan.kept.append(_kept(row.number, header(name), before, name, ledger))
        try:
            task = Task.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                name, message = row_message(err)
                if name not in row.unreadable:
                    problems.add(layout.table.name, row.number, header(name), message)
            continue
        if before is None:
            plan.new.append(NewTask(task, row.number))
        else:
            changes = model_changes(before, task)
            # The sheet's log rows this task lacks (an identical entry is there already).
            logged = tuple(e for e in logs.get(ident, []) if e not in before.log)
            if changes or logged:
                entry = LogEntry(
                    date=options.today,
                    status=task.status if task.status != before.status else None,
                    progress=task.progress if task.progress != before.progress else None,
                    note=label("import.log_note", ledger.meta.lang, file=path.name),
                    changes=list(changes),
                )
                plan.updated.append(TaskChange(before, task, changes, row.number, entry, logged))
            else:
                plan.unchanged.append(ident)
    if problems.items:
        sheets = {s for s, _, _ in problems.items}
        # A row number alone points at the tasks sheet; another sheet's rows say which.
        named = len(sheets) > 1 or layout.table.name not in sheets
        raise ImportInvalid(shown, problems.lines(named))
    # New aspects in the aspects sheet's order where the file has one (an export's).
    order = {a: n for n, a in enumerate(aspect_order(tables, layout.table, problems))}
    ids = sorted(new_aspects, key=lambda a: order.get(a, len(order)))
    plan.aspects = [Aspect(id=i, name=new_aspects[i]) for i in ids]
    plan.indicators = indicators
    _plan_missing(ledger, plan, seen, options, path.name)
    if petitions is not None:
        own = load_petitions(ledger.root)
        if own is None:
            plan.petitions = petitions
        elif own != petitions:
            plan.petitions_kept = True
    plan.warnings = _warnings(ledger, plan, header)
    return plan


def _kept(row: int, header: str, before: Task, name: str, ledger: Ledger) -> str:
    value = (
        label("ongoing", ledger.meta.lang)
        if name == "deadline" and before.ongoing
        else getattr(before, name)
    )
    return say(
        "row {row}, {header}: empty; kept {value} (--clear-empty clears it)",
        "第{row}行，{header}：为空；保留原值 {value}（加 --clear-empty 则清空）",
        row=row,
        header=header,
        value=value_text(value),
    )


def _plan_missing(
    ledger: Ledger, plan: ImportPlan, seen: dict[str, int], options: ImportOptions, name: str
) -> None:
    """The ledger's tasks the sheet lacks: reported, never deleted; with --cancel-missing
    the open ones cancelled through the cancel rule (a finished one stays, reported)."""
    # Only a sheet meant as the whole ledger (--update) has missing tasks; a sheet of new
    # tasks lacks the others by design.
    if not seen or not (options.update or options.cancel_missing):
        return
    statuses = {t.id: t.status for t in ledger.tasks}
    for record in ledger.tasks:
        if record.id in seen:
            continue
        if not options.cancel_missing or record.status in FINISHED or record.status in DROPPED:
            plan.missing.append(record.id)
            continue
        task = Task.model_validate(as_dict(record))
        note = label("import.cancel_note", ledger.meta.lang, file=name)
        drop = plan_drop(task, note, options.today, statuses=statuses)
        entry = drop.appended
        assert isinstance(entry, LogEntry)
        after = drop.after.model_copy(update={"log": task.log})
        plan.cancelled.append(TaskChange(task, after, drop.changes, 0, entry))


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
