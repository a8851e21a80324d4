"""digests.sha256: the bytes of a write hashed once, and nothing held after it."""

from __future__ import annotations

import hashlib

from rectify_cli import digests


def test_a_read_holds_no_bytes_and_a_write_forgets_them_after() -> None:
    data = b"[ledger]\n" * 1000
    assert digests.sha256(data) == hashlib.sha256(data).digest()
    assert digests._recent == []  # a read command keeps nothing alive
    with digests.remembered():
        first = digests.sha256(data)
        assert digests._recent == [(data, first)]
        with digests.remembered():  # nested: the outer block still holds
            assert digests.sha256(data) is first
        assert digests._recent == [(data, first)]
    assert digests._recent == []


def test_remembered_digests_are_by_identity_and_right() -> None:
    with digests.remembered():
        a, b, c = b"a" * 10, b"b" * 10, b"c" * 10
        for data in (a, b, c):
            assert digests.sha256(data) == hashlib.sha256(data).digest()
        assert [held for held, _ in digests._recent] == [b, c]  # the last two only
