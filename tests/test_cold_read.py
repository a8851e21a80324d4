"""The cold read of a large tasks file: the fast path (fast_tasks) reads exactly what the
models read, or declines; the pieces read on a second core give the same columns as read
here; and a worker that fails only costs time."""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError

from rectify_cli import cold_read, fast_tasks, ledger_codec, store, toml_read
from rectify_cli.models import TaskFile
from rectify_cli.records import LogEntry, task_of
from rectify_cli.records import Task as Record
from tests.helpers import benchmark_generator

CHUNK = 40


def _text(tasks: int) -> str:
    return cast(str, benchmark_generator().generate(tasks)[0])


def _models_columns(tasks: list[dict[str, Any]]) -> Any:
    models = toml_read.tasks_adapter().validate_python(tasks)
    return ledger_codec.task_columns([task_of(t) for t in models])


def test_the_fast_path_reads_generated_tasks_as_the_models_do() -> None:
    tasks = tomllib.loads(_text(300))["tasks"]
    fast = fast_tasks.columns(tasks, {})
    assert fast is not None  # regular data takes the fast path
    assert repr(fast) == repr(_models_columns(tasks))


DAY = dt.date(2025, 6, 30)
TASK: dict[str, Any] = {
    "id": "T01",
    "aspect": "A01",
    "title": "整治黑臭水体",
    "lead": "市水利局",
    "deadline": DAY,
    "status": "in_progress",
    "progress": 40,
    "partners": ["市生态环境局"],
    "log": [{"date": DAY, "progress": 40, "note": "已完成清淤", "changes": ["progress: 0 → 40"]}],
}

# Each: the change to TASK, and whether the fast path must take it (True) or may decline.
CHANGES: list[tuple[dict[str, Any], bool]] = [
    ({}, True),
    ({"status": "推进中"}, True),
    ({"status": "done", "deadline": None, "progress": 100, "completed_on": DAY}, True),
    ({"ongoing": True, "deadline": None}, True),
    ({"log": [{"date": DAY, "kind": "postponed", "by": "张三", "status": "进行中"}]}, True),
    ({"lead": " 市水利局"}, False),
    ({"notes": "a\n"}, False),
    ({"title": "x" * 1001}, False),
    ({"title": ""}, False),
    ({"id": "T 1"}, False),
    ({"id": "T/1"}, False),
    ({"id": ""}, False),
    ({"lead": None}, False),
    ({"deadline": dt.datetime(2025, 6, 30, 12, 0)}, False),
    ({"deadline": "2025-06-30"}, False),
    ({"progress": True}, False),
    ({"progress": 101}, False),
    ({"progress": 40.0}, False),
    ({"status": " done"}, False),
    ({"status": "finished?"}, False),
    ({"status": ["done"]}, False),
    ({"leed": "市水利局"}, False),
    ({"ongoing": True}, False),
    ({"ongoing": 1, "deadline": None}, False),
    ({"deadline": None}, False),
    ({"partners": ["市生态环境局", 3]}, False),
    ({"partners": "市生态环境局"}, False),
    ({"log": [{"date": DAY, "kind": "later"}]}, False),
    ({"log": [{"date": DAY, "kind": ["added"]}]}, False),
    ({"log": [{"kind": "added"}]}, False),
    ({"log": [{"date": DAY, "progress": -1}]}, False),
    ({"log": [{"date": DAY, "by": "张三 "}]}, False),
    ({"log": [{"date": DAY, "changez": []}]}, False),
    ({"log": {"date": DAY}}, False),
]


@pytest.mark.parametrize(("change", "taken"), CHANGES, ids=[repr(c) for c, _ in CHANGES])
def test_the_fast_path_reads_as_the_models_or_declines(change: dict[str, Any], taken: bool) -> None:
    task = {k: v for k, v in {**TASK, **change}.items() if v is not None}
    fast = fast_tasks.columns([dict(TASK), task], {})
    try:
        slow = _models_columns([dict(TASK), task])
    except ValidationError:
        assert fast is None  # never accepts what the models refuse
        return
    if taken:
        assert fast is not None
    if fast is not None:
        assert repr(fast) == repr(slow)


