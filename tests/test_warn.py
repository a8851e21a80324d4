"""`rectify warn` through the CLI: levels, edge cases, filters, every format and the notices.

The same cases are checked on the core functions in tests/test_schedule.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.errors import EXIT_ERROR, EXIT_FOUND, EXIT_OK
from tests.conftest import invoke, invoke_en
from tests.helpers import WARN_TASKS

MakeLedger = Callable[..., Path]
AS_OF = "2025-06-30"

# One task per case, judged as of 2025-06-30 (stale after 30 days).

HEADER = """\
[ledger]
version = 1
title = "测试台账"
feedback_date = 2025-01-01

[[aspects]]
id = "A1"
name = "大气"
"""


# What the ledger above gives as of 2025-06-30, checked by hand: 180 of 364 days → 49.5%.
MARKDOWN = """\
截至2025-06-30，共预警5项：红色预警1项、黄色预警2项、蓝色提示2项

## 市生态环境局（红色预警1项、黄色预警1项）

| 预警级别 | 编号 | 整改任务 | 整改时限 | 进度 | 预警原因 |
| --- | --- | --- | --- | --- | --- |
| 红色预警 | T1 | 治理扬尘 | 2025-06-29 | 95% | 逾期1天 |
| 黄色预警 | T3 | 关停散乱污企业 | 2025-12-31 | 20% | 未达序时进度（应达49.5%，实际20%） |

## 市水利局（黄色预警1项、蓝色提示1项）

| 预警级别 | 编号 | 整改任务 | 整改时限 | 进度 | 预警原因 |
| --- | --- | --- | --- | --- | --- |
| 黄色预警 | T7 | 整改油烟 | 2025-12-31 | 30% | 未达序时进度（应达49.5%，实际30%） |
| 蓝色提示 | T2 | 整治黑臭水体 | 2025-06-30 | 95% | 今天到期 |

## 市住房和城乡建设局（蓝色提示1项）

| 预警级别 | 编号 | 整改任务 | 整改时限 | 进度 | 预警原因 |
| --- | --- | --- | --- | --- | --- |
| 蓝色提示 | T4 | 巡查河湖 | 长期坚持 | — | 90天未更新 |
"""

NOTICE_ZH = """\
# 预警督办单

- **致**: 市生态环境局
- **签发单位**: 市整改办
- **事由**: 测试台账
- **签发日期**: 2025年6月30日
- **回复时限**: 2025年7月3日

截至2025年6月30日，你单位牵头的以下2项整改任务需督促推进，现予预警督办：

| 编号 | 整改任务 | 整改时限 | 进度 | 预警级别 | 预警原因 | 整改要求 |
| --- | --- | --- | --- | --- | --- | --- |
| T1 | 治理扬尘 | 2025-06-29 | 95% | 红色预警 | 逾期1天 | 立即完成整改，并书面说明逾期原因 |
| T3 | 关停散乱污企业 | 2025-12-31 | 20% | 黄色预警 | 未达序时进度（应达49.5%，实际20%） | 加快推进，确保按期完成 |

请于2025年7月3日前将上述任务的整改进展、存在问题和下一步措施书面报送市整改办。
"""

NOTICE_EN = """\
# Warning notice

- **To**: 市住房和城乡建设局
- **Issued by**: 市整改办
- **Re**: 测试台账
- **Date**: 2025-06-30
- **Reply by**: 2025-07-07

As of 2025-06-30, tasks led by your department need attention (1):

| ID | Task | Deadline | Progress | Level | Reasons | Required action |
| --- | --- | --- | --- | --- | --- | --- |
| T4 | 巡查河湖 | ongoing | — | blue | no update for 90 days | report the current progress |

