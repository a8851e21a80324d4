from typing import Annotated

import typer

from .app import app
from .common import LangOpt, write
from .many import LedgersOpt
from .update_cmd import DryRunOpt, dry_run_note, language

aspects = typer.Typer(help="Aspects (问题方面) of a ledger.", no_args_is_help=True)
app.add_typer(aspects, name="aspect")


@aspects.command("add")
def aspect_add(
    aspect_id: Annotated[str, typer.Option("--id", metavar="ID", help="The aspect's id, e.g. A7.")],
    name: Annotated[str, typer.Option("--name", help="The aspect's name (问题方面).")],
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Add an aspect after the last one (before the tasks when there is none); no other line
    of the file changes."""
    from rectify_cli.edit import ledger_lang_of
    from rectify_cli.edit_add import add_aspect
    from rectify_cli.files import resolve_root
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.adding import written_diff, written_line

    if lang is not None:
        language(lang, "zh")
    folder = single_spec(ledger, "aspect add")
    aspect, done = add_aspect(folder, aspect_id, name, dry_run=dry_run)
    lang_ = language(lang, ledger_lang_of(resolve_root(folder)))
    if dry_run:
        write(written_diff(done))
        dry_run_note(lang_)
        return
    write(written_line("add.aspect", done, aspect.id, aspect.name, lang_))
