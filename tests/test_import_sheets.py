"""`rectify import` reads what a person sees: the visible sheets (a hidden one only when named),
and no cell that shows no data: Excel error values and formulas without a saved value are
refused by cell, never imported as text and never skipped."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from rectify_cli.store import load_ledger
from tests.conftest import invoke, invoke_en

MakeLedger = Callable[..., Path]

HEADER = ["序号", "整改任务", "牵头单位", "整改时限", "进度"]
ROW = ["T50", "治理工地扬尘", "市住房城乡建设局", "2025-12-31", 40]
COLUMN = {"title": "B", "lead": "C", "deadline": "D", "progress": "E"}  # the cell, row 2
ERRORS = [
    "#REF!",
    "#N/A",
    "#VALUE!",
    "#DIV/0!",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def workbook(path: Path, *sheets: tuple[str, str, list[list[Any]]]) -> Path:
    """A workbook of (name, state, rows) sheets, in order; the header row is first."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for name, state, rows in sheets:
        ws = book.create_sheet(name)
        for row in [HEADER, *rows]:
            ws.append(row)
        ws.sheet_state = state
    book.active = next(i for i, (_, s, _) in enumerate(sheets) if s == "visible")
    book.save(path)
    return path


def excel_cell(path: Path, ref: str, xml: str) -> None:
    """Write cell `ref` of the first sheet as Excel saves it (`xml` is the whole `<c>`
    element): a formula with its cached value or error, which openpyxl cannot write."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    part = "xl/worksheets/sheet1.xml"
    text, count = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, parts[part].decode())
    assert count == 1, f"no cell {ref}"
    parts[part] = text.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def untouched(root: Path) -> Callable[[], None]:
    """A check that every file of the ledger folder is byte for byte as it is now."""

    def files() -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    before = files()

    def check() -> None:
        assert files() == before

    return check


def ids(root: Path) -> list[str]:
    return [t.id for t in load_ledger(root).tasks]


# --------------------------------------------------------------------------- hidden sheets


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_before_the_visible_one_is_not_read(
    runner: CliRunner, make_ledger: MakeLedger, state: str
) -> None:
    root = make_ledger()
    old = ["T40", "去年的任务", "市生态环境局", "2024-12-31", 100]
    workbook(Path("t.xlsx"), ("旧台账", state, [old]), ("台账", "visible", [ROW]))
    code, out, err = invoke_en(runner, "import", "t.xlsx", "--aspect", "A1")
    assert (code, out) == (0, ""), err
    assert ids(root) == ["T1", "T50"]
    assert "旧台账" not in err


def test_a_hidden_log_sheet_is_not_read_either(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    assert invoke(runner, "export", "--out", "s.xlsx")[0] == 0
    book = openpyxl.load_workbook("s.xlsx")
    book["整改记录"]["B2"] = "某天"  # unreadable: read, it would refuse the import
    book["整改记录"].sheet_state = "hidden"
    book.save("s.xlsx")
    empty = tmp_path / "empty"
    assert invoke(runner, "init", str(empty))[0] == 0
    code, _, err = invoke(runner, "import", "s.xlsx", "--ledger", str(empty))
    assert code == 0, err
    assert all(t.log == [] for t in load_ledger(empty).tasks)


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_alone_with_headers_is_named_and_read_with_sheet(
    runner: CliRunner, make_ledger: MakeLedger, state: str
) -> None:
    root = make_ledger()
    unchanged = untouched(root)
    path = Path("t.xlsx")

    def make(hidden_state: str) -> None:
        book = openpyxl.Workbook()
        cover = book.active
        assert cover is not None
        cover.title = "说明"
        cover.append(["本表由市生态环境局填报"])
        tasks = book.create_sheet("旧 台账")
        for row in [HEADER, ROW]:
            tasks.append(row)
        tasks.sheet_state = hidden_state
        book.save(path)

    make(state)
    code, out, en = invoke_en(runner, "import", str(path), "--aspect", "A1")
    assert (code, out) == (2, "")
    assert en == (
        "Error: t.xlsx: no header row found in the visible sheets; the hidden sheet '旧 台账' "
        'has one: unhide it in Excel, or import it with --sheet "旧 台账"\n'
    )
    code, out, zh = invoke(runner, "import", str(path), "--aspect", "A1")
    assert (code, out) == (2, "")
    assert zh == (
        "错误：t.xlsx：可见的工作表中找不到表头行；隐藏的工作表 '旧 台账' 中有表头："
        '请在 Excel 中取消隐藏，或加 --sheet "旧 台账" 导入它\n'
    )
    unchanged()

    # Named, it is read as if it were visible: nothing odd is said.
    args = ("import", str(path), "--aspect", "A1", "--sheet", "旧 台账", "--dry-run")
    hidden = invoke_en(runner, *args)
    make("visible")
    shown = invoke_en(runner, *args)
    assert hidden == shown
    assert hidden[0] == 0 and "T50" in hidden[1]
    make(state)
    code, _, err = invoke(runner, *args[:-1])
    assert code == 0, err
    assert ids(root) == ["T1", "T50"]


# --------------------------------------------------------------------------- error values


@pytest.mark.parametrize("field", list(COLUMN))
@pytest.mark.parametrize("code", ERRORS)
def test_an_error_value_in_an_imported_cell_is_refused(
    runner: CliRunner, make_ledger: MakeLedger, code: str, field: str
) -> None:
    root = make_ledger()
    unchanged = untouched(root)
    path = workbook(Path("t.xlsx"), ("台账", "visible", [ROW]))
    ref = f"{COLUMN[field]}2"
    # As Excel saves a formula that failed: its error as the cell's value, type "e".
    excel_cell(path, ref, f'<c r="{ref}" t="e"><f>VLOOKUP(A2,其他!A:B,2,0)</f><v>{code}</v></c>')
    header = HEADER["ABCDE".index(COLUMN[field])]
    code_, out, err = invoke_en(runner, "import", str(path), "--aspect", "A1")
    assert (code_, out) == (2, "")
    assert err == (
        f"row 2, {header}: {code} is an Excel error value (a formula that failed), not data; "
        "correct the cell in Excel and import again\n"
        "t.xlsx: 1 problem found; nothing was imported.\n"
    )
    unchanged()


def test_error_values_are_refused_under_update_and_all_at_once_in_chinese(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    root = make_ledger()
    unchanged = untouched(root)
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "台账"
    rows: list[list[Any]] = [
        [*HEADER, "审核意见"],
        ["T1", "#REF!", "市生态环境局", "2025-12-31", 60, "#N/A"],  # not imported
        ["T2", "治理工地扬尘", "#N/A", "#VALUE!", "#DIV/0!"],
    ]
    for row in rows:
        ws.append(row)  # openpyxl stores these texts as error values, as Excel would
    book.save("t.xlsx")
    code, out, err = invoke(runner, "import", "t.xlsx", "--aspect", "A1", "--update")
    assert (code, out) == (2, "")
    tail = "是 Excel 的错误值（公式计算出错），不是数据；请在 Excel 中改正该单元格后重新导入"
    assert err == (
        f"第2行，整改任务：#REF! {tail}\n"
        f"第3行，牵头单位：#N/A {tail}\n"
        f"第3行，整改时限：#VALUE! {tail}\n"
        f"第3行，进度：#DIV/0! {tail}\n"
        "t.xlsx：发现4个问题，未导入任何内容。\n"
    )
    unchanged()


def test_an_error_value_on_a_log_sheet_names_the_sheet(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    assert invoke(runner, "export", "--out", "s.xlsx")[0] == 0
    book = openpyxl.load_workbook("s.xlsx")
    book["整改记录"]["D2"] = "#NAME?"
    book.save("s.xlsx")
    empty = tmp_path / "empty"
    assert invoke(runner, "init", str(empty))[0] == 0
    unchanged = untouched(empty)
    code, _, err = invoke_en(runner, "import", "s.xlsx", "--ledger", str(empty))
    assert code == 2
    header = book["整改记录"]["D1"].value
    assert err.startswith(f"整改记录: row 2, {header}: #NAME? is an Excel error value")
    unchanged()


@pytest.mark.parametrize("code", ERRORS)
def test_a_csv_cell_reading_an_error_value_is_refused(
    runner: CliRunner, make_ledger: MakeLedger, code: str
) -> None:
    root = make_ledger()
    unchanged = untouched(root)
    Path("t.csv").write_text(
        f"编号,整改任务,牵头单位,整改时限\nT50,{code},市生态环境局,2025-12-31\n"
        f"T51,治理扬尘,市生态环境局, {code} \n",
        encoding="utf-8",
    )
    exit_code, out, err = invoke_en(runner, "import", "t.csv", "--aspect", "A1")
    assert (exit_code, out) == (2, "")
    tail = "is an Excel error value (a formula that failed), not data"
    assert err.startswith(f"row 2, 整改任务: {code} {tail}")
    assert f"\nrow 3, 整改时限: {code} {tail}" in err
    assert err.endswith("t.csv: 2 problems found; nothing was imported.\n")
    unchanged()


def test_formulas_with_saved_values_are_read_as_their_values(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    root = make_ledger()
    path = workbook(Path("t.xlsx"), ("台账", "visible", [ROW]))
    excel_cell(path, "B2", '<c r="B2" t="str"><f>"治理"&amp;"扬尘"</f><v>治理扬尘</v></c>')
    excel_cell(path, "E2", '<c r="E2"><f>20*2</f><v>40</v></c>')
    # A formula giving "" is saved as an empty string: an empty cell, not a missing value.
    excel_cell(
        path, "C2", '<c r="C2" t="str"><f>IF(1,"市生态环境局","")</f><v>市生态环境局</v></c>'
    )
    code, _, err = invoke_en(runner, "import", str(path), "--aspect", "A1")
    assert code == 0, err
    task = load_ledger(root).tasks[1]
    assert (task.title, task.lead, task.progress) == ("治理扬尘", "市生态环境局", 40)


def test_a_formula_giving_an_empty_string_is_an_empty_cell(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    root = make_ledger()
    path = workbook(Path("t.xlsx"), ("台账", "visible", [["T1", "x", None, None, 70]]))
    excel_cell(path, "B2", '<c r="B2" t="str"><f>IF(1,"","x")</f><v></v></c>')
    code, _, err = invoke_en(runner, "import", str(path), "--update")
    assert code == 0, err
    task = load_ledger(root).tasks[0]
    assert (task.title, task.progress) == ("治理扬尘", 70)


# --------------------------------------------------------------------------- no saved value


NO_VALUE_EN = (
    "formula with no saved value (the file was written by a program, not saved by Excel); "
    "open the file in Excel and save it"
)
NO_VALUE_ZH = (
    "公式没有保存的计算结果（文件由程序生成，未经 Excel 保存）；请在 Excel 中打开该文件并保存"
)


def test_a_formula_without_a_saved_value_in_a_new_row_is_refused(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    root = make_ledger()
    unchanged = untouched(root)
    # openpyxl writes a formula with an empty value: what a program leaves before Excel
    # has computed it.
    rows = [["T50", '="治理"&"扬尘"', "市生态环境局", "2025-12-31", "=20*2"]]
    path = workbook(Path("t.xlsx"), ("台账", "visible", rows))
    code, out, err = invoke_en(runner, "import", str(path), "--aspect", "A1")
    assert (code, out) == (2, "")
    assert err == (
        f"row 2, 整改任务: {NO_VALUE_EN}\nrow 2, 进度: {NO_VALUE_EN}\n"
        "t.xlsx: 2 problems found; nothing was imported.\n"
    )
    code, out, err = invoke(runner, "import", str(path), "--aspect", "A1")
    assert (code, out) == (2, "")
    assert err == (
        f"第2行，整改任务：{NO_VALUE_ZH}\n第2行，进度：{NO_VALUE_ZH}\n"
        "t.xlsx：发现2个问题，未导入任何内容。\n"
    )
    unchanged()


@pytest.mark.parametrize("field", list(COLUMN))
def test_a_formula_without_a_saved_value_is_refused_under_update(
    runner: CliRunner, make_ledger: MakeLedger, field: str
) -> None:
    root = make_ledger()
    unchanged = untouched(root)
    row: list[Any] = ["T1", "治理扬尘", "市生态环境局", "2025-12-31", 80]
    path = workbook(Path("t.xlsx"), ("台账", "visible", [row]))
    ref = f"{COLUMN[field]}2"
    # Some programs leave out the value element altogether.
    excel_cell(path, ref, f'<c r="{ref}"><f>其他!B2</f></c>')
    header = HEADER["ABCDE".index(COLUMN[field])]
    code, out, err = invoke_en(runner, "import", str(path), "--update")
    assert (code, out) == (2, "")
    assert err == (
        f"row 2, {header}: {NO_VALUE_EN}\nt.xlsx: 1 problem found; nothing was imported.\n"
    )
    unchanged()


def test_a_formula_in_a_column_not_imported_is_no_problem(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    root = make_ledger()
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    rows: list[list[Any]] = [[*HEADER, "审核意见"], [*ROW, "=A1"]]
    for row in rows:
        ws.append(row)
    book.save("t.xlsx")
    code, _, err = invoke_en(runner, "import", "t.xlsx", "--aspect", "A1")
    assert code == 0, err
    assert ids(root) == ["T1", "T50"]


def test_an_error_value_as_an_id_or_an_aspect_is_reported_once(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    root = make_ledger()
    unchanged = untouched(root)
    Path("t.csv").write_text(
        "编号,问题方面,整改任务,牵头单位,整改时限\n"
        "#REF!,大气,治理扬尘,市生态环境局,2025-12-31\n"
        "T51,#N/A,治理扬尘,市生态环境局,2025-12-31\n",
        encoding="utf-8",
    )
    code, out, err = invoke_en(runner, "import", "t.csv")
    assert (code, out) == (2, "")
    tail = "is an Excel error value (a formula that failed), not data; correct the cell in Excel"
    assert err == (
        f"row 2, 编号: #REF! {tail} and import again\n"
        f"row 3, 问题方面: #N/A {tail} and import again\n"
        "t.csv: 2 problems found; nothing was imported.\n"
    )
    unchanged()
