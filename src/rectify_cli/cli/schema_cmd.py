from pathlib import Path
from typing import Annotated

import typer

from rectify_cli.errors import UsageError
from rectify_cli.files import display_path
from rectify_cli.i18n import label, say, spoken
from rectify_cli.schema import SCHEMA_FILES, Which, schema_text

from .app import app
from .common import ForceOpt, LangOpt, chosen_lang, tell, write


@app.command("schema")
def schema(
    which: Annotated[
        str | None,
        typer.Argument(
            metavar="[tasks|indicators|petitions]",
            help="One file's schema; all (as keys `tasks`, `indicators` and `petitions`) when "
            "left out.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Write tasks.schema.json, indicators.schema.json and petitions.schema.json "
            "into DIR instead.",
        ),
    ] = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
) -> None:
    """Print the JSON Schema of tasks.toml, indicators.toml and petitions.toml, for editors."""
    language = chosen_lang(spoken(), lang)  # a wrong --lang is refused before any write
    chosen: Which | None = None
    if which is not None:
        key = which.strip().lower().removesuffix(".toml")
        chosen = next((w for w in SCHEMA_FILES if w == key), None)
        if chosen is None:
            raise UsageError(
                say(
                    '"{which}" is not a ledger file; use tasks, indicators or petitions',
                    "“{which}”不是台账文件，请用 tasks、indicators 或 petitions",
                    which=which,
                )
            )
    from rectify_cli.outputs import is_stdout

    if out is None or is_stdout(out):
        write(schema_text(chosen))
        return
    if chosen is not None:
        raise UsageError(
            say(
                "--out writes every schema; leave out tasks|indicators|petitions",
                "--out 会写入全部 JSON Schema 文件，请去掉 tasks|indicators|petitions",
            )
        )
    from rectify_cli.scaffold import write_schemas

    written = write_schemas(out, force=force)
    files = label("warn.list_sep", language).join(display_path(p) for p in written)
    tell(label("schema.done", language, files=files))
