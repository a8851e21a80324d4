"""`rectify report`: the Report model, the reference check against the published notice, and
every format (Markdown parsed by a real CommonMark/GFM parser, terminal at fixed widths, JSON).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from rectify_cli.errors import EXIT_ERROR, UsageError
from rectify_cli.i18n import Lang, label
from rectify_cli.records import Ledger
from rectify_cli.render.report_common import lead_cells, lead_total_cells, open_cells
from rectify_cli.render.report_md import mermaid_text, report_markdown
from rectify_cli.render.report_terminal import report_renderable
from rectify_cli.report import Counts, Report, build_report
from rectify_cli.schedule import Level, latest_progress
from rectify_cli.store import load_ledger
from rectify_cli.warn import find
from tests.conftest import invoke, invoke_en
from tests.helpers import (
    AS_OF,
    CJK,
    FIGURES_EN,
    FIGURES_ZH,
    HOSTILE,
    HOSTILE_INDICATORS,
    HOSTILE_TITLE,
    MIXED,
    ledger_texts,
)

MakeLedger = Callable[..., Path]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --------------------------------------------------------------------------- Markdown parsing


def markdown() -> MarkdownIt:
    # GitHub's tables on CommonMark ("gfm-like" would also need linkify-it-py).
    return MarkdownIt("commonmark").enable("table")


@dataclass
class Rendered:
    """What a reader sees: the HTML's tables (cell text), paragraphs and tags."""

    tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)

    def table(self, first_header: str) -> list[dict[str, str]]:
        for head, body in self.tables:
            if head[0] == first_header:
                return [dict(zip(head, row, strict=True)) for row in body]
        raise AssertionError(f"no table headed {first_header!r} in {self.tables}")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Rendered()
        self.text: list[str] | None = None
        self.row: list[str] = []
        self.head: list[str] = []
        self.body: list[list[str]] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.out.tags.add(tag)
        if tag in ("td", "th", "p", "h1", "h2"):
            self.text = []
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = []
        elif tag == "table":
            self.head, self.body = [], []

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self.text or [])
        if tag in ("td", "th"):
            self.row.append(text)
        elif tag == "p":
            self.out.paragraphs.append(text)
        elif tag in ("h1", "h2"):
            self.out.headings.append(text)
        elif tag == "thead":
            self.in_head = False
        elif tag == "tr":
            if self.in_head:
                self.head = self.row
            else:
                self.body.append(self.row)
        elif tag == "table":
            self.out.tables.append((self.head, self.body))
        if tag in ("td", "th", "p", "h1", "h2"):
            self.text = None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def render(text: str) -> Rendered:
    reader = _Reader()
    reader.feed(markdown().render(text))
    return reader.out


def _split_row(line: str) -> list[str]:
    """Cells of a table line split as markdown-it splits them (a backslash escapes a pipe)."""
    cells, current, escaped = [], "", False
    for ch in line.strip():
        if ch == "|" and not escaped:
            cells.append(current)
            current = ""
        else:
            current += ch
        escaped = ch == "\\"
    cells.append(current)
    return cells[1:-1]  # the outer pipes


def assert_tables_keep_shape(text: str) -> list[int]:
    """Every table line (header, delimiter, rows) has the header's number of cells: a parser
    silently drops extra cells, so the source lines are counted.  Returns the body sizes."""
    lines = text.splitlines()
    sizes = []
    for token in markdown().parse(text):
        if token.type != "table_open":
            continue
        assert token.map is not None
        start, end = token.map
        width = len(_split_row(lines[start]))
        for line in lines[start:end]:
            assert len(_split_row(line)) == width, line
        sizes.append(end - start - 2)
    return sizes


# --------------------------------------------------------------------------- the model


def sample_ledger(sample: Path) -> Ledger:
    return load_ledger(sample)


def test_counts_of_the_sample(sample: Path) -> None:
    report = build_report(sample_ledger(sample), dt.date(2025, 9, 30))
    assert report.counts == Counts(tasks=24, completed=21, on_schedule=3)
    assert report.headline == (
        "第三轮省级生态环境保护督察反馈的24项整改任务，已完成21项，达到序时进度3项"
    )
    assert [a.aspect.id for a in report.aspects] == ["A1", "A2", "A3", "A4", "A5", "A6"]
    assert sum(a.counts.tasks for a in report.aspects) == 24
    assert [r.task.id for r in report.open_tasks] == ["T07", "T16", "T18"]
    assert report.warnings == {Level.RED: 0, Level.YELLOW: 0, Level.BLUE: 0}
    assert report.counts.completion_text == "88%"  # 87.5 rounds up, as people round


