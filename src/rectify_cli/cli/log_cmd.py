from __future__ import annotations

from typing import Annotated

import typer

from rectify_cli.history import log_rows
from rectify_cli.render import OutputFormat

from . import app
from .common import (
    FormatOpt,
    LangOpt,
    LedgerOpt,
    NoColorOpt,
    ledger_lang,
    load,
    output_format,
    parse_date,
    print_rich,
    write,
)


@app.command("log")
def log(
    task_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Task id [default: every task].")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Entries on or after this date.")
    ] = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgerOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """The history of one task or of all, newest first: what changed, when, by whom."""
    led = load(ledger)
    rows = log_rows(led, task_id, parse_date(since, "--since") if since else None)
    language = ledger_lang(led, lang)
    match output_format(fmt):
        case OutputFormat.JSON:
            from rectify_cli.render.log import log_json

            write(log_json(rows))
        case OutputFormat.CSV:
            from rectify_cli.render.log import log_csv

            write(log_csv(rows))
        case OutputFormat.MD:
            from rectify_cli.render.log import log_md

            write(log_md(rows, language))
        case OutputFormat.TABLE:
            from rectify_cli.render.log import log_table

            print_rich(log_table(rows, language), no_color=no_color)
