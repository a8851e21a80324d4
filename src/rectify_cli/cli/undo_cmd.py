from typing import Annotated

import typer

from .app import app
from .common import LangOpt, write
from .many import LedgersOpt
from .update_cmd import DryRunOpt, dry_run_note, language


@app.command("undo")
def undo(
    steps: Annotated[
        int,
        typer.Option(
            "--steps",
            "-n",
            min=1,
            metavar="N",
            help="How many writes to undo, the newest first.",
        ),
    ] = 1,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Undo the last write rectify made to the ledger (update, record, import, ...),
    printing its diff; run again, it goes one write further back."""
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.text import visible_lines
    from rectify_cli.render.undo_text import undo_summary
    from rectify_cli.undo import undo as undo_writes

    if lang is not None:
        language(lang, "zh")  # a wrong --lang is refused before the ledger is written
    done = undo_writes(single_spec(ledger, "undo"), steps, dry_run=dry_run)
    lang_ = language(lang, done.lang)
    for change in done.files:
        write(visible_lines(change.diff()))
    if dry_run:
        dry_run_note(lang_)
        return
    write(undo_summary(done, lang_))
