"""`rectify fold ID --into TARGET --note WHY`: a task merged into another (已合并).

Named `fold`, not `merge`: `rectify merge` is kept for a git merge driver of ledger files.
"""

import datetime as dt
from typing import Annotated

import typer

from .app import app
from .cancel_cmd import WhyOpt
from .common import LangOpt, parse_date
from .edit_cmd import ByOpt, EntryDateOpt, IdArg, write_outcome
from .many import LedgersOpt
from .update_cmd import DryRunOpt, task_target


@app.command("fold")
def fold(
    task_id: IdArg,
    into: Annotated[
        str, typer.Option("--into", metavar="TARGET", help="The task it is merged into.")
    ],
    note: WhyOpt,
    date: EntryDateOpt = None,
    by: ByOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Merge a task into another (已合并, merged_into); it leaves the open counts."""
    from rectify_cli.task_verbs import drop_task

    day = parse_date(date, "--date") if date else dt.date.today()
    folder, bare_id = task_target(ledger, task_id)
    target = into.strip()
    write_outcome(
        lambda f, i: drop_task(f, i, note, day, by, into=target, dry_run=dry_run),
        folder,
        bare_id,
        lang,
        dry_run,
        "--note",
    )
