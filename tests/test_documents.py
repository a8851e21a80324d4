"""Documents for people who do not read Markdown: the HTML report (parsed by a strict HTML5
parser, and rendered by a real browser), and Word reports and warning notices (re-opened with
python-docx).  The reference check of the report issue runs on both, with its expectations
kept in tests/helpers.py.
"""

from __future__ import annotations

import builtins
import datetime as dt
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import docx
import html5lib
import pytest
from docx.oxml.ns import qn
from typer.testing import CliRunner

from rectify_cli import models
from rectify_cli.errors import EXIT_ERROR
from rectify_cli.i18n import label
from rectify_cli.indicators import last_year_text, last_year_value
from rectify_cli.records import Indicator, of
from rectify_cli.render.report_common import (
    aspect_cells,
    indicator_cells,
    lead_cells,
    open_cells,
)
from rectify_cli.render.report_html import report_html
from rectify_cli.render.text import doc_text
from rectify_cli.report import build_report
from rectify_cli.store import load_ledger
from rectify_cli.warn import notice_filenames
from tests.conftest import invoke, invoke_en
from tests.helpers import (
    AS_OF,
    CJK,
    FIGURES_EN,
    FIGURES_ZH,
    HEADLINE_EN,
    HEADLINE_ZH,
    HOSTILE,
    HOSTILE_INDICATORS,
    HOSTILE_TITLE,
    MIXED,
    SVG,
    assert_header_rows_repeat,
    assert_safe_html,
    docx_tables,
    html_tables,
    ledger_texts,
    parse_html,
    run_chromium,
    sample_counties,
    text_of,
)

MakeLedger = Callable[..., Path]
# Text that means something to a browser, a terminal, rich, a spreadsheet or Word; each must
# come out as the characters written.
NASTY_TITLE = (
    '<script>alert("x")</script> & "q" \\u001b[31mred [bold]b[/] =HYPERLINK("http://e","x")'
)
NASTY_SHOWN = '<script>alert("x")</script> & "q" \\x1b[31mred [bold]b[/] =HYPERLINK("http://e","x")'


def hostile_ledger(make_ledger: MakeLedger) -> Path:
    """The report issue's hostile ledger, its task title swapped for NASTY_TITLE."""
    toml_title = (
        NASTY_TITLE.replace("\\", "\\\\").replace('"', '\\"').replace("\\\\u001b", "\\u001b")
    )
    return make_ledger(HOSTILE.replace(HOSTILE_TITLE, toml_title), HOSTILE_INDICATORS)


# --------------------------------------------------------------------------- HTML parsing


def table_headed(root: Element, first: str) -> list[dict[str, str]]:
    for rows in html_tables(root):
        if rows[0][0] == first:
            return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    raise AssertionError(f"no table headed {first!r}")


def sample_html(runner: CliRunner, *args: str) -> str:
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "--format", "html", *args)
    assert (code, err) == (0, "")
    return out


# --------------------------------------------------------------------------- HTML


def test_html_report_is_strict_html5_with_titled_charts(sample: Path, runner: CliRunner) -> None:
    out = sample_html(runner)
    assert out.startswith("<!DOCTYPE html>\n")
    root = parse_html(out)
    assert_safe_html(root)
    assert root.attrib["lang"] == "zh-CN"
    assert [len(rows) - 1 for rows in html_tables(root)] == [7, 8, 3, 30]  # as in Markdown
    titles = [text_of(t) for t in root.iter(f"{SVG}title") if t.get("id")]
    assert titles == ["任务状态", "各方面完成率（%）", "主要指标与目标、上年比较"]
    assert [text_of(f) for f in root.iter("figcaption")] == titles  # on paper too
    style = text_of(root.find("head/style"))  # type: ignore[arg-type]
    assert "@page { size: A4;" in style
    assert "@media (prefers-color-scheme: dark)" in style and "@media print" in style
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei"' in style


