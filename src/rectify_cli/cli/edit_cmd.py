"""`rectify edit ID`: change any field of a task, each change logged as old → new."""

import datetime as dt
from typing import Annotated, Any

import typer

from rectify_cli.errors import UsageError, WriteRefused
from rectify_cli.i18n import say

from .app import app
from .common import LangOpt, parse_date, remedy_hint
from .many import LedgersOpt
from .update_cmd import BY_ENV, DryRunOpt, language, task_target


def _texts(help_: str) -> Any:
    return typer.Option(metavar="TEXT", help=help_)


IdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID", help="Task id, e.g. T05; LEDGER:T05 picks one of several ledgers."
    ),
]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        envvar=BY_ENV,
        show_envvar=True,
        help="Who records this, kept in the log entry [default: not recorded].",
    ),
]
EntryDateOpt = Annotated[
    str | None,
    typer.Option("--date", metavar="DATE", help="Date of the log entry [default: today]."),
]


def _ongoing(value: str | None) -> bool | None:
    if value is None:
        return None
    key = value.strip().lower()
    if key in ("yes", "true", "on", "1", "是"):
        return True
    if key in ("no", "false", "off", "0", "否"):
        return False
    raise UsageError(
        say(
            '--ongoing: "{value}" is not yes or no',
            "--ongoing：“{value}”不是 yes 或 no",
            value=value,
        )
    )


def write_outcome(
    run: object, folder: str, bare_id: str, lang: str | None, dry_run: bool, reason: str
) -> None:
    """Run one task verb (a callable taking the folder and the id), then print its diff on a
    dry run or what it changed; a refusal gets the hint the core's remedy names."""
    from rectify_cli.render.log import update_summary
    from rectify_cli.render.text import visible_lines

    from .common import write
    from .update_cmd import dry_run_note

    if lang is not None:
        language(lang, "zh")  # a wrong --lang is refused before the ledger is written
    try:
        outcome = run(folder, bare_id)  # type: ignore[operator]
    except WriteRefused as exc:
        if exc.remedy is None:
            raise
        raise WriteRefused(exc.message + remedy_hint(exc.remedy, reason)) from None
    lang_ = language(lang, outcome.lang)
    if dry_run and outcome.changed:
        write(visible_lines(outcome.diff()))
        dry_run_note(lang_)
        return
    write(update_summary(outcome, lang_))


@app.command("edit")
def edit(
    task_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    aspect: Annotated[
        str | None, typer.Option("--aspect", help="Move to another aspect (id or name).")
    ] = None,
    lead: Annotated[
        str | None, typer.Option("--lead", help="New lead department (牵头单位).")
    ] = None,
    add_measure: Annotated[list[str] | None, _texts("A measure to add (repeatable).")] = None,
    remove_measure: Annotated[
        list[str] | None, _texts("A measure to remove, by its text or number from 1 (repeatable).")
    ] = None,
    add_partner: Annotated[
        list[str] | None, _texts("A partner department to add (repeatable).")
    ] = None,
    remove_partner: Annotated[
        list[str] | None, _texts("A partner department to remove, by name or number (repeatable).")
    ] = None,
    add_indicator: Annotated[
        list[str] | None, _texts("An indicator id to add; it must exist (repeatable).")
    ] = None,
    remove_indicator: Annotated[
        list[str] | None, _texts("An indicator id to remove (repeatable).")
    ] = None,
    add_evidence: Annotated[list[str] | None, _texts("Evidence to add (repeatable).")] = None,
    remove_evidence: Annotated[
        list[str] | None, _texts("Evidence to remove, by its text or number (repeatable).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="New start date.")
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            metavar="DATE",
            help="An earlier deadline (a later one is rectify postpone).",
        ),
    ] = None,
    ongoing: Annotated[
        str | None,
        typer.Option(
            "--ongoing", metavar="yes|no", help="Ongoing (长期坚持): yes clears the deadline."
        ),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Replace the notes (备注).")] = None,
    completed_on: Annotated[
        str | None,
        typer.Option("--completed-on", metavar="DATE", help="Correct the completion date."),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-m", help="Why, kept in the log entry.")
    ] = None,
    date: EntryDateOpt = None,
    by: ByOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Change any field of a task; each change is logged as old → new in one log entry."""
    from rectify_cli.task_edits import Listed, TaskEdit
    from rectify_cli.task_verbs import change_task

    def listed(add: list[str] | None, remove: list[str] | None) -> Listed:
        return Listed(tuple(add or ()), tuple(remove or ()))

    asked = TaskEdit(
        date=parse_date(date, "--date") if date else dt.date.today(),
        title=title,
        aspect=aspect,
        lead=lead,
        start=parse_date(start, "--start") if start else None,
        deadline=parse_date(deadline, "--deadline") if deadline else None,
        ongoing=_ongoing(ongoing),
        notes=notes,
        completed_on=parse_date(completed_on, "--completed-on") if completed_on else None,
        measures=listed(add_measure, remove_measure),
        partners=listed(add_partner, remove_partner),
        indicators=listed(add_indicator, remove_indicator),
        evidence=listed(add_evidence, remove_evidence),
        note=note or "",
        by=by,
    )
    folder, bare_id = task_target(ledger, task_id)
    write_outcome(
        lambda f, i: change_task(f, i, asked, dry_run=dry_run),
        folder,
        bare_id,
        lang,
        dry_run,
        "--note",
    )
