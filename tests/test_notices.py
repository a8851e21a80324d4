"""Warning notices (预警督办单) for tasks and petition cases, in Markdown, Word and HTML; and
a Word notice that prints right: rendered by LibreOffice and read back with pdftotext, every
id, date and percentage is found on one line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from typer.testing import CliRunner

from rectify_cli.render.word import TABLE_WIDTH, column_widths, text_twips
from tests.conftest import invoke, invoke_en
from tests.helpers import (
    AS_OF,
    HOSTILE,
    MIXED,
    assert_safe_html,
    docx_tables,
    html_tables,
    parse_html,
    pdf_text,
    petitions_file,
    print_with_libreoffice,
    run_chromium,
    text_of,
)

MakeLedger = Callable[..., Path]

# MIXED with two-digit ids (T01 is what broke as T0/1) and an issuing office.
TASKS = MIXED.replace('id = "T', 'id = "T0').replace(
    'title = "测试台账"', 'title = "测试台账"\nissued_by = "市整改办"'
)
CASES = """\
version = 1

[[petitions]]
id = "C01"
title = "某厂夜间噪声扰民"
received = 2025-07-01
area = "博兴县"
category = "noise"
deadline = 2025-07-24
lead = "县公安局"

[[petitions]]
id = "C02"
title = "河道排污"
received = 2025-07-01
area = "邹平市"
category = "water"
deadline = 2025-10-03
lead = "市水利局"

