"""`rectify edit`, `postpone`, `cancel` and `fold`, and the status written in the file's own
style: rules, refusals in both languages, untouched bytes, dry runs, report counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke


@pytest.fixture
def here(sample: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample, with the working directory above it so paths print as `ledger/...`."""
    monkeypatch.chdir(sample.parent)
    return sample


def _tasks(ledger: Path) -> str:
    return (ledger / "tasks.toml").read_text(encoding="utf-8")


def _block(text: str, task_id: str) -> str:
    """The text of one task's block, its log included, up to the next task."""
    start = text.index(f'id = "{task_id}"')
    end = text.find("\n[[tasks]]", start)
    return text[start : end if end >= 0 else len(text)]


def _set(ledger: Path, old: str, new: str, count: int = -1) -> None:
    path = ledger / "tasks.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")


def _untouched_but(before: str, after: str, task_id: str) -> None:
    """Every byte outside the task's block is as it was."""
    b, a = _block(before, task_id), _block(after, task_id)
    assert before.replace(b, "") == after.replace(a, "")


# --------------------------------------------------------------------------- status style


def test_update_writes_a_chinese_status_where_the_task_has_one(
    runner: CliRunner, here: Path
) -> None:
    text = _tasks(here)
    block = _block(text, "T07")
    _set(here, block, block.replace('status = "in_progress"', 'status = "推进中"', 1))
    before = _tasks(here)
    code, _, err = invoke(runner, "update", "T07", "--status", "done", "--date", "2025-10-20")
    assert (code, err) == (0, "")
    after = _tasks(here)
    mine = _block(after, "T07")
    assert 'status = "已完成"' in mine and '"done"' not in mine.split("[[tasks.log]]")[0]
    # the new log entry follows the task's style; its change line keeps the stable keys
    assert mine.rstrip().endswith(
        'status = "已完成"\nprogress = 100\n'
        'changes = ["status: in_progress → done", "progress: — → 100", '
        '"completed_on: — → 2025-10-20"]'
    )
    _untouched_but(before, after, "T07")


def test_update_keeps_english_keys_in_a_file_that_uses_them(runner: CliRunner, here: Path) -> None:
    # the sample's ledger speaks Chinese, but its statuses are written as keys
    assert invoke(runner, "update", "T07", "--status", "已完成", "--date", "2025-10-20")[0] == 0
    assert 'status = "done"' in _block(_tasks(here), "T07")
    assert "已完成" not in _block(_tasks(here), "T07")


def test_a_task_without_a_status_follows_the_other_tasks(runner: CliRunner, here: Path) -> None:
    _set(here, 'status = "done"', 'status = "已完成"')
    _set(here, 'status = "in_progress"', 'status = "推进中"')
    block = _block(_tasks(here), "T07")
    # T07 written with no status of its own (not started), its log entry left as is
    _set(here, block, block.replace('status = "推进中"\n', "", 1))
    assert invoke(runner, "update", "T07", "--progress", "10", "--date", "2025-10-20")[0] == 0
    mine = _block(_tasks(here), "T07")
    assert 'status = "推进中"' in mine.split("[[tasks.log]]")[0]
    assert mine.rstrip().endswith(
        'status = "推进中"\nprogress = 10\n'
        'changes = ["status: not_started → in_progress", "progress: — → 10"]'
    )
