"""Adding a task, an aspect or an indicator, and removing a task added by mistake.

The rules are here (the next id in the ledger's own pattern, an id that clashes with one in
use, an aspect that must exist, a task that may be removed); the write is `edit_import`'s:
the same lock, whole-file validation, `checks.write_refusal` and atomic replace as every
other write, with the new block placed where a person would put it and every other byte
kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .edit_import import Imported, held_lock, import_indicators, import_tasks
from .errors import Remedy, UsageError, WriteRefused, did_you_mean, unknown_task
from .files import resolve_root
from .i18n import say
from .kinds import ADDED, ADDED_NOTE, Status
from .models import Aspect, Indicator, LogEntry, Task
from .records import Ledger, id_key
from .rows import row_message
from .store import load_ledger

_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def next_id(ids: Sequence[str], default_prefix: str = "T") -> str:
    """The next free id in the ledger's own pattern: the prefix of its last numbered id
    (T25 after T24, H13 after H12), one more than the highest number with that prefix,
    zero-padded as its padded ids are (T09 → T10, T001 → T002); T01 in an empty ledger."""
    numbered = [m for m in map(_NUMBERED.match, ids) if m]
    last = id_key(numbered[-1][1]) if numbered else id_key(default_prefix)
    # t03 and Ｔ02 are the same ids as T03 and T02 (problems.id_key): one prefix, spelled
    # as most of its ids spell it.
    kin = [m for m in numbered if id_key(m[1]) == last]
    spellings = [m[1] for m in kin]
    prefix = max(reversed(spellings), key=spellings.count) if kin else default_prefix
    same = [m[2] for m in kin]
    width = max((len(d) for d in same if d.startswith("0")), default=0 if same else 2)
    n = max((int(d) for d in same), default=0) + 1
    taken = {id_key(i) for i in ids}
    while id_key(candidate := f"{prefix}{n:0{width}d}") in taken:
        n += 1
    return candidate


def _clash(kind_en: str, kind_zh: str, ident: str, ids: Iterable[str]) -> WriteRefused | None:
    """An id already in use, or the same as one but for case or full-width characters."""
    key = id_key(ident)
    for other in ids:
        if id_key(other) != key:
            continue
        if other == ident:
            return WriteRefused(
                say(
                    "{noun} {id} already exists; nothing was written",
                    "{zh} {id} 已存在；未写入任何内容",
                    noun=kind_en,
                    zh=kind_zh,
                    id=ident,
                )
            )
        return WriteRefused(
            say(
                "{noun} {id} is the same id as {other} but for upper/lower case or full-width "
                "characters; nothing was written",
                "{zh} {id} 与已有的 {other} 只有大小写或全角半角之差，视为同一编号；未写入任何内容",
                noun=kind_en,
                zh=kind_zh,
                id=ident,
                other=other,
            )
        )
    return None


@dataclass(frozen=True)
class NewTask:
    """What `rectify add` was given; `id` None: the next free one."""

    title: str
    aspect: str
    lead: str
    date: dt.date  # the day of the first log entry
    id: str | None = None
    measures: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    start: dt.date | None = None
    deadline: dt.date | None = None
    ongoing: bool = False
    indicators: tuple[str, ...] = ()
    notes: str = ""
    leader: str | None = None
    owner: str | None = None
    phone: str | None = None
    by: str | None = None


def _aspect_id(ledger: Ledger, given: str) -> str:
    """The aspect named by id or by its exact name; refused with the ids there are."""
    for a in ledger.aspects:
        if given in (a.id, a.name):
            return a.id
    ids = [a.id for a in ledger.aspects]
    if not ids:
        raise WriteRefused(
            say(
                "aspect {aspect}: the ledger has no aspects yet; nothing was written",
                "问题方面 {aspect}：台账中还没有问题方面；未写入任何内容",
                aspect=given,
            ),
            Remedy.ADD_ASPECT,
        )
    raise WriteRefused(
        say(
            "aspect {aspect}: no such aspect{hint}; nothing was written",
            "问题方面 {aspect}：没有这个问题方面{hint}；未写入任何内容",
            aspect=given,
            hint=did_you_mean(given, [*ids, *(a.name for a in ledger.aspects)]),
        ),
        Remedy.ADD_ASPECT,
    )


def plan_new_task(ledger: Ledger, new: NewTask) -> Task:
    """The task `new` asks for, as it will be written, or one sentence why not."""
    ids = [t.id for t in ledger.tasks]
    ident = new.id.strip() if new.id is not None else next_id(ids)
    refusal = _clash("task", "任务", ident, ids)
    if refusal is not None:
        raise refusal
    if new.deadline is not None and new.ongoing:
        raise UsageError(
            say(
                "give --deadline or --ongoing, not both",
                "--deadline（整改时限）和 --ongoing（长期坚持）只能给出其一",
            )
        )
    if new.deadline is None and not new.ongoing:
        raise UsageError(
            say(
                "a new task needs --deadline DATE or --ongoing",
                "新任务需要 --deadline 日期（整改时限）或 --ongoing（长期坚持）",
            )
        )
    entry = LogEntry(
        date=new.date,
        kind=ADDED,
        status=Status.NOT_STARTED,
        note=ADDED_NOTE[ledger.meta.lang],
        by=new.by or None,
    )
    values = {
        "id": ident,
        "aspect": _aspect_id(ledger, new.aspect),
        "title": new.title,
        "measures": list(new.measures),
        "lead": new.lead,
        "partners": list(new.partners),
        "leader": new.leader or None,
        "owner": new.owner or None,
        "phone": new.phone or None,
        "start": new.start,
        "deadline": new.deadline,
        "ongoing": new.ongoing,
        "indicators": list(new.indicators),
        "notes": new.notes,
        "log": [entry],
    }
    # Only what was given is set, so the block written holds no default a person omits.
    given = {k: v for k, v in values.items() if v not in (None, "", [], False)}
    try:
        return Task.model_validate(given)
    except ValidationError as exc:
        raise _invalid(exc) from None


def add_task(
    ledger: str | os.PathLike[str] | None, new: NewTask, *, dry_run: bool = False
) -> tuple[Task, Imported]:
    """Write the task `new` asks for after the last task of its aspect, with its first log
    entry (新增); every other byte of tasks.toml is kept."""
    root = resolve_root(ledger)
    with held_lock(root, 0, dry_run):
        led = load_ledger(root)
        task = plan_new_task(led, new)
        indicators = {i.id for i in led.indicators}
        done = import_tasks(
            root, [], [task], [], dry_run=dry_run, indicators=indicators, by_aspect=True, held=True
        )
    return task, done


def add_aspect(
    ledger: str | os.PathLike[str] | None, ident: str, name: str, *, dry_run: bool = False
) -> tuple[Aspect, Imported]:
    """Write a new `[[aspects]]` block after the last aspect (before the tasks when none)."""
    root = resolve_root(ledger)
    with held_lock(root, 0, dry_run):
        return _add_aspect(root, ident, name, dry_run)


def _add_aspect(root: Path, ident: str, name: str, dry_run: bool) -> tuple[Aspect, Imported]:
    led = load_ledger(root)
    ident = ident.strip()
    refusal = _clash("aspect", "问题方面", ident, [a.id for a in led.aspects])
    if refusal is not None:
        raise refusal
    for a in led.aspects:
        if a.name == name.strip():
            raise WriteRefused(
                say(
                    "aspect {id} is already named {name}; nothing was written",
                    "问题方面 {id} 已使用名称 {name}；未写入任何内容",
                    id=a.id,
                    name=a.name,
                )
            )
    try:
        aspect = Aspect(id=ident, name=name)
    except ValidationError as exc:
        raise _invalid(exc) from None
    return aspect, import_tasks(root, [aspect], [], [], dry_run=dry_run, held=True)


def add_indicator(
    ledger: str | os.PathLike[str] | None, values: dict[str, object], *, dry_run: bool = False
) -> tuple[Indicator, Imported]:
    """Append a new indicator to indicators.toml, created when the ledger has none."""
    root = resolve_root(ledger)
    with held_lock(root, 1, dry_run):
        return _add_indicator(root, values, dry_run)


def _add_indicator(
    root: Path, values: dict[str, object], dry_run: bool
) -> tuple[Indicator, Imported]:
    led = load_ledger(root)
    ident = str(values.get("id", "")).strip()
    refusal = _clash("indicator", "指标", ident, [i.id for i in led.indicators])
    if refusal is not None:
        raise refusal
    given = {k: v for k, v in values.items() if v is not None}
    try:
        indicator = Indicator.model_validate({**given, "id": ident})
    except ValidationError as exc:
        raise _invalid(exc) from None
    return indicator, import_indicators(root, [indicator], [], dry_run=dry_run, held=True)


def _invalid(exc: ValidationError) -> UsageError:
    """The first thing wrong with what the options built, named by its option."""
    name, message = row_message(exc.errors()[0])
    return UsageError(f"--{name.replace('_', '-')}: {message}")


def removable(task: Any) -> bool:
    """(A task record or model.)  Added by mistake and never worked on: not started, no
    progress, completion or evidence, and nothing in its log but the entry that added it
    (`kind = "added"`, or one written by hand before that kind existed: no change, no
    progress, not started)."""
    return (
        task.status is Status.NOT_STARTED
        and task.progress is None
        and task.completed_on is None
        and not task.evidence
        and len(task.log) <= 1
        and all(e.kind in (None, ADDED) for e in task.log)
        and all(not e.changes and e.progress is None for e in task.log)
        and all(e.status in (None, Status.NOT_STARTED) for e in task.log)
    )


def remove_task(
    ledger: str | os.PathLike[str] | None, task_id: str, *, dry_run: bool = False
) -> tuple[Any, Imported]:
    """Cut out the block of a task added by mistake; a task with a history is refused (it
    is cancelled instead, so its record stays)."""
    root = resolve_root(ledger)
    with held_lock(root, 0, dry_run):
        return _remove_task(root, task_id, dry_run)


def _remove_task(root: Path, task_id: str, dry_run: bool) -> tuple[Any, Imported]:
    led = load_ledger(root)
    ids = [t.id for t in led.tasks]
    found = [t for t in led.tasks if t.id == task_id] or [
        t for t in led.tasks if id_key(t.id) == id_key(task_id)
    ]
    if len(found) != 1:
        raise unknown_task(task_id, ids)
    task = found[0]
    if not removable(task):
        raise WriteRefused(
            say(
                "task {id} has a history (its status, progress, evidence or log), so it "
                "cannot be removed; nothing was written",
                "任务 {id} 已有整改记录（状态、进度、佐证材料或整改记录），不能删除；"
                "未写入任何内容",
                id=task.id,
            ),
            Remedy.CANCEL,
        )
    return task, import_tasks(root, [], [], [], dry_run=dry_run, removed=[task.id], held=True)
