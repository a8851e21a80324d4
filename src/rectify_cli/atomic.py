"""The one way rectify replaces a file: whole or not at all, and durable once it returns.

A temporary in the same folder (so the rename never crosses file systems), written, flushed
and fsynced, given its permissions, renamed over the target with os.replace, and then the
folder fsynced so the rename itself survives a power cut.  The ledger (edit.py), outputs
(outputs.py, which adds its own rules about what may be replaced on top), the cache and the
cache's validation stamps all write through here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

Data = bytes | Iterable[bytes | memoryview]


def write_temporary(
    folder: Path,
    data: Data,
    *,
    prefix: str,
    suffix: str,
    mode: int | None = None,
    durable: bool = True,
) -> str:
    """A new temporary in `folder` holding `data` (bytes, or pieces written one after the
    other), flushed, fsynced when `durable`, with `mode` when given (mkstemp's is 0600); its
    path.  On any failure the temporary is removed and the error raised."""
    import tempfile  # here, not at the top: a read that writes nothing never loads it

    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in [data] if isinstance(data, bytes) else data:
                fh.write(piece)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable.  Windows cannot open a folder as a file (and its
    file system records the rename with the file), so there it is skipped; elsewhere a
    failure is ignored too: the file itself is already safely written."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(
    path: Path,
    data: Data,
    *,
    prefix: str | None = None,
    suffix: str = ".tmp",
    mode: int | None = None,
    durable: bool = True,
) -> None:
    """Replace (or create) `path` with `data` so that a crash at any moment leaves the old
    file or the new one, never a mixture.  `durable=False` skips both fsyncs, for files
    whose loss only costs time (the cache): the rename is still atomic."""
    folder = path.parent
    tmp = write_temporary(
        folder,
        data,
        prefix=f".{path.name}." if prefix is None else prefix,
        suffix=suffix,
        mode=mode,
        durable=durable,
    )
    try:
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_folder(folder)
