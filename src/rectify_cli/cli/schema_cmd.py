from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from rectify_cli.errors import UsageError
from rectify_cli.i18n import label
from rectify_cli.schema import schema_text
from rectify_cli.store import _display

from . import app
from .common import LangOpt, write


@app.command("schema")
def schema(
    which: Annotated[
        str | None,
        typer.Argument(
            metavar="[tasks|indicators]",
            help="One file's schema; both (as keys `tasks` and `indicators`) when left out.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Write tasks.schema.json and indicators.schema.json into DIR instead.",
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Print the JSON Schema of tasks.toml and indicators.toml, for editors."""
    chosen: Literal["tasks", "indicators"] | None = None
    if which is not None:
        key = which.strip().lower().removesuffix(".toml")
        if key not in ("tasks", "indicators"):
            raise UsageError(f'"{which}" is not a ledger file; use tasks or indicators')
        chosen = "tasks" if key == "tasks" else "indicators"
    if out is None:
        write(schema_text(chosen))
        return
    if chosen is not None:
        raise UsageError("--out writes both schemas; leave out tasks|indicators")
    from rectify_cli.scaffold import write_schemas

    written = write_schemas(out)
    files = ", ".join(_display(p) for p in written)
    sys.stderr.write(label("schema.done", "en" if lang == "en" else "zh", files=files) + "\n")
