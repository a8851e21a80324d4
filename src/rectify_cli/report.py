"""The progress report as data: built once, then laid out by each renderer.

Every number and every sentence the report shows is decided here (counts from
`schedule.health`, warning levels from `schedule.warnings`, indicator words from
`indicators`), so the terminal, Markdown, JSON and any later format can never disagree.
Renderers add only layout and column headers.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import astuple, dataclass, fields
from itertools import accumulate, chain, compress, repeat
from operator import attrgetter, eq, itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import UsageError
from .i18n import Lang, label, say
from .indicators import (
    Direction,
    ProvenChange,
    change_text,
    display_name,
    indicator_direction,
    last_year_text,
    last_year_value,
    period_text,
    proven_change,
    rank_text,
    target_met,
    target_status,
    target_text,
    value_text,
)
from .kinds import Status
from .postpone import POSTPONED
from .query import SortKey, TaskRow, aspects_named, no_aspect, rows, sort_rows
from .records import Aspect, Indicator, Ledger, LogEntry, Task
from .schedule import (
    DEFAULT_DAYS,
    Health,
    Level,
    TaskWarning,
    latest_progress,
    warning_counts,
    warning_counts_by,
    warnings,
)

if TYPE_CHECKING:
    from .changes import Changes
    from .models import PetitionFile
    from .petitions import PetitionReport

_K = TypeVar("_K", bound=Hashable)


@dataclass(frozen=True)
class Counts:
    """How many tasks stand where.  `completed` counts done and closed (signed-off) tasks;
    the schedule counts are of the tasks not yet completed, so they add up to `tasks`.
    Cancelled and merged tasks are out of the plan: not in `tasks`, counted apart;
    `postponed` counts the tasks of the plan whose deadline was moved later (延期)."""

    tasks: int = 0
    completed: int = 0
    signed_off: int = 0
    on_schedule: int = 0
    behind: int = 0
    overdue: int = 0
    postponed: int = 0
    cancelled: int = 0
    merged: int = 0

    @property
    def completion(self) -> float:
        """Share of tasks completed, in percent (0 for no tasks)."""
        return 100.0 * self.completed / self.tasks if self.tasks else 0.0

    @property
    def completion_percent(self) -> int:
        """Whole percent, halves rounded up as people do (87.5 → 88)."""
        return int(self.completion + 0.5)

    @property
    def completion_text(self) -> str:
        return f"{self.completion_percent}%"

    @classmethod
    def of(cls, task_rows: list[TaskRow], late: frozenset[int] | None = None) -> Counts:
        """The counts of these rows; `late`: the ids (`id()`) of the tasks of the plan (not
        cancelled or merged) that were postponed, when already known (`postponed_ids`: each
        task's log is read once, not once per table)."""
        return Tally(task_rows, late).total()

    @classmethod
    def by(
        cls,
        task_rows: list[TaskRow],
        group: Callable[[Task], _K],
        late: frozenset[int] | None = None,
    ) -> dict[_K, Counts]:
        """The counts of the rows of each `group(task)` (an aspect's id, a lead department),
        in the order the rows first name them; `late` as in `of`."""
        return Tally(task_rows, late).by(group)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


class Tally:
    """What every count of a report reads from its rows (task, health, status, postponed),
    taken once: a report counts the whole plan, then by aspect and by lead department."""

    def __init__(self, task_rows: list[TaskRow], late: frozenset[int] | None = None) -> None:
        self.tasks: list[Task] = list(map(_TASK, task_rows))
        self.healths = list(map(_STATE, map(_HEALTH, task_rows)))
        self.statuses = list(map(_STATUS, self.tasks))
        if late is None:
            late = postponed_ids(task_rows)
        self.moved = [id(t) in late for t in self.tasks] if late else None
        self._fields: Counter[tuple[str, str, Health, Status, bool]] | None = None

    def total(self) -> Counts:
        return self._by_field(None).get(None, Counts())

    def by_aspect(self) -> dict[str, Counts]:  # = by(attrgetter("aspect")), shared pass
        return self._by_field(0)

    def by_lead(self) -> dict[str, Counts]:  # = by(attrgetter("lead")), shared pass
        return self._by_field(1)

    def by(self, group: Callable[[Task], _K]) -> dict[_K, Counts]:
        return _sums(Counter(zip(map(group, self.tasks), *self._columns(), strict=False)).items())

    def _columns(self) -> tuple[Iterable[Any], ...]:
        # Not strict in the zips: the moved flags may be an endless repeat().
        return self.healths, self.statuses, repeat(False) if self.moved is None else self.moved

    def _by_field(self, at: int | None) -> dict[Any, Counts]:
        # A report counts the whole plan, each aspect and each lead department: one pass in C
        # (Counter over zip) to the few thousand combinations of all of them, not one per table.
        if self._fields is None:
            keys = map(_ASPECT, self.tasks), map(_LEAD, self.tasks)
            self._fields = Counter(zip(*keys, *self._columns(), strict=False))
        return _sums(((None if at is None else k[at], *k[2:]), n) for k, n in self._fields.items())


def _sums(combos: Iterable[tuple[tuple[_K, Health, Status, bool], int]]) -> dict[_K, Counts]:
    """The counts of each key from ((key, health, status, postponed), rows) combinations."""
    sums: dict[_K, list[int]] = {}  # in the order the rows first name the keys
    for (key, state, status, was_moved), n in combos:
        c = sums.get(key)
        if c is None:
            c = sums[key] = [0] * len(_FIELDS)
        if state is not Health.DROPPED:
            c[_TASKS] += n
        if state in _DONE:
            c[_COMPLETED] += n
        elif state in _STATE_FIELD:
            c[_STATE_FIELD[state]] += n
        if status in _STATUS_FIELD:
            c[_STATUS_FIELD[status]] += n
        if was_moved:
            c[_POSTPONED] += n
    return {key: Counts(*c) for key, c in sums.items()}


_FIELDS = [f.name for f in fields(Counts)]
_TASKS, _COMPLETED, _POSTPONED = (_FIELDS.index(f) for f in ("tasks", "completed", "postponed"))
_STATE_FIELD = {
    h: _FIELDS.index(h.value) for h in (Health.ON_SCHEDULE, Health.BEHIND, Health.OVERDUE)
}
_STATUS_FIELD = {
    Status.CLOSED: _FIELDS.index("signed_off"),
    Status.CANCELLED: _FIELDS.index("cancelled"),
    Status.MERGED: _FIELDS.index("merged"),
}


_TASK = itemgetter(0)  # TaskRow.task
_HEALTH = itemgetter(2)  # TaskRow.health
_STATE = itemgetter(0)  # TaskHealth.health
_STATUS = attrgetter("status")
_KIND, _DATE, _LOG = attrgetter("kind"), attrgetter("date"), attrgetter("log")
_LEAD = attrgetter("lead")
_WARNED_LEAD = attrgetter("task.lead")
_ASPECT = attrgetter("aspect")
_DONE = frozenset(h for h in Health if h.is_done)


def postponed_ids(task_rows: list[TaskRow]) -> frozenset[int]:
    """The ids (`id()`) of the tasks among these rows whose deadline was moved later (延期),
    of the plan only: a cancelled or merged task is counted apart, never as postponed."""
    # postpone.postponed, asked of every task of the ledger at once: the kinds of every log
    # entry gathered in C, the few postponements found there traced back to their tasks.
    tasks = list(map(_TASK, task_rows))
    logs = list(map(_LOG, tasks))
    kinds = list(map(_KIND, chain.from_iterable(logs)))
    if POSTPONED not in kinds:
        return frozenset()
    ends = list(accumulate(map(len, logs)))  # where each task's entries end among the kinds
    hits = compress(range(len(kinds)), map(eq, repeat(POSTPONED), kinds))
    return frozenset(
        id(tasks[i])
        for i in sorted({bisect_right(ends, at) for at in hits})
        if _STATE(_HEALTH(task_rows[i])) is not Health.DROPPED
    )


@dataclass(frozen=True)
class AspectRow:
    aspect: Aspect
    counts: Counts


@dataclass(frozen=True)
class LeadRow:
    """One lead department (牵头单位) of the summary the 调度会 works from: its tasks counted
    as the report counts them, and the warnings `rectify warn` gives it, every level."""

    lead: str
    counts: Counts
    warnings: dict[Level, int]


def lead_rows(tally: Tally, found: list[TaskWarning]) -> tuple[LeadRow, ...]:
    """Every lead department with a task in the plan: most tasks first, then by name (the
    order of the rows is the order of the table, in every format), counted from the
    `Tally` of the rows the report counted already."""
    warned = warning_counts_by(found, _WARNED_LEAD)
    leads = [
        LeadRow(lead, counts, warned[lead] if lead in warned else warning_counts(()))
        for lead, counts in tally.by_lead().items()
        if counts.tasks
    ]
    return tuple(sorted(leads, key=lambda r: (-r.counts.tasks, r.lead)))


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with every text the report prints for it.  The indicator itself stays
    beside them for formats that draw it (value against target and last year)."""

    indicator: Indicator
    name: str
    value: str  # with unit and published bound: `30 µg/m³`, `65%以下`
    period: str
    target: str  # `45.4%`, empty without a target
    target_met: bool | None
    target_status: str  # `达标，高出目标9.1个百分点`
    target_cell: str  # both in one cell: `45.4%（达标，高出目标9.1个百分点）`
    direction: Direction | None  # improved / worsened, from the change or the baseline
    change: str  # `改善16.7%`, or the change worked out: `较2024年（75%以上）下降10个百分点以上`
    rank: str
    change_rank: str
    # Worked back from a year-on-year change (`indicators.last_year_value`), for the charts
    # that set the value beside last year's; None / empty when the figures do not say.
    last_year: float | None = None
    last_year_text: str = ""
    # The change the value and its baseline prove, when none is published.
    proven: ProvenChange | None = None

    @property
    def compared(self) -> bool:
        """An exact value with a target or last year's value to set it against."""
        ind = self.indicator
        exact = ind.value is not None and ind.value_bound is None
        return exact and (ind.target is not None or self.last_year is not None)


@dataclass(frozen=True)
class Report:
    title: str  # the report's title line, label included
    ledger_title: str
    issued_by: str | None
    as_of: dt.date
    lang: Lang
    aspect: Aspect | None  # the one aspect reported on, or None for the whole ledger
    headline: str
    counts: Counts
    aspects: tuple[AspectRow, ...]
    open_tasks: tuple[TaskRow, ...]  # not yet completed, worst schedule first
    # 最新进展: the latest note of each open task that has one, by task id (`latest_progress`).
    latest: dict[str, LogEntry]
    indicators: tuple[IndicatorRow, ...]
    warnings: dict[Level, int]  # every level, most severe first
    leads: tuple[LeadRow, ...]  # the summary by lead department (`lead_rows`)
    # Added by `report_extend.extend` when the ledger has petition cases / `--since` is given.
    petitions: PetitionReport | None = None
    changes: Changes | None = None
    # The ledger's data date (`data_date`): the day its recorded figures are current to.  It
    # can be older than `as_of`, the day deadlines and the schedule are judged on.
    data_as_of: dt.date | None = None

    @property
    def date_text(self) -> str:
        return self._long(self.as_of)

    @property
    def dates_line(self) -> str:
        """`Data as of …`, and the judging day too when the ledger's data date differs."""
        return dates_line(self.lang, self.as_of, self.data_as_of)

    def _long(self, d: dt.date) -> str:
        return long_date(d, self.lang)

    @property
    def status_parts(self) -> list[tuple[str, str, int]]:
        """(key, label, count) of the task-status chart, the empty parts left out; the key
        (completed, on_schedule, behind, overdue) lets a chart give each part its own pattern."""
        c = self.counts
        parts = [
            ("completed", c.completed),
            ("on_schedule", c.on_schedule),
            ("behind", c.behind),
            ("overdue", c.overdue),
        ]
        return [(k, label(f"report.col.{k}", self.lang), n) for k, n in parts if n]

    @property
    def status_slices(self) -> list[tuple[str, int]]:
        """(label, count) of the task-status chart, the empty slices left out."""
        return [(name, n) for _, name, n in self.status_parts]


def long_date(d: dt.date, lang: Lang) -> str:
    return label("date.long", lang, year=d.year, month=d.month, day=d.day, iso=d)


def dates_line(lang: Lang, as_of: dt.date, data_as_of: dt.date | None) -> str:
    """`数据截至…` (data as of), with the judging day too when the data date differs."""
    if data_as_of is None or data_as_of == as_of:
        return label("report.as_of", lang, date=long_date(as_of, lang))
    judged = long_date(as_of, lang)
    return label("report.as_of_judged", lang, date=long_date(data_as_of, lang), judged=judged)


def data_date(
    ledger: Ledger, as_of: dt.date, petitions: PetitionFile | None = None
) -> dt.date | None:
    """The day the ledger's data are current to, seen from `as_of`: the latest of its declared
    `[ledger] as_of` and every dated record (a task's log entry, an indicator's reading, a
    petition case's log entry) on or before `as_of`; None when there is none.

    Worked out when read, never written: every write that records a dated entry moves it
    (forward only, since it is a maximum) without touching `[ledger] as_of`, and a report
    `--as-of` an earlier day gets the data date of that day."""
    days: list[dt.date | None] = [ledger.meta.as_of]
    for ind in ledger.indicators:
        days += [ind.recorded, *(r.recorded for r in ind.history)]
    if petitions is not None:
        days += [e.date for p in petitions.petitions for e in p.log]
    known = [d for d in days if d is not None]
    # Every log entry of every task (always dated), taken in C without a list of them: a
    # large plan has several per task.
    logged = max(_log_dates(ledger), default=None)
    if logged is not None:
        known.append(logged)
    latest = max(known, default=None)
    if latest is None or latest <= as_of:  # the usual case: nothing dated after as_of
        return latest
    known += _log_dates(ledger)
    return max((d for d in known if d <= as_of), default=None)


def _log_dates(ledger: Ledger) -> Iterable[dt.date]:
    return map(_DATE, chain.from_iterable(map(_LOG, ledger.tasks)))


def find_aspect(ledger: Ledger, value: str) -> Aspect:
    """The one aspect named by id, name or part of its name (`aspects_named`), or a
    UsageError that suggests the nearest or lists the several it could be."""
    hits = aspects_named(ledger.aspects, value)
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise UsageError(
            say(
                "--aspect: {value!r} is in the names of {n} aspects; name one: {choices}",
                "--aspect：{n}个问题方面的名称都含有 {value!r}，请指明其一：{choices}",
                value=value,
                n=len(hits),
                choices=", ".join(f"{a.id} {a.name}" for a in hits),
            )
        )
    raise no_aspect(value, [a.id for a in ledger.aspects] + [a.name for a in ledger.aspects])


def headline(counts: Counts, lang: Lang, prefix: str | None, aspect: str | None = None) -> str:
    """The notice's own sentence: 24项整改任务，已完成21项，达到序时进度3项 — behind, overdue
    and signed-off counts only when there are any."""
    fields = {
        # The prefix is a Chinese phrase written for the Chinese sentence.
        "prefix": (prefix or "") if lang == "zh" else "",
        "total": counts.tasks,
        "parts": headline_parts(counts, lang),
    }
    if aspect is not None:
        return label("report.headline_aspect", lang, aspect=aspect, **fields)
    return label("report.headline", lang, **fields)


def headline_parts(counts: Counts, lang: Lang) -> str:
    """已完成21项，达到序时进度3项: the headline after its total (shared by the roll-up)."""
    completed = label("report.part.completed", lang, n=counts.completed)
    if counts.signed_off:
        completed += label("report.part.signed_off", lang, n=counts.signed_off)
    parts = [completed, label("report.part.on_schedule", lang, n=counts.on_schedule)]
    if counts.behind:
        parts.append(label("report.part.behind", lang, n=counts.behind))
    if counts.overdue:
        parts.append(label("report.part.overdue", lang, n=counts.overdue))
    if counts.postponed:
        parts.append(label("report.part.postponed", lang, n=counts.postponed))
    dropped = [
        label(f"report.part.{key}", lang, n=n)
        for key, n in (("cancelled", counts.cancelled), ("merged", counts.merged))
        if n
    ]
    if dropped:
        both = label("warn.list_sep", lang).join(dropped)
        parts.append(label("report.part.dropped", lang, parts=both))
    return label("report.sep", lang).join(parts)


def indicator_row(ind: Indicator, lang: Lang) -> IndicatorRow:
    target, status = target_text(ind, lang), target_status(ind, lang)
    cell = label("ind.target_cell", lang, target=target, status=status) if status else target
    return IndicatorRow(
        indicator=ind,
        name=display_name(ind, lang),
        value=value_text(ind, lang),
        period=period_text(ind.period, lang) if ind.period else "",
        target=target,
        target_met=target_met(ind),
        target_status=status,
        target_cell=cell,
        direction=indicator_direction(ind),
        change=change_text(ind, lang),
        rank=rank_text(ind.rank, lang, ind.rank_note),
        change_rank=rank_text(ind.change_rank, lang),
        last_year=last_year_value(ind),
        last_year_text=last_year_text(ind, lang),
        proven=proven_change(ind),
    )


def build_report(
    ledger: Ledger,
    as_of: dt.date,
    lang: Lang | None = None,
    aspect: str | None = None,
    *,
    days: int = DEFAULT_DAYS,
) -> Report:
    """The whole report for `as_of`; with `aspect` (id or name), that aspect's tasks, the
    indicators they name, and their warnings."""
    language: Lang = lang or ledger.meta.lang
    chosen = find_aspect(ledger, aspect) if aspect is not None else None
    all_rows = rows(ledger, as_of)
    if chosen is not None:
        all_rows = [r for r in all_rows if r.task.aspect == chosen.id]
    tally = Tally(all_rows)
    counts = tally.total()

    by_aspect = tally.by_aspect()  # one pass, not one per aspect
    aspect_rows = [
        AspectRow(a, by_aspect.get(a.id, Counts()))
        for a in ([chosen] if chosen is not None else ledger.aspects)
    ]

    open_rows = [r for r in all_rows if r.task.status.is_open]
    open_rows = sort_rows(open_rows, SortKey.HEALTH)

    shown = ledger.indicators
    if chosen is not None:
        named = {i for r in all_rows for i in r.task.indicators}
        shown = [i for i in ledger.indicators if i.id in named]

    # The warnings `rectify warn` finds with its defaults (the ledger's tolerance and stale
    # days, no filter: `warn.find`), so the two never disagree.  The rows are judged with
    # that tolerance, so each task's health is worked out once; only counted, so unsorted.
    # Of the open rows only (of the aspect, if one is chosen): no other task warns.
    found = warnings(ledger, as_of, days=days, judged=open_rows, ordered=False)

    return Report(
        title=label("report.title", language, title=ledger.meta.title),
        ledger_title=ledger.meta.title,
        issued_by=ledger.meta.issued_by,
        as_of=as_of,
        data_as_of=data_date(ledger, as_of),
        lang=language,
        aspect=chosen,
        headline=headline(
            counts,
            language,
            ledger.meta.headline_prefix,
            chosen.name if chosen is not None else None,
        ),
        counts=counts,
        aspects=tuple(aspect_rows),
        open_tasks=tuple(open_rows),
        latest={
            r.task.id: entry
            for r in open_rows
            if (entry := latest_progress(r.task, as_of)) is not None
        },
        indicators=tuple(indicator_row(i, language) for i in shown),
        warnings=warning_counts(found),
        leads=lead_rows(tally, found),
    )
