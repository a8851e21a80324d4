"""`rectify list`, `show` and `check` through the CLI, and the query core under them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.kinds import Status
from rectify_cli.query import SortKey, TaskFilter, rows, sort_rows, status_filter
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, SAMPLE, invoke, invoke_en

MakeLedger = Callable[..., Path]
PENDING = ["T07", "T16", "T18"]

THREE = (
    MINIMAL_TASKS
    + """
[[tasks]]
id = "T2"
aspect = "A1"
title = "整治黑臭水体"
measures = ["清淤"]
lead = "市住房和城乡建设局"
partners = ["市水利局"]
deadline = 2025-03-31
status = "done"
progress = 100
completed_on = 2025-03-20

[[tasks]]
id = "T10"
aspect = "A1"
title = "关停散乱污企业"
lead = "市工业和信息化局"
start = 2025-01-01
deadline = 2025-04-30
status = "未启动"
notes = "需要与生态环境局联合执法"
"""
)


def ids(out: str) -> list[str]:
    return [t["id"] for t in json.loads(out)]


def test_pending_lists_exactly_the_three_unfinished_sample_tasks(
    runner: CliRunner, sample: Path
) -> None:
    code, out, err = invoke(runner, "list", "--status", "pending", "--format", "json")
    assert (code, err) == (0, "")
    assert ids(out) == PENDING


def test_pending_exactly_as_written_prints_the_three(runner: CliRunner, sample: Path) -> None:
    code, out, _ = invoke(runner, "list", "--status", "pending")
    assert code == 0
    assert [line.split("|")[1].strip() for line in out.splitlines()[2:]] == PENDING


def test_list_without_filters_lists_everything(runner: CliRunner, sample: Path) -> None:
    code, out, _ = invoke(runner, "list", "-f", "json")
    assert code == 0
    assert len(json.loads(out)) == 24


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "done"], ["T2"]),
        (["--status", "已完成"], ["T2"]),
        (["--status", "not_started", "--status", "in_progress"], ["T1", "T10"]),
        (["--status", "未完成"], ["T1", "T10"]),
        (["--aspect", "A1"], ["T1", "T2", "T10"]),
        (["--aspect", "大气"], ["T1", "T2", "T10"]),
        (["--lead", "生态环境"], ["T1"]),
        (["--lead", "住房"], ["T2"]),
        (["--due-before", "2025-04-30"], ["T2"]),
        (["--due-before", "2025-05-01"], ["T2", "T10"]),
        (["--search", "执法"], ["T10"]),
        (["--search", "清淤"], ["T2"]),
        (["--search", "水利"], ["T2"]),
        (["--search", "t10"], ["T10"]),
        (["--sort", "deadline"], ["T2", "T10", "T1"]),
        (["--sort", "progress"], ["T10", "T1", "T2"]),
        (["--sort", "id", "--reverse"], ["T10", "T2", "T1"]),
        (["--sort", "lead"], ["T2", "T10", "T1"]),  # code-point order
    ],
)
def test_filters_and_sorting(
    runner: CliRunner, make_ledger: MakeLedger, args: list[str], expected: list[str]
) -> None:
    make_ledger(THREE)
    code, out, err = invoke(runner, "list", *args, "--format", "json")
    assert (code, err) == (0, ""), err
    assert ids(out) == expected


def test_sort_by_health_puts_overdue_first(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(THREE)
    code, out, _ = invoke(runner, "list", "--sort", "health", "--as-of", "2025-06-30", "-f", "json")
    assert code == 0
    records = json.loads(out)
    assert [(r["id"], r["health"]) for r in records] == [
        ("T10", "overdue"),
        ("T1", "on_schedule"),
        ("T2", "done_on_time"),
    ]


def test_json_is_the_ledger_fields_plus_health(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(THREE)
    code, out, _ = invoke(runner, "list", "--as-of", "2025-06-30", "-f", "json")
    assert code == 0
    first = json.loads(out)[0]
    assert first == {
        "id": "T1",
        "aspect": "A1",
        "title": "治理扬尘",
        "measures": [],
        "lead": "市生态环境局",
        "partners": [],
        "leader": None,
        "owner": None,
        "phone": None,
        "start": "2025-01-01",
        "deadline": "2025-12-31",
        "ongoing": False,
        "status": "in_progress",
        "merged_into": None,
        "progress": 50,
        "completed_on": None,
        "evidence": [],
        "indicators": [],
        "notes": "",
        "log": [],
        "aspect_name": "大气",
        "health": "on_schedule",
        "expected_progress": 49.5,
    }


def test_csv_has_a_header_and_one_row_per_task(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(THREE)
    code, out, _ = invoke(runner, "list", "--as-of", "2025-06-30", "-f", "csv")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in table] == ["T1", "T2", "T10"]
    assert table[1]["partners"] == "市水利局"
    assert table[1]["health"] == "done_on_time"
    assert table[2]["progress"] == ""


def test_markdown_table(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(THREE)
    code, out, _ = invoke(runner, "list", "--as-of", "2025-06-30", "-f", "md")
    assert code == 0
    lines = out.splitlines()
    assert (
        lines[0] == "| 编号 | 问题方面 | 整改任务 | 牵头单位 | 整改时限 | 状态 | 进度 | 序时进度 |"
    )
    assert (
        lines[2]
        == "| T1 | 大气 | 治理扬尘 | 市生态环境局 | 2025-12-31 | 推进中 | 50% | 达到序时进度 |"
    )
    assert lines[4].endswith("| 2025-04-30 | 未启动 | — | 逾期 |")


def test_table_and_english_labels(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(THREE)
    code, out, _ = invoke(runner, "list", "--as-of", "2025-06-30", "-f", "table", "--lang", "en")
    assert code == 0
    assert "Deadline" in out and "overdue" in out and "3 tasks" in out
    assert "\x1b[" not in out  # CliRunner is not a terminal: no colour codes
    assert max(len(line) for line in out.splitlines()) <= 100


def test_empty_result_says_so(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(THREE)
    code, out, _ = invoke(runner, "list", "--search", "nothing-like-this", "-f", "table")
    assert (code, out.strip()) == (0, "没有符合条件的任务。")
    assert invoke(runner, "list", "--search", "zzz", "-f", "json")[1] == "[]\n"


def test_markup_in_titles_prints_literally(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(MINIMAL_TASKS.replace('"治理扬尘"', '"[red]危险[/] [link=http://x]点我[/link]"'))
    code, out, _ = invoke(runner, "list", "-f", "table")
    assert code == 0
    assert "[red]危险[/]" in out
    assert "[link=http://x]" in out
    code, out, _ = invoke(runner, "show", "T1", "-f", "table")
    assert "[red]危险[/]" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "finished"], "--status: unknown status 'finished'"),
        (["--aspect", "A7"], "--aspect: no aspect 'A7'; did you mean A1?"),
        (["--due-before", "2025/05/32"], '--due-before: invalid date "2025/05/32"'),
        (["--as-of", "yesterday"], '--as-of: invalid date "yesterday"'),
    ],
)
def test_bad_options_are_usage_errors(
    runner: CliRunner, make_ledger: MakeLedger, args: list[str], message: str
) -> None:
    make_ledger(THREE)
    code, out, err = invoke_en(runner, "list", *args)
    assert code == 2
    assert out == ""
    assert err.startswith(f"Error: {message}")


def test_ledger_option_beats_the_environment(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = invoke(runner, "list", "--ledger", str(SAMPLE), "-f", "json")
    assert code == 0 and len(json.loads(out)) == 24


# --------------------------------------------------------------------------- show


def test_show_one_task_with_its_log(runner: CliRunner, sample: Path) -> None:
    code, out, _ = invoke(runner, "show", "T01", "-f", "table")
    assert code == 0
    assert "T01" in out and "整改记录" in out and "2025-09-30" in out
    code, out, _ = invoke(runner, "show", "T07", "-f", "json")
    record = json.loads(out)
    assert record["id"] == "T07" and record["ongoing"] is True and record["log"]
    code, out, _ = invoke(runner, "show", "T07", "-f", "md")
    assert out.startswith("## T07 ") and "### 整改记录" in out


def test_show_unknown_id_suggests(runner: CliRunner, sample: Path) -> None:
    code, out, err = invoke_en(runner, "show", "T99")
    assert (code, out) == (2, "")
    assert err == "Error: no task T99; did you mean T09?\n"


# --------------------------------------------------------------------------- check


def test_check_passes_on_the_sample(runner: CliRunner, sample: Path) -> None:
    code, out, err = invoke(runner, "check")
    assert (code, err) == (0, "")
    assert out.startswith("台账检查通过：24项任务")


def test_check_reports_every_problem_at_once(runner: CliRunner, make_ledger: MakeLedger) -> None:
    broken = (
        THREE.replace("completed_on = 2025-03-20\n", "")
        .replace("deadline = 2025-04-30", "deadline = 2024-12-01")
        .replace('measures = ["清淤"]', 'measures = ["清淤"]\nindicators = ["pm2.5"]')
    )
    broken += """
