"""`rectify undo`: put back the bytes the last writes replaced, from the undo journal.

The journal (journal.py) holds one entry per write, newest first.  Undo takes the newest
`steps` entries, and for each checks that its file still holds exactly the bytes that write
left (their SHA-256): a file edited by hand or pulled from git since is refused, naming it,
and nothing changes.  An entry whose file still holds its *before*-bytes is of a write that
never landed (its writer was killed between the entry and the file) and is passed over.
The files as they will be are validated as every write validates (the same whole-file
checks, and `checks.write_refusal` on every task or indicator the undo changes), then each
is written once, under its lock, through the same atomic path, and the entries undone are
taken off the journal.

Undo pops the journal: it is not itself recorded, so undo of an undo is not a redo; a second
`rectify undo` goes one write further back.
"""

from __future__ import annotations

import os
import tomllib
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import journal
from .checks import write_refusal
from .diff_text import unified_diff
from .edit import ledger_lang_of, locked
from .edit_file import (
    INDICATORS_KIND,
    TASKS_KIND,
    FileKind,
    indicator_ids,
    journal_refusal,
    read_ledger_file,
    real_file,
    validate_whole,
    write_if_unchanged,
)
from .errors import WriteRefused
from .files import (
    INDICATORS_FILE,
    PETITIONS_FILE,
    TASKS_FILE,
    decode,
    display_path,
    no_ledger_folder,
    resolve_root,
)
from .i18n import say
from .models import IndicatorFile, PetitionFile, TaskFile
from .store import load_file
from .warm import after_write

_KINDS = {TASKS_FILE: TASKS_KIND, INDICATORS_FILE: INDICATORS_KIND}


@dataclass(frozen=True)
class FileChange:
    """One file as undo finds it and as it leaves it (None: no such file)."""

    name: str
    shown: str
    old: bytes | None
    new: bytes | None

    def diff(self) -> str:
        """The unified diff, as `update --dry-run` prints it."""
        old, new = self.old or b"", self.new or b""
        start = journal.common_prefix(old, new)
        tail = min(journal.common_suffix(old, new), len(old) - start, len(new) - start)
        return unified_diff(old, new, self.shown, start, len(old) - tail, len(new) - tail)


@dataclass(frozen=True)
class Undone:
    steps: tuple[journal.Entry, ...]  # newest first
    shown: tuple[str, ...]  # the file of each step, as messages show it
    files: tuple[FileChange, ...]
    left: int  # entries still in the journal after this undo
    written: bool
    lang: str


def undo(ledger: str | os.PathLike[str] | None, steps: int = 1, *, dry_run: bool = False) -> Undone:
    """Undo the newest `steps` writes to the ledger, or say why not; see the module doc."""
    root = resolve_root(ledger)
    if not root.is_dir():
        raise no_ledger_folder(root)
    # Lock every file the journal names (in one order, so two undos cannot deadlock; a
    # writer holds one file's lock at a time), then the journal; look again under the
    # locks, and start over if a write to a file not locked came in between.
    while True:
        names = sorted({e.name for e in journal.entries(root)})
        if not names:
            raise _nothing(root)
        with ExitStack() as stack:
            if not dry_run:
                for name in names:
                    path = real_file(root / name, display_path(root / name))
                    stack.enter_context(locked(path, display_path(root / name)))
                stack.enter_context(_journal_held(root))
            known = journal.entries(root)
            if {e.name for e in known} <= set(names):
                return _undo(root, known, steps, dry_run)


@contextmanager
def _journal_held(root: Path) -> Iterator[None]:
    from filelock import Timeout

    try:
        stack = ExitStack()
        stack.enter_context(journal.held(root))
    except (OSError, Timeout) as exc:
        raise journal_refusal(root, exc) from None
    with stack:
        yield


def _undo(root: Path, known: list[journal.Entry], steps: int, dry_run: bool) -> Undone:
    disk: dict[str, bytes | None] = {}
    state: dict[str, bytes | None] = {}
    used: list[journal.Entry] = []
    passed: list[journal.Entry] = []
    for entry in known:
        if len(used) == steps:
            break
        if entry.name not in state:
            disk[entry.name] = state[entry.name] = _read(root, entry.name)
        current = state[entry.name]
        held = journal.digest(current)
        if held == entry.after:
            try:
                state[entry.name] = entry.restore(current or b"")
            except (OSError, ValueError, zlib.error):
                raise _damaged(root, entry) from None
            used.append(entry)
        elif held == entry.before:
            passed.append(entry)
        else:
            raise _changed(root, entry)
    if not used:
        raise _nothing(root)
    if len(used) < steps:
        raise WriteRefused(
            say(
                "only {n} write{s} to {root} can be undone, not {steps}; nothing was undone",
                "{root} 只有 {n} 次写入可撤销，不足 {steps} 次；未撤销任何内容",
                n=len(used),
                s="" if len(used) == 1 else "s",
                root=display_path(root),
                steps=steps,
            )
        )
    changes = tuple(
        FileChange(name, display_path(root / name), disk[name], state[name])
        for name in sorted(state)
        if state[name] != disk[name]
    )
    for change in changes:
        _validate(root, change, state)
    if not dry_run:
        for change in changes:
            _write(root, change)
        journal.drop([*used, *passed])
    return Undone(
        steps=tuple(used),
        shown=tuple(display_path(root / e.name) for e in used),
        files=changes,
        left=len(known) - len(used) - len(passed),
        written=not dry_run,
        lang=ledger_lang_of(root),
    )


