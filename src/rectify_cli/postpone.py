"""Postponements (延期), read from a task's log: the one place that says which tasks were
postponed, when, from which deadline to which, and why.

`rectify postpone` writes a postponement as a log entry with `kind = "postponed"`, its
reason as the note and its `deadline: OLD → NEW` change line.  The original deadline is not
a field of its own: it is the old deadline of the first postponement, so a hand-edited
deadline can never leave two dates disagreeing about it.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any, NamedTuple

from .textfmt import parse_change

POSTPONED = "postponed"  # models.LogEntry.kind
_KIND = attrgetter("kind")


class Postponement(NamedTuple):
    date: dt.date  # the day it was recorded
    old: dt.date | None  # the deadline before
    new: dt.date | None  # the deadline after
    reason: str
    by: str | None


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def postponements(task: Any) -> list[Postponement]:
    """Each postponement of a task (a record or a model), in log order."""
    out = []
    for entry in task.log:
        if entry.kind != POSTPONED:
            continue
        old = new = None
        for line in entry.changes:
            found = parse_change(line)
            if found is not None and found[0] == "deadline":
                old, new = _day(found[1]), _day(found[2])
        out.append(Postponement(entry.date, old, new, entry.note, entry.by))
    return out


def postponed(task: Any) -> bool:
    """Whether the task's deadline was ever postponed."""
    return POSTPONED in map(_KIND, task.log)  # compared in C: a report asks of every task


def original_deadline(task: Any) -> dt.date | None:
    """The deadline before the first postponement; None when never postponed."""
    moves = postponements(task)
    return moves[0].old if moves else None