[[tasks]]
id = "T11"
aspect = "A1"
title = "销号"
lead = "市生态环境局"
deadline = 2025-04-30
status = "closed"
progress = 90
completed_on = 2025-04-01
"""
    make_ledger(broken, '[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "lower"\n')
    code, out, err = invoke_en(runner, "check")
    assert code == 2 and out == ""
    lines = [line.split("tasks.toml:", 1)[1] for line in err.splitlines()[:-1]]
    assert lines == [
        "26: task T2: indicators: unknown indicator 'pm2.5'; did you mean pm25?",
        "30: task T2: status: done but no completed_on date",
        "39: task T10: deadline: 2024-12-01 is before the start 2025-01-01",
        "43: task T11: evidence: a closed (已销号) task needs evidence of acceptance",
        "50: task T11: progress: 90 on a closed task; it must be 100",
    ]
    assert err.splitlines()[-1] == "5 problems found."


def test_check_reports_both_files(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(
        MINIMAL_TASKS.replace("progress = 50", "progress = 500"),
        '[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "smaller"\n',
    )
    code, _, err = invoke_en(runner, "check")
    assert code == 2
    assert "tasks.toml:19: task T1: progress: must be at most 100" in err
    assert "indicators.toml:4: indicator pm25: better: " in err
    assert err.splitlines()[-1] == "2 problems found."


# --------------------------------------------------------------------------- core


def test_query_core_directly() -> None:
    ledger = load_ledger(SAMPLE)
    as_of = dt.date(2025, 9, 30)
    pending = rows(ledger, as_of, TaskFilter(statuses=status_filter(["pending"])))
    assert [r.task.id for r in pending] == PENDING
    assert all(r.task.status is Status.IN_PROGRESS for r in pending)
    by_aspect = rows(ledger, as_of, TaskFilter(aspects=frozenset({"A2"})))
    assert [r.task.id for r in by_aspect] == ["T05", "T06", "T07", "T08"]
    ordered = sort_rows(pending, SortKey.ID, reverse=True)
    assert [r.task.id for r in ordered] == PENDING[::-1]
    assert status_filter([]) is None


def test_an_unknown_lang_is_refused_in_the_ledgers_own_language(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(THREE)
    assert invoke(runner, "list", "--lang", "fr") == (
        2,
        "",
        "错误：--lang：不支持“fr”，请用 zh 或 en\n",
    )
