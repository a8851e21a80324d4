"""What `rectify warn` finds: the warnings of a ledger as of a date, filtered and grouped by
the lead department that receives each warning notice (预警督办单).

The judging itself (overdue, due soon, behind, stale) is `schedule.warnings()`; this module
only selects, groups and names things, so `report` can share the same answers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .controls import CONTROLS
from .records import Ledger
from .schedule import (
    DEFAULT_DAYS,
    Judged,
    LeadGroup,
    Level,
    TaskWarning,
    group_by_lead,
    warning_counts,
    warnings,
)

if TYPE_CHECKING:
    from .petitions import PetitionWarning

DEFAULT_REPLY_DAYS = 3


@dataclass(frozen=True)
class WarnResult:
    """The warnings shown for one run, with the settings that produced them (for JSON)."""

    as_of: dt.date
    days: int
    tolerance: float
    stale_days: int
    warnings: tuple[TaskWarning, ...]
    levels: frozenset[Level] | None = None  # --level: the only levels looked for

    @cached_property
    def groups(self) -> list[LeadGroup]:
        return group_by_lead(self.warnings)

    @cached_property
    def counts(self) -> dict[Level, int]:
        return warning_counts(self.warnings)

    @cached_property
    def shown_counts(self) -> dict[Level, int]:
        """The counts of the levels looked for: a header of `--level blue` must not say
        "红色预警0项" when there are red warnings it was not asked to show."""
        return {lv: n for lv, n in self.counts.items() if self.levels is None or lv in self.levels}


def filter_warnings(
    found: Iterable[TaskWarning],
    *,
    lead: str | None = None,
    levels: Collection[Level] | None = None,
) -> list[TaskWarning]:
    """`--lead` is a case-insensitive substring (as in `list`); `--level` keeps those levels."""
    needle = lead.casefold() if lead else None
    if needle is None and not levels:  # the usual run: nothing to filter
        return list(found)
    return [
        w
        for w in found
        if (needle is None or needle in w.task.lead.casefold())
        and (not levels or w.level in levels)
    ]


def find(
    ledger: Ledger,
    as_of: dt.date,
    *,
    days: int = DEFAULT_DAYS,
    tolerance: float | None = None,
    stale_days: int | None = None,
    lead: str | None = None,
    levels: Collection[Level] | None = None,
    judged: Sequence[Judged] | None = None,
) -> WarnResult:
    """Every warning of the ledger as of `as_of`; tolerance and stale days default to the
    ledger's own settings; `judged` as in `schedule.warnings`."""
    tol = ledger.meta.tolerance if tolerance is None else tolerance
    stale = ledger.meta.stale_days if stale_days is None else stale_days
    found = warnings(ledger, as_of, days=days, tolerance=tol, stale_days=stale, judged=judged)
    chosen = filter_warnings(found, lead=lead, levels=levels)
    chosen_levels = frozenset(levels) if levels else None
    return WarnResult(as_of, days, tol, stale, tuple(chosen), chosen_levels)


@dataclass(frozen=True)
class Notice:
    """One warning notice (预警督办单): what one lead department is warned about, its
    tasks and its petition cases (`lead` is "" for cases that name no 责任单位)."""

    lead: str
    tasks: tuple[TaskWarning, ...] = ()
    cases: tuple[PetitionWarning, ...] = ()

    @property
    def counts(self) -> dict[Level, int]:
        counts = warning_counts(self.tasks)
        for w in self.cases:
            counts[w.level] += 1
        return counts

    @property
    def total(self) -> int:
        return len(self.tasks) + len(self.cases)


def notices(result: WarnResult, cases: Sequence[PetitionWarning] = ()) -> list[Notice]:
    """The notices of one ledger: a department's warned tasks (as `warn` groups them) and
    its warned petition cases (as `warn` finds them) in one notice; the department with the
    most red warnings first, as `group_by_lead` orders them."""
    tasks = {g.lead: g.warnings for g in result.groups}
    by_lead: dict[str, list[PetitionWarning]] = {}
    for w in cases:
        by_lead.setdefault(w.petition.lead or "", []).append(w)
    found = [
        Notice(lead, tasks.get(lead, ()), tuple(by_lead.get(lead, ())))
        for lead in dict.fromkeys([*tasks, *by_lead])
    ]

    def worst_first(n: Notice) -> tuple[object, ...]:
        counts = n.counts
        return (*(-counts[lv] for lv in Level), n.lead)

    return sorted(found, key=worst_first)


def reply_by(as_of: dt.date, reply_days: int) -> dt.date:
    """The date a department must answer a notice issued on as_of by: `reply_days` working
    days later (workdays.py), so a reply is never due on a Saturday or in a holiday."""
    from .workdays import add_working_days

    return add_working_days(as_of, reply_days)


# --------------------------------------------------------------------------- file names

# Characters Windows refuses in a file name, controls (C1 too) and bidi overrides (with
# which a name can read as ending in .exe); DOS device names it reserves whatever the
# extension (CON.md is still the console).
_UNSAFE = re.compile(f'[<>:"/\\\\|?*{CONTROLS}]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(10)}
_MAX_STEM = 80  # characters; keeps DIR/name well under Windows' 260-character path limit
# Bytes too: Linux and macOS take 255 bytes of UTF-8 a name, 85 Chinese characters; this
# leaves room for the date, a `-2` and the suffix.
_MAX_STEM_BYTES = 180


def safe_filename(text: str, fallback: str = "lead") -> str:
    """A file name stem from a department name, usable on Windows, macOS and Linux."""
    stem = unicodedata.normalize("NFC", text)
    stem = _UNSAFE.sub("_", stem)
    stem = re.sub(r"\s+", " ", stem).strip()
    stem = stem[:_MAX_STEM].encode("utf-8")[:_MAX_STEM_BYTES].decode("utf-8", "ignore")
    stem = stem.rstrip(" .")  # Windows drops trailing dots and spaces
    stem = stem.lstrip(".")  # no hidden files on Unix
    if not stem:
        stem = fallback
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem


def folder_names(names: Sequence[str]) -> dict[str, str]:
    """One distinct, safe folder name per ledger name (for the notices of several ledgers):
    never a path, never two that one file system would take for the same."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = safe_filename(name, "ledger")
        folder, n = base, 1
        while folder.casefold() in taken:
            n += 1
            folder = f"{base}-{n}"
        taken.add(folder.casefold())
        out[name] = folder
    return out


def notice_filenames(leads: Sequence[str], as_of: dt.date, suffix: str = ".md") -> dict[str, str]:
    """One distinct `DATE-lead.md` (or `.docx`, ...) per lead department.

    Two names that clean to the same text, or differ only in case (one file on Windows and
    macOS), get `-2`, `-3`, ... so no notice overwrites another.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for lead in leads:
        base = f"{as_of.isoformat()}-{safe_filename(lead)}"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.casefold())
        names[lead] = name + suffix
    return names
