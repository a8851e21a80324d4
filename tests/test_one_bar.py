"""One bar for every command (issue #15, finding 4): what `rectify check` refuses never
passes another command in silence.  A reading command still answers and says so in one line;
a write refuses to add a problem or to keep one in the task it touches."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rectify_cli import cache, checks, files
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en

CLOSED = MINIMAL_TASKS.replace(
    'status = "in_progress"\nprogress = 50',
    'status = "closed"\nprogress = 100\ncompleted_on = 2025-06-01',
)
SECOND = (
    '\n[[tasks]]\nid = "T2"\naspect = "A1"\ntitle = "治理噪声"\nlead = "市生态环境局"\n'
    'deadline = 2025-12-31\nstatus = "in_progress"\nprogress = 10\n'
)
NOTICE = "Warning: the ledger has 1 problem; rectify check lists it\n"


@pytest.mark.parametrize(
    "command",
    [
        ["list", "--as-of", "2025-06-30"],
        ["show", "T1", "--as-of", "2025-06-30"],
        ["warn", "--as-of", "2025-06-30"],
        ["report", "--as-of", "2025-06-30"],
        ["log"],
        ["changes", "--since", "2025-01-01", "--as-of", "2025-06-30"],
    ],
)
def test_a_reading_command_answers_and_says_so_in_one_line(
    runner: CliRunner, make_ledger: Any, command: list[str]
) -> None:
    make_ledger(CLOSED)
    code, out, err = invoke_en(runner, *command)
    assert (code, err) == (0, NOTICE)
    assert out
    code, _, zh = invoke(runner, *command)
    assert (code, zh) == (0, "警告：台账有1个问题；运行 rectify check 可查看\n")


def test_export_says_so_too(runner: CliRunner, make_ledger: Any, tmp_path: Path) -> None:
    make_ledger(CLOSED)
    code, _, err = invoke_en(runner, "export", "-o", str(tmp_path / "out.xlsx"))
    assert code == 0
    assert err.endswith(NOTICE)


def test_a_clean_ledger_gets_no_notice(runner: CliRunner, make_ledger: Any) -> None:
    make_ledger()
    for command in (["list"], ["warn"], ["report"]):
        code, _, err = invoke_en(runner, *command, "--as-of", "2025-06-30")
        assert (code, err) == (0, ""), command


def test_several_ledgers_get_one_line(runner: CliRunner, make_ledger: Any) -> None:
    bad, good = make_ledger(CLOSED), make_ledger()
    worse = make_ledger(CLOSED.replace("as_of = 2025-06-30", "as_of = 2019-06-30"))
    args = ["--ledger", str(bad), "--ledger", str(good), "--ledger", str(worse)]
    code, out, err = invoke_en(runner, "list", *args, "--as-of", "2025-06-30")
    assert code == 0 and out
    assert err == (
        f"Warning: 3 problems in {bad.name} (1), {worse.name} (2); "
        f"rectify check --ledger {bad} --ledger {worse} lists them\n"
    )


def test_update_refuses_to_keep_a_problem_in_the_task_it_touches(
    runner: CliRunner, make_ledger: Any
) -> None:
    """`update T07 --note …` on a task closed without evidence used to write into the file."""
    root = make_ledger(CLOSED + SECOND)
    before = (root / "tasks.toml").read_bytes()
    code, out, err = invoke_en(runner, "update", "T1", "--note", "复核")
    assert (code, out) == (2, "")
    assert err == (
        "Error: task T1: evidence: a closed (已销号) task needs evidence of acceptance; "
        "nothing was written\n"
    )
    assert (root / "tasks.toml").read_bytes() == before
    # The update that fixes it goes ahead, and so does one to another task.
    code, _, err = invoke_en(
        runner, "update", "T1", "--evidence", "验收报告.pdf", "--date", "2025-06-02"
    )
    assert code == 0, err
    code, _, err = invoke_en(runner, "update", "T2", "--progress", "20", "--date", "2025-06-02")
    assert code == 0, err
    assert load_ledger(root).problems == 0


def test_a_write_to_another_task_goes_ahead_beside_an_unrelated_problem(
    runner: CliRunner, make_ledger: Any
) -> None:
    root = make_ledger(CLOSED + SECOND)
    code, _, err = invoke_en(runner, "update", "T2", "--progress", "20", "--date", "2025-06-02")
    assert code == 0, err
    assert load_ledger(root).problems == 1  # T1's, untouched and still counted


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--note", "\x1b[2J"], "note: holds the control character U+001B"),
        (["--note", "x", "--by", "\u202e李"], "by: holds the control character U+202E"),
        (["--deadline", "2024-06-30"], "deadline: 2024-06-30 is before the start 2025-01-01"),
    ],
)
def test_update_refuses_to_add_a_problem(
    runner: CliRunner, make_ledger: Any, args: list[str], says: str
) -> None:
    root = make_ledger()
    before = (root / "tasks.toml").read_bytes()
    for dry in ([], ["--dry-run"]):
        code, out, err = invoke_en(runner, "update", "T1", *args, *dry)
        assert (code, out) == (2, ""), err
        assert says in err and err.endswith("; nothing was written\n"), err
    assert (root / "tasks.toml").read_bytes() == before


def test_the_core_refuses_an_entry_dated_ahead(make_ledger: Any) -> None:
    """The CLI refuses a --date after today before the ledger is read; the core's own bar
    (the check `rectify check` makes) still holds for any other caller."""
    from rectify_cli.edit import NewReading, TaskUpdate, record_reading, update_task
    from rectify_cli.errors import WriteRefused

    root = make_ledger(
        MINIMAL_TASKS,
        '[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "lower"\nvalue = 30\n',
    )
    before = [(root / n).read_bytes() for n in ("tasks.toml", "indicators.toml")]
    ahead = dt.date(2205, 6, 30)
    with pytest.raises(WriteRefused, match="an entry is dated 2205-06-30, after today"):
        update_task(root, "T1", TaskUpdate(date=ahead, note="x"))
    with pytest.raises(WriteRefused, match="recorded: 2205-06-30 is after today"):
        record_reading(root, "pm25", NewReading(value=29, period="2205-06", recorded=ahead))
    assert [(root / n).read_bytes() for n in ("tasks.toml", "indicators.toml")] == before


# --------------------------------------------------------------------------- the count


def test_the_count_is_made_once_and_kept_in_the_cache(
    make_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ledger(CLOSED)
    assert load_ledger(root).problems == 1  # a miss: counted, and stored with the ledger

    def never(*_: object) -> object:
        raise AssertionError("a warm read counted again")

    monkeypatch.setattr(checks, "problem_count", never)
    assert load_ledger(root).problems == 1


def test_a_count_made_for_other_days_is_made_again(make_ledger: Any) -> None:
    """A log entry dated tomorrow is a problem today, not once its day has come: an entry
    whose count held until today is counted again (and stored again)."""
    root = make_ledger(MINIMAL_TASKS)
    led = load_ledger(root)
    paths = list(files.ledger_files(root))
    keys = cache.current_keys(paths, False, limit=files.MAX_FILE_BYTES)
    assert keys is not None
    led.problems = 5
    today = dt.date.today()
    cache.save(root, keys, led, (today - dt.timedelta(days=3), today))  # held until yesterday
    assert load_ledger(root).problems == 0
    cache.save(root, keys, led, (today - dt.timedelta(days=3), today + dt.timedelta(days=1)))
    assert load_ledger(root).problems == 5  # still the count of these days, as stored


def test_a_warm_read_with_problems_never_imports_pydantic(tmp_path: Path, make_ledger: Any) -> None:
    root = make_ledger(CLOSED)
    script = (
        "import sys\n"
        "sys.argv = ['rectify', 'list', '--ledger', sys.argv[1], '--lang', 'en']\n"
        "from rectify_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        # (The program's stand-in for Pydantic's plugin loader is no module from a file.)
        "print(sorted(m for m, mod in sys.modules.items()\n"
        "             if m.startswith(('pydantic', 'rectify_cli.models')) and hasattr(mod, '__file__')))\n"
    )
    env = {**os.environ, "RECTIFY_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(root)],
            capture_output=True, text=True, check=True, env=env,
        )
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0].stdout.strip().endswith("]") and "pydantic" in runs[0].stdout
    assert runs[1].stdout.strip().endswith("[]")
    for run in runs:
        assert run.stderr.endswith(" lists it\n") and run.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("key", "toml"),
    [
        ("id", 'id = "T\\u001b1"'),
        ("title", 'title = "x\\u0000"'),
        ("lead", 'lead = "x\\u202e"'),
        ("notes", 'notes = "x\\u009b"'),
        ("leader", 'leader = "x\\u001b"'),
        ("owner", 'owner = "x\\u0008"'),
        ("phone", 'phone = "1\\u202e"'),
        ("measures", 'measures = ["a", "x\\u0007"]'),
        ("partners", 'partners = ["x\\u2066"]'),
        ("evidence", 'evidence = ["x\\u007f"]'),
        ("indicators", 'indicators = ["x\\u001b"]'),
        ("log", '[[tasks.log]]\ndate = 2025-02-01\nnote = "x\\u001b"'),
        ("log", '[[tasks.log]]\ndate = 2025-02-01\nby = "x\\u001b"'),
        ("log", '[[tasks.log]]\ndate = 2025-02-01\nchanges = ["x\\u001b"]'),
    ],
)
def test_a_control_character_is_found_in_every_text_of_a_task(
    make_ledger: Any, key: str, toml: str
) -> None:
    """Among many clean tasks (the joined search looks at thousands at a time), and
    counted so by the load (which reads so many tasks in pieces, and looks over the texts
    of their stored columns, checks._suspect)."""
    clean = "".join(SECOND.replace('"T2"', f'"C{i}"') for i in range(5000))
    if key in ("id", "title", "lead"):
        tasks = re.sub(rf'(?m)^{key} = ".*"$', lambda _: toml, MINIMAL_TASKS.split("[[tasks]]")[1])
        tasks = "[[tasks]]" + tasks
    elif toml.startswith("[[tasks.log]]"):
        tasks = MINIMAL_TASKS + toml + "\n"
    else:
        tasks = MINIMAL_TASKS.replace("progress = 50", f"progress = 50\n{toml}")
    root = make_ledger(
        MINIMAL_TASKS + clean + tasks[tasks.index("[[tasks]]") :].replace('"T1"', '"T9"')
    )
    led = load_ledger(root)
    found = checks.consistency_problems(led)
    controls = [p for p in found if "control character" in p.message]
    assert len(controls) == 1 and f": {key}: " in controls[0].message, found
    assert led.problems == len(found)
