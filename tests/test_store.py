"""Loading: the sample, and every kind of bad input a person can produce."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.errors import LedgerInvalid, LedgerNotFound
from rectify_cli.kinds import Status
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, SAMPLE, invoke, invoke_en

MakeLedger = Callable[..., Path]


def test_sample_loads_with_the_notice_counts() -> None:
    ledger = load_ledger(SAMPLE)
    assert len(ledger.aspects) == 6
    assert len(ledger.tasks) == 24
    done = [t for t in ledger.tasks if t.status in (Status.DONE, Status.CLOSED)]
    assert len(done) == 21
    assert ledger.meta.feedback_date is not None
    assert ledger.meta.feedback_date.isoformat() == "2024-10-11"
    assert ledger.meta.as_of is not None
    assert ledger.meta.as_of.isoformat() == "2025-09-30"
    assert ledger.indicators, "the sample publishes indicators"


def test_env_variable_names_the_default_ledger(make_ledger: MakeLedger) -> None:
    root = make_ledger()
    assert load_ledger(None).root == str(root)


def test_indicators_file_is_optional(make_ledger: MakeLedger) -> None:
    assert load_ledger(make_ledger()).indicators == []


def bad_case(
    runner: CliRunner,
    make_ledger: MakeLedger,
    tasks: str | bytes,
    indicators: str | bytes | None = None,
) -> str:
    """Run `list` on a broken ledger: exit 2, nothing on stdout, one line, no traceback."""
    make_ledger(tasks, indicators)
    code, out, err = invoke_en(runner, "list")
    assert code == 2
    assert out == ""
    assert err.startswith("Error: ")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.removeprefix("Error: ").rstrip("\n")


def test_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "list", "--ledger", str(tmp_path / "nowhere"))
    assert code == 2
    assert "no ledger folder here" in err and "--ledger DIR" in err


def test_missing_tasks_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = invoke(runner, "list", "--ledger", str(tmp_path / "empty"))
    assert code == 2
    assert err.rstrip().endswith("tasks.toml: file not found; a ledger folder needs tasks.toml")


def test_a_file_where_the_folder_should_be(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "ledger.toml"
    f.write_text(MINIMAL_TASKS, encoding="utf-8")
    code, _, err = invoke(runner, "list", "--ledger", str(f))
    assert code == 2
    assert "is a file, not a ledger folder" in err


def test_a_folder_where_the_file_should_be(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "led"
    (root / "tasks.toml").mkdir(parents=True)
    code, _, err = invoke(runner, "list", "--ledger", str(root))
    assert code == 2
    assert "tasks.toml: is a folder, not a TOML file" in err


def test_invalid_toml_names_file_line_and_column(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    msg = bad_case(runner, make_ledger, '[ledger]\ntitle = "unclosed\n')
    assert msg.endswith(
        "tasks.toml:2:18: invalid TOML: illegal character '\\n' (a string is not closed: a \" is missing)"
    )


def test_full_width_characters_get_a_hint(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, '[ledger]\ntitle ＝ "x"\n')
    assert "tasks.toml:2:" in msg and "full-width '＝'" in msg


def test_slash_dates_get_a_hint(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace("2025-12-31", "2025/12/31"))
    assert "tasks.toml:17:16:" in msg and "write dates as 2025-09-30" in msg


def test_impossible_date(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace("2025-12-31", "2025-02-30"))
    assert msg.endswith(
        "tasks.toml:17:12: invalid TOML: invalid date or datetime "
        "(no such day, or not written as 2025-09-30)"
    )


def test_quoted_impossible_date_names_task_and_field(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace("2025-12-31", '"2025-13-01"'))
    assert msg.endswith(
        'tasks.toml:17: task T1: deadline: invalid date "2025-13-01"; write dates as 2025-09-30'
    )


def test_wrong_type(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace("progress = 50", 'progress = "x"'))
    assert msg.endswith('tasks.toml:19: task T1: progress: must be a whole number, got "x"')


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("progress = 50", "progress = true", "progress: must be a whole number, got true"),
        ("progress = 50", 'progress = "50"', "write progress = 50, without quotes"),
        ("progress = 50", "progress = 50.0", "progress: must be a whole number, got 50.0"),
        ("2025-12-31", '"2025-12-31"', "write deadline = 2025-12-31, without quotes"),
        ("2025-12-31", "2025-12-31T00:00:00", "deadline: invalid date 2025-12-31T00:00:00"),
        ('title = "治理扬尘"', 'title = "治理扬尘"\nongoing = "false"', 'got "false"'),
    ],
)
@pytest.mark.parametrize("fast", [True, False], ids=["rtoml", "tomllib"])
def test_values_of_the_wrong_type_are_refused_not_converted(
    runner: CliRunner,
    make_ledger: MakeLedger,
    monkeypatch: pytest.MonkeyPatch,
    old: str,
    new: str,
    says: str,
    fast: bool,
) -> None:
    """`progress = true` was read as 1 %, `"50"` as 50 and a quoted date as a date; either
    parser (rtoml, or tomllib alone) gives the same Python types, and the same refusal."""
    if not fast:
        from rectify_cli import toml_read

        monkeypatch.setattr(toml_read, "parse_fast", lambda text: None)
    assert says in bad_case(runner, make_ledger, MINIMAL_TASKS.replace(old, new))


@pytest.mark.parametrize(
    "other", ["t1", "Ｔ1", "Ｔ１"], ids=["lower case", "full-width T", "full-width"]
)
def test_ids_that_differ_only_in_case_or_width_clash(
    runner: CliRunner, make_ledger: MakeLedger, other: str
) -> None:
    second = MINIMAL_TASKS.split("[[tasks]]")[1].replace('id = "T1"', f'id = "{other}"')
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS + "\n[[tasks]]" + second)
    assert msg.endswith(
        f"tasks.toml:22: task {other}: duplicate id: the same as T1 (task #1) but for "
        "upper/lower case or full-width characters"
    )


def test_cr_only_line_ends_are_named(runner: CliRunner, make_ledger: MakeLedger) -> None:
    """Not blamed on a full-width bracket in a comment: the whole file is one TOML line."""
    text = "# 整改台账（测试）\n" + MINIMAL_TASKS
    msg = bad_case(runner, make_ledger, text.replace("\n", "\r").encode("utf-8"))
    assert msg.endswith(
        "tasks.toml:1: invalid TOML: lines end in CR alone (old Mac line ends); "
        "save the file with Windows (CRLF) or Unix (LF) line ends"
    )
    assert "full-width" not in msg


@pytest.mark.parametrize("date", ["2025年12月31日", "2025-12-1", "2025.12.31", "2025/12/31"])
def test_dates_written_as_people_write_them_get_the_hint(
    runner: CliRunner, make_ledger: MakeLedger, date: str
) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace("2025-12-31", date))
    assert msg.endswith("(write dates as 2025-09-30)")


def test_progress_out_of_range(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace("progress = 50", "progress = 120"))
    assert msg.endswith("tasks.toml:19: task T1: progress: must be at most 100, got 120")


def test_unknown_status(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace('"in_progress"', '"finished"'))
    assert msg.endswith(
        "tasks.toml:18: task T1: status: unknown status 'finished'; use one of "
        "not_started (未启动), in_progress (推进中), done (已完成), closed (已销号), cancelled (已撤销), merged (已合并)"
    )


def test_unknown_key_suggests_the_right_one(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace("lead =", "leed ="))
    assert msg.endswith("tasks.toml:15: task T1: leed: unknown key; did you mean lead?")


def test_missing_required_key(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace('lead = "市生态环境局"\n', ""))
    assert msg.endswith("tasks.toml:11: task T1: lead: missing (required)")


def test_duplicate_ids(runner: CliRunner, make_ledger: MakeLedger) -> None:
    second = MINIMAL_TASKS[MINIMAL_TASKS.index("[[tasks]]") :]
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS + "\n" + second)
    assert msg.endswith("tasks.toml:22: task T1: duplicate id (first used by task #1)")


def test_unknown_aspect(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.replace('aspect = "A1"', 'aspect = "A9"'))
    assert msg.endswith("tasks.toml:13: task T1: aspect: unknown aspect 'A9'; did you mean A1?")


def test_utf8_bom_is_accepted(make_ledger: MakeLedger) -> None:
    root = make_ledger(b"\xef\xbb\xbf" + MINIMAL_TASKS.encode("utf-8"))
    assert load_ledger(root).tasks[0].title == "治理扬尘"


def test_crlf_line_endings_are_accepted(make_ledger: MakeLedger) -> None:
    root = make_ledger(MINIMAL_TASKS.replace("\n", "\r\n").encode("utf-8"))
    assert load_ledger(root).tasks[0].id == "T1"


def test_gbk_file_is_named_not_crashed_on(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.encode("gbk"))
    assert "looks like GBK/GB18030" in msg and "save it as UTF-8" in msg


def test_utf16_file(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(runner, make_ledger, MINIMAL_TASKS.encode("utf-16"))
    assert msg.endswith("tasks.toml: file is UTF-16; save it as UTF-8")


def test_empty_file(runner: CliRunner, make_ledger: MakeLedger) -> None:
    assert bad_case(runner, make_ledger, "").endswith("tasks.toml: file is empty")


def test_broken_indicators_file(runner: CliRunner, make_ledger: MakeLedger) -> None:
    msg = bad_case(
        runner,
        make_ledger,
        MINIMAL_TASKS,
        '[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "smaller"\n',
    )
    assert msg.startswith("indicators.toml:") or "/indicators.toml:4: " in msg
    assert "indicator pm25: better: " in msg


def test_several_problems_are_counted(runner: CliRunner, make_ledger: MakeLedger) -> None:
    text = MINIMAL_TASKS.replace("progress = 50", "progress = 500").replace("lead =", "leed =")
    msg = bad_case(runner, make_ledger, text)
    assert msg.endswith("(and 1 more; `rectify check` lists them all)")


def test_errors_are_exceptions_with_all_problems(make_ledger: MakeLedger) -> None:
    root = make_ledger(MINIMAL_TASKS.replace("progress = 50", "progress = 500"))
    with pytest.raises(LedgerInvalid) as info:
        load_ledger(root)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].line == 19
    with pytest.raises(LedgerNotFound):
        load_ledger(root / "missing")
