"""`rectify report --format pdf`: the HTML report printed by a headless Chromium-family
browser (rectify_cli.pdf), read back with pypdfium2.

pypdfium2 rather than poppler's pdftotext/pdftoppm: it is a wheel from PyPI (the `[test]`
extra) carrying PDFium itself, so reading a PDF back needs no program from outside Python on
any system, and the one outside program these tests need is the browser they test.
"""

from __future__ import annotations

import importlib.util
import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image
from typer.testing import CliRunner

from rectify_cli.cli.common import binary_out
from rectify_cli.errors import EXIT_ERROR, UsageError
from rectify_cli.pdf import BROWSER_ENV, find_browser, install_paths, print_pdf
from rectify_cli.render import OutputFormat
from rectify_cli.render.text import html_unbroken
from tests.conftest import REPO, invoke, invoke_en
from tests.helpers import (
    AS_OF,
    GOOD,
    HEADLINE_ZH,
    WHOLE_TOKENS,
    parse_html,
    tokens_short,
    write_counties,
)
from tests.programs import need_browser

A4_POINTS = (595, 842)

# Open tasks with long titles and several leads squeeze the date and progress columns,
# where a browser would otherwise break 2025-06-30 at its hyphens.
LONG = "，".join(
    [
        "全面排查城乡结合部、工业园区周边及河湖沿岸的各类环境问题",
        "建立问题清单、责任清单和整改清单",
        "逐项明确整改措施、责任单位和完成时限并按月调度",
    ]
)
LEADS = "市生态环境局、市水利局、市住房和城乡建设局、市农业农村局"


def ledger_text() -> str:
    head = """\
[ledger]
version = 1
title = "整改方案落实情况（测试用长标题：第三轮省级生态环境保护督察反馈问题整改）"
issued_by = "市整改办"
feedback_date = 2025-01-01

[[aspects]]
id = "A1"
name = "大气污染防治"
"""
    tasks = []
    for n, (deadline, progress) in enumerate(
        [("2025-06-30", 35), ("2025-09-30", 90), ("2025-12-31", 12), ("2026-03-31", 58)], 1
    ):
        tasks.append(
            f"""
[[tasks]]
id = "T{n:02d}"
aspect = "A1"
title = "{LONG}（第{n}项）"
lead = "{LEADS}"
start = 2025-01-01
deadline = {deadline}
status = "in_progress"
progress = {progress}

[[tasks.log]]
date = 2025-06-20
progress = {progress}
"""
        )
    return head + "".join(tasks)


def pdf_text(pdf: Any) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def tokens_outside_charts(html: str) -> Counter[str]:
    """Each id, date and percentage the page shows in its text (the SVG charts left out:
    their labels are positioned by hand, never wrapped)."""
    root = parse_html(html).find("body")
    assert root is not None
    for parent in root.iter():
        for child in [c for c in parent if c.tag == "figure"]:
            parent.remove(child)
    return Counter(WHOLE_TOKENS.findall(" ".join(root.itertext())))  # a space between cells


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> str:
    found = need_browser("the PDF tests")
    monkeypatch.setenv(BROWSER_ENV, found)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample", "long titles"])
