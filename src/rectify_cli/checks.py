"""`rectify check`: every problem in a ledger folder at once, each located by file and line."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import LedgerInvalid, Problem, RectifyError, did_you_mean
from .i18n import field_name, say, status_word
from .kinds import Status
from .models import IndicatorFile, TaskFile
from .records import Ledger, ledger_of
from .store import (
    _check_root,
    _display,
    integrity_problems,
    ledger_files,
    load_file,
    load_petitions,
    locate,
    resolve_root,
)


def consistency_problems(ledger: Ledger) -> list[Problem]:
    """Rules a ledger can break and still be read: the things a reviewer would catch."""
    path = _display(ledger_files(Path(ledger.root))[0])
    indicator_ids = [i.id for i in ledger.indicators]
    known = set(indicator_ids)
    problems = []

    def add(i: int, key: str, message: str) -> None:
        task = ledger.tasks[i]
        where = say("task {id}: {key}: ", "任务 {id}：{key}：", id=task.id, key=field_name(key))
        problems.append(Problem(path, None, where + message, loc=("tasks", i, key)))

    start_default = ledger.meta.feedback_date
    for i, t in enumerate(ledger.tasks):
        finished = t.status in (Status.DONE, Status.CLOSED)
        status = status_word(t.status)
        if finished and t.completed_on is None:
            add(
                i,
                "status",
                say(
                    "{s} but no completed_on date", "{s}，但没有 completed_on（完成日期）", s=status
                ),
            )
        if finished and t.progress is not None and t.progress != 100:
            add(
                i,
                "progress",
                say(
                    "{p} on a {s} task; it must be 100",
                    "{s}的任务进度为 {p}，应为 100",
                    p=t.progress,
                    s=status,
                ),
            )
        if not finished and t.completed_on is not None:
            add(
                i,
                "completed_on",
                say("set, but the status is {s}", "已填写，但状态是{s}", s=status),
            )
        start = t.start or start_default
        if t.deadline and start and t.deadline < start:
            add(i, "deadline", _before_start(t.deadline, start))
        if t.completed_on and start and t.completed_on < start:
            add(i, "completed_on", _before_start(t.completed_on, start))
        if t.status is Status.CLOSED and not t.evidence:
            add(
                i,
                "evidence",
                say(
                    "a closed (已销号) task needs evidence of acceptance",
                    "已销号的任务需要验收佐证材料",
                ),
            )
        for ind in t.indicators:
            if ind not in known:
                add(
                    i,
                    "indicators",
                    say(
                        "unknown indicator {ind!r}{hint}",
                        "未知的指标 {ind!r}{hint}",
                        ind=ind,
                        hint=did_you_mean(ind, indicator_ids),
                    ),
                )
    return problems


def _before_start(day: object, start: object) -> str:
    return say(
        "{day} is before the start {start}", "{day} 早于开始日期 {start}", day=day, start=start
    )


def check_ledger(ledger: str | os.PathLike[str] | None) -> tuple[Ledger | None, list[Problem]]:
    """Load both files independently so one broken file does not hide the other's problems."""
    root = resolve_root(ledger)
    _check_root(root)
    tasks_path, indicators_path = ledger_files(root)
    problems: list[Problem] = []
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
    from .ledgers import _named, env_specs, expand, peek_name
    from .store import DEFAULT_DIR

    given = list(specs or []) or env_specs() or [DEFAULT_DIR]
    folders, failures, multi = expand(given)
    if not multi:
        return None
    out = [Checked(f.name, None, (f.message,)) for f in failures]
    for path in folders:
        try:
            ledger, problems = check_ledger(_named(path))
        except RectifyError as exc:  # not a ledger folder at all
            out.append(Checked(peek_name(path), None, (exc.message,)))
            continue
        name = ledger.name if ledger is not None else peek_name(path)
        out.append(Checked(name, ledger, tuple(str(p) for p in problems)))
    return out
