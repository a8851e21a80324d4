from pathlib import Path
from typing import Annotated

import typer
from typer._click.core import ParameterSource

from rectify_cli.errors import UsageError
from rectify_cli.files import display_path
from rectify_cli.i18n import label, say, speak
from rectify_cli.scaffold import init_ledger, write_sample

from .app import app
from .common import chosen_lang, tell


@app.command("init")
def init(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The new ledger folder.")],
    title: Annotated[
        str, typer.Option("--title", help="The ledger's title (the plan's name).")
    ] = "整改台账",
    lang: Annotated[
        str, typer.Option("--lang", metavar="zh|en", help="Label language of the new ledger.")
    ] = "zh",
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help="Write the Binzhou sample ledger (shipped with rectify) into DIR instead.",
        ),
    ] = False,
) -> None:
    """Create a new ledger folder with commented example files and editor schemas."""
    language = chosen_lang("zh", lang)
    # Everything init says is in the language of the ledger it makes, as its last line is;
    # the sample is in Chinese, and --lang words only what init says about it.
    speak(language)
    if sample:
        if ctx.get_parameter_source("title") is not ParameterSource.DEFAULT:
            raise UsageError(
                say(
                    "--title: the sample keeps its own title; leave out --title or --sample",
                    "--title：示例台账有自己的标题；请去掉 --title 或 --sample",
                )
            )
        made = write_sample(folder)
        key = "init.sample_completed" if made.completed else "init.sample"
    else:
        made = init_ledger(folder, title, language)
        key = "init.completed" if made.completed else "init.done"
    # The sample's files are named as they are in every ledger; init's, with their folder.
    shown = [p.name if sample else display_path(p) for p in made.written]
    files = label("warn.list_sep", language).join(shown)
    tell(label(key, language, root=display_path(made.root), files=files))
