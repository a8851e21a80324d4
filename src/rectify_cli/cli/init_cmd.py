from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rectify_cli.files import display_path
from rectify_cli.i18n import label, speak
from rectify_cli.scaffold import init_ledger

from .app import app
from .common import chosen_lang, tell


@app.command("init")
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The new ledger folder.")],
    title: Annotated[
        str, typer.Option("--title", help="The ledger's title (the plan's name).")
    ] = "整改台账",
    lang: Annotated[
        str, typer.Option("--lang", metavar="zh|en", help="Label language of the new ledger.")
    ] = "zh",
) -> None:
    """Create a new ledger folder with commented example files and editor schemas."""
    language = chosen_lang("zh", lang)
    # Everything init says is in the language of the ledger it makes, as its last line is.
    speak(language)
    made = init_ledger(folder, title, language)
    if made.completed:
        files = label("warn.list_sep", language).join(display_path(p) for p in made.written)
        done = label("init.completed", language, root=display_path(made.root), files=files)
    else:
        done = label("init.done", language, root=display_path(made.root))
    tell(done)