def test_html_reference_check_chinese(sample: Path, runner: CliRunner) -> None:
    root = parse_html(sample_html(runner))
    assert text_of(root.find("body/header/h1")) == (  # type: ignore[arg-type]
        "滨州市贯彻落实第三轮省级生态环境保护督察报告整改方案：整改落实情况"
    )
    headline = root.find(".//p[@class='headline']")
    assert headline is not None and text_of(headline) == HEADLINE_ZH
    rows = {r["指标"]: r for r in table_headed(root, "指标")}
    assert len(rows) == 30
    for name, expected in FIGURES_ZH.items():
        row = rows[name]
        keys = ("数值", "期间", "目标", "同比变化", "全省排名", "改善幅度排名")
        assert tuple(row[k] for k in keys) == expected, name
    assert table_headed(root, "问题方面")[-1]["完成率"] == "88%"
    assert [r["编号"] for r in table_headed(root, "编号")] == ["T07", "T16", "T18"]


def test_html_reference_check_english(sample: Path, runner: CliRunner) -> None:
    root = parse_html(sample_html(runner, "--lang", "en"))
    assert root.attrib["lang"] == "en"
    headline = root.find(".//p[@class='headline']")
    assert headline is not None and text_of(headline) == HEADLINE_EN
    rows = {r["Indicator"]: r for r in table_headed(root, "Indicator")}
    assert set(rows) == set(FIGURES_EN)
    keys = ("Value", "Target", "Year on year", "Province rank", "Rank of improvement")
    for name, expected in FIGURES_EN.items():
        assert tuple(rows[name][k] for k in keys) == expected, name
    assert table_headed(root, "Aspect")[-1] == {
        "Aspect": "Total",
        "Tasks": "24",
        "Done": "21",
        "On schedule": "3",
        "Behind": "0",
        "Overdue": "0",
        "Completion": "88%",
    }


def ledger_data(sample: Path) -> list[str]:
    return ledger_texts(load_ledger(sample))


def no_chinese_labels(text: str, data: list[str]) -> list[str]:
    for piece in data:
        text = text.replace(piece, "")
    return CJK.findall(text)


