"""Load a ledger folder: the cache first (cache.py), else its TOML files parsed
(toml_read.py) and validated into models, with file:line errors (problems.py).

Reading is the hot path (every command): a warm read imports only this module, files.py and
the cache; the parsing modules, Pydantic and the models are imported on a miss.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import cache, records
from .cache import paused_gc
from .errors import LedgerInvalid, LedgerNotFound, Problem, did_you_mean
from .files import (
    MAX_FILE_BYTES,
    PETITIONS_FILE,
    TASKS_FILE,
    check_root,
    decode,
    display_path,
    ledger_files,
    read_text,
    resolve_root,
)
from .i18n import say
from .kinds import Status
from .records import Ledger, ledger_of

# Pydantic and the models are imported where a file is parsed, never at import: a ledger
# served from the cache (cache.py) is read without them (~130 ms of every command).
if TYPE_CHECKING:
    from pydantic import BaseModel

    from .models import PetitionFile, Task, TaskFile

M = TypeVar("M", bound="BaseModel")


def _validate(model: type[M], data: dict[str, Any], text: str, shown: str) -> M:
    from pydantic import ValidationError

    from .problems import validation_problems

    try:
        with paused_gc():
            return model.model_validate(data)
    except ValidationError as exc:
        raise LedgerInvalid(validation_problems(exc, data, text, shown)) from None


def load_file(path: Path, model: type[M], raw: bytes | None = None) -> M:
    """One ledger file as a model; `raw` is its bytes when the caller has read them already."""
    from .models import TaskFile
    from .toml_read import tasks_in_chunks

    shown = display_path(path)
    text = read_text(path) if raw is None else decode(raw, shown)
    del raw
    if model is TaskFile:
        pieces = tasks_in_chunks(text, _models)
        if pieces is not None:
            whole, tasks = pieces
            whole.tasks = tasks
            return whole  # type: ignore[return-value]  # M is TaskFile here
    return _load_text(text, model, shown)


def _models(tasks: list[Task]) -> list[Task]:
    return tasks


def _load_text(text: str, model: type[M], shown: str) -> M:
    from pydantic import ValidationError

    from .toml_read import parse_fast, parse_toml

    data = parse_fast(text)
    if data is not None:
        try:
            with paused_gc():
                return model.model_validate(data)
        except ValidationError:
            pass  # worded from tomllib's reading below, exactly as without rtoml
        del data
    data = parse_toml(text, shown)
    return _validate(model, data, text, shown)


# Set by the `rectify` program (cli.main), which starts with the cyclic GC off: what it
# loads lives until the process ends, so it is moved out of the GC's sight (gc.freeze) before
# the GC is turned on, instead of being walked again and again (a third of `list` on 100,000
# tasks).  Library callers and tests keep the normal GC.
FREEZE_LOADED = False
_T = TypeVar("_T")


def load_tasks(path: Path, raw: bytes | None) -> tuple[TaskFile, list[records.Task], Any]:
    """The tasks file, its tasks as records, and their stored columns for the cache entry
    (None: encode them)."""
    loaded, tasks, stored, _ = _load_tasks(path, raw)
    return loaded, tasks, stored


def _load_tasks(path: Path, raw: bytes | None) -> tuple[TaskFile, list[records.Task], Any, bool]:
    """load_tasks, and whether the file was read in pieces (then it may be cut: the cache
    keeps that, for the next write's sake, warm.py).  A large file is read a piece at a time
    (cold_read.py), straight to the stored columns, and its records are rebuilt from them as
    a warm read does, so that neither the parsed tables nor models of all tasks are ever
    alive at once."""
    from .cold_read import read_bytes, read_columns
    from .ledger_codec import tasks_of_columns
    from .model_codec import Dates
    from .models import TaskFile

    shown = display_path(path)
    statuses: dict[str | None, Status | None] = {s.value: s for s in Status}
    statuses[None] = None
    dates = Dates()

    def rebuilt(stored: Any) -> list[records.Task]:
        return tasks_of_columns(stored, dates, statuses)

    halves = None if raw is None else read_bytes(raw, shown, rebuilt)
    if halves is not None:
        head, stored, made = halves
        return head, rebuilt(stored) if made is None else made, stored, True
    text = read_text(path) if raw is None else decode(raw, shown)
    del raw
    pieces = read_columns(text)
    if pieces is not None:
        del text
        head, stored = pieces
        return head, rebuilt(stored), stored, True
    whole = _load_text(text, TaskFile, shown)
    tasks, whole.tasks = whole.tasks, []
    strings: dict[str, str] = {}
    return whole, [records.task_of(t, strings) for t in tasks], None, False


def _keep(loaded: _T) -> _T:
    if FREEZE_LOADED:
        gc.freeze()
        gc.enable()
    return loaded


def load_ledger(ledger: str | os.PathLike[str] | None = None) -> Ledger:
    """Load and validate a ledger folder, or raise a RectifyError that says what is wrong."""
    root = resolve_root(ledger)
    check_root(root)
    tasks_path, indicators_path = ledger_files(root)
    if not tasks_path.exists() and not tasks_path.is_symlink():
        raise LedgerNotFound(
            f"{display_path(tasks_path)}: file not found; a ledger folder needs {TASKS_FILE}"
        )
    has_indicators = indicators_path.exists() or indicators_path.is_symlink()
    paths = [tasks_path, indicators_path]
    # The cache answers for files whose bytes are those it was built from (cache.py).
    hit, keys = cache.load_current(root, paths, has_indicators, limit=MAX_FILE_BYTES)
    if hit is not None:
        if hit.problems is None:
            # Counted for other days (a log entry dated ahead): count again, remember.
            counted = count_problems(hit)
            if keys is not None:
                cache.save(root, keys, hit, counted)
        return _keep(hit)
    # A miss: the entry written below is keyed by the very bytes parsed.  A file that cannot
    # be read skips the cache, and load_file reads it again to say why.
    raws = [_read_quietly(tasks_path, MAX_FILE_BYTES)]
    raws.append(_read_quietly(indicators_path, MAX_FILE_BYTES) if has_indicators else b"")
    keys = cache.keys(paths, raws, has_indicators)
    from .locate import locate
    from .models import IndicatorFile
    from .problems import integrity_problems

    tasks_file, tasks, stored, cut = _load_tasks(tasks_path, raws.pop(0))
    if has_indicators:
        indicators = load_file(indicators_path, IndicatorFile, raws.pop(0)).indicators
    else:
        indicators = []  # a ledger may track tasks only
    del raws
    problems = integrity_problems(str(root), tasks_file.aspects, tasks, indicators)
    if problems:
        raise LedgerInvalid(locate(problems, root))
    result = ledger_of(tasks_file.ledger, tasks_file.aspects, [], indicators, str(root))
    result.tasks = tasks
    del tasks_file, tasks, indicators
    counted = count_problems(result, stored)
    if keys is not None:
        cache.save(root, keys, result, counted, stored, cut=cut)  # only a ledger that loads
    return _keep(result)


def _read_quietly(path: Path, limit: int) -> bytes | None:
    """A file's bytes, or None for anything unusual (the normal reader then says what)."""
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size > limit:
                return None
            return f.read()
    except OSError:
        return None


def count_problems(ledger: Ledger, stored: Any = None) -> cache.Counted:
    """Count what `rectify check` would find in a ledger that loads (into `ledger.problems`),
    once per version of its files: a reading command says how many (cli/many.py).
    `stored`: its tasks' stored columns, when the load made them (checks.problem_count)."""
    # Here, not at the top: a warm read whose count holds never imports the rules.
    from .checks import problem_count

    today = dt.date.today()
    ledger.problems, until = problem_count(ledger, today, stored)
    return today, until


def load_petitions(ledger: str | os.PathLike[str] | None = None) -> PetitionFile | None:
    """The ledger folder's petition cases (信访件), or None when it has no petitions.toml.

    A file of its own, beside the tasks, loaded with the same checks and file:line messages;
    kept out of `load_ledger` so a ledger without petitions pays nothing for them.
    """
    root = resolve_root(ledger)
    path = root / PETITIONS_FILE
    if not path.exists() and not path.is_symlink():
        return None
    from pydantic import ValidationError

    from .models import PetitionFile

    # Cached like the tasks (cache.py): a hit skips the parse, the validation and the checks.
    keys = cache.current_keys([path], limit=MAX_FILE_BYTES)
    hit = cache.load_model(root, "petitions", keys, PetitionFile) if keys is not None else None
    if hit is not None:
        return _keep(hit)
    from .locate import locate
    from .problems import duplicate_ids
    from .toml_read import parse_fast, parse_toml

    shown = display_path(path)
    raw = _read_quietly(path, MAX_FILE_BYTES)
    keys = cache.keys([path], [raw])
    text = read_text(path) if raw is None else decode(raw, shown)
    del raw
    data = parse_fast(text)
    if data is None:
        data = parse_toml(text, shown)
    _known_tables(data, text, shown)
    try:
        with paused_gc():
            result = PetitionFile.model_validate(data)
    except ValidationError:
        # Worded from tomllib's reading, as load_file does.
        result = _validate(PetitionFile, parse_toml(text, shown), text, shown)
    problems = duplicate_ids(shown, "petitions", [p.id for p in result.petitions])
    if problems:
        raise LedgerInvalid(locate(problems, root))
    if keys is not None:
        cache.save_model(root, "petitions", keys, result)
    return _keep(result)


def _known_tables(data: dict[str, Any], text: str, shown: str) -> None:
    """`[[petition]]` for `[[petitions]]`: named with a suggestion from this file's own keys
    (the shared validator would suggest keys of tasks.toml)."""
    from .locate import SourceMap
    from .models import PetitionFile

    names = list(PetitionFile.model_fields)
    source: SourceMap | None = None
    problems = []
    for key in data:
        if key not in names:
            source = source or SourceMap(text)
            hint = did_you_mean(key, names)
            message = say("{key}: unknown key{hint}", "{key}：未知的键{hint}", key=key, hint=hint)
            problems.append(Problem(shown, source.line_of((key,)), message))
    if problems:
        raise LedgerInvalid(problems)