def test_the_pdf_report_keeps_every_id_date_and_percentage_whole(
    which: str,
    browser: str,
    sample: Path,
    make_ledger: Any,
    runner: CliRunner,
    tmp_path: Path,
) -> None:
    if which == "long titles":
        make_ledger(ledger_text())
    as_of = AS_OF if which == "sample" else "2025-06-30"
    code, _, err = invoke(runner, "report", "--as-of", as_of, "--out", str(tmp_path / "r.html"))
    assert code == 0, err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    target = tmp_path / "r.pdf"
    code, out, err = invoke(runner, "report", "--as-of", as_of, "--out", str(target))
    assert (code, out, err) == (0, "", f"已写入报告：{target}\n")
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")

    pdf = pdfium.PdfDocument(data)
    first = pdf[0]
    assert tuple(round(x) for x in first.get_size()) == A4_POINTS
    # The first page as people see it: an A4 image at 96 dpi, not blank.
    shot = tmp_path / "page1.png"
    first.render(scale=96 / 72).to_pil().save(shot)
    image = first.render(scale=96 / 72).to_pil().convert("L")
    assert image.size == (794, 1123)
    dark = sum(image.histogram()[:128])
    assert dark > 2000, dark  # the title, the headline and the tables in ink
    page_one = first.get_textpage().get_text_range()
    title = parse_html(html).find("head/title")
    assert title is not None and title.text
    # The title may wrap on the page, but whole in reading order.
    assert title.text in re.sub(r"\s+", "", page_one)
    if which == "sample":
        assert HEADLINE_ZH in page_one

    # Every id, date and percentage the HTML shows is on the printed pages, on one line.
    printed = Counter(WHOLE_TOKENS.findall(pdf_text(pdf)))
    expected = tokens_outside_charts(html)
    assert expected, "the report shows ids, dates and percentages"
    missing = tokens_short(expected, printed)
    assert not missing, missing

    if which == "sample":  # written by the rule of every --out: replaced only with --force
        code, _, err = invoke_en(runner, "report", "--as-of", as_of, "--out", str(target))
        assert (code, err) == (
            EXIT_ERROR,
            f"Error: {target}: already exists; pass --force to replace it\n",
        )
        assert target.read_bytes() == data
        code, _, _ = invoke(runner, "report", "--as-of", as_of, "--out", str(target), "--force")
        assert code == 0 and target.read_bytes().startswith(b"%PDF-")


