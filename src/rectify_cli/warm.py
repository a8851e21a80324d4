"""The cache left warm by a write: after rectify replaces a ledger file, the ledger it now
holds is in the cache (cache.py), keyed by the very bytes written, so the next command reads
it warm instead of parsing the whole file again (10,000 tasks: ~1.3 s cold, ~0.2 s warm).

One place, called by every write (edit_file.write_if_unchanged, create_ledger_file, undo's
removal of a file it had created), after the file is replaced.  The new entry is built as a
cold load would build it, from the entry of the bytes the write replaced:

- tasks.toml: the bytes before and after differ in one span; the `[[tasks]]` blocks around
  it are parsed again, with the very reader a cold load cuts a large file with
  (toml_read.task_starts / read_piece), and put in place of the old tasks there; the
  head (`[ledger]`, `[[aspects]]`) is parsed again only when the span reaches into it.
  Whether the new file may still be cut is checked in those blocks alone when the old
  entry says the old file may be (toml_read.blocks_count), else in the whole file.  Of the
  old entry only the tasks replaced are decoded; the others stay in their stored columns
  (ledger_codec.tasks_between, splice_tasks) unless the whole ledger is to be checked.
- indicators.toml (small): parsed again whole.  petitions.toml: loaded as a read does.
- then the checks every load makes (integrity_problems, the problem count; only the new
  tasks' when checks.recount can work the count out from the old one), and the entry is
  written, keyed by the new bytes.

As safe as the cache is: an entry is only ever trusted for the bytes it was built from.  If
the write is interrupted, or the file changes after it, the entry simply does not match.
Anything unusual (no entry for the bytes replaced, a file `task_starts` will not cut, a
problem) writes nothing, and the next read is cold, as before.  Never raises, but under
RECTIFY_STRICT_FAST_PATH=1 (the tests) a failure that is not a ledger's own is raised.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import cache, ledger_codec, records
from .errors import RectifyError
from .files import MAX_FILE_BYTES, PETITIONS_FILE, decode, display_path, ledger_files
from .kinds import Status
from .model_codec import Dates
from .toml_read import TASK_HEADER, fall_back

_HEADER = TASK_HEADER.encode()


def after_write(
    root: Path,
    path: Path,
    old: bytes | None,
    new: bytes | Sequence[bytes | memoryview] | None,
    span: tuple[int, int] | None = None,
) -> None:
    """Leave the cache warm for `path` (a file of the ledger in `root`) now holding `new`
    (None: removed) where it held `old` (None: it did not exist); `span`: changed_span of
    the two, when the caller knows it; never raises."""
    if cache.cache_dir() is None:
        return
    try:
        data = new if new is None or isinstance(new, bytes) else b"".join(new)
        _warm(root, path, old, data, span)
    except Exception as exc:  # only ever costs the next read its speed
        fall_back(exc, RectifyError, OSError)


def _warm(
    root: Path, path: Path, old: bytes | None, new: bytes | None, span: tuple[int, int] | None
) -> None:
    paths = ledger_files(root)
    real = os.path.realpath(path)
    if real == os.path.realpath(root / PETITIONS_FILE):
        if new is not None:
            from .store import load_petitions

            load_petitions(root)  # small: loaded, checked and cached as a read does
        return
    if real == os.path.realpath(paths[0]):
        found = _tasks_written(root, paths, old, new, span)
    elif real == os.path.realpath(paths[1]):
        found = _indicators_written(root, paths, old, new)
    else:
        return
    if found is None:
        return
    ledger, stored_tasks, counted, keys, cut = found
    if counted is None:
        from .problems import integrity_problems
        from .store import count_problems

        if integrity_problems(str(root), ledger.aspects, ledger.tasks, ledger.indicators):
            return  # a cold load refuses this ledger, and says why
        counted = count_problems(ledger)
    cache.save(root, keys, ledger, counted, stored_tasks, cut=cut)


# The ledger, its stored tasks, its problem count if known, its keys, and whether its tasks
# file may be cut (ledger_codec.encode).
Found = tuple[records.Ledger, Any, "cache.Counted | None", list[cache.Key], bool]


def _tasks_written(
    root: Path,
    paths: tuple[Path, Path],
    old: bytes | None,
    new: bytes | None,
    span: tuple[int, int] | None,
) -> Found | None:
    """The ledger after a write of tasks.toml, its stored tasks, its problem count when it
    could be worked out from the old one's, and its keys."""
    if old is None or new is None:
        return None
    indicators = paths[1]
    present = indicators.exists() or indicators.is_symlink()
    other = cache.current_keys([indicators], limit=MAX_FILE_BYTES) if present else None
    if present and other is None:
        return None
    other_key = other[0] if other else cache.key_of(indicators, None)
    # Without its tasks: those the write replaced are decoded alone (_spliced).
    cached = cache.load_exact(root, [cache.key_of(paths[0], old), other_key], tasks=False)
    if cached is None:
        return None
    problems, until = cached[0].problems, cached[1][4][2]  # problems: None unless for today
    spliced = _spliced(*cached, old, new, span or changed_span(old, new), display_path(paths[0]))
    if spliced is None:
        return None
    ledger, stored_tasks, was, now = spliced
    counted = None
    if was is not None and problems is not None:
        statuses = ledger_codec.stored_statuses(stored_tasks)
        counted = _recounted(root, ledger, (problems, Dates()[until]), was, now, statuses)
    if counted is None:  # the whole ledger is checked and counted: every task decoded
        ledger.tasks = ledger_codec.tasks_between(
            stored_tasks, 0, ledger_codec.task_count(stored_tasks)
        )
    return ledger, stored_tasks, counted, [cache.key_of(paths[0], new), other_key], True


