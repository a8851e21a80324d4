"""The rules a ledger can break and still load (`rectify check` names them, a write refuses
them, a reading command counts them); check_folders.py runs them over ledger folders."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

from .controls import REFUSED, control_problem
from .errors import Problem, WriteRefused, did_you_mean
from .files import display_path, ledger_files, resolve_root
from .i18n import field_name, joined, say, status_word
from .kinds import Status
from .records import Ledger
from .rules import (
    completed_on_too_soon,
    lacks_completed_on,
    lacks_evidence,
    lacks_merge_target,
    merge_target_problem,
    merge_target_too_soon,
    progress_off,
)

# Where a problem is inside a task (or an indicator, or the [ledger] table), and what it is.
Found = list[tuple[tuple[Any, ...], str]]


def consistency_problems(ledger: Ledger, today: dt.date | None = None) -> list[Problem]:
    """Rules a ledger can break and still be read: the things a reviewer would catch.

    `today` is the real date (a log cannot record a day that has not come), never --as-of;
    the problems are unlocated (`locate` finds their lines)."""
    return _problems(ledger, today or dt.date.today())[0]


def problem_count(ledger: Ledger, today: dt.date, stored: Any = None) -> tuple[int, dt.date | None]:
    """How many problems `rectify check` finds in a ledger that loads, and the first day
    after `today` on which that count can change (a log entry dated ahead stops being a
    problem when its day comes), or None: what the cache keeps (cache.py).  `stored`: the
    ledger's tasks as the cache stores them (ledger_codec), when at hand: read by field,
    their texts are looked over faster than the records'."""
    problems, until = _problems(ledger, today, stored)
    return len(problems), until


def recount(
    ledger: Ledger,
    counted: tuple[int, dt.date | None],
    was: Sequence[Any],
    now: Sequence[Any],
    statuses: Mapping[str, Status] | None,
) -> tuple[int, dt.date | None] | None:
    """problem_count of `ledger`, whose tasks `was` were just replaced by `now`, from the
    count of the ledger before (`counted`, holding today): its count less what the tasks
    replaced had, plus what the new ones have; or None, to count the whole ledger again.
    `statuses`: task_statuses of the ledger's tasks (`ledger.tasks` is not read: a write
    decodes only the tasks it replaces).

    Only when every other task is judged as before: the tasks replaced keep their ids,
    statuses and merge targets, one for one (what a task merged into another checks; the
    [ledger] table and the indicators must not have changed either: the caller's word).  The
    first day the count may change can only come sooner: a day too soon costs one more
    count on that day."""
    if [(t.id, t.status, t.merged_into) for t in was] != [
        (t.id, t.status, t.merged_into) for t in now
    ]:
        return None
    today, meta = dt.date.today(), ledger.meta
    indicator_ids = [i.id for i in ledger.indicators]
    known = frozenset(indicator_ids)

    def count(tasks: Sequence[Any]) -> int:
        return sum(
            len(
                task_problems(t, meta.feedback_date, known, today, indicator_ids, statuses=statuses)
            )
            for t in tasks
        )

    future = [e.date for t in now for e in t.log if e.date > today]
    until = min(filter(None, [counted[1], *future]), default=None)
    return counted[0] - count(was) + count(now), until


def _problems(
    ledger: Ledger, today: dt.date, stored: Any = None
) -> tuple[list[Problem], dt.date | None]:
    tasks_path, indicators_path = (display_path(p) for p in ledger_files(Path(ledger.root)))
    meta = ledger.meta
    problems: list[Problem] = []
    future: list[dt.date] = []
    for loc, message in ledger_problems(ledger):
        where = f"[ledger]{say(': ', '：')}{field_name(str(loc[0]), ledger_table=True)}{say(': ', '：')}"
        problems.append(Problem(tasks_path, None, where + message, loc=("ledger", *loc)))
    for i, a in enumerate(ledger.aspects):
        for loc, message in _text_problems(((k,), getattr(a, k)) for k in ("id", "name")):
            where = say("aspect {id}: ", "问题方面 {id}：", id=a.id)
            problems.append(Problem(tasks_path, None, where + message, loc=("aspects", i, *loc)))
    indicator_ids = [i.id for i in ledger.indicators]
    known = frozenset(indicator_ids)
    scan = _suspect(ledger, stored)
    statuses = task_statuses(ledger.tasks)
    for i, t in enumerate(ledger.tasks):
        found = task_problems(
            t, meta.feedback_date, known, today, indicator_ids, texts=scan, statuses=statuses
        )
        for loc, message in found:
            problems.append(
                Problem(tasks_path, None, _task_where(t, loc) + message, loc=("tasks", i, *loc))
            )
        future += [e.date for e in t.log if e.date > today]
    for i, ind in enumerate(ledger.indicators):
        for loc, message in indicator_problems(ind, today):
            where = _indicator_where(ind, loc)
            problems.append(
                Problem(indicators_path, None, where + message, loc=("indicators", i, *loc))
            )
        future += [d for d in (ind.recorded, *(r.recorded for r in ind.history)) if d and d > today]
    return problems, min(future, default=None)