def test_english_documents_have_no_chinese_labels(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    data = ledger_data(sample)
    root = parse_html(sample_html(runner, "--lang", "en"))
    assert no_chinese_labels("\n".join(root.itertext()), data) == []
    target = tmp_path / "r.docx"
    assert invoke(runner, "report", "--as-of", AS_OF, "--lang", "en", "--out", str(target))[0] == 0
    doc = docx.Document(str(target))
    texts = [p.text for p in doc.paragraphs] + [c for t in docx_tables(doc) for r in t for c in r]
    assert no_chinese_labels("\n".join(texts), data) == []


def chart(root: Element, key: str) -> Element:
    for svg in root.iter(f"{SVG}svg"):
        title = svg.find(f"{SVG}title")
        if title is not None and title.get("id") == f"{key}-title":
            return svg
    raise AssertionError(f"no chart {key}")


def svg_texts(svg: Element) -> list[str]:
    return [text_of(t) for t in svg.iter(f"{SVG}text")]


def test_html_charts_draw_the_reports_numbers_with_words(sample: Path, runner: CliRunner) -> None:
    root = parse_html(sample_html(runner))
    status = chart(root, "chart-status")
    assert [p.get("class") for p in status.iter(f"{SVG}g")] == [
        "part s-completed",
        "part s-on_schedule",
        "legend s-completed",
        "legend s-on_schedule",
    ]
    # Each part says what it is in words, not only by its colour and pattern.
    assert "已完成 21项" in svg_texts(status) and "达到序时进度 3项" in svg_texts(status)
    widths = [
        float(r.get("width", 0)) for r in status.iter(f"{SVG}rect") if r.get("height") == "34"
    ]
    assert widths == [pytest.approx(680 * 21 / 24, abs=0.1), pytest.approx(680 * 3 / 24, abs=0.1)]

    completion = chart(root, "chart-completion")
    bars = [g for g in completion.iter(f"{SVG}g") if g.get("class") == "aspect"]
    assert len(bars) == 6
    assert "75%（3/4项）" in svg_texts(bars[1])  # 黄河流域保护: 3 of 4 done
    assert "“无废城市”建设" in svg_texts(bars[4])

    indicators = chart(root, "chart-indicators")
    groups = [g for g in indicators.iter(f"{SVG}g") if g.get("class") == "indicator"]
    names = [text_of(g.find(f"{SVG}title")) for g in groups]  # type: ignore[arg-type]
    assert names == ["环境空气质量综合指数", "PM2.5浓度", "空气质量优良率", "国控断面优良水体比例"]
    pm25 = svg_texts(groups[1])
    # The value, last year's value worked back from the change, and which way is better.
    assert "30 µg/m³" in pm25 and "36 µg/m³" in pm25
    assert "PM2.5浓度↓ 越低越好改善16.7%" in pm25
    water = svg_texts(groups[3])
    assert "54.5%" in water and "45.4%" in water and "目标" in water
    assert any("达标，高出目标9.1个百分点" in t for t in water)
    note = root.find(".//p[@class='note']")
    assert note is not None and text_of(note) == "上年数值按公布的同比变化推算，仅供比较。"


def test_html_hostile_text_is_literal(make_ledger: MakeLedger, runner: CliRunner) -> None:
    hostile_ledger(make_ledger)
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "-f", "html")
    # The report is written; its control character is a problem `check` names (one line).
    assert (code, err) == (0, "警告：台账有1个问题；运行 rectify check 可查看\n")
    assert "\x1b" not in out
    root = parse_html(out)
    assert_safe_html(root)
    task = table_headed(root, "编号")[0]
    assert task["整改任务"] == NASTY_SHOWN
    assert task["牵头单位"] == "局|科 <img src=x>"
    ind = table_headed(root, "指标")[0]
    assert (ind["指标"], ind["全省排名"]) == ("<b>PM</b> | x", "第2位（<i>|</i>）")
    assert text_of(root.find("head/title")) == "台账 | <b>粗</b>：整改落实情况"  # type: ignore[arg-type]
    meta = root.find(".//p[@class='meta']")
    assert meta is not None and "编制：*办* <i>" in text_of(meta)
    # The aspect's name reaches the chart as text too, quotes and all.
    bar = next(g for g in chart(root, "chart-completion").iter(f"{SVG}g"))
    assert text_of(bar.find(f"{SVG}title")).startswith('A "q" | ```mermaid %% ; # <x>')  # type: ignore[arg-type]


def test_html_out_writes_the_same_page_whole(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    printed = sample_html(runner)
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    # The suffix chooses the format; an existing report is kept unless --force replaces it.
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "--out", str(target))
    assert (code, out) == (2, "")
    assert err == f"错误：{target}：已存在；如需替换，请加 --force\n"
    assert target.read_text(encoding="utf-8") == "old"
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "--out", str(target), "--force")
    assert (code, out) == (0, "")
    assert err == f"已写入报告：{target}\n"
    assert target.read_bytes() == printed.encode("utf-8")
    assert os.listdir(target.parent) == ["report.html"]  # no temporary file left behind
    md = tmp_path / "report.md"
    assert invoke(runner, "report", "--as-of", AS_OF, "--out", str(md))[0] == 0
    assert md.read_text(encoding="utf-8").startswith("# 滨州市")


def test_html_empty_ledger(make_ledger: MakeLedger) -> None:
    ledger = load_ledger(make_ledger('[ledger]\nversion = 1\ntitle = "空台账"\n'))
    root = parse_html(report_html(build_report(ledger, dt.date(2025, 9, 30), "en")))
    assert_safe_html(root)
    assert chart(root, "chart-status") is not None
    assert "Every task is done." in text_of(root) and "No indicators." in text_of(root)
    assert not any(t.get("id") == "chart-indicators-title" for t in root.iter(f"{SVG}title"))


