"""Writing an import into tasks.toml and indicators.toml through `edit.py`'s safe write path.

The same lock, the same whole-file validation, the same atomic replace as `rectify update`,
and updated tasks and indicators changed inside their own blocks by `edit_text.edit_block`;
what this adds is appending: new `[[aspects]]` after the last aspect, new `[[tasks]]` and
`[[indicators]]` at the end, written in the style of a hand-kept ledger, and a new
indicators.toml when the ledger has none.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import BaseModel

from .checks import write_refusal
from .edit import locked
from .edit_file import (
    BOM,
    INDICATORS_KIND,
    TASKS_KIND,
    FileKind,
    check_integrity,
    create_ledger_file,
    ensure_writable,
    indicator_ids,
    read_ledger_file,
    remove_leftovers,
    unisolated_refusal,
    validate_whole,
    write_if_unchanged,
)
from .edit_rules import Plan
from .edit_style import status_style
from .edit_text import (
    BlockNotIsolated,
    Layout,
    Unkeepable,
    edit_block,
    parse_alone,
    table_of,
    toml_value,
)
from .errors import WriteRefused
from .files import PETITIONS_FILE, decode, display_path, ledger_files, no_ledger_folder
from .i18n import joined, say
from .models import (
    Aspect,
    Indicator,
    IndicatorFile,
    LedgerMeta,
    LogEntry,
    Petition,
    PetitionFile,
    Task,
    TaskFile,
)
from .rules import merge_target_problem
from .store import load_file


def _target(root: Path, which: int) -> tuple[Path, str]:
    """The file to replace (tasks.toml: 0, indicators.toml: 1) and its name as shown; a
    link's target, not the link."""
    path = ledger_files(root)[which]
    shown = display_path(path)
    if not root.is_dir():
        raise no_ledger_folder(root)
    return (path.resolve() if path.is_symlink() else path), shown


@contextmanager
def held_lock(root: Path, which: int, dry_run: bool = False) -> Iterator[None]:
    """The lock of a ledger file held over a write planned from what it reads (a new id
    must be free when it is written, not only when it was chosen); then `held=True`."""
    path, shown = _target(root, which)
    with nullcontext() if dry_run else locked(path, shown):
        yield


@dataclass(frozen=True)
class Imported:
    """What `import_tasks` (or `import_indicators`) wrote, or with dry_run would write."""

    path: Path
    shown: str
    old_text: str
    new_text: str
    written: bool


def toml_block(
    table: str, model: BaseModel, always: tuple[str, ...] = (), zh_status: bool = False
) -> str:
    """A new `[[table]]` block as a person would write it: defaults left out (except the
    keys in `always`, which a reader looks for), the log as `[[tasks.log]]` blocks and an
    indicator's history as `[[indicators.history]]`; statuses by their Chinese labels with
    `zh_status` (the file's style: edit_style.status_style)."""
    present = table_of(model, zh_status)
    sub, entries = _sub_table(model)
    present.pop(sub, None)
    body = {
        name: present.get(name, toml_value(getattr(model, name), zh_status))
        for name in type(model).model_fields
        if name in present or name in always
    }
    text = f"[[{table}]]\n" + tomlkit.dumps(body)
    for entry in entries:
        text += f"\n[[{table}.{sub}]]\n" + tomlkit.dumps(table_of(entry, zh_status))
    return text


def _sub_table(model: BaseModel) -> tuple[str, Sequence[BaseModel]]:
    if isinstance(model, Task):
        return "log", model.log
    if isinstance(model, Indicator):
        return "history", model.history
    if isinstance(model, Petition):
        return "log", model.log
    return "", ()


def _with_entry(plan: Plan[Any]) -> Any:
    """The task as it reads back after the edit: its log with the appended entry."""
    if not isinstance(plan.appended, LogEntry):
        return plan.after
    return plan.after.model_copy(update={"log": [*plan.before.log, plan.appended, *plan.more]})


def _aspect_position(layout: Layout, text: str) -> int:
    """After the last `[[aspects]]` block; else before the first task (and the comments
    above it); else at the end."""
    aspects = layout.blocks("aspects")
    if aspects:
        return layout.trim(*aspects[-1])
    tasks = layout.blocks(TASKS_KIND.table)
    if not tasks:
        return len(text)
    before = layout.header_before(tasks[0][0])
    return layout.trim(before.start if before else 0, tasks[0][0])


