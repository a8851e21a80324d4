"""Petition cases (信访件): counts, the report's sentence, filters and deadline warnings.

The counts come from itemised cases when the ledger has them, else from the `[summary]`
table, and never claim more than the figures say: a summary that records only "closed or
stage-closed" (the notice's "全部办结或阶段性办结") keeps the split between the two unknown
(None), and the sentence is worded from what is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import UsageError
from .i18n import Lang, label
from .kinds import HANDLING_GROUPS, Category, Finding, Handling
from .query import natural_key
from .schedule import Level, Reason, WarningCause

if TYPE_CHECKING:
    # Pydantic models: a ledger without petitions never imports them.
    from .models import Petition, PetitionFile, PetitionSummary


@dataclass(frozen=True)
class PetitionCounts:
    """How many cases stand where; None where the figures do not say."""

    total: int = 0
    closed: int | None = 0
    stage_closed: int | None = 0
    handling: int | None = 0
    done: int | None = 0  # closed or stage-closed (办结或阶段性办结)

    @classmethod
    def of_cases(cls, cases: Iterable[Petition]) -> PetitionCounts:
        states = [c.status for c in cases]
        closed = states.count(Handling.CLOSED)
        stage = states.count(Handling.STAGE_CLOSED)
        return cls(len(states), closed, stage, states.count(Handling.HANDLING), closed + stage)

    @classmethod
    def of_summary(cls, s: PetitionSummary) -> PetitionCounts:
        closed, stage, handling = s.closed, s.stage_closed, s.handling
        parts = [n for n in (closed, stage, handling) if n is not None]
        if sum(parts) == s.total:
            # The parts given already make the total: the ones not given are none.
            closed, stage, handling = closed or 0, stage or 0, handling or 0
        done = s.closed_or_stage_closed
        if closed is not None and stage is not None:
            done = closed + stage
        # Plain arithmetic, never a guess: the three statuses cover every case, so what is not
        # closed or stage-closed is still being handled, and the reverse.
        if handling is None and done is not None:
            handling = s.total - done
        if done is None and handling is not None:
            done = s.total - handling
        if done is not None:
            if closed is None and stage is not None:
                closed = done - stage
            elif stage is None and closed is not None:
                stage = done - closed
        return cls(s.total, closed, stage, handling, done)

    def __add__(self, other: PetitionCounts) -> PetitionCounts:
        def add(a: int | None, b: int | None) -> int | None:
            return None if a is None or b is None else a + b

        return PetitionCounts(
            self.total + other.total,
            add(self.closed, other.closed),
            add(self.stage_closed, other.stage_closed),
            add(self.handling, other.handling),
            add(self.done, other.done),
        )


def counts_of(petitions: PetitionFile) -> PetitionCounts:
    if petitions.summary is not None:
        return PetitionCounts.of_summary(petitions.summary)
    return PetitionCounts.of_cases(petitions.petitions)


def headline(counts: PetitionCounts, lang: Lang, prefix: str | None = None) -> str:
    """The notice's sentence: 省交办的818件信访件，已全部办结或阶段性办结."""
    c = counts
    fields = {"prefix": (prefix or "") if lang == "zh" else "", "total": c.total}
    if c.total and c.handling == 0:
        if c.stage_closed == 0:
            key = "pet.all_closed"
        elif c.closed == 0:
            key = "pet.all_stage_closed"
        elif c.closed is not None and c.stage_closed is not None:
            key = "pet.all_done_split"
        else:
            key = "pet.all_done"
        parts = label(key, lang, closed=c.closed, stage_closed=c.stage_closed)
    else:
        pieces = []
        if c.closed is not None and c.stage_closed is not None:
            pieces.append(label("pet.part.closed", lang, n=c.closed))
            pieces.append(label("pet.part.stage_closed", lang, n=c.stage_closed))
        elif c.done is not None:
            pieces.append(label("pet.part.done", lang, n=c.done))
        if c.handling is not None:
            pieces.append(label("pet.part.handling", lang, n=c.handling))
        if not pieces:
            return label("pet.headline_total", lang, **fields)
        parts = label("report.sep", lang).join(pieces)
    return label("pet.headline", lang, parts=parts, **fields)


# --------------------------------------------------------------------------- breakdown


@dataclass(frozen=True)
class CategoryRow:
    """One category's cases by finding and by status (the report's petition table)."""

    category: Category | None  # None: the total line
    total: int
    findings: dict[Finding | None, int]  # None: not yet investigated
    statuses: dict[Handling, int]


def breakdown(cases: Sequence[Petition]) -> tuple[CategoryRow, ...]:
    """A row per category that has cases (in the order of the categories), then the total."""

    def row(category: Category | None, mine: list[Petition]) -> CategoryRow:
        findings: dict[Finding | None, int] = dict.fromkeys([*Finding, None], 0)
        statuses = dict.fromkeys(Handling, 0)
        for p in mine:
            findings[p.finding] += 1
            statuses[p.status] += 1
        return CategoryRow(category, len(mine), findings, statuses)

    rows = [row(c, mine) for c in Category if (mine := [p for p in cases if p.category is c])]
    return (*rows, row(None, list(cases)))


@dataclass(frozen=True)
class PetitionReport:
    """The report's petition part: the sentence, the counts, and, where cases are itemised,
    the table by category, finding and status, and the deadline warnings of open cases."""

    headline: str
    counts: PetitionCounts
    itemised: bool
    categories: tuple[CategoryRow, ...] = ()  # itemised only; the total line last
    warnings: dict[Level, int] = field(default_factory=dict)

    @property
    def unverified(self) -> bool:
        """Whether any case awaits its finding (the table then has a column for them)."""
        return bool(self.categories and self.categories[-1].findings[None])


