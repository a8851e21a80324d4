"""Writing the ledger: only the edited block changes, and a failure never damages the file."""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from rectify_cli import diff_text, edit, edit_text
from rectify_cli.edit import record_reading, update_task
from rectify_cli.edit_file import BOM
from rectify_cli.edit_rules import NewReading, TaskUpdate
from rectify_cli.edit_text import Layout
from rectify_cli.errors import LedgerInvalid, UnknownTask, WriteRefused
from rectify_cli.kinds import Status
from rectify_cli.models import TaskFile
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, SAMPLE

GOLDEN = Path(__file__).parent / "golden" / "tasks_odd.toml"
D = dt.date(2025, 10, 5)
CLOSE = TaskUpdate(date=D, status=Status.DONE, note="验收通过", evidence=("验收报告.pdf",))

# Where each task's block starts and where the untouched rest begins (None: end of file).
# Comments directly above the next header belong to the next task and must not move.
# (T02's notes hold a fake `[[tasks]]\nid = "T03"`, so T03's marker includes its comment.)
BLOCKS = {
    "T01": (b'[[tasks]]\nid = "T01"', b"\n  # Comment about T02"),
    "T02": (b"[[tasks]]   # trailing comment on the header", b"# Comment about T03"),
    "T03": (b'[[tasks]]\nid = "T03"\naspect', None),
}


def golden(make_ledger: Any, variant: str) -> Path:
    raw = GOLDEN.read_bytes()
    if variant == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif variant == "bom":
        raw = BOM + raw
    root: Path = make_ledger(raw)
    return root


def reference(raw: bytes) -> TaskFile:
    return TaskFile.model_validate(tomllib.loads(raw.decode("utf-8-sig")))


def _eol(variant: str, marker: bytes) -> bytes:
    return marker.replace(b"\n", b"\r\n") if variant == "crlf" else marker


@pytest.mark.parametrize("variant", ["lf", "crlf", "bom"])
@pytest.mark.parametrize("task_id", ["T01", "T02", "T03"])
def test_golden_every_byte_outside_the_task_block_is_identical(
    make_ledger: Any, variant: str, task_id: str
) -> None:
    root = golden(make_ledger, variant)
    path = root / "tasks.toml"
    old = path.read_bytes()
    # tomllib as the reference reader: it is what `update` verifies with.  (A CRLF file's
    # multi-line strings read as "\n" in tomllib and "\r\n" in rtoml; TOML allows both.)
    before = reference(old)

    outcome = update_task(root, task_id, CLOSE)
    new = path.read_bytes()

    start_marker, end_marker = BLOCKS[task_id]
    start = old.rindex(_eol(variant, start_marker))
    end = len(old) if end_marker is None else old.index(_eol(variant, end_marker))
    prefix, suffix = old[:start], old[end:]
    assert new[: len(prefix)] == prefix
    assert new[len(new) - len(suffix) :] == suffix
    block = new[len(prefix) : len(new) - len(suffix)]

    # The block alone parses back to exactly the intended task...
    i = [t.id for t in before.tasks].index(task_id)
    intended = before.tasks[i].model_copy(
        update={
            "status": Status.DONE,
            "progress": 100,
            "completed_on": D,
            "evidence": [*before.tasks[i].evidence, "验收报告.pdf"],
        }
    )
    parsed = tomllib.loads(block.decode("utf-8"))["tasks"]
    assert len(parsed) == 1
    got = type(intended).model_validate(parsed[0])
    assert got.model_copy(update={"log": got.log[:-1]}) == intended
    assert got.log[-1].note == "验收通过"
    assert got.log[-1].changes[0] == f"status: {before.tasks[i].status.value} → done"
    # ...and the whole file loads as the old ledger with that one task replaced.
    after = reference(new)
    load_ledger(root)  # and rectify itself reads it
    assert after.tasks[:i] + after.tasks[i + 1 :] == before.tasks[:i] + before.tasks[i + 1 :]
    assert after.tasks[i] == got
    assert (after.ledger, after.aspects) == (before.ledger, before.aspects)
    assert outcome.written

    # Inside the block, only the lines of changed keys go; their comments stay.
    old_lines = old[start:end].decode("utf-8-sig").splitlines()
    new_lines = block.decode("utf-8").splitlines()
    removed = [
        line[1:]
        for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=0)
        if line.startswith("-") and not line.startswith("---")
    ]
    assert all(re.match(r"(status|progress|evidence) ?=", line) for line in removed), removed
    if variant == "crlf":
        assert new.count(b"\n") == new.count(b"\r\n")
    assert new.startswith(BOM) == (variant == "bom")