def _read(root: Path, name: str) -> bytes | None:
    path = root / name
    shown = display_path(path)
    if not path.exists() and not path.is_symlink():
        return None
    return read_ledger_file(real_file(path, shown), shown)


def _write(root: Path, change: FileChange) -> None:
    path = real_file(root / change.name, change.shown)
    if change.new is None:
        # Undoing the write that created the file (an import's indicators.toml).
        if read_ledger_file(path, change.shown) != change.old:
            raise _changed_meanwhile(change.shown)
        try:
            path.unlink()
        except OSError as exc:
            raise WriteRefused(
                say(
                    "cannot remove {shown}: {why}; nothing more was undone",
                    "无法删除 {shown}：{why}；未再撤销其他内容",
                    shown=change.shown,
                    why=exc.strerror or exc,
                )
            ) from None
        after_write(root, path, change.old, None)
        return
    if change.old is None:
        raise _changed_meanwhile(change.shown)  # a file that is gone is never re-created
    kind = _KINDS.get(change.name, FileKind(change.name.removesuffix(".toml"), "", ""))
    write_if_unchanged(
        path, change.shown, change.old, change.new, kind, "undoing", root=root, journaled=False
    )


def _validate(root: Path, change: FileChange, state: dict[str, bytes | None]) -> None:
    """Refuse an undo that would leave a file `rectify check` rejects: the whole-file checks
    of every write, and every task or indicator the undo changes checked as a write checks
    it (a problem in one it leaves alone is not this undo's business)."""
    if change.name == TASKS_FILE and change.new is not None:
        data = validate_whole(TASKS_KIND, decode(change.new, change.shown), change.shown, root)
        after = TaskFile.model_validate(data)
        before = {t.id: t for t in _parsed(change.old, TaskFile).tasks}
        changed = [t for t in after.tasks if before.get(t.id) != t]
        ids = _indicator_ids(root, state)
        refusal = write_refusal(
            changed, start_default=after.ledger.feedback_date, indicator_ids=ids
        )
        if refusal is not None:
            raise refusal
    elif change.name == INDICATORS_FILE:
        indicators = []
        if change.new is not None:
            text = decode(change.new, change.shown)
            data = validate_whole(INDICATORS_KIND, text, change.shown, root)
            indicators = IndicatorFile.model_validate(data).indicators
        before = {i.id: i for i in _parsed(change.old, IndicatorFile).indicators}
        refusal = write_refusal(indicators=[i for i in indicators if before.get(i.id) != i])
        known = {i.id for i in indicators}
        # A task may name only indicators that are still there.
        orphans = [t for t in _after(root, TASKS_FILE, state) if set(t.indicators) - known]
        refusal = refusal or write_refusal(orphans, indicator_ids=known)
        if refusal is not None:
            raise refusal
    elif change.name == PETITIONS_FILE and change.new is not None:
        load_file(root / change.name, PetitionFile, raw=change.new)


def _after(root: Path, name: str, state: dict[str, bytes | None]) -> list[Any]:
    raw = state[name] if name in state else _read(root, name)
    return list(_parsed(raw, TaskFile).tasks)


def _indicator_ids(root: Path, state: dict[str, bytes | None]) -> frozenset[str] | None:
    if INDICATORS_FILE not in state:
        return indicator_ids(root)
    return frozenset(i.id for i in _parsed(state[INDICATORS_FILE], IndicatorFile).indicators)


def _parsed(raw: bytes | None, model: type[Any]) -> Any:
    """A file's bytes as its model, for comparing items; empty when absent or unreadable
    (then every item counts as changed, and is checked)."""
    with suppress(Exception):
        if raw is not None:
            return model.model_validate(tomllib.loads(decode(raw, "")))
    return model()


def _changed(root: Path, entry: journal.Entry) -> WriteRefused:
    return WriteRefused(
        say(
            "{shown} changed since rectify {verb} wrote it at {time} (edited by hand or "
            "pulled from git?); nothing was undone",
            "{shown} 在 rectify {verb} 于 {time} 写入后又被改动（手工编辑或从 git 拉取？）；"
            "未撤销任何内容",
            shown=display_path(root / entry.name),
            verb=entry.verb,
            time=entry.when,
        )
    )


def _changed_meanwhile(shown: str) -> WriteRefused:
    return WriteRefused(
        say(
            "{shown} changed on disk while rectify was undoing (another program saved it); "
            "nothing more was undone; run the command again",
            "rectify 撤销时 {shown} 在磁盘上被改动（另一个程序保存了它）；未再撤销其他内容，"
            "请重新运行命令",
            shown=shown,
        )
    )


def _damaged(root: Path, entry: journal.Entry) -> WriteRefused:
    return WriteRefused(
        say(
            "{shown}: the undo journal's entry {entry} is damaged; nothing was undone",
            "{shown}：撤销记录中的条目 {entry} 已损坏；未撤销任何内容",
            shown=display_path(root / entry.name),
            entry=display_path(entry.path),
        )
    )


def _nothing(root: Path) -> WriteRefused:
    return WriteRefused(
        say(
            "nothing to undo: rectify has no record of a write to {root}",
            "没有可撤销的内容：rectify 没有 {root} 的写入记录",
            root=display_path(root),
        )
    )
