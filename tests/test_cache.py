"""The ledger cache: it never changes a result, notices every edit, and never trusts a bad entry.

Also the fast TOML reader beside it: rtoml's values equal tomllib's, and every error message
is still tomllib's.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import sys
import threading
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rectify_cli import cache, ledger_codec, model_codec, models, store, toml_read
from rectify_cli.errors import LedgerInvalid
from rectify_cli.kinds import Status
from rectify_cli.models import TaskFile
from rectify_cli.records import Ledger, as_dict, ledger_of, of
from rectify_cli.records import Task as Record
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, SAMPLE, invoke, invoke_en
from tests.helpers import benchmark_generator

MakeLedger = Callable[..., Path]


def _generator() -> ModuleType:
    return cast(ModuleType, benchmark_generator())


@pytest.fixture
def cache_folder() -> Path:
    return Path(os.environ[cache.CACHE_ENV])


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 300-task ledger from the benchmark generator: logs, every status, ongoing tasks."""
    tasks, indicators = _generator().generate(300)
    root = tmp_path / "generated"
    root.mkdir()
    (root / "tasks.toml").write_text(tasks, encoding="utf-8")
    (root / "indicators.toml").write_text(indicators, encoding="utf-8")
    monkeypatch.setenv("RECTIFY_LEDGER", str(root))
    return root


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Call the result to make any further parse fail: proof that a load came from the cache."""

    def forbid() -> None:
        def refuse(*args: object, **kwargs: object) -> object:
            raise AssertionError("parsed a file although the cache was warm")

        for reader in ("load_file", "load_tasks", "_load_text"):
            monkeypatch.setattr(store, reader, refuse)
        monkeypatch.setattr(toml_read, "tasks_in_chunks", refuse)

    yield forbid


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("ledger-*.bin")) if folder.is_dir() else []


def assert_same(a: Ledger, b: Ledger) -> None:
    """Equal values of the same types all the way down (an int is not a float, a date not a
    day number, a status not its string)."""
    assert a == b
    assert a.root == b.root

    def walk(x: object, y: object) -> None:
        assert type(x) is type(y)
        if isinstance(x, tuple) and hasattr(x, "_fields"):
            for i, j in zip(x, y, strict=True):  # type: ignore[call-overload]
                walk(i, j)
        elif isinstance(x, list):
            assert isinstance(y, list)
            assert len(x) == len(y)
            for i, j in zip(x, y, strict=True):
                walk(i, j)
        else:
            assert x == y

    for name in ("meta", "aspects", "tasks", "indicators"):
        walk(getattr(a, name), getattr(b, name))


# --------------------------------------------------------------------------- results


@pytest.mark.parametrize("which", ["sample", "generated"])
def test_warm_list_json_is_identical_to_cold(
    which: str,
    sample: Path,
    generated: Path,
    runner: CliRunner,
    cache_folder: Path,
    no_parsing: Callable[[], None],
) -> None:
    root = sample if which == "sample" else generated
    args = ("list", "--format", "json", "--as-of", "2025-09-30", "--ledger", str(root))
    cold = invoke(runner, *args)
    assert cold[0] == 0
    assert len(entries(cache_folder)) == 1
    no_parsing()
    warm = invoke(runner, *args)
    assert warm == cold
    assert cold[1].count('"id"') >= 24


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "--format", "csv"),
        ("warn", "--days", "30"),
        ("warn", "--format", "json"),
        ("report",),
        ("report", "--format", "json"),
        ("show", "T0003"),
        ("log",),
        ("changes", "--since", "2025-01-01"),
    ],
)
def test_every_reading_command_says_the_same_warm_and_cold(
    command: tuple[str, ...],
    generated: Path,
    runner: CliRunner,
    cache_folder: Path,
    no_parsing: Callable[[], None],
) -> None:
    args = (*command, "--as-of", "2025-09-30", "--ledger", str(generated))
    if command[0] == "log":
        args = (*command, "--ledger", str(generated))
    cold = invoke(runner, *args)
    assert cold[0] in (0, 1), cold
    assert len(entries(cache_folder)) == 1
    no_parsing()
    assert invoke(runner, *args) == cold


def test_warm_load_equals_a_fresh_validation(
    generated: Path, no_parsing: Callable[[], None]
) -> None:
    cold = load_ledger(generated)
    no_parsing()
    warm = load_ledger(generated)
    assert_same(cold, warm)
    assert any(t.log for t in warm.tasks)
    task = next(t for t in warm.tasks if t.log)
    assert isinstance(task.log[0].date, dt.date)
    assert isinstance(task.status, Status)
    # Each model owns its lists: changing one task never changes another through the cache.
    task.evidence.append("x.pdf")
    assert all(t.evidence is not task.evidence for t in warm.tasks if t is not task)


def test_a_cached_record_is_read_only_and_still_validates(sample: Path) -> None:
    load_ledger(sample)
    warm = load_ledger(sample)
    task = warm.tasks[0]
    with pytest.raises(AttributeError):
        task.notes = "改"  # type: ignore[misc]
    assert task._replace(notes="改").notes == "改"
    assert of(models.Task.model_validate(as_dict(task))) == task
    indicator = warm.indicators[0]
    assert of(models.Indicator.model_validate(as_dict(indicator))) == indicator


def test_the_root_is_the_one_asked_for(sample: Path, tmp_path: Path) -> None:
    load_ledger(sample)
    copy = tmp_path / "other"
    shutil.copytree(sample, copy)
    assert load_ledger(copy).root == str(copy)
    assert load_ledger(sample).root == str(sample)


# --------------------------------------------------------------------------- invalidation


def test_an_edit_is_seen(sample: Path) -> None:
    load_ledger(sample)
    path = sample / "tasks.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title = "将', 'title = "改：将', 1), encoding="utf-8")
    assert load_ledger(sample).tasks[0].title.startswith("改：")


def test_a_same_size_edit_in_the_same_instant_is_seen(sample: Path) -> None:
    """Same size, and the modification time put back: only the content tells."""
    path = sample / "tasks.toml"
    first = load_ledger(sample)
    assert first.tasks[0].progress == 100
    before = path.stat()
    raw = path.read_bytes()
    edited = raw.replace(b"progress = 100", b"progress = 99 ", 1)
    assert len(edited) == len(raw) and edited != raw
    path.write_bytes(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert load_ledger(sample).tasks[0].progress == 99


def test_the_indicators_file_appearing_or_going_is_seen(sample: Path) -> None:
    indicators = sample / "indicators.toml"
    kept = indicators.read_bytes()
    assert load_ledger(sample).indicators
    indicators.unlink()
    assert load_ledger(sample).indicators == []
    indicators.write_bytes(kept)
    assert load_ledger(sample).indicators


def test_a_broken_edit_is_reported_not_served_from_the_cache(
    sample: Path, runner: CliRunner
) -> None:
    assert invoke_en(runner, "list")[0] == 0
    path = sample / "tasks.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[tasks]\n", encoding="utf-8")
    code, out, err = invoke_en(runner, "list")
    assert (code, out) == (2, "")
    assert "tasks.toml:" in err and "invalid TOML" in err


def test_an_invalid_ledger_is_never_cached(make_ledger: MakeLedger, cache_folder: Path) -> None:
    root = make_ledger(MINIMAL_TASKS.replace('aspect = "A1"', 'aspect = "A9"'))
    for _ in range(2):
        with pytest.raises(LedgerInvalid, match="unknown aspect 'A9'"):
            load_ledger(root)
    assert entries(cache_folder) == []


# --------------------------------------------------------------------------- bad entries


def corruptions(entry: bytes) -> dict[str, bytes]:
    head = len(cache.MAGIC) + 8
    return {
        "empty": b"",
        "garbage": os.urandom(len(entry)),
        "truncated": entry[: len(entry) // 2],
        "one byte short": entry[:-1],
        "one byte more": entry + b"\0",
        "wrong magic": b"X" + entry[1:],
        "flipped body byte": entry[:-5] + bytes([entry[-5] ^ 0xFF]) + entry[-4:],
        "other format version": entry.replace(
            f"({cache.FORMAT_VERSION}, 'Ledger'".encode(), b"(99, 'Ledger'", 1
        ),
        "header length lies": entry[: len(cache.MAGIC)] + (10**9).to_bytes(8, "little")
        + entry[head:],
    }  # fmt: skip


@pytest.mark.parametrize("kind", list(corruptions(b"x" * 64)))
def test_a_bad_entry_is_ignored_and_rebuilt(kind: str, generated: Path, cache_folder: Path) -> None:
    expected = load_ledger(generated)
    (entry,) = entries(cache_folder)
    good = entry.read_bytes()
    bad = corruptions(good)[kind]
    assert bad != good
    entry.write_bytes(bad)
    assert_same(load_ledger(generated), expected)
    assert entry.read_bytes() == good  # rebuilt, and the rebuilt entry is served again
    assert_same(load_ledger(generated), expected)


def test_an_entry_of_another_ledger_is_not_served(sample: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(sample, other)
    path = other / "tasks.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("滨州", "滨洲"), encoding="utf-8")
    load_ledger(sample)
    load_ledger(other)
    folder = Path(os.environ[cache.CACHE_ENV])
    a, b = (cache.entry_path(folder, r) for r in (sample, other))
    assert a is not None and b is not None and a != b
    b.write_bytes(a.read_bytes())  # the sample's entry, under the other ledger's name
    assert "滨洲" in load_ledger(other).meta.title


def test_an_entry_written_by_another_version_is_ignored(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_ledger(sample)
    assert _cached(sample) is not None
    # Other source in the modules that load a ledger: another rectify, or an edited checkout.
    sources = cache.FINGERPRINT_SOURCES
    monkeypatch.setattr(cache, "FINGERPRINT_SOURCES", sources[:-1])
    assert _cached(sample) is None
    monkeypatch.setattr(cache, "FINGERPRINT_SOURCES", sources)
    assert _cached(sample) is not None
    monkeypatch.setattr(cache, "FORMAT_VERSION", cache.FORMAT_VERSION + 1)
    assert _cached(sample) is None


def test_without_its_sources_the_cache_keys_on_the_installed_version(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen or zipped install has no source to hash: the version from the package
    metadata tells one rectify's entries from another's."""
    import rectify_cli

    monkeypatch.setattr(cache, "FINGERPRINT_SOURCES", ("no-such-module.py",))
    load_ledger(sample)
    assert _cached(sample) is not None
    monkeypatch.setattr(rectify_cli, "__version__", "0.0.0-other", raising=False)
    assert _cached(sample) is None