def test_html_shows_behind_and_overdue_in_words(make_ledger: MakeLedger) -> None:
    ledger = load_ledger(make_ledger(MIXED, HOSTILE_INDICATORS))
    root = parse_html(report_html(build_report(ledger, dt.date(2025, 9, 30), "en")))
    assert_safe_html(root)
    cells = {td.get("class"): text_of(td) for td in root.iter("td") if td.get("class")}
    assert cells["h-overdue"] == "overdue" and cells["h-behind"] == "behind schedule"
    assert cells["worsened"] == "worsened 1.5%"
    status = svg_texts(chart(root, "chart-status"))
    assert {"Done 2", "On schedule 1", "Behind 1", "Overdue 1"} <= set(status)
    levels = table_headed(root, "Level")
    assert [r["Level"] for r in levels] == ["red", "yellow", "blue"]


# --------------------------------------------------------------------------- the core


def indicator(**fields: Any) -> Indicator:
    return of(models.Indicator(id="x", name="x", better="lower", **fields))


def test_last_year_is_worked_back_from_the_year_on_year_change(sample: Path) -> None:
    ledger = load_ledger(sample)
    by_id = {i.id: i for i in ledger.indicators}
    assert last_year_value(by_id["pm25"]) == 36
    assert last_year_text(by_id["pm25"], "zh") == "36 µg/m³"
    assert last_year_text(by_id["air_index"], "en") == "4.32"
    assert last_year_text(by_id["good_air_ratio"], "en") == "64.9%"
    # Points are a difference; a bound, another base or no value say nothing of last year.
    assert last_year_value(indicator(value=54.5, change=2.5, change_unit="pt")) == 52.0
    assert last_year_value(indicator(value=30, change=-20, change_bound="above")) is None
    assert last_year_value(indicator(value=30, change=-20, change_basis="2020")) is None
    assert last_year_value(indicator(value=30, value_bound="below", change=-20)) is None
    assert last_year_value(indicator(change=-17.7)) is None
    assert last_year_value(indicator(value=0, change=-100)) is None
    report = build_report(ledger, dt.date(2025, 9, 30))
    assert [r.indicator.id for r in report.indicators if r.compared] == [
        "air_index",
        "pm25",
        "good_air_ratio",
        "water_good_ratio",
    ]
    assert report.status_parts == [("completed", "已完成", 21), ("on_schedule", "达到序时进度", 3)]
    assert report.status_slices == [("已完成", 21), ("达到序时进度", 3)]


def test_doc_text_keeps_documents_well_formed() -> None:
    assert doc_text("a\nb\x1b[31m\ufffe") == "a b\\x1b[31m\\ufffe"


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "-f", "html"], "--format html: this command writes table, json, csv or md"),
        (
            ["show", "T01", "-f", "docx"],
            "--format docx: this command writes table, json, csv or md",
        ),
        (["log", "-f", "html"], "--format html: this command writes table, json, csv or md"),
        (["warn", "-f", "html"], "--format html: this command writes table, json, csv or md"),
        (
            ["warn", "--notice", "-f", "json"],
            "--format json: a warning notice is md, docx, html or pdf",
        ),
        (["warn", "-f", "docx"], "--format docx: writes warning notices; add --notice"),
        (["warn", "--notice", "-f", "docx"], "docx needs --out DIR"),
        (["report", "-f", "docx"], "docx needs --out FILE"),
        (
            ["report", "-f", "table", "--out", "r.txt"],
            "--out: a table is for the terminal; use --format md, html, docx, pdf or json",
        ),
    ],
)
def test_formats_a_command_does_not_write_are_refused(
    sample: Path, runner: CliRunner, args: list[str], message: str
) -> None:
    code, out, err = invoke_en(runner, *args)
    assert (code, out, err) == (EXIT_ERROR, "", f"Error: {message}\n")


# --------------------------------------------------------------------------- Word


def run_fonts(run: Any) -> tuple[str | None, str | None]:
    rfonts = run._r.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:ascii")), rfonts.get(qn("w:eastAsia"))