def test_english_headline(sample: Path) -> None:
    report = build_report(sample_ledger(sample), dt.date(2025, 9, 30), "en")
    assert report.headline == "24 rectification tasks: 21 completed, 3 on schedule"


def test_headline_adds_behind_overdue_and_signed_off_only_when_nonzero(
    make_ledger: MakeLedger,
) -> None:
    ledger = load_ledger(make_ledger(MIXED))
    report = build_report(ledger, dt.date(2025, 9, 30), "zh")
    assert report.counts == Counts(
        tasks=5, completed=2, signed_off=1, on_schedule=1, behind=1, overdue=1
    )
    assert report.headline == (
        "5项整改任务，已完成2项（其中已销号1项），达到序时进度1项，未达序时进度1项，逾期1项"
    )
    en = build_report(ledger, dt.date(2025, 9, 30), "en")
    assert en.headline == (
        "5 rectification tasks: 2 completed (1 signed off), 1 on schedule, "
        "1 behind schedule, 1 overdue"
    )
    # Worst schedule first: overdue, then behind, then on schedule.
    assert [r.task.id for r in report.open_tasks] == ["T2", "T1", "T5"]
    assert report.warnings[Level.RED] == 1
    assert report.warnings[Level.YELLOW] == 1


def test_aspect_filter_by_id_or_name(sample: Path) -> None:
    ledger = sample_ledger(sample)
    by_id = build_report(ledger, dt.date(2025, 9, 30), "en", "A3")
    by_name = build_report(ledger, dt.date(2025, 9, 30), "en", "守护蓝天")
    assert by_id == by_name
    assert by_id.headline == "4 rectification tasks in 守护蓝天: 4 completed, 0 on schedule"
    assert [a.aspect.id for a in by_id.aspects] == ["A3"]
    # The indicators the aspect's tasks name, and no others.
    named = {i for t in ledger.tasks if t.aspect == "A3" for i in t.indicators}
    assert {r.indicator.id for r in by_id.indicators} == named
    assert "pm25" in named and "water_good_ratio" not in named
    with pytest.raises(UsageError, match=r"no aspect 'A33'; did you mean A3\?"):
        build_report(ledger, dt.date(2025, 9, 30), "en", "A33")


# --------------------------------------------------------------------------- reference check


def test_reference_check_english(sample: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "--format", "md", "--lang", "en")
    assert (code, err) == (0, "")
    seen = render(out)
    assert "24 rectification tasks: 21 completed, 3 on schedule" in seen.paragraphs
    rows = {r["Indicator"]: r for r in seen.table("Indicator")}
    assert set(rows) == set(FIGURES_EN)
    for name, (value, target, change, rank, change_rank) in FIGURES_EN.items():
        row = rows[name]
        got = (
            row["Value"],
            row["Target"],
            row["Year on year"],
            row["Province rank"],
            row["Rank of improvement"],
        )
        assert got == (value, target, change, rank, change_rank), name
    totals = seen.table("Aspect")[-1]
    assert totals == {
        "Aspect": "Total",
        "Tasks": "24",
        "Done": "21",
        "On schedule": "3",
        "Behind": "0",
        "Overdue": "0",
        "Completion": "88%",
    }


def test_reference_check_chinese(sample: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "--format", "md")
    assert code == 0
    seen = render(out)
    assert seen.headings[0] == (
        "滨州市贯彻落实第三轮省级生态环境保护督察报告整改方案：整改落实情况"
    )
    assert (
        "第三轮省级生态环境保护督察反馈的24项整改任务，已完成21项，达到序时进度3项"
        in seen.paragraphs
    )
    assert "数据截至2025年9月30日\n编制：滨州市生态环境保护工作委员会办公室" in seen.paragraphs
    rows = {r["指标"]: r for r in seen.table("指标")}
    assert len(rows) == 30
    for name, expected in FIGURES_ZH.items():
        row = rows[name]
        got = tuple(
            row[k] for k in ("数值", "期间", "目标", "同比变化", "全省排名", "改善幅度排名")
        )
        assert got == expected, name
    open_rows = seen.table("编号")
    assert [(r["编号"], r["整改时限"], r["序时进度"]) for r in open_rows] == [
        ("T07", "长期坚持", "达到序时进度"),
        ("T16", "长期坚持", "达到序时进度"),
        ("T18", "长期坚持", "达到序时进度"),
    ]
    assert "没有需要预警的任务。" in seen.paragraphs


