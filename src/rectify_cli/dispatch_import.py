"""A returned dispatch form read back into the ledger: one log entry per task it changed.

A form is recognised by what its hidden sheet (or its CSV's top lines) says: which ledger,
which department, which round.  It is refused, with one sentence and nothing written, when
it belongs to another ledger or round, when a task on it changed in the ledger since it was
made (imported already, or overtaken), or when a locked cell was changed (the cell named).
The answers are read by the readers `import` uses (cells.py), planned by the rules of
`update` (edit_rules.plan_task_update, `by` the department) and written, every form of one
command together, by `edit_import.import_tasks` under the ledger's lock: one journaled,
checked, atomic write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cells import CellError, date_value, list_value, progress_value, status_value, text_value
from .dispatch import (
    COLUMNS,
    DATE_CELL,
    DATE_LABEL,
    DATE_ROW,
    EVIDENCE_COL,
    FORM_MARK,
    HEADER_ROW,
    INFO_ROW,
    LOCKED_COLUMNS,
    META_SHEET,
    NOTE_COL,
    PROGRESS_COL,
    SHEET,
    STATUS_COL,
    TITLE_ROW,
    FormMeta,
    Round,
    checksum,
    header_cells,
    ledger_identity,
    locked_cells,
    make_round,
    task_fingerprint,
)
from .edit_import import Imported, held_lock, import_tasks
from .edit_rules import Plan, TaskUpdate, plan_task_update
from .errors import UsageError, WriteRefused
from .files import display_path, resolve_root
from .i18n import say
from .models import Task as TaskModel
from .records import Ledger, as_dict
from .sheets import BadCell, Cell, ImportUnreadable, Table, read_csv, read_xlsx
from .store import load_ledger


@dataclass(frozen=True)
class Returned:
    """A form as read from its file, before any check."""

    shown: str
    meta: dict[str, str]
    title: tuple[Cell, Cell] | None  # the xlsx's title and info cells; a CSV has none
    date: tuple[str, Cell]  # (cell reference, value)
    header: tuple[int, list[Cell]]
    rows: list[tuple[int, list[Cell]]]
    formats: dict[tuple[int, int], str]


def cell_ref(row: int, col: int) -> str:
    """A1-style, as a spreadsheet names the cell (the form has fewer than 27 columns)."""
    return f"{chr(ord('A') + col)}{row}"


def _not_a_form(shown: str) -> ImportUnreadable:
    return ImportUnreadable(
        say(
            "{file}: not a dispatch form made by rectify dispatch forms",
            "{file}：不是由 rectify dispatch forms 生成的调度表",
            file=shown,
        )
    )


def _cell(row: list[Cell], col: int) -> Cell:
    return row[col] if col < len(row) else None


def read_form(path: Path) -> Returned:
    shown = display_path(path)
    if path.suffix.lower() == ".csv":
        return _read_csv(read_csv(path), shown)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ImportUnreadable(
            say(
                "{file}: a dispatch form is an .xlsx or .csv file",
                "{file}：调度表应为 .xlsx 或 .csv 文件",
                file=shown,
            )
        )
    tables = {t.name: t for t in read_xlsx(path)}
    meta_table, sheet = tables.get(META_SHEET), tables.get(SHEET)
    if meta_table is None or sheet is None:
        raise _not_a_form(shown)
    meta = {text_value(_cell(r, 0)): text_value(_cell(r, 1)) for _, r in meta_table.rows}
    rows = dict(sheet.rows)
    title = (_cell(rows.get(TITLE_ROW, []), 0), _cell(rows.get(INFO_ROW, []), 0))
    date = (DATE_CELL, _cell(rows.get(DATE_ROW, []), 1))
    body = [(n, r) for n, r in sheet.rows if n > HEADER_ROW]
    return Returned(
        shown, meta, title, date, (HEADER_ROW, rows.get(HEADER_ROW, [])), body, sheet.formats
    )


def _read_csv(table: Table, shown: str) -> Returned:
    meta: dict[str, str] = {}
    date: tuple[str, Cell] | None = None
    lines = iter(table.rows)
    for number, row in lines:
        if not any(text_value(c) for c in row):
            break
        key = text_value(_cell(row, 0))
        if key == DATE_LABEL:
            date = (cell_ref(number, 1), _cell(row, 1))
        meta[key] = text_value(_cell(row, 1))
    header = next(lines, None)
    if header is None or date is None:
        raise _not_a_form(shown)
    return Returned(shown, meta, None, date, header, list(lines), table.formats)


@dataclass(frozen=True)
class FormImport:
    """What one returned form changes."""

    shown: str
    department: str
    period: str
    date: dt.date
    plans: tuple[Plan[TaskModel], ...]
    unreported: tuple[str, ...]  # the form's tasks left blank


@dataclass(frozen=True)
class DispatchImport:
    forms: tuple[FormImport, ...]
    written: Imported | None


def _meta(form: Returned) -> FormMeta:
    m = form.meta
    if m.get("form") != FORM_MARK:
        raise _not_a_form(form.shown)
    try:
        pairs = [p.split(":", 1) for p in m["tasks"].split(";") if p]
        return FormMeta(
            ledger=m["ledger"],
            ledger_title=m["ledger_title"],
            department=m["department"],
            period=m["period"],
            reply_by=dt.date.fromisoformat(m["reply_by"]),
            office=m["office"],
            made=dt.date.fromisoformat(m["made"]),
            tasks=tuple((i, f) for i, f in pairs),
            checksum=m["checksum"],
        )
    except (KeyError, ValueError):
        raise _not_a_form(form.shown) from None


def _refused(form: Returned, en: str, zh: str, **fields: object) -> WriteRefused:
    return WriteRefused(
        say(
            "{file}: " + en + "; nothing was imported",
            "{file}：" + zh + "；未导入任何内容",
            file=form.shown,
            **fields,
        )
    )


def _changed_cell(form: Returned, ref: str, what: str) -> WriteRefused:
    return _refused(
        form,
        "cell {ref} ({what}) was changed: locked cells must stay as the form was sent",
        "单元格 {ref}（{what}）被改动：锁定的单元格须保持原样",
        ref=ref,
        what=what,
    )


def _check_form(led: Ledger, form: Returned, meta: FormMeta, period: str | None) -> dict[str, int]:
    """Refuse a form of another ledger or round, an overtaken one, or one whose locked cells
    were changed; the row of each of its tasks."""
    if meta.ledger != ledger_identity(led):
        raise _refused(
            form,
            "a form of the ledger {other}, not of this one ({this})",
            "这是台账“{other}”的调度表，不是本台账（“{this}”）的",
            other=meta.ledger_title,
            this=led.meta.title,
        )
    if period is not None and meta.period != period:
        raise _refused(
            form,
            "a form of the round {got}, not of the round {want}",
            "这是 {got} 期的调度表，不是 {want} 期的",
            got=meta.period,
            want=period,
        )
    for ident, fingerprint in meta.tasks:
        task = next((t for t in led.tasks if t.id == ident), None)
        if (
            task is None
            or task.lead != meta.department
            or task_fingerprint(led, task) != fingerprint
        ):
            raise _refused(
                form,
                "task {id} changed in the ledger since the form was made on {made} (the form "
                "was imported already, or the task was updated since)",
                "任务 {id} 在调度表生成（{made}）之后已在台账中改动（该表已导入过，或任务已另行更新）",
                id=ident,
                made=meta.made,
            )
    if form.title is not None:
        for (at, cell), want in zip(
            ((TITLE_ROW, form.title[0]), (INFO_ROW, form.title[1])), header_cells(meta), strict=True
        ):
            if text_value(cell) != want:
                raise _changed_cell(form, cell_ref(at, 0), say("the heading", "表头"))
    head_row, head = form.header
    for col, name in enumerate(COLUMNS):
        if text_value(_cell(head, col)) != name:
            raise _changed_cell(form, cell_ref(head_row, col), name)
    expected = {i: locked_cells(led, led.task(i)) for i, _ in meta.tasks}  # type: ignore[arg-type]
    where: dict[str, int] = {}
    read: dict[str, tuple[str, ...]] = {}
    for number, row in form.rows:
        if not any(text_value(c) for c in row if not isinstance(c, BadCell)):
            continue  # a blank row
        ident = text_value(_cell(row, 0))
        if ident not in expected or ident in where:
            raise _changed_cell(form, cell_ref(number, 0), COLUMNS[0])
        cells = tuple(text_value(_cell(row, c)) for c in range(len(LOCKED_COLUMNS)))
        for col, (got, want) in enumerate(zip(cells, expected[ident], strict=True)):
            if got != want:
                raise _changed_cell(form, cell_ref(number, col), COLUMNS[col])
        where[ident], read[ident] = number, cells
    for ident in expected:
        if ident not in where:
            raise _refused(
                form, "the row of task {id} is missing", "缺少任务 {id} 所在的行", id=ident
            )
    title, info = header_cells(meta)
    if checksum((title, info, *COLUMNS), [read[i] for i, _ in meta.tasks]) != meta.checksum:
        raise _refused(
            form,
            "its checksum does not match its locked cells",
            "校验码与锁定的单元格不符",
        )
    return where


def _form_date(form: Returned, rnd: Round, today: dt.date) -> dt.date:
    """The date typed in the form, else the reply-by day (today, if that is still to come)."""
    ref, cell = form.date
    try:
        if isinstance(cell, BadCell):
            raise CellError(cell.problem())
        day = date_value(cell)
    except CellError as exc:
        raise _refused(
            form,
            "cell {ref} ({what}): {why}",
            "单元格 {ref}（{what}）：{why}",
            ref=ref,
            what=DATE_LABEL,
            why=exc,
        ) from None
    assert not isinstance(day, str)  # only a deadline reads 长期坚持
    if day is None:
        return min(rnd.reply_by, today)
    if day > today or day < rnd.start:
        raise _refused(
            form,
            "cell {ref} ({what}): {day} is not a day of the round {period} up to today ({today})",
            "单元格 {ref}（{what}）：{day} 不在 {period} 期至今天（{today}）之间",
            ref=ref,
            what=DATE_LABEL,
            day=day,
            period=rnd.period,
            today=today,
        )
    return day


def _read(form: Returned, number: int, row: list[Cell], col: int, problems: list[str]) -> Any:
    """One answer cell by the reader `import` uses for its kind, or None with the problem."""
    cell = _cell(row, col)
    try:
        if isinstance(cell, BadCell):
            raise CellError(cell.problem())
        if col == PROGRESS_COL:
            return progress_value(cell, form.formats.get((number, col)))
        if col == STATUS_COL:
            return status_value(cell)
        if col == EVIDENCE_COL:
            return list_value(cell, "evidence")
        return text_value(cell)
    except CellError as exc:
        problems.append(
            say(
                "cell {ref} ({what}): {why}",
                "单元格 {ref}（{what}）：{why}",
                ref=cell_ref(number, col),
                what=COLUMNS[col],
                why=exc,
            )
        )
        return None


def _update(
    form: Returned, number: int, row: list[Cell], day: dt.date, by: str, problems: list[str]
) -> TaskUpdate | None:
    """The update a task's row asks for; None for a row left blank (or one not readable)."""
    found: list[str] = []
    progress, status, note, evidence = (
        _read(form, number, row, col, found)
        for col in (PROGRESS_COL, STATUS_COL, NOTE_COL, EVIDENCE_COL)
    )
    problems += found
    if found or (progress is None and status is None and not note and not evidence):
        return None
    return TaskUpdate(
        date=day,
        status=status,
        progress=progress,
        note=note or "",
        evidence=tuple(evidence or ()),
        by=by,
    )