def assert_official_layout(doc: Any, office: str, year: int) -> list[str]:
    """Office at the head, the document number, A4, Chinese fonts; returns the paragraphs
    that have text."""
    paras = [p.text for p in doc.paragraphs if p.text]
    assert paras[:2] == [office, f"〔{year}〕　号"]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert (normal.get(qn("w:ascii")), normal.get(qn("w:eastAsia"))) == ("Times New Roman", "仿宋")
    body = [r for p in doc.paragraphs for r in p.runs if r.text]
    assert {run_fonts(r)[1] for r in body} <= {"仿宋", "宋体", "黑体"}
    assert all(run_fonts(r)[0] for r in body)  # a Latin font beside every East Asian one
    assert_header_rows_repeat(doc)
    return paras


def test_docx_report(sample: Path, runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "-f", "docx", "--out", str(target))
    assert (code, out, err) == (0, "", f"已写入报告：{target}\n")
    doc = docx.Document(str(target))
    office = "滨州市生态环境保护工作委员会办公室"
    paras = assert_official_layout(doc, office, 2025)
    assert "滨州市贯彻落实第三轮省级生态环境保护督察报告整改方案：整改落实情况" in paras
    assert HEADLINE_ZH in paras
    assert paras[-2:] == [office, "2025年9月30日"]  # signed and dated at the foot
    # Every row of every table, as the shared cell builders make them.
    report = build_report(load_ledger(sample), dt.date(2025, 9, 30))
    aspects, leads, open_tasks, indicators = docx_tables(doc)
    assert aspects[1:-1] == [aspect_cells(r) for r in report.aspects]
    assert aspects[-1][:2] == ["合计", "24"]
    assert leads[1:-1] == [lead_cells(r) for r in report.leads]
    assert leads[-1] == ["合计", "24", "21", "3", "0", "0", "88%", "0", "0", "0"]
    assert open_tasks[1:] == [open_cells(r, report) for r in report.open_tasks]
    assert indicators[1:] == [indicator_cells(r) for r in report.indicators]
    # The reference check, on the Word tables.
    rows = {r[0]: dict(zip(indicators[0], r, strict=True)) for r in indicators[1:]}
    for name, expected in FIGURES_ZH.items():
        keys = ("数值", "期间", "目标", "同比变化", "全省排名", "改善幅度排名")
        assert tuple(rows[name][k] for k in keys) == expected, name
    assert doc.core_properties.author == office


