"""The commands' own messages (refusals, usage errors, what a write did) speak the ledger's
language: Chinese on a Chinese ledger, with no English word left but ids, paths, option
names, format names and stable keys; English with `--lang en`, worded as before."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.errors import EXIT_ERROR, OutputFailed
from rectify_cli.i18n import speak
from rectify_cli.outputs import write_bytes
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en

# What may stay Latin in a Chinese message: format names, stable keys, the command's name.
FORMATS = ("xlsx", "csv", "table", "json", "html", "docx", "pdf", "md")
STATUS_KEYS = ("not_started", "in_progress", "done", "closed", "cancelled", "merged", "pending")
HANDLING_KEYS = ("handling", "stage_closed", "closed", "pending")


def assert_chinese(text: str, *allowed: str) -> None:
    """`text` is Chinese: once the `allowed` words (ids, paths, keys) and option names are
    taken out, no Latin word of three letters or more is left, and no ASCII `: ` either."""
    rest = text
    for word in sorted({*allowed, *FORMATS, "rectify"}, key=len, reverse=True):
        rest = rest.replace(word, " ")
    rest = re.sub(r"--[a-z][a-z-]*", " ", rest)
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert re.findall(r"[A-Za-z]{3,}", rest) == [], text
    assert ": " not in rest, text


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def two(sample: Path, tmp_path: Path) -> list[str]:
    """Two Chinese ledgers named with --ledger, for the roll-up's refusals."""
    other = tmp_path / "other"
    shutil.copytree(sample, other)
    tasks = other / "tasks.toml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace('name = "binzhou"', 'name = "other"', 1), "utf-8")
    return ["-l", str(sample), "-l", str(other)]


# --------------------------------------------------------------------------- usage errors

