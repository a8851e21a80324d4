"""The one atomic writer every file rectify replaces goes through."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest

from rectify_cli.atomic import fsync_folder, write_atomic
from rectify_cli.outputs import write_bytes


def _record_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each fsync was of: "dir" or "file"."""
    seen: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        seen.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return seen


def test_write_atomic_creates_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    write_atomic(path, b"one")
    write_atomic(path, [b"t", memoryview(b"wo")])
    assert path.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_durable_write_fsyncs_the_file_then_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _record_fsyncs(monkeypatch)
    write_atomic(tmp_path / "a.txt", b"x")
    expected = ["file"] if sys.platform == "win32" else ["file", "dir"]
    assert seen == expected


def test_a_disposable_write_skips_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _record_fsyncs(monkeypatch)
    write_atomic(tmp_path / "a.txt", b"x", durable=False)
    assert seen == []
    assert (tmp_path / "a.txt").read_bytes() == b"x"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_mode_asked_for_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    write_atomic(path, b"x", mode=0o640)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_folder_that_cannot_be_opened_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows cannot open a folder; the written file stands."""

    tried: list[object] = []

    def refuse(*args: object, **kwargs: object) -> int:
        tried.append(args[0])
        raise PermissionError(errno.EACCES, "Access is denied")

    monkeypatch.setattr(os, "open", refuse)
    fsync_folder(tmp_path)
    assert tried == [tmp_path]
    monkeypatch.setattr(sys, "platform", "win32")
    fsync_folder(tmp_path)
    assert tried == [tmp_path]  # not even tried there


def test_outputs_fsync_their_folder_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _record_fsyncs(monkeypatch)
    write_bytes(tmp_path / "report.md", b"# report\n")
    assert (tmp_path / "report.md").read_bytes() == b"# report\n"
    expected = ["file"] if sys.platform == "win32" else ["file", "dir"]
    assert seen == expected