def test_text_checks_cover_every_space_the_models_strip_or_refuse() -> None:
    """fast_tasks declines text that str.strip would change or an id `re`'s \\s finds in:
    that must cover every character Pydantic strips, and every one the id pattern refuses."""

    class Probe(BaseModel):
        model_config = ConfigDict(str_strip_whitespace=True)
        text: str

    ids = toml_read.tasks_adapter()
    for code in [*range(0x3100), *range(0xFE00, 0x10000)]:
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if Probe(text=f"{ch}x{ch}").text != f"{ch}x{ch}":
            assert f"x{ch}".strip() != f"x{ch}", hex(code)
        if fast_tasks._NOT_ID.search(f"T{ch}") is None:
            task = {**TASK, "id": f"T{ch}", "log": []}
            assert ids.validate_python([task])[0].id == f"T{ch}", hex(code)


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(toml_read, "CHUNK_TASKS", CHUNK)
    return _text(6 * CHUNK + 13)


def _whole(text: str) -> tuple[TaskFile, Any]:
    whole = TaskFile.model_validate(tomllib.loads(text))
    tasks, whole.tasks = whole.tasks, []
    return whole, ledger_codec.task_columns([task_of(t) for t in tasks])


def _spy_start(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    started: list[object] = []
    real = cold_read._start

    def spy(raw: bytes, mid: int) -> Any:
        started.append(future := real(raw, mid))
        return future

    monkeypatch.setattr(cold_read, "_start", spy)
    return started


def _pooled(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    """A worker for a file of any size, started the `method` way."""
    monkeypatch.setattr(cold_read, "POOL_BYTES", 0)
    monkeypatch.setattr(cold_read, "_may_pool", lambda: True)
    monkeypatch.setattr(cold_read, "start_method", lambda: method)


METHODS = ["spawn"] if sys.platform == "win32" else ["fork", "spawn"]


@pytest.mark.parametrize("method", METHODS)
def test_halves_read_on_two_cores_equal_the_whole(
    large: str, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    _pooled(monkeypatch, method)
    started = _spy_start(monkeypatch)
    read = cold_read.read_bytes(large.encode(), "tasks.toml")
    assert read is not None and started and started[0] is not None  # a worker read half
    assert cast(Future[bytes | None], started[0]).exception() is None  # and did not die
    head, stored, _ = read
    whole, columns = _whole(large)
    assert (head.ledger, head.aspects, head.tasks) == (whole.ledger, whole.aspects, [])
    assert repr(stored) == repr(columns)
    alone = cold_read.read_columns(large)  # all in this process
    assert alone is not None and repr(alone[1]) == repr(columns)
    tight = large.replace("\n\n[[", "\n[[")  # no blank line before a header: cut all the same
    read = cold_read.read_bytes(tight.encode(), "tasks.toml")
    assert read is not None and repr(read[1]) == repr(_whole(tight)[1])


def test_a_ledger_loads_the_same_on_two_cores(
    large: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "tasks.toml"
    path.write_text(large, encoding="utf-8")
    alone = store.load_tasks(path, None)  # read, not handed its bytes: one process
    _pooled(monkeypatch, cold_read.start_method())
    pooled = store.load_tasks(path, path.read_bytes())
    assert repr(pooled) == repr(alone)


def test_a_pool_that_cannot_start_reads_here(large: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    _pooled(monkeypatch, cold_read.start_method())

    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    assert cold_read.read_bytes(large.encode(), "tasks.toml") is None  # read as one


def test_a_worker_that_dies_costs_time_not_a_different_answer(large: str) -> None:
    from concurrent.futures.process import BrokenProcessPool

    died: Future[bytes | None] = Future()
    died.set_exception(BrokenProcessPool("a worker died"))
    raw = large.encode()
    mid = raw.find(b"\n[[tasks]]\n", len(raw) // 2)
    first = cold_read.read_columns(raw[:mid].decode())
    second = cold_read._finish(died, raw, mid)  # the worker's half read in this process
    assert first is not None and second is not None
    assert repr(cold_read._joined([first[1], second])) == repr(_whole(large)[1])


@pytest.mark.parametrize("method", METHODS)
def test_an_error_in_the_workers_half_reads_the_whole_file(
    large: str, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    _pooled(monkeypatch, method)
    last = large.rindex('lead = "')
    broken = large[:last] + "leed" + large[last + 4 :]
    assert cold_read.read_bytes(broken.encode(), "t") is None  # the whole file words it
    with pytest.raises(ValidationError):
        TaskFile.model_validate(tomllib.loads(broken))


def test_a_fast_path_bug_fails_under_the_tests(large: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under RECTIFY_STRICT_FAST_PATH=1 every piece is read both ways: a fast path that
    reads a task differently from the models raises instead of hiding."""
    real: Callable[..., Any] = fast_tasks.columns

    def wrong(tasks: Any, strings: dict[str, str]) -> Any:
        out = real(tasks, strings)
        if out is not None:
            out[0][2] = ["?" for _ in out[0][2]]  # every title read wrong
        return out

    monkeypatch.setattr(cold_read, "columns", wrong)
    monkeypatch.setenv(cold_read.NO_POOL, "1")
    with pytest.raises(AssertionError, match="differs"):
        cold_read.read_columns(large)


_VALUES = st.one_of(
    st.sampled_from(["T01", "A01", "市水利局", " 市水利局", "x\n", "", "T 1", "done", "推进中"]),
    st.sampled_from(["in_progress", "not_started", "closed", "cancelled", "postponed", "added"]),
    st.text(alphabet="a \u3000\t/:T0", max_size=4),
    st.integers(-1, 101),
    st.booleans(),
    st.floats(0, 100),
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 1, 1)),
    st.just(dt.datetime(2025, 6, 30, 8, 0)),
    st.lists(st.sampled_from(["市生态环境局", " a", "", 3]), max_size=2),
)
_ENTRY = st.dictionaries(st.sampled_from([*LogEntry._fields, "when"]), _VALUES, max_size=4)
_TASK_KEYS = st.sampled_from([f for f in Record._fields if f != "log"] + ["leed"])


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_TASK_KEYS, _VALUES, max_size=8),
    st.one_of(st.none(), st.lists(_ENTRY, max_size=2), _VALUES),
)
def test_any_task_reads_as_the_models_read_it_or_is_declined(
    change: dict[str, Any], log: Any
) -> None:
    task = {**TASK, **change}
    if log is not None:
        task["log"] = log
    test_the_fast_path_reads_as_the_models_or_declines(task, False)


def _cut_lines_by_counts(text: str, head: bool) -> int | None:
    """toml_read._cut_lines as it was written first, a str.count per header: the rule the
    one-regex version must keep, to the letter."""
    if '"""' in text or "'''" in text:
        return None
    counts = [text.count(f"\n{h}\n") for h in toml_read._HEADERS]
    if sum(counts) + head != text.count("\n[") + text.startswith("["):
        return None
    if ("\n " in text or "\n\t" in text) and toml_read._INDENTED_HEADER.search(text):
        return None
    if not toml_read._toml10(text):
        return None
    return counts[0]


_LINES = [
    *toml_read._HEADERS,
    "[[tasks]",
    "[[tasks.log]]x",
    "[ledger] ",
    "[other]",
    "[",
    " [[tasks]]",
    "\t[ledger]",
    'a = "x"',
    "b = '''",
    'c = """',
    "d = 'it'",
    'e = "\\e"',
    "f = {g = 1}",
    "h = 10:30",
    "",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_LINES), max_size=12), st.booleans(), st.booleans())
def test_the_cut_rules_decide_as_counting_each_header_did(
    lines: list[str], lead: bool, end: bool
) -> None:
    """Two equal headers in a row, a header at the very start or end, one written
    differently: the regex that finds an odd header line decides as a count per header."""
    text = ("\n" if lead else "") + "\n".join(lines) + ("\n" if end else "")
    head = text.startswith(toml_read._HEADERS)
    assert toml_read._cut_lines(text, head) == _cut_lines_by_counts(text, head)
    whole = "x = 1\n" + text
    count = toml_read.task_count(whole)
    starts = toml_read.task_starts(whole)
    found = [i + 1 for i in range(len(whole)) if whole.startswith("\n[[tasks]]\n", i)]
    assert starts == (found if count == len(found) else None)