def test_golden_changed_key_keeps_its_inline_comment(make_ledger: Any) -> None:
    root = golden(make_ledger, "lf")
    update_task(root, "T01", TaskUpdate(date=D, status=Status.DONE))
    text = (root / "tasks.toml").read_text(encoding="utf-8")
    # the status is written in the style the task has: a Chinese label stays Chinese
    assert 'status = "已完成"     # Chinese status label\n' in text
    assert (
        "progress = 100\ncompleted_on = 2025-10-05\nmeasures = [\n"
        '    "洒水降尘",   # first measure\n'
    ) in text


def test_a_new_key_goes_after_the_field_before_it(make_ledger: Any) -> None:
    root = golden(make_ledger, "lf")
    update_task(root, "T03", TaskUpdate(date=D, progress=5))
    text = (root / "tasks.toml").read_text(encoding="utf-8")
    assert text.endswith(
        'ongoing = true\nstatus = "in_progress"\nprogress = 5\n\n'
        '[[tasks.log]]\ndate = 2025-10-05\nstatus = "in_progress"\nprogress = 5\n'
        'changes = ["status: not_started → in_progress", "progress: — → 5"]\n'
    )


def test_the_log_entry_is_appended_after_the_last_one(sample: Path) -> None:
    update_task(sample, "T07", TaskUpdate(date=D, progress=80, note="方案印发", by="市水利局"))
    text = (sample / "tasks.toml").read_text(encoding="utf-8")
    assert (
        'note = "据整改落实情况公开：达到序时进度"\n\n'
        "[[tasks.log]]\n"
        "date = 2025-10-05\n"
        "progress = 80\n"
        'note = "方案印发"\n'
        'by = "市水利局"\n'
        'changes = ["progress: — → 80"]\n\n'
        "[[tasks]]\n"
        'id = "T08"\n'
    ) in text


def test_text_with_quotes_newlines_and_tabs_round_trips(make_ledger: Any) -> None:
    root = make_ledger()
    note = 'line one\nline "two" \\ \t red'
    update_task(root, "T1", TaskUpdate(date=D, note=note, by="李'四"))
    assert load_ledger(root).tasks[0].log[-1].note == note.strip()


@pytest.mark.parametrize(
    ("text", "code"),
    [("\x1b[31m red", 0x1B), ("nul\x00", 0), ("\u202eevil", 0x202E), ("c1\x9b31m", 0x9B)],
)
@pytest.mark.parametrize("field", ["note", "by"])
def test_a_control_character_is_refused_not_written(
    make_ledger: Any, text: str, code: int, field: str
) -> None:
    """A terminal obeys it instead of showing it: `check` names it, so no write adds it."""
    root = make_ledger()
    before = (root / "tasks.toml").read_bytes()
    with pytest.raises(WriteRefused) as exc:
        note, by = (text, None) if field == "note" else ("验收", text)
        update_task(root, "T1", TaskUpdate(date=D, note=note, by=by))
    assert f"{field}: holds the control character U+{code:04X}" in exc.value.message
    assert (root / "tasks.toml").read_bytes() == before


# --------------------------------------------------------------------------- layout


def test_layout_ignores_headers_and_ids_inside_multiline_strings() -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    layout = Layout(text)
    assert len(layout.blocks("tasks")) == 3
    # The notes of T02 hold a line `id = "T03"`: only the real one is found.
    (pos,) = layout.id_lines("T03")
    assert text[pos:].startswith('id = "T03"\naspect')
    assert layout.line_of(pos) == text[:pos].count("\n") + 1


def test_layout_trim_leaves_the_comment_above_the_next_header() -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    layout = Layout(text)
    start, end = layout.blocks("tasks")[0]
    assert text[end:].startswith("[[tasks]]   # trailing")
    trimmed = layout.trim(start, end)
    assert text[trimmed:end] == "\n  # Comment about T02, indented, directly above its header.\n\n"


# --------------------------------------------------------------------------- dry run, diff


