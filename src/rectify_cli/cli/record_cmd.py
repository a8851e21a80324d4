from typing import Annotated

import typer

from .app import app
from .common import LangOpt, entry_date, write
from .many import LedgersOpt
from .update_cmd import DryRunOpt, dry_run_note, language


@app.command("record")
def record(
    indicator_id: Annotated[
        str, typer.Argument(metavar="INDICATOR", help="Indicator id, e.g. pm25.")
    ],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value, e.g. 29 or 3.67.")],
    period: Annotated[
        str,
        typer.Option("--period", metavar="PERIOD", help="What the value covers, e.g. 2025-10."),
    ],
    change: Annotated[
        str | None,
        typer.Option(
            "--change",
            metavar="NUMBER",
            help="Published change vs the comparison period, signed (-16.7).",
        ),
    ] = None,
    rank: Annotated[
        int | None, typer.Option("--rank", metavar="N", help="Published rank (1 is best).")
    ] = None,
    change_rank: Annotated[
        int | None, typer.Option("--change-rank", metavar="N", help="Published rank of the change.")
    ] = None,
    correct: Annotated[
        bool,
        typer.Option("--correct", help="Replace the value of the current period (a correction)."),
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help="The day the value is recorded [default: today]."
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Record an indicator's new value; the previous reading moves to its history."""
    from rectify_cli.edit import parse_number, record_reading
    from rectify_cli.edit_rules import NewReading
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.log import record_summary
    from rectify_cli.render.text import visible_lines

    if lang is not None:
        language(lang, "zh")  # a wrong --lang is refused before the ledger is written
    folder = single_spec(ledger, "record")

    new = NewReading(
        value=parse_number(value, "VALUE"),
        period=period,
        correct=correct,
        change=parse_number(change, "--change") if change is not None else None,
        rank=rank,
        change_rank=change_rank,
        recorded=entry_date(date),
    )
    outcome = record_reading(folder, indicator_id, new, dry_run=dry_run)
    lang_ = language(lang, outcome.lang)
    if dry_run and outcome.changed:
        write(visible_lines(outcome.diff()))
        dry_run_note(lang_)
        return
    write(record_summary(outcome, lang_))
