"""`rectify check`: every problem in a ledger folder at once, each located by file and line
(its files loaded one by one, so that one broken file does not hide the other's problems),
and each of several folders checked on its own."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from .checks import consistency_problems
from .errors import LedgerInvalid, Problem, RectifyError
from .files import DEFAULT_DIR, check_root, ledger_files, resolve_root
from .ledgers import env_specs, expand, naming_path, peek_name
from .locate import locate
from .problems import integrity_problems
from .records import Ledger, ledger_of
from .store import load_file, load_petitions


def check_ledger(ledger: str | os.PathLike[str] | None) -> tuple[Ledger | None, list[Problem]]:
    """Load both files independently so one broken file does not hide the other's problems."""
    root = resolve_root(ledger)
    check_root(root)
    tasks_path, indicators_path = ledger_files(root)
    problems: list[Problem] = []
    from .models import IndicatorFile, TaskFile

    tasks: TaskFile | None = None
    indicators: IndicatorFile | None = IndicatorFile()
    try:
        tasks = load_file(tasks_path, TaskFile)
    except LedgerInvalid as exc:
        problems += exc.problems
    if indicators_path.exists() or indicators_path.is_symlink():
        try:
            indicators = load_file(indicators_path, IndicatorFile)
        except LedgerInvalid as exc:
            problems += exc.problems
            indicators = None
    try:
        load_petitions(root)  # optional petitions.toml: checked like the others
    except LedgerInvalid as exc:
        problems += exc.problems
    if tasks is None or indicators is None:
        return None, problems
    result = ledger_of(tasks.ledger, tasks.aspects, tasks.tasks, indicators.indicators, str(root))
    found = integrity_problems(result.root, result.aspects, result.tasks, result.indicators)
    problems += locate(found + consistency_problems(result), root)
    return result, problems


@dataclass(frozen=True)
class Checked:
    """One ledger of `rectify check --ledger A --ledger B`: its name, the ledger when its
    files load, and every problem found (a folder that is not a ledger is one problem)."""

    name: str
    ledger: Ledger | None
    problems: tuple[str, ...]


def check_ledgers(specs: Sequence[str] | None) -> list[Checked] | None:
    """Each ledger `specs` name, checked on its own (patterns that match no folder first,
    then the folders in the order named); None when they name one ledger, which
    `check_ledger` checks as it always has."""
    given = list(specs or []) or env_specs() or [DEFAULT_DIR]
    folders, failures, multi = expand(given)
    if not multi:
        return None
    out = [Checked(f.name, None, (f.message,)) for f in failures]
    for path in folders:
        try:
            ledger, problems = check_ledger(naming_path(path))
        except RectifyError as exc:  # not a ledger folder at all
            out.append(Checked(peek_name(path), None, (exc.message,)))
            continue
        name = ledger.name if ledger is not None else peek_name(path)
        out.append(Checked(name, ledger, tuple(str(p) for p in problems)))
    return out
