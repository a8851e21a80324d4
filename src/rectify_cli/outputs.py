"""Files rectify writes for people (exports, schemas, a new ledger): whole or not at all.

Ledger edits go through `edit.py`, which also locks and validates; these files are new
outputs, so they only need to appear atomically and never clobber a file unasked.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import RectifyError
from .i18n import say
from .store import _display


class OutputExists(RectifyError):
    pass


class OutputFailed(RectifyError):
    pass


def refuse_existing(path: Path) -> None:
    if path.exists():
        raise _exists(path)


def _exists(path: Path) -> OutputExists:
    return OutputExists(
        say(
            "{path}: already exists; pass --force to replace it",
            "{path}：已存在；如需替换，请加 --force",
            path=_display(path),
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
            path=_display(path),
            why=exc.strerror or exc,
            hint=hint,
        )
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then put it in
    place in one step, so a reader (or Excel) never sees half a file; refuse an existing
    file unless `force`, even one another program saves while this one writes."""
    if not force:
        refuse_existing(path)
    if path.is_dir():
        raise OutputExists(
            say(
                "{path}: is a folder; name a file to write",
                "{path}：是文件夹；请指定要写入的文件",
                path=_display(path),
            )
        )
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _cannot_write(path, exc, excel=False) from None
    try:
        # mkstemp makes the file private (0600); an export is an ordinary file.
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if force:
            os.replace(tmp, path)
        else:
            _create(tmp, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # gone already once the file is in place


def _create(tmp: str, path: Path) -> None:
    """Put `tmp` at `path` only if nothing is there: a hard link fails on an existing name,
    so a file another program saved after `refuse_existing` looked is never replaced.
    Where the file system has no hard links (FAT, some network shares), the check is made
    again just before the rename."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        refuse_existing(path)
        os.replace(tmp, path)
