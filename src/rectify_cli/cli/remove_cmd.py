from typing import Annotated

import typer

from rectify_cli.errors import WriteRefused

from .app import app
from .common import LangOpt, remedy_hint, write
from .many import LedgersOpt
from .update_cmd import DryRunOpt, dry_run_note, language


@app.command("remove")
def remove(
    task_id: Annotated[str, typer.Argument(metavar="ID", help="The task's id, e.g. T25.")],
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Remove a task added by mistake and never worked on; one with a history is cancelled
    instead."""
    from rectify_cli.edit import ledger_lang_of
    from rectify_cli.edit_add import remove_task
    from rectify_cli.files import resolve_root
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.adding import written_diff, written_line

    if lang is not None:
        language(lang, "zh")
    folder = single_spec(ledger, "remove")
    try:
        task, done = remove_task(folder, task_id, dry_run=dry_run)
    except WriteRefused as exc:
        if exc.remedy is None:
            raise
        raise WriteRefused(exc.message + remedy_hint(exc.remedy)) from None
    lang_ = language(lang, ledger_lang_of(resolve_root(folder)))
    if dry_run:
        write(written_diff(done))
        dry_run_note(lang_)
        return
    write(written_line("remove.task", done, task.id, task.title, lang_))
