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


# What a warm read of tasks never needs; each costs every run a few ms (issue #21).
UNNEEDED = {
    "pydantic", "rich", "tomlkit", "filelock", "rectify_cli.models", "rectify_cli.journal",
    "rectify_cli.snapshot", "json", "decimal", "tempfile", "secrets", "html", "csv",
}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "unneeded"),
    [
        (["list"], UNNEEDED),
        # The notices' renderer loads the report's modules: for --notice alone.
        (["warn", "--days", "7"], UNNEEDED | {"rectify_cli.report"}),
        # A report (Markdown) of a ledger without petition cases, without --since: none of
        # the modules of those parts; its indicators need decimal.
        (
            ["report"],
            (UNNEEDED - {"decimal"})
            | {"rectify_cli.changes", "rectify_cli.petitions", "rectify_cli.rollup"},
        ),
        # A write needs the models; a percentage is read without the spreadsheet readers.
        (
            ["update", "T16", "--progress", "35%"],
            # Nor Pydantic's plugin loader (importlib.metadata, email), nor the roll-up's.
            {
                "rich",
                "rectify_cli.cells",
                "rectify_cli.sheets",
                "importlib.metadata",
                "email",
                "rectify_cli.query",
                "rectify_cli.render.results",
            },
        ),
    ],
)
def test_a_warm_read_loads_only_what_it_uses(
    tmp_path: Path, sample: Path, args: list[str], unneeded: set[str]
) -> None:
    """A read of a cached ledger, run as the program, loads none of `unneeded`."""
    (sample / "petitions.toml").unlink()  # petition cases are read through the models
    program = tmp_path / "rectify"
    # The modules loaded, and whether Pydantic looked for plugins (the program needs none).
    program.write_text(
        "import atexit, sys\n"
        "def loaded():\n"
        "    loader = vars(sys.modules.get('pydantic.plugin._loader', sys))\n"
        "    plugins = loader.get('_plugins')  # (vars: asking the stand-in loads the real one)\n"
        "    sys.stderr.write(repr([*sys.modules, f'plugins {plugins}']))\n"
        "atexit.register(loaded)\n"
        "from rectify_cli.cli import main\n"
        "main()\n",
        encoding="utf-8",
    )
    env = {**os.environ, "RECTIFY_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, str(program), *args], capture_output=True, text=True,
            encoding="utf-8", env=env,
        )
        for _ in range(2)
    ]  # fmt: skip
    assert all(run.returncode == 0 for run in runs), runs[0].stderr
    if args[0] != "update":  # (the second update changes nothing)
        assert runs[0].stdout == runs[1].stdout and "| T0" in runs[1].stdout
    loaded = set(eval(runs[1].stderr))  # the list the program above printed
    assert loaded & unneeded == set()
    assert "plugins None" in loaded


