"""Options read values as people type them (issue #17): dates as `import` reads them in a
sheet, 60%, ids in any case or width, levels and health in either language, aspects by part
of their name; and an entry is never dated in the future by accident."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.cells import date_text
from rectify_cli.cli.common import parse_date
from rectify_cli.errors import EXIT_ERROR, UsageError
from rectify_cli.records import matching_id
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en
from tests.helpers import WARN_AS_OF, WARN_TASKS

MakeLedger = Callable[..., Path]
PM25 = '[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "lower"\nvalue = 30\n'


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "typed",
    ["2025-10-10", "2025/10/10", "2025.10.10", "2025年10月10日", "2025年10月10号", "２０２５－１０－１０",
     " 2025/10/10 "],
)  # fmt: skip
def test_every_date_option_reads_dates_as_people_type_them(typed: str) -> None:
    assert parse_date(typed, "--date") == dt.date(2025, 10, 10)
    # The one reader: what import reads in a cell, the option reads the same.
    assert parse_date(typed, "--date") == date_text(typed)


@pytest.mark.parametrize("typed", ["2025", "2025年底前", "2025-10", "2025年三季度", "45000"])
def test_a_day_option_never_guesses_a_day_from_a_period(typed: str) -> None:
    with pytest.raises(UsageError, match=f'--since: invalid date "{typed}"'):
        parse_date(typed, "--since")


def test_a_deadline_takes_a_period_end_as_a_deadline_cell_does() -> None:
    assert parse_date("2025年底前", "--deadline", period_end=True) == dt.date(2025, 12, 31)
    assert parse_date("2026年三季度", "--deadline", period_end=True) == dt.date(2026, 9, 30)


def test_update_writes_a_date_typed_with_slashes_and_chinese(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    root = make_ledger()
    code, _, err = invoke_en(
        runner, "update", "T1", "--note", "x", "--date", "2025年6月2日", "--deadline", "2025/10/31"
    )
    assert code == 0, err
    task = load_ledger(root).tasks[0]
    assert task.log[-1].date == dt.date(2025, 6, 2) and task.deadline == dt.date(2025, 10, 31)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--due-before", "2025.12.31", "--as-of", "2025/6/30"],
        ["warn", "--as-of", "2025年6月30日"],
        ["report", "--as-of", "2025/06/30", "--since", "2025.06.01"],
        ["changes", "--since", "2025/6/1", "--as-of", "2025年6月30日"],
        ["log", "--since", "2025/6/1"],
        ["show", "T1", "--as-of", "2025.6.30"],
    ],
)
def test_reading_commands_take_the_same_dates(
    runner: CliRunner, make_ledger: MakeLedger, args: list[str]
) -> None:
    make_ledger()
    code, _, err = invoke_en(runner, *args)
    assert code == 0, err


def test_record_date_reads_the_same(runner: CliRunner, make_ledger: MakeLedger) -> None:
    root = make_ledger(MINIMAL_TASKS, PM25)
    code, _, err = invoke_en(
        runner, "record", "pm25", "29", "--period", "2025-05", "--date", "2025年6月3日"
    )
    assert code == 0, err
    assert load_ledger(root).indicators[0].recorded == dt.date(2025, 6, 3)


# --------------------------------------------------------------------------- no future entries


def _tomorrow() -> str:
    return (dt.date.today() + dt.timedelta(days=1)).strftime("%Y/%m/%d")


@pytest.mark.parametrize(
    "args",
    [
        ["update", "T1", "--note", "x", "--date", "TOMORROW"],
        ["update", "T1", "--progress", "60", "--date", "TOMORROW", "--dry-run"],
        ["record", "pm25", "29", "--period", "2025-05", "--date", "TOMORROW"],
    ],
)
def test_an_entry_dated_after_today_is_refused_with_what_to_do(
    runner: CliRunner, make_ledger: MakeLedger, args: list[str]
) -> None:
    root = make_ledger(MINIMAL_TASKS, PM25)
    before = {p.name: p.read_bytes() for p in root.iterdir()}
    args = [_tomorrow() if a == "TOMORROW" else a for a in args]
    ahead = dt.date.today() + dt.timedelta(days=1)
    today = dt.date.today()
    code, out, err = invoke_en(runner, *args)
    assert (code, out) == (EXIT_ERROR, "")
    assert err == (
        f"Error: --date {ahead} is after today ({today}): a log records what has happened, "
        "so record it on that day (a day planned ahead is a deadline; if today is not "
        f"{today}, the computer's clock is wrong)\n"
    )
    code, out, err = invoke(runner, *args)
    assert (code, out) == (EXIT_ERROR, "")
    assert err == (
        f"错误：--date {ahead} 晚于今天（{today}）：记录只记已经发生的事，请到当天再记"
        f"（计划中的日子是整改时限；如果今天不是 {today}，请校正电脑的时钟）\n"
    )
    assert {p.name: p.read_bytes() for p in root.iterdir()} == before


def test_today_and_a_later_deadline_are_fine(runner: CliRunner, make_ledger: MakeLedger) -> None:
    root = make_ledger()
    today = dt.date.today()
    later = today + dt.timedelta(days=400)
    # (A later deadline is a postponement: `update --deadline` may only bring one forward.)
    code, _, err = invoke_en(
        runner, "postpone", "T1", "--reason", "x", "--date", str(today), "--to", str(later)
    )
    assert code == 0, err
    assert load_ledger(root).tasks[0].deadline == later


# --------------------------------------------------------------------------- progress


@pytest.mark.parametrize("typed", ["60", "60%", "60％", "６０％", " 60 % "])
def test_progress_takes_a_percent_sign(
    runner: CliRunner, make_ledger: MakeLedger, typed: str
) -> None:
    root = make_ledger()
    code, _, err = invoke_en(runner, "update", "T1", "--progress", typed, "--date", "2025-06-02")
    assert code == 0, err
    assert load_ledger(root).tasks[0].progress == 60


@pytest.mark.parametrize("typed", ["x", "60.5%", "六十"])
def test_progress_that_is_not_a_whole_percentage_is_refused(
    runner: CliRunner, make_ledger: MakeLedger, typed: str
) -> None:
    root = make_ledger()
    before = (root / "tasks.toml").read_bytes()
    code, _, err = invoke_en(runner, "update", "T1", "--progress", typed)
    assert (code, err) == (
        EXIT_ERROR,
        f'Error: --progress: "{typed}" is not a whole percentage such as 60 or 60%\n',
    )
    code, _, err = invoke(runner, "update", "T1", "--progress", typed)
    assert err == f"错误：--progress：“{typed}”不是整数百分比，请写成 60 或 60%\n"
    assert (root / "tasks.toml").read_bytes() == before


# --------------------------------------------------------------------------- ids


def test_the_one_id_resolver() -> None:
    ids = ["T07", "T7", "pm25"]
    assert matching_id("t07", ids) == "T07"
    assert matching_id("Ｔ０７", ids) == "T07"
    assert matching_id("PM25", ids) == "pm25"
    assert matching_id("T7", ids) == "T7"  # never a near one: T7 is not T07
    assert matching_id("t08", ids) is None
    # Two ids one typed word could mean (a ledger `check` refuses): the one typed exactly,
    # else neither.
    assert matching_id("T1", ["t1", "T1"]) == "T1"
    assert matching_id("Ｔ１", ["t1", "T1"]) is None


@pytest.mark.parametrize("typed", ["t1", "Ｔ１", " T1"])
def test_update_show_and_log_find_an_id_in_any_case(
    runner: CliRunner, make_ledger: MakeLedger, typed: str
) -> None:
    root = make_ledger()
    code, out, err = invoke_en(
        runner, "update", typed.strip(), "--note", "现场核查", "--date", "2025-06-02"
    )
    assert code == 0, err and "T1" in out
    log = load_ledger(root).tasks[0].log
    assert [e.note for e in log] == ["现场核查"]
    code, out, err = invoke_en(runner, "show", typed.strip(), "-f", "json")
    assert code == 0, err
    assert json.loads(out)["id"] == "T1"
    code, out, err = invoke_en(runner, "log", typed.strip(), "-f", "csv")
    assert code == 0 and "现场核查" in out, err


def test_record_finds_an_indicator_in_any_case(runner: CliRunner, make_ledger: MakeLedger) -> None:
    root = make_ledger(MINIMAL_TASKS, PM25)
    code, _, err = invoke_en(runner, "record", "PM25", "29", "--period", "2025-05")
    assert code == 0, err
    assert load_ledger(root).indicators[0].value == 29


# --------------------------------------------------------------------------- levels and health


@pytest.mark.parametrize(
    ("typed", "levels"),
    [
        (["红色"], {"red"}),
        (["红色预警"], {"red"}),
        (["RED"], {"red"}),
        (["黄色", "蓝色"], {"yellow", "blue"}),
        (["蓝"], {"blue"}),
    ],
)
def test_warn_level_in_either_language(
    runner: CliRunner, make_ledger: MakeLedger, typed: list[str], levels: set[str]
) -> None:
    make_ledger(WARN_TASKS)
    args = [x for t in typed for x in ("--level", t)]
    code, out, err = invoke_en(runner, "warn", "--as-of", WARN_AS_OF, "-f", "json", *args)
    assert code == 0, err
    got = {w["level"] for g in json.loads(out)["groups"] for w in g["warnings"]}
    assert got and got <= levels


def _listed(runner: CliRunner, *args: str) -> dict[str, str]:
    code, out, err = invoke_en(runner, "list", "--as-of", WARN_AS_OF, "-f", "json", *args)
    assert code == 0, err
    return {t["id"]: t["health"] for t in json.loads(out)}


@pytest.mark.parametrize(
    ("typed", "health"),
    [
        ("overdue", "overdue"),
        ("逾期", "overdue"),
        ("behind", "behind"),
        ("未达序时进度", "behind"),
        ("滞后", "behind"),
        ("Behind schedule", "behind"),
        ("on_schedule", "on_schedule"),
        ("on-schedule", "on_schedule"),
        ("达到序时进度", "on_schedule"),
        ("正常", "on_schedule"),
    ],
)
def test_list_by_health_in_either_language(
    runner: CliRunner, make_ledger: MakeLedger, typed: str, health: str
) -> None:
    make_ledger(WARN_TASKS)
    every = _listed(runner)
    want = {i: h for i, h in every.items() if h == health}
    assert want, every  # the sample holds a task of each
    assert _listed(runner, "--health", typed) == want


def test_list_by_several_healths_and_done_late(runner: CliRunner, make_ledger: MakeLedger) -> None:
    late = MINIMAL_TASKS.replace(
        'status = "in_progress"\nprogress = 50',
        'status = "done"\nprogress = 100\ncompleted_on = 2026-01-05',
    )
    make_ledger(late)
    code, out, err = invoke_en(runner, "list", "--health", "逾期完成", "--health", "overdue")
    assert code == 0, err and "T1" in out
    code, out, err = invoke_en(runner, "list", "--health", "done_late", "-f", "json")
    assert [t["id"] for t in json.loads(out)] == ["T1"]


def test_an_unknown_health_or_level_is_one_sentence(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(WARN_TASKS)
    code, out, err = invoke_en(runner, "list", "--health", "late")
    assert (code, out) == (EXIT_ERROR, "")
    assert err == (
        "Error: --health: unknown value 'late'; use one of on_schedule (达到序时进度), behind "
        "(未达序时进度), overdue (逾期), done_on_time (按期完成), done_late (逾期完成), done "
        "(已完成), dropped (不再推进)\n"
    )
    code, _, err = invoke(runner, "list", "--health", "late")
    assert err.startswith(
        "错误：--health：未知的值 'late'；请用以下之一：on_schedule (达到序时进度)"
    )
    code, _, err = invoke(runner, "list", "--kind", "petitions", "--health", "逾期")
    assert err == "错误：--health：用于任务的序时进度；信访件按办理时限预警（rectify warn）\n"


# --------------------------------------------------------------------------- aspects

ASPECTS = MINIMAL_TASKS.replace(
    '[[aspects]]\nid = "A1"\nname = "大气"\n',
    '[[aspects]]\nid = "A1"\nname = "守护蓝天"\n\n[[aspects]]\nid = "A2"\nname = "保卫碧水"\n\n'
    '[[aspects]]\nid = "A3"\nname = "碧水保卫战收尾"\n',
) + (
    '\n[[tasks]]\nid = "T2"\naspect = "A2"\ntitle = "治理黑臭水体"\nlead = "市水利局"\n'
    'deadline = 2025-12-31\nstatus = "in_progress"\nprogress = 10\n'
)


@pytest.mark.parametrize(
    ("typed", "ids"),
    [("蓝天", ["T1"]), ("守护蓝天", ["T1"]), ("A2", ["T2"]), ("a2", ["T2"]), ("碧水", ["T2"])],
)
def test_list_aspect_by_part_of_its_name(
    runner: CliRunner, make_ledger: MakeLedger, typed: str, ids: list[str]
) -> None:
    make_ledger(ASPECTS)
    code, out, err = invoke_en(runner, "list", "--aspect", typed, "-f", "json")
    assert code == 0, err
    assert [t["id"] for t in json.loads(out)] == ids


def test_report_aspect_by_part_of_its_name_must_be_one(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(ASPECTS)
    code, out, err = invoke_en(runner, "report", "--aspect", "蓝天", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["aspect"] == "A1"
    code, _, err = invoke_en(runner, "report", "--aspect", "碧水", "-f", "json")
    assert (code, err) == (
        EXIT_ERROR,
        "Error: --aspect: '碧水' is in the names of 2 aspects; name one: A2 保卫碧水, "
        "A3 碧水保卫战收尾\n",
    )
    code, _, err = invoke(runner, "report", "--aspect", "黄河")
    assert err == "错误：--aspect：没有问题方面 '黄河'\n"