def _recounted(
    root: Path,
    ledger: records.Ledger,
    counted: tuple[int, dt.date | None],
    was: list[records.Task],
    now: list[records.Task],
    statuses: Mapping[str, Status] | None,
) -> cache.Counted | None:
    """The problem count of a ledger whose tasks `was` became `now`, from the count before
    (checks.recount), and the load's checks of the new tasks; None to check and count the
    whole ledger (recount's conditions keep every other task's verdict as it was)."""
    from .checks import recount
    from .problems import integrity_problems

    quick = recount(ledger, counted, was, now, statuses)
    if quick is None or integrity_problems(str(root), ledger.aspects, now, []):
        return None
    ledger.problems = quick[0]
    return dt.date.today(), quick[1]


def _indicators_written(
    root: Path, paths: tuple[Path, Path], old: bytes | None, new: bytes | None
) -> Found | None:
    tasks = cache.current_keys([paths[0]], limit=MAX_FILE_BYTES)
    if tasks is None:
        return None
    cached = cache.load_exact(root, [tasks[0], cache.key_of(paths[1], old)])
    if cached is None:
        return None
    ledger = _with_indicators(cached[0], paths[1], new)
    keys = [tasks[0], cache.key_of(paths[1], new)]
    return ledger, cached[1][2], None, keys, ledger_codec.may_cut(cached[1])


def _with_indicators(ledger: records.Ledger, path: Path, new: bytes | None) -> records.Ledger:
    from .models import IndicatorFile
    from .store import load_file

    found = [] if new is None else load_file(path, IndicatorFile, new).indicators
    ledger.indicators = [records.indicator_of(i) for i in found]
    ledger.problems = None
    return ledger


def changed_span(old: bytes, new: bytes) -> tuple[int, int]:
    """How many bytes `old` and `new` share at the start, and then at the end (the two
    never overlap): what the undo journal keeps of a write (journal.record)."""
    from .journal import common_prefix, common_suffix

    head = common_prefix(old, new)
    return head, min(common_suffix(old, new), len(old) - head, len(new) - head)


def _spliced(
    ledger: records.Ledger, stored: Any, old: bytes, new: bytes, span: tuple[int, int], shown: str
) -> tuple[records.Ledger, Any, list[records.Task] | None, list[records.Task]] | None:
    """The ledger of the new tasks file (without its tasks), its tasks' stored columns, the
    tasks replaced (None when the head was read again) and those that replaced them, from
    the cached ledger of the old file (without its tasks) and its `stored` form: the blocks
    around the bytes that changed read again, the rest kept; None when unsure."""
    from .models import TaskFile
    from .toml_read import blocks_count, read_piece, task_count

    head, tail = span
    # The blocks around the change: from the last task header wholly before it (else the
    # start of the file, the head included) to the first wholly after it (else the end).
    at = new.rfind(_HEADER, 0, head)
    start = at + 1 if at >= 0 else 0
    at = new.find(_HEADER, len(new) - tail)
    end = at + 1 if at >= 0 else len(new)
    before = new.count(_HEADER, 0, start) if start else 0
    after = new.count(_HEADER, end - 1) if end < len(new) else 0
    text = decode(new[start:end], shown)
    if start and ledger_codec.may_cut(stored):
        # The old file may be cut, and the lines outside these blocks are as they were.
        inside = blocks_count(text, last=end == len(new))
        count = None if inside is None else before + inside + after
    else:
        count = task_count(decode(new, shown))
    if count is None:
        return None  # not a file the reader may cut: the next read reads it whole
    piece = read_piece(text, first=start == 0)
    del text
    if piece is None:
        return None
    strings: dict[str, str] = {}
    if isinstance(piece, TaskFile):
        meta, aspects = records.of(piece.ledger), [records.of(a) for a in piece.aspects]
        piece = piece.tasks
    else:
        meta, aspects = ledger.meta, ledger.aspects
    middle = [records.task_of(t, strings) for t in piece]
    kept = ledger_codec.task_count(stored[2]) - before - after
    if kept < 0 or before + len(middle) + after != count:
        return None
    was = None if start == 0 else ledger_codec.tasks_between(stored[2], before, before + kept)
    columns = ledger_codec.splice_tasks(stored[2], before, kept, middle)
    # Its tasks are in `columns` alone, decoded only if the whole ledger is to be checked.
    spliced = records.Ledger(meta, aspects, [], ledger.indicators, ledger.root)
    return spliced, columns, was, middle