def petition_report(
    petitions: PetitionFile, as_of: dt.date, lang: Lang, *, days: int = 7
) -> PetitionReport:
    counts = counts_of(petitions)
    sentence = headline(counts, lang, petitions.headline_prefix)
    if petitions.summary is not None:
        return PetitionReport(sentence, counts, itemised=False)
    cases = petitions.petitions
    found = warnings(cases, as_of, days=days)
    per_level = dict.fromkeys(Level, 0)
    for w in found:
        per_level[w.level] += 1
    return PetitionReport(sentence, counts, True, breakdown(cases), per_level)


# --------------------------------------------------------------------------- list


@dataclass(frozen=True)
class PetitionFilter:
    statuses: frozenset[Handling] | None = None
    categories: frozenset[Category] | None = None
    findings: frozenset[Finding] | None = None
    lead: str | None = None  # substring, case-insensitive
    due_before: dt.date | None = None
    search: str | None = None  # id, title, area, batch, lead, notes

    def matches(self, p: Petition) -> bool:
        if self.statuses is not None and p.status not in self.statuses:
            return False
        if self.categories is not None and p.category not in self.categories:
            return False
        if self.findings is not None and p.finding not in self.findings:
            return False
        if self.lead is not None and self.lead.casefold() not in (p.lead or "").casefold():
            return False
        if self.due_before is not None and (p.deadline is None or p.deadline >= self.due_before):
            return False
        if self.search is not None:
            needle = self.search.casefold()
            hay = [p.id, p.title, p.area or "", p.batch or "", p.lead or "", p.notes]
            if not any(needle in h.casefold() for h in hay):
                return False
        return True


def status_filter(values: Iterable[str]) -> frozenset[Handling] | None:
    chosen: set[Handling] = set()
    for v in values:
        group = HANDLING_GROUPS.get(v.strip().lower())
        if group is not None:
            chosen |= group
            continue
        try:
            chosen.add(Handling.parse(v))
        except ValueError as exc:
            raise UsageError(f"--status: {exc}; or pending (not yet closed)") from None
    return frozenset(chosen) if chosen else None


def category_filter(values: Iterable[str]) -> frozenset[Category] | None:
    try:
        chosen = {Category.parse(v) for v in values}
    except ValueError as exc:
        raise UsageError(f"--category: {exc}") from None
    return frozenset(chosen) if chosen else None


def finding_filter(values: Iterable[str]) -> frozenset[Finding] | None:
    try:
        chosen = {Finding.parse(v) for v in values}
    except ValueError as exc:
        raise UsageError(f"--finding: {exc}") from None
    return frozenset(chosen) if chosen else None


@dataclass(frozen=True)
class PetitionRow:
    petition: Petition
    ledger: str
    days_left: int | None  # until the deadline; negative when past it

    @property
    def overdue(self) -> bool:
        return self.petition.status.is_open and self.days_left is not None and self.days_left < 0


def rows(
    cases: Iterable[Petition], as_of: dt.date, ledger: str = "", flt: PetitionFilter | None = None
) -> list[PetitionRow]:
    return [
        PetitionRow(p, ledger, (p.deadline - as_of).days if p.deadline else None)
        for p in cases
        if flt is None or flt.matches(p)
    ]


PETITION_SORTS = ("id", "deadline", "status", "lead", "received", "category")


def sort_rows(
    items: list[PetitionRow], key: str = "id", reverse: bool = False
) -> list[PetitionRow]:
    order = {s: i for i, s in enumerate(Handling)}
    cats = {c: i for i, c in enumerate(Category)}

    def by(r: PetitionRow) -> tuple[object, ...]:
        p = r.petition
        match key:
            case "deadline":
                return (p.deadline or dt.date.max, natural_key(p.id))
            case "status":
                return (order[p.status], natural_key(p.id))
            case "lead":
                return (p.lead or "", natural_key(p.id))
            case "received":
                return (p.received, natural_key(p.id))
            case "category":
                return (cats[p.category], natural_key(p.id))
        return (natural_key(p.id),)

    if key not in PETITION_SORTS:
        raise UsageError(f"--sort {key}: petition cases sort by {', '.join(PETITION_SORTS)}")
    return sorted(items, key=by, reverse=reverse)


# --------------------------------------------------------------------------- warnings


@dataclass(frozen=True)
class PetitionWarning:
    """An open case past its deadline (red) or within `days` of it (blue)."""

    petition: Petition
    ledger: str
    finding: WarningCause

    @property
    def level(self) -> Level:
        return self.finding.reason.level


def warnings(
    cases: Iterable[Petition],
    as_of: dt.date,
    *,
    days: int = 7,
    ledger: str = "",
    lead: str | None = None,
    levels: Iterable[Level] | None = None,
) -> list[PetitionWarning]:
    """Open cases (办理中) past or near their deadline, most severe and nearest first.  A
    closed or stage-closed case is never warned: its handling is finished or paused by
    decision, not late."""
    wanted = frozenset(levels) if levels else None
    needle = lead.casefold() if lead else None
    found = []
    for p in cases:
        if not p.status.is_open or p.deadline is None:
            continue
        left = (p.deadline - as_of).days
        if left < 0:
            f = WarningCause(Reason.OVERDUE, -left)
        elif left <= days:
            f = WarningCause(Reason.DUE_SOON, left)
        else:
            continue
        if wanted is not None and f.reason.level not in wanted:
            continue
        if needle is not None and needle not in (p.lead or "").casefold():
            continue
        found.append(PetitionWarning(p, ledger, f))
    found.sort(key=lambda w: (w.level.rank, w.petition.deadline or dt.date.max, w.petition.id))
    return found