Please report the progress, obstacles and next steps of these tasks to 市整改办 by 2025-07-07.
"""


def one_task(fields: str, header: str = HEADER) -> str:
    return (
        header + '\n[[tasks]]\nid = "T1"\naspect = "A1"\ntitle = "任务"\nlead = "市局"\n' + fields
    )


def warn(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    return invoke(runner, "warn", "--as-of", AS_OF, *args)


def warn_json(runner: CliRunner, *args: str) -> dict[str, object]:
    code, out, err = warn(runner, "--format", "json", *args)
    assert (code, err) == (EXIT_OK, ""), err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def found(data: dict[str, object]) -> dict[str, list[str]]:
    """task id -> reason kinds, from warn's JSON."""
    groups = data["groups"]
    assert isinstance(groups, list)
    return {w["id"]: [r["kind"] for r in w["reasons"]] for g in groups for w in g["warnings"]}


# --------------------------------------------------------------------------- the sample


def test_sample_at_the_notice_date_has_nothing_overdue_or_behind(
    runner: CliRunner, sample: Path
) -> None:
    code, out, err = invoke(runner, "warn", "--as-of", "2025-09-30")
    assert (code, out, err) == (EXIT_OK, "截至2025-09-30，没有需要预警的任务。\n", "")
    code, _, _ = invoke(runner, "warn", "--as-of", "2025-09-30", "--exit-code")
    assert code == EXIT_OK


def test_sample_later_only_nudges_the_three_ongoing_tasks(runner: CliRunner, sample: Path) -> None:
    data = warn_json(runner, "--as-of", "2025-12-31")
    assert found(data) == {"T16": ["stale"], "T18": ["stale"], "T07": ["stale"]}
    assert data["counts"] == {"red": 0, "yellow": 0, "blue": 3}


def test_sample_days_7_today_works_exactly_as_written(runner: CliRunner, sample: Path) -> None:
    code, out, err = invoke(runner, "warn", "--days", "7")
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith(f"截至{dt.date.today().isoformat()}，")
    code, out, _ = invoke(runner, "warn", "--days", "7", "--format", "json")
    data = json.loads(out)
    # The three open sample tasks are ongoing: never overdue, due or behind, whatever today is.
    assert data["counts"]["red"] == data["counts"]["yellow"] == 0
    assert set(found(data)) <= {"T07", "T16", "T18"}


# --------------------------------------------------------------------------- levels and cases