def test_the_plugin_loader_stand_in_hands_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's stand-in for Pydantic's plugin loader finds no plugins while they are
    disabled, and is the real loader as soon as they are not."""
    from rectify_cli import cli

    name = "pydantic.plugin._loader"
    monkeypatch.delitem(sys.modules, name, raising=False)
    cli._plugin_loader_unread()
    stand_in = sys.modules[name]
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    assert tuple(stand_in.get_plugins()) == ()
    assert sys.modules[name] is stand_in
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "no-such-plugin")
    found = list(stand_in.get_plugins())
    real = sys.modules[name]
    assert real is not stand_in and found == list(real.get_plugins())
    # Anything else asked of it (a later Pydantic) is the real module's.
    monkeypatch.delitem(sys.modules, name)
    cli._plugin_loader_unread()
    stand_in = sys.modules[name]
    assert stand_in.entry_points is real.entry_points
    assert sys.modules[name] is not stand_in


def test_commands_are_declared_with_evaluated_annotations() -> None:
    """typer builds each run's command from its function's annotations: a string one (as
    `from __future__ import annotations` makes them) is compiled and evaluated again on
    every run, ~4 ms for `list`.  So the command modules do without that import."""
    import rectify_cli.cli.registry  # noqa: F401  (every command registered)
    from rectify_cli.cli.app import app

    def callbacks(t: Any) -> Any:
        yield from (c.callback for c in t.registered_commands)
        if t.registered_callback is not None:
            yield t.registered_callback.callback
        for group in t.registered_groups:
            yield from callbacks(group.typer_instance)

    found = list(callbacks(app))
    assert len(found) > 20
    for callback in found:
        strings = [k for k, v in callback.__annotations__.items() if isinstance(v, str)]
        assert strings == [], callback.__qualname__


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
    from rectify_cli.report import Counts, Tally, postponed_ids

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    # Which entry of each task's log becomes a postponement, if any: the first, the last or
    # one between, so that finding a postponement's task among every entry is held too.
    moved = data.draw(st.lists(st.none() | st.integers(0, 9), min_size=len(ledger.tasks)))
    tasks = [
        t._replace(
            log=[e._replace(kind="postponed") if j == m % len(t.log) else e
                 for j, e in enumerate(t.log)]
        )
        if m is not None and t.log else t
        for t, m in zip(ledger.tasks, moved, strict=False)
    ]  # fmt: skip
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
    # The report's shared pass (whole plan, aspects, leads) counts as the pass per table does,
    # the keys in the same order.
    tally = Tally(found)
    assert list(tally.by_aspect().items()) == list(tally.by(operator.attrgetter("aspect")).items())
    assert list(tally.by_lead().items()) == list(tally.by(operator.attrgetter("lead")).items())
    assert astuple(tally.total()) == slow_counts(found)


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


# Every string field of a listed task, and what rectify adds (aspect name; ledger and ref
# with several ledgers).  The JSON writer escapes values that repeat as it encodes them, and
# the rest by one search per piece of tasks: a field left out of that search would show here.
_TASK_TEXT = ("id", "aspect", "title", "lead", "leader", "owner", "phone", "merged_into", "notes")
_TASK_LISTS = ("measures", "partners", "evidence", "indicators")
_LOG_TEXT = ("kind", "note", "by")
# Controls json.dumps escapes itself, those it leaves raw (DEL, C1, bidi) that rectify
# escapes after it, line separators, quotes, backslashes, emoji, CJK.  A lone surrogate
# cannot be ledger text: TOML, and so a ledger file, holds only Unicode scalar values.
HOSTILE_JSON = '\x00\x1b[2J\x7f\x85\x9b\u061c\u200e\u2028\u2029\u202e\u2066"\\/\t\r\n😀滨州'
any_text = st.text(
    st.one_of(st.sampled_from(HOSTILE_JSON), st.characters(codec="utf-8")), max_size=12
)


def _task_row(i: int, **fields: Any) -> TaskRow:
    """A listed task built from records directly: any text in any field, as no model
    would let a test write it (a `kind` or a `status` the models do not know)."""
    from rectify_cli.records import LogEntry
    from rectify_cli.records import Task as TaskRecord
    from rectify_cli.schedule import Health, TaskHealth

    log_fields = {k[4:]: fields.pop(k) for k in list(fields) if k.startswith("log_")}
    entry = LogEntry(dt.date(2026, 3, 1), None, Status.IN_PROGRESS, 40, "进展", "张三", [])
    task = TaskRecord(
        f"T{i:03}", "A1", "标题", ["措施"], "市生态环境局", ["市公安局"], None, None, None,
        dt.date(2026, 1, 1), dt.date(2026, 12, 31), False, Status.IN_PROGRESS, None, 40,
        None, [], [], "", [entry._replace(**log_fields), entry],
    )  # fmt: skip
    name = fields.pop("aspect_name", "大气污染")
    return TaskRow(task._replace(**fields), name, TaskHealth(Health.BEHIND, 1 / 3, 40, 5))


def _assert_json_of(rows: list[TaskRow]) -> None:
    from rectify_cli.render.data import task_record, tasks_json, to_json

    assert tasks_json(rows) == to_json([task_record(r) for r in rows])

    def ref(r: TaskRow) -> str:
        return "L:" + r.task.id + r.ledger

    with_refs = [{**task_record(r), "ledger": r.ledger, "ref": ref(r)} for r in rows]
    assert tasks_json(rows, ref) == to_json(with_refs)


@pytest.mark.parametrize(
    "field",
    [*_TASK_TEXT, *_TASK_LISTS, *(f"log_{f}" for f in (*_LOG_TEXT, "changes")), "aspect_name"],
)
def test_tasks_json_escapes_every_field_as_json_dumps_does(
    field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hostile and very long text in one field of one task, in the middle of three pieces
    (the others clean): byte for byte what json.dumps and its escapes write."""
    from rectify_cli.render import data

    monkeypatch.setattr(data, "_CHUNK", 4)
    long = HOSTILE_JSON * 5000
    values: list[Any] = [HOSTILE_JSON, long, ""]
    if field in _TASK_LISTS or field == "log_changes":
        values = [[HOSTILE_JSON], [long, HOSTILE_JSON, "x"], []]
    for value in values:
        rows = [_task_row(i) for i in range(10)]
        rows[5] = _task_row(5, **{field: value})
        _assert_json_of(rows)
    hostile_ledger = [_task_row(i)._replace(ledger=HOSTILE_JSON) for i in range(6)]
    _assert_json_of(hostile_ledger)


