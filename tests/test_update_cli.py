"""`rectify update`, `record` and `log` through the CLI: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.store import load_ledger
from tests.conftest import invoke, invoke_en


@pytest.fixture
def here(sample: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample, with the working directory above it so paths print as `ledger/...`."""
    monkeypatch.chdir(sample.parent)
    return sample


def test_update_prints_what_changed_and_writes_it(runner: CliRunner, here: Path) -> None:
    code, out, err = invoke(
        runner, "update", "T07", "--progress", "80", "--note", "方案印发",
        "--by", "市水利局", "--date", "2025-10-15",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == ("已更新 T07（ledger/tasks.toml）：\n  进度：— → 80\n  说明：方案印发\n")
    task = load_ledger(here).task("T07")
    assert task is not None and task.progress == 80
    entry = task.log[-1]
    assert (str(entry.date), entry.note, entry.by) == ("2025-10-15", "方案印发", "市水利局")


def test_status_in_chinese_and_lang_en(runner: CliRunner, here: Path) -> None:
    code, out, err = invoke(
        runner, "update", "T16", "--status", "已完成", "--date", "2025-10-20", "--lang", "en"
    )
    assert (code, err) == (0, "")
    assert out == (
        "Updated T16 (ledger/tasks.toml):\n"
        "  status: in_progress → done\n"
        "  progress: — → 100\n"
        "  completed_on: — → 2025-10-20\n"
    )


def test_note_alone_annotates(runner: CliRunner, here: Path) -> None:
    code, out, _ = invoke(runner, "update", "T01", "--note", "复核无反弹", "--lang", "en")
    assert code == 0
    assert out == "Added a note to T01 (ledger/tasks.toml):\n  Note: 复核无反弹\n"


def test_by_comes_from_the_environment(
    runner: CliRunner, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_BY", "督办科")
    assert invoke(runner, "update", "T07", "--note", "x")[0] == 0
    task = load_ledger(here).task("T07")
    assert task is not None and task.log[-1].by == "督办科"


def test_nothing_to_change_says_so_and_writes_nothing(runner: CliRunner, here: Path) -> None:
    path = here / "tasks.toml"
    old = path.read_bytes()
    code, out, err = invoke(runner, "update", "T07", "--status", "in_progress")
    assert (code, out, err) == (0, "T07 没有需要更改的内容，台账未改动。\n", "")
    assert path.read_bytes() == old


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["T99", "--note", "x"], "no task T99; did you mean T09?"),
        (["T07", "--progress", "120"], "task T07: progress: must be between 0 and 100, got 120"),
        (["T07", "--progress", "-1"], "task T07: progress: must be between 0 and 100, got -1"),
        (
            ["T01", "--status", "in_progress"],
            "task T01 is done; reopening it needs --reopen and a --note saying why",
        ),
        (
            ["T01", "--status", "closed"],
            "task T01: closing (销号) needs evidence of acceptance; add --evidence FILE",
        ),
        (
            ["T07", "--status", "closed", "--evidence", "a.pdf"],
            "task T07: only a completed task can be closed (销号); it is in_progress; mark it "
            "done first with --status done",
        ),
        (
            ["T01", "--status", "in_progress", "--reopen"],
            "task T01: reopening a done task needs a --note saying why",
        ),
        (["T07", "--status", "finished"], "--status: unknown status 'finished'; use one of "),
        (["T07", "--date", "2025/10/32"], '--date: invalid date "2025/10/32"'),
    ],
)
def test_refusals_exit_2_with_one_line_and_leave_the_file(
    runner: CliRunner, here: Path, args: list[str], message: str
) -> None:
    old = (here / "tasks.toml").read_bytes()
    code, out, err = invoke_en(runner, "update", *args)
    assert code == 2
    assert out == ""
    assert err.startswith(f"Error: {message}")
    assert err.count("\n") == 1
    assert (here / "tasks.toml").read_bytes() == old


def test_reopen_with_a_note(runner: CliRunner, here: Path) -> None:
    args = ["update", "T01", "--reopen", "--note", "复查发现问题反弹", "--lang", "en"]
    code, out, err = invoke(runner, *args)
    # The sample's tasks have no deadline (the notice publishes none): an open one needs one.
    assert (code, out) == (2, "")
    assert err == "Error: task T01: an open task needs a deadline or ongoing = true\n"
    code, out, _ = invoke(runner, *args, "--deadline", "2025-12-31")
    assert code == 0
    assert out == (
        "Updated T01 (ledger/tasks.toml):\n"
        "  status: done → in_progress\n"
        "  deadline: — → 2025-12-31\n"
        "  completed_on: 2025-09-30 → —\n"
        "  Note: 复查发现问题反弹\n"
    )


