"""Errors written for people, and the exit codes the CLI turns them into."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .i18n import say

# Exit codes, named once (docs/errors.md: 0 success, 1 found something where asked, 2 usage or
# data error; 70 is sysexits' EX_SOFTWARE, for a bug in rectify itself).
EXIT_OK = 0
EXIT_FOUND = 1
EXIT_ERROR = 2
EXIT_BUG = 70


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a ledger, located as precisely as the file allows."""

    path: str
    line: int | None
    message: str
    column: int | None = None
    # Where in the TOML structure, e.g. ("tasks", 3, "deadline"), until `locate.locate`
    # turns it into a line number (built only when something is wrong).
    loc: tuple[Any, ...] | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class RectifyError(Exception):
    """Base of every error caused by the user's input or environment, not by a bug."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LedgerNotFound(RectifyError):
    pass


class LedgerExists(RectifyError):
    """`rectify init` where a ledger (or a file) already is."""


class OutputExists(RectifyError):
    """An output file is there already and --force was not given."""


class OutputFailed(RectifyError):
    """An output could not be written (or is refused: a ledger's own file, read-only)."""


class ExcelUnavailable(RectifyError):
    """openpyxl, the `[excel]` extra, is not installed."""


class DocxUnavailable(RectifyError):
    """python-docx, the `[docs]` extra, is not installed."""


class LedgerInvalid(RectifyError):
    """The ledger could not be read or does not validate; every problem is kept."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0])
        if len(problems) > 1:
            first += say(
                " (and {n} more; `rectify check` lists them all)",
                "（另有{n}个问题；`rectify check` 会全部列出）",
                n=len(problems) - 1,
            )
        super().__init__(first)


class UnknownTask(RectifyError):
    pass


class UsageError(RectifyError):
    pass


class Remedy(StrEnum):
    """What a user can do about a refused write.  The core states the fact and names the
    remedy; the CLI words it in its own terms (its flags), so the core never speaks them."""

    ADD_EVIDENCE = "add_evidence"  # closing needs evidence of acceptance
    GIVE_DATE = "give_date"  # the day a task was finished is not the one meant
    REOPEN = "reopen"  # going back from done or closed is a deliberate reopening
    ADD_ASPECT = "add_aspect"  # a task names an aspect the ledger does not have yet
    CANCEL = "cancel"  # a task with a history is cancelled, never removed
    POSTPONE = "postpone"  # a deadline moved later is a postponement, with its reason
    GIVE_REASON = "give_reason"  # cancelling, merging or postponing says why
    DROP = "drop"  # out of the plan (cancelled or merged) is a step of its own


class WriteRefused(RectifyError):
    """An update broke a rule or could not be written safely; the file is untouched."""

    def __init__(self, message: str, remedy: Remedy | None = None) -> None:
        super().__init__(message)
        self.remedy = remedy


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """`; did you mean X?` for the closest choice, or nothing when none is close.

    Ties go to the choice listed first, so T99 suggests T09 rather than T19 in a ledger
    numbered in order.
    """
    import difflib

    best, best_score = None, 0.49  # half the characters in common is still a useful hint
    matcher = difflib.SequenceMatcher(b=word.casefold())
    for choice in choices:
        matcher.set_seq1(choice.casefold())
        score = matcher.ratio()
        if score > best_score or (choice.casefold() == word.casefold() and score >= best_score):
            best, best_score = choice, score
    return say("; did you mean {best}?", "；是不是 {best}？", best=best) if best else ""


def unknown_case(case_id: str, known: list[str]) -> UnknownTask:
    return UnknownTask(
        say(
            "no petition case {id}{hint}",
            "没有信访件 {id}{hint}",
            id=case_id,
            hint=did_you_mean(case_id, known),
        )
    )


def unknown_task(task_id: str, known: list[str]) -> UnknownTask:
    return UnknownTask(
        say(
            "no task {id}{hint}",
            "没有任务 {id}{hint}",
            id=task_id,
            hint=did_you_mean(task_id, known),
        )
    )
