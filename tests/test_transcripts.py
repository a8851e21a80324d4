"""Docs that cannot drift: every ```console block of README.md and docs/**/*.md is run and
its output compared with what the block shows.

Conventions (docs/development.md says the same, for writers):

- A block opened with ```console (or ````console, for a transcript whose output holds a
  ``` fence) is a transcript.  Each line starting with `$ ` is a command; the lines after it,
  up to the next `$ ` line or the end of the block, are its expected output: stdout and
  stderr merged, as a user sees them.  Trailing whitespace is ignored per line, and so are
  blank lines at the end of an output.  A line that is just `…` matches any number of lines
  (zero included): use it where the output would be huge.
- Commands run with bash, one bash per block, in a fresh scratch folder that holds a copy of
  the repository's data/ and docs/examples/ at the same relative paths, so `rectify list`
  reads ./data exactly as from the repository root and `--ledger docs/examples/broken/` works
  as written.  Commands in one block share the folder (`rectify report > report.md`, then
  `cat report.md`); every block starts afresh.
- Each command runs under a pseudo-terminal 100 columns wide, as a user types it: rectify
  looks at `sys.stdout.isatty()` (src/rectify_cli/cli/common.py) and draws rich tables on a
  terminal, Markdown into a pipe or a file.  `rectify list` shows a table;
  `rectify list | cat` or `> out.md` shows Markdown.  Escape sequences (styles) are removed
  before comparing, since a reader of the docs sees text.
- The environment is fixed: the venv's bin first on PATH (so `rectify` is the installed
  script), COLUMNS=100, LINES=50, NO_COLOR=1, LANG=C.UTF-8, PYTHONIOENCODING=utf-8,
  RECTIFY_CACHE_DIR and HOME in a temporary folder, RECTIFY_LEDGER, RECTIFY_LANG, RECTIFY_BY
  and RECTIFY_DEBUG unset.  Today's date is not fixed: an answer that depends on it takes
  `--as-of`.
- `$ pip install ...` (and `python -m pip ...`) lines are not run: CI runs them
  (.ci/run), and the test environment has every extra installed.  Whatever follows them
  is not checked.
- An HTML comment on the line right before a block (blank lines between are allowed)
  changes its set-up:
  `<!-- transcript: skip: WHY -->` does not run the block (the test skips, saying why: for
  commands that install things or take minutes);
  `<!-- transcript: setup: COMMANDS -->` runs COMMANDS (bash) in the scratch folder first;
  their output is not shown, and a failing set-up fails the test;
  `<!-- transcript: needs: PROGRAM [OTHER …] -->` runs the block only where one of the
  programs is on PATH (a browser for PDF), skipping it elsewhere and failing in CI
  (tests/programs.py).
- Update mode: `RECTIFY_UPDATE_DOCS=1 pytest tests/test_transcripts.py` rewrites the
  expected output of every block that does not match with what the commands print now, in
  place, and reports each rewritten block as a skip ("rewrote README.md:54"); review the
  result with `git diff`.  A block holding a `…` elision is never rewritten: it fails with
  its diff, to be edited by hand.

One test per block, named by file and line of its opening fence (`README.md:54`); a mismatch
shows a unified diff of the block as written against the block as the commands print it.
"""

from __future__ import annotations

import difflib
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.programs import need_program

ELISION = "…"
UPDATE_ENV = "RECTIFY_UPDATE_DOCS"
COLUMNS, LINES = 100, 50
BLOCK_TIMEOUT = 300.0  # seconds for one block's commands, all together
MARK = "\x1eRECTIFY-TRANSCRIPT-MARK"
MARK_RE = re.compile(re.escape(MARK) + r" (\S+) (\d+)\n")
ANSI_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
FENCE_RE = re.compile(r"^(`{3,})console\s*$")
DIRECTIVE_RE = re.compile(r"^<!--\s*transcript:\s*(skip|setup|needs):\s*(.*?)\s*-->\s*$")
NOT_RUN_RE = re.compile(r"^(?:pip3?|python3? -m pip) install\b")


def doc_files() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


@dataclass(frozen=True)
class Step:
    command: str
    line: int  # 0-based index of the `$ ` line in the file
    expected: tuple[str, ...]

    @property
    def runs(self) -> bool:
        return not NOT_RUN_RE.match(self.command)


@dataclass(frozen=True)
class Block:
    path: Path
    index: int  # the block's number among the file's transcripts
    start: int  # 0-based index of the opening fence
    end: int  # 0-based index of the closing fence
    fence: str
    steps: tuple[Step, ...]
    skip: str | None
    setup: str | None
    needs: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(REPO).as_posix()}:{self.start + 1}"

    @property
    def elided(self) -> bool:
        return any(ELISION in (line.strip() for line in s.expected) for s in self.steps)


