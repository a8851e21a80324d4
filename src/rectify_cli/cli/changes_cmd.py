from typing import Annotated

import typer

from rectify_cli.errors import UsageError
from rectify_cli.i18n import say
from rectify_cli.render import OutputFormat
from rectify_cli.render.results import ChangesResult

from .app import app
from .common import (
    AsOfOpt,
    FormatOpt,
    LangOpt,
    NoColorOpt,
    as_of_date,
    emit,
    output_format,
    parse_date,
)
from .many import LedgersOpt, StrictOpt, finish, language, load_ledgers, refs_of


@app.command("changes")
def changes(
    since: Annotated[
        str,
        typer.Option("--since", metavar="DATE", help="From this day (the last report), included."),
    ],
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
    strict: StrictOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Every event the logs and indicator readings prove since DATE, in date order: tasks
    added, completed, signed off, reopened, cancelled, merged or postponed, progress moved,
    evidence added, new readings, petition cases closed; then the tasks now overdue or behind.
    Nothing without a record behind it."""
    from rectify_cli.rollup import changes_many

    start = parse_date(since, "--since")
    if fmt is OutputFormat.CSV:
        raise UsageError(
            say(
                "--format csv: the changes are several tables; use md, table or json",
                "--format csv：变化情况包含多张表格，请用 md、table 或 json",
            )
        )
    chosen = output_format(fmt, ChangesResult.formats())
    ledgers = load_ledgers(ledger, strict, as_of)
    found = changes_many(ledgers, start, as_of_date(as_of))
    refs = refs_of(ledgers)
    chosen_lang = language(ledgers, lang)
    result = ChangesResult(found, chosen_lang, refs, ledgers.multi)
    emit(result, chosen, no_color=no_color)
    finish(ledgers)
