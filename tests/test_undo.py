"""`rectify undo` and the journal behind it; the ledger folder's `.rectify/` state folder."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from rectify_cli import edit, edit_file, journal, state
from rectify_cli.edit import record_reading, update_task
from rectify_cli.edit_import import import_indicators
from rectify_cli.edit_rules import NewReading, TaskUpdate
from rectify_cli.errors import WriteRefused
from rectify_cli.models import Indicator
from rectify_cli.undo import undo
from tests.conftest import MINIMAL_TASKS, SAMPLE, invoke, invoke_en
from tests.programs import need_program

D = dt.date(2025, 10, 15)
FILES = ("tasks.toml", "indicators.toml")


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {n: (root / n).read_bytes() if (root / n).exists() else None for n in FILES}


def journal_files(root: Path) -> list[str]:
    folder = root / ".rectify" / "undo"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def here(sample: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample, with the working directory above it so paths print as `ledger/...`."""
    monkeypatch.chdir(sample.parent)
    return sample


def write_csv(folder: Path, ident: str) -> Path:
    path = folder / f"{ident}.csv"
    path.write_text(
        f"编号,问题方面,整改任务,牵头单位,整改时限\n{ident},大气,新任务{ident},市生态环境局,2025-12-31\n",
        encoding="utf-8",
    )
    return path


# --------------------------------------------------------------------------- the basics


def test_undo_puts_back_the_last_update_and_prints_its_diff(runner: CliRunner, here: Path) -> None:
    before = snapshot(here)
    code, _, err = invoke(runner, "update", "T07", "--progress", "80", "--date", "2025-10-15")
    assert (code, err) == (0, "")
    assert snapshot(here) != before
    code, out, err = invoke_en(runner, "undo")
    assert (code, err) == (0, "")
    assert snapshot(here) == before
    assert out.startswith("--- a/ledger/tasks.toml\n+++ b/ledger/tasks.toml\n@@ ")
    assert "\n-progress = 80\n" in out and "\n-date = 2025-10-15\n" in out
    assert "Undid rectify update's write to ledger/tasks.toml (" in out
    assert out.endswith("No earlier write can be undone.\n")
    assert journal_files(here) == []


def test_undo_of_n_steps_gives_back_the_file_as_it_was_n_writes_ago(
    runner: CliRunner, here: Path, tmp_path: Path
) -> None:
    """A mix of update, record and import: each undo goes one write further back, byte for
    byte, and --steps N goes N back at once; an undo is not itself undone (no redo)."""
    states = [snapshot(here)]
    writes: list[tuple[str, ...]] = [
        ("update", "T07", "--progress", "80", "--date", "2025-10-15"),
        ("record", "pm25", "29", "--period", "2025-10", "--date", "2025-11-05"),
        ("import", str(write_csv(tmp_path, "N1"))),
        ("update", "T07", "--note", "现场核查", "--date", "2025-10-16"),
        ("record", "pm25", "28", "--period", "2025-11", "--date", "2025-11-06"),
        ("update", "T01", "--note", "补记", "--date", "2025-10-17"),
    ]
    for args in writes:
        code, out, err = invoke(runner, *args)
        assert code == 0, err
        states.append(snapshot(here))
    assert len(set(map(repr, states))) == len(states)  # every write changed something

    code, out, err = invoke_en(runner, "undo")
    assert code == 0, err
    assert snapshot(here) == states[-2]
    assert "5 earlier writes can still be undone." in out
    code, out, err = invoke_en(runner, "undo", "--steps", "3")
    assert code == 0, err
    assert snapshot(here) == states[-5]
    assert out.count("Undid rectify ") == 3
    assert "Undid rectify import's write to ledger/tasks.toml" in out
    assert "Undid rectify record's write to ledger/indicators.toml" in out
    assert "2 earlier writes can still be undone." in out
    for back in (6, 7):
        code, _, err = invoke_en(runner, "undo")
        assert code == 0, err
        assert snapshot(here) == states[-back]
    assert snapshot(here) == states[0]
    code, out, err = invoke_en(runner, "undo")
    assert (code, out) == (2, "")
    assert err == "Error: nothing to undo: rectify has no record of a write to ledger\n"