def parse(path: Path, text: str) -> list[Block]:
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE_RE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening.group(1)
        end = i + 1
        while end < len(lines) and not re.fullmatch(
            rf"{fence}`*\s*", lines[end]
        ):  # a closing fence is at least as long as the opening one
            end += 1
        if end == len(lines):
            raise ValueError(f"{path}:{i + 1}: console block is never closed")
        skip = setup = None
        needs: tuple[str, ...] = ()
        before = i - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        directive = DIRECTIVE_RE.match(lines[before]) if before >= 0 else None
        if directive:
            if directive.group(1) == "skip":
                skip = directive.group(2) or "marked skip"
            elif directive.group(1) == "needs":
                needs = tuple(directive.group(2).split())
            else:
                setup = directive.group(2)
        steps: list[Step] = []
        command: tuple[int, str] | None = None
        output: list[str] = []
        for n in range(i + 1, end + 1):
            if n == end or lines[n].startswith("$ "):
                if command is not None:
                    steps.append(Step(command[1], command[0], tuple(output)))
                elif any(line.strip() for line in output):
                    raise ValueError(f"{path}:{i + 2}: console block output before any `$ ` line")
                if n < end:
                    command, output = (n, lines[n][2:]), []
            else:
                output.append(lines[n])
        blocks.append(Block(path, len(blocks), i, end, fence, tuple(steps), skip, setup, needs))
        i = end + 1
    return blocks


def normal(lines: list[str] | tuple[str, ...]) -> list[str]:
    """Trailing whitespace ignored per line, and blank lines at the end of an output."""
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; an expected `…` line matches any run of actual lines, none included."""
    memo: dict[tuple[int, int], bool] = {}

    def at(i: int, j: int) -> bool:
        if (i, j) not in memo:
            if i == len(expected):
                result = j == len(actual)
            elif expected[i].strip() == ELISION:
                result = any(at(i + 1, k) for k in range(j, len(actual) + 1))
            else:
                result = j < len(actual) and expected[i] == actual[j] and at(i + 1, j + 1)
            memo[i, j] = result
        return memo[i, j]

    return at(0, 0)


def scratch_folder(base: Path) -> Path:
    repo = base / "repo"
    shutil.copytree(REPO / "data", repo / "data")
    shutil.copytree(REPO / "docs" / "examples", repo / "docs" / "examples")
    return repo


def environment(base: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RECTIFY_", "LC_", "PYTHON", "HYPOTHESIS", "VIRTUAL_ENV"))
        and key not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LINES", "LANG", "HOME")
    }
    bin_dir = str(Path(sys.executable).parent)
    env.update(
        PATH=os.pathsep.join([bin_dir, os.environ.get("PATH", os.defpath)]),
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
        NO_COLOR="1",
        TERM="xterm-256color",
        LANG="C.UTF-8",
        PYTHONIOENCODING="utf-8",
        RECTIFY_CACHE_DIR=str(base / "cache"),
        HOME=str(base / "home"),
    )
    (base / "home").mkdir(exist_ok=True)
    return env


def script(block: Block) -> str:
    out = [
        '__mark() { local rc=$?; printf "\\n%s %s %d\\n" "$__MARK" "$1" "$rc"; return $rc; }',
        f"__MARK='{MARK}'",
    ]
    if block.setup:
        out += ["{", block.setup, "} >.transcript-setup.log 2>&1", "__mark setup"]
        out += ["rm -f .transcript-setup.log"]  # the folder holds only what the docs made
    for number, step in enumerate(block.steps):
        if step.runs:
            out += [step.command, f"__mark {number}"]
    return "\n".join(out) + "\n"


def run_pty(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run argv with stdout and stderr on one pseudo-terminal of COLUMNS x LINES, as typed
    into a terminal; stdin is empty, so nothing waits for input."""
    import fcntl  # POSIX only, like pty: the test skips on Windows before it gets here
    import pty
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + BLOCK_TIMEOUT
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                pytest.fail(f"commands took more than {BLOCK_TIMEOUT:.0f} s")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=BLOCK_TIMEOUT)
    finally:
        os.close(master)
    text = b"".join(chunks).decode("utf-8", errors="replace")
    return ANSI_RE.sub("", text.replace("\r\n", "\n"))


