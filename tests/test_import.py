"""`rectify import`: 台账 spreadsheets in, every bad row reported, nothing half-written."""

from __future__ import annotations

import builtins
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from rectify_cli.cells import (
    CellError,
    date_value,
    list_value,
    progress_value,
    status_value,
)
from rectify_cli.kinds import Status
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en

MakeLedger = Callable[..., Path]
AS_OF = "2025-09-30"

HEADER = [
    "序号",
    "问题类别",
    "整改任务",
    "牵头单位",
    "配合单位",
    "整改时限",
    "整改进展",
    "状态",
    "佐证材料",
]


def taizhang(path: Path, rows: list[list[Any]], *, header: list[str] = HEADER) -> Path:
    """A 台账 as offices lay it out: a merged title row, a 填报单位 line, then the table."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "台账"
    ws.append(["滨州市生态环境保护督察反馈问题整改台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(
        [
            "填报单位：市生态环境保护工作委员会办公室",
            None,
            None,
            None,
            None,
            "填报日期：2025年10月8日",
        ]
    )
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the temp folder, so messages name files as a user in that folder sees them."""
    monkeypatch.chdir(tmp_path)


def ledger_json(runner: CliRunner, *args: str) -> list[dict[str, Any]]:
    code, out, err = invoke(runner, "list", "--format", "json", "--as-of", AS_OF, *args)
    assert code == 0, err
    data: list[dict[str, Any]] = json.loads(out)
    return data


# --------------------------------------------------------------------------- round trip


def report_body(runner: CliRunner, *args: str) -> str:
    """The report from its first section on: the task and indicator sections, without the
    title, headline and petition line (ledger meta and petitions.toml, which import does
    not carry)."""
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "--format", "md", *args)
    assert code == 0, err
    return out[out.index("## 各方面整改进展") :]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_round_trip_export_init_import_gives_the_same_tasks(
    runner: CliRunner, sample: Path, tmp_path: Path, suffix: str
) -> None:
    before = ledger_json(runner)
    report_before = report_body(runner)
    out = tmp_path / f"台账.{suffix}"
    assert invoke(runner, "export", "--out", str(out))[0] == 0
    empty = tmp_path / "empty"
    assert invoke(runner, "init", str(empty))[0] == 0
    # The plan's start date is the ledger's, not a task's: set it as the user would.
    tasks = empty / "tasks.toml"
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace(
            "# feedback_date = 2025-01-01", "feedback_date = 2024-10-11"
        ),
        encoding="utf-8",
    )
    if suffix == "csv":
        # A ledger without indicators.toml: import creates it.
        (empty / "indicators.toml").unlink()
    code, out_text, err = invoke(runner, "import", str(out), "--ledger", str(empty))
    assert (code, out_text) == (0, ""), err
    assert f"台账.{suffix}：新增24项任务，更新0项，无变化0项，新增问题方面6个" in err
    sheet = "指标" if suffix == "xlsx" else "台账-indicators.csv"
    assert f"台账.{suffix}（{sheet}）：新增30项指标，更新0项，无变化0项" in err
    assert err.endswith(
        "已写入empty/tasks.toml\n已写入empty/indicators.toml\n已写入empty/petitions.toml\n"
    )
    # The rebuilt ledger checks clean: every indicator its tasks name came along.
    code, out_text, err = invoke(runner, "check", "--ledger", str(empty))
    assert (code, out_text, err) == (0, "台账检查通过：24项任务，30项指标。\n", "")
    after = ledger_json(runner, "--ledger", str(empty))
    assert after == before
    assert report_body(runner, "--ledger", str(empty)) == report_before
    assert load_ledger(empty).indicators == load_ledger(sample).indicators
    assert load_ledger(empty).aspects == load_ledger(sample).aspects
    # Importing the same file again changes nothing, even with --update.
    text = tasks.read_bytes()
    indicators_text = (empty / "indicators.toml").read_bytes()
    code, _, err = invoke(runner, "import", str(out), "--ledger", str(empty), "--update")
    assert code == 0, err
    assert err.endswith("：没有需要导入的内容，台账未改动。\n")
    assert tasks.read_bytes() == text
    assert (empty / "indicators.toml").read_bytes() == indicators_text


