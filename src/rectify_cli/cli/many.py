"""Options and glue for commands that read several ledgers (`--ledger` repeated or a
pattern), and the several-ledger paths of list, warn and report.

Exit codes with several ledgers: a ledger that fails to load is reported on stderr, one line
each (`Error: ledger NAME: MESSAGE`), the others are shown, and the command exits 2, as
`grep -s` does when one of its files is unreadable: the output is right for the ledgers it
covers, and a script must not mistake it for the whole.  `--strict` shows nothing at all
when any ledger fails (still exit 2).  An error in the error takes precedence over
`warn --exit-code`'s 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rectify_cli.errors import EXIT_ERROR, EXIT_FOUND, UsageError
from rectify_cli.i18n import Lang, label, say
from rectify_cli.ledgers import Ledgers, load_many
from rectify_cli.query import TaskRow
from rectify_cli.records import Ledger
from rectify_cli.render import OutputFormat
from rectify_cli.schedule import Level

if TYPE_CHECKING:
    from rectify_cli.rollup import LedgerWarnings

from rectify_cli.render.results import PetitionList, RollupResult, WarningsMany

from .common import LedgersOpt as LedgersOpt
from .common import as_of_date, emit, ledger_lang, output_format, tell, write

StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict", help="With several ledgers: if any fails to load, show nothing (exit 2)."
    ),
]

Ref = Callable[[str], str]


def load_ledgers(
    specs: list[str] | None, strict: bool = False, as_of: str | None = None
) -> Ledgers:
    """The ledgers named; failures reported on stderr, one line each.  One ledger named on
    its own raises its error as every command always has.  With `--as-of DATE`, each as it
    stood at the end of DATE (snapshot.py): every reading command reads the past this way."""
    day = None if as_of is None else as_of_date(as_of)
    found = load_many(specs)
    if found.failures:
        for f in found.failures:
            tell(say("Error: ", "错误：") + str(f))
        if strict or not found.books:
            raise SystemExit(EXIT_ERROR)
    return found if day is None else found.at(day)


def finish(found: Ledgers) -> None:
    """Where every reading command ends: one line on stderr when `rectify check` would find
    problems in the ledgers read (the output stands: exit 0), and exit 2 when a ledger did
    not load (after the others' output)."""
    problems_notice([b.ledger for b in found.books], found.multi)
    unproven_notice(found)
    if found.failures:
        raise SystemExit(EXIT_ERROR)


def problems_notice(ledgers: list[Ledger], multi: bool = False) -> None:
    from rectify_cli.checks import problems_notice as notice

    line = notice(ledgers, multi)
    if line is not None:
        tell(line)


def unproven_notice(found: Ledgers) -> None:
    if found.day is not None:
        from rectify_cli.snapshot import unproven_notice as notice

        line = notice(found.unproven, found.day, found.multi)
        if line is not None:
            tell(line)


def language(found: Ledgers, value: str | None) -> Lang:
    """--lang, else the first ledger's language: one document speaks one language."""
    return ledger_lang(found.books[0].ledger, value)


def refs_of(found: Ledgers) -> Callable[[str], Ref]:
    """A ledger's name → how its task ids are shown (qualified where two ledgers share one)."""

    def of(name: str) -> Ref:
        return lambda task_id: found.ref(name, task_id)

    return of


def row_ref(found: Ledgers) -> Callable[[TaskRow], str]:
    return lambda row: found.ref(row.ledger, row.task.id)


def has_cases(found: Ledgers) -> bool:
    return any(b.petitions is not None and b.petitions.petitions for b in found.books)


# --------------------------------------------------------------------------- list


def list_petitions(
    found: Ledgers,
    as_of: dt.date,
    *,
    status: list[str],
    category: list[str],
    finding: list[str],
    lead: str | None,
    due_before: dt.date | None,
    search: str | None,
    sort: str,
    reverse: bool,
    fmt: OutputFormat | None,
    lang: Lang,
    no_color: bool,
) -> None:
    from rectify_cli.petitions import (
        PetitionFilter,
        category_filter,
        counts_of,
        finding_filter,
        headline,
        rows,
        sort_rows,
        status_filter,
    )

    _check_handling(status)
    flt = PetitionFilter(
        statuses=status_filter(status),
        categories=category_filter(category),
        findings=finding_filter(finding),
        lead=lead,
        due_before=due_before,
        search=search,
    )
    found_rows = []
    notes = []
    for b in found.books:
        if b.petitions is None:
            continue
        if b.petitions.summary is not None:
            sentence = headline(counts_of(b.petitions), lang, b.petitions.headline_prefix)
            if found.multi:
                sentence = label("rollup.ledger_title", lang, name=b.name, title=sentence)
            notes.append(label("pet.summary_only", lang, headline=sentence))
        found_rows += rows(b.petitions.petitions, as_of, b.name, flt)
    found_rows = sort_rows(found_rows, sort, reverse)
    chosen = output_format(fmt)
    itemised = any(b.petitions is not None and b.petitions.petitions for b in found.books)
    if not itemised and chosen in (OutputFormat.TABLE, OutputFormat.MD):
        # Nothing to list: say what the ledgers hold instead of "no cases match".
        from rectify_cli.render.text import escaped

        write("".join(escaped(n) + "\n" for n in notes or [label("pet.none", lang)]))
        return
    # Ledgers with totals only have no rows: say so on stderr, beside the others' data.
    for note in notes:
        tell(note)
    emit(PetitionList(found_rows, lang, found.multi), chosen, no_color=no_color)


def _check_handling(values: list[str]) -> None:
    """The petitions' --status values; a wrong one is refused here, in the spoken language."""
    from rectify_cli.kinds import HANDLING_GROUPS, Handling

    for v in values:
        if v.strip().lower() in HANDLING_GROUPS:
            continue
        try:
            Handling.parse(v)
        except ValueError as exc:
            raise UsageError(
                say(
                    "--status: {why}; or pending (not yet closed)",
                    "--status：{why}；也可用 pending（未办结的信访件）",
                    why=exc,
                )
            ) from None


# --------------------------------------------------------------------------- warn


def warn_many_cmd(
    found: Ledgers,
    as_of: dt.date,
    *,
    days: int,
    tolerance: float | None,
    stale_days: int | None,
    lead: str | None,
    levels: frozenset[Level] | None,
    fmt: OutputFormat | None,
    exit_code: bool,
    notice: bool,
    out: Path | None,
    force: bool,
    reply_days: int,
    issued_by: str | None,
    lang: Lang,
    no_color: bool,
) -> None:
    """`rectify warn` over several ledgers (or one with petition cases): one section per
    ledger, petition cases after its tasks."""
    from rectify_cli.rollup import warn_many

    result = warn_many(
        found,
        as_of,
        days=days,
        tolerance=tolerance,
        stale_days=stale_days,
        lead=lead,
        levels=levels,
    )
    multi = found.multi
    refs = refs_of(found)
    if notice:
        _notices(found, result, fmt, out, force, reply_days, issued_by, lang)
    else:
        shown = WarningsMany(result, lang, multi, refs)
        emit(shown, output_format(fmt, shown.formats()), no_color=no_color)
    finish(found)
    if exit_code and any(lw.total for lw in result):
        raise SystemExit(EXIT_FOUND)


def _notices(
    found: Ledgers,
    result: list[LedgerWarnings],
    fmt: OutputFormat | None,
    out: Path | None,
    force: bool,
    reply_days: int,
    issued_by: str | None,
    lang: Lang,
) -> None:
    """Each ledger's notices (its tasks and petition cases, as `warn` finds them), from its
    own office unless the roll-up's signs them (`--issued-by`, else `rollup.toml`): on
    stdout (Markdown, or one HTML page), in one file (`--out x.html` or `x.pdf`), or one file
    per department in folder DIR; with several ledgers one folder per ledger
    (`DIR/boxing/2025-12-31-市水利局.md`), since two counties share department names.
    Every notice of every ledger is written, or none."""
    from rectify_cli.outputs import write_bytes, write_files
    from rectify_cli.render.notices import (
        notice_count,
        notice_files,
        notices_document,
        notices_file,
        one_file,
    )
    from rectify_cli.rollup import issuing_office, signed_warnings
    from rectify_cli.warn import folder_names

    from .common import make_out_dir

    if not result:
        return
    result = signed_warnings(result, issuing_office(found, issued_by))
    due = reply_date(result[0].result.as_of, reply_days, lang)
    if out is None:
        write(notices_document(result, due, lang, fmt))
        return
    single = one_file(out, fmt)
    if single is not None:
        write_bytes(out, notices_file(result, due, lang, single), force=force)
        tell(label("warn.written", lang, count=notice_count(result), path=out))
        return
    files: dict[Path, bytes] = {}
    # A ledger's name is its own text (`[ledger] name`): made a safe name of one folder
    # inside DIR, as a lead's name is made a file's.
    folders = folder_names([lw.name for lw in result])
    for lw in result:
        if not lw.total:
            continue
        folder = out / folders[lw.name] if found.multi else out
        files.update(notice_files(lw.result, lw.petitions, lw.book.ledger, folder, due, lang, fmt))
    make_out_dir(out)
    write_files(files, force=force)
    tell(label("warn.written", lang, count=len(files), path=out))


# --------------------------------------------------------------------------- report


def report_many(
    found: Ledgers,
    chosen: OutputFormat,
    as_of: dt.date,
    *,
    lang: Lang,
    since: dt.date | None,
    summary_only: bool,
    charts: bool,
    aspect: str | None,
    out: Path | None,
    force: bool,
    no_color: bool,
) -> None:
    """The roll-up: a row per ledger and the total, then each ledger's own report."""
    from rectify_cli.rollup import build_rollup

    if aspect is not None:
        raise UsageError(
            say(
                "--aspect: reports one aspect of one ledger; name a single --ledger",
                "--aspect 只能报告单个台账的一个问题方面，请只指定一个 --ledger",
            )
        )
    rollup = build_rollup(found, as_of, lang, since=since, summary_only=summary_only)
    shown = RollupResult(rollup, refs_of(found), charts=charts, summary_only=summary_only)
    emit(shown, chosen, out=out, force=force, no_color=no_color, lang=lang)
    finish(found)


def reply_date(as_of: dt.date, reply_days: int, lang: Lang) -> dt.date:
    """A notice's reply-by date in working days; when the calendar does not know a year yet,
    say that only weekends were skipped (workdays.py)."""
    from rectify_cli.warn import reply_by
    from rectify_cli.workdays import covers

    due = reply_by(as_of, reply_days)
    if not covers(as_of, due):
        tell(label("notice.calendar_unknown", lang, year=due.year))
    return due
