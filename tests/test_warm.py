"""Every write leaves the cache warm (warm.py): the next read is served from the cache, and
gives exactly what a cold load of the new files gives; a file changed behind rectify's back
is never served from it."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import suppress
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rectify_cli import cache, ledger_codec, store, warm
from rectify_cli.edit import TaskUpdate, update_task
from rectify_cli.errors import RectifyError
from rectify_cli.files import MAX_FILE_BYTES
from rectify_cli.kinds import Status
from rectify_cli.models import PetitionFile
from rectify_cli.records import Ledger
from tests.conftest import invoke

DAY = "2025-10-15"
ADD = ["--aspect", "A1", "--lead", "市生态环境局", "--deadline", "2025-12-31", "--date", DAY]

# Each case: commands run one after another on a copy of the sample, the cache warm at the
# start; after each, the next read must hit the cache and equal a cold load.
WRITES = {
    "update": [["update", "T07", "--progress", "80", "--date", DAY, "--note", "x"]],
    "record": [["record", "pm25", "31", "--period", "2025年1-9月", "--date", DAY]],
    "add": [["add", "--title", "新任务", *ADD]],
    "edit": [["edit", "T07", "--lead", "市水务局", "--date", DAY]],
    "postpone": [
        ["add", "--title", "有时限", *ADD],
        ["postpone", "T25", "--to", "2026-06-30", "--reason", "延后", "--date", DAY],
    ],
    "cancel": [["cancel", "T16", "--note", "方案调整", "--date", DAY]],
    "fold": [["fold", "T18", "--into", "T07", "--note", "合并", "--date", DAY]],
    "remove": [
        ["add", "--title", "误加", *ADD],
        ["remove", "T25"],
    ],
    "undo": [["update", "T07", "--progress", "80", "--date", DAY], ["undo"]],
    "aspect add": [["aspect", "add", "--id", "A9", "--name", "新方面"]],
    "indicator add": [["indicator", "add", "--id", "noise", "--name", "噪声", "--better", "lower"]],
    "petition": [
        [
            *("petition", "add", "X001", "--title", "某厂夜间噪声扰民", "--category", "噪声"),
            *("--received", "2025-07-01", "--area", "博兴县", "--lead", "县生态环境局"),
            *("--deadline", "2025-08-31", "--date", "2025-07-02"),
        ],
        ["petition", "update", "X001", "--handling", "stage_closed", "--date", "2025-07-20"],
    ],
}


def cold(root: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    with monkeypatch.context() as m:
        m.setenv(cache.NO_CACHE_ENV, "1")
        return store.load_ledger(root)


def assert_same(warm_ledger: Ledger, cold_ledger: Ledger) -> None:
    """Field by field, types included (a date is not a day number, an int not a float)."""
    for name in ("meta", "aspects", "tasks", "indicators", "problems"):
        a, b = getattr(warm_ledger, name), getattr(cold_ledger, name)
        assert a == b, name
        assert repr(a) == repr(b), name


def read_is_warm(root: Path) -> Ledger:
    cache.LOOKUPS.clear()
    loaded = store.load_ledger(root)
    assert cache.LOOKUPS == {"hit": 1}, "the read after a write was not served by the cache"
    return loaded


def petitions_cached(root: Path) -> PetitionFile | None:
    keys = cache.current_keys([root / "petitions.toml"], limit=MAX_FILE_BYTES)
    assert keys is not None
    return cache.load_model(root, "petitions", keys, PetitionFile)


@pytest.mark.parametrize("name", WRITES)
def test_the_read_after_each_write_is_warm_and_equals_a_cold_load(
    name: str, sample: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    if name == "petition":
        (sample / "petitions.toml").unlink()  # the sample's holds a summary, not cases
    assert invoke(runner, "list")[0] == 0  # the cache is warm before the write
    for args in WRITES[name]:
        before = (sample / "tasks.toml").read_bytes(), (sample / "indicators.toml").read_bytes()
        code, _, err = invoke(runner, *args)
        assert code == 0, err
        after = (sample / "tasks.toml").read_bytes(), (sample / "indicators.toml").read_bytes()
        if name != "petition":
            assert before != after, "the command wrote nothing: the case proves nothing"
        assert_same(read_is_warm(sample), cold(sample, monkeypatch))
        if (sample / "petitions.toml").exists():
            cached = petitions_cached(sample)
            assert cached is not None
            assert cached == store.load_petitions(sample)
    if name == "petition":
        assert "X001" in (sample / "petitions.toml").read_text(encoding="utf-8")


def test_a_write_then_an_edit_behind_rectifys_back_is_read_cold(
    sample: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke(runner, "list")
    assert invoke(runner, "update", "T07", "--progress", "80", "--date", DAY)[0] == 0
    path = sample / "tasks.toml"
    stat = path.stat()
    text = path.read_bytes()
    # Same size, same timestamps: only the bytes tell the change.
    path.write_bytes(text.replace(b"progress = 80", b"progress = 81", 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    cache.LOOKUPS.clear()
    loaded = store.load_ledger(sample)
    assert cache.LOOKUPS == {"miss": 1}
    assert next(t for t in loaded.tasks if t.id == "T07").progress == 81


def test_an_entry_is_written_only_for_the_bytes_a_write_made(
    sample: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write whose old bytes have no entry leaves none (the next read is cold, as before),
    rather than guessing."""
    assert invoke(runner, "update", "T07", "--progress", "80", "--date", DAY)[0] == 0
    cache.LOOKUPS.clear()
    store.load_ledger(sample)
    assert cache.LOOKUPS == {"miss": 1}