# --------------------------------------------------------------------------- indicators

ONE_INDICATOR = """\
version = 1

[[indicators]]
id = "pm25"
name = "PM2.5浓度"
unit = "µg/m³"
better = "lower"  # 越低越好
value = 30
period = "2025-01/09"
"""

IND_HEADER = "编号,指标名称,单位,改善方向,数值,期间,变化幅度,全省排名,小数位数\n"


def csv_pair(tmp_path: Path, indicators: str) -> Path:
    """A tasks CSV with one new task and its `-indicators.csv` companion."""
    path = tmp_path / "t.csv"
    path.write_text(
        "编号,问题方面,整改任务,牵头单位,整改时限,指标\nT2,大气,治理,市局,2025-12-31,pm25\n",
        encoding="utf-8",
    )
    (tmp_path / "t-indicators.csv").write_text(IND_HEADER + indicators, encoding="utf-8")
    return path


def test_existing_indicators_are_updated_only_with_update(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger(MINIMAL_TASKS, ONE_INDICATOR)
    tasks_before = (root / "tasks.toml").read_bytes()
    indicators_before = (root / "indicators.toml").read_bytes()
    path = csv_pair(
        tmp_path,
        "pm25,PM2.5浓度,µg/m³,lower,29,2025-01/10,,,\nso2,SO2浓度,µg/m³,lower,8.0,2025-09,-12.5,3,\n",
    )
    code, out, err = invoke(runner, "import", str(path))
    assert (code, out) == (2, "")
    # The row is the indicators file's row, and says so.
    assert err.startswith(
        "t-indicators.csv：第2行，编号：指标 pm25 已存在；要更新它请加 --update\nt.csv"
    )
    assert (root / "tasks.toml").read_bytes() == tasks_before
    assert (root / "indicators.toml").read_bytes() == indicators_before

    code, out, err = invoke(runner, "import", str(path), "--update", "--dry-run", "--diff")
    assert code == 0, err
    assert out.startswith(
        "新增 T2 治理（第2行；市局；2025-12-31）\n"
        "新增指标 so2 SO2浓度（第3行）\n"
        "更新指标 pm25（第2行）：数值：30 → 29；期间：2025-01/09 → 2025-01/10\n"
        "t.csv：新增1项任务，更新0项，无变化0项，新增问题方面0个\n"
        # --update reads the sheet as the whole ledger: T1 is not in it, and is kept.
        "t.csv：台账中有、表中没有的任务1项，未改动：T1（加 --cancel-missing 则撤销未完成的）\n"
        "t.csv（t-indicators.csv）：新增1项指标，更新1项，无变化0项\n"
    )
    assert '-value = 30\n-period = "2025-01/09"\n+value = 29\n' in out  # indicators.toml
    assert '+id = "T2"\n' in out  # and the tasks.toml one
    assert (root / "tasks.toml").read_bytes() == tasks_before
    assert (root / "indicators.toml").read_bytes() == indicators_before

    code, _, err = invoke(runner, "import", str(path), "--update")
    assert code == 0, err
    text = (root / "indicators.toml").read_text(encoding="utf-8")
    # In place: the hand-written comment stays, the new one is appended after.
    assert text.startswith(ONE_INDICATOR.replace("30", "29").replace("01/09", "01/10"))
    assert text.endswith(
        '\n[[indicators]]\nid = "so2"\nname = "SO2浓度"\nunit = "µg/m³"\nbetter = "lower"\n'
        'value = 8.0\nperiod = "2025-09"\nchange = -12.5\nrank = 3\n'
    )
    so2 = load_ledger(root).indicators[1]
    assert (so2.value, type(so2.value), so2.rank) == (8.0, float, 3)  # 8.0 as written
    assert invoke(runner, "check")[0] == 0


def test_bad_indicator_rows_are_reported_and_nothing_is_written(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger()
    path = csv_pair(
        tmp_path,
        "pm25,PM2.5浓度,µg/m³,sideways,30,,,,\n"
        ",无编号,,lower,1,,,,\n"
        "no2,NO2浓度,,lower,很多,,,第三,\n"
        "pm25,重复,,lower,1,,,,\n"
        "o3,臭氧,,higher,1,,,,2.5\n",
    )
    code, out, err = invoke_en(runner, "import", str(path))
    assert (code, out) == (2, "")
    assert err == (
        "t-indicators.csv: row 2, 改善方向: must be one of 'lower' or 'higher', got \"sideways\"\n"
        "t-indicators.csv: row 3, 编号: empty; an indicator needs an id\n"
        't-indicators.csv: row 4, 数值: cannot read "很多"\n'
        't-indicators.csv: row 4, 全省排名: cannot read "第三"\n'
        "t-indicators.csv: row 5, 编号: pm25 is also on row 2\n"
        "t-indicators.csv: row 6, 小数位数: 2.5 is not a whole number\n"
        "t.csv: 6 problems found; nothing was imported.\n"
    )
    assert sorted(p.name for p in root.iterdir()) == ["tasks.toml"]  # none created


def test_english_export_brings_its_indicators_back(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    before = ledger_json(runner)
    assert invoke(runner, "export", "--out", "en.xlsx", "--lang", "en")[0] == 0
    empty = tmp_path / "empty"
    assert invoke(runner, "init", str(empty), "--lang", "en")[0] == 0
    tasks = empty / "tasks.toml"
    text = tasks.read_text(encoding="utf-8")
    text = text.replace("# feedback_date = 2025-01-01", "feedback_date = 2024-10-11")
    tasks.write_text(text, encoding="utf-8")
    code, _, err = invoke(runner, "import", "en.xlsx", "--ledger", str(empty))
    assert code == 0, err
    assert "en.xlsx (Indicators): 30 new indicators, 0 updated, 0 unchanged\n" in err
    assert load_ledger(empty).indicators == load_ledger(sample).indicators
    # English headers: "Aspect" is the aspect's name, "Aspect ID" its id.
    assert ledger_json(runner, "--ledger", str(empty)) == before


def test_a_sheet_without_indicator_headers_is_not_read_as_indicators(
    make_ledger: MakeLedger, tmp_path: Path
) -> None:
    from rectify_cli.importer import ImportOptions, plan_import

    root = make_ledger()
    path = taizhang(
        tmp_path / "t.xlsx",
        [[2, "大气", "新任务", "市生态环境局", None, "2025-12-31", None, "推进中", None]],
    )
    book = openpyxl.load_workbook(path)
    other = book.create_sheet("指标说明")
    other.append(["编号", "指标名称", "说明"])  # no 改善方向: a note, not indicators
    other.append(["pm25", "PM2.5", "见通报"])
    book.save(path)
    plan = plan_import(load_ledger(root), path, ImportOptions())
    assert plan.indicators is None
    assert [n.task.id for n in plan.new] == ["2"]


# --------------------------------------------------------------------------- a real 台账


def test_a_hand_made_taizhang_with_mixed_dates_imports(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger()
    path = tmp_path / "台账.xlsx"
    book_rows: list[list[Any]] = [
        [
            1,
            "大气",
            "开展扬尘专项整治",
            "市住房和城乡建设局",
            "市生态环境局、各县市区",
            dt.datetime(2025, 9, 30),
            "已完成检查120次",
            "已完成",
            "检查记录.pdf；通报.docx",
        ],
        [2, None, "推进工业企业深度治理", "市工业和信息化局", None, 45930, None, "推进中", None],
        [
            3,
            "水",
            "整治入河排污口",
            "市生态环境局",
            "市水利局，市农业农村局",
            "2025/9/30",
            "完成溯源",
            "进行中",
            None,
        ],
        [
            4,
            "水",
            "实施城镇污水处理提质增效",
            "市住房和城乡建设局",
            None,
            "2025年9月30日",
            None,
            "未启动",
            None,
        ],
        [5, "水", "推进农村黑臭水体治理", "市生态环境局", None, "2025年底前", None, "推进中", None],
        [6, "固废", "建设“无废城市”", "市生态环境局", None, "2025年6月底前", None, "已完成", None],
        [7, "固废", "强化危险废物监管", "市生态环境局", None, "长期坚持", None, "推进中", None],
    ]

    def sheet(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
        taizhang(path, rows, header=header)
        book = openpyxl.load_workbook(path)
        ws = book["台账"]
        ws.merge_cells("B4:B5")  # 大气 spans its two tasks, as offices merge it
        book.save(path)
        return path

    # Two finished tasks without the day they were finished: noted by row, and refused (a
    # problem `rectify check` would name forever after); nothing is written.
    before = (root / "tasks.toml").read_bytes()
    code, out, err = invoke(runner, "import", str(sheet(path, book_rows)))
    assert (code, out) == (2, ""), err
    assert "提示：第4行，完成日期：已完成的任务未填完成日期\n" in err
    assert "提示：第9行，完成日期：已完成的任务未填完成日期\n" in err
    assert err.endswith(
        "错误：任务 1：status（状态）：已完成，但没有 completed_on（完成日期）（另有1个问题）；"
        "未写入任何内容\n"
    )
    assert (root / "tasks.toml").read_bytes() == before

    done = {1: dt.datetime(2025, 9, 20), 6: "2025年6月28日"}
    rows = [[*r, done.get(r[0])] for r in book_rows]
    code, out, err = invoke(runner, "import", str(sheet(path, rows, [*HEADER, "完成时间"])))
    assert (code, out) == (0, ""), err
    assert "台账.xlsx：新增7项任务，更新0项，无变化0项，新增问题方面2个" in err  # 大气 is A1
    assert "提示" not in err
    assert "未导入的列" not in err
    led = load_ledger(root)
    assert [(a.id, a.name) for a in led.aspects] == [("A1", "大气"), ("A2", "水"), ("A3", "固废")]
    tasks = {t.id: t for t in led.tasks}
    assert list(tasks) == ["T1", "1", "2", "3", "4", "5", "6", "7"]
    one = tasks["1"]
    assert (one.aspect, one.title, one.lead) == ("A1", "开展扬尘专项整治", "市住房和城乡建设局")
    assert one.partners == ["市生态环境局", "各县市区"]
    assert one.evidence == ["检查记录.pdf", "通报.docx"]
    assert one.notes == "已完成检查120次"
    assert one.status is Status.DONE
    assert tasks["2"].aspect == "A1"  # from the merged cell
    assert tasks["3"].partners == ["市水利局", "市农业农村局"]
    assert tasks["3"].status is Status.IN_PROGRESS
    assert tasks["4"].status is Status.NOT_STARTED
    assert {i: tasks[i].deadline for i in "123456"} == {
        "1": dt.date(2025, 9, 30),
        "2": dt.date(2025, 9, 30),  # Excel serial 45930
        "3": dt.date(2025, 9, 30),
        "4": dt.date(2025, 9, 30),
        "5": dt.date(2025, 12, 31),
        "6": dt.date(2025, 6, 30),
    }
    assert (tasks["7"].ongoing, tasks["7"].deadline) == (True, None)
    # The existing task and the file's comments are untouched; the new blocks are appended.
    text = (root / "tasks.toml").read_text(encoding="utf-8")
    first_task = MINIMAL_TASKS.index("[[tasks]]")
    assert text.startswith(MINIMAL_TASKS[:first_task].rstrip("\n") + '\n\n[[aspects]]\nid = "A2"\n')
    assert MINIMAL_TASKS[first_task:] in text
    assert '[[tasks]]\nid = "7"\naspect = "A3"\ntitle = "强化危险废物监管"\n' in text
    assert "ongoing = true" in text


def test_bad_rows_are_all_reported_and_nothing_is_written(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger()
    before = (root / "tasks.toml").read_bytes()
    path = taizhang(
        tmp_path / "bad.xlsx",
        [
            [1, "大气", "好的一行", "市生态环境局", None, "2025-09-30", None, "推进中", None],
            [2, "大气", "时限写错", "市生态环境局", None, "明年", None, "推进中", None],
            [3, "大气", "状态写错", "市生态环境局", None, "2025-09-30", None, "搞定了", None],
            [4, "大气", "缺牵头单位", None, None, "2025-09-30", None, "推进中", None],
            [5, "大气", "没有时限", "市生态环境局", None, None, None, "推进中", None],
            [1, "大气", "重复编号", "市生态环境局", None, "2025-09-30", None, "推进中", None],
            ["T1", "大气", "已有编号", "市生态环境局", None, "2025-09-30", None, "推进中", None],
            [8, "大气", "日子不存在", "市生态环境局", None, "2025-02-30", None, "推进中", None],
            [9, "大气", None, "市生态环境局", None, "2025-09-30", None, "推进中", None],
        ],
    )
    code, out, err = invoke_en(runner, "import", str(path))
    assert (code, out) == (2, "")
    assert err == (
        'row 5, 整改时限: cannot read "明年"\n'
        'row 6, 状态: cannot read "搞定了" as a status; use 未启动、推进中、已完成、已销号、已撤销、已合并 '
        "(or not_started, in_progress, done, closed, cancelled, merged)\n"
        "row 7, 牵头单位: missing (required)\n"
        "row 8, 整改时限: empty; an open task needs a deadline or 长期坚持\n"
        "row 9, 序号: 1 is also on row 4\n"
        "row 10, 序号: task T1 already exists; pass --update to update it\n"
        'row 11, 整改时限: cannot read "2025-02-30"\n'
        "row 12, 整改任务: missing (required)\n"
        "bad.xlsx: 8 problems found; nothing was imported.\n"
    )
    assert (root / "tasks.toml").read_bytes() == before
    assert [p.name for p in root.iterdir()] == ["tasks.toml"]


# --------------------------------------------------------------------------- CSV


def test_csv_in_gbk_with_english_headers_and_percentages(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger()
    path = tmp_path / "tasks.csv"
    path.write_bytes(
        (
            "ID,Task,Lead,Deadline,Status,Progress,Notes\r\n"
            "T2,控制工地扬尘,市住房和城乡建设局,2025/12/31,in progress,60%,'=不是公式\r\n"
            "T3,淘汰燃煤锅炉,市生态环境局,2025年3季度,未启动,,\r\n"
        ).encode("gb18030")
    )
    code, _, err = invoke(runner, "import", str(path), "--aspect", "A1")
    assert code == 0, err
    tasks = {t.id: t for t in load_ledger(root).tasks}
    assert (tasks["T2"].progress, tasks["T2"].status) == (60, Status.IN_PROGRESS)
    assert tasks["T2"].notes == "=不是公式"  # export's formula guard taken off again
    assert tasks["T2"].deadline == dt.date(2025, 12, 31)
    assert tasks["T3"].deadline == dt.date(2025, 9, 30)
    assert tasks["T3"].aspect == "A1"


def test_rows_without_an_aspect_need_aspect_and_an_unknown_one_is_an_error(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    make_ledger()
    path = tmp_path / "t.csv"
    path.write_text("编号,整改任务,牵头单位,整改时限\nT2,治理,市局,2025-12-31\n", encoding="utf-8")
    code, _, err = invoke_en(runner, "import", str(path))
    assert code == 2
    assert err.startswith("row 2, 问题方面: empty; pass --aspect ID for rows without an aspect\n")
    code, _, err = invoke_en(runner, "import", str(path), "--aspect", "A9")
    assert code == 2
    assert err == "Error: --aspect: no aspect 'A9' in the ledger; did you mean A1?\n"
    code, _, err = invoke_en(runner, "import", str(path), "--aspect", "大气")  # a name works too
    assert code == 0, err


def test_section_rows_name_the_aspect_of_the_rows_below(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger()
    path = tmp_path / "t.csv"
    path.write_text(
        "序号,整改任务,牵头单位,整改时限\n"
        "一、聚焦守护蓝天发力（2项）,,,\n"
        "1,治理扬尘,市住建局,2025-12-31\n"
        "2,治理柴油货车,市公安局,2025-12-31\n"
        "二、聚焦保卫碧水发力,,,\n"
        "3,整治排污口,市生态环境局,2025-12-31\n",
        encoding="utf-8",
    )
    code, _, err = invoke(runner, "import", str(path))
    assert code == 0, err
    led = load_ledger(root)
    assert [(a.id, a.name) for a in led.aspects][1:] == [
        ("A2", "聚焦守护蓝天发力"),
        ("A3", "聚焦保卫碧水发力"),
    ]
    assert [(t.id, t.aspect) for t in led.tasks][1:] == [("1", "A2"), ("2", "A2"), ("3", "A3")]


# --------------------------------------------------------------------------- --update


def test_update_changes_existing_tasks_in_place_and_logs_what_changed(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger(
        MINIMAL_TASKS.replace('lead = "市生态环境局"', 'lead = "市生态环境局"  # 牵头')
    )
    path = tmp_path / "t.csv"
    path.write_text(
        "编号,整改任务,牵头单位,状态,进度\nT1,治理扬尘,市生态环境局,推进中,80\n", encoding="utf-8"
    )
    code, _, err = invoke(runner, "import", str(path))
    assert code == 2
    assert err.startswith("第2行，编号：任务 T1 已存在；要更新它请加 --update\n")

    code, out, err = invoke(runner, "import", str(path), "--update", "--dry-run")
    assert code == 0, err
    assert out == (
        "更新 T1（第2行）：进度：50 → 80\nt.csv：新增0项任务，更新1项，无变化0项，新增问题方面0个\n"
    )
    assert load_ledger(root).tasks[0].progress == 50

    two_aspects = (
        (root / "tasks.toml")
        .read_text(encoding="utf-8")
        .replace("[[tasks]]", '[[aspects]]\nid = "A2"\nname = "水"\n\n[[tasks]]', 1)
    )
    (root / "tasks.toml").write_text(two_aspects, encoding="utf-8")
    code, _, err = invoke(runner, "import", str(path), "--update", "--aspect", "A2")
    assert code == 0, err
    task = load_ledger(root).tasks[0]
    assert task.progress == 80
    assert task.aspect == "A1"  # --aspect is for rows of new tasks; it never moves a task
    assert task.log[-1].changes == ["progress: 50 → 80"]
    assert task.log[-1].note == "据t.csv导入"
    assert task.log[-1].progress == 80 and task.log[-1].status is None
    text = (root / "tasks.toml").read_text(encoding="utf-8")
    assert 'lead = "市生态环境局"  # 牵头\n' in text  # the hand-written comment survives
    assert "progress = 80\n" in text


def test_dry_run_writes_nothing_and_diff_shows_the_change(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger()
    before = (root / "tasks.toml").read_bytes()
    path = tmp_path / "t.csv"
    path.write_text(
        "编号,问题方面,整改任务,牵头单位,整改时限\nT2,水,整治排污口,市生态环境局,长期坚持\n",
        encoding="utf-8",
    )
    code, out, err = invoke(runner, "import", str(path), "--dry-run", "--diff")
    assert code == 0, err
    assert out.startswith(
        "新增问题方面 A2 水\n新增 T2 整治排污口（第2行；市生态环境局；长期坚持）\n"
    )
    assert '+[[aspects]]\n+id = "A2"\n+name = "水"\n' in out
    assert '+[[tasks]]\n+id = "T2"\n+aspect = "A2"\n' in out
    assert err.endswith("（试运行：未写入任何文件）\n")
    assert (root / "tasks.toml").read_bytes() == before


# An office's own column names, mapped to rectify's fields.
OWN_HEADERS = (
    "--map",
    "任务号=id",
    "--map",
    "工作内容=title",
    "--map",
    "主办处室=lead",
    "--map",
    "完成时限=deadline",
)


def test_map_names_unknown_columns_and_skips_others(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger()
    path = tmp_path / "t.csv"
    path.write_text(
        "任务号,工作内容,主办处室,完成时限,审核意见\nT2,治理扬尘,市住建局,2025-12-31,123\n",
        encoding="utf-8",
    )
    code, _, err = invoke_en(runner, "import", str(path), "-a", "A1")
    assert code == 2
    assert "no header row found" in err
    code, _, err = invoke(
        runner,
        "import",
        str(path),
        "-a",
        "A1",
        *OWN_HEADERS,
    )
    assert code == 0, err
    assert "未导入的列：审核意见" in err
    code, _, err = invoke(
        runner,
        "import",
        str(path),
        "-a",
        "A1",
        "--update",
        "--map",
        "审核意见=skip",
        *OWN_HEADERS,
    )
    assert code == 0, err
    assert "未导入的列" not in err
    assert load_ledger(root).tasks[1].title == "治理扬尘"
    code, _, err = invoke_en(runner, "import", str(path), "--map", "x=titel")
    assert code == 2
    assert err.startswith("Error: --map \"x=titel\": no field 'titel'; did you mean title?")


def test_xlsx_import_without_openpyxl_says_how_to_install_it(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_ledger()
    path = taizhang(tmp_path / "t.xlsx", [])
    real_import = builtins.__import__

    def no_openpyxl(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "openpyxl" or name.startswith("openpyxl."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    code, _, err = invoke_en(runner, "import", str(path))
    assert code == 2
    assert err == "Error: xlsx needs openpyxl: pip install 'rectify[excel]'\n"


def test_unreadable_files_are_clear_errors(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    make_ledger()
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "fake.xlsx").write_text("not a zip", encoding="utf-8")
    cases = {
        "old.xls": "an old .xls workbook; open it in Excel and save it as .xlsx",
        "fake.xlsx": "not a readable xlsx workbook",
        "missing.csv": "file not found",
    }
    for name, message in cases.items():
        code, _, err = invoke_en(runner, "import", str(tmp_path / name))
        assert code == 2, name
        assert err.startswith("Error: ") and message in err, err


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2025, 9, 30, 0, 0), dt.date(2025, 9, 30)),
        (dt.date(2025, 9, 30), dt.date(2025, 9, 30)),
        (45930, dt.date(2025, 9, 30)),
        (45930.0, dt.date(2025, 9, 30)),
        ("45930", dt.date(2025, 9, 30)),
        ("2025-09-30", dt.date(2025, 9, 30)),
        ("2025/9/30", dt.date(2025, 9, 30)),
        ("2025.9.30", dt.date(2025, 9, 30)),
        ("2025年9月30日", dt.date(2025, 9, 30)),
        ("2025年9月30日前", dt.date(2025, 9, 30)),
        ("２０２５年９月３０日", dt.date(2025, 9, 30)),
        ("2025年底前", dt.date(2025, 12, 31)),
        ("2025年年底", dt.date(2025, 12, 31)),
        ("2025年", dt.date(2025, 12, 31)),
        ("2025年6月底前", dt.date(2025, 6, 30)),
        ("2024年2月", dt.date(2024, 2, 29)),
        ("2025年上半年", dt.date(2025, 6, 30)),
        ("2025年第三季度", dt.date(2025, 9, 30)),
        ("长期坚持", "ongoing"),
        (" 长期 ", "ongoing"),
        (None, None),
        ("", None),
    ],
)
def test_deadline_cells(cell: Any, expected: Any) -> None:
    assert date_value(cell, deadline=True) == expected


@pytest.mark.parametrize(
    "cell", ["明年", "2025-13-01", "2025年13月", "长期坚持x", "9/30", True, 12]
)
def test_unreadable_deadlines(cell: Any) -> None:
    with pytest.raises(CellError):
        date_value(cell, deadline=True)


def test_ongoing_is_only_a_deadline() -> None:
    with pytest.raises(CellError, match='cannot read "长期坚持"'):
        date_value("长期坚持")


@pytest.mark.parametrize(
    ("cell", "fmt", "expected"),
    [
        (60, None, 60),
        (0.6, "0%", 60),
        (60, '0"%"', 60),
        ("60%", None, 60),
        ("６０", None, 60),
        (None, None, None),
    ],
)
def test_progress_cells(cell: Any, fmt: str | None, expected: int | None) -> None:
    assert progress_value(cell, fmt) == expected


@pytest.mark.parametrize("cell", ["过半", 120, -1, 50.5, "50.5%"])
def test_bad_progress(cell: Any) -> None:
    with pytest.raises(CellError):
        progress_value(cell)


def test_status_and_list_cells() -> None:
    assert status_value("已完成") is Status.DONE
    assert status_value("In Progress") is Status.IN_PROGRESS
    assert status_value("") is None
    with pytest.raises(CellError, match="as a status"):
        status_value("差不多了")
    assert list_value("市水利局、各县市区", "partners") == ["市水利局", "各县市区"]
    assert list_value("建设A、B两座厂站；完成验收", "measures") == ["建设A、B两座厂站", "完成验收"]
    assert list_value("'=x\n'-y", "evidence") == ["=x", "-y"]


def test_two_level_header_rows_are_understood(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    root = make_ledger()
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["序号", "整改任务", "责任单位", None, "整改时限"])
    ws.append([None, None, "牵头单位", "配合单位", None])
    ws.merge_cells("C1:D1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("E1:E2")
    ws.append(["T2", "整治排污口", "市生态环境局", "市水利局、各县市区", "2025年底前"])
    book.save(tmp_path / "two.xlsx")
    code, _, err = invoke(runner, "import", "two.xlsx", "--aspect", "A1")
    assert code == 0, err
    task = load_ledger(root).tasks[1]
    assert (task.id, task.lead, task.partners) == ("T2", "市生态环境局", ["市水利局", "各县市区"])
    assert task.deadline == dt.date(2025, 12, 31)


def test_bad_log_rows_name_their_sheet(runner: CliRunner, sample: Path, tmp_path: Path) -> None:
    assert invoke(runner, "export", "--out", "s.xlsx")[0] == 0
    book = openpyxl.load_workbook("s.xlsx")
    book["整改记录"]["B2"] = "某天"
    book["整改任务"]["I3"] = "明年"
    book.save("s.xlsx")
    empty = tmp_path / "empty"
    assert invoke(runner, "init", str(empty))[0] == 0
    code, _, err = invoke(runner, "import", "s.xlsx", "--ledger", str(empty))
    assert code == 2
    # The problems, then the count (worded by the CLI) under them.
    assert err.startswith(
        "整改任务：第3行，整改时限：无法识别“明年”\n整改记录：第2行，日期：无法识别“某天”\ns.xlsx"
    )
    assert err.count("\n") == 3


def test_core_appends_to_a_file_without_final_newline_and_keeps_a_bom(
    make_ledger: MakeLedger,
) -> None:
    from rectify_cli.edit_import import import_tasks
    from rectify_cli.models import Aspect, Task
    from rectify_cli.records import of

    root = make_ledger(b"\xef\xbb\xbf" + MINIMAL_TASKS.rstrip("\n").encode("utf-8") + b"  # end")
    new = Task(id="T2", aspect="A2", title="新", lead="市局", ongoing=True)
    done = import_tasks(root, [Aspect(id="A2", name="水")], [new], [])
    assert done.written
    raw = (root / "tasks.toml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf[ledger]")
    assert b"progress = 50  # end\n" in raw
    led = load_ledger(root)
    assert [a.id for a in led.aspects] == ["A1", "A2"]
    assert led.tasks[-1] == of(new)


def test_import_waits_for_the_lock_and_then_refuses(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filelock import FileLock

    from rectify_cli import edit

    root = make_ledger()
    before = (root / "tasks.toml").read_bytes()
    path = tmp_path / "t.csv"
    path.write_text("编号,整改任务,牵头单位,整改时限\nT2,治理,市局,2025-12-31\n", encoding="utf-8")
    monkeypatch.setattr(edit, "LOCK_TIMEOUT", 0.05)
    with FileLock(str(edit.lock_path(root / "tasks.toml"))):
        code, _, err = invoke(runner, "import", str(path), "-a", "A1")
    assert code == 2
    assert "正由另一个 rectify 更新" in err and "未写入任何内容" in err
    assert (root / "tasks.toml").read_bytes() == before
