"""The commands that lagged behind the roll-up: `check` and `log` over several ledgers, and
`record`, `export` and `import`, which work on one ledger and say so when given several."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.check_folders import check_ledgers
from rectify_cli.errors import EXIT_ERROR, UsageError
from rectify_cli.history import log_rows_many
from rectify_cli.ledgers import single_spec
from rectify_cli.store import load_ledger
from tests.conftest import invoke, invoke_en
from tests.helpers import GOOD, write_counties

HUIMIN_PROBLEM = (
    "huimin：counties/huimin/tasks.toml:15: 任务 T1：progress（进度）：应不大于 100，实际为 120\n"
)


@pytest.fixture
def counties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_counties(tmp_path)
    monkeypatch.chdir(tmp_path)  # messages name paths relative to here
    return root


# --------------------------------------------------------------------------- check


def test_check_several_ledgers_names_each_problem(counties: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "check", "-l", "counties/*", "-l", "nowhere/*")
    assert code == EXIT_ERROR
    assert out == (
        "boxing：台账检查通过：3项任务，0项指标。\nzouping：台账检查通过：2项任务，0项指标。\n"
    )
    assert err == (
        "nowhere/*：没有文件夹与此模式匹配\n"
        + HUIMIN_PROBLEM
        + "4个台账中有2个存在问题，共2个问题。\n"
    )


def test_check_several_clean_ledgers(counties: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "check", *GOOD)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "boxing：台账检查通过：3项任务，0项指标。",
        "zouping：台账检查通过：2项任务，0项指标。",
    ]


def test_check_reports_every_problem_of_every_ledger(counties: Path, runner: CliRunner) -> None:
    """Both files of a ledger, and a folder that is no ledger, each under its own name."""
    (counties / "boxing" / "indicators.toml").write_text(
        'version = 1\n\n[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "worse"\n',
        encoding="utf-8",
    )
    zp = counties / "zp" / "tasks.toml"
    zp.write_text(
        zp.read_text(encoding="utf-8").replace("completed_on = 2025-08-01\n", ""),
        encoding="utf-8",
    )
    (counties / "empty").mkdir()
    code, out, err = invoke(runner, "check", "-l", "counties/*")
    assert (code, out) == (EXIT_ERROR, "")
    lines = err.splitlines()
    assert lines[0] == (
        "boxing：counties/boxing/indicators.toml:6: 指标 pm25：better（改善方向）：应为 'lower'、'higher' 之一，"
        '实际为 "worse"'
    )
    assert lines[1:] == [
        "empty：counties/empty/tasks.toml：文件不存在",
        HUIMIN_PROBLEM.rstrip("\n"),
        "zouping：counties/zp/tasks.toml:29: 任务 T04：status（状态）：已完成，但没有 completed_on（完成日期）",
        "4个台账中有4个存在问题，共4个问题。",
    ]


def test_check_several_from_the_environment(
    counties: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_LEDGER", os.pathsep.join(["counties/boxing", "counties/huimin"]))
    code, out, err = invoke(runner, "check")
    assert code == EXIT_ERROR
    assert out == "boxing：台账检查通过：3项任务，0项指标。\n"
    assert err == HUIMIN_PROBLEM + "2个台账中有1个存在问题，共1个问题。\n"


def test_check_one_ledger_is_unchanged(counties: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "check", "-l", "counties/huimin")
    assert (code, out) == (EXIT_ERROR, "")
    assert err == HUIMIN_PROBLEM.removeprefix("huimin：") + "发现1个问题。\n"
    # A pattern that finds one folder is that one ledger.
    code, out, err = invoke(runner, "check", "-l", "counties/b*")
    assert (code, out, err) == (0, "台账检查通过：3项任务，0项指标。\n", "")
    assert check_ledgers(["counties/boxing"]) is None


# --------------------------------------------------------------------------- log


def test_log_over_several_ledgers_qualifies_shared_ids(counties: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "log", *GOOD, "--format", "json")
    assert (code, err) == (0, "")
    entries = json.loads(out)
    assert [(e["ledger"], e["ref"], e["task"], e["date"]) for e in entries] == [
        ("zouping", "zouping:T03", "T03", "2025-09-25"),
        ("boxing", "boxing:T03", "T03", "2025-09-20"),
    ]
    code, out, _ = invoke(runner, "log", *GOOD, "--format", "md")
    assert code == 0
    assert out.splitlines()[:3] == [
        "| 台账 | 日期 | 编号 | 状态 | 进度 | 变更 | 说明 | 记录人 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        "| zouping | 2025-09-25 | zouping:T03 |   | 20% |   |   |   |",
    ]
    code, out, _ = invoke(runner, "log", *GOOD, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["ledger", "ref", "task"]
    assert [r[:4] for r in rows[1:]] == [
        ["zouping", "zouping:T03", "T03", "2025-09-25"],
        ["boxing", "boxing:T03", "T03", "2025-09-20"],
    ]


def test_log_of_one_task_among_several(counties: Path, runner: CliRunner) -> None:
    code, out, _ = invoke_en(runner, "log", "boxing:T03", *GOOD, "--format", "json")
    assert code == 0
    assert [(e["ref"], e["progress"]) for e in json.loads(out)] == [("boxing:T03", 70)]
    code, out, err = invoke_en(runner, "log", "T03", *GOOD)
    assert (code, out) == (EXIT_ERROR, "")
    assert err == "Error: task T03 is in 2 ledgers; name one: boxing:T03, zouping:T03\n"
    # --since keeps what is on or after the date, in every ledger.
    code, out, _ = invoke_en(runner, "log", *GOOD, "--since", "2025-09-21", "--format", "json")
    assert [e["ref"] for e in json.loads(out)] == ["zouping:T03"]


def test_log_with_a_broken_ledger_shows_the_others_and_exits_2(
    counties: Path, runner: CliRunner
) -> None:
    code, out, err = invoke(runner, "log", "-l", "counties/*", "--format", "json")
    assert code == EXIT_ERROR
    assert err.startswith("错误：台账 huimin：counties/huimin/tasks.toml:15:")
    assert [e["ref"] for e in json.loads(out)] == ["zouping:T03", "boxing:T03"]
    code, out, _ = invoke(runner, "log", "-l", "counties/*", "--strict")
    assert (code, out) == (EXIT_ERROR, "")


def test_log_of_one_ledger_keeps_its_columns(counties: Path, runner: CliRunner) -> None:
    code, out, _ = invoke_en(runner, "log", "-l", "counties/boxing", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {
            "task": "T03",
            "date": "2025-09-20",
            "kind": None,
            "status": None,
            "progress": 70,
            "note": "",
            "by": None,
            "changes": [],
        }
    ]
    code, _, err = invoke_en(runner, "log", "T09", "-l", "counties/boxing")
    assert (code, err) == (EXIT_ERROR, "Error: no task T09; did you mean T01?\n")


def test_log_rows_many_orders_by_date_then_ledger(counties: Path) -> None:
    ledgers = [load_ledger(counties / "zp"), load_ledger(counties / "boxing")]
    rows = log_rows_many(ledgers)
    assert [(r.ledger, r.task_id) for r in rows] == [("zouping", "T03"), ("boxing", "T03")]
    assert log_rows_many(ledgers[::-1], since=None)[0].ledger == "zouping"  # newer first


# --------------------------------------------------------------------------- one ledger only


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("record", ["record", "pm25", "29", "--period", "2025-10"]),
        ("export", ["export", "--out", "out.xlsx"]),
        ("import", ["import", "in.csv"]),
    ],
)
def test_one_ledger_commands_refuse_several(
    counties: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    args: list[str],
) -> None:
    message = f"Error: {command} works on one ledger; pick one with --ledger DIR\n"
    before = {p: p.read_bytes() for p in counties.rglob("*") if p.is_file()}
    for ledgers in (list(GOOD), ["-l", "counties/*"]):
        code, out, err = invoke_en(runner, *args, *ledgers)
        assert (code, out, err) == (EXIT_ERROR, "", message)
    monkeypatch.setenv("RECTIFY_LEDGER", os.pathsep.join(["counties/boxing", "counties/zp"]))
    assert invoke_en(runner, *args) == (EXIT_ERROR, "", message)
    assert {p: p.read_bytes() for p in counties.rglob("*") if p.is_file()} == before
    assert not Path("out.xlsx").exists()


def test_one_ledger_commands_take_one_from_a_pattern(counties: Path, runner: CliRunner) -> None:
    code, _, err = invoke(runner, "export", "--out", "b.csv", "-l", "counties/b*")
    assert code == 0, err
    assert (
        err
        == "已导出3项任务、0项指标：b.csv、b-log.csv、b-indicators.csv、b-ledger.csv、b-aspects.csv\n"
    )
    assert single_spec(["counties/b*"], "export") == Path("counties/boxing")
    assert single_spec(["counties/zp"], "export") == "counties/zp"  # as typed
    # Nothing named: $RECTIFY_LEDGER as it is set (the tests point it at an empty folder).
    assert single_spec(None, "export") == os.environ["RECTIFY_LEDGER"]
    with pytest.raises(UsageError):
        single_spec(["counties/*"], "record")