def test_the_changed_span_is_what_the_two_byte_strings_do_not_share() -> None:
    @given(st.binary(max_size=40), st.binary(max_size=40), st.binary(max_size=40))
    def check(a: bytes, b: bytes, c: bytes) -> None:
        old, new = a + c, a + b + c
        head, tail = warm.changed_span(old, new)
        assert old[:head] == new[:head]
        assert old[len(old) - tail :] == new[len(new) - tail :]
        assert head + tail <= min(len(old), len(new))
        most = min(len(old), len(new))
        assert head == most or old[head] != new[head]  # neither can reach further
        assert tail == most - head or old[-tail - 1] != new[-tail - 1]

    check()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 299),
            st.integers(0, 100),
            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
            st.sampled_from([None, Status.IN_PROGRESS, Status.DONE]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_random_writes_leave_exactly_what_a_cold_load_builds(
    big: Path,
    monkeypatch: pytest.MonkeyPatch,
    writes: list[tuple[int, int, str, Status | None]],
) -> None:
    store.load_ledger(big)
    ledger = cold(big, monkeypatch)
    for index, progress, note, status in writes:
        task = ledger.tasks[index]
        upd = TaskUpdate(
            date=dt.date(2025, 10, 15), progress=progress, note=note, status=status, reopen=True
        )
        with suppress(RectifyError):  # a refused write (done below 100, say) writes nothing
            update_task(big, task.id, upd)
        ledger = read_is_warm(big)
        assert_same(ledger, cold(big, monkeypatch))


@pytest.fixture(scope="module")
def big_text() -> tuple[str, str]:
    from tests.helpers import benchmark_generator

    generated: tuple[str, str] = benchmark_generator().generate(300)
    return generated


@pytest.fixture
def big(tmp_path_factory: pytest.TempPathFactory, big_text: tuple[str, str]) -> Path:
    root = tmp_path_factory.mktemp("big")
    (root / "tasks.toml").write_text(big_text[0], encoding="utf-8")
    (root / "indicators.toml").write_text(big_text[1], encoding="utf-8")
    return root


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_splicing_stored_tasks_equals_encoding_the_spliced_tasks(
    big_text: tuple[str, str], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    tasks = _big_ledger(big_text, tmp_path_factory).tasks
    before = data.draw(st.integers(0, len(tasks)))
    kept = data.draw(st.integers(0, len(tasks) - before))
    middle = data.draw(st.lists(st.sampled_from(tasks), max_size=4))
    stored = ledger_codec.task_columns(tasks)
    spliced = ledger_codec.splice_tasks(stored, before, kept, middle)
    assert spliced == ledger_codec.task_columns([*tasks[:before], *middle, *tasks[before + kept :]])


_LEDGERS: dict[int, Ledger] = {}


def _big_ledger(big_text: tuple[str, str], factory: pytest.TempPathFactory) -> Ledger:
    if not _LEDGERS:
        root = factory.mktemp("codec")
        (root / "tasks.toml").write_text(big_text[0], encoding="utf-8")
        _LEDGERS[0] = store.load_ledger(root)
    return _LEDGERS[0]


def test_decoding_leaves_the_stored_form_as_it_was(big: Path) -> None:
    import copy

    ledger = store.load_ledger(big)
    payload = ledger_codec.encode(ledger, (dt.date.today(), None))
    frozen = copy.deepcopy(payload)
    assert ledger_codec.decode(payload, big).tasks == ledger.tasks
    assert payload == frozen


def test_a_write_counts_problems_from_the_count_before(
    big_text: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other tasks' problems (a done task at 90%, edited by hand) stay counted, without
    counting the whole ledger again when the write keeps the task's id and status."""
    root = tmp_path / "problems"
    root.mkdir()
    tasks = big_text[0].replace('status = "done"\nprogress = 100', 'status = "done"\nprogress = 90')
    (root / "tasks.toml").write_text(tasks, encoding="utf-8")
    (root / "indicators.toml").write_text(big_text[1], encoding="utf-8")
    counted = store.load_ledger(root).problems
    assert counted
    ongoing = [t for t in store.load_ledger(root).tasks if t.status is Status.IN_PROGRESS]

    def whole(*args: object) -> object:
        raise AssertionError("counted the whole ledger again")

    for task in ongoing[:3]:
        with monkeypatch.context() as m:
            m.setattr(store, "count_problems", whole)
            upd = TaskUpdate(date=dt.date(2025, 10, 15), progress=(task.progress or 0) // 2 + 1)
            update_task(root, task.id, upd)
        warm_ledger = read_is_warm(root)
        assert warm_ledger.problems == counted
        assert_same(warm_ledger, cold(root, monkeypatch))


# Lines a write could bring into a task's block: each of the rules task_count cuts a file by.
_RISKY_LINES = [
    'note = "照常"',
    "[[tasks.log]]",
    "[[tasks]]",
    "[ledger]",
    "[[aspects]]",
    "[other]",
    "  [[tasks]]",
    "\t[x]",
    "tasks = 1",
    "x = {a = 1}",
    "y = [",
    "  {b = 1}]",
    "t = 10:30",
    "u = 2025-01-01T10:30",
    'e = "\\e"',
    "n = '''",
    'm = """',
    "",
    "  ",
]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_checking_the_changed_blocks_decides_as_checking_the_whole_file(
    big_text: tuple[str, str], data: st.DataObject
) -> None:
    """A file that may be cut, some of its `[[tasks]]` blocks replaced: the replacing
    blocks alone say whether it still may be, and how many tasks it then holds, exactly
    as the whole file's check (toml_read.task_count) says."""
    from rectify_cli import toml_read

    text = big_text[0]
    starts = toml_read.task_starts(text)
    assert starts is not None
    i = data.draw(st.integers(1, len(starts) - 1))
    j = min(i + data.draw(st.integers(0, 3)), len(starts))  # len(starts): to the end
    a, b = starts[i], starts[j] if j < len(starts) else len(text)
    lines = data.draw(st.lists(st.sampled_from(_RISKY_LINES), max_size=6))
    piece = "".join(f"{line}\n" for line in ["[[tasks]]", 'id = "X1"', *lines])
    new = text[:a] + piece + text[b:]
    whole = toml_read.task_count(new)
    inside = toml_read.blocks_count(piece, last=b == len(text))
    if whole is None or inside is None:
        assert whole is None and inside is None
    else:
        assert whole == text.count("\n[[tasks]]\n", 0, a) + inside + text.count(
            "\n[[tasks]]\n", b - 1
        )


def test_a_write_that_makes_the_file_uncuttable_leaves_no_entry(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first write checks the whole file, the next ones the blocks they change; a block
    the reader may not cut at (a multi-line string) leaves no entry, and the next read is
    cold and right."""
    ledger = store.load_ledger(big)
    ongoing = [t for t in ledger.tasks if t.status is Status.IN_PROGRESS]
    for task in ongoing[:2]:
        update_task(big, task.id, TaskUpdate(date=dt.date(2025, 10, 15), progress=42))
        assert_same(read_is_warm(big), cold(big, monkeypatch))
    path = big / "tasks.toml"
    task = ongoing[2]
    update_task(big, task.id, TaskUpdate(date=dt.date(2025, 10, 15), note="甲'''乙"))
    assert "'''" in path.read_text(encoding="utf-8")
    cache.LOOKUPS.clear()
    loaded = store.load_ledger(big)
    assert cache.LOOKUPS == {"miss": 1}
    assert_same(loaded, cold(big, monkeypatch))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_tasks_decoded_from_their_columns_alone_are_those_of_the_whole_ledger(
    big_text: tuple[str, str], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """A write decodes only the tasks it replaces, and the statuses recount needs, from the
    stored columns: the same as decoding every task."""
    from rectify_cli.checks import task_statuses

    tasks = _big_ledger(big_text, tmp_path_factory).tasks
    lo = data.draw(st.integers(0, len(tasks)))
    hi = data.draw(st.integers(lo, len(tasks)))
    folded = data.draw(st.sets(st.integers(0, len(tasks) - 1), max_size=3))
    tasks = [t._replace(merged_into=tasks[0].id) if i in folded else t for i, t in enumerate(tasks)]
    stored = ledger_codec.task_columns(tasks)
    assert ledger_codec.tasks_between(stored, lo, hi) == tasks[lo:hi]
    assert ledger_codec.task_count(stored) == len(tasks)
    assert ledger_codec.stored_statuses(stored) == task_statuses(tasks)
