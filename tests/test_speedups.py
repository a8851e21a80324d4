"""Shortcuts taken for speed give exactly what the long way gives."""

from __future__ import annotations

import datetime as dt
import operator
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectify_cli.kinds import Status
from rectify_cli.models import IndicatorFile, Task, TaskFile
from rectify_cli.query import TaskRow
from rectify_cli.records import ledger_of, of
from rectify_cli.render import text
from rectify_cli.schedule import Level, Reason, TaskWarning, WarningCause, health
from tests.ledger_strategies import ledgers

SPECIAL = "\\`*_{}[]()#+!|~<>&-=.1 \t\n\r\x1b\x85\u202e\u3000"


def slow_md_escape(value: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(text, "_MD_ANY", re.compile(""))  # matches everything: the long way
        return text.md_escape(value)


@given(st.text(alphabet=st.sampled_from(SPECIAL + "ab滨州0"), max_size=12) | st.text(max_size=12))
def test_md_escape_shortcut_changes_nothing(value: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert text.md_escape(value) == slow_md_escape(value, monkeypatch)


@pytest.mark.parametrize("value", ["滨州市", "T01", "2025-09-30", "100%", "3.67", "a.b"])
def test_plain_cells_take_the_shortcut(value: str) -> None:
    assert text._MD_ANY.search(value) is None and text._MD_START.match(value) is None
    assert text.md_escape(value) == value


def test_level_rank_is_severity_order() -> None:
    assert [lv.rank for lv in Level] == [0, 1, 2]
    assert sorted(Level, key=lambda lv: lv.rank) == [Level.RED, Level.YELLOW, Level.BLUE]
    import datetime as dt

    task = of(Task(id="T1", aspect="A", title="t", lead="l", deadline=dt.date(2025, 1, 1)))
    h = health(task, dt.date(2025, 6, 1))
    found = TaskWarning.of(
        task, h, (WarningCause(Reason.STALE, 40), WarningCause(Reason.BEHIND, 0))
    )
    assert found.level is Level.YELLOW


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("done", Status.DONE),
        (" 推进中 ", Status.IN_PROGRESS),
        ("DONE", Status.DONE),
        ("已销号", Status.CLOSED),
    ],
)
def test_status_shortcut_accepts_what_parse_accepts(given_: str, expected: Status) -> None:
    task = Task.model_validate(
        {"id": "T1", "aspect": "A", "title": "t", "lead": "l", "ongoing": True, "status": given_}
    )
    assert task.status is expected


def test_only_the_command_run_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    from rectify_cli.cli import _only_the_command_run, app

    everything = list(app.registered_commands)
    monkeypatch.setattr(app, "registered_commands", list(everything))
    _only_the_command_run(["list", "--format", "json"])
    assert [c.name for c in app.registered_commands] == ["list"]


@pytest.mark.parametrize("args", [[], ["--version"], ["lis"], ["--debug", "list"], ["-h"]])
def test_anything_else_keeps_every_command(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rectify_cli.cli import _only_the_command_run, app

    everything = list(app.registered_commands)
    monkeypatch.setattr(app, "registered_commands", list(everything))
    _only_the_command_run(args)
    assert app.registered_commands == everything
    monkeypatch.setenv("_RECTIFY_COMPLETE", "complete_bash")
    _only_the_command_run(["list"])
    assert app.registered_commands == everything


def test_a_command_alone_helps_and_fails_as_before(tmp_path: Path) -> None:
    """A real process (main() prunes) against one whose root option first keeps them all."""
    env = {**os.environ, "COLUMNS": "100", "RECTIFY_LEDGER": str(tmp_path / "none")}

    def run(*args: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "rectify_cli", *args], capture_output=True, env=env,
            text=True, encoding="utf-8",
        )  # fmt: skip
        return done.returncode, done.stdout, done.stderr

    for args in (["list", "--help"], ["list", "--bogus"], ["list"]):
        alone = run(*args)
        assert alone == run("--debug", *args), args
        assert alone[0] in (0, 2)


def test_the_program_imports_only_the_command_it_runs(tmp_path: Path) -> None:
    """Run as `rectify list`, only list's module is imported; as anything else, all are."""
    program = tmp_path / "rectify"
    program.write_text(
        "import sys\n"
        "import rectify_cli.cli as cli\n"
        "print(sorted(m for m in sys.modules if m.endswith('_cmd')))\n"
        "print([c.name for c in cli.app.registered_commands])\n",
        encoding="utf-8",
    )
    ran = subprocess.run(
        [sys.executable, str(program), "list"], capture_output=True, text=True, check=True
    )
    assert ran.stdout.splitlines() == ["['rectify_cli.cli.list_cmd']", "['list']"]
    for args in ([], ["--help"], ["lis"]):
        ran = subprocess.run(
            [sys.executable, str(program), *args], capture_output=True, text=True, check=True
        )
        modules, names = ran.stdout.splitlines()
        assert "'rectify_cli.cli.warn_cmd'" in modules
        assert "'list'" in names and "'warn'" in names and "'check'" in names


