from __future__ import annotations

from typing import Annotated

import typer

from rectify_cli.query import rows
from rectify_cli.render import OutputFormat

from .app import app
from .common import (
    AsOfOpt,
    FormatOpt,
    LangOpt,
    NoColorOpt,
    as_of_date,
    ledger_lang,
    output_format,
    print_rich,
    write,
)
from .many import LedgersOpt, finish, load_ledgers


@app.command("show")
def show(
    task_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Task id, e.g. T01; LEDGER:T01 picks one of several ledgers."
        ),
    ],
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Show one task in full, its log included."""
    ledgers = load_ledgers(ledger)
    book, task = ledgers.find_task(task_id)
    led = book.ledger
    row = next(r for r in rows(led, as_of_date(as_of)) if r.task.id == task.id)
    language = ledger_lang(led, lang)
    match output_format(fmt):
        case OutputFormat.JSON:
            from rectify_cli.render.data import task_record, to_json

            write(to_json(task_record(row)))
        case OutputFormat.CSV:
            from rectify_cli.render.data import tasks_csv

            write(tasks_csv([row]))
        case OutputFormat.MD:
            from rectify_cli.render.markdown import task_detail

            write(task_detail(row, led, language))
        case OutputFormat.TABLE:
            from rectify_cli.render.terminal import task_detail as rich_detail

            print_rich(rich_detail(row, led, language), no_color=no_color)
    finish(ledgers)
