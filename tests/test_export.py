"""`rectify export`: xlsx and CSV with typed cells, neutralised formulas, no clobbering."""

from __future__ import annotations

import builtins
import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from rectify_cli.render import excel
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en

MakeLedger = Callable[..., Path]

INJECTION = (
    MINIMAL_TASKS.replace('title = "治理扬尘"', 'title = "=HYPERLINK(\\"http://x\\",\\"y\\")"')
    .replace('lead = "市生态环境局"', 'lead = "@SUM(1+1)"')
    .replace("progress = 50", 'progress = 50\npartners = ["+cmd", "ok"]\nnotes = "-2+3"')
)


def sheet_rows(path: Path, name: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path)
    return [tuple(r) for r in book[name].iter_rows(values_only=True)]


def test_xlsx_has_three_sheets_chinese_headers_typed_cells_and_a_frozen_header(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    out = tmp_path / "台账.xlsx"
    code, stdout, err = invoke(runner, "export", "--out", str(out))
    assert (code, stdout) == (0, "")
    assert err.startswith("已导出24项任务、30项指标：")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "整改任务",
        "整改记录",
        "指标",
        "指标历史",
        "台账信息",
        "问题方面",
        "信访件",
        "信访记录",
    ]
    ws = book["整改任务"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:4] == ["编号", "问题方面编号", "问题方面", "整改任务"]
    assert header[5:12] == [
        "牵头单位",
        "配合单位",
        "开始日期",
        "整改时限",
        "状态",
        "进度",
        "完成日期",
    ]
    assert ws.max_row == 25
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    t01, t07 = rows["T01"], rows["T07"]
    assert t01[2].value == "生态思维提升"
    assert t01[6].value == "市委党校\n各县市区"  # a list: one item per line
    assert t01[9].value == "已完成"
    assert (t01[10].value, t01[10].data_type) == (100, "n")
    assert t01[11].value == dt.datetime(2025, 9, 30)
    assert (t01[11].data_type, t01[11].number_format) == ("d", "yyyy-mm-dd")
    assert t07[8].value == "长期坚持"
    assert t07[10].value is None  # progress not reported stays empty, not 0
    assert ws.column_dimensions["D"].width == 40
    assert sheet_rows(out, "整改记录")[0] == (
        "任务编号",
        "日期",
        "类型",  # 延期 (postponed) entries read back as such
        "状态",
        "进度",
        "说明",
        "记录人",
        "变更",
    )
    assert len(sheet_rows(out, "整改记录")) == 1 + sum(len(t.log) for t in load_ledger().tasks)
    indicators = book["指标"]
    assert indicators.max_row == 31
    by_id = {r[0].value: r for r in indicators.iter_rows(min_row=2)}
    assert by_id["pm25"][6].value == 30
    decimals = [r for r in by_id.values() if r[6].number_format == "0.0000"]
    assert len(decimals) == 1  # the one value published as 5.6360