def test_markdown_when_piped_and_no_ansi(sample: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF)  # CliRunner is not a tty
    assert code == 0
    assert out.startswith("# 滨州市")
    assert "\x1b" not in out
    assert assert_tables_keep_shape(out) == [7, 8, 3, 30]


def test_english_report_has_no_chinese_labels(sample: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(
        runner, "report", "--as-of", "2026-01-01", "--format", "md", "--lang", "en", "--charts"
    )
    assert code == 0
    ledger = sample_ledger(sample)
    # Data may be Chinese (titles, names, units); take every piece of it out, then no CJK
    # character may be left: what remains are labels.
    data = ledger_texts(ledger)
    text = "\n".join(
        [*render(out).paragraphs, *render(out).headings]
        + [c for head, body in render(out).tables for c in head + [x for r in body for x in r]]
    )
    for piece in sorted(filter(None, data), key=len, reverse=True):
        text = text.replace(piece, "")
    assert CJK.findall(text) == []
    # The charts' labels are English too.
    charts = out[out.index("```mermaid") :]
    for piece in sorted(filter(None, data), key=len, reverse=True):
        charts = charts.replace(mermaid_text(piece), "")
    assert CJK.findall(charts) == []
    assert "Warnings" in out and "blue" in out  # stale tasks by 2026


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_keeps_markdown_tables_and_html_safe(
    make_ledger: MakeLedger, runner: CliRunner
) -> None:
    make_ledger(HOSTILE, HOSTILE_INDICATORS)
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "-f", "md", "--charts")
    assert (code, err) == (0, "")
    # aspects (one aspect: no total row), leads (two and the total), open tasks, indicators,
    # warnings
    assert assert_tables_keep_shape(out) == [1, 3, 1, 1, 3]
    html = markdown().render(out)
    seen = render(out)
    assert seen.tags <= {"h1", "h2", "p", "strong", "br", "table", "thead", "tbody", "tr"} | {
        "th",
        "td",
        "pre",
        "code",
    }
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    title = "a | b <script>alert(1)</script> *x* `y` \\| [l](http://e) # end"
    task = seen.table("编号")[0]
    assert task["整改任务"] == title
    assert task["牵头单位"] == "局|科 <img src=x>"
    assert seen.table("指标")[0]["指标"] == "<b>PM</b> | x"
    assert seen.table("指标")[0]["数值"] == "3 |u*"
    assert seen.table("指标")[0]["同比变化"] == "恶化1.5%"
    assert seen.table("指标")[0]["全省排名"] == "第2位（<i>|</i>）"
    assert seen.headings[0] == "台账 | <b>粗</b>：整改落实情况"
    assert "| 反馈的2项整改任务，已完成1项，达到序时进度0项，未达序时进度1项" in seen.paragraphs
    # Two Mermaid blocks, each intact: the name cannot close the string or the fence.
    fences = [t for t in markdown().parse(out) if t.type == "fence"]
    assert [f.info for f in fences] == ["mermaid", "mermaid"]
    axis = next(line for line in fences[1].content.splitlines() if "x-axis" in line)
    assert axis.count('"') == 2
    assert "%%" not in fences[1].content and "<" not in fences[1].content


def test_hostile_text_is_literal_on_the_terminal(make_ledger: MakeLedger) -> None:
    tasks = HOSTILE.replace(HOSTILE_TITLE, "[bold red]x[/] \\u001b[31mred").replace(
        'title = "台账', 'title = "\\u001b[2J台账'
    )
    ledger = load_ledger(make_ledger(tasks, HOSTILE_INDICATORS))
    report = build_report(ledger, dt.date(2025, 9, 30))
    out = terminal_text(report, 160)
    assert "[bold red]x[/]" in out
    assert "\\x1b[31mred" in out
    assert "\\x1b[2J台账" in out  # the ledger title too
    assert "\x1b" not in out


# --------------------------------------------------------------------------- terminal