def test_close_with_evidence(runner: CliRunner, here: Path) -> None:
    code, _, err = invoke(runner, "update", "T01", "--status", "已销号", "-e", "验收报告.pdf")
    assert (code, err) == (0, "")
    task = load_ledger(here).task("T01")
    assert task is not None and task.status.value == "closed"
    assert task.evidence == ["验收报告.pdf"]


def test_dry_run_prints_the_diff_and_writes_nothing(runner: CliRunner, here: Path) -> None:
    path = here / "tasks.toml"
    old = path.read_bytes()
    code, out, err = invoke(
        runner, "update", "T07", "--progress", "80", "--date", "2025-10-15", "--dry-run"
    )
    assert code == 0
    assert err == "试运行：未写入任何内容。\n"
    assert path.read_bytes() == old
    assert out == (
        "--- a/ledger/tasks.toml\n"
        "+++ b/ledger/tasks.toml\n"
        "@@ -178,6 +178,7 @@\n"
        ' partners = ["市住房和城乡建设局", "市发展和改革委员会", "各县市区"]\n'
        " ongoing = true\n"
        ' status = "in_progress"\n'
        "+progress = 80\n"
        ' indicators = ["yellow_river_capacity", "yellow_river_share"]\n'
        " \n"
        " [[tasks.log]]\n"
        "@@ -185,5 +186,10 @@\n"
        ' status = "in_progress"\n'
        ' note = "据整改落实情况公开：达到序时进度"\n'
        " \n"
        "+[[tasks.log]]\n"
        "+date = 2025-10-15\n"
        "+progress = 80\n"
        '+changes = ["progress: — → 80"]\n'
        "+\n"
        " [[tasks]]\n"
        ' id = "T08"\n'
    )


def test_record_moves_the_old_reading_to_history(runner: CliRunner, here: Path) -> None:
    code, out, err = invoke(runner, "record", "pm25", "29", "--period", "2025-10", "--lang", "en")
    assert (code, err) == (0, "")
    assert out == (
        "Recorded pm25 (ledger/indicators.toml):\n"
        "  value: 30 → 29\n"
        "  period: 2025-01/09 → 2025-10\n"
        "  change: -16.7 → —\n"
        "  rank: 8 → —\n"
        "  change_rank: 2 → —\n"
        "  The previous reading 30 (2025-01/09) is kept in its history.\n"
    )
    pm25 = next(i for i in load_ledger(here).indicators if i.id == "pm25")
    assert [(r.value, r.period) for r in pm25.history] == [(30, "2025-01/09")]


def test_record_dry_run_and_refusals(runner: CliRunner, here: Path) -> None:
    path = here / "indicators.toml"
    old = path.read_bytes()
    code, out, err = invoke_en(runner, "record", "pm25", "29", "--period", "2025-10", "--dry-run")
    assert code == 0 and out.startswith("--- a/ledger/indicators.toml\n")
    assert "+[[indicators.history]]\n" in out
    assert path.read_bytes() == old
    code, out, err = invoke_en(runner, "record", "pm25", "31", "--period", "2025-01/09")
    assert (code, out) == (2, "")
    assert err == (
        "Error: indicator pm25 already has 30 for 2025-01/09; pass --correct to replace it\n"
    )
    code, _, err = invoke_en(runner, "record", "pm25", "abc", "--period", "2025-10")
    assert (code, err) == (2, 'Error: VALUE: "abc" is not a number\n')
    code, _, err = invoke_en(runner, "record", "pm2", "1", "--period", "2025-10")
    assert (code, err) == (2, "Error: no indicator pm2; did you mean pm25?\n")
    assert path.read_bytes() == old


def test_log_is_newest_first_with_since_and_formats(runner: CliRunner, here: Path) -> None:
    invoke(runner, "update", "T07", "--progress", "80", "--date", "2025-10-15", "--by", "王")
    invoke(runner, "update", "T16", "--note", "现场核查", "--date", "2025-10-20")
    code, out, _ = invoke(runner, "log", "--since", "2025-10-01", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {
            "task": "T16",
            "date": "2025-10-20",
            "kind": None,
            "status": None,
            "progress": None,
            "note": "现场核查",
            "by": None,
            "changes": [],
        },
        {
            "task": "T07",
            "date": "2025-10-15",
            "kind": None,
            "status": None,
            "progress": 80,
            "note": "",
            "by": "王",
            "changes": ["progress: — → 80"],
        },
    ]
    code, out, _ = invoke(runner, "log", "T07", "--format", "md", "--lang", "en")
    assert out == (
        "| Date | ID | Status | Progress | Changes | Note | By |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        "| 2025-10-15 | T07 |   | 80% | progress: — → 80 |   | 王 |\n"
        "| 2025-09-30 | T07 | in progress |   |   | 据整改落实情况公开：达到序时进度 |   |\n"
    )
    # In Chinese the same entry reads in Chinese; the file and json keep the stable keys.
    code, out, _ = invoke(runner, "log", "T07", "--format", "md")
    assert "| 2025-10-15 | T07 |   | 80% | 进度：— → 80 |   | 王 |\n" in out
    code, out, _ = invoke(runner, "log", "--since", "2025-10-16", "--format", "csv")
    assert out == "task,date,status,progress,changes,note,by\nT16,2025-10-20,,,,现场核查,\n"
    code, out, _ = invoke(runner, "log", "--since", "2026-01-01", "--format", "md")
    assert (code, out) == (0, "没有符合条件的整改记录。\n")


