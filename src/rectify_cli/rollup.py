"""Roll-ups over several ledgers, and the parts a report gains from petitions and `--since`.

Every number comes from the same functions a single ledger uses (`report.build_report`,
`warn.find`, `query.rows`, `petitions`, `changes`), so a county's row in the roll-up always
equals that county's own report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .changes import Changes, changes_since
from .files import ROLLUP_FILE
from .i18n import Lang, label, say
from .ledgers import Book, Ledgers
from .petitions import PetitionCounts, PetitionWarning, counts_of
from .petitions import headline as petition_headline
from .petitions import warnings as petition_warnings
from .query import rows
from .records import Ledger
from .report import (
    Counts,
    Report,
    build_report,
    data_date,
    dates_line,
    headline_parts,
    long_date,
)
from .report_extend import extend
from .schedule import DEFAULT_DAYS, Level
from .warn import WarnResult, find

# --------------------------------------------------------------------------- settings


def rollup_folder(ledgers: Ledgers) -> Path | None:
    """The one folder that holds every ledger named (`counties` for `counties/*`), or None
    when they sit in different folders: a roll-up's settings live there."""
    roots = [b.ledger.root for b in ledgers.books] + [f.path for f in ledgers.failures]
    parents = {os.path.dirname(os.path.abspath(r)) for r in roots}
    return Path(parents.pop()) if len(parents) == 1 else None


def issuing_office(ledgers: Ledgers, given: str | None = None) -> str | None:
    """Who sends a roll-up's documents and notices: `given` (`--issued-by`), else the
    `issued_by` of the roll-up's `rollup.toml` (several ledgers only), else None (each
    ledger's own office).  A `rollup.toml` that is not right is an error with its line."""
    if given is not None or not ledgers.multi:
        return given
    folder = rollup_folder(ledgers)
    if folder is None or not (folder / ROLLUP_FILE).is_file():
        return None
    from .errors import LedgerInvalid, RectifyError
    from .models import RollupFile
    from .store import load_file

    try:
        return load_file(folder / ROLLUP_FILE, RollupFile).rollup.issued_by
    except LedgerInvalid as exc:
        # `rectify check` reads ledgers, not this file: every problem is said here.
        raise RectifyError(say("; ", "；").join(str(p) for p in exc.problems)) from None


def signed_by(ledger: Ledger, office: str | None) -> Ledger:
    """The ledger with `office` as its issuing office, for the notices the roll-up (or
    `--issued-by`) sends: a copy, the ledger itself is untouched."""
    if office is None or office == ledger.meta.issued_by:
        return ledger
    meta = ledger.meta._replace(issued_by=office)
    return Ledger(
        meta, ledger.aspects, ledger.tasks, ledger.indicators, ledger.root, ledger.problems
    )


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class LedgerLine:
    """One ledger's row in the roll-up table."""

    name: str
    title: str
    counts: Counts
    petitions: PetitionCounts | None


@dataclass(frozen=True)
class RollUp:
    """The report over several ledgers: the roll-up table and total first, then (unless
    `--summary-only`) each ledger's own report, in the order the ledgers were named."""

    title: str
    as_of: dt.date
    lang: Lang
    headline: str
    counts: Counts
    lines: tuple[LedgerLine, ...]
    reports: tuple[Report, ...]
    failed: tuple[str, ...]  # names of the ledgers that did not load
    petitions_headline: str | None = None
    petitions: PetitionCounts | None = None
    since: dt.date | None = None
    # The day every ledger's data are current to: the earliest of their data dates, so the
    # roll-up never claims a county's figures are newer than its own section says.
    data_as_of: dt.date | None = None
    # The office that sends the roll-up (`rollup.toml`'s `issued_by`): its Word head and foot.
    issued_by: str | None = None

    @property
    def date_text(self) -> str:
        return long_date(self.as_of, self.lang)

    @property
    def dates_line(self) -> str:
        return dates_line(self.lang, self.as_of, self.data_as_of)


def rollup_headline(counts: Counts, ledgers: int, lang: Lang) -> str:
    parts = headline_parts(counts, lang)
    return label("rollup.headline", lang, count=ledgers, total=counts.tasks, parts=parts)


