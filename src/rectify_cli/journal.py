"""The undo journal: what each write rectify made to a ledger file replaced.

`record` is called by the one write path (edit_file.write_if_unchanged, and the creation of
a file by import), under the file's lock, *before* the file is replaced: the ledger never
changes without its entry.  A writer killed between the entry and the write leaves an entry
whose file still holds its before-bytes; undo knows it by its hash and passes over it.

An entry is one file `<ledger>/.rectify/undo/NNNNNNNN.undo`: a JSON line (the file's name,
the SHA-256 of its bytes before and after, their sizes, the verb, the time, and the lengths
of the bytes before and after that the write left alone) and then the before-bytes that the
write replaced, zlib-compressed.  Only the replaced span is kept, not the whole file: an
update of one task in a 65 MB ledger keeps a few hundred bytes, and the entry is written in
milliseconds.  The before-bytes are the after-bytes with that span put back, checked against
their hash.  The newest KEEP entries are kept; older ones are pruned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zlib
from collections.abc import Iterable, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .digests import sha256
from .speech import command_run
from .state import LOCK_TIMEOUT, ensure_state_folder, file_mode, state_folder

KEEP = 50
UNDO_DIR = "undo"
_ENTRY = re.compile(r"(\d{8,})\.undo")
_CHUNK = 1 << 20

Pieces = bytes | Sequence[bytes | memoryview]


def verb(doing: str) -> str:
    """The verb an entry names: the command being run, else what the write says it does."""
    return command_run() or {"updating": "update", "importing into": "import"}.get(doing, doing)


@dataclass(frozen=True)
class Entry:
    seq: int
    path: Path  # the entry's own file
    name: str  # the ledger file's name in its folder: tasks.toml
    verb: str
    time: str  # local time, ISO 8601 to the second
    before: str | None  # SHA-256 of the file before the write; None: it did not exist
    after: str
    prefix: int  # bytes at the start the write left alone
    suffix: int  # and at the end

    @property
    def when(self) -> str:
        """The time as people read it: 2026-12-06 08:40:12."""
        return self.time.replace("T", " ")[:19]

    def restore(self, current: bytes) -> bytes | None:
        """The file's bytes before the write, from `current` (which must hash to `after`);
        None when the write created the file.  ValueError if the entry is damaged."""
        if self.before is None:
            return None
        with self.path.open("rb") as f:
            f.readline()
            span = zlib.decompress(f.read())
        end = len(current) - self.suffix
        if end < self.prefix:
            raise ValueError("entry does not fit the file")
        old = current[: self.prefix] + span + current[end:]
        if digest(old) != self.before:
            raise ValueError("entry does not restore the bytes it recorded")
        return old


def digest(data: Pieces | None) -> str | None:
    if data is None:
        return None
    if isinstance(data, bytes):
        return sha256(data).hex()  # hashed once per write (digests.py)
    h = hashlib.sha256()
    for piece in data:
        h.update(piece)
    return h.hexdigest()


def journal_folder(root: Path) -> Path:
    return state_folder(root) / UNDO_DIR


def journal_lock(root: Path) -> Path:
    return state_folder(root) / "undo.lock"


@contextmanager
def held(root: Path) -> Any:
    """The journal's own lock, taken after a ledger file's (never the other way round), so
    writers of two files append their entries one at a time.  OSError/Timeout raised."""
    from filelock import FileLock

    ensure_state_folder(state_folder(root))
    with FileLock(str(journal_lock(root)), timeout=LOCK_TIMEOUT):
        yield


def entries(root: Path) -> list[Entry]:
    """The journal of the ledger in `root`, newest first; unreadable entries left out."""
    found = []
    for seq, path in _numbered(journal_folder(root)):
        with suppress(OSError, ValueError, KeyError, TypeError):
            found.append(_read(path, seq))
    return found


def _numbered(folder: Path) -> list[tuple[int, Path]]:
    """The entries' numbers and files, newest first, without reading them."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = [(int(m[1]), folder / m[0]) for m in map(_ENTRY.fullmatch, names) if m]
    return sorted(found, reverse=True)