def plan_form(led: Ledger, form: Returned, period: str | None, today: dt.date) -> FormImport:
    """What one returned form changes, planned by `update`'s rules; every problem of the
    form is found before it is refused with the first."""
    meta = _meta(form)
    rows = _check_form(led, form, meta, period)
    rnd = make_round(meta.period, meta.reply_by)
    day = _form_date(form, rnd, today)
    by_row = dict(form.rows)
    plans: list[Plan[TaskModel]] = []
    blank: list[str] = []
    problems: list[str] = []
    for ident, _ in meta.tasks:
        number = rows[ident]
        update = _update(form, number, by_row[number], day, meta.department, problems)
        plan = None
        if update is not None:
            task = TaskModel.model_validate(as_dict(led.task(ident)))
            try:
                plan = plan_task_update(task, update)
            except WriteRefused as exc:
                problems.append(exc.message)
                continue
        if plan is None:
            blank.append(ident)
        else:
            plans.append(plan)
    if len(problems) == 1:
        raise _refused(form, "{first}", "{first}", first=problems[0])
    if problems:
        raise _refused(
            form,
            "{n} problems, the first: {first}",
            "有 {n} 个问题，第一个：{first}",
            n=len(problems),
            first=problems[0],
        )
    return FormImport(form.shown, meta.department, meta.period, day, tuple(plans), tuple(blank))


def import_forms(
    ledger: str | Path | None,
    paths: Sequence[Path],
    *,
    period: str | None,
    today: dt.date,
    dry_run: bool = False,
) -> DispatchImport:
    """Every form read and checked, then all their entries written in one locked write, or
    none when any form is refused."""
    root = resolve_root(ledger)
    returned = [read_form(p) for p in paths]
    with held_lock(root, 0, dry_run):
        led = load_ledger(root)
        forms = [plan_form(led, f, period, today) for f in returned]
        seen: dict[str, str] = {}
        for form in forms:
            for plan in form.plans:
                if plan.before.id in seen:
                    raise UsageError(
                        say(
                            "{a} and {b} both answer for task {id}; import one of them",
                            "{a} 和 {b} 都填报了任务 {id}；请只导入其中一份",
                            a=seen[plan.before.id],
                            b=form.shown,
                            id=plan.before.id,
                        )
                    )
                seen[plan.before.id] = form.shown
        plans = [p for f in forms for p in f.plans]
        written = import_tasks(root, [], [], plans, dry_run=dry_run, held=True) if plans else None
    return DispatchImport(tuple(forms), written)
