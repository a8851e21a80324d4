"""`rectify warn` as text: Markdown, JSON and CSV (the warning notices are notice_text.py).

The wording of a reason or a required action is built here once and shared with the terminal
renderer, so a table and a notice never describe the same warning differently.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate, chain, repeat
from typing import TYPE_CHECKING, Any

from rectify_cli.i18n import Lang, label
from rectify_cli.schedule import LeadGroup, Level, Reason, TaskWarning, WarningCause
from rectify_cli.warn import WarnResult

from .common import deadline_text, progress_text
from .markdown import escaped, table
from .text import md_escape

if TYPE_CHECKING:
    from rectify_cli.petitions import PetitionWarning

WARN_COLUMNS = ("warn.level", "id", "title", "deadline", "progress", "warn.reasons")


def percent(value: float) -> str:
    """Expected progress: whole points when it is one, else one decimal (never 59.999…)."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


@functools.cache  # once per level and language, not once per warning
def level_text(level: Level, lang: Lang) -> str:
    return label(f"level.{level.value}", lang)


# A large ledger repeats the same few thousand findings (100,000 tasks: 60,000 findings,
# 7,000 distinct): a cache that holds them all, so none is worded twice.
@functools.lru_cache(maxsize=1 << 16)
def reason_text(f: WarningCause, lang: Lang) -> str:
    match f.reason:
        case Reason.OVERDUE:
            key = "reason.overdue_one" if f.days == 1 else "reason.overdue"
            return label(key, lang, days=f.days)
        case Reason.DUE_SOON:
            if f.days == 0:
                return label("reason.due_today", lang)
            key = "reason.due_tomorrow" if f.days == 1 else "reason.due_soon"
            return label(key, lang, days=f.days)
        case Reason.BEHIND:
            expected = percent(f.expected or 0.0)
            return label("reason.behind", lang, expected=expected, actual=f.actual)
        case Reason.STALE:
            return label("reason.stale", lang, days=f.days)
    raise AssertionError(f.reason)  # pragma: no cover - every Reason is matched


def reasons_text(w: TaskWarning, lang: Lang) -> str:
    # Not cached by the whole tuple of findings: most combinations occur once.
    return reason_sep(lang).join([reason_text(f, lang) for f in w.findings])


def reasons_column(found: Sequence[TaskWarning], lang: Lang) -> list[str]:
    """`reasons_text` of each warning: every finding worded in one pass, then each warning's
    run of them joined, cut by slices (in C loops: 10,000 tasks warn 3,000 times)."""
    counts = [len(w.findings) for w in found]
    words = list(map(reason_text, chain.from_iterable(w.findings for w in found), repeat(lang)))
    ends = list(accumulate(counts))
    return list(map(reason_sep(lang).join, map(words.__getitem__, map(slice, [0, *ends], ends))))


@functools.cache
def reason_sep(lang: Lang) -> str:
    return label("warn.reason_sep", lang)


def action_text(w: TaskWarning, lang: Lang) -> str:
    """What the department must do: the action of the most severe reason (an overdue task's
    action already covers reporting progress, a behind one's covers the deadline)."""
    worst = min(w.findings, key=lambda f: f.reason.level.rank)
    return label(f"action.{worst.reason.value}", lang)


def counts_text(counts: Mapping[Level, int], lang: Lang, *, skip_zero: bool = False) -> str:
    parts = [
        label("warn.level_count", lang, level=level_text(lv, lang), count=n)
        for lv, n in counts.items()
        if n or not skip_zero
    ]
    return label("warn.list_sep", lang).join(parts)


def summary_line(result: WarnResult, lang: Lang) -> str:
    """One line: the count per level, or that there is nothing to warn about."""
    date = result.as_of.isoformat()
    if not result.warnings:
        return label("warn.none_as_of", lang, date=date)
    return label(
        "warn.summary_line",
        lang,
        date=date,
        total=len(result.warnings),
        parts=counts_text(result.shown_counts, lang),
    )


def group_heading(group: LeadGroup, lang: Lang, *, markdown: bool = False) -> str:
    """The lead department and its own counts; the department's name escaped for Markdown."""
    lead = md_escape(group.lead) if markdown else group.lead
    return label(
        "warn.group", lang, lead=lead, parts=counts_text(group.counts, lang, skip_zero=True)
    )


