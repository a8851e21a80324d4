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
from .store import _display


class OutputExists(RectifyError):
    pass


class OutputFailed(RectifyError):
    pass


def refuse_existing(path: Path) -> None:
    if path.exists():
        raise OutputExists(f"{_display(path)}: already exists; pass --force to replace it")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder and os.replace, so
    a reader (or Excel) never sees half a file; refuse an existing file unless `force`."""
    if not force:
        refuse_existing(path)
    if path.is_dir():
        raise OutputExists(f"{_display(path)}: is a folder; name a file to write")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputFailed(f"{_display(path)}: cannot write: {exc.strerror or exc}") from None
    try:
        # mkstemp makes the file private (0600); an export is an ordinary file.
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        # Windows refuses to replace a file Excel has open: say so rather than "errno 13".
        hint = " (is it open in Excel?)" if isinstance(exc, PermissionError) else ""
        raise OutputFailed(f"{_display(path)}: cannot write: {exc.strerror or exc}{hint}") from None