def import_tasks(
    root: Path,
    aspects: list[Aspect],
    new: list[Task],
    updates: list[Plan[Task]],
    *,
    dry_run: bool = False,
    indicators: Collection[str] | None = None,
    by_aspect: bool = False,
    removed: Collection[str] = (),
    held: bool = False,
    meta: LedgerMeta | None = None,
) -> Imported:
    """Add aspects and tasks and update tasks in one locked, validated, atomic write; the
    new text must load and read back exactly as intended, or nothing is written.  No task
    written may have a problem `rectify check` names (checks.task_problems); `indicators`
    are the ids its tasks may name (default: indicators.toml's), with those the same import
    adds.  New tasks go at the end, or with `by_aspect` after the last task of their aspect
    (where a person would put one); the tasks `removed` names lose their blocks.  `held`:
    the caller holds the lock already (it planned the write under it: `held_lock`)."""
    path, shown = _target(root, 0)
    with nullcontext() if dry_run or held else locked(path, shown):
        raw = read_ledger_file(path, shown)
        if not dry_run:
            ensure_writable(path, shown)
            remove_leftovers(path)
        text = decode(raw, shown)
        data = validate_whole(TASKS_KIND, text, shown, root)
        layout = Layout(text)
        # (start, end, order, replacement): at one offset, lower order lands first in the file.
        edits = _block_edits(TASKS_KIND, text, data, layout, updates, shown, removed)
        if meta is not None:
            edits.append(_meta_edit(text, layout, meta, shown))

        if aspects:
            at = _aspect_position(layout, text)
            gap = "" if at == 0 or text[:at].endswith("\n") else "\n"
            chunk = "".join("\n" + toml_block("aspects", a) for a in aspects)
            edits.append((at, at, 0, gap + chunk))

        lang = data.get("ledger", {}).get("lang")
        zh = status_style(layout, lang != "en")  # as edit.py: a missing lang is zh
        for at, chunk in _task_positions(text, data, layout, new, by_aspect, zh):
            gap = "" if at == 0 or text[:at].endswith("\n") else "\n"
            edits.append((at, at, 1, gap + chunk))

        new_text = _apply(text, edits)

        new_data = validate_whole(TASKS_KIND, new_text, shown, root)
        after = TaskFile.model_validate(new_data)
        by_id = {t.id: t for t in after.tasks}
        written = [*new, *(_with_entry(p) for p in updates)]
        for task in written:
            if by_id.get(task.id) != task:
                raise _not_read_back(shown, "task", task.id)
        for ident in removed:
            if ident in by_id:
                raise _not_read_back(shown, "task", ident)
        if removed:
            _refuse_orphans(after.tasks, removed)
        known = indicator_ids(root) if indicators is None else indicators
        refusal = write_refusal(
            written, start_default=after.ledger.feedback_date, indicator_ids=known
        )
        if refusal is not None:
            raise refusal
        if meta is not None and after.ledger != meta:
            raise _not_read_back(shown, "ledger", "[ledger]")
        known = {a.id: a for a in after.aspects}
        for aspect in aspects:
            if known.get(aspect.id) != aspect:
                raise _not_read_back(shown, "aspect", aspect.id)
        changed = new_text != text
        if not dry_run and changed:
            new_raw = (BOM if raw.startswith(BOM) else b"") + new_text.encode("utf-8")
            write_if_unchanged(path, shown, raw, new_raw, TASKS_KIND, "importing into", root=root)
        return Imported(path, shown, text, new_text, written=not dry_run and changed)


def _refuse_orphans(tasks: Sequence[Task], removed: Collection[str]) -> None:
    """A task removed while another is merged into it would leave that one naming a task
    the ledger lacks (`rectify check` refuses it): the removal is refused instead."""
    statuses = {t.id: t.status for t in tasks}
    for ident in removed:
        merged = [
            t.id
            for t in tasks
            if t.merged_into == ident and merge_target_problem(t.id, ident, statuses)
        ]
        if merged:
            raise WriteRefused(
                say(
                    "task {id} cannot be removed: {merged} is merged into it (merged_into); "
                    "nothing was written",
                    "任务 {id} 不能删除：{merged} 已并入该任务（merged_into）；未写入任何内容",
                    id=ident,
                    merged=joined(merged),
                )
            )


_NOUNS = {"task": "任务", "aspect": "问题方面", "indicator": "指标", "ledger": "台账"}