def terminal_text(report: Report, width: int, *, colour: bool = False) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=colour,
        color_system="standard" if colour else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(report_renderable(report, width=width))
    return buf.getvalue()


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_terminal_report_fits_the_width(
    sample: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    lang: Lang,
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "table", "--lang", lang)
    assert code == 0
    assert "\x1b" not in out  # piped: no colour
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert max(cell_len(line) for line in lines) >= width - 10  # the tables use the room
    flat = "".join(line.strip() for line in lines)
    for word in ("5.6360", "73.6%", "30 µg/m³") if lang == "en" else ("改善16.7%", "第8位"):
        assert word in flat or word in out
    # The lead summary's ten columns all fit, none cropped: its total line (the second) ends
    # with the warnings of the three levels.
    totals = [line.split() for line in lines if line.split()[:1] == [label("report.total", lang)]]
    numbers = [t for t in totals[1][1:] if re.fullmatch(r"\d+%?", t)]
    assert numbers == ["24", "21", "3", "0", "0", "88%", "0", "0", "0"]


def test_terminal_colours_carry_words_and_still_fit(sample: Path) -> None:
    report = build_report(sample_ledger(sample), dt.date(2025, 9, 30))
    out = terminal_text(report, 80, colour=True)
    plain = ANSI.sub("", out)
    assert max(cell_len(line) for line in plain.splitlines()) <= 80
    assert "\x1b[32m改善16.7%" in out  # improved: green, and the word says it
    assert "\x1b[32m45.4%" in out  # target met
    assert "达到序时进度" in plain
    assert "█" in plain  # the completion bars


def test_terminal_worsened_is_red_and_warnings_are_counted(make_ledger: MakeLedger) -> None:
    ledger = load_ledger(make_ledger(MIXED, HOSTILE_INDICATORS))
    report = build_report(ledger, dt.date(2025, 9, 30), "en")
    out = terminal_text(report, 100, colour=True)
    assert "\x1b[1;31mworsened 1.5%" in out
    plain = ANSI.sub("", out)
    assert "red 1   yellow 1   blue 1" in plain  # T5: no update since its start
    assert "overdue" in plain and "behind schedule" in plain


# --------------------------------------------------------------------------- options


def test_aspect_option(sample: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "md", "--aspect", "守护蓝天")
    assert code == 0
    seen = render(out)
    assert (
        "第三轮省级生态环境保护督察反馈的守护蓝天方面4项整改任务，已完成4项，达到序时进度0项"
        in (seen.paragraphs)
    )
    assert [r["问题方面"] for r in seen.table("问题方面")] == ["守护蓝天"]
    assert "全部任务已完成。" in seen.paragraphs
    assert "PM2.5浓度" in {r["指标"] for r in seen.table("指标")}
    code, _, err = invoke_en(runner, "report", "--aspect", "A9")
    assert code == EXIT_ERROR
    assert err == "Error: --aspect: no aspect 'A9'; did you mean A1?\n"


def test_charts_option(sample: Path, runner: CliRunner) -> None:
    code, plain, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "md")
    assert code == 0 and "mermaid" not in plain
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "md", "--charts")
    fences = [t for t in markdown().parse(out) if t.type == "fence"]
    assert [f.info for f in fences] == ["mermaid", "mermaid"]
    assert fences[0].content == 'pie title 任务状态\n    "已完成" : 21\n    "达到序时进度" : 3\n'
    assert "    bar [100, 75, 100, 75, 75, 100]\n" in fences[1].content
    assert '"“无废城市”建设"' in fences[1].content
    assert out.startswith(plain.rstrip("\n"))  # charts come after the same report


