"""Files rectify writes for people (exports, reports, notices, schemas, a new ledger): whole
or not at all, and never over something it should not replace.

Ledger edits go through `edit.py`, which also locks and validates; these files are new
outputs.  One rule for every command that writes (`write_files`):

- a ledger's own files (tasks.toml, indicators.toml, petitions.toml, their locks and the
  editor schemas in its schema/ folder) are never written, `--force` or not;
- an existing file is replaced only with `--force`, keeping its permissions; a read-only
  one is refused;
- a device, a FIFO or `-` (stdout) is written through, never replaced by a regular file;
- a symlink is followed: the file it leads to is what is checked and replaced (the link
  stays); a link that leads nowhere is refused;
- several files are all written or none: every name is checked and every file written to
  a temporary beside it before the first is put in place, and a failure takes back what
  was placed.

Temporaries are `.NAME.*.rectify-tmp`: removed on every exit path Python sees (`finally`),
and, when a process was killed outright, by a later write into the same folder once they
are old enough that no running rectify can still own them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .atomic import fsync_folder, write_temporary
from .errors import OutputExists, OutputFailed, RectifyError
from .files import INDICATORS_FILE, PETITIONS_FILE, SCHEMA_DIR, TASKS_FILE, display_path
from .i18n import say
from .state import STATE_DIR

STDOUT = "-"
TMP_SUFFIX = ".rectify-tmp"
# A temporary this old belongs to a process that died: a write takes seconds, not minutes.
STALE_SECONDS = 15 * 60
_LEDGER_FILES = (TASKS_FILE, INDICATORS_FILE, PETITIONS_FILE)
_OWN_NAMES = frozenset(
    n.casefold() for f in _LEDGER_FILES for n in (f, f + ".lock")
)  # casefolded: one file on Windows and macOS
# Older versions named their temporaries `.NAME.XXXXXXXX.tmp` (tempfile's eight characters).
_LEGACY_TMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")
_TMP_NAME_BYTES = 100  # of the target's name kept in a temporary's, so it fits where it does


def is_stdout(path: Path | str | None) -> bool:
    return path is not None and str(path) == STDOUT


def refuse_existing(path: Path) -> None:
    if path.exists():
        raise already_exists(path)


def already_exists(path: Path) -> OutputExists:
    return OutputExists(
        say(
            "{path}: already exists; pass --force to replace it",
            "{path}：已存在；如需替换，请加 --force",
            path=display_path(path),
        )
    )


def _cannot_write(path: Path, exc: OSError, *, excel: bool = True) -> OutputFailed:
    # Windows refuses to replace a file Excel has open: say so rather than "errno 13".
    hint = (
        say(" (is it open in Excel?)", "（文件是否已在 Excel 中打开？）")
        if excel and isinstance(exc, PermissionError)
        else ""
    )
    return OutputFailed(
        say(
            "{path}: cannot write: {why}{hint}",
            "{path}：无法写入：{why}{hint}",
            path=display_path(path),
            why=exc.strerror or exc,
            hint=hint,
        )
    )


def is_read_only(path: Path | str, mode: int) -> bool:
    """The file may not be written: mode bits too, since os.access says yes to root even
    for a file marked read-only."""
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@dataclass
class _Out:
    """One file about to be written."""

    shown: Path  # as the user named it
    target: Path  # where the bytes go: a link followed
    data: bytes
    through: bool = False  # a device, a FIFO or stdout: written into, never replaced
    mode: int | None = None  # the permissions of the file it replaces
    tmp: str | None = None
    backup: str | None = None  # the replaced file, kept until every file is in place
    placed: bool = False


def write_bytes(
    path: Path, data: bytes, *, force: bool = False, schemas: bool = False, ledger: bool = False
) -> None:
    """`write_files` for one file."""
    write_files({path: data}, force=force, schemas=schemas, ledger=ledger)


def write_files(
    files: Mapping[Path, bytes],
    *,
    force: bool = False,
    schemas: bool = False,
    ledger: bool = False,
) -> None:
    """Write every file of `files` or none (see the module doc).  `schemas`: the writer
    makes the editor schemas, which may replace those in a ledger's schema/ folder;
    `ledger`: the writer is `init`, making a ledger's files (never over existing ones)."""
    outs = [
        _plan(path, data, force=force, schemas=schemas or ledger, ledger=ledger)
        for path, data in files.items()
    ]
    current = outs[0]
    try:
        for current in outs:
            if not current.through:
                _make_folder(current.target.parent)
                sweep(current.target.parent)
                _stage(current)
        for current in outs:
            if not current.through:
                _place(current)
        for folder in {out.target.parent for out in outs if not out.through}:
            fsync_folder(folder)
        for current in outs:
            if current.through:
                _write_through(current)
    except BaseException as exc:
        for out in reversed(outs):
            _take_back(out)
        if isinstance(exc, OSError):
            raise _none_written(_cannot_write(current.shown, exc), len(outs)) from None
        if isinstance(exc, RectifyError):
            raise _none_written(exc, len(outs)) from None
        raise
    finally:
        for out in outs:
            for leftover in (out.tmp, out.backup):
                if leftover is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(leftover)