def test_undo_refuses_a_file_changed_since_and_changes_nothing(
    runner: CliRunner, here: Path
) -> None:
    assert invoke(runner, "update", "T07", "--note", "x", "--date", "2025-10-15")[0] == 0
    path = here / "tasks.toml"
    path.write_bytes(path.read_bytes() + b"# saved by hand\n")
    before, kept = snapshot(here), journal_files(here)
    code, out, err = invoke_en(runner, "undo")
    assert (code, out) == (2, "")
    assert err.startswith("Error: ledger/tasks.toml changed since rectify update wrote it at ")
    assert err.endswith("(edited by hand or pulled from git?); nothing was undone\n")
    assert err.count("\n") == 1
    assert (snapshot(here), journal_files(here)) == (before, kept)
    # The same in the ledger's own language.
    code, _, err = invoke(runner, "undo")
    assert code == 2
    assert err.startswith("错误：ledger/tasks.toml 在 rectify update 于 ")
    assert err.endswith("写入后又被改动（手工编辑或从 git 拉取？）；未撤销任何内容\n")


def test_nothing_to_undo_is_one_sentence_in_either_language(runner: CliRunner, here: Path) -> None:
    before = snapshot(here)
    assert invoke(runner, "undo") == (
        2,
        "",
        "错误：没有可撤销的内容：rectify 没有 ledger 的写入记录\n",
    )
    assert invoke_en(runner, "undo")[2] == (
        "Error: nothing to undo: rectify has no record of a write to ledger\n"
    )
    assert snapshot(here) == before
    assert not (here / ".rectify").exists()  # a refused undo makes no state folder either


def test_more_steps_than_recorded_are_refused_whole(runner: CliRunner, here: Path) -> None:
    for day in ("2025-10-15", "2025-10-16"):
        assert invoke(runner, "update", "T07", "--note", day, "--date", day)[0] == 0
    before, kept = snapshot(here), journal_files(here)
    code, out, err = invoke_en(runner, "undo", "--steps", "3")
    assert (code, out) == (2, "")
    assert err == "Error: only 2 writes to ledger can be undone, not 3; nothing was undone\n"
    assert (snapshot(here), journal_files(here)) == (before, kept)
    code, _, err = invoke_en(runner, "undo", "--steps", "0")
    assert code == 2 and "--steps" in err


def test_dry_run_prints_the_diff_and_changes_nothing(runner: CliRunner, here: Path) -> None:
    original = snapshot(here)
    assert invoke(runner, "update", "T07", "--progress", "80", "--date", "2025-10-15")[0] == 0
    before, kept = snapshot(here), journal_files(here)
    code, dry, err = invoke(runner, "undo", "--dry-run")
    assert code == 0
    assert err == "试运行：未写入任何内容。\n"
    assert (snapshot(here), journal_files(here)) == (before, kept)
    code, out, _ = invoke(runner, "undo")
    assert code == 0 and snapshot(here) == original
    assert out.startswith(dry)  # the dry run's diff is the one undo then prints
    assert "已撤销 rectify update 对 ledger/tasks.toml 的写入（" in out
    assert out.endswith("没有更早的写入可撤销。\n")


def test_the_dry_run_diff_applies_with_git_apply(runner: CliRunner, here: Path) -> None:
    git = need_program("git", purpose="checking undo's diff with git apply", apt="git")
    assert invoke(runner, "update", "T07", "--progress", "80", "--date", "2025-10-15")[0] == 0
    code, diff, _ = invoke(runner, "undo", "--dry-run")
    assert code == 0
    patch = here.parent / "undo.patch"
    patch.write_text(diff, encoding="utf-8")
    subprocess.run([git, "apply", "--check", str(patch)], cwd=here.parent, check=True)


# --------------------------------------------------------------------- what is checked


def test_undo_refuses_to_remove_indicators_a_task_names(make_ledger: Any) -> None:
    """The import that created indicators.toml is undone by removing it, unless a task has
    named one of its indicators since: `rectify check` would reject that ledger."""
    root = make_ledger()
    new = Indicator(id="pm25", name="PM2.5浓度", better="lower", value=30, period="2025-09")
    import_indicators(root, [new], [])
    assert (root / "indicators.toml").exists()
    tasks = root / "tasks.toml"
    tasks.write_text(
        tasks.read_text(encoding="utf-8") + 'indicators = ["pm25"]\n', encoding="utf-8"
    )
    before, kept = snapshot(root), journal_files(root)
    with pytest.raises(WriteRefused) as info:
        undo(root)
    assert info.value.message.startswith("task T1: indicators: ")
    assert info.value.message.endswith("nothing was written")
    assert (snapshot(root), journal_files(root)) == (before, kept)
    tasks.write_text(MINIMAL_TASKS, encoding="utf-8")
    done = undo(root)
    assert not (root / "indicators.toml").exists()
    assert [f.name for f in done.files] == ["indicators.toml"]


