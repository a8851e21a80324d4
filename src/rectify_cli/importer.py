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
from .columns import TASK_COLUMNS
from .edit_rules import Plan
from .errors import RectifyError, UsageError, did_you_mean
from .files import display_path
from .headers import SheetLayout, find_layout, parse_map
from .i18n import joined, label, say
from .models import Aspect, LogEntry, Task
from .records import Ledger, as_dict
from .rows import Problems, Row, also_on, model_changes, read_rows, row_message
from .rules import lacks_completed_on
from .sheets import ImportUnreadable, Table, read_tables
from .side_sheets import IndicatorPlan, plan_indicators, read_logs


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

    def plan(self) -> Plan[Task]:
        return Plan(self.before, self.after, self.changes, self.entry.note, self.entry)


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
    rows = read_rows(layout, TASK_COLUMNS, problems, sections=not has_aspect_column)
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

    logs = read_logs(tables, layout.table, problems)
    indicators = plan_indicators(ledger, tables, layout.table, problems, options.update)
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
                name, message = row_message(err)
                if name not in row.unreadable:
                    problems.add(layout.table.name, row.number, header(name), message)
            continue
        if before is None:
            plan.new.append(NewTask(task, row.number))
        else:
            changes = model_changes(before, task)
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
