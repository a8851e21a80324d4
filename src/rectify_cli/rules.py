"""The rules of a task's state, each in one place.

`rectify check` (checks.task_problems) names a task that breaks one; `update` (edit.py) and
`import` (importer.py) apply them as they plan a write, and every write ends in the checks
that `check` runs, so no command writes a ledger that `check` rejects.  "Finished" (done or
closed) itself is kinds.FINISHED, beside the statuses.  Plain predicates on plain values:
the words belong to whoever reports a broken rule (a check, a refusal, an import note).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .kinds import FINISHED, Status


def lacks_completed_on(status: Status, completed_on: object) -> bool:
    """A done or closed task needs the day it was finished (completed_on)."""
    return status in FINISHED and completed_on is None


def completed_on_too_soon(status: Status, completed_on: object) -> bool:
    """completed_on belongs only to a finished task."""
    return status not in FINISHED and completed_on is not None


def progress_off(status: Status, progress: int | None) -> bool:
    """A finished task is at 100 % (or has no progress reported)."""
    return status in FINISHED and progress is not None and progress != 100


def lacks_evidence(status: Status, evidence: Sequence[str]) -> bool:
    """A closed (已销号) task needs evidence of its acceptance."""
    return status is Status.CLOSED and not evidence


def only_a_note(update: Any) -> bool:
    """An update that asks for nothing but a log entry (a note, its author, its date): an
    annotation, which changes none of the task's fields."""
    return (
        update.status is None
        and update.progress is None
        and update.deadline is None
        and not update.evidence
        and not update.reopen
    )