# (arguments, Chinese message, English message, words allowed in the Chinese)
USAGE: list[tuple[list[str], str, str, tuple[str, ...]]] = [
    (
        ["export", "-o", "out.txt"],
        "out.txt：请加 --format xlsx 或 --format csv（或使用以 .xlsx/.csv 结尾的文件名）",
        "out.txt: pass --format xlsx or --format csv (or name a .xlsx/.csv)",
        ("out.txt",),
    ),
    (
        ["list", "--kind", "cases"],
        "--kind：没有 'cases' 这一类，请用 tasks 或 petitions",
        "--kind: 'cases' is not a kind; use tasks or petitions",
        ("cases", "tasks", "petitions"),
    ),
    (
        ["list", "--kind", "petitions", "--aspect", "A1"],
        "--aspect：信访件没有问题方面，请用 --category",
        "--aspect: petition cases have no aspect; use --category",
        (),
    ),
    (
        ["list", "--category", "air"],
        "--category 和 --finding 用于信访件，请加 --kind petitions",
        "--category and --finding: for petition cases; add --kind petitions",
        ("petitions",),
    ),
    (
        ["list", "--sort", "colour"],
        "--sort colour：任务只能按以下之一排序：id、deadline、progress、status、lead、aspect、health",
        "--sort colour: sort tasks by id, deadline, progress, status, lead, aspect, health",
        ("colour", "deadline", "progress", "status", "lead", "aspect", "health"),
    ),
    (
        ["list", "-f", "html"],
        "--format html：此命令只能输出 table、json、csv 或 md",
        "--format html: this command writes table, json, csv or md",
        (),
    ),
    (
        ["warn", "--days", "-1"],
        "--days：应不小于 0（0 表示今天到期），实际为 -1",
        "--days: must be 0 (due today) or more, got -1",
        (),
    ),
    (
        ["warn", "--tolerance", "101"],
        "--tolerance：应在 0 到 100 个百分点之间，实际为 101",
        "--tolerance: must be between 0 and 100 points, got 101",
        (),
    ),
    (
        ["warn", "--stale-days", "0"],
        "--stale-days：应不小于 1，实际为 0",
        "--stale-days: must be 1 or more, got 0",
        (),
    ),
    (
        ["warn", "--reply-days", "-2"],
        "--reply-days：应不小于 0，实际为 -2",
        "--reply-days: must be 0 or more, got -2",
        (),
    ),
    (
        ["warn", "--out", "x"],
        "--out 用于写入预警督办单，请加 --notice",
        "--out: writes warning notices; add --notice",
        (),
    ),
    (
        ["warn", "--notice", "-f", "json"],
        "--format json：预警督办单只能输出 md、docx、html 或 pdf",
        "--format json: a warning notice is md, docx, html or pdf",
        (),
    ),
    (
        ["warn", "-f", "docx"],
        "--format docx 用于写入预警督办单，请加 --notice",
        "--format docx: writes warning notices; add --notice",
        (),
    ),
    (
        ["warn", "--notice", "-f", "docx"],
        "输出 docx 须加 --out 目录",
        "docx needs --out DIR",
        (),
    ),
    (
        ["report", "-f", "csv"],
        "--format csv：报告包含多张表格，请用 table、md、html、docx、pdf 或 json",
        "--format csv: a report has several tables; use table, md, html, docx, pdf or json",
        (),
    ),
    (
        ["report", "-o", "r.txt", "-f", "table"],
        "--out：table 格式只用于终端显示，请用 --format md、html、docx、pdf 或 json",
        "--out: a table is for the terminal; use --format md, html, docx, pdf or json",
        (),
    ),
    (
        ["report", "-f", "docx"],
        "输出 docx 须加 --out 文件",
        "docx needs --out FILE",
        (),
    ),
    (
        ["changes", "--since", "2025-01-01", "-f", "csv"],
        "--format csv：变化情况包含多张表格，请用 md、table 或 json",
        "--format csv: the changes are several tables; use md, table or json",
        (),
    ),
    (
        ["changes", "--since", "foo"],
        "--since：日期“foo”无效；日期请写成 2025-09-30",
        '--since: invalid date "foo"; write dates as 2025-09-30',
        ("foo",),
    ),
    (
        ["report", "--as-of", "2025-02-30"],
        "--as-of：日期“2025-02-30”无效；日期请写成 2025-09-30",
        '--as-of: invalid date "2025-02-30"; write dates as 2025-09-30',
        (),
    ),
    (
        ["schema", "ledger"],
        "“ledger”不是台账文件，请用 tasks、indicators 或 petitions",
        '"ledger" is not a ledger file; use tasks, indicators or petitions',
        ("ledger", "tasks", "indicators", "petitions"),
    ),
    (
        ["schema", "tasks", "--out", "s"],
        "--out 会写入全部 JSON Schema 文件，请去掉 tasks|indicators|petitions",
        "--out writes every schema; leave out tasks|indicators|petitions",
        ("JSON Schema", "tasks", "indicators", "petitions"),
    ),
]


@pytest.mark.parametrize(("args", "zh", "en", "allowed"), USAGE, ids=lambda v: str(v)[:40])
def test_usage_errors_speak_the_ledgers_language(
    args: list[str],
    zh: str,
    en: str,
    allowed: tuple[str, ...],
    runner: CliRunner,
    sample: Path,
    here: Path,
) -> None:
    code, out, err = invoke(runner, *args)
    assert (code, out, err) == (EXIT_ERROR, "", f"错误：{zh}\n")
    assert_chinese(zh, *allowed)
    code, out, err = invoke_en(runner, *args)
    assert (code, out, err) == (EXIT_ERROR, "", f"Error: {en}\n")


def test_the_roll_ups_refusals(runner: CliRunner, two: list[str], here: Path) -> None:
    for args, zh, en in [
        (
            ["--aspect", "A1"],
            "--aspect 只能报告单个台账的一个问题方面，请只指定一个 --ledger",
            "--aspect: reports one aspect of one ledger; name a single --ledger",
        ),
        (
            ["-f", "csv"],
            "--format csv：报告包含多张表格，请用 table、md、html、docx、pdf 或 json",
            "--format csv: a report has several tables; use table, md, html, docx, pdf or json",
        ),
    ]:
        assert invoke(runner, "report", *two, *args) == (EXIT_ERROR, "", f"错误：{zh}\n")
        assert_chinese(zh)
        assert invoke_en(runner, "report", *two, *args) == (EXIT_ERROR, "", f"Error: {en}\n")


