"""A large tasks file read cold (edited by hand, pulled from git: no cache entry), a piece
of 250 tasks at a time, on two cores where there are two.

The file is cut where toml_read.task_starts allows (its head, `[ledger]` and `[[aspects]]`,
then pieces of `[[tasks]]` blocks).  Each piece is parsed by rtoml and turned into the
cache's stored columns by fast_tasks (the models where a piece is not plainly regular), so
the load ends with the very columns the cache entry is written from, and records rebuilt
from them as a warm read rebuilds them (ledger_codec.tasks_of_columns).

A file of POOL_BYTES or more is read in two halves on two cores: a worker process
decodes and reads the second half while this process reads the first, and hands back its
columns in marshal's form.  Forked (Linux), the worker sees the bytes without a copy;
spawned (Windows, macOS), it is sent its half.  Anything the pool cannot do (no second
core, a frozen program that cannot spawn, a worker that dies) reads that half here
instead: the result is the same either way, only slower.  Any piece that does not read
returns None, and the whole file is read as always, so that every error is worded as
before.
"""

from __future__ import annotations

import itertools
import marshal
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import toml_read
from .cache import paused_gc
from .errors import LedgerInvalid
from .fast_tasks import Columns, columns
from .files import decode
from .records import LogEntry, Task

if TYPE_CHECKING:
    from .models import TaskFile

# Measured (benchmarks/RESULTS.md, "Cold read"): below this a worker's start costs more
# than it saves where it is spawned; forked it costs ~10 ms.  ~650 bytes a task.
POOL_BYTES = 12 * 2**20
NO_POOL = "RECTIFY_NO_POOL"  # set to 1: read the whole file in this process
_HALF = toml_read.TASK_HEADER.encode()  # cut at its "\n": the half starts "\n[[tasks]]\n"

_SHARED: bytes | None = None  # the file's bytes, seen by a forked worker without a copy


