from typing import Annotated

import typer

from rectify_cli.query import rows

from .app import app
from .common import (
    AsOfOpt,
    FormatOpt,
    LangOpt,
    NoColorOpt,
    as_of_date,
    emit,
    ledger_lang,
    output_format,
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
    ledgers = load_ledgers(ledger, as_of=as_of)
    book, task = ledgers.find_task(task_id)
    led = book.ledger
    row = next(r for r in rows(led, as_of_date(as_of)) if r.task.id == task.id)
    language = ledger_lang(led, lang)
    from rectify_cli.render.results import TaskDetail

    result = TaskDetail(row, led, language)
    emit(result, output_format(fmt, result.formats()), no_color=no_color)
    finish(ledgers)
