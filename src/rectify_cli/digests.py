"""The SHA-256 of a ledger file's bytes, computed once per write.

A write hashes the bytes before and after it for several readers: the validation stamp
(edit_file.py), the undo journal (journal.py) and the cache key (cache.py, warm.py).  On a
65 MB file each hash costs ~40 ms, and there were seven.  `sha256` remembers the digests of
the last few byte strings it hashed, by identity: `bytes` cannot change, and the string is
held here, so its identity cannot pass to another object while it is remembered.

Only while a write holds its lock (`remembered`, entered by edit.locked): a read command
that remembered the file's bytes would keep them alive through its whole run (100,000
tasks: 65 MB more at the peak of a cold read).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

_KEEP = 2  # the bytes before a write and after it
_recent: list[tuple[bytes, bytes]] = []  # (data, its digest), newest last
_depth = 0  # how many `remembered` blocks are open


@contextmanager
def remembered() -> Iterator[None]:
    """Digests remembered inside the block, forgotten (and their bytes let go) after it."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth:
            _recent.clear()


def sha256(data: bytes) -> bytes:
    """hashlib.sha256(data).digest(), hashed once for the same bytes object."""
    for held, digest in _recent:
        if held is data:
            return digest
    digest = hashlib.sha256(data).digest()
    if _depth:
        _recent.append((data, digest))
        del _recent[:-_KEEP]
    return digest