def _read(path: Path, seq: int) -> Entry:
    with path.open("rb") as f:
        head = json.loads(f.readline().decode("utf-8"))
    return Entry(
        seq=seq,
        path=path,
        name=str(head["file"]),
        verb=str(head["verb"]),
        time=str(head["time"]),
        before=None if head["before_sha256"] is None else str(head["before_sha256"]),
        after=str(head["after_sha256"]),
        prefix=int(head["prefix"]),
        suffix=int(head["suffix"]),
    )


def record(root: Path, name: str, before: bytes | None, after: Pieces, verb: str) -> Entry | None:
    """Add the entry of a write about to replace `root/name` (`before` None: a new file),
    prune the oldest; None when the write changes nothing.  OSError (or filelock's Timeout)
    raised: the caller refuses the write."""
    old = before or b""
    if before is not None and _same(before, after):
        return None
    after_digest = digest(after)
    prefix = common_prefix(old, after)
    size = sum(len(p) for p in ([after] if isinstance(after, bytes) else after))
    suffix = min(common_suffix(old, after), len(old) - prefix, size - prefix)
    head = {
        "file": name,
        "verb": verb,
        "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "before_sha256": digest(before),
        "after_sha256": after_digest,
        "before_size": None if before is None else len(before),
        "after_size": size,
        "prefix": prefix,
        "suffix": suffix,
    }
    body = zlib.compress(old[prefix : len(old) - suffix], 1)
    line = json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n"
    folder = journal_folder(root)
    with held(root):
        folder.mkdir(exist_ok=True)
        for tmp in folder.glob(".*.tmp"):  # of a writer killed while adding its entry
            with suppress(OSError):
                tmp.unlink()
        known = _numbered(folder)
        seq = known[0][0] + 1 if known else 1
        path = folder / f"{seq:08d}.undo"
        write_atomic(path, [line, body], mode=file_mode())
        for _, stale in known[KEEP - 1 :]:
            with suppress(OSError):
                stale.unlink()
    return _read(path, seq)


def _same(before: bytes, after: Pieces) -> bool:
    if isinstance(after, bytes):
        return before == after
    return digest(before) == digest(after)


def drop(done: Iterable[Entry]) -> None:
    """Entries undone (or of writes that never landed) taken off the journal."""
    for entry in done:
        with suppress(FileNotFoundError):
            entry.path.unlink()


def _views(data: Pieces) -> list[memoryview]:
    return [memoryview(p) for p in ([data] if isinstance(data, bytes) else data)]


def common_prefix(old: bytes, new: Pieces) -> int:
    """How many bytes at the start `old` and `new` (pieces one after the other) share,
    compared by memcmp a megabyte at a time (bytes.startswith takes a buffer: no copy)."""
    done = 0
    for view in _views(new):
        lo, size = 0, len(view)
        while lo < size:
            hi = min(size, lo + _CHUNK)
            if old.startswith(view[lo:hi], done + lo):
                lo = hi
                continue
            while hi - lo > 1:  # view[lo:hi] holds the first difference
                mid = (lo + hi) // 2
                if old.startswith(view[lo:mid], done + lo):
                    lo = mid
                else:
                    hi = mid
            return done + lo
        done += size
    return done


def common_suffix(old: bytes, new: Pieces) -> int:
    """How many bytes at the end `old` and `new` share (as common_prefix, from the end)."""
    done = 0
    for view in reversed(_views(new)):
        size = len(view)
        n = 0
        while n < size:
            m = min(size, n + _CHUNK)
            if _ends_with(old, view[size - m : size - n], done + n):
                n = m
                continue
            lo, hi = n, m  # the first difference from the end is within the last hi bytes
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _ends_with(old, view[size - mid : size - lo], done + lo):
                    lo = mid
                else:
                    hi = mid
            return done + lo
        done += size
    return done


def _ends_with(old: bytes, piece: memoryview, skip: int) -> bool:
    """Does `old`, without its last `skip` bytes, end with `piece`?"""
    at = len(old) - skip - len(piece)
    return at >= 0 and old.startswith(piece, at)
