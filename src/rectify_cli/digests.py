"""The SHA-256 of a ledger file's bytes, computed once per write.

A write hashes the bytes before and after it for several readers: the validation stamp
(edit_file.py), the undo journal (journal.py) and the cache key (cache.py, warm.py).  On a
65 MB file each hash costs ~40 ms, and there were seven.  `sha256` remembers the digests of
the last few byte strings it hashed, by identity: `bytes` cannot change, and the string is
held here, so its identity cannot pass to another object while it is remembered.
"""

from __future__ import annotations

import hashlib

_KEEP = 2  # the bytes before a write and after it
_recent: list[tuple[bytes, bytes]] = []  # (data, its digest), newest last


def sha256(data: bytes) -> bytes:
    """hashlib.sha256(data).digest(), hashed once for the same bytes object."""
    for held, digest in _recent:
        if held is data:
            return digest
    digest = hashlib.sha256(data).digest()
    _recent.append((data, digest))
    del _recent[:-_KEEP]
    return digest