def problems_notice(ledgers: Sequence[Ledger], multi: bool = False) -> str | None:
    """The one line a reading command adds on stderr when `rectify check` would find problems
    in what it read (counted when the ledger was loaded, see problem_count), or None."""
    bad = [led for led in ledgers if led.problems]
    if not bad:
        return None
    total = sum(led.problems or 0 for led in bad)
    default = str(resolve_root(None))
    command = "rectify check" + "".join(
        f" --ledger {_quoted(led.root)}" for led in bad if multi or led.root != default
    )
    plural = {"n": total, "s": "" if total == 1 else "s", "them": "it" if total == 1 else "them"}
    if not multi:
        return say(
            "Warning: the ledger has {n} problem{s}; {command} lists {them}",
            "警告：台账有{n}个问题；运行 {command} 可查看",
            command=command,
            **plural,
        )
    names = joined(
        say("{name} ({n})", "{name}（{n}个）", name=led.name, n=led.problems) for led in bad
    )
    return say(
        "Warning: {n} problem{s} in {names}; {command} lists {them}",
        "警告：{names}共有{n}个问题；运行 {command} 可查看",
        names=names,
        command=command,
        **plural,
    )


def _quoted(path: str) -> str:
    """A folder as a shell takes it, in double quotes only where it needs them (cmd.exe
    understands no other quotes)."""
    return f'"{path}"' if not path or re.search(r"[\s\"'$`&|;<>()*?]", path) else path


def _indicator_where(ind: Any, loc: tuple[Any, ...]) -> str:
    key = field_name(str(loc[0]))
    return say("indicator {id}: {key}: ", "指标 {id}：{key}：", id=ind.id, key=key)


def _task_where(task: Any, loc: tuple[Any, ...]) -> str:
    return say("task {id}: {key}: ", "任务 {id}：{key}：", id=task.id, key=field_name(str(loc[0])))


def task_statuses(tasks: Iterable[Any]) -> dict[str, Status] | None:
    """Every task's status by id, for checking what merged tasks name; None (not needed)
    when no task names one."""
    tasks = list(tasks)
    if not any(t.merged_into for t in tasks):
        return None
    return {t.id: t.status for t in tasks}


def write_refusal(
    tasks: Sequence[Any] = (),
    indicators: Sequence[Any] = (),
    *,
    start_default: dt.date | None = None,
    indicator_ids: Collection[str] | None = None,
    statuses: Mapping[str, Status] | None = None,
) -> WriteRefused | None:
    """Why a write must not leave these tasks and indicators (records or models) as they
    are: the first problem `rectify check` would name, and how many more; or None.

    `update`, `record` and `import` ask this of every item they write, so a write never
    adds a problem, nor keeps one in an item it touches; `indicator_ids` are the ids a task
    may name (None: not known, not checked), `statuses` every task's status by id (for the
    task a merged task names; None: not checked)."""
    found = item_problems(tasks, indicators, start_default, indicator_ids, statuses)
    if not found:
        return None
    more = len(found) - 1
    tail = (say(" (and {n} more)", "（另有{n}个问题）", n=more) if more else "") + say(
        "; nothing was written", "；未写入任何内容"
    )
    return WriteRefused(found[0] + tail)


def item_problems(
    tasks: Sequence[Any] = (),
    indicators: Sequence[Any] = (),
    start_default: dt.date | None = None,
    indicator_ids: Collection[str] | None = None,
    statuses: Mapping[str, Status] | None = None,
) -> list[str]:
    """What `rectify check` would say of these tasks and indicators, one sentence each
    (`write_refusal`'s arguments; `rectify merge` asks it of the items it composes)."""
    today = dt.date.today()
    found = [
        _task_where(t, loc) + message
        for t in tasks
        for loc, message in task_problems(t, start_default, indicator_ids, today, statuses=statuses)
    ]
    found += [
        _indicator_where(i, loc) + message
        for i in indicators
        for loc, message in indicator_problems(i, today)
    ]
    return found