def test_docx_report_english_reference_check(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "report.docx"
    args = ("report", "--as-of", AS_OF, "--lang", "en", "--out", str(target))
    assert invoke(runner, *args)[0] == 0
    doc = docx.Document(str(target))
    assert HEADLINE_EN in [p.text for p in doc.paragraphs]
    assert doc.paragraphs[1].text == "Ref. [2025] No. ___"
    indicators = docx_tables(doc)[3]
    rows = {r[0]: dict(zip(indicators[0], r, strict=True)) for r in indicators[1:]}
    keys = ("Value", "Target", "Year on year", "Province rank", "Rank of improvement")
    for name, expected in FIGURES_EN.items():
        assert tuple(rows[name][k] for k in keys) == expected, name


def test_docx_hostile_text_is_literal(
    make_ledger: MakeLedger, runner: CliRunner, tmp_path: Path
) -> None:
    hostile_ledger(make_ledger)
    target = tmp_path / "h.docx"
    code, _, err = invoke(runner, "report", "--as-of", AS_OF, "--out", str(target))
    assert code == 0, err
    doc = docx.Document(str(target))
    open_tasks = docx_tables(doc)[2]
    assert open_tasks[1][1:3] == [NASTY_SHOWN, "局|科 <img src=x>"]
    assert docx_tables(doc)[3][1][0] == "<b>PM</b> | x"
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "*办* <i>" and "台账 | <b>粗</b>：整改落实情况" in paras
    # Nothing became a link or a field: the only field is the footer's page number.
    body = doc.element.xml
    assert "w:hyperlink" not in body and "w:instrText" not in body and "w:fldSimple" not in body


def notices(runner: CliRunner, out: Path, *args: str) -> dict[str, Any]:
    code, stdout, err = invoke(runner, "warn", "--notice", "-f", "docx", "--out", str(out), *args)
    assert (code, stdout) == (0, ""), err
    return {p.name: docx.Document(str(p)) for p in sorted(out.iterdir())}


def test_docx_notices_one_per_lead(
    make_ledger: MakeLedger, runner: CliRunner, tmp_path: Path
) -> None:
    make_ledger(MIXED.replace('title = "测试台账"', 'title = "测试台账"\nissued_by = "市整改办"'))
    docs = notices(runner, tmp_path / "n", "--as-of", AS_OF)
    assert sorted(docs) == sorted(
        notice_filenames(["市生态环境局", "市水利局"], dt.date(2025, 9, 30), ".docx").values()
    )
    water = docs["2025-09-30-市水利局.docx"]
    paras = assert_official_layout(water, "市整改办", 2025)
    assert paras[2:4] == ["预警督办单", "市水利局："]  # the title, then the addressee
    assert (
        "回复时限：2025年10月11日" in paras
    )  # three working days: the National Day week skipped, Saturday 11 October a 调休 workday
    assert any(
        p.startswith("请于2025年10月11日前") and p.endswith("书面报送市整改办。") for p in paras
    )
    assert paras[-2:] == ["市整改办", "2025年9月30日"]
    (table,) = docx_tables(water)
    assert table[0] == ["编号", "整改任务", "整改时限", "进度", "预警级别", "预警原因", "整改要求"]
    assert [r[0] for r in table[1:]] == ["T2", "T5"]
    assert table[1][4:6] == ["红色预警", "逾期92天；272天未更新"]
    env = docs["2025-09-30-市生态环境局.docx"]
    assert [p.text for p in env.paragraphs if p.text][3] == "市生态环境局："
    assert [r[0] for r in docx_tables(env)[0][1:]] == ["T1"]


def test_docx_notices_english_and_hostile(
    make_ledger: MakeLedger, runner: CliRunner, tmp_path: Path
) -> None:
    hostile_ledger(make_ledger)
    docs = notices(runner, tmp_path / "n", "--as-of", AS_OF, "--lang", "en", "--days", "400")
    (name,) = docs
    lead = "局|科\n<img src=x>"
    assert name == notice_filenames([lead], dt.date(2025, 9, 30), ".docx")[lead]
    assert name == "2025-09-30-局_科__img src=x_.docx"  # nothing Windows refuses
    paras = [p.text for p in docs[name].paragraphs if p.text]
    assert paras[2:4] == ["Warning notice", "To: 局|科 <img src=x>"]
    assert paras[4] == "Re: 台账 | <b>粗</b>"
    assert "Reply by: 2025-10-11" in paras
    (table,) = docx_tables(docs[name])
    assert table[1][:2] == ["T1", NASTY_SHOWN]


def test_missing_python_docx_says_how_to_install_it(
    sample: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_docx(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "docx" or name.startswith("docx."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_docx)
    target = tmp_path / "r.docx"
    code, out, err = invoke_en(runner, "report", "--out", str(target))
    assert (code, out) == (EXIT_ERROR, "")
    assert err == "Error: docx needs python-docx: pip install 'rectify[docs]'\n"
    assert not target.exists()
    code, _, err = invoke(
        runner,
        "warn",
        "--notice",
        "-f",
        "docx",
        "--out",
        str(tmp_path / "n"),
        "--as-of",
        "2026-01-01",
    )
    # In the ledger's language, like every message.
    assert (code, err) == (
        EXIT_ERROR,
        "错误：输出 docx 需要 python-docx：pip install 'rectify[docs]'\n",
    )
    assert not (tmp_path / "n").exists()  # nothing is written before every notice is built
    # HTML needs nothing extra.
    assert invoke_en(runner, "report", "--out", str(tmp_path / "r.html"))[0] == 0


# --------------------------------------------------------------------------- the browser


def png_pixels(data: bytes) -> tuple[int, int, Iterator[bytes]]:
    """Width, height and the rows of an 8-bit RGB(A) PNG, unfiltered (RFC 2083, 6.2)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = bpp = 0
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    raw = zlib.decompress(idat)
    stride = width * bpp

    def rows() -> Iterator[bytes]:
        prev = bytearray(stride)
        for y in range(height):
            start = y * (stride + 1)
            kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
            if kind == 1:
                for i in range(bpp, stride):
                    line[i] = (line[i] + line[i - bpp]) & 0xFF
            elif kind == 2:
                line = bytearray(map(lambda a, b: (a + b) & 0xFF, line, prev))
            elif kind == 3:
                for i in range(stride):
                    left = line[i - bpp] if i >= bpp else 0
                    line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
            elif kind == 4:
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                    line[i] = (line[i] + pred) & 0xFF
            yield bytes(line)
            prev = line

    return width, height, rows()


@pytest.mark.slow
def test_html_report_in_a_real_browser(sample: Path, runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert invoke(runner, "report", "--as-of", AS_OF, "--out", str(page))[0] == 0
    dom = run_chromium(tmp_path, page, "--dump-dom").stdout
    root = html5lib.parse(dom, namespaceHTMLElements=False)
    text = text_of(root)
    assert HEADLINE_ZH in text
    titles = [text_of(t) for t in root.iter(f"{SVG}title") if t.get("id")]
    assert titles == [
        label("report.chart.status", "zh"),
        label("report.chart.completion", "zh"),
        label("chart.indicators", "zh"),
    ]
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "aspect"]) == 6

    shot = tmp_path / "shot.png"
    run_chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=794,1123")
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (794, 1123)
    colours: set[bytes] = set()
    inked = 0
    for line in rows:
        pixels = {line[i : i + 3] for i in range(0, len(line), len(line) // width)}
        colours |= pixels
        inked += len(pixels) > 1
    # Not blank: many colours (text, bars, patterns), on a good share of the page's lines.
    assert len(colours) > 50, len(colours)
    assert inked > height // 4, inked


def console_lines(stderr: str) -> list[str]:
    """What a page wrote to the browser's console (chromium logs it as `CONSOLE` lines)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.mark.slow
def test_rollup_html_in_a_real_browser(sample: Path, runner: CliRunner, tmp_path: Path) -> None:
    counties = sample_counties(sample)
    page = tmp_path / "rollup.html"
    code, _, err = invoke(
        runner, "report", "-l", f"{counties}/*", "--as-of", AS_OF, "--out", str(page)
    )
    assert (code, err) == (0, f"已写入报告：{page}\n")
    # The check can fail: a page that writes to the console is caught.
    noisy = tmp_path / "noisy.html"
    noisy.write_text(
        "<!DOCTYPE html><title>x</title><script>console.error('x')</script>", encoding="utf-8"
    )
    assert console_lines(
        run_chromium(tmp_path, noisy, "--enable-logging=stderr", "--dump-dom").stderr
    )

    shown = run_chromium(tmp_path, page, "--enable-logging=stderr", "--dump-dom")
    assert console_lines(shown.stderr) == []
    root = html5lib.parse(shown.stdout, namespaceHTMLElements=False)
    # The roll-up table first: a row per ledger and the total.
    rows = table_headed(root, label("ledger", "zh"))
    assert [r[label("ledger", "zh")] for r in rows] == ["boxing", "zouping", "合计"]
    assert [r[label("tasks_count", "zh")] for r in rows] == ["24", "24", "48"]
    # Then each ledger's own report, in its own section, charts and all.
    sections = [s for s in root.iter("section") if s.get("class") == "ledger"]
    assert len(sections) == 2
    for name, section in zip(("boxing", "zouping"), sections, strict=True):
        (title,) = list(section.iter("h2"))
        assert f"（{name}）" in text_of(title)
        assert HEADLINE_ZH in text_of(section)
        assert len([g for g in section.iter(f"{SVG}g") if g.get("class") == "aspect"]) == 6
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and ids
