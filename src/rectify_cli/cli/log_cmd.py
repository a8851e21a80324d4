from __future__ import annotations

from typing import Annotated

import typer

from rectify_cli.history import log_rows, log_rows_many
from rectify_cli.render import OutputFormat

from .app import app
from .common import (
    FormatOpt,
    LangOpt,
    NoColorOpt,
    output_format,
    parse_date,
    print_rich,
    write,
)
from .many import LedgersOpt, StrictOpt, finish, language, load_ledgers


@app.command("log")
def log(
    task_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="Task id [default: every task]; LEDGER:T01 picks one of several ledgers.",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Entries on or after this date.")
    ] = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
    strict: StrictOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """The history of one task or of all, newest first: what changed, when, by whom.  With
    several ledgers, a ledger column and ids qualified where two ledgers share one."""
    since_date = parse_date(since, "--since") if since else None
    ledgers = load_ledgers(ledger, strict)
    if task_id is not None:
        book, task = ledgers.find_task(task_id)
        rows = log_rows(book.ledger, task.id, since_date)
    else:
        rows = log_rows_many([b.ledger for b in ledgers.books], since_date)
    refs = (lambda r: ledgers.ref(r.ledger, r.task_id)) if ledgers.multi else None
    language_ = language(ledgers, lang)
    match output_format(fmt):
        case OutputFormat.JSON:
            from rectify_cli.render.log import log_json

            write(log_json(rows, refs))
        case OutputFormat.CSV:
            from rectify_cli.render.log import log_csv

            write(log_csv(rows, refs))
        case OutputFormat.MD:
            from rectify_cli.render.log import log_md

            write(log_md(rows, language_, refs))
        case OutputFormat.TABLE:
            from rectify_cli.render.log import log_table

            print_rich(log_table(rows, language_, refs), no_color=no_color)
    finish(ledgers)