def task_problems(
    task: Any,
    start_default: dt.date | None,
    indicators: Collection[str] | None,
    today: dt.date,
    indicator_ids: Sequence[str] = (),
    *,
    texts: bool = True,
    statuses: Mapping[str, Status] | None = None,
) -> Found:
    """The problems of one task (a record or a model: the fields have the same names), each
    as (where in the task, what); `indicators` are the ids the ledger has (`indicator_ids`
    in order, for a did-you-mean; None: not known, not checked), `start_default` the
    ledger's feedback date; `texts=False`
    skips looking for control characters (the caller knows there are none); `statuses`, every
    task's status by id, checks the task a merged task names (None: not checked)."""
    t = task
    found: Found = []
    if lacks_completed_on(t.status, t.completed_on):
        found.append(
            (
                ("status",),
                say(
                    "{s} but no completed_on date",
                    "{s}，但没有 completed_on（完成日期）",
                    s=status_word(t.status),
                ),
            )
        )
    if progress_off(t.status, t.progress):
        found.append(
            (
                ("progress",),
                say(
                    "{p} on a {s} task; it must be 100",
                    "{s}的任务进度为 {p}，应为 100",
                    p=t.progress,
                    s=status_word(t.status),
                ),
            )
        )
    if completed_on_too_soon(t.status, t.completed_on):
        found.append(
            (
                ("completed_on",),
                say("set, but the status is {s}", "已填写，但状态是{s}", s=status_word(t.status)),
            )
        )
    start = t.start or start_default
    if t.deadline and start and t.deadline < start:
        found.append((("deadline",), _before_start(t.deadline, start)))
    if t.completed_on and start and t.completed_on < start:
        found.append((("completed_on",), _before_start(t.completed_on, start)))
    if t.completed_on and t.completed_on > today:
        found.append((("completed_on",), _after_today(t.completed_on)))
    if lacks_evidence(t.status, t.evidence):
        found.append(
            (
                ("evidence",),
                say(
                    "a closed (已销号) task needs evidence of acceptance",
                    "已销号的任务需要验收佐证材料",
                ),
            )
        )
    found += _merge_problems(t, statuses)
    known = () if indicators is None else indicators
    for ind in t.indicators if indicators is not None else ():
        if ind not in known:
            found.append(
                (
                    ("indicators",),
                    say(
                        "unknown indicator {ind!r}{hint}",
                        "未知的指标 {ind!r}{hint}",
                        ind=ind,
                        hint=did_you_mean(ind, list(indicator_ids or known)),
                    ),
                )
            )
    for j, e in enumerate(t.log):
        if e.date > today:
            message = say(
                "an entry is dated {day}, after today; a log records what has happened",
                "有一条记录的日期为 {day}，晚于今天；日志只能记录已发生的事",
                day=e.date,
            )
            found.append((("log", j, "date"), message))
    if texts:
        found += _text_problems(_task_texts(t), t)
    return found


def _merge_problems(t: Any, statuses: Mapping[str, Status] | None) -> Found:
    found: Found = []
    if lacks_merge_target(t.status, t.merged_into):
        found.append(
            (
                ("merged_into",),
                say(
                    "a merged task names the task it was merged into",
                    "已合并的任务须写明并入的任务（merged_into）",
                ),
            )
        )
    if merge_target_too_soon(t.status, t.merged_into):
        found.append(
            (
                ("merged_into",),
                say(
                    "set, but the status is {s}, not merged",
                    "已填写，但状态是{s}，不是已合并",
                    s=status_word(t.status),
                ),
            )
        )
    if statuses is not None and t.status is Status.MERGED:
        why = merge_target_problem(t.id, t.merged_into, statuses)
        if why is not None:
            words = {
                "itself": say("a task cannot be merged into itself", "任务不能并入自身"),
                "missing": say(
                    "no task {into}{hint}",
                    "没有任务 {into}{hint}",
                    into=t.merged_into,
                    hint=did_you_mean(str(t.merged_into), list(statuses)),
                ),
                "dropped": say(
                    "{into} is {s} itself; merge into a task still in the plan",
                    "{into} 本身为“{s}”；请并入仍在推进的任务",
                    into=t.merged_into,
                    s=status_word(statuses.get(str(t.merged_into), Status.CANCELLED)),
                ),
            }
            found.append((("merged_into",), words[why]))
    return found


def indicator_problems(ind: Any, today: dt.date) -> Found:
    """The problems of one indicator (a record or a model), as task_problems gives them."""
    found: Found = []
    if ind.recorded and ind.recorded > today:
        found.append((("recorded",), _after_today(ind.recorded)))
    for j, r in enumerate(ind.history):
        if r.recorded and r.recorded > today:
            message = _within(ind, ("history", j, "recorded")) + _after_today(r.recorded)
            found.append((("history", j, "recorded"), message))
    found += _text_problems(_indicator_texts(ind), ind)
    return found