[[petitions]]
id = "C03"
title = "已办结的逾期件"
received = 2025-07-01
category = "air"
status = "closed"
deadline = 2025-07-10
closed_on = 2025-08-01
lead = "市水利局"
"""
# Every token that must print whole: ids, dates, percentages, levels.
TOKENS = {
    "市水利局": [
        "T02",
        "2025-06-30",
        "90%",
        "红色预警",
        "T05",
        "80%",
        "C02",
        "2025-10-03",
        "蓝色提示",
    ],
    "县公安局": ["C01", "2025-07-24", "红色预警"],
    "市生态环境局": ["T01", "2025-12-31", "10%", "黄色预警"],
}


@pytest.fixture
def ledger(make_ledger: MakeLedger) -> Path:
    root = make_ledger(TASKS)
    petitions_file(root, CASES)
    return root


def warn(runner: CliRunner, *args: str) -> str:
    code, out, err = invoke(runner, "warn", "--as-of", AS_OF, *args)
    assert code == 0, err
    return out


# --------------------------------------------------------------------------- one rule


def test_notices_list_what_warn_lists(ledger: Path, runner: CliRunner) -> None:
    """Every warning `warn` shows, task or case, is in the notice to its department, and
    nothing else is (the closed case C03 is in neither)."""
    data = json.loads(warn(runner, "-f", "json"))
    shown = {(w["lead"], w["id"]) for g in data["groups"] for w in g["warnings"]}
    shown |= {(w["lead"], w["id"]) for w in data["petitions"]}
    assert ("县公安局", "C01") in shown and ("市水利局", "C02") in shown
    listed = set()
    for notice in warn(runner, "--notice").split("\n\n---\n\n"):
        lead = notice.splitlines()[2].removeprefix("- **致**: ")
        listed |= {(lead, m) for m in re.findall(r"^\| ([TC]\d+) \|", notice, re.M)}
    assert listed == shown


def test_notice_for_petition_cases_only(ledger: Path, runner: CliRunner) -> None:
    assert "C01" in warn(runner, "--lead", "公安")
    out = warn(runner, "--lead", "公安", "--notice")
    assert out == (
        "# 预警督办单\n\n"
        "- **致**: 县公安局\n"
        "- **签发单位**: 市整改办\n"
        "- **事由**: 测试台账\n"
        "- **签发日期**: 2025年9月30日\n"
        "- **回复时限**: 2025年10月11日\n\n"
        "截至2025年9月30日，你单位负责办理的以下1件信访件需督促办理，现予预警督办：\n\n"
        "| 编号 | 信访内容 | 属地 | 办理时限 | 预警级别 | 预警原因 | 办理要求 |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        "| C01 | 某厂夜间噪声扰民 | 博兴县 | 2025-07-24 | 红色预警 | 逾期68天 "
        "| 尽快办结，并书面说明逾期原因 |\n\n"
        "请于2025年10月11日前将上述信访件的办理进展、存在问题和下一步措施书面报送市整改办。\n"
    )


def test_notice_for_tasks_and_cases(ledger: Path, runner: CliRunner) -> None:
    out = warn(runner, "--lead", "水利", "--notice")
    assert "你单位牵头的以下2项整改任务和负责办理的1件信访件需督促推进" in out
    tasks, cases = out.split("\n## 整改任务\n")[1].split("\n## 信访件\n")
    assert re.findall(r"^\| (T\d+) \|", tasks, re.M) == ["T02", "T05"]
    assert "| C02 | 河道排污 | 邹平市 | 2025-10-03 | 蓝色提示 | 3天后到期 | 确保按期办结 |" in cases
    assert "上述任务和信访件的整改办理进展" in out


def test_notice_in_english(ledger: Path, runner: CliRunner) -> None:
    code, out, _ = invoke_en(runner, "warn", "--as-of", AS_OF, "--lead", "公安", "--notice")
    assert code == 0
    assert "petition cases handled by your department need attention (1):" in out
    assert "| C01 | 某厂夜间噪声扰民 | 博兴县 | 2025-07-24 | red | overdue by 68 days |" in out


def test_case_without_a_lead_is_still_sent(make_ledger: MakeLedger, runner: CliRunner) -> None:
    root = make_ledger(TASKS)
    petitions_file(root, CASES.replace('lead = "县公安局"\n', ""))
    out = warn(runner, "--notice", "--level", "red")
    assert "- **致**: 责任单位未填写\n" in out and "| C01 |" in out


# --------------------------------------------------------------------------- Word


def notice_docs(runner: CliRunner, out: Path, *args: str) -> dict[str, Any]:
    code, stdout, err = invoke(
        runner, "warn", "--as-of", AS_OF, "--notice", "-f", "docx", "--out", str(out), *args
    )
    assert (code, stdout) == (0, ""), err
    return {p.name: docx.Document(str(p)) for p in sorted(out.glob("*.docx"))}


def test_docx_notices_for_cases(ledger: Path, runner: CliRunner, tmp_path: Path) -> None:
    docs = notice_docs(runner, tmp_path / "n")
    assert sorted(docs) == [
        f"2025-09-30-{lead}.docx" for lead in ("县公安局", "市水利局", "市生态环境局")
    ]
    police = docs["2025-09-30-县公安局.docx"]
    paras = [p.text for p in police.paragraphs if p.text]
    assert paras[3] == "县公安局："
    (table,) = docx_tables(police)
    assert table == [
        ["编号", "信访内容", "属地", "办理时限", "预警级别", "预警原因", "办理要求"],
        ["C01", "某厂夜间噪声扰民", "博兴县", "2025-07-24", "红色预警", "逾期68天", "尽快办结，并书面说明逾期原因"],
    ]  # fmt: skip
    water = docs["2025-09-30-市水利局.docx"]
    paras = [p.text for p in water.paragraphs if p.text]
    assert "整改任务" in paras and "信访件" in paras
    tasks, cases = docx_tables(water)
    assert [r[0] for r in tasks] == ["编号", "T02", "T05"] and [r[0] for r in cases] == [
        "编号",
        "C02",
    ]


def test_docx_widths_are_written_for_every_reader(
    ledger: Path, runner: CliRunner, tmp_path: Path
) -> None:
    """Fixed layout, the table's width, a gridCol per column and each cell's tcW, all in
    twips and all agreeing: Word, WPS and LibreOffice each read a different one of them."""
    doc = notice_docs(runner, tmp_path / "n")["2025-09-30-市水利局.docx"]
    for table in doc.tables:
        tbl = table._tbl
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        width = tbl.tblPr.find(qn("w:tblW"))
        grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
        assert (width.get(qn("w:type")), int(width.get(qn("w:w")))) == ("dxa", sum(grid))
        assert sum(grid) == TABLE_WIDTH
        for row in table.rows:
            cells = [c._tc.tcPr.find(qn("w:tcW")) for c in row.cells]
            assert [c.get(qn("w:type")) for c in cells] == ["dxa"] * len(grid)
            assert [int(c.get(qn("w:w"))) for c in cells] == grid
        # Each unbroken column is as wide as its widest cell.
        texts = [[c.text for c in col.cells] for col in table.columns]
        for i in (0, 2, 3, 4):
            assert grid[i] > max(text_twips(t) for t in texts[i]), texts[i]


def test_column_widths() -> None:
    rows = [["编号", "整改任务", "进度"], ["T01", "很长的标题" * 10, "100%"]]
    widths = column_widths(rows, [True, False, True], fill=1)
    assert sum(widths) == TABLE_WIDTH
    assert widths[0] > text_twips("T01") and widths[2] > text_twips("100%")
    assert widths[1] == TABLE_WIDTH - widths[0] - widths[2]  # the title takes the rest
    # Short text: the unbroken columns keep their width, the title still takes the rest.
    short = column_widths([["编号", "标题"], ["T01", "短"]], [True, False], fill=1)
    assert short[0] < 1000 and sum(short) == TABLE_WIDTH
    # Too much to keep whole: every column shrinks, the total holds.
    many = column_widths([["2025-06-30"] * 12], [True] * 12)
    assert sum(many) == TABLE_WIDTH and len(set(many)) == 1


@pytest.mark.slow
def test_docx_notice_prints_ids_dates_and_percentages_whole(
    ledger: Path, runner: CliRunner, tmp_path: Path
) -> None:
    """LibreOffice prints each notice; pdftotext reads it back line by line: each token the
    notice's table holds is found whole on one line (`T0/1`, `90/%` or `2025-/06-30`, as
    fixed narrow columns printed them, are not)."""
    notice_docs(runner, tmp_path / "n")
    pdfs = tmp_path / "pdf"
    print_with_libreoffice(sorted((tmp_path / "n").glob("*.docx")), pdfs, tmp_path)
    for lead, tokens in TOKENS.items():
        lines = pdf_text(pdfs / f"2025-09-30-{lead}.pdf").splitlines()
        for token in tokens:
            assert any(token in line for line in lines), (lead, token, lines)


# --------------------------------------------------------------------------- HTML


def articles(page: str) -> list[Any]:
    root = parse_html(page)  # strict: a parse error fails the test
    assert_safe_html(root, charts=False)
    return [a for a in root.iter("article") if a.get("class") == "notice"]


def test_html_notices_one_page_each(ledger: Path, runner: CliRunner, tmp_path: Path) -> None:
    page = warn(runner, "--notice", "-f", "html")
    found = articles(page)
    # Worst first: 市水利局 has a red warning and two blue, 县公安局 one red.
    assert [text_of(a).split("预警督办单")[1].split("：")[0].strip() for a in found] == list(TOKENS)
    assert "@page { size: A4;" in page and "break-before: page" in page
    for article, (lead, tokens) in zip(found, TOKENS.items(), strict=True):
        cells = {c for t in html_tables(article) for row in t for c in row}
        assert set(tokens) <= cells, (lead, tokens, cells)
        for td in article.iter("td"):
            if td.text in tokens:
                assert td.get("class") == "keep"  # white-space: nowrap
    # --out x.html: the same page, in one file; --out DIR: a page per department.
    code, _, err = invoke(
        runner, "warn", "--as-of", AS_OF, "--notice", "--out", str(tmp_path / "n.html")
    )
    assert code == 0 and err == f"已写入3份预警督办单：{tmp_path / 'n.html'}\n"
    assert (tmp_path / "n.html").read_text(encoding="utf-8") == page
    out = tmp_path / "dir"
    assert (
        invoke(runner, "warn", "--as-of", AS_OF, "--notice", "-f", "html", "--out", str(out))[0]
        == 0
    )
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"2025-09-30-{lead}.html" for lead in ("县公安局", "市水利局", "市生态环境局")]
    assert len(articles((out / files[0]).read_text(encoding="utf-8"))) == 1


def test_html_notice_text_is_literal(make_ledger: MakeLedger, runner: CliRunner) -> None:
    make_ledger(HOSTILE)
    code, page, err = invoke_en(
        runner, "warn", "--as-of", AS_OF, "--notice", "-f", "html", "--days", "400"
    )
    assert code == 0, err
    (article,) = articles(page)
    assert "To: 局|科 <img src=x>" in text_of(article)


def test_html_without_warnings(make_ledger: MakeLedger, runner: CliRunner) -> None:
    make_ledger(TASKS)
    page = invoke(runner, "warn", "--as-of", "2025-01-02", "--notice", "-f", "html")[1]
    assert articles(page) == []
    assert "截至2025-01-02，没有需要预警的任务。" in text_of(parse_html(page))


@pytest.mark.slow
def test_html_notices_print_a_page_each_in_a_real_browser(
    ledger: Path, runner: CliRunner, tmp_path: Path
) -> None:
    """Chromium prints the notices' page to PDF: a page per notice, in order, each with its
    department and every id, date, percentage and level whole on one line."""
    page = tmp_path / "notices.html"
    assert invoke(runner, "warn", "--as-of", AS_OF, "--notice", "--out", str(page))[0] == 0
    pdf = tmp_path / "notices.pdf"
    run_chromium(tmp_path, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    printed = pdf_text(pdf).rstrip("\f").split("\f")  # pdftotext ends each page with \f
    assert len(printed) == len(TOKENS)
    for text, (lead, tokens) in zip(printed, TOKENS.items(), strict=True):
        lines = text.splitlines()
        assert any(line.strip() == f"{lead}：" for line in lines), lines
        for token in tokens:
            assert any(token in line for line in lines), (lead, token, lines)


def test_short_phrases_stay_whole_in_html() -> None:
    """A reason (92天未更新) is one phrase kept on one line; a phrase too long to keep whole
    wraps, but its numbers and percentages do not; the text stays escaped."""
    from rectify_cli.render.text import html_phrases

    shown = html_phrases("92天未更新；落后序时进度30个百分点以上，<b>")
    assert shown.startswith('<span class="nobr">92天未更新；</span>')
    assert '<span class="nobr">落后序时进度' not in shown  # nine characters: may wrap
    assert "&lt;b&gt;" in shown and "<b>" not in shown
    assert re.sub(r"<[^>]+>", "", shown) == "92天未更新；落后序时进度30个百分点以上，&lt;b&gt;"
