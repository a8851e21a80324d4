"""`rectify import` speaks the ledger's language: every problem, refusal and note worded in
Chinese on a Chinese ledger (no English left but ids, file names, options and field keys),
and as before with `--lang en`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from rectify_cli.cells import (
    CellError,
    count_value,
    date_value,
    excel_serial,
    progress_value,
    status_value,
)
from rectify_cli.columns import TASK_COLUMNS
from rectify_cli.errors import LedgerNotFound
from rectify_cli.i18n import speak
from rectify_cli.importer import ImportInvalid, ImportOptions, plan_import
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en

MakeLedger = Callable[..., Path]
HEAD = "编号,整改任务,牵头单位,整改时限"

# What a Chinese message may still spell in Latin letters: what the user wrote, quoted
# back; file names and the formats named by them (xlsx, CSV); --options; field keys (alone
# or as `key（中文）`); ids such as T1, A1 or pm25; and the command to run.
_FIELDS = sorted({c.field for c in TASK_COLUMNS} | {"skip"}, key=len, reverse=True)
_ALLOWED = [
    re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”"),
    re.compile(r"[\w./-]*\.(?:csv|xlsx|xls|ods|toml)\b"),
    re.compile(r"\b(?:xlsx|CSV|Excel)\b"),
    re.compile(r"--[a-z][a-z-]*"),
    re.compile(r"rectify check"),
    re.compile(r"\b[A-Za-z]+\d+\b"),
    re.compile(r"\b(?:" + "|".join(_FIELDS) + r")\b"),
]
_WORD = re.compile(r"[A-Za-z]{3,}")


def english_words(text: str) -> list[str]:
    for pattern in _ALLOWED:
        text = pattern.sub(" ", text)
    return _WORD.findall(text)


def assert_chinese(text: str) -> None:
    assert text.strip(), "no message"
    assert english_words(text) == [], text
    assert re.search(r"[\u4e00-\u9fff]", text), text


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def csv_file(name: str, *rows: str, head: str = HEAD) -> Path:
    path = Path(name)
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return path


def problems(err: str) -> list[str]:
    """The problem lines, without the count the CLI writes under them."""
    lines = err.splitlines()
    assert len(lines) >= 2, err
    return lines[:-1]


def both(runner: CliRunner, *args: str) -> tuple[str, str]:
    """stderr of a failing import in the ledger's language (Chinese) and in English."""
    code, out, zh = invoke(runner, "import", *args)
    assert (code, out) == (2, ""), zh
    code, out, en = invoke_en(runner, "import", *args)
    assert (code, out) == (2, ""), en
    return zh, en


def test_the_selfcheck_spots_english() -> None:
    assert english_words("t.csv：第2行，编号：cannot read") == ["cannot", "read"]
    assert english_words("第2行，整改时限：无法识别“next year”") == []
    assert english_words("--aspect：台账中没有问题方面 'A9'；已有方面：A1") == []
    assert english_words("deadline（整改时限）：无法识别“明年”") == []


# --------------------------------------------------------------------------- the file