def _cached(root: Path) -> Ledger | None:
    """The cache's answer for the folder as it is, and proof that the keys it hashed are
    those of the bytes: the ones a miss writes its entry under (with no entry, or one that
    cannot be of these files, it stops hashing: there is nothing to check the keys against)."""
    paths = [root / "tasks.toml", root / "indicators.toml"]
    interval = sys.getswitchinterval()
    ledger, keys = cache.load_current(root, paths, True, limit=2**30)
    assert sys.getswitchinterval() == interval  # shortened while hashing, and given back
    if keys is None:
        assert ledger is None
    else:
        assert keys == cache.keys(paths, [p.read_bytes() for p in paths], True)
    return ledger


def test_a_lookup_with_no_entry_stops_hashing(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first read, or one after an edit that changed a file's size, neither decodes an
    entry nor waits for a hash it cannot use; an edit of the same size is hashed to be
    told apart, and the entry of the files as they are is served."""
    paths = [sample / "tasks.toml", sample / "indicators.toml"]
    stop = threading.Event()
    stop.set()
    assert cache.current_keys(paths, True, limit=2**30, stop=stop) is None
    assert cache.load_current(sample, paths, True, limit=2**30) == (None, None)
    load_ledger(sample)
    decoded: list[int] = []
    decode = ledger_codec.decode

    def counted(*args: Any, **kwargs: Any) -> Any:
        decoded.append(1)
        return decode(*args, **kwargs)

    monkeypatch.setattr(ledger_codec, "decode", counted)
    text = paths[0].read_text(encoding="utf-8")
    paths[0].write_text(text + "# edited\n", encoding="utf-8")
    assert cache.load_current(sample, paths, True, limit=2**30) == (None, None)
    assert decoded == []
    paths[0].write_text(text[:-2] + chr(ord(text[-2]) ^ 1) + text[-1], encoding="utf-8")
    ledger, keys = cache.load_current(sample, paths, True, limit=2**30)  # same size: hashed
    assert ledger is None and decoded == [1]
    assert keys == cache.keys(paths, [p.read_bytes() for p in paths], True)
    paths[0].write_text(text, encoding="utf-8")
    assert cache.load_current(sample, paths, True, limit=2**30)[0] is not None


# --------------------------------------------------------------------------- where


def test_never_written_into_the_ledger_folder(
    sample: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    before = sorted(p.name for p in sample.rglob("*"))
    for inside in (sample, sample / "cache"):
        monkeypatch.setenv(cache.CACHE_ENV, str(inside))
        assert invoke(runner, "list")[0] == 0
        assert invoke(runner, "list")[0] == 0
        assert sorted(p.name for p in sample.rglob("*")) == before


def test_default_folder_is_the_users_cache(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "home"))
    before = sorted(p.name for p in sample.rglob("*"))
    load_ledger(sample)
    folder = cache.cache_dir()
    assert folder is not None
    if sys.platform == "win32":
        assert folder == tmp_path / "local" / "rectify" / "cache"
    elif sys.platform == "darwin":
        assert folder == tmp_path / "home" / "Library" / "Caches" / "rectify"
    else:
        assert folder == tmp_path / "xdg" / "rectify"
    assert len(entries(folder)) == 1
    # Should the folder ever be inside a git work tree, git ignores it.
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert sorted(p.name for p in sample.rglob("*")) == before


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("win32", {"LOCALAPPDATA": "L"}, ("L", "rectify", "cache")),
        ("win32", {}, ("HOME", "AppData", "Local", "rectify", "cache")),
        ("linux", {"XDG_CACHE_HOME": "/x"}, ("/x", "rectify")),
        ("linux", {"XDG_CACHE_HOME": "relative"}, ("HOME", ".cache", "rectify")),
        ("linux", {}, ("HOME", ".cache", "rectify")),
        ("darwin", {}, ("HOME", "Library", "Caches", "rectify")),
    ],
)
def test_cache_dir_by_platform(
    platform: str,
    env: dict[str, str],
    expected: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(cache.CACHE_ENV)
    for name in ("LOCALAPPDATA", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: Path("HOME")))
    assert cache.cache_dir() == Path(*expected)


def test_turned_off(sample: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path) -> None:
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    load_ledger(sample)
    assert entries(cache_folder) == []


def test_a_cache_that_cannot_be_written_is_ignored(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    assert len(load_ledger(sample).tasks) == 24
    assert len(load_ledger(sample).tasks) == 24
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_no_temporary_files_are_left(sample: Path, cache_folder: Path) -> None:
    load_ledger(sample)
    path = sample / "tasks.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load_ledger(sample)
    names = sorted(p.name for p in cache_folder.iterdir())
    assert [n for n in names if n.endswith(".tmp")] == []
    assert len(entries(cache_folder)) == 1  # one entry per ledger folder, replaced


# --------------------------------------------------------------------------- speed-ups


def test_gc_is_enabled_again_after_a_load(sample: Path, make_ledger: MakeLedger) -> None:
    assert gc.isenabled()
    load_ledger(sample)
    load_ledger(sample)
    assert gc.isenabled()
    with pytest.raises(LedgerInvalid):
        load_ledger(make_ledger("[ledger]\ntitle = 1\n"))
    assert gc.isenabled()


def test_rtoml_reads_what_tomllib_reads(generated: Path) -> None:
    pytest.importorskip("rtoml")
    for path in (SAMPLE / "tasks.toml", SAMPLE / "indicators.toml", generated / "tasks.toml"):
        text = path.read_text(encoding="utf-8")
        fast = toml_read.parse_fast(text)
        assert fast is not None
        assert fast == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        'a = {x = 1,\n y = 2}\n',
        'a = {x = 1, y = 2,}\n',
        'a = "\\e"\n',
        'a = "\\x41"\n',
        "a = 12:30\n",
        "a = 2025-01-01T12:30\n",
        "a = [12:30]\n",
    ],
)  # fmt: skip
def test_toml_11_is_left_to_tomllib(text: str) -> None:
    """rtoml accepts TOML 1.1; rectify reads TOML 1.0 and must refuse what it always refused."""
    assert toml_read.parse_fast(text) is None
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)


def test_a_time_in_a_string_does_not_lose_the_fast_path() -> None:
    pytest.importorskip("rtoml")
    assert toml_read.parse_fast('note = "10:30 开会"\npath = "C:\\\\x"\n') == {
        "note": "10:30 开会",
        "path": "C:\\x",
    }


BROKEN = [
    MINIMAL_TASKS + "\n[[tasks]]\nid = 'T2'\n",  # a task without its required fields
    MINIMAL_TASKS.replace("progress = 50", "progress = 500"),
    MINIMAL_TASKS.replace("deadline = 2025-12-31", "deadline = 2025-13-01"),
    MINIMAL_TASKS.replace("lead = ", "leed = "),
    MINIMAL_TASKS + "\nstatus = 1\n",  # a key set twice
    MINIMAL_TASKS.replace('title = "治理扬尘"', "title = “治理扬尘”"),
    MINIMAL_TASKS.replace("deadline = 2025-12-31", "deadline = 2025-12-31T08:00:00+08:00"),
    MINIMAL_TASKS + "x = 1e400\n",  # tomllib reads inf, rtoml refuses
]


@pytest.mark.parametrize("tasks", BROKEN)
def test_messages_are_the_same_with_or_without_rtoml(
    tasks: str,
    make_ledger: MakeLedger,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_ledger(tasks)
    with_rtoml = invoke_en(runner, "list")
    monkeypatch.setitem(sys.modules, "rtoml", None)  # import rtoml now raises ImportError
    without = invoke_en(runner, "list")
    assert with_rtoml == without
    assert with_rtoml[0] == 2
    assert with_rtoml[2].startswith("Error: ")


# --------------------------------------------------------------------------- large files


CHUNK = 40  # toml_read.CHUNK_TASKS in these tests, so that a small file is cut in pieces


@pytest.fixture
def large_text(monkeypatch: pytest.MonkeyPatch) -> str:
    """Enough tasks to be read in pieces."""
    monkeypatch.setattr(toml_read, "CHUNK_TASKS", CHUNK)
    tasks, _ = _generator().generate(2 * CHUNK + 21)
    return str(tasks)


def test_a_large_file_read_in_pieces_equals_the_whole(large_text: str, tmp_path: Path) -> None:
    pieces = toml_read.tasks_in_chunks(large_text, list)
    assert pieces is not None
    first, tasks = pieces
    whole = TaskFile.model_validate(tomllib.loads(large_text))
    assert len(tasks) == 2 * CHUNK + 21
    assert (first.ledger, first.aspects, first.tasks) == (whole.ledger, whole.aspects, [])
    assert tasks == whole.tasks
    # Turned into records a piece at a time, as a first load does: the same records.
    path = tmp_path / "tasks.toml"
    path.write_text(large_text, encoding="utf-8")
    _, by_piece, _ = store.load_tasks(path, None)
    assert len(by_piece) == len(tasks)
    in_pieces = ledger_of(whole.ledger, whole.aspects, [], [], "r")
    in_pieces.tasks = by_piece
    assert_same(in_pieces, ledger_of(whole.ledger, whole.aspects, whole.tasks, [], "r"))


@pytest.mark.parametrize(
    "change",
    [
        "ledger table last",
        "indented header",
        "header with a comment",
        "multi-line string",
        "root key named tasks",
        "windows line ends",
        "toml 1.1 inline table",
    ],
)
def test_unusual_layouts_are_read_whole(large_text: str, change: str) -> None:
    text = large_text
    if change == "ledger table last":
        head, _, rest = text.partition("[[aspects]]")
        ledger = head[head.index("[ledger]") :]
        text = head[: head.index("[ledger]")] + "[[aspects]]" + rest + "\n" + ledger
    elif change == "indented header":
        text = text.replace("\n[[tasks.log]]\n", "\n  [[tasks.log]]\n", 1)
    elif change == "header with a comment":
        text = text.replace("\n[[tasks]]\n", "\n[[tasks]]  # 第一项\n", 1)
    elif change == "multi-line string":
        text = text.replace('notes = "', 'notes = """', 1)
    elif change == "root key named tasks":
        text = "tasks.x = 1\n" + text
    elif change == "windows line ends":
        text = text.replace("\n", "\r\n")
    else:
        text = text.replace("\n[[tasks]]\n", "\n[[tasks]]\nx = {a = 1,}\n", 1)
    assert toml_read.tasks_in_chunks(text, list) is None


def test_an_error_deep_in_a_large_file_reads_as_always(
    large_text: str, make_ledger: MakeLedger, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = f"T{2 * CHUNK + 7:04d}"
    marker = f'id = "{task_id}"\n'
    assert marker in large_text
    make_ledger(large_text.replace(marker, marker + 'leed = "市水利局"\n', 1))
    pieces = invoke_en(runner, "list")
    monkeypatch.setattr(toml_read, "CHUNK_TASKS", 10**9)  # never in pieces
    whole = invoke_en(runner, "list")
    assert pieces == whole
    assert pieces[0] == 2
    assert f"task {task_id}: leed: unknown key; did you mean lead?" in pieces[2]


# --------------------------------------------------------------------------- petitions

PETITIONS = """\
version = 1

[[petitions]]
id = "X1"
title = "某小区餐饮油烟扰民"
received = 2025-01-05
category = "air"
finding = "substantiated"
status = "closed"
deadline = 2025-02-05
closed_on = 2025-01-30
lead = "市城市管理局"

[[petitions.log]]
date = 2025-01-30
status = "closed"
note = "已督促安装油烟净化设施"

[[petitions]]
id = "X2"
title = "夜间施工噪声"
received = 2025-03-01
category = "noise"
"""


def test_petitions_are_cached_and_an_edit_is_seen(
    make_ledger: MakeLedger, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    root = make_ledger()
    path = root / "petitions.toml"
    path.write_text(PETITIONS, encoding="utf-8")
    cold = store.load_petitions(root)
    assert cold is not None
    assert len(list(cache_folder.glob("petitions-*.bin"))) == 1

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("parsed petitions.toml although the cache was warm")

    with monkeypatch.context() as m:
        m.setattr(toml_read, "parse_fast", refuse)
        m.setattr(toml_read, "parse_toml", refuse)
        warm = store.load_petitions(root)
    assert warm == cold
    assert warm is not None
    assert warm.model_dump() == cold.model_dump()
    assert warm.petitions[0].model_fields_set == cold.petitions[0].model_fields_set
    assert warm.petitions[0].log[0].date == dt.date(2025, 1, 30)
    path.write_text(PETITIONS.replace("夜间施工噪声", "夜间施工扰民"), encoding="utf-8")
    edited = store.load_petitions(root)
    assert edited is not None
    assert edited.petitions[1].title == "夜间施工扰民"


@pytest.mark.parametrize("quote", ['"""', "'''"])
def test_crlf_multiline_strings_read_as_tomllib_reads_them(
    quote: str, make_ledger: MakeLedger
) -> None:
    """tomllib turns a multi-line string's CRLF into LF; rtoml would keep the CR."""
    text = MINIMAL_TASKS.replace('lead = "市生态环境局"', f"lead = {quote}市生态\n环境局{quote}")
    text = text.replace("\n", "\r\n")
    assert toml_read.parse_fast(text) == tomllib.loads(text)
    assert load_ledger(make_ledger(text)).tasks[0].lead == "市生态\n环境局"


def test_stored_columns_that_do_not_fit_are_refused(generated: Path) -> None:
    """An entry that passes its checksum but whose task columns disagree (a bug, or a format
    change that kept the version) is a miss, never a ledger quietly cut short."""
    from rectify_cli.kinds import Status as S

    ledger = load_ledger(generated)
    statuses: dict[str | None, S | None] = {s.value: s for s in S}
    statuses[None] = None

    def stored() -> tuple[list[Any], list[Any]]:
        return ledger_codec.task_columns(ledger.tasks)

    assert ledger_codec.tasks_of_columns(stored(), model_codec.Dates(), statuses) == ledger.tasks
    short = stored()
    short[0][3].pop()  # one task's measures missing
    counts = stored()
    counts[0][Record._fields.index("log")][0] += 1  # log counts that do not add up
    fewer = stored()
    fewer[1].pop()  # a log field missing
    for bad in (short, counts, fewer):
        with pytest.raises(ValueError):
            ledger_codec.tasks_of_columns(bad, model_codec.Dates(), statuses)


def test_a_fast_path_bug_fails_under_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs with RECTIFY_STRICT_FAST_PATH=1: a fast path that breaks for any reason
    but broken TOML raises, where a user's run quietly reads the file the slow way."""
    rtoml = pytest.importorskip("rtoml")
    assert os.environ.get(toml_read.STRICT_FAST_PATH) == "1"

    def broken(text: str) -> dict[str, object]:
        raise RuntimeError("a bug in the fast path")

    monkeypatch.setattr(rtoml, "loads", broken)
    with pytest.raises(RuntimeError, match="a bug in the fast path"):
        toml_read.parse_fast("a = 1\n")
    monkeypatch.delenv(toml_read.STRICT_FAST_PATH)
    assert toml_read.parse_fast("a = 1\n") is None  # the user's run: tomllib reads it


def test_broken_toml_still_takes_the_slow_path_under_the_tests() -> None:
    pytest.importorskip("rtoml")
    assert toml_read.parse_fast("a = \n") is None
    assert toml_read.parse_fast("a = 0000-01-01\n") is None


def test_a_chunked_read_bug_fails_under_the_tests(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(toml_read, "CHUNK_TASKS", 100)  # 300 tasks, read in pieces
    text = (generated / "tasks.toml").read_text(encoding="utf-8")
    assert toml_read.tasks_in_chunks(text, list) is not None

    def broken(tasks: list[Any]) -> list[Any]:
        raise RuntimeError("a bug in the chunked reader")

    with pytest.raises(RuntimeError, match="chunked reader"):
        toml_read.tasks_in_chunks(text, broken)
    monkeypatch.delenv(toml_read.STRICT_FAST_PATH)
    assert toml_read.tasks_in_chunks(text, broken) is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='={[,:\\ex \t\n\u3000T-0123456789a"', max_size=40))
def test_the_toml_11_scan_finds_exactly_what_its_regex_finds(text: str) -> None:
    assert toml_read._toml10(text) is (toml_read._TOML_11.search(text) is None)
    for sample in ("a = {x = 1}", "t = 10:30", "t = 2025-01-01T10:30", "t = 10:30:00", "s = '\\e'"):
        assert toml_read._toml10(sample) is (toml_read._TOML_11.search(sample) is None)
