"""Ledger text is data in every output: no command, in no format, lets a title, a lead, a
note, an aspect or indicator name or a ledger title act on a terminal, rich, Markdown, a
browser, Word or a spreadsheet.

One hostile ledger (tests/hostile.py) holds each string of HOSTILE in every text field; a
clean twin holds plain words in the same places.  Each output of the hostile ledger must:
- terminal and plain text: carry no raw control or bidi character (rich's own colour codes
  aside, with a forced terminal too), and show rich markup as the characters written;
- Markdown and HTML: parse to the same structure as the clean twin's (data adds no element,
  link, heading, emphasis or table cell), with no HTML from data, and hold the text;
- CSV and xlsx: no cell a spreadsheet would run as a formula;
- JSON: valid, and the text exactly as in the ledger (a machine format neutralises nothing).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import html5lib
import openpyxl
import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from rectify_cli.controls import REFUSED
from rectify_cli.render.excel import text_cell
from rectify_cli.render.text import csv_safe, doc_text, md_escape, one_line, visible
from rectify_cli.warn import safe_filename
from tests.conftest import MINIMAL_TASKS, invoke
from tests.hostile import AS_OF, FORBIDDEN, FORMULA_START, HOSTILE, NAME, SGR, stored, write

SHOWN = [one_line(stored(h)) for h in HOSTILE]  # how a one-line cell shows each string
SHOWN_TASK = HOSTILE.index('=HYPERLINK("http://evil","x")')  # the task `show` shows


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("injection")
    return {
        "hostile": write(base / "hostile"),
        "clean": write(base / "clean", clean=True),
        "clean2": write(base / "clean2", clean=True, name="clean2"),
    }


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide enough that rich never folds a cell: the text can be found whole.
    monkeypatch.setenv("COLUMNS", "600")


def run(runner: CliRunner, *args: str) -> str:
    code, out, err = invoke(runner, *args)
    assert code == 0, err
    assert FORBIDDEN.search(err) is None, err
    return out


def assert_inert(text: str) -> None:
    """No raw control or bidi character: only rich's colour codes may use ESC."""
    leaked = FORBIDDEN.search(SGR.sub("", text))
    assert leaked is None, f"{leaked.group()!r} at {text[max(0, leaked.start() - 40) :][:80]!r}"


# --------------------------------------------------------------------------- commands

# Every command that prints ledger text, with what it needs; each runs on the hostile ledger
# and on the clean one.
COMMANDS: dict[str, list[str]] = {
    "list": ["list"],
    "petitions": ["list", "--kind", "petitions"],
    "show": ["show", f"T{SHOWN_TASK:02d}"],
    "warn": ["warn"],
    "report": ["report"],
    "charts": ["report", "--charts"],  # Mermaid: a name inside a code fence
    "log": ["log"],
    "changes": ["changes", "--since", "2025-05-01"],
}
FORMATS = {
    "list": ["table", "md", "csv", "json"],
    "petitions": ["table", "md", "csv", "json"],
    "show": ["table", "md", "csv", "json"],
    "warn": ["table", "md", "csv", "json"],
    "report": ["table", "md", "json"],
    "charts": ["md"],
    "log": ["table", "md", "csv", "json"],
    "changes": ["table", "md", "json"],  # several tables: no csv
}
CASES = [(name, fmt) for name, fmts in FORMATS.items() for fmt in fmts]


def output(runner: CliRunner, root: Path, command: str, fmt: str, *extra: str) -> str:
    args = [*COMMANDS[command], "--format", fmt, "--ledger", str(root), *extra]
    if command not in ("log",):
        args += ["--as-of", AS_OF]
    return run(runner, *args)


@pytest.mark.parametrize(("command", "fmt"), CASES)
def test_every_command_and_format(
    runner: CliRunner, ledgers: dict[str, Path], command: str, fmt: str
) -> None:
    hostile = output(runner, ledgers["hostile"], command, fmt)
    clean = output(runner, ledgers["clean"], command, fmt)
    CHECKS[fmt](hostile, clean, command)