def read_bytes(
    raw: bytes, shown: str, records: Callable[[Columns], list[Task]] | None = None
) -> tuple[TaskFile, Columns, list[Task] | None] | None:
    """A large tasks file's head, its tasks' stored columns, read in two halves on two
    cores, and `records` of those columns (None without it); or None: read it as
    `read_columns` does (or whole).

    The file is cut in two before the first task header past its middle.  The worker
    decodes the second half and reads it; this process decodes and reads the first.  Each
    half must be one `task_starts` may cut; their checks add up to the whole file's (every
    check is of a line or of counts of lines, and the cut is at the start of a line).
    The worker has more to do (its start, and its columns to marshal), so this process
    makes the records of its own half while it waits, not after."""
    mid = raw.find(_HALF, len(raw) // 2)
    if len(raw) < POOL_BYTES or mid == -1 or not _may_pool():
        return None
    future = _start(raw, mid)
    if future is None:
        return None
    try:
        text = decode(raw[:mid], shown)
    except LedgerInvalid:
        return None  # worded by the whole-file path
    first = read_columns(text)
    del text
    tasks = None if first is None or records is None else records(first[1])
    theirs = _finish(future, raw, mid)
    del future  # and the worker's bytes it holds
    if first is None or theirs is None:
        return None
    if tasks is not None and records is not None:
        tasks += records(theirs)
    head, mine = first
    for column, more in zip((*mine[0], *mine[1]), (*theirs[0], *theirs[1]), strict=True):
        column += more  # in place: no third copy of the columns
    return head, mine, tasks


def read_columns(text: str) -> tuple[TaskFile, Columns] | None:
    """The head of a large tasks file (its tasks left empty) and its tasks' stored
    columns, read in this process, or None to read the file whole (too small to cut,
    unusual, or an error)."""
    from .models import TaskFile

    starts = toml_read.task_starts(text)
    if starts is None or len(starts) < 2 * toml_read.CHUNK_TASKS:
        return None
    try:
        with paused_gc():
            head = toml_read.read_piece(text[: starts[0]], first=True)
            if not isinstance(head, TaskFile) or head.tasks:
                return None
            parts = _read_spans(text, _spans(text, starts))
    except Exception as exc:  # a bug here fails the tests; the user's run reads it whole
        toml_read.fall_back(exc)
        return None
    return None if parts is None else (head, _joined(parts))


# A piece is a quarter of toml_read.CHUNK_TASKS (250 tasks): rtoml holds a piece's whole
# parse on its side while it builds the tables, ~15 MB for 1,000 tasks, and that is the
# cold read's peak beside the columns (10,000 tasks: peak 70 -> 56 MB), at the same speed.
PIECE_SHARE = 4


def _spans(text: str, starts: list[int]) -> list[tuple[int, int]]:
    step = max(1, toml_read.CHUNK_TASKS // PIECE_SHARE)
    return list(itertools.pairwise([*starts[::step], len(text)]))


def _read_spans(text: str, spans: list[tuple[int, int]]) -> list[Columns] | None:
    strings: dict[str, str] = {}
    out = []
    for a, b in spans:
        piece = piece_columns(text[a:b], strings)
        if piece is None:
            return None
        out.append(piece)
    return out


def piece_columns(text: str, strings: dict[str, str]) -> Columns | None:
    """One piece of `[[tasks]]` blocks as stored columns, or None when it does not read
    (the whole file is then read, to word the error) or holds anything but tasks."""
    from .ledger_codec import task_columns

    loads, bad_toml = toml_read.toml_loads()
    try:
        with paused_gc():
            data = loads(text)
            if data.keys() != {"tasks"}:
                return None
            fast = columns(data["tasks"], strings)
            if fast is not None and not _strict():
                return fast
            from .records import task_of

            models = toml_read.tasks_adapter().validate_python(data["tasks"])
            slow = task_columns([task_of(t, strings) for t in models])
            if fast is not None and repr(fast) != repr(slow):
                raise AssertionError("fast_tasks.columns differs from the models' reading")
            return slow
    except Exception as exc:
        from pydantic import ValidationError

        # Broken TOML or a task the models refuse: the whole-file path words it.
        toml_read.fall_back(exc, bad_toml, ValidationError)
        return None


def _strict() -> bool:
    return os.environ.get(toml_read.STRICT_FAST_PATH) == "1"


def _joined(parts: list[Columns]) -> Columns:
    tasks: list[list[Any]] = [[] for _ in Task._fields]
    log: list[list[Any]] = [[] for _ in LogEntry._fields]
    for piece_tasks, piece_log in parts:
        for column, part in zip(tasks, piece_tasks, strict=True):
            column += part
        for column, part in zip(log, piece_log, strict=True):
            column += part
    return tasks, log


# --------------------------------------------------------------------------- the worker


def _may_pool() -> bool:
    if os.environ.get(NO_POOL) == "1":
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        cores = os.cpu_count() or 1
    return cores >= 2


def start_method() -> str:
    """How a worker starts: the platform's way (fork on Linux, spawn elsewhere)."""
    import multiprocessing

    return multiprocessing.get_start_method()


def _start(raw: bytes, mid: int) -> Any:
    """The worker's reading of `raw[mid:]`, started (a future), or None."""
    global _SHARED
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = start_method()
        if method != "fork" and getattr(sys, "frozen", False):
            return None  # a frozen program spawns only with freeze_support in its main
        context = multiprocessing.get_context(method)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        if method == "fork":
            _SHARED = raw
            future = pool.submit(_work, None, mid)  # forks here, seeing _SHARED
            _SHARED = None
        else:
            future = pool.submit(_work, raw[mid:], 0)
        pool.shutdown(wait=False)
        return future
    except Exception as exc:
        toml_read.fall_back(exc, OSError, ImportError, RuntimeError)
        return None


def _work(raw: bytes | None, mid: int) -> bytes | None:
    """In the worker: the columns of the tasks in `raw[mid:]`, marshalled (marshal keeps
    each text once), or None when that half is not plainly tasks that read."""
    data = _SHARED if raw is None else raw
    assert data is not None
    columns = _half(data, mid)
    return None if columns is None else marshal.dumps(columns)


def _half(raw: bytes, mid: int) -> Columns | None:
    """The columns of the tasks in `raw[mid:]`, or None when that half is not plainly
    tasks that read."""
    try:
        text = raw[mid:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    starts = toml_read.task_starts(text)
    if starts is None:
        return None
    with paused_gc():
        parts = _read_spans(text, _spans(text, starts))
    return None if parts is None else _joined(parts)


def _finish(future: Any, raw: bytes, mid: int) -> Columns | None:
    try:
        out = future.result()
    except Exception as exc:
        # A worker that died (BrokenProcessPool) costs time, never a different answer:
        # its half is read here.  An error raised in it under the tests (a fast-path bug)
        # is raised here.
        from concurrent.futures.process import BrokenProcessPool

        toml_read.fall_back(exc, BrokenProcessPool, OSError)
        return _half(raw, mid)
    return None if out is None else marshal.loads(out)
