"""Writing an import into tasks.toml through `edit.py`'s safe write path.

The same lock, the same whole-file validation, the same atomic replace as `rectify update`,
and updated tasks changed inside their own blocks by `edit.edit_block`; what this adds is
appending: new `[[aspects]]` after the last aspect and new `[[tasks]]` at the end, written
in the style of a hand-kept ledger.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from pydantic import BaseModel

from .edit import (
    _TASKS,
    BOM,
    Layout,
    Plan,
    _digest,
    _ensure_writable,
    _locked,
    _read,
    _remove_leftovers,
    _stamp,
    _table_of,
    _Unisolated,
    _unisolated,
    _validate_whole,
    atomic_write,
    edit_block,
    parse_alone,
    toml_value,
)
from .errors import LedgerNotFound, WriteRefused
from .models import Aspect, LogEntry, Task, TaskFile
from .store import _display, decode, ledger_files


@dataclass(frozen=True)
class Imported:
    """What `import_tasks` wrote (or, with dry_run, would write) to tasks.toml."""

    path: Path
    shown: str
    old_text: str
    new_text: str
    written: bool


def toml_block(table: str, model: BaseModel, always: tuple[str, ...] = ()) -> str:
    """A new `[[table]]` block as a person would write it: defaults left out (except the
    keys in `always`, which a reader looks for), the log as `[[tasks.log]]` blocks."""
    present = _table_of(model)
    present.pop("log", None)
    body = {
        name: present.get(name, toml_value(getattr(model, name)))
        for name in type(model).model_fields
        if name in present or name in always
    }
    text = f"[[{table}]]\n" + tomlkit.dumps(body)
    if isinstance(model, Task):
        for entry in model.log:
            text += f"\n[[{table}.log]]\n" + tomlkit.dumps(_table_of(entry))
    return text


def _with_entry(plan: Plan[Task]) -> Task:
    """The task as it reads back after the edit: its log with the appended entry."""
    if not isinstance(plan.appended, LogEntry):
        return plan.after
    return plan.after.model_copy(update={"log": [*plan.before.log, plan.appended]})


def _aspect_position(layout: Layout, text: str) -> int:
    """After the last `[[aspects]]` block; else before the first task (and the comments
    above it); else at the end."""
    aspects = layout.blocks("aspects")
    if aspects:
        return layout.trim(*aspects[-1])
    tasks = layout.blocks(_TASKS.table)
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
) -> Imported:
    """Add aspects and tasks and update tasks in one locked, validated, atomic write; the
    new text must load and read back exactly as intended, or nothing is written."""
    path = ledger_files(root)[0]
    shown = _display(path)
    if not root.is_dir():
        raise LedgerNotFound(f"{_display(root)}: no ledger folder here; pass --ledger DIR")
    if path.is_symlink():
        path = path.resolve()  # replace the file the link points to, not the link
    with nullcontext() if dry_run else _locked(path, shown):
        raw = _read(path, shown)
        if not dry_run:
            _ensure_writable(path, shown)
            _remove_leftovers(path)
        text = decode(raw, shown)
        data = _validate_whole(_TASKS, text, shown, root)
        layout = Layout(text)
        # (start, end, order, replacement): at one offset, lower order lands first in the file.
        edits: list[tuple[int, int, int, str]] = []

        if updates:
            blocks = layout.blocks(_TASKS.table)
            items = data.get(_TASKS.table, [])
            if len(blocks) != len(items):
                raise _unisolated(
                    _TASKS,
                    updates[0].before.id,
                    shown,
                    1,
                    f"found {len(blocks)} [[tasks]] headers, expected {len(items)}",
                )
            index = {item.get("id"): i for i, item in enumerate(items)}
            for plan in updates:
                i = index[plan.before.id]
                start, end = blocks[i][0], layout.trim(*blocks[i])
                line = layout.line_of(start)
                try:
                    alone = parse_alone(text[start:end], _TASKS.table)
                except _Unisolated as exc:
                    raise _unisolated(_TASKS, plan.before.id, shown, line, str(exc)) from None
                if alone != items[i]:
                    why = "the block alone reads differently"
                    raise _unisolated(_TASKS, plan.before.id, shown, line, why)
                region = edit_block(
                    text[start:end],
                    _TASKS.table,
                    _TASKS.sub,
                    plan.before,
                    plan.after,
                    plan.appended,
                )
                edits.append((start, end, 2, region))

        if aspects:
            at = _aspect_position(layout, text)
            gap = "" if at == 0 or text[:at].endswith("\n") else "\n"
            chunk = "".join("\n" + toml_block("aspects", a) for a in aspects)
            edits.append((at, at, 0, gap + chunk))

        if new:
            gap = "" if not text or text.endswith("\n") else "\n"
            chunk = "".join("\n" + toml_block(_TASKS.table, t, ("status",)) for t in new)
            edits.append((len(text), len(text), 1, gap + chunk))

        crlf = "\r\n" in text and "\n" not in text.replace("\r\n", "")
        new_text = text
        # From the end backwards, so each edit's offsets still hold; at one offset the
        # higher order goes first and is pushed behind the lower.
        for start, end, _, replacement in sorted(edits, reverse=True):
            if crlf:
                replacement = replacement.replace("\r\n", "\n").replace("\n", "\r\n")
            new_text = new_text[:start] + replacement + new_text[end:]

        new_data = _validate_whole(_TASKS, new_text, shown, root)
        after = TaskFile.model_validate(new_data)
        by_id = {t.id: t for t in after.tasks}
        for task in [*new, *(_with_entry(p) for p in updates)]:
            if by_id.get(task.id) != task:
                raise WriteRefused(
                    f"{shown}: task {task.id} would not read back as imported; nothing was "
                    "written (please report this, with the spreadsheet)"
                )
        known = {a.id: a for a in after.aspects}
        for aspect in aspects:
            if known.get(aspect.id) != aspect:
                raise WriteRefused(
                    f"{shown}: aspect {aspect.id} would not read back as imported; nothing "
                    "was written (please report this, with the spreadsheet)"
                )
        changed = new_text != text
        if not dry_run and changed:
            if _read(path, shown) != raw:
                raise WriteRefused(
                    f"{shown} changed on disk while rectify was importing into it (another "
                    "program saved it); nothing was written; run the command again"
                )
            new_raw = (BOM if raw.startswith(BOM) else b"") + new_text.encode("utf-8")
            atomic_write(path, new_raw, shown)
            _stamp(path, _digest(_TASKS, new_raw))
        return Imported(path, shown, text, new_text, written=not dry_run and changed)
