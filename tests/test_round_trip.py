"""Export → `rectify init` → import gives the same ledger: every answer (`list`, `warn`,
`report` as JSON) identical, for xlsx and CSV, on the sample and on a generated ledger with
logs, postponements, a merged task, itemised petition cases and indicator histories."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rectify_cli.store import load_ledger, load_petitions
from tests.conftest import invoke, invoke_en
from tests.helpers import benchmark_generator

AS_OF = "2025-10-31"

PETITIONS = """\
version = 1
headline_prefix = "省交办的"

[[petitions]]
id = "X001"
title = "某化工厂夜间异味扰民"
received = 2025-03-02
batch = "第1批"
area = "北部县"
category = "air"
finding = "partly"
status = "closed"
deadline = 2025-04-01
closed_on = 2025-03-28
lead = "县生态环境分局"
notes = "已责令整改"

[[petitions.log]]
date = 2025-03-28
status = "closed"
note = "现场复核"
by = "督办科"
changes = ["status: handling → closed"]

[[petitions]]
id = "X002"
title = "河道堆放建筑垃圾"
received = 2025-05-10
category = "solid_waste"
"""


def answers(runner: CliRunner, root: Path) -> list[str]:
    out = []
    for command in ("list", "warn", "report"):
        args = (command, "--format", "json", "--as-of", AS_OF, "--ledger", str(root))
        code, text, err = invoke(runner, *args)
        assert code == 0, err
        out.append(text)
    return out


def round_trip(runner: CliRunner, source: Path, tmp_path: Path, suffix: str) -> Path:
    out = tmp_path / f"导出.{suffix}"
    code, _, err = invoke(runner, "export", "--ledger", str(source), "--out", str(out))
    assert code == 0, err
    empty = tmp_path / f"new-{suffix}"
    assert invoke(runner, "init", str(empty))[0] == 0
    code, text, err = invoke(runner, "import", str(out), "--ledger", str(empty))
    assert (code, text) == (0, ""), err
    assert invoke(runner, "check", "--ledger", str(empty))[0] == 0
    # Importing the same file again changes nothing, even with --update.
    code, _, err = invoke(runner, "import", str(out), "--ledger", str(empty), "--update")
    assert code == 0, err
    assert err.endswith(f"导出.{suffix}：没有需要导入的内容，台账未改动。\n"), err
    return empty


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_the_sample_round_trips_exactly(
    runner: CliRunner, sample: Path, tmp_path: Path, suffix: str
) -> None:
    again = round_trip(runner, sample, tmp_path, suffix)
    assert answers(runner, again) == answers(runner, sample)
    before, after = load_ledger(sample), load_ledger(again)
    assert after.meta == before.meta  # every [ledger] setting, feedback_date first
    assert (after.aspects, after.tasks, after.indicators) == (
        before.aspects,
        before.tasks,
        before.indicators,
    )
    assert load_petitions(again) == load_petitions(sample)  # the summary, as published


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 generated tasks, with what the generator lacks added as a user would."""
    root = tmp_path_factory.mktemp("gen") / "ledger"
    root.mkdir()
    tasks, indicators = benchmark_generator().generate(1000)
    (root / "tasks.toml").write_text(tasks, encoding="utf-8")
    (root / "indicators.toml").write_text(indicators, encoding="utf-8")
    (root / "petitions.toml").write_text(PETITIONS, encoding="utf-8")
    runner = CliRunner()
    led = load_ledger(root)
    first = led.indicators[0].id
    for value, period in (("41", "2025-10"), ("39.5", "2025-11")):
        args = ("record", first, value, "--period", period, "--date", "2025-11-05")
        assert invoke(runner, *args, "--ledger", str(root))[0] == 0
    open_ids = [t.id for t in led.tasks if t.status.is_open and t.deadline is not None]
    postpone = ("postpone", open_ids[0], "--to", "2026-12-31", "--reason", "资金未到位")
    assert invoke(runner, *postpone, "--date", "2025-10-01", "--ledger", str(root))[0] == 0
    fold = ("fold", open_ids[1], "--into", open_ids[2], "-m", "内容重复")
    assert invoke(runner, *fold, "--date", "2025-10-02", "--ledger", str(root))[0] == 0
    return root


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_generated_ledger_round_trips_exactly(
    runner: CliRunner, generated: Path, tmp_path: Path, suffix: str
) -> None:
    before = load_ledger(generated)
    assert len(before.tasks) == 1000
    assert any(i.history for i in before.indicators)
    assert any(e.kind == "postponed" for t in before.tasks for e in t.log)
    assert any(t.merged_into for t in before.tasks)
    again = round_trip(runner, generated, tmp_path, suffix)
    after = load_ledger(again)
    assert after.meta == before.meta
    assert after.tasks == before.tasks  # every field, every log entry with kind, by, changes
    assert after.indicators == before.indicators  # with their histories
    assert load_petitions(again) == load_petitions(generated)  # cases with their logs
    assert answers(runner, again) == answers(runner, generated)


