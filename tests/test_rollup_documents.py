"""Roll-ups as documents (HTML and Word: the roll-up table, then each ledger's report), and
the notices of several ledgers sent by the roll-up's office (`--issued-by`, `rollup.toml`).
The roll-up page in a real browser is in test_documents.py, beside the single report's."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from rectify_cli.errors import EXIT_ERROR
from rectify_cli.render import OutputFormat
from rectify_cli.render.results import ReportResult, RollupResult
from tests.conftest import invoke, invoke_en
from tests.helpers import (
    GOOD,
    assert_header_rows_repeat,
    assert_safe_html,
    docx_tables,
    html_tables,
    parse_html,
    text_of,
    write_counties,
)

AS_OF = "2025-10-01"
CITY = "滨州市生态环境保护督察整改工作领导小组办公室"
BOXING_OFFICE = "博兴县生态环境保护委员会办公室"  # helpers.BOXING's own issued_by
ROLLUP_HEAD = ["台账", "任务数", "已完成", "达到序时进度", "未达序时进度", "逾期", "完成率"]
ROLLUP_ROWS = [
    ROLLUP_HEAD,
    ["boxing", "3", "1", "1", "0", "1", "33%"],
    ["zouping", "2", "1", "0", "1", "0", "50%"],
    ["合计", "5", "2", "1", "1", "1", "40%"],
]


@pytest.fixture
def counties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_counties(tmp_path)
    monkeypatch.chdir(tmp_path)
    return root


def rollup_toml(counties: Path, text: str) -> Path:
    path = counties / "rollup.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- HTML


def test_rollup_html_is_the_table_then_each_ledgers_report(
    counties: Path, runner: CliRunner
) -> None:
    code, out, err = invoke(runner, "report", *GOOD, "--as-of", AS_OF, "-f", "html")
    assert (code, err) == (0, "")
    root = parse_html(out)  # strict HTML5: a parse error fails
    assert_safe_html(root)
    assert text_of(root.find("head/title")) == "2个台账整改落实情况汇总"  # type: ignore[arg-type]
    tables = html_tables(root)
    assert tables[0] == ROLLUP_ROWS  # the roll-up table comes first
    sections = [s for s in root.iter("section") if s.get("class") in ("rollup", "ledger")]
    assert [s.get("class") for s in sections] == ["rollup", "ledger", "ledger"]
    titles = [text_of(next(s.iter("h2"))) for s in sections[1:]]
    assert titles == [
        "博兴县整改台账：整改落实情况（boxing）",
        "邹平市整改台账：整改落实情况（zouping）",
    ]
    # Each ledger's sections sit one level down, and its open tasks show the ids as the
    # roll-up writes them: T03 is in both ledgers.
    boxing, zouping = sections[1:]
    heads = [text_of(h) for h in boxing.iter("h3")]
    assert heads[:3] == ["各方面整改进展", "各牵头单位整改进展", "未完成任务"]
    assert "boxing:T03" in text_of(boxing) and "zouping:T03" in text_of(zouping)
    assert "boxing:T02" not in text_of(boxing)  # T02 is boxing's alone
    # Every chart id is unique on the page.
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert ids and len(ids) == len(set(ids))
    assert "print" in text_of(root.find("head/style"))  # type: ignore[arg-type]


def test_rollup_html_escapes_ledger_text_and_names_the_ledgers_left_out(
    counties: Path, runner: CliRunner
) -> None:
    tasks = counties / "zp" / "tasks.toml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(
        text.replace('name = "zouping"', 'name = "<b>zp</b>&"').replace(
            "污水管网建设", "<script>alert('x')</script>"
        ),
        encoding="utf-8",
    )
    code, out, err = invoke(runner, "report", "-l", "counties/*", "--as-of", AS_OF, "-f", "html")
    assert code == EXIT_ERROR and err.startswith("错误：台账 huimin：")
    root = parse_html(out)
    assert_safe_html(root)  # no <script>, no <b>: the text stayed text
    assert "&lt;b&gt;zp&lt;/b&gt;&amp;" in out
    assert "<script>alert('x')</script>" in text_of(root)
    assert html_tables(root)[0][2][0] == "<b>zp</b>&"
    assert "未纳入汇总（台账无法读取，见 rectify check）：huimin" in text_of(root)


def test_rollup_summary_only_html_has_no_ledger_sections(counties: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "report", *GOOD, "--as-of", AS_OF, "-f", "html", "--summary-only")
    root = parse_html(out)
    assert code == 0 and html_tables(root) == [ROLLUP_ROWS]
    assert not [s for s in root.iter("section") if s.get("class") == "ledger"]


def test_rollup_out_file_by_suffix(counties: Path, runner: CliRunner, tmp_path: Path) -> None:
    page, word = tmp_path / "rollup.html", tmp_path / "rollup.docx"
    code, _, err = invoke(runner, "report", *GOOD, "--as-of", AS_OF, "--out", str(page))
    assert (code, err) == (0, "已写入报告：rollup.html\n")  # relative to where it runs
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = invoke(runner, "report", *GOOD, "--as-of", AS_OF, "--out", str(word))
    assert (code, err) == (0, "已写入报告：rollup.docx\n")
    assert docx_tables(docx.Document(str(word)))[0][0] == ROLLUP_HEAD
    # Replaced only with --force, as for one ledger.
    code, _, err = invoke_en(runner, "report", *GOOD, "--as-of", AS_OF, "--out", str(page))
    assert code == EXIT_ERROR and "--force" in err
    code, _, err = invoke_en(runner, "report", *GOOD, "-f", "docx")
    assert (code, err) == (EXIT_ERROR, "Error: docx needs --out FILE\n")


def test_the_rollup_result_draws_the_formats_of_one_report() -> None:
    # The lead's PDF prints a result's HTML: a roll-up has its HTML as one report does.
    assert set(ReportResult.formats()) <= set(RollupResult.formats())
    assert {OutputFormat.HTML, OutputFormat.DOCX} <= set(RollupResult.formats())


# --------------------------------------------------------------------------- Word


def test_rollup_docx_is_the_table_then_each_ledgers_report(
    counties: Path, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "rollup.docx"
    assert invoke(runner, "report", *GOOD, "--as-of", AS_OF, "--out", str(out))[0] == 0
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    # No roll-up office yet: the default wording at the head and the foot.
    assert texts[0] == "本单位" and texts[-2:] == ["本单位", "2025年10月1日"]
    assert "2个台账整改落实情况汇总" in texts
    boxing = texts.index("博兴县整改台账：整改落实情况（boxing）")
    zouping = texts.index("邹平市整改台账：整改落实情况（zouping）")
    assert texts.index("各台账整改进展") < boxing < zouping
    tables = docx_tables(doc)
    assert tables[0] == ROLLUP_ROWS
    # Each ledger's tables follow (aspects, open tasks, warnings), ids as the roll-up shows.
    cells = [c for t in tables[1:] for row in t for c in row]
    assert "boxing:T03" in cells and "zouping:T03" in cells and "T02" in cells
    assert_header_rows_repeat(doc)
    # Each ledger's report starts a page.
    breaks = doc.element.body.xml.count('w:type="page"')
    assert breaks == 2


def test_rollup_docx_is_signed_by_the_rollup_office(
    counties: Path, runner: CliRunner, tmp_path: Path
) -> None:
    rollup_toml(counties, f'[rollup]\nissued_by = "{CITY}"\n')
    out = tmp_path / "rollup.docx"
    assert invoke(runner, "report", *GOOD, "--as-of", AS_OF, "--out", str(out))[0] == 0
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == CITY and texts[-2] == CITY
    assert doc.core_properties.author == CITY


# --------------------------------------------------------------------------- notices


def notice_text(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.md"))
    }


def test_issued_by_signs_every_ledgers_notices(
    counties: Path, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "notices"
    args = ("warn", *GOOD, "--as-of", AS_OF, "--notice", "--out", str(out))
    code, _, err = invoke(runner, *args, "--issued-by", f"  {CITY} ")
    assert (code, err) == (0, f"已写入2份预警督办单：{out}\n")
    written = notice_text(out)
    # One per ledger and lead department, each from the city, none from a county's office.
    assert list(written) == ["boxing/2025-10-01-县住建局.md", "zouping/2025-10-01-市住建局.md"]
    for text in written.values():
        assert f"- **签发单位**: {CITY}\n" in text
        assert text.rstrip().endswith(f"书面报送{CITY}。")
        assert BOXING_OFFICE not in text
    # Without it, each ledger's own office, as before.
    code, _, _ = invoke(runner, *args, "--force")
    assert code == 0 and BOXING_OFFICE in notice_text(out)["boxing/2025-10-01-县住建局.md"]
    # The ledger itself is untouched.
    assert CITY not in (counties / "boxing" / "tasks.toml").read_text(encoding="utf-8")


def test_rollup_toml_signs_the_notices_and_issued_by_outranks_it(
    counties: Path, runner: CliRunner
) -> None:
    rollup_toml(counties, f'version = 1\n\n[rollup]\nissued_by = "{CITY}"\n')
    code, out, _ = invoke(runner, "warn", *GOOD, "--as-of", AS_OF, "--notice")
    assert code == 0 and out.count(f"- **签发单位**: {CITY}\n") == 2
    assert BOXING_OFFICE not in out
    code, out, _ = invoke(
        runner, "warn", *GOOD, "--as-of", AS_OF, "--notice", "--issued-by", "市办"
    )
    assert code == 0 and out.count("- **签发单位**: 市办\n") == 2 and CITY not in out


def test_word_notices_are_signed_by_the_rollup_office(
    counties: Path, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "notices"
    args = ("warn", *GOOD, "--as-of", AS_OF, "--notice", "-f", "docx", "--out", str(out))
    assert invoke(runner, *args, "--issued-by", CITY)[0] == 0
    files = sorted(out.rglob("*.docx"))
    assert [p.relative_to(out).as_posix() for p in files] == [
        "boxing/2025-10-01-县住建局.docx",
        "zouping/2025-10-01-市住建局.docx",
    ]
    for path in files:
        texts = [p.text for p in docx.Document(str(path)).paragraphs]
        assert texts[0] == CITY and texts[-2] == CITY  # the red head and the signature
        assert any(CITY in t and "报送" in t for t in texts)
        assert not any(BOXING_OFFICE in t for t in texts)


def test_issued_by_overrides_one_ledgers_own_office(counties: Path, runner: CliRunner) -> None:
    one = ("warn", "-l", "counties/boxing", "--as-of", AS_OF, "--notice")
    code, out, _ = invoke(runner, *one)
    assert code == 0 and f"- **签发单位**: {BOXING_OFFICE}\n" in out
    code, out, _ = invoke(runner, *one, "--issued-by", CITY)
    assert code == 0 and f"- **签发单位**: {CITY}\n" in out and BOXING_OFFICE not in out
    # One ledger is not a roll-up: a rollup.toml beside it does not sign its notices.
    rollup_toml(counties, '[rollup]\nissued_by = "市办"\n')
    code, out, _ = invoke(runner, *one)
    assert code == 0 and "市办" not in out and BOXING_OFFICE in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--notice", "--issued-by", ""), "--issued-by: give the name of the office"),
        (("--notice", "--issued-by", "  "), "--issued-by: give the name of the office"),
        (("--notice", "--issued-by", "市\x1b[31m办"), "--issued-by: holds the control character"),
        (("--issued-by", CITY), "--issued-by: signs warning notices; add --notice"),
    ],
)
def test_wrong_issued_by_is_refused(
    counties: Path, runner: CliRunner, args: tuple[str, ...], message: str
) -> None:
    code, out, err = invoke_en(runner, "warn", *GOOD, "--as-of", AS_OF, *args)
    assert code == EXIT_ERROR and out == ""
    assert err.startswith(f"Error: {message}") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[rollup]\nissued_by = ""\n', "counties/rollup.toml:2: rollup.issued_by: "),
        ('[rollup]\nisued_by = "x"\n', "counties/rollup.toml:2: rollup.isued_by: unknown key"),
        ('[rollup]\nissued_by = "a\\u001bb"\n', "holds the control character U+001B"),
        ("[rollup\n", "counties/rollup.toml:1:8: "),
    ],
)
def test_a_wrong_rollup_toml_is_said_with_its_line(
    counties: Path, runner: CliRunner, text: str, message: str
) -> None:
    rollup_toml(counties, text)
    for args in (("warn", "--notice"), ("report", "-f", "md")):
        code, out, err = invoke_en(runner, *args, *GOOD, "--as-of", AS_OF)
        assert code == EXIT_ERROR and out == "" and message in err, err
    # --issued-by says who signs: the file is not needed, nor read.
    code, _, _ = invoke(runner, "warn", *GOOD, "--as-of", AS_OF, "--notice", "--issued-by", "市办")
    assert code == 0