def test_tasks_json_is_json_dumps_of_the_records(generated_rows: list[TaskRow]) -> None:
    """Byte for byte what to_json (json.dumps, then its escapes) writes for the records."""
    from rectify_cli.render.data import task_record, tasks_json, to_json

    rows = generated_rows
    expected = to_json([task_record(r) for r in rows])
    assert tasks_json(rows) == expected
    assert tasks_json([]) == "[]\n"
    with_refs = [{**task_record(r), "ledger": r.ledger, "ref": "L:" + r.task.id} for r in rows]
    expected = to_json(with_refs)
    assert tasks_json(rows, lambda r: "L:" + r.task.id) == expected


@given(ledgers(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)))
def test_tasks_json_of_any_ledger_is_json_dumps(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date
) -> None:
    """Any text a ledger may hold (quotes, backslashes, control characters, any script)."""
    from rectify_cli.query import rows
    from rectify_cli.render.data import task_record, tasks_json, to_json

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    found = rows(ledger, as_of)
    assert tasks_json(found) == to_json([task_record(r) for r in found])


def test_a_warm_read_never_imports_pydantic(tmp_path: Path, sample: Path) -> None:
    """The point of records (records.py): a ledger served from the cache is loaded, listed
    and written as JSON without the models or Pydantic (which typer below 0.29 does not
    import either)."""
    script = (
        "import sys, datetime as dt\n"
        "from rectify_cli import store, query\n"
        "from rectify_cli.render.data import tasks_json\n"
        "from rectify_cli.render.markdown import tasks_table\n"
        "led = store.load_ledger(sys.argv[1])\n"
        "found = query.rows(led, dt.date(2025, 9, 30))\n"
        "tasks_json(found); tasks_table(found, 'zh')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'rectify_cli.models'))))\n"
    )
    env = {**os.environ, "RECTIFY_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(sample)],
            capture_output=True, text=True, check=True, env=env,
        ).stdout.strip()
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0] != "[]"  # the first run parsed and validated the files
    assert runs[1] == "[]"


@pytest.fixture
def generated_rows(tmp_path: Path) -> list[TaskRow]:
    import datetime as dt
    import importlib.util

    from rectify_cli.query import rows
    from rectify_cli.store import load_ledger
    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    tasks, indicators = generate.generate(200)
    (tmp_path / "tasks.toml").write_text(tasks, encoding="utf-8")
    (tmp_path / "indicators.toml").write_text(indicators, encoding="utf-8")
    return list(rows(load_ledger(tmp_path), dt.date(2025, 6, 1)))


def test_the_program_freezes_what_it_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from rectify_cli import store
    from tests.conftest import SAMPLE

    assert store.FREEZE_LOADED is False  # tests and library callers keep the normal GC
    monkeypatch.setattr(store, "FREEZE_LOADED", True)
    gc.disable()  # as the program starts
    try:
        ledger = store.load_ledger(SAMPLE)
        assert gc.isenabled()  # on again once the ledger is frozen
        assert gc.get_freeze_count() > 0
        assert not any(o is ledger for o in gc.get_objects())  # frozen: out of the GC's walks
    finally:
        gc.unfreeze()
        gc.enable()


@given(st.text(alphabet=st.sampled_from("T0129-_.a²５٣ 滨"), max_size=8) | st.text(max_size=8))
def test_natural_key_shortcut_is_the_general_key(text: str) -> None:
    from rectify_cli.query import _natural_split, natural_key

    assert natural_key(text) == _natural_split(text)


def test_ids_sort_the_way_people_number_them() -> None:
    from rectify_cli.query import natural_key

    ids = ["T10", "T2", "T1a", "A3", "T2-1", "²", "T9"]
    assert sorted(ids, key=natural_key) == ["A3", "T1a", "T2", "T2-1", "T9", "T10", "²"]


@given(st.lists(st.text(alphabet=st.sampled_from("T01-９a"), max_size=4), max_size=6))
def test_ids_found_in_order_are_in_natural_order(ids: list[str]) -> None:
    from rectify_cli.query import in_id_order, natural_key

    if in_id_order(ids):
        assert sorted(ids, key=natural_key) == ids
    ordered = sorted(ids)
    same_shape = len({re.sub("[0-9]", "0", i) for i in ids}) == 1
    if same_shape and all(i.isascii() for i in ids):
        assert in_id_order(ordered)  # the shortcut is taken where it plainly applies


def test_ids_in_order_take_the_shortcut() -> None:
    from rectify_cli.query import in_id_order

    assert in_id_order([f"T{n:03d}" for n in range(1, 200)])
    assert in_id_order(["2-01", "2-02", "3-01"])
    assert not in_id_order(["T2", "T10"])  # in order, but not proven so: sorted the long way
    assert not in_id_order(["T02", "T01"])


