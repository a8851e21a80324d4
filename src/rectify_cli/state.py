"""rectify's own state inside a ledger folder: `<ledger>/.rectify/`.

The locks of the ledger files and the undo journal (journal.py) live there, in the ledger's
own folder (so two machines writing one ledger on a network drive lock the same files), but
out of sight: the folder holds a `.gitignore` whose content is `*`, so `git status` never
shows it and the user's own .gitignore needs no edit.  It is made whole or not at all: built
as a hidden temporary beside it and renamed into place, so no reader ever sees a `.rectify`
without its `.gitignore`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .atomic import write_atomic

STATE_DIR = ".rectify"
IGNORE_ALL = b"*\n"
# Long enough to wait out another writer (milliseconds each), short enough that a stuck lock
# is reported instead of hanging a script.
LOCK_TIMEOUT = 10.0


def state_folder(folder: Path) -> Path:
    """Where rectify keeps its state for the ledger files in `folder`."""
    return folder / STATE_DIR


def ensure_state_folder(folder: Path) -> Path:
    """`folder` (a `.rectify` state folder) made if missing, with its `.gitignore`; an
    OSError when it cannot be (a read-only or missing ledger folder): the caller words it."""
    ignore = folder / ".gitignore"
    if folder.is_dir():
        if not ignore.exists():
            # Deleted by someone: put back, or git status shows the locks and the journal.
            write_atomic(ignore, IGNORE_ALL, mode=file_mode(), durable=False)
        return folder
    # Not mkdtemp: its folder is private (0700), and people sharing a ledger share its state.
    import secrets  # made once per ledger: not worth loading for every write

    tmp = folder.parent / f"{folder.name}.{secrets.token_hex(4)}.rectify-tmp"
    tmp.mkdir()
    try:
        (tmp / ".gitignore").write_bytes(IGNORE_ALL)
        os.rename(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if folder.is_dir():  # another rectify made it first (or an empty one was there)
            return ensure_state_folder(folder)
        raise
    return folder


def file_mode() -> int:
    """The mode a new file gets from open() (0666 less the umask), for files written through a
    temporary (whose mode is 0600): everyone who may write the ledger may undo."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