def test_a_wrong_status_ends_in_the_ledgers_language(runner: CliRunner, sample: Path) -> None:
    code, _, err = invoke(runner, "list", "--status", "foo")
    assert code == EXIT_ERROR
    assert err.startswith("错误：--status：未知的状态 'foo'；")
    assert err.endswith("；也可用 pending（未完成的任务）\n")
    assert_chinese(err, "foo", *STATUS_KEYS)
    _, _, err = invoke_en(runner, "list", "--status", "foo")
    assert err.startswith("Error: --status: unknown status 'foo'; use one of ")
    assert err.endswith("; or pending (not yet done)\n")

    code, _, err = invoke(runner, "list", "--kind", "petitions", "--status", "finished")
    assert code == EXIT_ERROR
    assert err.startswith("错误：--status：未知的值 'finished'；")
    assert err.endswith("；也可用 pending（未办结的信访件）\n")
    assert_chinese(err, "finished", *HANDLING_KEYS)
    _, _, err = invoke_en(runner, "list", "--kind", "petitions", "--status", "finished")
    assert err.startswith("Error: --status: unknown value 'finished'; use one of ")
    assert err.endswith("; or pending (not yet closed)\n")

    before = (sample / "tasks.toml").read_bytes()
    code, _, err = invoke(runner, "update", "T07", "--status", "bogus")
    assert code == EXIT_ERROR and err.startswith("错误：--status：未知的状态 'bogus'；")
    _, _, err = invoke_en(runner, "update", "T07", "--status", "bogus")
    assert err.startswith("Error: --status: unknown status 'bogus'; use one of ")
    assert (sample / "tasks.toml").read_bytes() == before


def test_a_wrong_lang_is_refused_before_anything_is_written(
    runner: CliRunner, sample: Path
) -> None:
    before = (sample / "tasks.toml").read_bytes()
    for args in (
        ["update", "T07", "--progress", "55"],
        ["record", "pm25", "3", "--period", "2099-01"],
        ["list"],
        ["export", "-o", str(sample / "out.xlsx")],
    ):
        code, out, err = invoke(runner, *args, "--lang", "fr")
        assert (code, out) == (EXIT_ERROR, ""), args
        assert err == "错误：--lang：不支持“fr”，请用 zh 或 en\n", args
    assert (sample / "tasks.toml").read_bytes() == before
    assert not (sample / "out.xlsx").exists()


def test_a_wrong_lang_on_an_english_ledger(
    runner: CliRunner, make_ledger: Callable[..., Path]
) -> None:
    make_ledger(MINIMAL_TASKS.replace("version = 1\n", 'version = 1\nlang = "en"\n'))
    code, _, err = invoke(runner, "update", "T1", "--progress", "60", "--lang", "fr")
    assert (code, err) == (
        EXIT_ERROR,
        'Error: --lang: "fr" is not a language rectify speaks; use zh or en\n',
    )


# --------------------------------------------------------------------------- export


def test_export_refuses_an_existing_file_in_the_ledgers_language(
    runner: CliRunner, sample: Path, here: Path
) -> None:
    assert invoke(runner, "export", "-o", "out.xlsx")[0] == 0
    code, out, err = invoke(runner, "export", "-o", "out.xlsx")
    assert (code, out, err) == (EXIT_ERROR, "", "错误：out.xlsx：已存在；如需替换，请加 --force\n")
    assert_chinese(err, "out.xlsx")
    code, _, err = invoke_en(runner, "export", "-o", "out.xlsx")
    assert err == "Error: out.xlsx: already exists; pass --force to replace it\n"

    (here / "adir").mkdir()
    code, _, err = invoke(runner, "export", "-o", "adir", "-f", "xlsx", "--force")
    assert (code, err) == (EXIT_ERROR, "错误：adir：是文件夹；请指定要写入的文件\n")
    assert_chinese(err, "adir")
    _, _, err = invoke_en(runner, "export", "-o", "adir", "-f", "xlsx", "--force")
    assert err == "Error: adir: is a folder; name a file to write\n"