def test_log_table_and_errors(runner: CliRunner, here: Path) -> None:
    code, out, _ = invoke_en(runner, "log", "T07", "--format", "table", "--lang", "en")
    assert code == 0
    assert "2025-09-30" in out and "据整改落实情况公开" in out and "1 entries" in out
    code, out, err = invoke_en(runner, "log", "T99")
    assert (code, out, err) == (2, "", "Error: no task T99; did you mean T09?\n")
    code, _, err = invoke_en(runner, "log", "--since", "yesterday")
    assert (code, err) == (
        2,
        'Error: --since: invalid date "yesterday"; write dates as 2025-09-30\n',
    )


def test_log_of_all_tasks_covers_every_entry(runner: CliRunner, here: Path) -> None:
    code, out, _ = invoke(runner, "log", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == sum(len(t.log) for t in load_ledger(here).tasks)
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("command", ["update", "record", "log"])
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    code, out, _ = invoke(runner, command, "--help")
    assert code == 0 and "Usage: rectify " + command in out


def test_the_cli_words_the_remedy_the_core_names(runner: CliRunner, here: Path) -> None:
    """The core says a completion falls before the task's start; `update` adds its flag."""
    path = here / "tasks.toml"
    text = path.read_text(encoding="utf-8").replace(
        'id = "T07"\n', 'id = "T07"\nstart = 2025-01-01\n'
    )
    path.write_text(text, encoding="utf-8")
    old = path.read_bytes()
    args = ("update", "T07", "--status", "done", "--date", "2024-12-01")
    assert invoke_en(runner, *args) == (
        2,
        "",
        "Error: task T07: completed_on: 2024-12-01 is before the task's start 2025-01-01; "
        "pass --date\n",
    )
    assert invoke(runner, *args) == (
        2,
        "",
        "错误：任务 T07：完成日期 2024-12-01 早于任务开始日期 2025-01-01；请用 --date 指定\n",
    )
    code, _, err = invoke(runner, "update", "T01", "--status", "closed")
    assert (code, err) == (2, "错误：任务 T01：销号须有验收佐证材料，请加 --evidence 文件\n")
    code, _, err = invoke(runner, "update", "T01", "--status", "in_progress")
    assert err == "错误：任务 T01 为“已完成”；重新打开须加 --reopen，并用 --note 说明原因\n"
    assert path.read_bytes() == old


def test_update_refuses_a_later_deadline_and_points_to_postpone(
    runner: CliRunner, here: Path
) -> None:
    """Moving a deadline later is a postponement (it needs a reason and is logged as one);
    an earlier one is a correction `update` may make."""
    path = here / "tasks.toml"
    ongoing = '"市发展和改革委员会", "各县市区"]\nongoing = true\n'  # T07's
    assert path.read_text(encoding="utf-8").count(ongoing) == 1
    text = path.read_text(encoding="utf-8").replace(
        ongoing, ongoing.replace("ongoing = true", "deadline = 2025-12-31")
    )
    path.write_text(text, encoding="utf-8")
    old = path.read_bytes()
    args = ("update", "T07", "--deadline", "2026/3/31")
    assert invoke_en(runner, *args) == (
        2,
        "",
        "Error: task T07: --deadline: 2026-03-31 is later than its deadline 2025-12-31; moving "
        "a deadline later is a postponement (延期), which needs a reason; use rectify postpone "
        "ID --to DATE --reason WHY\n",
    )
    code, out, err = invoke(runner, *args)
    assert (code, out) == (2, "")
    assert err.endswith("；请用 rectify postpone 编号 --to 日期 --reason 理由\n"), err
    assert path.read_bytes() == old
    code, out, err = invoke_en(runner, "update", "T07", "--deadline", "2025-11-30")
    assert code == 0, err
    assert "  deadline: 2025-12-31 → 2025-11-30\n" in out
    assert load_ledger(here).task("T07").deadline.isoformat() == "2025-11-30"  # type: ignore[union-attr]