def _none_written(error: RectifyError, count: int) -> RectifyError:
    if count > 1:
        error.message += say("; none of the {n} files was written", "；{n} 个文件均未写入", n=count)
    return error


def _plan(path: Path, data: bytes, *, force: bool, schemas: bool, ledger: bool) -> _Out:
    """Where `data` goes and how, or the sentence that refuses it; nothing is written yet."""
    if is_stdout(path):
        return _Out(path, path, data, through=True)
    target = path
    if os.path.islink(path):
        if not os.path.exists(path):
            raise OutputFailed(
                say(
                    "{path}: is a link that leads nowhere (a loop, or its target is gone); "
                    "nothing was written",
                    "{path}：是一个无效链接（循环链接，或目标已不存在）；未写入任何内容",
                    path=display_path(path),
                )
            )
        target = Path(os.path.realpath(path))
    if not ledger:
        _refuse_ledger_file(path, target, schemas=schemas)
    _check_name(path, target)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return _Out(path, target, data)
    except OSError as exc:
        raise _cannot_write(path, exc, excel=False) from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputExists(
            say(
                "{path}: is a folder; name a file to write",
                "{path}：是文件夹；请指定要写入的文件",
                path=display_path(path),
            )
        )
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return _Out(path, target, data, through=True)
    if not stat.S_ISREG(st.st_mode):
        raise OutputFailed(
            say(
                "{path}: is not a file rectify can write into (a socket?); name another",
                "{path}：不是 rectify 能写入的文件（套接字？）；请换一个",
                path=display_path(path),
            )
        )
    if not force:
        raise already_exists(path)
    if is_read_only(target, st.st_mode):
        raise OutputFailed(
            say(
                "{path}: is read-only; nothing was written (make it writable first)",
                "{path}：是只读文件；未写入任何内容（请先取消只读）",
                path=display_path(path),
            )
        )
    return _Out(path, target, data, mode=stat.S_IMODE(st.st_mode))


def _refuse_ledger_file(path: Path, target: Path, *, schemas: bool) -> None:
    """A ledger's own file, present or not: an output there would break the ledger."""
    folder = target.parent
    legacy = _LEGACY_TMP.fullmatch(target.name)
    if target.name.casefold() in _OWN_NAMES or (legacy and legacy["name"] in _LEDGER_FILES):
        ledger = folder
    elif folder.name.casefold() == SCHEMA_DIR and not schemas:
        ledger = folder.parent
    elif state := next((p for p in (target, *target.parents) if _is_state(p)), None):
        ledger = state.parent  # rectify's locks and undo journal (state.py)
    else:
        return
    if is_ledger_folder(ledger):
        raise OutputExists(
            say(
                "{path}: belongs to the ledger in {folder}; rectify never writes an output "
                "over it; name another file",
                "{path}：属于 {folder} 中的台账，rectify 不会用输出覆盖它；请换一个文件名",
                path=display_path(path),
                folder=display_path(ledger),
            )
        )


def _is_state(path: Path) -> bool:
    return path.name.casefold() == STATE_DIR


def is_ledger_folder(folder: Path) -> bool:
    try:
        return any((folder / name).exists() for name in _LEDGER_FILES)
    except OSError:
        return False