def test_english_headers_and_status_keys(runner: CliRunner, sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    code, _, err = invoke(runner, "export", "--out", str(out), "--lang", "en")
    assert code == 0, err
    assert err == f"Exported 24 tasks and 30 indicators: {out.as_posix()}\n"
    rows = sheet_rows(out, "Tasks")
    assert rows[0][:4] == ("ID", "Aspect ID", "Aspect", "Task")
    assert {r[9] for r in rows[1:]} == {"done", "in_progress"}
    assert {r[8] for r in rows[1:]} == {None, "ongoing"}


def test_formula_injection_is_neutralised_in_every_text_cell(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    make_ledger(INJECTION)
    out = tmp_path / "x.xlsx"
    assert invoke(runner, "export", "--out", str(out))[0] == 0
    ws = openpyxl.load_workbook(out)["整改任务"]
    row = {ws.cell(1, c.column or 1).value: c for c in ws[2]}
    for header, expected in [
        ("整改任务", '\'=HYPERLINK("http://x","y")'),
        ("牵头单位", "'@SUM(1+1)"),
        ("配合单位", "'+cmd\nok"),
        ("备注", "'-2+3"),
    ]:
        cell = row[header]
        assert (cell.value, cell.data_type) == (expected, "s"), header
    assert not any(c.data_type == "f" for r in ws.iter_rows() for c in r)


def test_csv_files_have_a_bom_crlf_rows_and_neutralised_formulas(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    make_ledger(INJECTION)
    out = tmp_path / "台账.csv"
    code, _, err = invoke(runner, "export", "--out", str(out))
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.glob("台账*.csv"))
    # History and petition files only where there are some.
    assert names == [
        "台账-aspects.csv",
        "台账-indicators.csv",
        "台账-ledger.csv",
        "台账-log.csv",
        "台账.csv",
    ]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\r\r\n" not in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["整改任务"] == '\'=HYPERLINK("http://x","y")'
    assert record["整改时限"] == "2025-12-31"
    assert record["进度"] == "50"
    assert record["状态"] == "推进中"
    indicators = (tmp_path / "台账-indicators.csv").read_bytes().decode("utf-8-sig")
    assert indicators.splitlines()[0].startswith("编号,指标名称,")


def test_existing_files_are_refused_unless_force(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    (tmp_path / "t-log.csv").write_text("keep", encoding="utf-8")
    code, _, err = invoke_en(runner, "export", "--out", str(tmp_path / "t.csv"))
    assert code == 2
    assert (
        err
        == f"Error: {(tmp_path / 't-log.csv').as_posix()}: already exists; pass --force to replace it\n"
    )
    # All or nothing: not even the tasks file was written.
    assert not (tmp_path / "t.csv").exists()
    assert (tmp_path / "t-log.csv").read_text(encoding="utf-8") == "keep"
    code, _, err = invoke(runner, "export", "--out", str(tmp_path / "t.csv"), "--force")
    assert code == 0, err
    assert (tmp_path / "t-log.csv").read_text(encoding="utf-8-sig").startswith("任务编号,")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_format_comes_from_the_suffix_or_the_option(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    code, _, err = invoke_en(runner, "export", "--out", str(tmp_path / "t.txt"))
    assert code == 2
    assert "pass --format xlsx or --format csv" in err
    code, _, err = invoke(runner, "export", "--out", str(tmp_path / "t.txt"), "-f", "xlsx")
    assert code == 0, err
    with (tmp_path / "t.txt").open("rb") as f:
        assert openpyxl.load_workbook(f).sheetnames[0] == "整改任务"


def test_missing_openpyxl_says_how_to_install_it(
    runner: CliRunner, sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_openpyxl(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "openpyxl" or name.startswith("openpyxl."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    code, out, err = invoke_en(runner, "export", "--out", str(tmp_path / "t.xlsx"))
    assert (code, out) == (2, "")
    assert err == "Error: xlsx needs openpyxl: pip install 'rectify[excel]'\n"
    assert not (tmp_path / "t.xlsx").exists()
    # CSV needs nothing extra.
    assert invoke_en(runner, "export", "--out", str(tmp_path / "t.csv"))[0] == 0


def test_text_cells_show_control_characters_instead_of_breaking_the_file(
    runner: CliRunner, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    make_ledger(MINIMAL_TASKS.replace('title = "治理扬尘"', 'title = "治理\\u0007扬尘\\u001b[31m"'))
    out = tmp_path / "c.xlsx"
    code, _, err = invoke(runner, "export", "--out", str(out))
    assert code == 0, err
    assert sheet_rows(out, "整改任务")[1][3] == "治理\\x07扬尘\\x1b[31m"


def test_text_cell_helper() -> None:
    assert excel.text_cell("=1+1") == "'=1+1"
    assert excel.text_cell("普通文本") == "普通文本"
    assert excel.text_cell("-") == "'-"