# --------------------------------------------------------------------------- sheets as drawn


def test_a_two_row_header_with_vertical_and_horizontal_merges_imports(
    runner: CliRunner, make_ledger: Any, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    root = make_ledger()
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "某县督察反馈问题整改台账"
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：县整改办"
    top = ["序号", "问题方面", "反馈问题", "责任单位", None, "整改时限", "整改目标", "状态"]
    for col, text in enumerate(top, start=1):
        ws.cell(row=3, column=col, value=text)
    ws.cell(row=4, column=4, value="牵头单位")
    ws.cell(row=4, column=5, value="配合单位")
    for letter in "ABCFGH":  # first-level cells merged down over both header rows
        ws.merge_cells(f"{letter}3:{letter}4")
    ws.merge_cells("D3:E3")  # 责任单位 over 牵头单位 | 配合单位
    ws.append(["T2", "大气", "治理工地扬尘", "县住建局", "各乡镇", "2025-12-31", "达标", "推进中"])
    ws.append(["T3", "大气", "整治散乱污", "县生态环境分局", None, "长期坚持", None, "未启动"])
    path = tmp_path / "两级表头.xlsx"
    book.save(path)
    code, _, err = invoke(runner, "import", str(path))
    assert code == 0, err
    assert "新增2项任务" in err
    tasks = {t.id: t for t in load_ledger(root).tasks}
    assert (tasks["T2"].lead, tasks["T2"].partners) == ("县住建局", ["各乡镇"])
    assert str(tasks["T2"].deadline) == "2025-12-31" and tasks["T3"].ongoing


def test_a_completion_column_of_status_words_is_read_as_status(
    runner: CliRunner, make_ledger: Any, tmp_path: Path
) -> None:
    root = make_ledger()
    path = tmp_path / "进展.csv"
    path.write_text(
        "编号,问题方面,整改任务,牵头单位,整改时限,完成情况,完成日期\n"
        "T2,大气,治理,市局,2025-12-31,推进中,\n"
        "T3,大气,整治,市局,2025-06-30,已完成,2025-06-20\n",
        encoding="utf-8",
    )
    code, _, err = invoke_en(runner, "import", str(path))
    assert code == 0, err
    assert "column '完成情况' holds statuses" in err
    tasks = {t.id: t for t in load_ledger(root).tasks}
    assert (tasks["T2"].status.value, tasks["T2"].notes) == ("in_progress", "")
    assert tasks["T3"].status.value == "done"


def test_update_reports_missing_tasks_appends_log_rows_and_keeps_cleared_cells(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "台账.xlsx"
    assert invoke(runner, "export", "--out", str(out))[0] == 0
    book = openpyxl.load_workbook(out)
    tasks_ws, log_ws = book["整改任务"], book["整改记录"]
    header = [c.value for c in tasks_ws[1]]
    first = [c.value for c in tasks_ws[2]]
    before = load_ledger(sample)
    gone = next(i for i, t in enumerate(before.tasks) if t.status.is_open)
    tasks_ws.delete_rows(gone + 2)  # a colleague deleted an open task's row
    tasks_ws.cell(row=2, column=header.index("牵头单位") + 1).value = first[
        header.index("牵头单位")
    ]
    cleared_col = header.index("配合单位") + 1
    kept = tasks_ws.cell(row=2, column=cleared_col).value
    tasks_ws.cell(row=2, column=cleared_col).value = None
    log_header = [c.value for c in log_ws[1]]
    row: list[Any] = [None] * len(log_header)
    row[log_header.index("任务编号")] = first[0]
    row[log_header.index("日期")] = dt.date(2025, 10, 8)
    row[log_header.index("说明")] = "现场核查"
    row[log_header.index("记录人")] = "督办科"
    log_ws.append(row)
    book.save(out)
    second = before.tasks[gone].id
    code, _, err = invoke_en(runner, "import", str(out), "--update")
    assert code == 0, err
    assert f"1 tasks in the ledger are not in the sheet, left alone: {second}" in err
    assert "1 log entries appended to existing tasks" in err
    assert "配合单位: empty; kept" in err and kept.split("\n")[0] in err
    after = {t.id: t for t in load_ledger(sample).tasks}
    assert second in after  # never deleted silently
    assert after[first[0]].partners == before.tasks[0].partners
    entry = after[first[0]].log[-1]
    assert (entry.note, entry.by, str(entry.date)) == ("现场核查", "督办科", "2025-10-08")
    # Again: the identical entry is there already, so nothing is appended twice.
    code, _, err = invoke_en(runner, "import", str(out), "--update")
    assert code == 0, err
    assert len({t.id: t for t in load_ledger(sample).tasks}[first[0]].log) == len(
        after[first[0]].log
    )
    # --clear-empty clears the cell's field; --cancel-missing cancels the task the sheet lacks.
    code, _, err = invoke_en(
        runner, "import", str(out), "--update", "--clear-empty", "--cancel-missing"
    )
    assert code == 0, err
    final = {t.id: t for t in load_ledger(sample).tasks}
    assert final[first[0]].partners == []
    assert final[second].status.value == "cancelled"
    assert final[second].log[-1].note == "台账.xlsx中已无此任务"
    assert invoke(runner, "check")[0] == 0


@pytest.mark.parametrize("clear", [False, True])
def test_latest_progress_column_is_derived_and_never_imported(
    runner: CliRunner, sample: Path, tmp_path: Path, clear: bool
) -> None:
    """The main sheet's 最新进展 (the last note of each open task, from the log) is worked
    out on export; an import recognises it and reads nothing from it, edited or cleared."""
    out = tmp_path / "台账.csv"
    assert invoke(runner, "export", "--out", str(out))[0] == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    at = header.index("最新进展")
    assert header[at - 1] == "备注"  # beside the notes column, which stays the task's own
    latest = {r[0]: r[at] for r in rows[1:]}
    ledger = load_ledger(sample)
    for t in ledger.tasks:
        if t.status.is_open:
            assert latest[t.id] == "2025-09-30：据整改落实情况公开：达到序时进度", t.id
        else:
            assert latest[t.id] == "", t.id  # finished: no latest progress
    # A colleague overwrites (or clears) the derived cell of an open task.
    for r in rows[1:]:
        if r[0] == "T07":
            r[at] = "" if clear else "2025-10-08：已完成联调"
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    before = (sample / "tasks.toml").read_bytes()
    args = ["import", str(out), "--update"] + (["--clear-empty"] if clear else [])
    code, _, err = invoke_en(runner, *args)
    assert code == 0, err
    assert err.endswith("台账.csv: nothing to import; the ledger is untouched.\n"), err
    assert "not imported" not in err  # recognised, not an unknown column
    assert (sample / "tasks.toml").read_bytes() == before