def test_export_lists_its_files_in_the_ledgers_language(
    runner: CliRunner, sample: Path, here: Path
) -> None:
    code, _, err = invoke(runner, "export", "-o", "o.csv")
    assert code == 0
    assert re.fullmatch(
        r"已导出\d+项任务、\d+项指标：o\.csv、o-log\.csv、o-indicators\.csv、o-ledger\.csv、o-aspects\.csv\n",
        err,
    )
    code, _, err = invoke_en(runner, "export", "-o", "o.csv", "--force")
    assert code == 0
    assert re.fullmatch(
        r"Exported \d+ tasks and \d+ indicators: o\.csv, o-log\.csv, o-indicators\.csv, "
        r"o-ledger\.csv, o-aspects\.csv\n",
        err,
    )


def test_a_failed_write_says_why_in_the_spoken_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise PermissionError(13, "拒绝访问")

    monkeypatch.setattr("rectify_cli.outputs.os.replace", refuse)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"open in Excel")  # Windows refuses to replace it
    speak("zh")
    with pytest.raises(OutputFailed) as zh:
        write_bytes(target, b"x", force=True)
    assert zh.value.message.endswith("：无法写入：拒绝访问（文件是否已在 Excel 中打开？）")
    speak("en")
    with pytest.raises(OutputFailed) as en:
        write_bytes(target, b"x", force=True)
    assert en.value.message.endswith(": cannot write: 拒绝访问 (is it open in Excel?)")


def test_schema_out_reports_in_the_spoken_language(
    runner: CliRunner, sample: Path, here: Path
) -> None:
    code, _, err = invoke(runner, "schema", "--out", "s")
    assert (code, err) == (
        0,
        "已写入 JSON Schema：s/tasks.schema.json、s/indicators.schema.json、"
        "s/petitions.schema.json\n",
    )
    code, _, err = invoke_en(runner, "schema", "--out", "s", "--force")
    assert (code, err) == (
        0,
        "JSON Schema written: s/tasks.schema.json, s/indicators.schema.json, "
        "s/petitions.schema.json\n",
    )


# --------------------------------------------------------------------------- import, check


def test_import_counts_its_problems_in_the_ledgers_language(
    runner: CliRunner, sample: Path, here: Path
) -> None:
    (here / "t.csv").write_text(
        "编号,整改任务,牵头单位,整改时限\nT30,治理,市局,明年\n", encoding="utf-8"
    )
    before = (sample / "tasks.toml").read_bytes()
    code, out, err = invoke(runner, "import", "t.csv")
    assert (code, out) == (EXIT_ERROR, "")
    last = err.splitlines()[-1]
    assert re.fullmatch(r"t\.csv：发现\d+个问题，未导入任何内容。", last), err
    assert_chinese(last, "t.csv")
    _, _, err = invoke_en(runner, "import", "t.csv")
    assert re.fullmatch(
        r"t\.csv: \d+ problems? found; nothing was imported\.", err.splitlines()[-1]
    )
    assert (sample / "tasks.toml").read_bytes() == before


def test_check_of_several_ledgers_names_each_in_the_ledgers_language(
    runner: CliRunner, sample: Path, here: Path
) -> None:
    code, _, err = invoke(runner, "check", "-l", str(sample), "-l", "nowhere/*")
    assert code == EXIT_ERROR
    assert err.splitlines()[0] == "nowhere/*：没有文件夹与此模式匹配"
    _, _, err = invoke_en(runner, "check", "-l", str(sample), "-l", "nowhere/*")
    assert err.splitlines()[0].startswith("nowhere/*: ")


# --------------------------------------------------------------------------- init