def test_file_not_found(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger()
    zh, en = both(runner, "missing.csv")
    assert zh == "错误：missing.csv：文件不存在\n"
    assert en == "Error: missing.csv: file not found\n"


def test_a_folder_an_old_xls_and_another_kind_of_file(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger()
    Path("folder.csv").mkdir()
    Path("old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    Path("t.ods").write_bytes(b"PK")
    Path("fake.xlsx").write_text("not a zip", encoding="utf-8")
    cases = {
        "folder.csv": (
            "folder.csv：是文件夹，不是电子表格",
            "folder.csv: is a folder, not a spreadsheet",
        ),
        "old.xls": (
            "old.xls：这是旧版 .xls 工作簿；请在 Excel 中打开并另存为 .xlsx",
            "old.xls: an old .xls workbook; open it in Excel and save it as .xlsx",
        ),
        "t.ods": ("t.ods：只能导入 .xlsx 或 .csv 文件", "t.ods: import reads .xlsx or .csv files"),
        "fake.xlsx": (
            "fake.xlsx：不是可读取的 xlsx 工作簿",
            "fake.xlsx: not a readable xlsx workbook",
        ),
    }
    for name, (zh_text, en_text) in cases.items():
        zh, en = both(runner, name)
        assert zh.startswith("错误：" + zh_text), zh
        assert_chinese(zh.removeprefix("错误："))
        assert en.startswith("Error: " + en_text), en


def test_no_sheet(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger()
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "台账"
    book.create_sheet("说明")
    book.save("t.xlsx")
    zh, en = both(runner, "t.xlsx", "--sheet", "汇总")
    assert zh == "错误：t.xlsx：没有工作表 '汇总'；已有工作表：台账、说明\n"
    assert en == "Error: t.xlsx: no sheet '汇总'; sheets: 台账, 说明\n"


def test_no_header_row_and_no_column(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger()
    csv_file("bad.csv", "1,2", head="a,b")
    zh, en = both(runner, "bad.csv")
    assert zh.startswith("错误：bad.csv：找不到表头行（要找的是含有编号/序号、整改任务/问题、")
    assert "无法识别的列名请用 --map 列名=字段 指定" in zh
    assert_chinese(zh.removeprefix("错误："))
    assert en.startswith("Error: bad.csv: no header row found (looked for a row with two or more")

    csv_file("cols.csv", "T2,2025-12-31", head="编号,整改时限")
    zh, en = both(runner, "cols.csv")
    assert zh == (
        "错误：cols.csv：缺少列：整改任务（title）、牵头单位（lead）；现有表头为：编号、整改时限；"
        "请用 --map 列名=字段 指定\n"
    )
    assert_chinese(zh.removeprefix("错误："))
    assert en == (
        "Error: cols.csv: no column for 整改任务 (title), 牵头单位 (lead); the headers are "
        "编号, 整改时限; name one with --map COLUMN=field\n"
    )


def test_map_written_wrong(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger()
    csv_file("t.csv", "T2,治理,市局,2025-12-31")
    zh, en = both(runner, "t.csv", "--map", "责任人")
    assert zh == '错误：--map "责任人"：请写成 列名=字段，例如 主办处室=lead\n'
    assert en == 'Error: --map "责任人": write it as COLUMN=field, e.g. 主办处室=lead\n'
    zh, en = both(runner, "t.csv", "--map", "x=titel")
    assert zh.startswith(
        "错误：--map \"x=titel\"：没有字段 'titel'；是不是 title？；可用的字段：id、aspect、"
    )
    assert zh.endswith("、notes、leader、owner、phone、merged_into，或 skip\n")
    assert_chinese(zh.removeprefix("错误："))
    assert en.startswith("Error: --map \"x=titel\": no field 'titel'; did you mean title?; ")
    assert en.endswith(", notes, leader, owner, phone, merged_into, or skip\n")


def test_aspect_unknown(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(
        MINIMAL_TASKS.replace("[[tasks]]", '[[aspects]]\nid = "A2"\nname = "水"\n\n[[tasks]]')
    )
    csv_file("t.csv", "T2,治理,市局,2025-12-31")
    zh, en = both(runner, "t.csv", "--aspect", "ZZ")
    assert zh == "错误：--aspect：台账中没有问题方面 'ZZ'；已有方面：A1、A2\n"
    assert en == "Error: --aspect: no aspect 'ZZ' in the ledger; known aspects: A1, A2\n"


# --------------------------------------------------------------------------- the rows


def test_bad_rows(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger()
    csv_file(
        "t.csv",
        "T2,时限写错,市局,明年,,",
        "T3,进度太大,市局,2025-12-31,,120",
        "T4,进度带小数,市局,2025-12-31,,50.5",
        "T5,状态写错,市局,2025-12-31,搞定了,",
        "T2,重复编号,市局,2025-12-31,,",
        "T1,已有编号,市局,2025-12-31,,",
        ",没有编号,市局,2025-12-31,,",
        "T8,没有时限,市局,,,",
        "T9,日子不存在,市局,2025-02-30,,",
        head=HEAD + ",状态,进度",
    )
    zh, en = both(runner, "t.csv", "--aspect", "A1")
    assert problems(zh) == [
        "第2行，整改时限：无法识别“明年”",
        "第3行，进度：120 不在 0 到 100 之间",
        "第4行，进度：50.5 不是 0 到 100 之间的整数",
        "第5行，状态：无法将“搞定了”识别为状态；请填写未启动、推进中、已完成、已销号、已撤销、已合并",
        "第6行，编号：T2 与第2行重复",
        "第7行，编号：任务 T1 已存在；要更新它请加 --update",
        "第8行，编号：为空；任务必须有编号",
        "第9行，整改时限：为空；未完成的任务须填写整改时限或“长期坚持”",
        "第10行，整改时限：无法识别“2025-02-30”",
    ]
    for line in problems(zh):
        assert_chinese(line)
    assert problems(en) == [
        'row 2, 整改时限: cannot read "明年"',
        "row 3, 进度: 120 is not between 0 and 100",
        "row 4, 进度: 50.5 is not a whole number from 0 to 100",
        'row 5, 状态: cannot read "搞定了" as a status; use 未启动、推进中、已完成、已销号、已撤销、已合并 '
        "(or not_started, in_progress, done, closed, cancelled, merged)",
        "row 6, 编号: T2 is also on row 2",
        "row 7, 编号: task T1 already exists; pass --update to update it",
        "row 8, 编号: empty; a task needs an id",
        "row 9, 整改时限: empty; an open task needs a deadline or 长期坚持",
        'row 10, 整改时限: cannot read "2025-02-30"',
    ]


def test_a_missing_required_cell_and_an_aspect_nobody_named(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger()
    csv_file("t.csv", "T2,治理,,2025-12-31", "T3,治理,市局,2025-12-31")
    zh, en = both(runner, "t.csv")
    assert problems(zh) == [
        "第2行，问题方面：为空；没有问题方面的行请用 --aspect 方面编号 指定",
        "第3行，问题方面：为空；没有问题方面的行请用 --aspect 方面编号 指定",
    ]
    zh, en = both(runner, "t.csv", "-a", "A1")
    assert problems(zh) == ["第2行，牵头单位：缺失（必填）"]
    assert problems(en) == ["row 2, 牵头单位: missing (required)"]


def test_aspect_cells(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger()
    csv_file(
        "t.csv",
        "A1,水,T2,治理,市局,2025-12-31",
        "A 9,新方面,T3,治理,市局,2025-12-31",
        "A7,,T4,治理,市局,2025-12-31",
        ",大汽,T5,治理,市局,2025-12-31",
        head="问题方面编号,问题方面," + HEAD,
    )
    zh, en = both(runner, "t.csv")
    assert problems(zh) == [
        "第2行，问题方面编号：问题方面 A1 的名称是 '大气'，不是 '水'",
        "第3行，问题方面编号：“A 9”不能用作编号：不能含空格、斜杠或冒号",
        "第4行，问题方面编号：没有问题方面 'A7'；是不是 A1？；已有：A1 大气",
        "第5行，问题方面：没有问题方面 '大汽'；是不是 大气？",
    ]
    for line in problems(zh):
        assert_chinese(line)
    assert problems(en) == [
        "row 2, 问题方面编号: aspect A1 is named '大气', not '水'",
        'row 3, 问题方面编号: "A 9" is not a usable id: no spaces, slashes or colons',
        "row 4, 问题方面编号: no aspect 'A7'; did you mean A1?; known: A1 大气",
        "row 5, 问题方面: no aspect '大汽'; did you mean 大气?",
    ]


def test_an_indicators_sheet_names_its_rows(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger(
        MINIMAL_TASKS,
        'version = 1\n\n[[indicators]]\nid = "pm25"\nname = "PM2.5浓度"\nbetter = "lower"\n',
    )
    csv_file("t.csv", "T2,治理,市局,2025-12-31")
    csv_file(
        "t-indicators.csv",
        "pm25,PM2.5浓度,lower",
        "so2,SO2浓度,lower",
        "so2,SO2浓度,lower",
        head="编号,指标名称,改善方向",
    )
    zh, en = both(runner, "t.csv", "-a", "A1")
    assert problems(zh) == [
        "t-indicators.csv：第2行，编号：指标 pm25 已存在；要更新它请加 --update",
        "t-indicators.csv：第4行，编号：so2 与第3行重复",
    ]
    assert problems(en) == [
        "t-indicators.csv: row 2, 编号: indicator pm25 already exists; pass --update to update it",
        "t-indicators.csv: row 4, 编号: so2 is also on row 3",
    ]


def test_import_invalid_says_its_first_problem_with_a_chinese_colon(
    make_ledger: MakeLedger,
) -> None:
    root = make_ledger()
    csv_file("t.csv", "T1,治理,市局,2025-12-31")
    speak("zh")
    with pytest.raises(ImportInvalid) as caught:
        plan_import(load_ledger(root), Path("t.csv"), ImportOptions())
    assert str(caught.value) == "t.csv：第2行，编号：任务 T1 已存在；要更新它请加 --update"
    speak("en")
    with pytest.raises(ImportInvalid) as caught:
        plan_import(load_ledger(root), Path("t.csv"), ImportOptions())
    assert str(caught.value) == (
        "t.csv: row 2, 编号: task T1 already exists; pass --update to update it"
    )


# --------------------------------------------------------------------------- notes


def test_warnings(runner: CliRunner, make_ledger: MakeLedger) -> None:
    make_ledger()
    ids = "；".join(f"i{n}" for n in range(1, 8))
    csv_file(
        "t.csv",
        f"T2,治理,市局,2025-12-31,已完成,{ids}",
        "T3,治理,市局,2025-12-31,推进中,i1",
        head=HEAD + ",状态,相关指标",
    )
    # Noted by row and column, then refused: the finished task has no completion date, a
    # problem `rectify check` names (the indicators it names are unknown too).
    code, _, zh = invoke(runner, "import", "t.csv", "-a", "A1", "--dry-run")
    assert code == 2, zh
    assert zh.endswith(
        "错误：任务 T2：status（状态）：已完成，但没有 completed_on（完成日期）（另有8个问题）；"
        "未写入任何内容\n"
    )
    notes = [line for line in zh.splitlines() if line.startswith("提示")]
    assert notes == [
        "提示：第2行，完成日期：已完成的任务未填完成日期",
        "提示：相关指标：i1、i2、i3、i4、i5等7项 尚未列入 indicators.toml；请先在其中添加，"
        "或在导入文件的“指标”工作表中列出",
    ]
    for line in notes:
        assert_chinese(line)
    code, _, en = invoke_en(runner, "import", "t.csv", "-a", "A1", "--dry-run")
    assert code == 2, en
    assert [line for line in en.splitlines() if line.startswith("note")] == [
        "note: row 2, 完成日期: empty for a finished task",
        "note: 相关指标: i1, i2, i3, i4, i5 and 2 more not in indicators.toml yet; add them "
        "there first, or in the workbook's 指标 sheet",
    ]


# --------------------------------------------------------------------------- the core


def test_cell_errors_in_both_languages() -> None:
    cases: list[tuple[Callable[[], object], str, str]] = [
        (lambda: date_value("明年"), "无法识别“明年”", 'cannot read "明年"'),
        (lambda: date_value(True), "无法识别“True”", 'cannot read "True"'),
        (lambda: excel_serial(5), "无法将 5 识别为日期", "cannot read 5 as a date"),
        (lambda: progress_value(-1), "-1 不在 0 到 100 之间", "-1 is not between 0 and 100"),
        (lambda: count_value("2.5"), "2.5 不是整数", "2.5 is not a whole number"),
        (
            lambda: status_value("差不多"),
            "无法将“差不多”识别为状态；请填写未启动、推进中、已完成、已销号、已撤销、已合并",
            'cannot read "差不多" as a status; use 未启动、推进中、已完成、已销号、已撤销、已合并 '
            "(or not_started, in_progress, done, closed, cancelled, merged)",
        ),
    ]
    for call, zh, en in cases:
        speak("zh")
        with pytest.raises(CellError) as caught:
            call()
        assert str(caught.value) == zh
        assert_chinese(str(caught.value))
        speak("en")
        with pytest.raises(CellError) as caught:
            call()
        assert str(caught.value) == en


def test_no_month(make_ledger: MakeLedger) -> None:
    from rectify_cli.cells import month_end

    speak("zh")
    with pytest.raises(CellError, match=r"^没有13月$"):
        month_end(2025, 13)
    speak("en")
    with pytest.raises(CellError, match=r"^no month 13$"):
        month_end(2025, 13)


def test_the_writer_says_a_missing_ledger_folder_in_chinese(tmp_path: Path) -> None:
    from rectify_cli.edit_import import import_indicators, import_tasks

    speak("zh")
    with pytest.raises(LedgerNotFound) as caught:
        import_tasks(Path("nowhere"), [], [], [])
    assert str(caught.value) == "nowhere：这里没有台账文件夹；请用 --ledger 目录 指定"
    with pytest.raises(LedgerNotFound):
        import_indicators(Path("nowhere"), [], [])
    speak("en")
    with pytest.raises(LedgerNotFound) as caught:
        import_tasks(Path("nowhere"), [], [], [])
    assert str(caught.value) == "nowhere: no ledger folder here; pass --ledger DIR"


def test_the_writer_refuses_what_would_not_read_back_in_chinese() -> None:
    from rectify_cli.edit_import import _not_read_back

    speak("zh")
    text = str(_not_read_back("data/tasks.toml", "aspect", "A2"))
    assert text == (
        "data/tasks.toml：问题方面 A2 写入后读回的内容与导入的不一致；未写入任何内容"
        "（请报告此问题，并附上该电子表格）"
    )
    assert_chinese(text)
    speak("en")
    assert str(_not_read_back("data/tasks.toml", "task", "T2")) == (
        "data/tasks.toml: task T2 would not read back as imported; nothing was written "
        "(please report this, with the spreadsheet)"
    )