def _meta_edit(
    text: str, layout: Layout, meta: LedgerMeta, shown: str
) -> tuple[int, int, int, str]:
    """The [ledger] table with `meta`'s settings, its comments and key order kept (tomlkit
    edits only the keys that change); a key back at its default is removed."""
    span = layout.table_block("ledger")
    if span is None:
        raise _not_read_back(shown, "ledger", "[ledger]")
    start, end = span[0], layout.trim(*span)
    doc = tomlkit.parse(text[start:end])
    table: Any = doc["ledger"]
    for name, info in LedgerMeta.model_fields.items():
        value = getattr(meta, name)
        if value == info.default and name not in ("version", "title", "lang"):
            if name in table:
                del table[name]
        elif table.get(name) != toml_value(value):
            table[name] = toml_value(value)
    return (start, end, 2, tomlkit.dumps(doc))


def _not_read_back(shown: str, noun: str, ident: str) -> WriteRefused:
    return WriteRefused(
        say(
            "{shown}: {noun} {id} would not read back as imported; nothing was written "
            "(please report this, with the spreadsheet)",
            "{shown}：{zh} {id} 写入后读回的内容与导入的不一致；未写入任何内容"
            "（请报告此问题，并附上该电子表格）",
            shown=shown,
            noun=noun,
            zh=_NOUNS[noun],
            id=ident,
        )
    )


def _task_positions(
    text: str,
    data: dict[str, Any],
    layout: Layout,
    new: Sequence[Task],
    by_aspect: bool,
    zh_status: bool,
) -> list[tuple[int, str]]:
    """(offset, blocks) for the new tasks: at the end, or with `by_aspect` each after the
    last task of its aspect (at the end when its aspect has none yet)."""
    chunks: dict[int, str] = {}
    last: dict[str, int] = {}
    if by_aspect and new:
        blocks = layout.blocks(TASKS_KIND.table)
        items = data.get(TASKS_KIND.table, [])
        if len(blocks) == len(items):  # else unsure where a block ends: at the end
            last = {item.get("aspect"): layout.trim(*blocks[i]) for i, item in enumerate(items)}
    for task in new:
        at = last.get(task.aspect, len(text))
        block = "\n" + toml_block(TASKS_KIND.table, task, ("status",), zh_status)
        chunks[at] = chunks.get(at, "") + block
    return list(chunks.items())


def _block_edits(
    kind: FileKind,
    text: str,
    data: dict[str, Any],
    layout: Layout,
    updates: Sequence[Plan[Any]],
    shown: str,
    removed: Collection[str] = (),
) -> list[tuple[int, int, int, str]]:
    """The in-place edits of `updates`, each inside its own `[[table]]` block, which must
    read alone exactly as it reads in the whole file; and the blocks of `removed` cut out
    with the blank line before them."""
    edits: list[tuple[int, int, int, str]] = []
    if not updates and not removed:
        return edits
    blocks = layout.blocks(kind.table)
    items = data.get(kind.table, [])
    first = updates[0].before.id if updates else next(iter(removed))
    if len(blocks) != len(items):
        raise unisolated_refusal(
            kind,
            first,
            shown,
            1,
            say(
                "found {found} [[{table}]] headers, expected {expected}",
                "找到 {found} 个 [[{table}]] 表头，应为 {expected} 个",
                found=len(blocks),
                table=kind.table,
                expected=len(items),
            ),
        )
    index = {item.get("id"): i for i, item in enumerate(items)}

    def isolated(ident: str) -> tuple[int, int, int]:
        i = index[ident]
        start, end = blocks[i][0], layout.trim(*blocks[i])
        line = layout.line_of(start)
        try:
            alone = parse_alone(text[start:end], kind.table)
        except BlockNotIsolated as exc:
            raise unisolated_refusal(kind, ident, shown, line, str(exc)) from None
        if alone != items[i]:
            why = say("the block alone reads differently", "单独读取该块时内容不同")
            raise unisolated_refusal(kind, ident, shown, line, why)
        return start, end, line

    for ident in removed:
        start, end, _ = isolated(ident)
        # The blank line that set the block apart goes with it: added then removed, a
        # file is as it was.
        for blank in ("\r\n", "\n"):
            if text[:start].endswith(blank * 2):
                start -= len(blank)
                break
        edits.append((start, end, 2, ""))
    for plan in updates:
        start, end, line = isolated(plan.before.id)
        try:
            region = edit_block(
                text[start:end], kind.table, kind.sub, plan.before, plan.after, plan.appended
            )
            for entry in plan.more:
                region = edit_block(region, kind.table, kind.sub, plan.after, plan.after, entry)
        except Unkeepable as exc:
            raise unisolated_refusal(kind, plan.before.id, shown, line, str(exc)) from None
        edits.append((start, end, 2, region))
    return edits


