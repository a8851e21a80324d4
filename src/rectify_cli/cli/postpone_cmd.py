"""`rectify postpone ID --to DATE --reason WHY`: move a deadline later (延期), logged."""

import datetime as dt
from typing import Annotated

import typer

from .app import app
from .common import LangOpt, parse_date
from .edit_cmd import ByOpt, EntryDateOpt, IdArg, write_outcome
from .many import LedgersOpt
from .update_cmd import DryRunOpt, task_target


@app.command("postpone")
def postpone(
    task_id: IdArg,
    to: Annotated[str, typer.Option("--to", metavar="DATE", help="The new, later deadline.")],
    reason: Annotated[
        str, typer.Option("--reason", "-m", help="Why the deadline moves (required).")
    ],
    date: EntryDateOpt = None,
    by: ByOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Postpone a task's deadline (延期) with a reason; the original deadline stays in the log."""
    from rectify_cli.task_verbs import postpone_task

    new = parse_date(to, "--to")
    day = parse_date(date, "--date") if date else dt.date.today()
    folder, bare_id = task_target(ledger, task_id)
    write_outcome(
        lambda f, i: postpone_task(f, i, new, reason, day, by, dry_run=dry_run),
        folder,
        bare_id,
        lang,
        dry_run,
        "--reason",
    )
