"""Hostile text in by every way a ledger takes text, out through every command and format.

Text reaches a ledger through the TOML file (tests/hostile.py puts it in every field),
`update --note`, `--by` and `--evidence`, `record --period`, `import` of a CSV and
`init --title`.  Read back:
- on a terminal (a pseudo-terminal, as a user sees it), stdout and stderr alike: no raw C0
  control (but the renderer's own line ends), C1 control or bidi character reaches it in any
  format, and a message or a CSV row is one line whatever an id holds;
- piped: JSON holds every control as a `\\u` escape and parses back to exactly the text
  written; CSV cells read back as written but for the two things docs/commands.md says (a
  `'` before a formula, line breaks as "\\n");
- in files (html, docx, xlsx, csv): no raw control, and the files open.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import tomli_w
from typer.testing import CliRunner

from tests.conftest import invoke
from tests.hostile import AS_OF, FORBIDDEN, HOSTILE, SGR, stored, write

# What comes in by the command line, each at a task or indicator of its own.
NOTE = "  \x1b[31mred\u202e\nsecond\tline\x9b "
BY = "\u009bby\u2066\u200f"
EVIDENCE = "ev\x1b]8;;http://evil\x07x"
PERIOD = "p\x1b[2J\u061c\x85q"
TITLE = "\u202e台账\x1b[2J\r\n第二行"
IMPORTED = [h for h in HOSTILE if h.strip()]  # a CSV cell of each hostile string
# A crafted id: printed raw, its line break would start a line saying the ledger is fine.
FAKE_OK = "台账检查通过：1项任务，0项指标。"
CRAFTED_ID = f"T1\n{FAKE_OK}"
CONTROL_OR_TAB = re.compile(f"\t|{FORBIDDEN.pattern}")


def run(runner: CliRunner, *args: str) -> str:
    code, out, err = invoke(runner, *args)
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile ledger, with the strings the commands that write would have added put in
    by hand: `update`, `record` and `import` refuse text with a control character (check
    names it as a problem), so a hand edit is the one way in, and what is read back must be
    inert whichever field holds it."""
    from tests.hostile import _dates, data

    base = tmp_path_factory.mktemp("hostile-output")
    content = data()
    tasks = content["tasks.toml"]["tasks"]
    tasks[5]["log"].append({"date": "2025-06-20", "note": NOTE, "by": BY, "changes": []})
    tasks[6]["evidence"].append(EVIDENCE)
    content["indicators.toml"]["indicators"][0]["period"] = PERIOD
    for i, h in enumerate(IMPORTED):
        tasks.append(
            {
                "id": f"T{90 + i}",
                "aspect": "A05",
                "title": h,
                "lead": h,
                "start": "2025-01-01",
                "deadline": "2025-12-31",
                "status": "in_progress",
                "notes": h,
            }
        )
    root = base / "ledger"
    root.mkdir()
    for file, value in content.items():
        (root / file).write_text(tomli_w.dumps(_dates(value)), encoding="utf-8")
    return root


def imported(i: int) -> str:
    return stored(IMPORTED[i])


# --------------------------------------------------------------------------- the terminal

needs_pty = pytest.mark.skipif(
    sys.platform == "win32", reason="pseudo-terminals are POSIX (pty); Linux CI runs these"
)