def run_block(block: Block, base: Path) -> dict[int, list[str]]:
    """Each run step's output lines, by step number."""
    bash = need_program("bash", purpose="the docs transcripts test", apt="bash")
    folder = scratch_folder(base)
    script_path = base / "transcript.sh"
    script_path.write_text(script(block), encoding="utf-8")
    text = run_pty([bash, "--noprofile", "--norc", str(script_path)], folder, environment(base))
    # The scratch home differs on every run: shown as the `~` a reader knows it as.
    text = text.replace(str(base / "home"), "~")
    outputs: dict[int, list[str]] = {}
    pos = 0
    for found in MARK_RE.finditer(text):
        chunk = text[pos : found.start()]  # the mark's leading newline ends the chunk's line
        pos = found.end()
        if found.group(1) == "setup":
            if found.group(2) != "0":
                pytest.fail(f"{block.name}: set-up failed (exit {found.group(2)}): {block.setup}")
            continue
        outputs[int(found.group(1))] = chunk.split("\n")
    wanted = {n for n, s in enumerate(block.steps) if s.runs}
    if set(outputs) != wanted:
        pytest.fail(
            f"{block.name}: bash stopped early; output after the last command:\n{text[pos:]}"
        )
    return outputs


def render(block: Block, outputs: dict[int, list[str]] | None) -> list[str]:
    """The block's lines (fences excluded), with each step's output as written or, where
    `outputs` has it and it does not match, as printed."""
    out: list[str] = []
    for number, step in enumerate(block.steps):
        out.append(f"$ {step.command}")
        expected = normal(step.expected)
        actual = None if outputs is None else outputs.get(number)
        if actual is None or matches(expected, normal(actual)):
            out += list(step.expected) if outputs is None else expected
        else:
            out += normal(actual)
    return out


def rewrite(block: Block, outputs: dict[int, list[str]]) -> None:
    """Replace the block's expected outputs with the actual ones, in the file on disk."""
    for lines in outputs.values():
        for line in normal(lines):
            if line.startswith("$ ") or line.strip() == ELISION or line.startswith(block.fence):
                pytest.fail(
                    f"{block.name}: output line {line!r} would not read back as output "
                    "(a `$ ` line, an elision, or a fence): edit this block by hand"
                    + (" (a ````console fence holds ``` lines)" if "```" in line else "")
                )
    text = block.path.read_text(encoding="utf-8")
    lines = text.split("\n")
    body: list[str] = []
    for number, step in enumerate(block.steps):
        body.append(f"$ {step.command}")
        body += normal(outputs[number]) if number in outputs else list(step.expected)
    lines[block.start + 1 : block.end] = body
    block.path.write_text("\n".join(lines), encoding="utf-8")


def collect() -> list[tuple[Path, int, str]]:
    found = []
    for path in doc_files():
        for block in parse(path, path.read_text(encoding="utf-8")):
            found.append((path, block.index, block.name))
    return found


BLOCKS = collect()


def test_a_block_names_the_programs_it_needs() -> None:
    text = (
        "<!-- transcript: needs: chromium msedge -->\n\n```console\n$ rectify report\n```\n"
        "```console\n$ ls\n```\n"
    )
    first, second = parse(REPO / "docs" / "x.md", text)
    assert (first.needs, first.skip, first.setup) == (("chromium", "msedge"), None, None)
    assert second.needs == ()


def test_there_are_transcripts() -> None:
    assert len(BLOCKS) >= 10


@pytest.mark.parametrize(
    ("path", "index"), [(p, i) for p, i, _ in BLOCKS], ids=[name for _, _, name in BLOCKS]
)
def test_transcript(path: Path, index: int, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("transcripts run under bash and a POSIX pseudo-terminal")
    # Read again here, not at collection: update mode may have rewritten earlier blocks of
    # this file, which moves this one; its number among the file's blocks stays.
    block = parse(path, path.read_text(encoding="utf-8"))[index]
    if block.skip is not None:
        pytest.skip(f"{block.name}: {block.skip}")
    if not any(step.runs for step in block.steps):
        pytest.skip(f"{block.name}: set-up commands only (pip install), which CI runs")
    if block.needs:
        need_program(*block.needs, purpose=block.name, apt=block.needs[0])
    outputs = run_block(block, tmp_path)
    ok = all(
        matches(normal(step.expected), normal(outputs[n]))
        for n, step in enumerate(block.steps)
        if n in outputs
    )
    if ok:
        return
    if os.environ.get(UPDATE_ENV, "") not in ("", "0"):
        if not block.elided:
            rewrite(block, outputs)
            pytest.skip(f"rewrote {block.name} from the commands' output")
        note = f"{block.name} holds a `{ELISION}` elision, so {UPDATE_ENV} leaves it: edit it by hand\n"
    else:
        note = f"to accept the new output: {UPDATE_ENV}=1 pytest tests/test_transcripts.py\n"
    diff = difflib.unified_diff(
        render(block, None),
        render(block, outputs),
        f"{block.name} (as written)",
        f"{block.name} (as printed now)",
        lineterm="",
    )
    pytest.fail(f"{block.name}: the output differs from the docs\n{note}" + "\n".join(diff))