@pytest.mark.parametrize("command", [c for c, fmts in FORMATS.items() if "table" in fmts])
def test_a_forced_terminal_gets_only_rich_colour_codes(
    runner: CliRunner, ledgers: dict[str, Path], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = output(runner, ledgers["hostile"], command, "table")
    assert SGR.search(out), "rich did not think it was a terminal: the test tests nothing"
    assert_inert(out)


def check_table(hostile: str, clean: str, command: str) -> None:
    assert_inert(hostile)
    assert "\x1b" not in hostile  # not a terminal: no colour either
    # Rich markup is printed, not obeyed (every command shows some task's or case's text).
    if command in ("list", "petitions", "warn", "log", "changes", "report"):
        for text in ("[bold red]x[/]", "[link=http://evil]y[/link]", "\\x1b[2J清屏"):
            assert text in hostile, text


# --------------------------------------------------------------------------- Markdown

MD = MarkdownIt("commonmark").enable("table")
TEXT_TOKENS = ("text", "text_special", "code_inline")


def md_shape(text: str) -> list[tuple[str, str]]:
    """The document's structure: every block and inline token but plain text."""
    shape = []
    for token in MD.parse(text):
        shape.append((token.type, token.tag))
        for child in token.children or []:
            if child.type not in TEXT_TOKENS:
                shape.append((child.type, child.tag))
    return shape


def md_text(text: str) -> str:
    """The text a reader sees, one line per inline run (a cell, a heading, a paragraph)."""
    runs = []
    for token in MD.parse(text):
        if token.type == "inline":
            runs.append("".join(c.content for c in token.children or [] if c.type in TEXT_TOKENS))
        elif token.type in ("fence", "code_block"):
            runs.append(token.content)
    return "\n".join(runs)


def check_md(hostile: str, clean: str, command: str) -> None:
    assert_inert(hostile)
    types = {t for t, _ in md_shape(hostile)}
    assert not types & {"html_block", "html_inline"}, types
    assert md_shape(hostile) == md_shape(clean)
    if command == "charts":
        # Inside a Mermaid chart each name stays inside its quotes: the chart's syntax
        # outside the quoted strings is the clean chart's.
        fences = [
            [t.content for t in MD.parse(doc) if t.type == "fence"] for doc in (hostile, clean)
        ]
        assert len(fences[0]) == 2
        quoted = re.compile(r'"[^"]*"')
        assert [quoted.sub('""', f) for f in fences[0]] == [quoted.sub('""', f) for f in fences[1]]
        assert "%%" not in "".join(fences[0])
    seen = md_text(hostile)
    if command == "show":
        assert SHOWN[SHOWN_TASK] in seen
        return
    for shown in SHOWN:
        assert shown in seen, shown


# --------------------------------------------------------------------------- CSV and JSON


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_formula(cells: list[Any]) -> None:
    for cell in cells:
        if isinstance(cell, str) and cell.startswith(FORMULA_START):
            # A number written as such (a change of -5) is not a formula.
            float(cell)


def check_csv(hostile: str, clean: str, command: str) -> None:
    cells = csv_cells(hostile)
    assert_no_formula(cells)
    wanted = [HOSTILE[SHOWN_TASK]] if command == "show" else HOSTILE
    for text in (stored(h) for h in wanted):
        if text.startswith(FORMULA_START):
            assert any(c == "'" + text or c.startswith("'" + text + ";") for c in cells), text


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def check_json(hostile: str, clean: str, command: str) -> None:
    found = set(strings(json.loads(hostile)))
    wanted = [HOSTILE[SHOWN_TASK]] if command == "show" else HOSTILE
    for text in wanted:
        assert stored(text) in found, text


CHECKS = {"table": check_table, "md": check_md, "csv": check_csv, "json": check_json}


# --------------------------------------------------------------------------- roll-ups

# Several ledgers: a ledger column, a roll-up table, and ids qualified with the ledger's name
# (the two ledgers share every id), which is hostile too.
MULTI_CASES = [
    (c, f)
    for c in ("list", "petitions", "warn", "report", "log", "changes")
    for f in FORMATS[c]
    if (c, f) != ("petitions", "csv")
]


@pytest.mark.parametrize(("command", "fmt"), MULTI_CASES)
def test_several_ledgers(
    runner: CliRunner, ledgers: dict[str, Path], command: str, fmt: str
) -> None:
    pair = ("--ledger", str(ledgers["clean"]))
    hostile = output(runner, ledgers["hostile"], command, fmt, *pair)
    clean = output(runner, ledgers["clean2"], command, fmt, *pair)
    CHECKS[fmt](hostile, clean, command)
    if fmt in ("table", "md"):
        assert one_line(NAME) in (hostile if fmt == "table" else md_text(hostile))


# --------------------------------------------------------------------------- messages


def test_messages_on_stderr_are_inert(
    runner: CliRunner, ledgers: dict[str, Path], tmp_path: Path
) -> None:
    """Errors quote ids, names and cells from the ledger or a spreadsheet: shown, not obeyed."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "tasks.toml").write_text(
        MINIMAL_TASKS.replace('id = "T1"', 'id = "T\\u001b[2J"').replace(
            "progress = 50", "progress = 500"
        ),
        encoding="utf-8",
    )
    hostile, clean = str(ledgers["hostile"]), str(ledgers["clean"])
    sheet = tmp_path / "in.csv"
    sheet.write_text(
        "编号,问题类别,整改任务,牵头单位,整改时限\nT9,大气,x,局,\x1b[2J\u202e\n", "utf-8"
    )
    cases = [
        ["list", "--ledger", str(bad)],
        ["check", "--ledger", str(bad)],
        ["list", "--ledger", str(bad), "--ledger", clean],  # one ledger of several fails
        ["check", "--ledger", str(bad), "--ledger", clean],
        ["show", "T07", "--ledger", hostile, "--ledger", clean],  # in both: name one
        ["show", "nope:T07", "--ledger", hostile, "--ledger", clean],  # did you mean NAME?
        ["import", str(sheet), "--ledger", clean],
    ]
    for args in cases:
        code, _, err = invoke(runner, *args)
        assert code == 2, (args, err)
        assert_inert(err)
        assert "\\x1b" in err or "\\u202e" in err, (args, err)


def test_an_update_never_writes_bidi_or_controls_and_its_refusal_is_inert(
    runner: CliRunner, tmp_path: Path
) -> None:
    """TOML holds U+202E and C1 controls raw: a diff printed as is would show the reviewer
    one thing and write another (Trojan Source).  `check` names them as problems, so no
    write adds one (--note) or keeps one in the task it touches (T03, T04); the refusal,
    dry run or not, names the character by its code and prints none raw."""
    root = write(tmp_path / "led")
    before = (root / "tasks.toml").read_bytes()
    for task, note, code in (
        ("T03", "审", "U+202E"),
        ("T04", "审", "U+009B"),
        ("T05", "\u202e审\x1b[2J", "U+202E"),
    ):
        for dry in (["--dry-run"], []):
            args = ["update", task, "--note", note, *dry, "--ledger", str(root)]
            code_, out, err = invoke(runner, *args)
            assert (code_, out) == (2, ""), err
            assert_inert(err)
            assert f"含有控制字符 {code}" in err
    assert (root / "tasks.toml").read_bytes() == before


# --------------------------------------------------------------------------- notices


def test_warning_notices_in_markdown(runner: CliRunner, ledgers: dict[str, Path]) -> None:
    hostile = output(runner, ledgers["hostile"], "warn", "md", "--notice")
    clean = output(runner, ledgers["clean"], "warn", "md", "--notice")
    check_md(hostile, clean, "warn")


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_notice_files_are_named_safely_inside_the_folder(
    runner: CliRunner, ledgers: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "notices"
    output(runner, ledgers["hostile"], "warn", fmt, "--notice", "--out", str(out))
    files = sorted(out.iterdir())
    assert len(files) == len(HOSTILE)  # one per lead: none written over another, or elsewhere
    assert not (tmp_path / "etc").exists()
    for f in files:
        assert f.is_file()
        assert FORBIDDEN.search(f.name) is None and "/" not in f.name and "\\" not in f.name
    if fmt == "md":
        text = "\n".join(f.read_text(encoding="utf-8") for f in files)
        assert not {t for t, _ in md_shape(text)} & {"html_block", "html_inline"}
        assert_inert(text)
        for shown in SHOWN:
            assert shown in md_text(text), shown
    else:
        seen = "\n".join(docx_text(f) for f in files)
        for h in HOSTILE:
            assert doc_text(stored(h)) in seen, h


def test_notices_of_several_ledgers_stay_in_their_folder(
    runner: CliRunner, ledgers: dict[str, Path], tmp_path: Path
) -> None:
    """One folder per ledger, named after the ledger: a name is text, never a path (docx
    notices take the same folders)."""
    out = tmp_path / "out" / "notices"
    args = ("--notice", "--out", str(out), "--ledger", str(ledgers["clean"]))
    output(runner, ledgers["hostile"], "warn", "md", *args)
    folders = sorted(out.iterdir())
    assert [f.name for f in folders] == sorted(["clean", safe_filename(NAME)])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["notices"]
    for folder in folders:
        assert FORBIDDEN.search(folder.name) is None and folder.is_dir()
        assert len([f for f in folder.iterdir() if f.is_file()]) == len(HOSTILE)


def test_a_notice_is_written_whole_or_not_at_all(
    runner: CliRunner, ledgers: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last week's notice is never left cut short by a failed write (a full disk)."""
    out = tmp_path / "notices"
    output(runner, ledgers["clean"], "warn", "md", "--notice", "--out", str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rectify_cli.outputs.os.replace", full_disk)
    code, _, err = invoke(
        runner,
        "warn",
        "--notice",
        "--out",
        str(out),
        "--ledger",
        str(ledgers["clean"]),
        "--as-of",
        "2025-06-30",
        "--reply-days",
        "3",
        "--force",
    )
    assert code == 2 and "No space left on device" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary left


# --------------------------------------------------------------------------- documents


TSPAN = "{http://www.w3.org/2000/svg}tspan"


def html_shape(tree: Any) -> list[tuple[str, tuple[str, ...]]]:
    """Every element and its attribute names, but a chart label's lines (how many depends
    on the length of the text) and the spans that keep an id, date or percentage on one
    line (how many depends on the text); those must hold text alone."""
    shape = []
    for el in tree.iter():
        if el.tag == TSPAN or (el.tag == "span" and el.get("class") == "nobr"):
            assert len(el) == 0
        elif isinstance(el.tag, str):
            shape.append((el.tag, tuple(sorted(el.attrib))))
    return shape


def test_html_report(runner: CliRunner, ledgers: dict[str, Path]) -> None:
    pages = {
        name: run(runner, "report", "-f", "html", "--as-of", AS_OF, "--ledger", str(root))
        for name, root in ledgers.items()
    }
    trees = {
        name: html5lib.parse(page, namespaceHTMLElements=False) for name, page in pages.items()
    }
    assert_inert(pages["hostile"])
    assert html_shape(trees["hostile"]) == html_shape(trees["clean"])
    assert "script" not in {el.tag for el in trees["hostile"].iter()}
    seen = "".join(trees["hostile"].itertext())
    for h in HOSTILE:
        assert doc_text(stored(h)) in seen, h


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    # Word runs a field or follows a link only where the document says so.
    assert "w:hyperlink" not in xml and "w:instrText" not in xml and "w:fldSimple" not in xml
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def test_docx_report(runner: CliRunner, ledgers: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    args = ("report", "--as-of", AS_OF, "--ledger", str(ledgers["hostile"]), "--out", str(out))
    run(runner, *args)
    seen = docx_text(out)
    for h in HOSTILE:
        assert doc_text(stored(h)) in seen, h


# --------------------------------------------------------------------------- spreadsheets


def test_xlsx_export(runner: CliRunner, ledgers: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    run(runner, "export", "--out", str(out), "--ledger", str(ledgers["hostile"]))
    book = openpyxl.load_workbook(out)
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    values.append(cell.value)
    assert_no_formula(values)
    assert_inert("\n".join(values))
    for h in HOSTILE:
        assert text_cell(stored(h)) in values, h


def test_csv_export(runner: CliRunner, ledgers: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "台账.csv"
    run(runner, "export", "--out", str(out), "--ledger", str(ledgers["hostile"]))
    cells = []
    for f in tmp_path.glob("*.csv"):
        text = f.read_bytes().decode("utf-8-sig")
        cells += csv_cells(text)
    assert_no_formula(cells)
    assert_inert("\n".join(cells))
    for h in HOSTILE:
        assert text_cell(stored(h)) in cells, h


# --------------------------------------------------------------------------- round trips


def test_export_then_import_gives_the_text_back(
    runner: CliRunner, ledgers: dict[str, Path], tmp_path: Path
) -> None:
    """Formulas neutralised on the way out are restored on the way in; control characters,
    which a spreadsheet cannot hold, come back as the escapes the sheet showed."""
    out = tmp_path / "台账.xlsx"
    run(runner, "export", "--out", str(out), "--ledger", str(ledgers["hostile"]))
    fresh = tmp_path / "fresh"
    run(runner, "init", str(fresh), "--title", "导入")
    run(runner, "import", str(out), "--ledger", str(fresh))
    data = json.loads(run(runner, "list", "-f", "json", "--ledger", str(fresh), "--as-of", AS_OF))
    titles = {t["id"]: t["title"] for t in data}
    for i, h in enumerate(HOSTILE):
        assert titles[f"T{i:02d}"] == visible(stored(h)), h


@pytest.mark.parametrize("title", HOSTILE)
def test_init_keeps_a_hostile_title_exactly(runner: CliRunner, tmp_path: Path, title: str) -> None:
    """Markup goes in as written; a control character is refused (check would count it),
    the refusal inert and no folder made."""
    root = tmp_path / "new"
    code, out, err = invoke(runner, "init", str(root), "--title", title)
    assert_inert(out + err)
    if REFUSED.search(title):
        assert (code, out) == (2, ""), err
        assert err.startswith("错误：--title：含有控制字符 U+"), err
        assert not root.exists()
        return
    assert code == 0, err
    data = json.loads(run(runner, "report", "-f", "json", "--ledger", str(root)))
    assert stored(title) in set(strings(data))


def _sheet(path: Path, texts: list[str]) -> Path:
    rows = [["编号", "问题类别", "整改任务", "牵头单位", "整改时限", "状态", "备注"]]
    for i, h in enumerate(texts):
        rows.append([f"T{i:02d}", "大气", h, csv_safe(h), "2025-12-31", "推进中", h])
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


# What a terminal obeys (a problem `check` names, refused by every write), and the rest.
CONTROLLED = [h for h in HOSTILE if FORBIDDEN.search(h)]
MARKUP = [h for h in HOSTILE if not FORBIDDEN.search(h)]


def test_import_keeps_hostile_cells(runner: CliRunner, tmp_path: Path) -> None:
    """A 台账 typed by someone else: its text arrives as written (a formula-looking cell is
    text, a leading `'` of a neutralised one is dropped), and the preview is inert."""
    sheet = _sheet(tmp_path / "in.csv", MARKUP)
    root = tmp_path / "new"
    run(runner, "init", str(root), "--title", "导入")
    preview = run(runner, "import", str(sheet), "--ledger", str(root), "--dry-run")
    assert_inert(preview)
    run(runner, "import", str(sheet), "--ledger", str(root))
    data = json.loads(run(runner, "list", "-f", "json", "--ledger", str(root), "--as-of", AS_OF))
    by_id = {t["id"]: t for t in data}
    for i, h in enumerate(MARKUP):
        task = by_id[f"T{i:02d}"]
        assert (task["title"], task["lead"], task["notes"]) == (stored(h),) * 3, h


@pytest.mark.parametrize("text", CONTROLLED)
def test_import_refuses_control_characters_inertly(
    runner: CliRunner, tmp_path: Path, text: str
) -> None:
    sheet = _sheet(tmp_path / "in.csv", ["治理扬尘", text])
    root = tmp_path / "new"
    run(runner, "init", str(root), "--title", "导入")
    before = (root / "tasks.toml").read_bytes()
    for dry in (["--dry-run"], []):
        code, out, err = invoke(runner, "import", str(sheet), "--ledger", str(root), *dry)
        assert (code, out) == (2, ""), err
        assert_inert(err)
        assert "任务 T01：title（整改任务）：含有控制字符 U+" in err
    assert (root / "tasks.toml").read_bytes() == before


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize("text", HOSTILE)
def test_the_helpers_themselves(text: str) -> None:
    """The one place each medium's escaping lives (render/text.py)."""
    assert FORBIDDEN.search(visible(text)) is None
    assert FORBIDDEN.search(one_line(text)) is None and "\n" not in one_line(text)
    md = md_escape(text)
    assert not {t for t, _ in md_shape(md)} & {"html_block", "html_inline", "heading_open"}
    assert md_text(md) == one_line(text).strip()  # Markdown drops a cell's outer spaces
    assert not csv_safe(text).startswith(FORMULA_START)