def test_a_damaged_entry_is_refused_naming_it(make_ledger: Any) -> None:
    root = make_ledger()
    update_task(root, "T1", TaskUpdate(date=D, note="x"))
    (entry,) = (root / ".rectify" / "undo").iterdir()
    head = entry.read_bytes().split(b"\n", 1)[0]
    entry.write_bytes(head + b"\nnot zlib")
    before = snapshot(root)
    with pytest.raises(WriteRefused) as info:
        undo(root)
    assert "the undo journal's entry" in info.value.message
    assert info.value.message.endswith("is damaged; nothing was undone")
    assert snapshot(root) == before


# ------------------------------------------------------------------------- the journal


def test_a_write_whose_journal_cannot_be_written_is_refused_before_the_ledger(
    make_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ledger()
    before = snapshot(root)

    def read_only(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(journal, "write_atomic", read_only)
    with pytest.raises(WriteRefused) as info:
        update_task(root, "T1", TaskUpdate(date=D, note="x"))
    assert info.value.message == (
        f"cannot write the undo journal {(root / '.rectify' / 'undo').as_posix()}: "
        "permission denied; nothing was written"
    )
    assert snapshot(root) == before


def test_a_failed_ledger_write_leaves_no_journal_entry(
    make_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ledger()
    before = snapshot(root)

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(edit_file, "write_atomic", full)
    with pytest.raises(WriteRefused, match="the disk is full"):
        update_task(root, "T1", TaskUpdate(date=D, note="x"))
    assert snapshot(root) == before
    assert journal_files(root) == []


def test_an_entry_of_a_write_that_never_landed_is_passed_over(make_ledger: Any) -> None:
    """A writer killed between its journal entry and its write: undo knows the entry by
    the file still holding its before-bytes, and undoes the write before it."""
    root = make_ledger()
    first = snapshot(root)
    update_task(root, "T1", TaskUpdate(date=D, note="landed"))
    landed = (root / "tasks.toml").read_bytes()
    journal.record(root, "tasks.toml", landed, landed + b"# never written\n", "update")
    assert len(journal_files(root)) == 2
    done = undo(root)
    assert snapshot(root) == first
    assert (len(done.steps), done.left) == (1, 0)
    assert journal_files(root) == []


def test_the_journal_keeps_the_newest_entries(
    make_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "KEEP", 3)
    root = make_ledger()
    states = [snapshot(root)]
    for day in range(1, 6):
        update_task(root, "T1", TaskUpdate(date=dt.date(2025, 10, day), note=str(day)))
        states.append(snapshot(root))
    assert journal_files(root) == ["00000003.undo", "00000004.undo", "00000005.undo"]
    undo(root, 3)
    assert snapshot(root) == states[2]
    with pytest.raises(WriteRefused, match="nothing to undo"):
        undo(root)


def test_at_least_ten_steps_are_kept() -> None:
    assert journal.KEEP >= 10


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_undo_writes_through_a_symlinked_file(make_ledger: Any, tmp_path: Path) -> None:
    root = make_ledger()
    real = tmp_path / "real-tasks.toml"
    (root / "tasks.toml").rename(real)
    (root / "tasks.toml").symlink_to(real)
    old = real.read_bytes()
    update_task(root, "T1", TaskUpdate(date=D, note="through the link"))
    assert journal.entries(root)[0].name == "tasks.toml"
    undo(root)
    assert (root / "tasks.toml").is_symlink() and real.read_bytes() == old


@given(
    old=st.binary(max_size=60),
    cut=st.tuples(st.integers(0, 60), st.integers(0, 60)),
    new=st.binary(max_size=20),
    pieces=st.integers(1, 4),
)
def test_an_entry_restores_the_bytes_before_any_write(
    old: bytes, cut: tuple[int, int], new: bytes, pieces: int
) -> None:
    """Only the replaced span is kept; the after-bytes with it put back are the before-bytes,
    whatever the write did (and however its data came in pieces)."""
    lo, hi = sorted(min(c, len(old)) for c in cut)
    after = old[:lo] + new + old[hi:]
    step = max(1, len(after) // pieces)
    parts = [after[i : i + step] for i in range(0, len(after), step)] or [b""]
    prefix = journal.common_prefix(old, parts)
    suffix = journal.common_suffix(old, parts)
    assert old[:prefix] == after[:prefix] and (
        prefix == len(old) or prefix == len(after) or old[prefix] != after[prefix]
    )
    assert old[len(old) - suffix :] == after[len(after) - suffix :]
    assert suffix == min(len(old), len(after)) or old[-suffix - 1] != after[-suffix - 1]


def test_an_entry_round_trips(make_ledger: Any) -> None:
    root = make_ledger()
    old = b"abc\nline two\nend\n" * 50
    new: list[bytes | memoryview] = [b"abc\nline ", memoryview(b"2 and more\nend\n" + old[20:])]
    entry = journal.record(root, "tasks.toml", old, new, "update")
    assert entry is not None and entry.restore(b"".join(new)) == old
    assert journal.record(root, "tasks.toml", old, old, "update") is None  # no change


# ------------------------------------------------------------- the .rectify state folder


def test_locks_and_journal_live_in_a_hidden_ignored_folder(make_ledger: Any) -> None:
    root = make_ledger(indicators="version = 1\n")
    update_task(root, "T1", TaskUpdate(date=D, note="x"))
    assert sorted(os.listdir(root)) == [".rectify", "indicators.toml", "tasks.toml"]
    assert (root / ".rectify" / ".gitignore").read_bytes() == b"*\n"
    assert edit.lock_path(root / "tasks.toml") == root / ".rectify" / "tasks.toml.lock"
    # A .gitignore deleted by someone is put back by the next write.
    (root / ".rectify" / ".gitignore").unlink()
    update_task(root, "T1", TaskUpdate(date=D, note="y"))
    assert (root / ".rectify" / ".gitignore").read_bytes() == b"*\n"


def test_the_state_folder_is_made_whole_by_one_of_two_racers(tmp_path: Path) -> None:
    folder = tmp_path / ".rectify"
    assert state.ensure_state_folder(folder) == folder
    assert state.ensure_state_folder(folder) == folder  # again: already there
    assert sorted(os.listdir(tmp_path)) == [".rectify"]  # no temporary left behind
    assert os.listdir(folder) == [".gitignore"]
    # An empty one made by someone else gets its .gitignore too.
    other = tmp_path / "other" / ".rectify"
    other.mkdir(parents=True)
    assert state.ensure_state_folder(other) == other
    assert (other / ".gitignore").read_bytes() == b"*\n"


def test_a_ledger_folder_that_cannot_hold_the_state_folder_is_refused_clearly(
    make_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ledger()
    before = snapshot(root)

    def read_only(folder: Path) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(edit, "ensure_state_folder", read_only)
    with pytest.raises(WriteRefused) as info:
        update_task(root, "T1", TaskUpdate(date=D, note="x"))
    assert info.value.message == (
        f"cannot lock {(root / 'tasks.toml').as_posix()}: permission denied creating "
        f"{(root / '.rectify' / 'tasks.toml.lock').as_posix()} (is the folder read-only?); "
        "nothing was written"
    )
    assert snapshot(root) == before


def git_status(git: str, repo: Path) -> list[str]:
    out = subprocess.run(
        [git, "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(line[3:] for line in out.splitlines())


def test_git_status_shows_only_the_changed_ledger_files(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git = need_program("git", purpose="checking that rectify leaves nothing for git", apt="git")
    repo = tmp_path / "repo"  # rectify's cache (tmp_path/cache) stays outside it
    shutil.copytree(SAMPLE, repo / "ledger")
    monkeypatch.setenv("RECTIFY_LEDGER", str(repo / "ledger"))
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    for args in (["init", "-q"], ["add", "ledger"], ["commit", "-qm", "ledger"]):
        subprocess.run([git, *args], cwd=repo, check=True, env={**os.environ, **env})
    csv = write_csv(tmp_path, "N1")

    # A refused update takes the lock and writes nothing: git sees nothing.
    assert invoke(runner, "update", "T07", "--progress", "500")[0] == 2
    assert (repo / "ledger" / ".rectify").is_dir()
    assert git_status(git, repo) == []
    assert invoke(runner, "update", "T07", "--progress", "80", "--date", "2025-10-15")[0] == 0
    assert git_status(git, repo) == ["ledger/tasks.toml"]
    record = ("record", "pm25", "29", "--period", "2025-10", "--date", "2025-11-05")
    assert invoke(runner, *record)[0] == 0
    assert invoke(runner, "import", str(csv))[0] == 0
    assert git_status(git, repo) == ["ledger/indicators.toml", "ledger/tasks.toml"]
    assert invoke(runner, "undo", "--steps", "3")[0] == 0
    assert git_status(git, repo) == []
    assert (repo / "ledger" / ".rectify" / "undo").is_dir()  # there, and out of sight


def test_record_and_update_through_the_core_are_journaled(make_ledger: Any) -> None:
    root = make_ledger(indicators="version = 1\n\n[[indicators]]\nid = \"I1\"\nname = \"x\"\n"
                       "better = \"lower\"\nvalue = 1\nperiod = \"p1\"\n")  # fmt: skip
    update_task(root, "T1", TaskUpdate(date=D, note="x"))
    record_reading(root, "I1", NewReading(value=2, period="p2"))
    assert [(e.name, e.verb) for e in journal.entries(root)] == [
        ("indicators.toml", "update"),  # a library call names what the write path does
        ("tasks.toml", "update"),
    ]
