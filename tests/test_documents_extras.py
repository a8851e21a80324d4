"""What issue 9 added to the Markdown report — the petition sentence, the counts of itemisedfrom tests.helpers import NOTICE_LINE, generate, petitions_filecases by finding, status and category, and the `--since` section — in the HTML and Word
reports too, with the same words and numbers as Markdown (issue 10: the same content in
every format)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import pytest
from typer.testing import CliRunner

from rectify_cli.kinds import Category, Finding, Handling
from rectify_cli.ledgers import load_many
from rectify_cli.render.report_docx import report_docx
from rectify_cli.render.report_html import report_html
from rectify_cli.render.rollup_common import change_sections
from rectify_cli.report import build_report
from rectify_cli.report_extend import extend
from tests.conftest import invoke
from tests.helpers import (
    HEADLINE_EN,
    HEADLINE_ZH,
    INDICATORS,
    NOTICE_LINE,
    PETITIONS,
    TASKS,
    assert_header_rows_repeat,
    assert_safe_html,
    docx_tables,
    generate,
    html_tables,
    parse_html,
    petitions_file,
    text_of,
)

AS_OF = "2025-09-30"
NOTICE_LINE_EN = "818 petition cases: all closed or stage-closed"


def headlines(page: str) -> list[str]:
    root = parse_html(page)
    return [text_of(p) for p in root.iter("p") if p.get("class") == "headline"]


def html_report(runner: CliRunner, *args: str) -> str:
    code, out, err = invoke(runner, "report", "--format", "html", *args)
    assert (code, err) == (0, "")
    return out


def docx_report(runner: CliRunner, target: Path, *args: str) -> Any:
    code, out, _ = invoke(runner, "report", "--format", "docx", "--out", str(target), *args)
    assert (code, out) == (0, "")
    return docx.Document(str(target))


def md_tables(text: str) -> list[list[list[str]]]:
    """The Markdown report's tables as cells (header first, the rule line left out); the
    data in these tests holds nothing Markdown escapes."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("| "):
            if not line.startswith("| ---"):
                current.append([c.strip() for c in line.strip("|").split(" | ")])
        elif current:
            tables.append(current)
            current = []
    return tables


# --------------------------------------------------------------------------- the sample


def test_sample_html_has_the_notices_petition_line(sample: Path, runner: CliRunner) -> None:
    assert headlines(html_report(runner, "--as-of", AS_OF)) == [HEADLINE_ZH, NOTICE_LINE]
    assert headlines(html_report(runner, "--as-of", AS_OF, "--lang", "en")) == [
        HEADLINE_EN,
        NOTICE_LINE_EN,
    ]
    # Totals only: no table of cases is drawn (aspects, lead departments, open tasks,
    # indicators).
    root = parse_html(html_report(runner, "--as-of", AS_OF))
    assert [len(rows) - 1 for rows in html_tables(root)] == [7, 8, 3, 30]


