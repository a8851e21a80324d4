"""`rectify cancel ID --note WHY`: a task dropped from the plan (已撤销)."""

import datetime as dt
from typing import Annotated

import typer

from .app import app
from .common import LangOpt, parse_date
from .edit_cmd import ByOpt, EntryDateOpt, IdArg, write_outcome
from .many import LedgersOpt
from .update_cmd import DryRunOpt, task_target

WhyOpt = Annotated[str, typer.Option("--note", "-m", help="Why (required), kept in the log.")]


@app.command("cancel")
def cancel(
    task_id: IdArg,
    note: WhyOpt,
    date: EntryDateOpt = None,
    by: ByOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Cancel a task the plan drops (已撤销); it leaves the open counts and the warnings."""
    from rectify_cli.task_verbs import drop_task

    day = parse_date(date, "--date") if date else dt.date.today()
    folder, bare_id = task_target(ledger, task_id)
    write_outcome(
        lambda f, i: drop_task(f, i, note, day, by, dry_run=dry_run),
        folder,
        bare_id,
        lang,
        dry_run,
        "--note",
    )