@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                **{f: any_text for f in _TASK_TEXT if f != "id"},
                **{f: st.lists(any_text, max_size=3) for f in _TASK_LISTS},
                **{f"log_{f}": any_text for f in _LOG_TEXT},
                "log_changes": st.lists(any_text, max_size=3),
                "aspect_name": any_text,
                "progress": st.none() | st.integers(-(2**70), 2**70),
                "log_progress": st.none() | st.integers(0, 100),
                "start": st.none() | st.dates(),
                "completed_on": st.none() | st.dates(),
                "ongoing": st.booleans(),
            },
        ),
        max_size=7,
    ),
    st.none() | st.floats(0, 100),
)
def test_tasks_json_of_any_records_is_json_dumps(
    tasks: list[dict[str, Any]], expected: float | None
) -> None:
    """Any text in every field at once, in pieces of two tasks (the writer's chunks)."""
    from rectify_cli.render import data

    with pytest.MonkeyPatch.context() as m:
        m.setattr(data, "_CHUNK", 2)
        rows = [_task_row(i, **fields) for i, fields in enumerate(tasks)]
        rows = [r._replace(health=r.health._replace(expected=expected)) for r in rows]
        _assert_json_of(rows)


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


_CELL = st.text(alphabet=st.sampled_from(SPECIAL + "ab滨州0"), max_size=6) | st.text(max_size=6)


@given(st.lists(_CELL, max_size=8), st.integers(1, 3))
def test_escaping_a_column_is_escaping_each_cell(values: list[str], times: int) -> None:
    """The column-wide shortcut (one search, then only the starts) and its repeated-text
    path (markdown.escaped) escape as md_escape does cell by cell."""
    from rectify_cli.render.markdown import escaped

    assert text.md_escape_column(values) == [text.md_escape(v) for v in values]
    assert escaped(values * times) == [text.md_escape(v) for v in values * times]


@given(ledgers(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)))
def test_rows_without_a_filter_are_the_rows_a_filter_keeping_all_gives(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date
) -> None:
    """query.rows without a filter (built by column) and with one that keeps every task
    (tested task by task) give the same rows."""
    from rectify_cli.query import TaskFilter, rows

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    keep_all = TaskFilter(statuses=frozenset(Status))
    assert rows(ledger, as_of, TaskFilter()) == rows(ledger, as_of, keep_all)
    assert rows(ledger, as_of) == rows(ledger, as_of, keep_all)


def test_patterns_compiled_on_first_use_work_as_compiled_ones() -> None:
    from tests.hostile import HOSTILE

    lazy = {n: p for n, p in vars(text).items() if isinstance(p, text._Lazy)}
    assert {"_CONTROL", "_JSON_RAW", "UNBROKEN", "PHRASE"} <= set(lazy)
    for pattern in lazy.values():
        compiled = re.compile(pattern.source)
        for sample in [*HOSTILE, "T07 于2025-06-30，达到90%；逾期68天", ""]:
            assert pattern.findall(sample) == compiled.findall(sample)
            assert pattern.sub("@", sample) == compiled.sub("@", sample)
            assert bool(pattern.search(sample)) == bool(compiled.search(sample))