def warning_columns(
    found: Sequence[TaskWarning], lang: Lang, *, markdown: bool = False
) -> list[list[str]]:
    """The cells of these warnings column by column, in WARN_COLUMNS order (a column at a
    time: a large plan has 30,000 warnings).  For Markdown only the ledger's text is
    escaped: the labels are rectify's own, and escaping them would litter the source with
    backslashes."""
    tasks = [w.task for w in found]
    ids, titles = [t.id for t in tasks], [t.title for t in tasks]
    return [
        [level_text(w.level, lang) for w in found],
        escaped(ids) if markdown else ids,
        escaped(titles) if markdown else titles,
        [deadline_text(t, lang) for t in tasks],
        list(map(progress_text, tasks)),
        reasons_column(found, lang),
    ]


# --------------------------------------------------------------------------- Markdown


def warn_markdown(result: WarnResult, lang: Lang) -> str:
    lines = [summary_line(result, lang)]
    header = [label(c, lang) for c in WARN_COLUMNS]
    for group in result.groups:
        lines += ["", f"## {group_heading(group, lang, markdown=True)}", ""]
        columns = warning_columns(group.warnings, lang, markdown=True)
        body = list(zip(*columns, strict=True))
        lines.append(table(header, body, escaped=True).rstrip("\n"))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- JSON / CSV


def _finding_record(f: WarningCause) -> dict[str, Any]:
    return {
        "kind": f.reason.value,
        "level": f.reason.level.value,
        # Behind has no day count of its own (its measure is expected vs actual).
        "days": None if f.reason is Reason.BEHIND else f.days,
        "expected": None if f.expected is None else round(f.expected, 1),
        "actual": f.actual,
    }


def warning_record(w: TaskWarning) -> dict[str, Any]:
    """One warning as JSON; the keys are a contract for scripts, in this order."""
    t = w.task
    return {
        "id": t.id,
        "title": t.title,
        "lead": t.lead,
        "level": w.level.value,
        "reasons": [_finding_record(f) for f in w.findings],
        "start": t.start.isoformat() if t.start else None,
        "deadline": t.deadline.isoformat() if t.deadline else None,
        "ongoing": t.ongoing,
        "days_left": w.health.days_left,
        "status": t.status.value,
        "progress": t.progress,
        "expected_progress": None if w.health.expected is None else round(w.health.expected, 1),
        "health": w.health.health.value,
    }


def counts_by_level(counts: Mapping[Level, int]) -> dict[str, int]:
    return {lv.value: n for lv, n in counts.items()}


def petition_warning_record(w: PetitionWarning) -> dict[str, Any]:
    p = w.petition
    return {
        "id": p.id,
        "title": p.title,
        "area": p.area,
        "lead": p.lead,
        "level": w.level.value,
        "reasons": [
            {"kind": w.finding.reason.value, "level": w.level.value, "days": w.finding.days}
        ],
        "deadline": p.deadline.isoformat() if p.deadline else None,
        "status": p.status.value,
    }


def warn_record(
    result: WarnResult,
    petitions: Sequence[PetitionWarning] = (),
    ref: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """`rectify warn --format json` of one ledger, in one shape whichever path made it: the
    petition warnings always under `petitions` (empty when the ledger itemises no cases);
    with `ref` (several ledgers) each warning also has the `ref` that `show` / `update` take."""

    def record(w: TaskWarning) -> dict[str, Any]:
        rec = warning_record(w)
        if ref is not None:
            rec["ref"] = ref(w.task.id)
        return rec

    return {
        "as_of": result.as_of.isoformat(),
        "days": result.days,
        "tolerance": result.tolerance,
        "stale_days": result.stale_days,
        "total": len(result.warnings),
        "counts": counts_by_level(result.counts),
        "groups": [
            {
                "lead": g.lead,
                "level": g.level.value,
                "counts": counts_by_level(g.counts),
                "warnings": [record(w) for w in g.warnings],
            }
            for g in result.groups
        ],
        "petitions": [petition_warning_record(w) for w in petitions],
    }


def warn_json(result: WarnResult) -> str:
    # The writers (and json, csv) are imported by the formats that use them: `warn` on its
    # own prints Markdown.
    from .data import to_json

    return to_json(warn_record(result))


WARN_CSV_FIELDS = (
    "lead",
    "level",
    "id",
    "title",
    "deadline",
    "days_left",
    "status",
    "progress",
    "expected_progress",
    "health",
    "reasons",
    "reason_text",
)


def warn_csv(result: WarnResult, lang: Lang) -> str:
    """One row per warning, in the grouped order; `reasons` are the stable keys."""
    from .data import csv_text

    records = []
    for g in result.groups:
        for w in g.warnings:
            rec = warning_record(w)
            rec["reasons"] = [f.reason.value for f in w.findings]
            rec["reason_text"] = reasons_text(w, lang)
            records.append([rec[f] for f in WARN_CSV_FIELDS])
    return csv_text(WARN_CSV_FIELDS, records)
