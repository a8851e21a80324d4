"""A large tasks file read cold (edited by hand, pulled from git: no cache entry), a piece
of 1,000 tasks at a time, on two cores where there are two.

The file is cut where toml_read.task_starts allows (its head, `[ledger]` and `[[aspects]]`,
then pieces of `[[tasks]]` blocks).  Each piece is parsed by rtoml and turned into the
cache's stored columns by fast_tasks (the models where a piece is not plainly regular), so
the load ends with the very columns the cache entry is written from, and records rebuilt
from them as a warm read rebuilds them (ledger_codec.tasks_of_columns).

A file of POOL_TASKS tasks or more is shared with one worker process: it reads the second
half of the pieces while this process reads the first, and hands back its columns in
marshal's form.  Forked (Linux), the worker sees the text without a copy; spawned
(Windows, macOS), it is sent its half.  Anything the pool cannot do (no second core, a
frozen program that cannot spawn, a worker that dies) reads those pieces here instead:
the result is the same either way, only slower.  Any piece that does not read returns None,
and the whole file is read as always, so that every error is worded as before.
"""

from __future__ import annotations

import itertools
import marshal
import os
import sys
from typing import TYPE_CHECKING, Any

from . import toml_read
from .cache import paused_gc
from .fast_tasks import Columns, columns
from .records import LogEntry, Task

if TYPE_CHECKING:
    from .models import TaskFile

# Measured (benchmarks/RESULTS.md, "Cold read"): below this a worker's start costs more
# than it saves where it is spawned; forked it costs ~10 ms.
POOL_TASKS = 20_000
NO_POOL = "RECTIFY_NO_POOL"  # set to 1: read every piece in this process

_SHARED: str | None = None  # the text, seen by a forked worker without a copy


def read_columns(text: str) -> tuple[TaskFile, Columns] | None:
    """The head of a large tasks file (its tasks left empty) and its tasks' stored
    columns, or None to read the file whole (too small to cut, unusual, or an error)."""
    from .models import TaskFile

    starts = toml_read.task_starts(text)
    if starts is None or len(starts) < 2 * toml_read.CHUNK_TASKS:
        return None
    cuts = [*starts[:: toml_read.CHUNK_TASKS], len(text)]
    spans = list(itertools.pairwise(cuts))
    try:
        with paused_gc():
            head = toml_read.read_piece(text[: starts[0]], first=True)
            if not isinstance(head, TaskFile) or head.tasks:
                return None
            mine, theirs = spans, []
            if len(starts) >= POOL_TASKS and _may_pool():
                half = len(spans) // 2
                mine, theirs = spans[:half], spans[half:]
            done = _start(text, theirs)
            parts = _read_spans(text, mine)
            if parts is None:
                return None
            rest = _finish(done, text, theirs)
            if rest is None:
                return None
            parts += rest
    except Exception as exc:  # a bug here fails the tests; the user's run reads it whole
        toml_read.fall_back(exc)
        return None
    return head, _joined(parts)


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


def _start(text: str, spans: list[tuple[int, int]]) -> Any:
    """The worker's reading of `spans`, started (a future), or None: read here instead."""
    global _SHARED
    if not spans:
        return None
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = start_method()
        if method != "fork" and getattr(sys, "frozen", False):
            return None  # a frozen program spawns only with freeze_support in its main
        context = multiprocessing.get_context(method)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        if method == "fork":
            _SHARED = text
            future = pool.submit(_work, None, spans)  # forks here, seeing _SHARED
            _SHARED = None
        else:
            a, b = spans[0][0], spans[-1][1]
            future = pool.submit(_work, text[a:b], [(x - a, y - a) for x, y in spans])
        pool.shutdown(wait=False)
        return future
    except Exception as exc:
        toml_read.fall_back(exc, OSError, ImportError, RuntimeError)
        return None


def _work(text: str | None, spans: list[tuple[int, int]]) -> bytes | None:
    """In the worker: the spans' columns, marshalled (marshal keeps each text once)."""
    parts = _read_spans(_SHARED if text is None else text, spans)  # type: ignore[arg-type]
    return None if parts is None else marshal.dumps(_joined(parts))


def _finish(future: Any, text: str, spans: list[tuple[int, int]]) -> list[Columns] | None:
    if future is not None:
        try:
            out = future.result()
        except Exception as exc:
            # A worker that died (BrokenProcessPool) costs time, never a different answer;
            # an error raised in it under the tests (a fast-path bug) is raised here.
            from concurrent.futures.process import BrokenProcessPool

            toml_read.fall_back(exc, BrokenProcessPool, OSError)
        else:
            return None if out is None else [marshal.loads(out)]
    return _read_spans(text, spans)