@given(ledgers(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)), st.sampled_from(["zh", "en"]))
def test_reasons_worded_by_column_are_each_warnings_reasons(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date, lang: Any
) -> None:
    from rectify_cli.render.warn_text import reasons_column, reasons_text
    from rectify_cli.schedule import warnings

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    found = warnings(ledger, as_of, days=7, tolerance=10.0, stale_days=30)
    assert reasons_column(found, lang) == [reasons_text(w, lang) for w in found]


@given(ledgers(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)), st.sampled_from(["zh", "en"]))
def test_list_columns_are_each_rows_cells(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date, lang: Any
) -> None:
    """The list's cells built column by column are each row's, worded one by one."""
    from rectify_cli.i18n import status_label
    from rectify_cli.query import rows
    from rectify_cli.render.common import (
        deadline_text,
        health_text,
        list_cells,
        list_columns,
        progress_text,
    )

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    found = rows(ledger, as_of)
    expected = [
        [r.task.id, r.aspect_name, r.task.title, r.task.lead, deadline_text(r.task, lang),
         status_label(r.task.status, lang), progress_text(r.task), health_text(r.health.health, lang)]
        for r in found
    ]  # fmt: skip
    assert [list(c) for c in zip(*list_columns(found, lang), strict=True)] == expected
    assert [list_cells(r, lang) for r in found] == expected


@pytest.mark.parametrize(("program", "collecting"), [("rectify", False), ("pytest", True)])
def test_the_program_imports_with_the_gc_off(program: str, collecting: bool) -> None:
    """The program's start-up imports run without cyclic collections (main() keeps it off
    until the ledger is loaded); a library caller importing the CLI keeps its GC."""
    code = (
        f"import gc, sys; sys.argv[0] = {program!r}; import rectify_cli.cli; print(gc.isenabled())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(collecting)


@given(ledgers(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)), st.booleans())
def test_last_update_without_a_list_of_dates_is_the_latest_on_or_before_as_of(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date, asked: bool
) -> None:
    """`last_update`'s shortcut (no list of dates when nothing is after as_of) gives what
    the latest of the log's dates and the completion date on or before as_of gives."""
    from rectify_cli.schedule import last_update, task_start

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    start = ledger.meta.feedback_date
    day = as_of if asked else None
    for t in ledger.tasks:
        dates = [e.date for e in t.log] + ([t.completed_on] if t.completed_on else [])
        kept = [d for d in dates if day is None or d <= day]
        want = max(kept) if kept else task_start(t, start)
        assert last_update(t, start, day) == want


@given(ledgers(), st.dates(dt.date(2019, 1, 1), dt.date(2027, 1, 1)))
def test_the_data_date_taken_without_a_list_of_log_dates_is_the_latest_on_or_before(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date
) -> None:
    """`data_date` (the log dates' maximum taken first, in C) is the latest of the declared
    date and every log date on or before as_of."""
    from rectify_cli.report import data_date

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    dates = [ledger.meta.as_of] + [e.date for t in ledger.tasks for e in t.log]
    assert data_date(ledger, as_of) == max(
        (d for d in dates if d is not None and d <= as_of), default=None
    )


@given(ledgers(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)), st.booleans())
def test_a_reports_warnings_judged_from_its_open_rows_are_those_warn_finds(
    files: tuple[TaskFile, IndicatorFile], as_of: dt.date, one_aspect: bool
) -> None:
    """A report's warnings (counted, and by lead department), judged from its open rows
    alone, are those `warnings` finds judging every task itself, of the aspect if one."""
    from rectify_cli.report import build_report
    from rectify_cli.schedule import warning_counts, warning_counts_by, warnings

    task_file, _ = files
    ledger = ledger_of(task_file.ledger, task_file.aspects, task_file.tasks, [], "r")
    aspect = ledger.aspects[0].id if one_aspect and ledger.aspects else None
    report = build_report(ledger, as_of, "en", aspect)
    found = [w for w in warnings(ledger, as_of) if aspect is None or w.task.aspect == aspect]
    assert report.warnings == warning_counts(found)
    by_lead = warning_counts_by(found, operator.attrgetter("task.lead"))
    for row in report.leads:
        assert row.warnings == by_lead.get(row.lead, warning_counts(()))