def test_sample_docx_has_the_notices_petition_line(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    doc = docx_report(runner, tmp_path / "r.docx", "--as-of", AS_OF)
    paras = [p.text for p in doc.paragraphs if p.text]
    at = paras.index(HEADLINE_ZH)
    assert paras[at + 1] == NOTICE_LINE
    assert len(doc.tables) == 4
    doc = docx_report(runner, tmp_path / "en.docx", "--as-of", AS_OF, "--lang", "en")
    paras = [p.text for p in doc.paragraphs if p.text]
    assert paras[paras.index(HEADLINE_EN) + 1] == NOTICE_LINE_EN


def test_a_ledger_without_petitions_has_no_petition_line(
    make_ledger: Any, runner: CliRunner
) -> None:
    make_ledger()
    page = html_report(runner, "--as-of", AS_OF)
    assert headlines(page) == ["1项整改任务，已完成0项，达到序时进度0项，未达序时进度1项"]
    assert "信访" not in page


# --------------------------------------------------------------------------- itemised cases


@pytest.fixture
def itemised(make_ledger: Any) -> list[dict[str, Any]]:
    root = make_ledger()
    text, cases = generate(240)
    petitions_file(root, text)
    return cases


def expected_counts(cases: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Category label → [cases, 属实, 部分属实, 不属实, 待核实, 办理中, 阶段性办结, 已办结],
    counted here from the generated cases, not by rectify."""
    names = {
        Category.AIR: "大气",
        Category.WATER: "水",
        Category.SOIL: "土壤",
        Category.NOISE: "噪声",
        Category.SOLID_WASTE: "固体废物",
        Category.ECOLOGY: "生态",
        Category.OTHER: "其他",
    }
    out: dict[str, list[str]] = {}
    groups = [(names[c], [x for x in cases if x["category"] is c]) for c in Category]
    for name, mine in [*groups, ("合计", cases)]:
        if not mine:
            continue
        findings = Counter(x["finding"] for x in mine)
        statuses = Counter(x["status"] for x in mine)
        counts = [len(mine), *(findings[f] for f in [*Finding, None])]
        counts += [statuses[h] for h in Handling]
        out[name] = [str(n) for n in counts]
    return out


COUNT_HEADER = [
    "类别",
    "件数",
    "属实",
    "部分属实",
    "不属实",
    "待核实",
    "办理中",
    "阶段性办结",
    "已办结",
]


def test_html_counts_itemised_cases(itemised: list[dict[str, Any]], runner: CliRunner) -> None:
    page = html_report(runner, "--as-of", AS_OF)
    root = parse_html(page)
    assert_safe_html(root)
    tables = [t for t in html_tables(root) if t[0][0] == "类别"]
    assert len(tables) == 1
    header, *body = tables[0]
    assert header == COUNT_HEADER
    assert {r[0]: r[1:] for r in body} == expected_counts(itemised)
    assert body[-1][0] == "合计"
    total_row = [tr for tr in root.iter("tr") if tr.get("class") == "total"][-1]
    assert text_of(next(iter(total_row))) == "合计"
    by_status = Counter(c["status"] for c in itemised)
    sentence = (
        f"省交办的240件信访件，已办结{by_status[Handling.CLOSED]}件，"
        f"阶段性办结{by_status[Handling.STAGE_CLOSED]}件，办理中{by_status[Handling.HANDLING]}件"
    )
    assert headlines(page)[1] == sentence
    h2 = [text_of(h) for h in root.iter("h2")]
    assert "信访件办理情况" in h2


def test_docx_counts_itemised_cases(
    itemised: list[dict[str, Any]], runner: CliRunner, tmp_path: Path
) -> None:
    doc = docx_report(runner, tmp_path / "p.docx", "--as-of", AS_OF)
    assert_header_rows_repeat(doc)
    tables = [t for t in docx_tables(doc) if t[0][0] == "类别"]
    assert len(tables) == 1
    header, *body = tables[0]
    assert header == COUNT_HEADER
    assert {r[0]: r[1:] for r in body} == expected_counts(itemised)
    paras = [p.text for p in doc.paragraphs if p.text]
    assert "信访件办理情况" in paras
    under = paras[paras.index("1项整改任务，已完成0项，达到序时进度0项，未达序时进度1项") + 1]
    assert under.startswith("省交办的240件信访件，已办结")


def test_every_format_says_the_same_about_cases(
    itemised: list[dict[str, Any]], runner: CliRunner, tmp_path: Path
) -> None:
    """The case table of Markdown, HTML and Word, cell for cell; the warning line too."""
    code, md, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "md")
    assert code == 0
    from_md = [t for t in md_tables(md) if t[0][0] == "类别"]
    from_html = html_tables(parse_html(html_report(runner, "--as-of", AS_OF)))
    doc = docx_report(runner, tmp_path / "p.docx", "--as-of", AS_OF)
    from_docx = [t for t in docx_tables(doc) if t[0][0] == "类别"]
    assert from_md == [t for t in from_html if t[0][0] == "类别"] == from_docx
    warn_line = next(ln for ln in md.splitlines() if ln.startswith("信访件预警："))
    assert warn_line in [p.text for p in doc.paragraphs]
    assert warn_line in html_report(runner, "--as-of", AS_OF)


# --------------------------------------------------------------------------- --since


@pytest.fixture
def months(make_ledger: Any) -> Path:
    """tests/test_changes.py's ledger: logs over August and September, readings, cases."""
    root: Path = make_ledger(TASKS, INDICATORS)
    petitions_file(root, PETITIONS)
    return root


SINCE = ("--since", "2025-09-01", "--as-of", "2025-10-31")


def expected_sections(root: Path) -> list[tuple[str, list[list[str]]]]:
    """(heading, header and rows) of each kind of change, from the core and the shared cells."""
    book = load_many([str(root)]).single
    report = extend(
        build_report(book.ledger, dt.date(2025, 10, 31)), book, since=dt.date(2025, 9, 1)
    )
    assert report.changes is not None
    return [(s.title, [s.header, *s.rows]) for s in change_sections(report.changes, "zh")]


def test_html_since_section(months: Path, runner: CliRunner) -> None:
    root = parse_html(html_report(runner, *SINCE))
    assert_safe_html(root)
    h2 = [text_of(h) for h in root.iter("h2")]
    assert h2[-1] == "2025-09-01以来的变化"
    assert "2025-09-01至2025-10-31" in [text_of(p) for p in root.iter("p")]
    expected = expected_sections(months)
    assert [text_of(h) for h in root.iter("h3")] == [title for title, _ in expected]
    assert [title for title, _ in expected] == [
        "事件（9）",
        "新增逾期任务（2）",
        "新增未达序时进度任务（1）",
    ]
    tables = html_tables(root)
    assert tables[-len(expected) :] == [rows for _, rows in expected]
    # The completed task is T2, from its 09-15 entry; nothing older than since.
    completed = ["2025-09-15", "T2", "任务T2", "局T2", "完成", "推进中 → 已完成"]
    assert completed in tables[-len(expected)]
    assert "T4" not in {c for t in tables[-len(expected) :] for r in t for c in r[:2]}


def test_docx_since_section(months: Path, runner: CliRunner, tmp_path: Path) -> None:
    doc = docx_report(runner, tmp_path / "s.docx", *SINCE)
    assert_header_rows_repeat(doc)
    paras = [p.text for p in doc.paragraphs if p.text]
    expected = expected_sections(months)
    at = paras.index("2025-09-01以来的变化")
    assert paras[at + 1] == "2025-09-01至2025-10-31"
    assert paras[at + 2 : at + 2 + len(expected)] == [title for title, _ in expected]
    assert docx_tables(doc)[-len(expected) :] == [rows for _, rows in expected]


def test_since_section_is_the_same_in_markdown(
    months: Path, runner: CliRunner, tmp_path: Path
) -> None:
    code, md, _ = invoke(runner, "report", *SINCE, "-f", "md")
    assert code == 0
    expected = expected_sections(months)
    from_md = md_tables(md[md.index("## 2025-09-01以来的变化") :])
    from_html = html_tables(parse_html(html_report(runner, *SINCE)))[-len(expected) :]
    from_docx = docx_tables(docx_report(runner, tmp_path / "s.docx", *SINCE))[-len(expected) :]
    assert from_md == from_html == from_docx


def test_since_with_nothing_changed(months: Path, runner: CliRunner, tmp_path: Path) -> None:
    args = ("--since", "2025-10-10", "--as-of", "2025-10-31")
    root = parse_html(html_report(runner, *args))
    assert "2025-10-10以来没有记录到变化。" in [text_of(p) for p in root.iter("p")]
    assert list(root.iter("h3")) == []
    doc = docx_report(runner, tmp_path / "n.docx", *args)
    assert "2025-10-10以来没有记录到变化。" in [p.text for p in doc.paragraphs]


def test_without_since_there_is_no_section(months: Path, runner: CliRunner) -> None:
    page = html_report(runner, "--as-of", "2025-10-31")
    assert "以来的变化" not in page


def test_renderers_directly(months: Path) -> None:
    """The renderers take the extended report as it is: no CLI needed."""
    book = load_many([str(months)]).single
    report = build_report(book.ledger, dt.date(2025, 10, 31), "en")
    report = extend(report, book, since=dt.date(2025, 9, 1))
    page = report_html(report)
    assert "<h2>Changes since 2025-09-01</h2>" in page
    assert "<h3>Events (9)</h3>" in page and "<td>Completed</td>" in page
    doc = docx.Document(io.BytesIO(report_docx(report)))
    assert "Changes since 2025-09-01" in [p.text for p in doc.paragraphs]