def slow_counts(task_rows: list[TaskRow]) -> tuple[int, ...]:
    """The counts of a table the long way: each row looked at once, in Python."""
    from rectify_cli.postpone import postponed
    from rectify_cli.schedule import Health

    plan = [r for r in task_rows if r.health.health is not Health.DROPPED]
    statuses = [r.task.status for r in task_rows]
    return (
        len(plan),
        sum(r.health.health.is_done for r in plan),
        statuses.count(Status.CLOSED),
        sum(r.health.health is Health.ON_SCHEDULE for r in plan),
        sum(r.health.health is Health.BEHIND for r in plan),
        sum(r.health.health is Health.OVERDUE for r in plan),
        sum(postponed(r.task) for r in plan),
        statuses.count(Status.CANCELLED),
        statuses.count(Status.MERGED),
    )


@given(ledgers(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)), st.data())
def test_counts_by_group_are_the_counts_of_each_group(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date, data: st.DataObject
) -> None:
    """Counts.by (one pass, counted in C) gives each aspect and lead department the counts
    that looking at its rows one by one gives; postponed tasks among them."""
    from dataclasses import astuple

    from rectify_cli.query import rows
    from rectify_cli.report import Counts, postponed_ids

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    moved = data.draw(st.lists(st.booleans(), min_size=len(ledger.tasks)))
    tasks = [
        t._replace(log=[e._replace(kind="postponed") for e in t.log]) if m else t
        for t, m in zip(ledger.tasks, moved, strict=False)
    ]
    ledger.tasks = tasks
    found = rows(ledger, as_of)
    for group in ("aspect", "lead"):
        late = data.draw(st.sampled_from([None, postponed_ids(found)]))
        counts = Counts.by(found, operator.attrgetter(group), late)
        groups: dict[str, list[TaskRow]] = {}
        for r in found:
            groups.setdefault(getattr(r.task, group), []).append(r)
        assert list(counts) == list(groups)
        for key, mine in groups.items():
            assert astuple(counts[key]) == slow_counts(mine)
    assert astuple(Counts.of(found)) == slow_counts(found)
    assert Counts.of([]) == Counts()


@given(ledgers(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)), st.data())
def test_sorting_rows_in_id_order_by_a_key_alone_is_the_full_sort(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date, data: st.DataObject
) -> None:
    """Rows already in id order are sorted by the key alone (a stable sort keeps their ties
    in id order): the order the key and then the natural id give."""
    from rectify_cli.query import SortKey, natural_key, rows, sort_rows

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    found = rows(ledger, as_of)
    if data.draw(st.booleans()):  # as ledgers are usually kept: the shortcut's case
        found.sort(key=lambda r: natural_key(r.task.id))
    key = data.draw(st.sampled_from(SortKey))
    reverse = data.draw(st.booleans())
    firsts: dict[SortKey, Callable[[TaskRow], Any]] = {
        SortKey.ID: lambda r: 0,
        SortKey.DEADLINE: lambda r: r.task.deadline or dt.date.max,
        SortKey.PROGRESS: lambda r: r.task.effective_progress,
        SortKey.STATUS: lambda r: list(Status).index(r.task.status),
        SortKey.LEAD: lambda r: r.task.lead,
        SortKey.ASPECT: lambda r: r.task.aspect,
    }
    if key is SortKey.HEALTH:
        return  # its order is the renderers' (query._HEALTH_ORDER); held by test_list
    first = firsts[key]
    expected = sorted(found, key=lambda r: (first(r), natural_key(r.task.id)), reverse=reverse)
    assert [r.task.id for r in sort_rows(found, key, reverse)] == [r.task.id for r in expected]


@given(
    ledgers(),
    st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)),
    st.integers(0, 30),
    st.sampled_from([None, 0.0, 25.0]),
)
def test_warnings_of_judged_rows_are_the_warnings(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date, days: int, tolerance: float | None
) -> None:
    """A report hands `warnings` the rows it judged already (so no task is judged twice) and
    takes them unsorted: the same warnings `warn` finds, judging each open task itself."""
    from rectify_cli.query import rows
    from rectify_cli.schedule import REASON_LEVEL, severity_key, warnings

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    ref = warnings(ledger, as_of, days=days, tolerance=tolerance)
    judged = rows(ledger, as_of, tolerance=tolerance)
    assert warnings(ledger, as_of, days=days, tolerance=tolerance, judged=judged) == ref
    loose = warnings(ledger, as_of, days=days, tolerance=tolerance, judged=judged, ordered=False)
    assert sorted(loose, key=severity_key) == ref
    for w in ref:  # the level is that of the most severe finding
        assert w.level.rank == min(REASON_LEVEL[f.reason].rank for f in w.findings)
