"""The rules of a task's state, each in one place.

`rectify check` (checks.task_problems) names a task that breaks one; `update` (edit.py) and
`import` (importer.py) apply them as they plan a write, and every write ends in the checks
that `check` runs, so no command writes a ledger that `check` rejects.  "Finished" (done or
closed) itself is kinds.FINISHED, beside the statuses.  Plain predicates on plain values:
the words belong to whoever reports a broken rule (a check, a refusal, an import note).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .kinds import DROPPED, FINISHED, Status


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


def lacks_merge_target(status: Status, merged_into: str | None) -> bool:
    """A merged (已合并) task names the task it was folded into (merged_into)."""
    return status is Status.MERGED and not merged_into


def merge_target_too_soon(status: Status, merged_into: str | None) -> bool:
    """merged_into belongs only to a merged task."""
    return status is not Status.MERGED and merged_into is not None


MergeTargetProblem = Literal["itself", "missing", "dropped"]


def merge_target_problem(
    task_id: str, merged_into: str | None, statuses: Mapping[str, Status]
) -> MergeTargetProblem | None:
    """What is wrong with the task a merged task names, given every task's status by id:
    itself, a task the ledger lacks, or one that is itself out of the plan (cancelled or
    merged: the work must land in a task still carried)."""
    if merged_into is None:
        return None
    if merged_into == task_id:
        return "itself"
    target = statuses.get(merged_into)
    if target is None:
        return "missing"
    return "dropped" if target in DROPPED else None