def test_every_level_and_case_on_one_ledger(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    assert found(warn_json(runner)) == {
        "T1": ["overdue"],  # deadline yesterday
        "T3": ["behind"],
        "T7": ["behind"],  # missing start: from feedback_date
        "T2": ["due_soon"],  # deadline today
        "T4": ["stale"],
    }  # T5 starts after as-of, T6 is done late, T8 has start == deadline: none warned


def test_markdown_is_grouped_by_lead_most_severe_first(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(WARN_TASKS)
    code, out, err = warn(runner, "--format", "md")
    assert (code, err) == (EXIT_OK, "")
    assert out == MARKDOWN


def test_piped_output_defaults_to_markdown(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    assert warn(runner)[1] == MARKDOWN


def test_json_record_keys_are_stable(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    data = warn_json(runner)
    # One shape whichever path built it: `petitions` is there (empty) on a ledger without
    # itemised petition cases too, as on one with them.
    assert list(data) == [
        "as_of",
        "days",
        "tolerance",
        "stale_days",
        "total",
        "counts",
        "groups",
        "petitions",
    ]
    assert data["petitions"] == []
    assert (data["as_of"], data["days"], data["tolerance"], data["stale_days"]) == (
        AS_OF,
        7,
        10.0,
        30,
    )
    assert data["total"] == 5
    groups = data["groups"]
    assert isinstance(groups, list)
    assert [g["lead"] for g in groups] == ["市生态环境局", "市水利局", "市住房和城乡建设局"]
    assert groups[0]["counts"] == {"red": 1, "yellow": 1, "blue": 0}
    assert groups[0]["level"] == "red"
    behind = groups[0]["warnings"][1]
    assert behind == {
        "id": "T3",
        "title": "关停散乱污企业",
        "lead": "市生态环境局",
        "level": "yellow",
        "reasons": [
            {"kind": "behind", "level": "yellow", "days": None, "expected": 49.5, "actual": 20}
        ],
        "start": "2025-01-01",
        "deadline": "2025-12-31",
        "ongoing": False,
        "days_left": 184,
        "status": "in_progress",
        "progress": 20,
        "expected_progress": 49.5,
        "health": "behind",
    }
    overdue = groups[0]["warnings"][0]["reasons"]
    assert overdue == [
        {"kind": "overdue", "level": "red", "days": 1, "expected": None, "actual": None}
    ]


def test_csv_one_row_per_warning(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    code, out, _ = warn(runner, "--format", "csv")
    assert code == EXIT_OK
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "lead",
        "level",
        "id",
        "title",
        "deadline",
        "days_left",
        "status",
        "progress",
        "expected_progress",
        "health",
        "reasons",
        "reason_text",
    ]
    assert rows[1] == [
        "市生态环境局",
        "red",
        "T1",
        "治理扬尘",
        "2025-06-29",
        "-1",
        "in_progress",
        "95",
        "100.0",
        "overdue",
        "overdue",
        "逾期1天",
    ]
    assert [r[2] for r in rows[1:]] == ["T1", "T3", "T7", "T2", "T4"]
    assert len(out.splitlines()) == 6


def test_csv_is_formula_safe(runner: CliRunner, make_ledger: MakeLedger) -> None:
    text = one_task("ongoing = true\n")
    make_ledger(text.replace('"任务"', '"=HYPERLINK(1)"').replace('"市局"', '"@局"'))
    code, out, _ = warn(runner, "--format", "csv")
    assert code == EXIT_OK
    row = list(csv.reader(io.StringIO(out)))[1]
    assert (row[0], row[3]) == ("'@局", "'=HYPERLINK(1)")


def test_table_prints_level_labels_not_only_colours(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(WARN_TASKS)
    code, out, _ = warn(runner, "--format", "table", "--no-color")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "截至2025-06-30，共预警5项：红色预警1项、黄色预警2项、蓝色提示2项"
    assert "市生态环境局（红色预警1项、黄色预警1项）" in out
    assert any(line.split()[:2] == ["红色预警", "T1"] for line in lines)
    assert any(line.split()[:2] == ["黄色预警", "T3"] for line in lines)
    assert any(line.split()[:2] == ["蓝色提示", "T4"] for line in lines)
    assert out.index("市生态环境局（") < out.index("市水利局（") < out.index("市住房和城乡建设局（")
    assert "\x1b[" not in out


def test_table_in_english(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    code, out, _ = warn(runner, "--format", "table", "--lang", "en")
    assert code == EXIT_OK
    assert out.splitlines()[0] == "As of 2025-06-30, warnings: 1 red, 2 yellow, 2 blue (5 in total)"
    assert "overdue by 1 day" in out and "due today" in out and "no update for 90 days" in out


def test_markup_in_ledger_text_prints_literally(runner: CliRunner, make_ledger: MakeLedger) -> None:
    text = one_task("ongoing = true\n")
    make_ledger(text.replace('"任务"', '"[red]危险[/] *x*"').replace('"市局"', '"[bold]局|"'))
    _, table, _ = warn(runner, "--format", "table")
    assert "[red]危险[/] *x*" in table and "[bold]局|" in table
    _, md, _ = warn(runner, "--format", "md")
    assert "\\[red\\]危险\\[/\\] \\*x\\*" in md and "## \\[bold\\]局\\|（" in md


@pytest.mark.parametrize(
    ("fields", "as_of", "expected"),
    [
        ("deadline = 2025-06-30\nprogress = 95\n", "2025-06-30", {"T1": ["due_soon"]}),
        ("deadline = 2025-06-29\nprogress = 95\n", "2025-06-30", {"T1": ["overdue"]}),
        # start after as-of: nothing expected yet, so not behind and not stale
        ("start = 2025-07-01\ndeadline = 2025-12-31\n", "2025-06-30", {}),
        # start == deadline, in the future
        ("start = 2025-07-15\ndeadline = 2025-07-15\n", "2025-06-30", {}),
        (
            "start = 2025-07-15\ndeadline = 2025-07-15\n",
            "2025-07-15",
            {"T1": ["due_soon", "behind"]},
        ),
        # a leap day: due that day, overdue the day after, half-way through 28 Feb → 1 Mar
        # (a start of its own: the ledger's feedback date, 2025-01-01, is after the deadline)
        (
            "start = 2024-01-01\ndeadline = 2024-02-29\nprogress = 100\n",
            "2024-02-29",
            {"T1": ["due_soon"]},
        ),
        (
            "start = 2024-01-01\ndeadline = 2024-02-29\nprogress = 100\n",
            "2024-03-01",
            {"T1": ["overdue"]},
        ),
        (
            "start = 2024-02-28\ndeadline = 2024-03-01\nprogress = 39\n",
            "2024-02-29",
            {"T1": ["due_soon", "behind"]},
        ),
        (
            "start = 2024-02-28\ndeadline = 2024-03-01\nprogress = 40\n",
            "2024-02-29",
            {"T1": ["due_soon"]},
        ),
        # done after its deadline: not warned
        ('deadline = 2025-03-31\nstatus = "done"\ncompleted_on = 2025-04-15\n', "2025-06-30", {}),
    ],
)
def test_edge_cases(
    runner: CliRunner,
    make_ledger: MakeLedger,
    fields: str,
    as_of: str,
    expected: dict[str, list[str]],
) -> None:
    status = "" if "status" in fields else 'status = "in_progress"\n'
    # A log entry on the as-of date keeps staleness out of the cases about dates.
    log = f"\n[[tasks.log]]\ndate = {as_of}\n" if "start = 2025-07" not in fields else ""
    make_ledger(one_task(fields + status + log))
    code, out, err = invoke(runner, "warn", "--as-of", as_of, "--format", "json")
    assert (code, err) == (EXIT_OK, "")
    assert found(json.loads(out)) == expected


def test_leap_day_reason_text(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(
        one_task(
            'start = 2024-02-28\ndeadline = 2024-03-01\nprogress = 0\nstatus = "in_progress"\n'
        )
    )
    code, out, _ = invoke(runner, "warn", "--as-of", "2024-02-29", "--format", "csv")
    assert code == EXIT_OK
    assert out.splitlines()[1].endswith(
        ",due_soon; behind,明天到期；未达序时进度（应达50%，实际0%）"
    )


def test_missing_start_without_feedback_date_is_never_behind(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    header = HEADER.replace("feedback_date = 2025-01-01\n", "")
    make_ledger(one_task('deadline = 2025-12-31\nstatus = "in_progress"\nprogress = 0\n', header))
    assert found(warn_json(runner)) == {}
    make_ledger(one_task('deadline = 2025-12-31\nstatus = "in_progress"\nprogress = 0\n'))
    assert found(warn_json(runner)) == {"T1": ["behind", "stale"]}


def test_days_0_keeps_only_what_is_due_today(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS.replace("deadline = 2025-06-29", "deadline = 2025-07-01"))
    with_7 = found(warn_json(runner, "--days", "7"))
    with_0 = found(warn_json(runner, "--days", "0"))
    assert with_7["T1"] == ["due_soon"]
    assert "T1" not in with_0
    assert with_0["T2"] == ["due_soon"]


def test_days_negative_is_a_usage_error(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    code, out, err = invoke_en(runner, "warn", "--as-of", AS_OF, "--days", "-1")
    assert (code, out) == (EXIT_ERROR, "")
    assert err == "Error: --days: must be 0 (due today) or more, got -1\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tolerance", "101"], "--tolerance: must be between 0 and 100 points, got 101"),
        (["--stale-days", "0"], "--stale-days: must be 1 or more, got 0"),
        (["--reply-days", "-2"], "--reply-days: must be 0 or more, got -2"),
        (["--out", "x"], "--out: writes warning notices; add --notice"),
        (
            ["--notice", "--format", "json"],
            "--format json: a warning notice is md, docx, html or pdf",
        ),
        (
            ["--as-of", "2025年底"],
            '--as-of: invalid date "2025年底"; write dates as 2025-09-30',
        ),
    ],
)
def test_bad_options(
    runner: CliRunner, make_ledger: MakeLedger, args: list[str], message: str
) -> None:
    make_ledger(WARN_TASKS)
    code, out, err = invoke_en(runner, "warn", *args)
    assert (code, out, err) == (EXIT_ERROR, "", f"Error: {message}\n")


def test_unknown_level_is_a_usage_error_not_a_bug(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(WARN_TASKS)
    code, _, err = warn(runner, "--level", "purple")
    assert code == EXIT_ERROR
    # The ledger speaks Chinese, so does the refusal; English with --lang en.
    assert err == (
        "错误：--level：未知的值 'purple'；请用以下之一：red (红色预警), yellow (黄色预警), "
        "blue (蓝色提示)\n"
    )
    code, _, err = invoke_en(runner, "warn", "--as-of", AS_OF, "--level", "purple")
    assert code == EXIT_ERROR
    assert err == (
        "Error: --level: unknown value 'purple'; use one of red (红色预警), yellow (黄色预警), "
        "blue (蓝色提示)\n"
    )


def test_tolerance_and_stale_days_override_the_ledger(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(WARN_TASKS)
    got = found(warn_json(runner, "--tolerance", "25", "--stale-days", "100"))
    assert got == {"T1": ["overdue"], "T3": ["behind"], "T2": ["due_soon"]}
    make_ledger(WARN_TASKS.replace("stale_days = 30", "stale_days = 100\ntolerance = 25"))
    assert found(warn_json(runner)) == got


# --------------------------------------------------------------------------- filters, exit code


def test_level_filter_is_repeatable(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    assert list(found(warn_json(runner, "--level", "red"))) == ["T1"]
    both = warn_json(runner, "--level", "RED", "--level", "blue")
    assert list(found(both)) == ["T1", "T4", "T2"]  # equal departments by name
    assert both["counts"] == {"red": 1, "yellow": 0, "blue": 2}


def test_lead_filter(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    assert list(found(warn_json(runner, "--lead", "水利"))) == ["T7", "T2"]
    assert found(warn_json(runner, "--lead", "没有这个单位")) == {}


def test_exit_code_when_warnings_are_found(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    code, out, _ = warn(runner, "--exit-code")
    assert code == EXIT_FOUND == 1
    assert out == MARKDOWN  # the output is still printed
    assert warn(runner)[0] == EXIT_OK  # without --exit-code
    assert warn(runner, "--exit-code", "--lead", "没有这个单位")[0] == EXIT_OK


def test_all_done_says_no_warnings_and_exits_0(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(one_task('deadline = 2025-03-31\nstatus = "done"\ncompleted_on = 2025-04-15\n'))
    code, out, err = warn(runner, "--exit-code", "--lang", "en")
    assert (code, out, err) == (EXIT_OK, "No warnings as of 2025-06-30.\n", "")
    data = warn_json(runner, "--exit-code")
    assert (data["total"], data["groups"]) == (0, [])
    code, out, _ = warn(runner, "--format", "csv")
    assert len(out.splitlines()) == 1  # the header only
    code, out, _ = warn(runner, "--format", "table", "--exit-code")
    assert (code, out) == (EXIT_OK, "截至2025-06-30，没有需要预警的任务。\n")


def test_empty_ledger(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(HEADER)
    code, out, err = warn(runner, "--exit-code")
    assert (code, out, err) == (EXIT_OK, "截至2025-06-30，没有需要预警的任务。\n", "")
    code, out, _ = warn(runner, "--notice", "--exit-code")
    assert (code, out) == (EXIT_OK, "截至2025-06-30，没有需要预警的任务。\n")


def test_missing_ledger_is_an_error(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "warn")
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith("Error: ") and "no ledger folder here" in err


# --------------------------------------------------------------------------- notices


def test_notice_to_stdout(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    code, out, err = warn(runner, "--notice", "--lead", "生态环境局")
    assert (code, err) == (EXIT_OK, "")
    assert out == NOTICE_ZH


def test_notice_one_per_department_split_by_rules(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(WARN_TASKS)
    code, out, _ = warn(runner, "--notice", "--exit-code")
    assert code == EXIT_FOUND
    notices = out.split("\n\n---\n\n")
    assert len(notices) == 3
    assert notices[0] == NOTICE_ZH.rstrip("\n")
    assert [n.splitlines()[2] for n in notices] == [
        "- **致**: 市生态环境局",
        "- **致**: 市水利局",
        "- **致**: 市住房和城乡建设局",
    ]
    assert all(n.startswith("# 预警督办单\n") for n in notices)


def test_notice_in_english_with_reply_days(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS)
    code, out, _ = warn(runner, "--notice", "--lang", "en", "--reply-days", "5", "--lead", "住房")
    assert code == EXIT_OK
    assert out == NOTICE_EN


def test_notice_without_issuing_office(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(WARN_TASKS.replace('issued_by = "市整改办"\n', ""))
    code, out, _ = warn(runner, "--notice", "--lead", "住房")
    assert code == EXIT_OK
    assert "签发单位" not in out
    assert out.endswith("书面报送本单位。\n")


def test_notice_files_in_a_folder(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    make_ledger(
        WARN_TASKS.replace('lead = "市住房和城乡建设局"', 'lead = "市住房/城乡建设局: CON"')
    )
    out_dir = tmp_path / "notices" / "2025-06"
    code, out, err = warn(runner, "--notice", "--out", str(out_dir), "--exit-code")
    assert (code, out) == (EXIT_FOUND, "")
    assert err == f"已写入3份预警督办单：{out_dir}\n"
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == [
        "2025-06-30-市住房_城乡建设局_ CON.md",
        "2025-06-30-市水利局.md",
        "2025-06-30-市生态环境局.md",
    ]
    assert (out_dir / "2025-06-30-市生态环境局.md").read_text(encoding="utf-8") == NOTICE_ZH
    raw = (out_dir / "2025-06-30-市水利局.md").read_bytes()
    assert b"\r\n" not in raw and raw.decode("utf-8").startswith("# 预警督办单\n")


def test_notice_out_is_a_file(runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path) -> None:
    make_ledger(WARN_TASKS)
    target = tmp_path / "taken.md"
    target.write_text("x", encoding="utf-8")
    code, out, err = invoke_en(runner, "warn", "--as-of", AS_OF, "--notice", "--out", str(target))
    assert (code, out) == (EXIT_ERROR, "")
    assert err == f"Error: --out: {target} is a file; give a folder for the notices\n"
    assert target.read_text(encoding="utf-8") == "x"


def test_warn_is_listed_in_help(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "warn", "--help")
    assert code == EXIT_OK
    for option in (
        "--days",
        "--as-of",
        "--lead",
        "--level",
        "--tolerance",
        "--stale-days",
        "--format",
        "--exit-code",
        "--notice",
        "--out",
        "--reply-days",
        "--lang",
        "--ledger",
        "--no-color",
    ):
        assert option in out


@pytest.mark.parametrize("level", ["red", "yellow", "blue"])
def test_a_level_filter_states_only_the_levels_it_looked_for(
    runner: CliRunner, make_ledger: MakeLedger, level: str
) -> None:
    """`--level blue` must not head its list with "red 0, yellow 0" while there are red and
    yellow warnings it was not asked for (issue 20)."""
    make_ledger(WARN_TASKS)
    _, full, _ = invoke_en(runner, "warn", "--as-of", "2025-06-30", "-f", "json")
    everything = json.loads(full)
    assert all(n > 0 for n in everything["counts"].values())  # the ledger has every level
    for fmt in ("md", "table"):
        code, out, _ = invoke_en(
            runner, "warn", "--as-of", "2025-06-30", "--level", level, "-f", fmt
        )
        header = out.splitlines()[0]
        assert code == 0
        assert f"{everything['counts'][level]} {level}" in header, header
        for other in {"red", "yellow", "blue"} - {level}:
            assert other not in header, header