def test_init_speaks_the_language_of_the_ledger_it_makes(runner: CliRunner, tmp_path: Path) -> None:
    zh_root, en_root = tmp_path / "zh", tmp_path / "en"
    code, _, err = invoke(runner, "init", str(zh_root), "--lang", "zh")
    assert code == 0 and err.startswith("已创建台账")
    code, _, err = invoke(runner, "init", str(en_root), "--lang", "en")
    assert code == 0 and err.startswith("Created the ledger")

    shown = zh_root.as_posix()
    code, out, err = invoke(runner, "init", str(zh_root), "--lang", "zh")
    assert (code, out) == (EXIT_ERROR, "")
    assert err == (
        f"错误：{shown}/tasks.toml：已存在；rectify init 只创建新台账"
        f"（如需更新编辑器校验用的文件，请运行：rectify schema --out {shown}/schema --force）\n"
    )
    assert_chinese(err, f"{shown}/tasks.toml", f"{shown}/schema", "init", "schema")
    code, _, err = invoke(runner, "init", str(zh_root), "--lang", "en")
    assert err == (
        f"Error: {shown}/tasks.toml: already exists; rectify init only makes new ledgers "
        f"(to refresh the editor schemas run: rectify schema --out {shown}/schema --force)\n"
    )
    # Without --lang a new ledger is Chinese, and so is what init says about it.
    code, _, err = invoke(runner, "init", str(zh_root))
    assert err.startswith(f"错误：{shown}/tasks.toml：已存在；")


def test_init_refusals_speak_the_language_asked_for(runner: CliRunner, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    shown = afile.as_posix()
    for args, zh, en, allowed in [
        (
            [str(afile)],
            f"{shown}：是文件，不是文件夹",
            f"{shown}: is a file, not a folder",
            (shown,),
        ),
        (
            [str(tmp_path / "new"), "--title", " "],
            "--title：不能为空",
            "--title: must not be empty",
            (),
        ),
    ]:
        assert invoke(runner, "init", *args, "--lang", "zh") == (EXIT_ERROR, "", f"错误：{zh}\n")
        assert_chinese(zh, *allowed)
        assert invoke(runner, "init", *args, "--lang", "en") == (EXIT_ERROR, "", f"Error: {en}\n")
    assert not (tmp_path / "new").exists()


def test_init_with_an_unknown_language_speaks_the_users(
    runner: CliRunner, tmp_path: Path, sample: Path
) -> None:
    # The ledger in use ($RECTIFY_LEDGER, the sample) is Chinese: the refusal is too.
    code, _, err = invoke(runner, "init", str(tmp_path / "x"), "--lang", "fr")
    assert (code, err) == (EXIT_ERROR, "错误：--lang：不支持“fr”，请用 zh 或 en\n")
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- update, record

# (arguments, Chinese message, English message): refusals of the two writes typed by hand.
WRITES: list[tuple[list[str], str, str]] = [
    (
        ["update", "T99", "--note", "x"],
        "没有任务 T99；是不是 T09？",
        "no task T99; did you mean T09?",
    ),
    (
        ["update", "T07", "--progress", "120"],
        "任务 T07：进度应在 0 到 100 之间，实际为 120",
        "task T07: progress: must be between 0 and 100, got 120",
    ),
    (
        ["update", "T07", "--deadline", "2025-13-01"],
        "--deadline：日期“2025-13-01”无效；日期请写成 2025-09-30",
        '--deadline: invalid date "2025-13-01"; write dates as 2025-09-30',
    ),
    (
        ["record", "pm2", "1", "--period", "2025-10"],
        "没有指标 pm2；是不是 pm25？",
        "no indicator pm2; did you mean pm25?",
    ),
    (
        ["record", "pm25", "abc", "--period", "2025-10"],
        "VALUE：“abc”不是数字",
        'VALUE: "abc" is not a number',
    ),
]


@pytest.mark.parametrize(("args", "zh", "en"), WRITES, ids=lambda v: " ".join(v[:2]))
def test_update_and_record_refuse_in_the_ledgers_language(
    runner: CliRunner, sample: Path, args: list[str], zh: str, en: str
) -> None:
    before = {p.name: p.read_bytes() for p in sample.glob("*.toml")}
    code, out, err = invoke(runner, *args)
    assert (code, out, err) == (EXIT_ERROR, "", f"错误：{zh}\n")
    assert_chinese(err, "T99", "T09", "T07", "pm2", "pm25", "VALUE", "abc")
    code, out, err = invoke_en(runner, *args)
    assert (code, out, err) == (EXIT_ERROR, "", f"Error: {en}\n")
    assert {p.name: p.read_bytes() for p in sample.glob("*.toml")} == before