def ledger_problems(ledger: Ledger) -> Found:
    """The problems of the `[ledger]` table."""
    m = ledger.meta
    found: Found = []
    if m.as_of and m.feedback_date and m.as_of < m.feedback_date:
        found.append(
            (
                ("as_of",),
                say(
                    "{day} is before the feedback date {start}: the data cannot be current to a "
                    "day before the plan began",
                    "{day} 早于反馈日期 {start}：数据截止日期不能早于整改开始",
                    day=m.as_of,
                    start=m.feedback_date,
                ),
            )
        )
    keys = ("title", "name", "source", "issued_by", "inspection_group", "headline_prefix")
    found += _text_problems(((k,), getattr(m, k)) for k in keys)
    return found


# A task's texts, and its log entries': what may not hold a control character.
_TEXTS = ("id", "aspect", "title", "lead", "leader", "owner", "phone", "notes", "merged_into")
_TEXT_LISTS = ("measures", "partners", "evidence", "indicators")
_LOG_TEXTS = ("note", "by")
_LOG_TEXT_LISTS = ("changes",)


def _task_texts(t: Any) -> Iterator[tuple[tuple[Any, ...], str | None]]:
    for key in _TEXTS:
        yield (key,), getattr(t, key)
    for key in _TEXT_LISTS:
        for text in getattr(t, key):
            yield (key,), text
    for j, e in enumerate(t.log):
        for key in _LOG_TEXTS:
            yield ("log", j, key), getattr(e, key)
        for key in _LOG_TEXT_LISTS:
            for text in getattr(e, key):
                yield ("log", j, key), text


def _indicator_texts(ind: Any) -> Iterator[tuple[tuple[Any, ...], str | None]]:
    keys = (
        "id",
        "name",
        "name_en",
        "group",
        "unit",
        "period",
        "baseline_period",
        "change_basis",
        "rank_note",
        "note",
    )
    for key in keys:
        yield (key,), getattr(ind, key)
    for j, r in enumerate(ind.history):
        yield ("history", j, "period"), r.period
        yield ("history", j, "note"), r.note


def _text_problems(texts: Iterable[tuple[tuple[Any, ...], str | None]], item: Any = None) -> Found:
    found: Found = []
    for loc, text in texts:
        why = control_problem(text)
        if why is not None:
            found.append((loc, _within(item, loc) + why))
    return found


def _within(item: Any, loc: tuple[Any, ...]) -> str:
    """Which log entry or reading of `item` a location inside it names, and its key."""
    if len(loc) < 3:
        return ""
    if loc[0] == "log":
        which = _entry(item.log[loc[1]].date)
    else:
        which = say("reading of {p}: ", "{p} 的读数：", p=item.history[loc[1]].period)
    return which + field_name(str(loc[2])) + say(": ", "：")


def _suspect(ledger: Ledger, stored: Any = None) -> bool:
    """Whether any task's text might hold a control character: each distinct text of all
    tasks (most are a few names and phrases said again and again) joined a few thousand at
    a time and searched (loops in C), so that a clean ledger (nearly all) is not searched
    text by text.  From the stored columns when given (no pass over 100,000 records)."""
    chain = itertools.chain.from_iterable
    task_field: Callable[[str], Iterable[Any]]
    log_field: Callable[[str], Iterable[Any]]
    if stored is None:
        tasks = ledger.tasks
        entries = list(chain(map(attrgetter("log"), tasks)))
        task_field = lambda key: map(attrgetter(key), tasks)  # noqa: E731
        log_field = lambda key: map(attrgetter(key), entries)  # noqa: E731
    else:
        from .ledger_codec import stored_fields

        task_field, log_field = (f.__getitem__ for f in stored_fields(stored))
    fields = [*map(task_field, _TEXTS), *map(log_field, _LOG_TEXTS)]
    fields += [chain(task_field(key)) for key in _TEXT_LISTS]
    fields += [chain(log_field(key)) for key in _LOG_TEXT_LISTS]
    search = REFUSED.search
    for field in fields:
        distinct: list[Any] = list(set(field) - {None})  # a field's own set: small sets
        # Some thousand texts at a time: a ledger's texts joined whole would add tens of MB
        # to the peak memory of a first load.
        for i in range(0, len(distinct), 4096):
            if search("\n".join(distinct[i : i + 4096])):
                return True
    return False


def _entry(day: dt.date) -> str:
    return say("the entry of {day}: ", "{day} 的记录：", day=day)


def _after_today(day: dt.date) -> str:
    # Today's date is left out: the message (and the corpus that pins it) holds any day.
    return say(
        "{day} is after today; a record cannot be dated ahead",
        "{day} 晚于今天；记录的日期不能提前",
        day=day,
    )


def _before_start(day: object, start: object) -> str:
    return say(
        "{day} is before the start {start}", "{day} 早于开始日期 {start}", day=day, start=start
    )