def test_json_format(sample: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == [
        "title",
        "issued_by",
        "as_of",
        "data_as_of",
        "lang",
        "aspect",
        "headline",
        "counts",
        "aspects",
        "leads",
        "open_tasks",
        "indicators",
        "warnings",
        "petitions",
        "changes",
    ]
    assert data["petitions"]["headline"] == "省交办的818件信访件，已全部办结或阶段性办结"
    assert data["changes"] is None
    assert data["counts"] == {
        "tasks": 24,
        "completed": 21,
        "signed_off": 0,
        "on_schedule": 3,
        "behind": 0,
        "overdue": 0,
        "postponed": 0,
        "cancelled": 0,
        "merged": 0,
        "completion": 87.5,
    }
    assert data["as_of"] == AS_OF
    assert data["warnings"] == {"red": 0, "yellow": 0, "blue": 0}
    assert [t["id"] for t in data["open_tasks"]] == ["T07", "T16", "T18"]
    assert data["open_tasks"][0]["health"] == "on_schedule"
    assert data["open_tasks"][0]["latest_progress"] == {
        "date": "2025-09-30",
        "note": "据整改落实情况公开：达到序时进度",
    }
    assert data["leads"][0] == {
        "lead": "市生态环境局",
        "tasks": 11,
        "completed": 9,
        "signed_off": 0,
        "on_schedule": 2,
        "behind": 0,
        "overdue": 0,
        "postponed": 0,
        "cancelled": 0,
        "merged": 0,
        "completion": 81.8,
        "warnings": {"red": 0, "yellow": 0, "blue": 0},
    }
    by_id = {i["id"]: i for i in data["indicators"]}
    assert by_id["pm25"]["direction"] == "improved"
    assert by_id["pm25"]["value"] == 30
    assert by_id["pm25"]["rank"] == 8
    assert by_id["water_good_ratio"]["target_met"] is True
    assert by_id["city_water_index"]["value_text"] == "5.6360"
    assert by_id["heavy_pollution_days"]["direction"] is None
    # No change published: the one the two figures prove (由75%以上下降至65%以下).
    share = by_id["yellow_river_share"]
    assert (share["change"], share["proven_change"], share["proven_change_unit"]) == (
        None,
        -10,
        "pt",
    )
    assert share["proven_change_bound"] == "above"
    assert share["change_text"] == "较2024年（75%以上）下降10个百分点以上"
    assert by_id["pm25"]["proven_change"] is None  # published: printed as published


def test_csv_is_refused_with_a_sentence(sample: Path, runner: CliRunner) -> None:
    code, out, err = invoke_en(runner, "report", "-f", "csv")
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith("Error: --format csv: a report has several tables")


def test_bad_as_of_and_lang(sample: Path, runner: CliRunner) -> None:
    code, _, err = invoke(runner, "report", "--as-of", "2025/09/31")
    assert code == EXIT_ERROR and "--as-of" in err
    code, _, err = invoke(runner, "report", "--lang", "fr")
    assert code == EXIT_ERROR and "--lang" in err


def test_empty_ledger_report(make_ledger: MakeLedger) -> None:
    tasks = '[ledger]\nversion = 1\ntitle = "空台账"\n'
    report = build_report(load_ledger(make_ledger(tasks)), dt.date(2025, 9, 30), "en")
    assert report.headline == "0 rectification tasks: 0 completed, 0 on schedule"
    out = report_markdown(report, charts=True)
    assert "Every task is done." in out and "No indicators." in out
    assert assert_tables_keep_shape(out) == [0]
    assert max(cell_len(line) for line in terminal_text(report, 80).splitlines()) <= 80


def test_data_date_is_the_ledgers_and_the_judging_day_is_said_when_different(
    runner: CliRunner, sample: Path
) -> None:
    code, out, _ = invoke(runner, "report", "--format", "md", "--as-of", "2025-09-30")
    assert code == 0
    assert "数据截至2025年9月30日\\\n" in out
    assert "评估日期" not in out
    code, out, _ = invoke(runner, "report", "--format", "md", "--as-of", "2025-12-01")
    assert "数据截至2025年9月30日，序时进度评估日期2025年12月1日" in out
    code, out, _ = invoke(runner, "report", "-f", "md", "--as-of", "2025-12-01", "--lang", "en")
    assert "Data as of 2025-09-30; schedule judged as of 2025-12-01" in out


@pytest.mark.parametrize("name", ["r.xlsx", "r.txt", "r.odt"])
def test_an_out_suffix_rectify_does_not_write_is_refused(
    runner: CliRunner, sample: Path, tmp_path: Path, name: str
) -> None:
    """`report --out r.xlsx` used to write Markdown under that name and exit 0 (issue 20)."""
    out = tmp_path / name
    code, stdout, err = invoke_en(runner, "report", "--out", str(out))
    assert (code, stdout) == (2, "")
    assert err == (
        f"Error: --out {name}: rectify writes a report as .html, .htm, .docx, .pdf, .md, .json; "
        "or say which with --format\n"
    )
    assert not out.exists()
    code, _, _ = invoke_en(runner, "report", "--out", str(out), "--format", "md")
    assert code == 0 and out.read_text(encoding="utf-8").startswith("# ")


def test_summary_by_lead_department(make_ledger: MakeLedger) -> None:
    # MIXED, plus a cancelled task of a third department that has no task left in the plan.
    tasks = MIXED + textwrap.dedent(
        """
        [[tasks]]
        id = "T6"
        aspect = "A1"
        title = "已撤销"
        lead = "市住建局"
        deadline = 2025-06-30
        status = "cancelled"
        """
    )
    ledger = load_ledger(make_ledger(tasks))
    report = build_report(ledger, dt.date(2025, 9, 30), "zh")
    # Most tasks first; the cancelled task's department has none in the plan and no row.
    assert [r.lead for r in report.leads] == ["市水利局", "市生态环境局"]
    water, env = report.leads
    assert water.counts == Counts(tasks=4, completed=2, signed_off=1, on_schedule=1, overdue=1)
    assert env.counts == Counts(tasks=1, behind=1)
    # The warnings `rectify warn` gives each department.
    # T2 overdue (red), T5 with no news since its start (blue); T1 behind (yellow).
    assert water.warnings == {Level.RED: 1, Level.YELLOW: 0, Level.BLUE: 1}
    assert env.warnings == {Level.RED: 0, Level.YELLOW: 1, Level.BLUE: 0}
    warned = {g.lead: g.counts for g in find(ledger, dt.date(2025, 9, 30)).groups}
    assert {r.lead: r.warnings for r in report.leads} == warned
    # The departments add up to the whole report.
    total = env.counts + water.counts
    assert (total.tasks, total.completed, total.on_schedule, total.behind, total.overdue) == (
        report.counts.tasks,
        report.counts.completed,
        report.counts.on_schedule,
        report.counts.behind,
        report.counts.overdue,
    )
    assert lead_cells(water) == ["市水利局", "4", "2", "1", "0", "1", "50%", "1", "0", "1"]
    assert lead_total_cells(report) == ["合计", "5", "2", "1", "1", "1", "40%", "1", "1", "1"]


def test_leads_tie_on_tasks_sorted_by_name(make_ledger: MakeLedger) -> None:
    tasks = MIXED.replace('lead = "市生态环境局"', 'lead = "乙局"').replace(
        'id = "T5"\naspect = "A2"\ntitle = "按序时推进"\nlead = "市水利局"',
        'id = "T5"\naspect = "A2"\ntitle = "按序时推进"\nlead = "乙局"',
    )
    tasks = tasks.replace(
        'id = "T4"\naspect = "A2"\ntitle = "已完成"\nlead = "市水利局"',
        'id = "T4"\naspect = "A2"\ntitle = "已完成"\nlead = "甲局"',
    )
    report = build_report(load_ledger(make_ledger(tasks)), dt.date(2025, 9, 30), "zh")
    # 乙局 2, 市水利局 2 (T2, T3), 甲局 1: a tie is broken by the name (character order).
    assert [(r.lead, r.counts.tasks) for r in report.leads] == [
        ("乙局", 2),
        ("市水利局", 2),
        ("甲局", 1),
    ]


def test_latest_progress_of_open_tasks(make_ledger: MakeLedger) -> None:
    tasks = MIXED.replace(
        'status = "in_progress"\nprogress = 10\n',
        textwrap.dedent(
            """\
            status = "in_progress"
            progress = 10

            [[tasks.log]]
            date = 2025-01-02
            kind = "added"
            note = "新增"

            [[tasks.log]]
            date = 2025-08-01
            progress = 10
            note = "已完成方案编制"

            [[tasks.log]]
            date = 2025-08-01
            note = "同日第二条：已报市政府"

            [[tasks.log]]
            date = 2025-08-15
            progress = 10
            changes = ["progress: 5 → 10"]

            [[tasks.log]]
            date = 2025-10-20
            note = "评估日之后的记录"
            """
        ),
    )
    ledger = load_ledger(make_ledger(tasks))
    report = build_report(ledger, dt.date(2025, 9, 30), "zh")
    # The newest note on or before the day judged (the later of one day's two), not the
    # entry without a note, not the entry that added the task, not a later one.
    entry = report.latest["T1"]
    assert (entry.date, entry.note) == (dt.date(2025, 8, 1), "同日第二条：已报市政府")
    # Open tasks without a note have none; finished tasks never have one.
    assert set(report.latest) == {"T1"}
    t1 = next(r for r in report.open_tasks if r.task.id == "T1")
    assert open_cells(t1, report)[-1] == "2025-08-01：同日第二条：已报市政府"
    en = build_report(ledger, dt.date(2025, 9, 30), "en")
    assert open_cells(t1, en)[-1] == "2025-08-01: 同日第二条：已报市政府"
    # Only the added entry: no progress yet.
    added_only = ledger.tasks[0]._replace(log=[ledger.tasks[0].log[0]])
    assert latest_progress(added_only) is None
    done = next(t for t in ledger.tasks if t.id == "T4")
    assert latest_progress(done._replace(log=ledger.tasks[0].log)) is None