def _check_name(path: Path, target: Path) -> None:
    """A name the file system cannot hold, found before any file is written."""
    name = target.name
    if sys.platform == "win32":
        size, limit = len(name.encode("utf-16-le")) // 2, 255
    else:
        size, limit = len(os.fsencode(name)), _name_max(target.parent)
    if size > limit:
        raise OutputFailed(
            say(
                "{path}: the file name is too long ({size} bytes; this file system takes "
                "{limit}); nothing was written",
                "{path}：文件名过长（{size} 字节，此文件系统最多 {limit}）；未写入任何内容",
                path=display_path(path),
                size=size,
                limit=limit,
            )
        )


def _name_max(folder: Path) -> int:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        return int(os.pathconf(existing, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)


def temporary_name(name: str) -> str:
    """The prefix of a temporary for `name`: short enough to fit wherever `name` does."""
    short = os.fsencode(name)[:_TMP_NAME_BYTES].decode("utf-8", "ignore") if name else "out"
    return f".{short}."


def _stage(out: _Out) -> None:
    # An output is an ordinary file (mkstemp's are private), or keeps the permissions of
    # the one it replaces.
    out.tmp = write_temporary(
        out.target.parent,
        out.data,
        prefix=temporary_name(out.target.name),
        suffix=TMP_SUFFIX,
        mode=out.mode if out.mode is not None else 0o666 & ~_umask(),
    )


def _place(out: _Out) -> None:
    assert out.tmp is not None
    if out.mode is None:
        try:
            _create(out.tmp, out.target)
        except FileExistsError:
            raise already_exists(out.shown) from None
        out.placed = True
        return
    # Kept until every file is in place, so a later failure can put it back.
    backup = out.tmp[: -len(TMP_SUFFIX)] + ".old" + TMP_SUFFIX
    try:
        os.link(out.target, backup)
        out.backup = backup
    except OSError:
        pass  # no hard links here: the replaced file cannot be taken back
    os.replace(out.tmp, out.target)
    out.placed = True


def _write_through(out: _Out) -> None:
    if is_stdout(out.shown):
        sys.stdout.flush()
        sys.stdout.buffer.write(out.data)
        sys.stdout.buffer.flush()
    else:
        # Neither created nor truncated: a device or FIFO is written into as `>` would.
        fd = os.open(out.target, os.O_WRONLY)
        with os.fdopen(fd, "wb") as fh:
            fh.write(out.data)
    out.placed = True


def _take_back(out: _Out) -> None:
    if not out.placed or out.through:
        return
    with contextlib.suppress(OSError):
        if out.backup is not None:
            os.replace(out.backup, out.target)
            out.backup = None
        elif out.mode is None:
            os.unlink(out.target)


def _create(tmp: str, path: Path) -> None:
    """Put `tmp` at `path` only if nothing is there: a hard link fails on an existing name,
    so a file another program saved after the check is never replaced.  Where the file
    system has no hard links (FAT, some network shares), the check is made again just
    before the rename."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        refuse_existing(path)
        os.replace(tmp, path)


def sweep(folder: Path, *, ledger: bool = False) -> None:
    """Remove the temporaries a killed rectify left in `folder` (files, and the folders a
    killed `init` was building), once they are too old to belong to a running one.
    `ledger`: `init` completing a ledger it made, whose files no other rectify edits yet."""
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not name.startswith("."):
            continue
        legacy = _LEGACY_TMP.fullmatch(name)
        # An old-style name is ours only beside the file it was for, and never a ledger's:
        # those are edit.py's, removed under the ledger's lock.
        if not name.endswith(TMP_SUFFIX) and not (
            legacy
            and (ledger or legacy["name"].casefold() not in _OWN_NAMES)
            and (ledger or os.path.lexists(os.path.join(folder, legacy["name"])))
        ):
            continue
        with contextlib.suppress(OSError):
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_SECONDS:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


@contextlib.contextmanager
def temporary_folder(beside: Path) -> Iterator[Path]:
    """A new folder beside `beside`, removed on every exit unless moved away first."""
    import tempfile  # here: `warn` and `report` import this module for is_stdout alone

    parent = beside.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        sweep(parent)
        made = Path(
            tempfile.mkdtemp(prefix=temporary_name(beside.name), suffix=TMP_SUFFIX, dir=parent)
        )
    except OSError as exc:
        raise _cannot_write(beside, exc, excel=False) from None
    try:
        yield made
    finally:
        if made.exists():
            shutil.rmtree(made, ignore_errors=True)
