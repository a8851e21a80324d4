from typing import Annotated

import typer

from rectify_cli.history import log_rows, log_rows_many

from .app import app
from .common import (
    AsOfOpt,
    FormatOpt,
    LangOpt,
    NoColorOpt,
    emit,
    output_format,
    parse_date,
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
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
    strict: StrictOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """The history of one task or of all, newest first: what changed, when, by whom.  With
    several ledgers, a ledger column and ids qualified where two ledgers share one.  With
    --as-of, the history up to that day."""
    since_date = parse_date(since, "--since") if since else None
    ledgers = load_ledgers(ledger, strict, as_of)
    if task_id is not None:
        book, task = ledgers.find_task(task_id)
        rows = log_rows(book.ledger, task.id, since_date)
    else:
        rows = log_rows_many([b.ledger for b in ledgers.books], since_date)
    refs = (lambda r: ledgers.ref(r.ledger, r.task_id)) if ledgers.multi else None
    language_ = language(ledgers, lang)
    from rectify_cli.render.results import LogResult

    result = LogResult(rows, language_, refs)
    emit(result, output_format(fmt, result.formats()), no_color=no_color)
    finish(ledgers)