def on_terminal(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the `rectify` program with stdout and stderr on a pseudo-terminal, as a user
    does; return its exit code and everything the terminal received."""
    import select  # POSIX only, as os.openpty: the tests using this are skipped elsewhere
    import termios

    master, slave = os.openpty()
    # No "\n" → "\r\n" translation by the terminal: a raw CR from a ledger must show up.
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ |= {"COLUMNS": "400", "LINES": "50", "TERM": "xterm-256color", **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rectify_cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=environ,
    )
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                proc.kill()
                raise AssertionError(f"rectify {args} did not finish")
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # EIO: the program closed its end of the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8")


def assert_inert(text: str, what: object) -> None:
    """Nothing a terminal would obey: only rich's own colour codes use ESC, and no tab."""
    leaked = CONTROL_OR_TAB.search(SGR.sub("", text))
    assert leaked is None, (
        what,
        leaked.group(),
        text[max(0, leaked.start() - 60) : leaked.end() + 20],
    )


TEXT_FORMATS = ("table", "md", "csv", "json")
COMMANDS: list[tuple[str, ...]] = [
    *(("list", "-f", f) for f in TEXT_FORMATS),
    *(("list", "--kind", "petitions", "-f", f) for f in TEXT_FORMATS),
    *(("show", task, "-f", f) for task in ("T02", "T05", "T06", "T90") for f in TEXT_FORMATS),
    *(("warn", "-f", f) for f in TEXT_FORMATS),
    ("warn", "--notice", "-f", "md"),
    *(("report", "-f", f) for f in ("table", "md", "json", "html")),
    ("report", "--charts", "-f", "md"),
    *(("log", "-f", f) for f in TEXT_FORMATS),
    *(("changes", "--since", "2025-01-01", "-f", f) for f in ("table", "md", "json")),
    ("check",),
]


@needs_pty
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_nothing_raw_reaches_a_terminal(
    ledger: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    extra = () if args[0] in ("log", "check") else ("--as-of", AS_OF)
    code, seen = on_terminal(*args, "-l", str(ledger), *extra, cwd=tmp_path)
    # The ledger holds control characters, which check counts as problems: it exits 2, the
    # others answer and add one line saying so (stderr shares the terminal).
    assert code in ((2,) if args[0] == "check" else (0, 1)), seen[-2000:]
    assert_inert(seen, args)
    if args[0] == "list" and args[-1] == "table":
        assert SGR.search(seen), "rich did not take it for a terminal: the test tests nothing"
    if args[-1] == "csv":
        # Each row on one line: a line break in a cell is shown as \n, never obeyed.
        lines = seen.splitlines()
        assert lines[-1].startswith("警告：台账有"), lines[-1]
        rows = [next(csv.reader([line])) for line in lines[:-1]]
        assert {len(r) for r in rows} == {len(rows[0])}, seen
        assert len(rows) > 1


@needs_pty
def test_the_writing_commands_on_a_terminal(ledger: Path, tmp_path: Path) -> None:
    """Previews, diffs, summaries and messages of the commands that write."""
    work = tmp_path / "ledger"
    shutil.copytree(ledger, work)
    sheet = tmp_path / "in.csv"
    sheet.write_text(
        "编号,问题类别,整改任务,牵头单位,整改时限\n"
        f'T80,A05,"{NOTE}",局,2025-12-31\n'
        f'T81,A05,x,"{BY}",2025-12-31\n',
        encoding="utf-8",
    )
    # Text with a control character is refused by every write (check would count it as a
    # problem): the refusal quotes it, inert.  The outputs are written, the notice inert.
    before = {f.name: f.read_bytes() for f in work.glob("*.toml")}
    cases: list[tuple[int, tuple[str, ...]]] = [
        (2, ("update", "T05", "--note", NOTE, "--by", BY, "--dry-run")),
        (2, ("update", "T05", "--note", NOTE, "--by", BY)),
        (2, ("update", "T06", "--evidence", EVIDENCE + "2")),
        (2, ("record", "I00", "32", "--period", PERIOD + "2", "--dry-run")),
        (2, ("record", "I01", "32", "--period", PERIOD)),
        (2, ("import", str(sheet), "--dry-run", "--diff")),
        (2, ("import", str(sheet))),
        (0, ("export", "--out", str(tmp_path / "台账.xlsx"))),
        (0, ("export", "--out", str(tmp_path / "台账.csv"))),
        (0, ("report", "--as-of", AS_OF, "--out", str(tmp_path / "r.docx"))),
        (0, ("warn", "--as-of", AS_OF, "--notice", "-f", "docx", "--out", str(tmp_path / "n"))),
    ]
    for want, args in cases:
        code, seen = on_terminal(*args, "-l", str(work), cwd=tmp_path)
        assert code == want, (args, seen[-2000:])
        assert_inert(seen, args)
    assert {f.name: f.read_bytes() for f in work.glob("*.toml")} == before
    code, seen = on_terminal("init", str(tmp_path / "new"), "--title", TITLE, cwd=tmp_path)
    assert code == 2, seen  # a title with controls is refused, as every write refuses them
    assert_inert(seen, "init")
    assert not (tmp_path / "new").exists()
    # A title with markup but no control goes in, and every reading shows it inert.
    code, seen = on_terminal("init", str(tmp_path / "new"), "--title", HOSTILE[5], cwd=tmp_path)
    assert code == 0, seen
    for args in (("report", "-f", "table"), ("report", "-f", "md"), ("check",), ("list",)):
        code, seen = on_terminal(*args, "-l", str(tmp_path / "new"), cwd=tmp_path)
        assert code == 0, (args, seen)
        assert_inert(seen, args)


def crafted(root: Path) -> Path:
    """A ledger whose one id holds a line break and a line saying all is well."""
    root.mkdir()
    (root / "tasks.toml").write_text(
        '[ledger]\nversion = 1\ntitle = "测试台账"\nfeedback_date = 2025-01-01\n'
        'as_of = 2025-06-30\n\n[[aspects]]\nid = "A1"\nname = "大气"\n\n[[tasks]]\n'
        f"id = {json.dumps(CRAFTED_ID, ensure_ascii=False)}\n"
        'aspect = "A9"\ntitle = "治理扬尘\\u001b[2J"\nlead = "局"\n'
        'start = 2025-01-01\ndeadline = 2025-12-31\nstatus = "in_progress"\nprogress = 50\n',
        encoding="utf-8",
    )
    return root


@needs_pty
def test_a_line_break_in_an_id_never_starts_a_line(tmp_path: Path) -> None:
    """`check` writes one line per problem: the crafted id cannot print a fake all-clear."""
    root = crafted(tmp_path / "crafted")
    clean = write(tmp_path / "clean", clean=True)
    for args in (
        ("check", "-l", str(root)),
        ("check", "-l", str(root), "-l", str(clean)),
        ("list", "-l", str(root)),
        ("list", "-l", str(root), "-l", str(clean)),
        ("show", CRAFTED_ID, "-l", str(clean)),
        ("update", CRAFTED_ID, "--note", "x", "-l", str(root)),
    ):
        code, seen = on_terminal(*args, cwd=tmp_path)
        assert_inert(seen, args)
        lines = seen.splitlines()
        assert not any(line.startswith(FAKE_OK) for line in lines), (args, seen)
        assert any("\\n" + FAKE_OK in line for line in lines), (args, seen)
        if args[0] == "check" and len(args) == 3:
            assert code == 2
            problems = [line for line in lines if "tasks.toml" in line]
            assert len(lines) == len(problems) + 1, seen  # and the count


# --------------------------------------------------------------------------- piped: JSON


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def test_json_escapes_every_control_and_gives_the_text_back(
    runner: CliRunner, ledger: Path
) -> None:
    def json_of(*args: str) -> Any:
        text = run(runner, *args, "-f", "json", "-l", str(ledger))
        assert FORBIDDEN.search(text) is None  # C1 and bidi too, as \u escapes
        assert "\t" not in text.replace("\\t", "")
        return json.loads(text)

    tasks = {t["id"]: t for t in json_of("list", "--as-of", AS_OF)}
    for i, h in enumerate(HOSTILE):
        t = tasks[f"T{i:02d}"]
        assert [t["title"], t["lead"], t["notes"], *t["measures"]] == [stored(h)] * 4, h
    entry = tasks["T05"]["log"][-1]
    assert (entry["note"], entry["by"]) == (NOTE.strip(), BY.strip())
    assert EVIDENCE in tasks["T06"]["evidence"]
    for i in range(len(IMPORTED)):
        t = tasks[f"T{90 + i}"]
        assert (t["title"], t["lead"], t["notes"]) == (imported(i),) * 3, IMPORTED[i]

    report = json_of("report", "--as-of", AS_OF)
    assert {i["id"]: i for i in report["indicators"]}["I00"]["period"] == PERIOD.strip()
    assert stored(HOSTILE[0]) in set(strings(report))

    log = json_of("log")
    assert any((e["note"], e["by"]) == (NOTE.strip(), BY.strip()) for e in log)
    for args in (("warn", "--as-of", AS_OF), ("changes", "--since", "2025-01-01")):
        found = set(strings(json_of(*args)))
        for h in HOSTILE:
            assert stored(h) in found, (args, h)
    shown = json_of("show", "T05", "--as-of", AS_OF)
    assert shown["log"][-1]["note"] == NOTE.strip()


# --------------------------------------------------------------------------- piped: CSV


def as_csv(text: str) -> str:
    """What docs/commands.md says CSV does to a cell: line breaks as "\\n", and a `'` before
    what a spreadsheet would run as a formula.  Nothing else."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t")) else text


def test_csv_piped_holds_the_text_as_written(runner: CliRunner, ledger: Path) -> None:
    def rows_of(*args: str) -> list[dict[str, str]]:
        text = run(runner, *args, "-f", "csv", "-l", str(ledger))
        return list(csv.DictReader(io.StringIO(text, newline="")))

    tasks = {r["id"]: r for r in rows_of("list", "--as-of", AS_OF)}
    for i, h in enumerate(HOSTILE):
        row = tasks[f"T{i:02d}"]
        assert (row["title"], row["lead"], row["notes"]) == (as_csv(stored(h)),) * 3, h
    for i in range(len(IMPORTED)):
        row = tasks[f"T{90 + i}"]
        assert (row["title"], row["lead"]) == (as_csv(imported(i)),) * 2, IMPORTED[i]
    assert as_csv(EVIDENCE) in tasks["T06"]["evidence"]
    log = rows_of("log")
    assert any((e["note"], e["by"]) == (as_csv(NOTE.strip()), BY.strip()) for e in log)
    warned = [c for r in rows_of("warn", "--as-of", AS_OF) for c in r.values()]
    for h in HOSTILE:
        assert any(as_csv(stored(h)) in c for c in warned), h
    (shown,) = rows_of("show", "T02", "--as-of", AS_OF)
    assert shown["title"] == as_csv(stored(HOSTILE[2]))


def test_csv_on_a_terminal_shows_what_piped_csv_holds() -> None:
    """The same rows, each cell escaped: one row per line, nothing a terminal obeys."""
    from rectify_cli.render.data import csv_on_terminal, csv_text
    from rectify_cli.render.text import escaped

    records = [[h, f"T{i}"] for i, h in enumerate(HOSTILE)]
    piped = csv_text(["title", "id"], records)
    shown = csv_on_terminal(piped)
    assert FORBIDDEN.search(shown) is None and "\t" not in shown
    lines = shown.splitlines()
    assert len(lines) == len(HOSTILE) + 1
    piped_rows = list(csv.reader(io.StringIO(piped, newline="")))
    assert [next(csv.reader([line])) for line in lines] == [
        [escaped(c) for c in row] for row in piped_rows
    ]


# --------------------------------------------------------------------------- files


def test_files_hold_no_raw_control(runner: CliRunner, ledger: Path, tmp_path: Path) -> None:
    """html, docx (report and notices), xlsx and CSV exports of the ledger every path wrote."""
    html = run(runner, "report", "-f", "html", "--as-of", AS_OF, "-l", str(ledger))
    assert FORBIDDEN.search(html) is None
    run(runner, "report", "--as-of", AS_OF, "-l", str(ledger), "--out", str(tmp_path / "r.docx"))
    notices = tmp_path / "notices"
    run(runner, "warn", "--notice", "-f", "docx", "--as-of", AS_OF, "-l", str(ledger),
        "--out", str(notices))  # fmt: skip
    documents = [tmp_path / "r.docx", *notices.iterdir()]
    assert len(documents) > 2
    for path in documents:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith(".xml"):
                    text = z.read(name).decode("utf-8")
                    assert CONTROL_OR_TAB.search(text) is None, (path.name, name)
    run(runner, "export", "--out", str(tmp_path / "t.xlsx"), "-l", str(ledger))
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    cells = [c.value for s in book.worksheets for row in s.iter_rows() for c in row]
    assert FORBIDDEN.search("\n".join(c for c in cells if isinstance(c, str))) is None
    run(runner, "export", "--out", str(tmp_path / "t.csv"), "-l", str(ledger))
    for f in tmp_path.glob("t*.csv"):
        assert FORBIDDEN.search(f.read_text(encoding="utf-8-sig")) is None, f.name


# --------------------------------------------------------------------------- messages


def test_every_message_is_one_inert_line(runner: CliRunner, tmp_path: Path) -> None:
    """Errors and check's problems quote ids: shown with their line breaks as \\n."""
    root = crafted(tmp_path / "crafted")
    for args in (("check",), ("list",), ("update", CRAFTED_ID, "--note", "x")):
        code, out, err = invoke(runner, *args, "-l", str(root))
        assert code == 2, err
        assert FORBIDDEN.search(err) is None and "\t" not in err
        assert not any(line.startswith(FAKE_OK) for line in (out + err).splitlines()), err
        assert "\\n" + FAKE_OK in err