# A new indicators.toml: the version key, then the indicators appended after it.
NEW_INDICATORS = "version = 1\n"


def import_indicators(
    root: Path,
    new: list[Indicator],
    updates: list[Plan[Indicator]],
    *,
    dry_run: bool = False,
    held: bool = False,
) -> Imported:
    """Add and update indicators in one locked, validated, atomic write, creating
    indicators.toml when the ledger has none; the new text must load and read back exactly
    as intended, or nothing is written.  `held`: as import_tasks's."""
    path, shown = _target(root, 1)
    with nullcontext() if dry_run or held else locked(path, shown):
        exists = path.exists()
        raw = read_ledger_file(path, shown) if exists else b""
        if exists and not dry_run:
            ensure_writable(path, shown)
            remove_leftovers(path)
        text = decode(raw, shown) if exists else NEW_INDICATORS
        data = validate_whole(INDICATORS_KIND, text, shown, root)
        layout = Layout(text)
        edits = _block_edits(INDICATORS_KIND, text, data, layout, updates, shown)
        if new:
            gap = "" if not text or text.endswith("\n") else "\n"
            chunk = "".join("\n" + toml_block(INDICATORS_KIND.table, i, ("better",)) for i in new)
            edits.append((len(text), len(text), 1, gap + chunk))
        new_text = _apply(text, edits)

        after = IndicatorFile.model_validate(validate_whole(INDICATORS_KIND, new_text, shown, root))
        by_id = {i.id: i for i in after.indicators}
        written = [*new, *(p.after for p in updates)]
        for indicator in written:
            if by_id.get(indicator.id) != indicator:
                raise _not_read_back(shown, "indicator", indicator.id)
        refusal = write_refusal(indicators=written)
        if refusal is not None:
            raise refusal
        changed = new_text != text or not exists
        if not dry_run and changed:
            if not exists:
                # Refuses a file another program created meanwhile, as an export would.
                created = new_text.encode("utf-8")
                create_ledger_file(root, path, created, "importing into")
                return Imported(path, shown, "", new_text, written=True)
            new_raw = (BOM if raw.startswith(BOM) else b"") + new_text.encode("utf-8")
            write_if_unchanged(
                path, shown, raw, new_raw, INDICATORS_KIND, "importing into", root=root
            )
        return Imported(
            path, shown, text if exists else "", new_text, written=not dry_run and changed
        )


def _apply(text: str, edits: list[tuple[int, int, int, str]]) -> str:
    """`edits` (start, end, order, replacement) applied from the end backwards, so each
    edit's offsets still hold; at one offset the higher order goes first and is pushed
    behind the lower.  A CRLF file gets CRLF in what is added."""
    crlf = "\r\n" in text and "\n" not in text.replace("\r\n", "")
    out = text
    for start, end, _, replacement in sorted(edits, reverse=True):
        if crlf:
            replacement = replacement.replace("\r\n", "\n").replace("\n", "\r\n")
        out = out[:start] + replacement + out[end:]
    return out


def create_petitions(root: Path, cases: PetitionFile, *, dry_run: bool = False) -> Imported:
    """petitions.toml made from an import (the ledger has none): its prefix, its summary or
    its cases, checked whole and read back, written only where no file is (as `petition add`
    creates one)."""
    path = root / PETITIONS_FILE
    shown = display_path(path)
    head: dict[str, Any] = {"version": cases.version}
    if cases.headline_prefix is not None:
        head["headline_prefix"] = cases.headline_prefix
    text = tomlkit.dumps(head)
    if cases.summary is not None:
        text += "\n[summary]\n" + tomlkit.dumps(table_of(cases.summary))
    text += "".join("\n" + toml_block("petitions", p, ("status",)) for p in cases.petitions)
    whole = load_file(path, PetitionFile, raw=text.encode("utf-8"))
    check_integrity(whole, root)
    if whole != cases:
        raise _not_read_back(shown, "ledger", "petitions.toml")
    if not dry_run:
        with locked(path, shown):
            create_ledger_file(root, path, text.encode("utf-8"), "importing into")
    return Imported(path, shown, "", text, written=not dry_run)
