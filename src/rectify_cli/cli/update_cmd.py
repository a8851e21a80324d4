from typing import Annotated

import typer

from rectify_cli.errors import UsageError, WriteRefused
from rectify_cli.i18n import Lang, label, say
from rectify_cli.kinds import Status
from rectify_cli.textfmt import percent_text

from .app import app
from .common import LangOpt, LedgersOpt, entry_date, parse_date, remedy_hint, tell, write

BY_ENV = "RECTIFY_BY"

DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the exact diff that would be written; write nothing."),
]


def language(value: str | None, ledger_default: str) -> Lang:
    """--lang, else the ledger's own language (read from its [ledger] table alone)."""
    chosen = ledger_default if value is None else value
    if chosen not in ("zh", "en"):
        raise UsageError(
            say(
                '--lang: "{value}" is not a language rectify speaks; use zh or en',
                "--lang：不支持“{value}”，请用 zh 或 en",
                value=value,
            )
        )
    return "zh" if chosen == "zh" else "en"


def dry_run_note(lang: Lang) -> None:
    tell(label("update.dry_run", lang))


def _progress(value: str | None) -> int | None:
    """--progress as people type it (60, 60%, ６０％), read as a 进度 cell is; the range is
    the core's rule (edit_rules), so 120 is refused there in the same words as ever."""
    if value is None:
        return None
    number = percent_text(value)
    if number is None or not number.is_integer():
        raise UsageError(
            say(
                '--progress: "{value}" is not a whole percentage such as 60 or 60%',
                "--progress：“{value}”不是整数百分比，请写成 60 或 60%",
                value=value,
            )
        )
    return int(number)


def _status(value: str | None) -> Status | None:
    if value is None:
        return None
    try:
        return Status.parse(value)
    except ValueError as exc:
        raise UsageError(say("--status: {why}", "--status：{why}", why=exc)) from None


@app.command("update")
def update(
    task_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Task id, e.g. T05; LEDGER:T05 picks one of several ledgers."
        ),
    ],
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            help="New status: not_started 未启动, in_progress 推进中, done 已完成, closed 已销号.",
        ),
    ] = None,
    progress: Annotated[
        str | None,
        typer.Option("--progress", "-p", metavar="0-100", help="Progress in percent (60 or 60%)."),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", "-m", help="What happened; given alone, it annotates the log."),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="Date of the log entry, and completed_on when marked done [default: today].",
        ),
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", "-e", metavar="FILE", help="Evidence to add (repeatable)."),
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            metavar="DATE",
            help="An earlier deadline (a later one is rectify postpone).",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="NAME",
            envvar=BY_ENV,
            show_envvar=True,
            help="Who records this, kept in the log entry [default: not recorded].",
        ),
    ] = None,
    reopen: Annotated[
        bool,
        typer.Option("--reopen", help="Reopen a done or closed task (needs --note saying why)."),
    ] = False,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Change a task and append one entry to its log; no other line of the file changes."""
    from rectify_cli.edit import update_task
    from rectify_cli.edit_rules import TaskUpdate
    from rectify_cli.render.log import update_summary
    from rectify_cli.render.text import visible_lines

    if lang is not None:
        language(lang, "zh")  # a wrong --lang is refused before the ledger is written
    upd = TaskUpdate(
        date=entry_date(date),
        status=_status(status),
        progress=_progress(progress),
        deadline=parse_date(deadline, "--deadline", period_end=True) if deadline else None,
        note=note or "",
        evidence=tuple(evidence or ()),
        by=by,
        reopen=reopen,
    )
    folder, bare_id = task_target(ledger, task_id)
    try:
        outcome = update_task(folder, bare_id, upd, dry_run=dry_run)
    except WriteRefused as exc:
        if exc.remedy is None:
            raise
        raise WriteRefused(exc.message + remedy_hint(exc.remedy)) from None
    lang_ = language(lang, outcome.lang)
    if dry_run and outcome.changed:
        write(visible_lines(outcome.diff()))
        dry_run_note(lang_)
        return
    write(update_summary(outcome, lang_))


def task_target(specs: list[str] | None, ref: str) -> tuple[str, str]:
    """The ledger folder to write and the bare task id.  One ledger: that folder (a
    qualifier must be its name).  Several: `boxing:T03` picks by name from each `[ledger]`
    table alone; a bare id loads them all and must be in exactly one."""
    from rectify_cli.ledgers import folder_for, load_many

    folder, task_id = folder_for(specs, ref)
    if folder is None:
        book, task = load_many(specs).find_task(ref)
        return book.ledger.root, task.id
    return str(folder), task_id
