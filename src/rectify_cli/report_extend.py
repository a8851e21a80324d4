"""The parts a report gains from petition cases and `--since`, added to a built report.

Apart from `rollup`, and with the petition and change modules loaded only when a report has
such a part: a report of a ledger without petition cases, without `--since`, never loads them
(each costs every run a few ms, issue #21).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from .report import Report, data_date

if TYPE_CHECKING:
    from .changes import Changes
    from .ledgers import Book


def extend(report: Report, book: Book, *, since: dt.date | None = None) -> Report:
    """`report` with the ledger's petition part and, given `since`, what changed since then.

    A report on one aspect keeps the changes of that aspect's tasks and of the indicators it
    shows, and leaves the petitions out (they belong to no aspect).
    """
    petitions = None
    data_as_of = report.data_as_of
    if book.petitions is not None and report.aspect is None:
        from .petitions import petition_report

        petitions = petition_report(book.petitions, report.as_of, report.lang)
        data_as_of = data_date(book.ledger, report.as_of, book.petitions)
    changes = None
    if since is not None:
        from .changes import changes_since

        changes = changes_since(book.ledger, since, report.as_of, book.petitions)
        if report.aspect is not None:
            changes = _of_aspect(changes, report)
    if petitions is None and changes is None:
        return report
    return dataclasses.replace(report, petitions=petitions, changes=changes, data_as_of=data_as_of)


def _of_aspect(changes: Changes, report: Report) -> Changes:
    from .changes import Event, PetitionMove, ReadingChange

    assert report.aspect is not None
    aspect = report.aspect.id
    shown = {r.indicator.id for r in report.indicators}

    def kept(e: Event) -> bool:
        if isinstance(e, ReadingChange):
            return e.indicator.id in shown
        if isinstance(e, PetitionMove):
            return False
        return e.task.aspect == aspect

    return dataclasses.replace(
        changes,
        events=tuple(e for e in changes.events if kept(e)),
        overdue=tuple(m for m in changes.overdue if m.task.aspect == aspect),
        behind=tuple(m for m in changes.behind if m.task.aspect == aspect),
    )