def git_apply(folder: Path, diff: str) -> None:
    """Apply a diff with git (as a plain patch tool, no repository needed)."""
    subprocess.run(
        ["git", "apply", "--whitespace=nowarn", "-"],
        input=diff.encode("utf-8"),
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to apply the diff")
@pytest.mark.parametrize("task_id", ["T01", "T02", "T03"])
def test_dry_run_writes_nothing_and_its_diff_is_the_write(
    make_ledger: Any, task_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = golden(make_ledger, "lf")
    monkeypatch.chdir(root.parent)
    path = root / "tasks.toml"
    old = path.read_bytes()
    dry = update_task(root, task_id, CLOSE, dry_run=True)
    assert path.read_bytes() == old
    assert not dry.written
    assert not edit.lock_path(path).exists()  # a dry run takes no lock: works read-only
    diff = dry.diff()
    assert diff.startswith(f"--- a/{root.name}/tasks.toml\n+++ b/{root.name}/tasks.toml\n@@ ")
    update_task(root, task_id, CLOSE)
    written = path.read_bytes()
    path.write_bytes(old)
    git_apply(root.parent, diff)
    assert path.read_bytes() == written


def test_diff_of_a_large_file_only_looks_at_the_block() -> None:
    old = "".join(f"line {i}\n" for i in range(1000))
    start = old.index("line 500\n")
    end = start + len("line 500\n")
    new = old[:start] + "changed\nadded\n" + old[end:]
    diff = diff_text.unified_diff(old, new, "f", start, end, start + len("changed\nadded\n"))
    assert diff == (
        "--- a/f\n+++ b/f\n@@ -498,7 +498,8 @@\n line 497\n line 498\n line 499\n"
        "-line 500\n+changed\n+added\n line 501\n line 502\n line 503\n"
    )


# --------------------------------------------------------------------------- verification


def test_an_invalid_ledger_is_refused_and_untouched(make_ledger: Any) -> None:
    root = make_ledger(MINIMAL_TASKS.replace("progress = 50", "progress = 150"))
    old = (root / "tasks.toml").read_bytes()
    with pytest.raises(LedgerInvalid, match=r"tasks.toml:\d+: task T1: progress: must be at most"):
        update_task(root, "T1", TaskUpdate(date=D, note="x"))
    assert (root / "tasks.toml").read_bytes() == old


def test_a_hand_edit_after_an_update_is_validated_again(make_ledger: Any) -> None:
    second = "\n[[tasks]]" + MINIMAL_TASKS.split("[[tasks]]")[1].replace("T1", "T2")
    root = make_ledger(MINIMAL_TASKS + second)
    update_task(root, "T1", TaskUpdate(date=D, note="first"))  # stamps the content
    path = root / "tasks.toml"
    broken = path.read_text(encoding="utf-8").replace(
        'id = "T2"\naspect = "A1"', 'id = "T2"\naspect = "A9"'
    )
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(LedgerInvalid, match="task T2: aspect: unknown aspect 'A9'"):
        update_task(root, "T1", TaskUpdate(date=D, note="second"))
    assert path.read_text(encoding="utf-8") == broken


def test_the_stamp_spares_a_second_full_validation(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = edit._load_whole

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(edit, "_load_whole", counting)
    update_task(sample, "T07", TaskUpdate(date=D, note="one"))
    update_task(sample, "T07", TaskUpdate(date=D, note="two"))
    update_task(sample, "T16", TaskUpdate(date=D, note="three"))
    assert len(calls) == 1
    assert [e.note for e in load_ledger(sample).task("T07").log][-2:] == ["one", "two"]  # type: ignore[union-attr]


@pytest.mark.parametrize("cache", ["unusable", "off"])
def test_without_a_usable_cache_every_update_validates_fully(
    sample: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: str
) -> None:
    if cache == "off":
        monkeypatch.setenv("RECTIFY_NO_CACHE", "1")
    else:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("x", encoding="utf-8")
        monkeypatch.setenv("RECTIFY_CACHE_DIR", str(blocker))
    calls = []
    real = edit._load_whole

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(edit, "_load_whole", counting)
    update_task(sample, "T07", TaskUpdate(date=D, note="one"))
    update_task(sample, "T07", TaskUpdate(date=D, note="two"))
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        (
            'log = [{date = 2025-02-01, note = "inline"}]  # 日志\n',
            'log = [{date = 2025-02-01, note = "inline"}, {date = 2025-10-05, note = "x"}]'
            "  # 日志\n",
        ),
        (
            'log = [\n    { date = 2025-02-01, note = "]#" },\n]\n',
            'log = [\n    { date = 2025-02-01, note = "]#" },\n    {date = 2025-10-05, note = "x"},\n]\n',
        ),
        ("log = []\n", 'log = [{date = 2025-10-05, note = "x"}]\n'),
    ],
)
def test_an_inline_log_gets_the_entry_inline(make_ledger: Any, log: str, expected: str) -> None:
    """`log = [{...}]` (tomli_w writes a short log so) cannot take a `[[tasks.log]]` after
    it: the entry joins the array, whose text is otherwise kept as typed (tomlkit would
    respace `{ date = ... }` inside a multi-line array)."""
    root = make_ledger(MINIMAL_TASKS + log + "\n# 下一项\n")
    update_task(root, "T1", TaskUpdate(date=D, note="x"))
    assert (root / "tasks.toml").read_text(encoding="utf-8") == (
        MINIMAL_TASKS + expected + "\n# 下一项\n"
    )
    assert [e.note for e in load_ledger(root).tasks[0].log][-1] == "x"


def test_an_edit_that_would_not_read_back_is_refused(
    make_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def loses_the_entry(region: str, *args: Any) -> str:
        return region  # as if the edit had dropped the new log entry

    monkeypatch.setattr(edit, "edit_block", loses_the_entry)
    root = make_ledger(MINIMAL_TASKS)
    old = (root / "tasks.toml").read_bytes()
    with pytest.raises(WriteRefused) as info:
        update_task(root, "T1", TaskUpdate(date=D, note="x"))
    assert "could not isolate the block of task T1 safely" in info.value.message
    assert "nothing was written" in info.value.message
    assert (root / "tasks.toml").read_bytes() == old


@pytest.mark.parametrize("warm", [False, True])
def test_unknown_task_suggests_the_nearest_id(sample: Path, warm: bool) -> None:
    if warm:
        update_task(sample, "T07", TaskUpdate(date=D, note="stamp"))
    with pytest.raises(UnknownTask) as info:
        update_task(sample, "T99", TaskUpdate(date=D, note="x"))
    assert info.value.message == "no task T99; did you mean T09?"


def test_unknown_indicator(sample: Path) -> None:
    with pytest.raises(UnknownTask) as info:
        record_reading(sample, "pm2", NewReading(value=1, period="p"))
    assert info.value.message == "no indicator pm2; did you mean pm25?"


def test_record_keeps_the_rest_of_the_indicators_file(sample: Path) -> None:
    path = sample / "indicators.toml"
    old = path.read_text(encoding="utf-8")
    record_reading(sample, "pm25", NewReading(value=29, period="2025-10"))
    new = path.read_text(encoding="utf-8")
    head = old[: old.index('id = "pm25"')]
    tail = old[old.index('[[indicators]]\nid = "good_air_ratio"') :]
    assert new.startswith(head) and new.endswith(tail)
    pm25 = next(i for i in load_ledger(sample).indicators if i.id == "pm25")
    assert (pm25.value, pm25.period, pm25.change, pm25.rank) == (29, "2025-10", None, None)
    assert [(r.value, r.period) for r in pm25.history] == [(30, "2025-01/09")]


# --------------------------------------------------------------------------- no damage


def test_read_only_file_is_refused(sample: Path) -> None:
    path = sample / "tasks.toml"
    old = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(WriteRefused) as info:
            update_task(sample, "T07", TaskUpdate(date=D, note="x"))
        assert info.value.message.endswith(
            "tasks.toml is read-only; nothing was written (make it writable first)"
        )
        # A dry run only reads, so it still works.
        assert update_task(sample, "T07", TaskUpdate(date=D, note="x"), dry_run=True).changed
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == old


def test_full_disk_leaves_the_file_and_no_temporary(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sample / "tasks.toml"
    old = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteRefused) as info:
        update_task(sample, "T07", TaskUpdate(date=D, note="x"))
    # The undo journal is written first, so a full disk stops the write there.
    assert "the disk is full; nothing was written" in info.value.message
    assert path.read_bytes() == old
    assert not list(sample.glob(".tasks.toml.*"))  # the temporary file is gone too


def test_a_change_on_disk_during_the_update_is_refused(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sample / "tasks.toml"
    real = edit_text.edit_block

    def and_someone_saves(*args: Any, **kwargs: Any) -> str:
        path.write_text(path.read_text(encoding="utf-8") + "\n# saved by an editor\n", "utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(edit, "edit_block", and_someone_saves)
    with pytest.raises(WriteRefused) as info:
        update_task(sample, "T07", TaskUpdate(date=D, note="x"))
    assert "tasks.toml changed on disk while rectify was updating it" in info.value.message
    assert path.read_text(encoding="utf-8").endswith("# saved by an editor\n")


def test_a_missing_lock_folder_is_a_clear_error(
    sample: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # filelock creates a missing folder itself; one that cannot exist (its parent is a
    # file, as when a network drive or a folder goes away) must still be a clear error.
    (tmp_path / "gone").write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(edit, "lock_path", lambda p: tmp_path / "gone" / "tasks.toml.lock")
    old = (sample / "tasks.toml").read_bytes()
    with pytest.raises(WriteRefused) as info:
        update_task(sample, "T07", TaskUpdate(date=D, note="x"))
    assert info.value.message.startswith("cannot lock ")
    assert "does not exist; nothing was written" in info.value.message
    assert (sample / "tasks.toml").read_bytes() == old


def test_a_held_lock_times_out_with_a_clear_error(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(edit, "LOCK_TIMEOUT", 0.2)
    path = sample / "tasks.toml"
    old = path.read_bytes()
    with FileLock(str(edit.lock_path(path))), pytest.raises(WriteRefused) as info:
        update_task(sample, "T07", TaskUpdate(date=D, note="x"))
    assert "is being updated by another rectify" in info.value.message
    assert path.read_bytes() == old


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_permissions_are_kept(sample: Path) -> None:
    path = sample / "tasks.toml"
    path.chmod(0o640)
    update_task(sample, "T07", TaskUpdate(date=D, note="x"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_symlinked_file_is_written_through_the_link(sample: Path, tmp_path: Path) -> None:
    real = tmp_path / "real-tasks.toml"
    (sample / "tasks.toml").rename(real)
    (sample / "tasks.toml").symlink_to(real)
    update_task(sample, "T07", TaskUpdate(date=D, note="through the link"))
    assert (sample / "tasks.toml").is_symlink()
    assert "through the link" in real.read_text(encoding="utf-8")


def test_leftover_temporary_files_of_killed_writers_are_removed(sample: Path) -> None:
    stale = sample / ".tasks.toml.abc123.tmp"
    stale.write_text("half a ledger", encoding="utf-8")
    update_task(sample, "T07", TaskUpdate(date=D, note="x"))
    assert not stale.exists()


def test_nothing_to_change_writes_nothing(sample: Path) -> None:
    path = sample / "tasks.toml"
    before = path.stat().st_mtime_ns, path.read_bytes()
    outcome = update_task(sample, "T07", TaskUpdate(date=D, status=Status.IN_PROGRESS))
    assert not outcome.changed and not outcome.written
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_the_sample_is_never_touched() -> None:
    # Every test above works on a copy; the shipped sample must still load.
    assert load_ledger(SAMPLE).tasks
    assert not edit.lock_path(SAMPLE / "tasks.toml").exists() or os.name == "nt"


def test_the_stamp_says_whether_the_file_may_hold_a_multi_line_string(make_ledger: Any) -> None:
    """A write keeps the stamp's word that the file holds no three quotes in a row (then
    the next update need not look for multi-line strings) only while it is true."""
    from rectify_cli.edit_file import TASKS_KIND, content_digest, stamped

    second = "\n[[tasks]]" + MINIMAL_TASKS.split("[[tasks]]")[1].replace("T1", "T2")
    root = make_ledger(MINIMAL_TASKS + second)
    path = root / "tasks.toml"

    def stamp_now() -> bool | None:
        return stamped(path, content_digest(TASKS_KIND, path.read_bytes()))

    update_task(root, "T1", TaskUpdate(date=D, note="first"))  # validated whole, stamped
    assert stamp_now() is True
    update_task(root, "T1", TaskUpdate(date=D, note="second"))
    assert stamp_now() is True
    quoted = "甲'''乙"  # a basic string, but three quotes in a row all the same
    update_task(root, "T1", TaskUpdate(date=D, note=quoted))
    assert "'''" in path.read_text(encoding="utf-8")
    assert stamp_now() is False
    update_task(root, "T2", TaskUpdate(date=D, note="real"))
    assert stamp_now() is False
    ledger = load_ledger(root)
    assert [e.note for e in ledger.task("T1").log][-1] == quoted  # type: ignore[union-attr]
    assert [e.note for e in ledger.task("T2").log][-1] == "real"  # type: ignore[union-attr]