def build_rollup(
    ledgers: Ledgers,
    as_of: dt.date,
    lang: Lang | None = None,
    *,
    since: dt.date | None = None,
    summary_only: bool = False,
) -> RollUp:
    books = ledgers.books
    language: Lang = lang or (books[0].ledger.meta.lang if books else "zh")
    lines: list[LedgerLine] = []
    reports: list[Report] = []
    data_dates: list[dt.date | None] = []
    for book in books:
        data_dates.append(data_date(book.ledger, as_of, book.petitions))
        if summary_only:
            counts = Counts.of(rows(book.ledger, as_of))
        else:
            report = extend(build_report(book.ledger, as_of, language), book, since=since)
            # The section says which roll-up row it details.
            title = label("rollup.section_title", language, title=report.title, name=book.name)
            reports.append(dataclasses.replace(report, title=title))
            counts = report.counts
        pets = counts_of(book.petitions) if book.petitions is not None else None
        lines.append(LedgerLine(book.name, book.ledger.meta.title, counts, pets))
    total = sum((line.counts for line in lines), Counts())
    with_petitions = [line.petitions for line in lines if line.petitions is not None]
    pet_total = pet_sentence = None
    if with_petitions:
        pet_total = with_petitions[0]
        for c in with_petitions[1:]:
            pet_total = pet_total + c
        prefixes = {b.petitions.headline_prefix for b in books if b.petitions is not None}
        prefix = prefixes.pop() if len(prefixes) == 1 else None
        pet_sentence = petition_headline(pet_total, language, prefix)
    return RollUp(
        title=label("rollup.title", language, count=len(books)),
        as_of=as_of,
        lang=language,
        headline=rollup_headline(total, len(books), language),
        counts=total,
        lines=tuple(lines),
        reports=tuple(reports),
        failed=tuple(f.name for f in ledgers.failures),
        petitions_headline=pet_sentence,
        petitions=pet_total,
        since=since,
        data_as_of=min((d for d in data_dates if d is not None), default=None),
        issued_by=issuing_office(ledgers),
    )


# --------------------------------------------------------------------------- warn


@dataclass(frozen=True)
class LedgerWarnings:
    """One ledger's warnings: its tasks (as `rectify warn` finds them) and its open petition
    cases past or near their deadline."""

    book: Book
    result: WarnResult
    petitions: tuple[PetitionWarning, ...] = ()

    @property
    def name(self) -> str:
        return self.book.name

    @property
    def counts(self) -> dict[Level, int]:
        counts = dict(self.result.counts)
        for w in self.petitions:
            counts[w.level] += 1
        return counts

    @property
    def total(self) -> int:
        return len(self.result.warnings) + len(self.petitions)


def warn_many(
    ledgers: Ledgers,
    as_of: dt.date,
    *,
    days: int = DEFAULT_DAYS,
    tolerance: float | None = None,
    stale_days: int | None = None,
    lead: str | None = None,
    levels: frozenset[Level] | None = None,
) -> list[LedgerWarnings]:
    out = []
    for b in ledgers.books:
        result = find(
            b.ledger,
            as_of,
            days=days,
            tolerance=tolerance,
            stale_days=stale_days,
            lead=lead,
            levels=levels,
        )
        pets: list[PetitionWarning] = []
        if b.petitions is not None:
            pets = petition_warnings(
                b.petitions.petitions, as_of, days=days, ledger=b.name, lead=lead, levels=levels
            )
        out.append(LedgerWarnings(b, result, tuple(pets)))
    return out


def total_counts(found: Sequence[LedgerWarnings]) -> dict[Level, int]:
    counts = dict.fromkeys(Level, 0)
    for lw in found:
        for level, n in lw.counts.items():
            counts[level] += n
    return counts


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class LedgerChanges:
    name: str
    title: str
    changes: Changes


def changes_many(ledgers: Ledgers, since: dt.date, as_of: dt.date) -> list[LedgerChanges]:
    return [
        LedgerChanges(
            b.name, b.ledger.meta.title, changes_since(b.ledger, since, as_of, b.petitions)
        )
        for b in ledgers.books
    ]


def signed_warnings(found: list[LedgerWarnings], office: str | None) -> list[LedgerWarnings]:
    """Each ledger's warnings with `office` signing its notices (`signed_by`)."""
    if office is None:
        return found
    return [
        dataclasses.replace(
            lw, book=dataclasses.replace(lw.book, ledger=signed_by(lw.book.ledger, office))
        )
        for lw in found
    ]