@pytest.mark.slow
def test_a_rollup_prints_to_pdf_its_table_then_each_ledger(
    browser: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_counties(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(runner, "report", *GOOD, "--as-of", AS_OF, "--out", "r.html")
    assert code == 0, err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    code, _, err = invoke(runner, "report", *GOOD, "--as-of", AS_OF, "--out", "r.pdf")
    assert code == 0, err
    pdf = pdfium.PdfDocument((tmp_path / "r.pdf").read_bytes())
    # The roll-up table, then each ledger from a new page.
    assert len(pdf) >= 3
    text = pdf_text(pdf)
    root = parse_html(html).find("body")
    assert root is not None
    titles = [
        "".join(h.itertext()) for h in root.iter() if h.tag.endswith("h2") and "".join(h.itertext())
    ]
    for title in titles:
        assert re.sub(r"\s+", "", title) in re.sub(r"\s+", "", text), title
    printed = Counter(WHOLE_TOKENS.findall(text))
    expected = tokens_outside_charts(html)
    missing = tokens_short(expected, printed)
    assert not missing, missing


@pytest.mark.slow
def test_notices_print_to_pdf_a_page_each_in_one_file_or_one_per_department(
    browser: str, sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    as_of = "2025-12-31"  # three notices' worth of warnings in the sample
    html_file, pdf_file, folder = tmp_path / "n.html", tmp_path / "n.pdf", tmp_path / "dir"
    for target in (html_file, pdf_file):
        code, _, err = invoke(runner, "warn", "--as-of", as_of, "--notice", "--out", str(target))
        assert code == 0, err
    html = html_file.read_text(encoding="utf-8")
    pdf = pdfium.PdfDocument(pdf_file.read_bytes())
    heads = [h for h in parse_html(html).iter() if h.tag.endswith("h1")]
    assert heads and len(pdf) == len(heads)  # a printed page per notice
    text = pdf_text(pdf)
    printed = Counter(WHOLE_TOKENS.findall(text))
    body = parse_html(html).find("body")
    assert body is not None
    expected = Counter(WHOLE_TOKENS.findall(" ".join(body.itertext())))
    assert expected
    missing = tokens_short(expected, printed)
    assert not missing, missing

    code, _, err = invoke(
        runner, "warn", "--as-of", as_of, "--notice", "-f", "pdf", "--out", str(folder)
    )
    assert code == 0, err
    files = sorted(folder.iterdir())
    assert len(files) == len(heads) and all(f.suffix == ".pdf" for f in files)
    for f in files:
        one = pdfium.PdfDocument(f.read_bytes())
        department = f.stem.split("-", 3)[3]
        assert department in re.sub(r"\s+", "", pdf_text(one))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--notice", "-f", "pdf"], "pdf needs --out DIR or FILE.pdf"),
        (["-f", "pdf"], "--format pdf: writes warning notices; add --notice"),
        (["--notice", "-f", "csv"], "--format csv: a warning notice is md, docx, html or pdf"),
    ],
)
def test_notice_pdf_needs_a_file_or_folder(
    args: list[str], message: str, sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    code, out, err = invoke_en(runner, "warn", "--as-of", "2025-12-31", *args)
    assert (code, out, err) == (EXIT_ERROR, "", f"Error: {message}\n")
    assert not (tmp_path / "n.pdf").exists()


@pytest.mark.slow
def test_print_pdf_prints_a_page_of_chinese(browser: str) -> None:
    html = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试</title>'
        "<style>@page { size: A4; margin: 16mm }</style></head>"
        "<body><p>整改时限 2025-06-30，进度 90%</p></body></html>"
    )
    pdf = pdfium.PdfDocument(print_pdf(html))
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    # No header or footer: the page holds the body and nothing of the browser's.
    assert text.strip() == "整改时限 2025-06-30，进度 90%"


# --------------------------------------------------------------------------- no browser


@pytest.mark.parametrize("how", ["RECTIFY_BROWSER names nothing", "nothing on PATH"])
def test_without_a_browser_one_sentence_and_nothing_written(
    how: str,
    sample: Path,
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "out" / "r.pdf"
    if how == "nothing on PATH":
        monkeypatch.delenv(BROWSER_ENV, raising=False)
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
        monkeypatch.setattr("rectify_cli.pdf.install_paths", lambda env, platform: [])
        message = (
            "PDF is printed by a Chromium-family browser and none was found; install "
            "Microsoft Edge, Google Chrome or Chromium (Debian/Ubuntu: apt-get install "
            "chromium), or set RECTIFY_BROWSER to one"
        )
    else:
        missing = tmp_path / "no-such-browser"
        monkeypatch.setenv(BROWSER_ENV, str(missing))
        message = (
            f"RECTIFY_BROWSER names {missing}, which is not a program; set it to Microsoft "
            "Edge, Google Chrome or Chromium (msedge.exe, chrome.exe, chromium)"
        )
    code, out, err = invoke_en(runner, "report", "--out", str(target))
    assert (code, out, err) == (EXIT_ERROR, "", f"Error: {message}\n")
    assert not target.parent.exists()  # refused before any folder or temporary was made


def test_a_browser_that_fails_is_named_and_nothing_is_written(
    sample: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "bin" / "chromium"
    broken.parent.mkdir()
    broken.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv(BROWSER_ENV, str(broken))
    target = tmp_path / "r.pdf"
    code, out, err = invoke_en(runner, "report", "--out", str(target))
    assert (code, out) == (EXIT_ERROR, "")
    assert err == (
        f"Error: {broken} could not print the PDF (exit code 3); nothing was written "
        "(set RECTIFY_BROWSER to another browser?)\n"
    )
    assert not target.exists()


def test_the_browser_is_found_in_order(tmp_path: Path) -> None:
    path = tmp_path / "bin"
    path.mkdir()
    for name in ("msedge", "chromium", "mybrowser"):
        (path / name).write_text("#!/bin/sh\n", encoding="utf-8")
        (path / name).chmod(0o755)
    env = {"PATH": str(path)}
    assert find_browser(env) == path / "chromium"  # chromium before Edge on PATH
    assert find_browser({**env, BROWSER_ENV: "mybrowser"}) == path / "mybrowser"  # a name
    assert find_browser({BROWSER_ENV: str(path / "msedge")}) == path / "msedge"  # a path


def test_where_edge_and_chrome_install_themselves() -> None:
    windows = {
        "PROGRAMFILES": r"C:\Program Files",
        "PROGRAMFILES(X86)": r"C:\Program Files (x86)",
        "LOCALAPPDATA": r"C:\Users\张三\AppData\Local",
    }
    found = [p.as_posix() for p in install_paths(windows, "win32")]
    assert found[:2] == [
        r"C:\Program Files/Microsoft/Edge/Application/msedge.exe",
        r"C:\Program Files (x86)/Microsoft/Edge/Application/msedge.exe",
    ]
    assert r"C:\Users\张三\AppData\Local/Google/Chrome/Application/chrome.exe" in found
    assert install_paths({}, "win32") == []  # no variables, no guesses
    mac = install_paths({}, "darwin")
    assert mac[0].as_posix() == "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"
    assert install_paths(windows, "linux") == []  # on PATH there


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "-f", "pdf"], "pdf needs --out FILE"),
        (["report", "-f", "docx"], "docx needs --out FILE"),
    ],
)
def test_pdf_is_refused_where_docx_is(
    sample: Path,
    runner: CliRunner,
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_counties(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke_en(runner, *args)
    assert (code, out, err) == (EXIT_ERROR, "", f"Error: {message}\n")
    assert not (tmp_path / "r.pdf").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("fmt", [OutputFormat.PDF, OutputFormat.DOCX])
def test_binary_goes_to_stdout_only_when_redirected(
    fmt: OutputFormat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--out -` sends a document to stdout when it is redirected, never onto a terminal."""
    binary_out(fmt, Path("-"))  # redirected (pytest captures stdout): fine
    binary_out(OutputFormat.HTML, None)  # text goes anywhere
    monkeypatch.setattr(sys, "stdout", _Terminal())
    with pytest.raises(UsageError) as info:
        binary_out(fmt, Path("-"))
    assert info.value.message == (
        f"--out -: a {fmt} file is binary and stdout is a terminal; name a file, or "
        f"redirect stdout (> report.{fmt})"
    )
    binary_out(fmt, Path("r.bin"))  # a file is always fine


def test_ids_dates_and_percentages_stay_on_one_line_in_html() -> None:
    assert html_unbroken("T07 <b>截至2025年9月30日完成90%，时限2025-06-30</b>") == (
        '<span class="nobr">T07</span> &lt;b&gt;截至<span class="nobr">2025年9月30日</span>'
        '完成<span class="nobr">90%</span>，时限<span class="nobr">2025-06-30</span>&lt;/b&gt;'
    )
    assert html_unbroken("2025年1-9月 -1.9% XF-2025-001") == (
        '<span class="nobr">2025年1-9月</span> <span class="nobr">-1.9%</span> '
        '<span class="nobr">XF-2025-001</span>'
    )
    assert html_unbroken('"&') == "&quot;&amp;"


# --------------------------------------------------------------------------- screenshots

SCRIPT = REPO / "scripts" / "screenshots.py"


def screenshots_module() -> Any:
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_screenshot_is_shown_in_the_docs() -> None:
    docs = "".join(
        p.read_text(encoding="utf-8") for p in [REPO / "README.md", *(REPO / "docs").glob("*.md")]
    )
    shots = screenshots_module().SHOTS
    assert [s.png for s in shots] == ["report.png", "rollup.png", "notice.png"]
    for shot in shots:
        assert (REPO / "docs" / shot.png).is_file(), shot.png
        assert f"![{shot.alt}](" in docs and f"{shot.png})" in docs, shot.png


def test_an_unknown_screenshot_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "nope.png"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.endswith(
        "error: unknown picture nope.png; known: report.png, rollup.png, notice.png\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_screenshot_script_draws_the_report(browser: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "report.png"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'report.png'}\n"
    image = Image.open(tmp_path / "report.png")
    assert image.size == (794, 1123)  # an A4 window at 96 dpi, as docs/report.png
    grey = image.convert("L").histogram()
    assert sum(grey[:128]) > 2000  # text and charts, not a blank page
    assert len(image.convert("RGB").getcolors(1 << 24) or []) > 50  # the charts' colours
