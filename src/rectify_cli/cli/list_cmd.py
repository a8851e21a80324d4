from __future__ import annotations

from typing import Annotated

import typer

from rectify_cli.query import SortKey, TaskFilter, aspect_filter, rows, sort_rows, status_filter
from rectify_cli.render import OutputFormat

from . import app
from .common import (
    AsOfOpt,
    FormatOpt,
    LangOpt,
    LedgerOpt,
    NoColorOpt,
    as_of_date,
    ledger_lang,
    load,
    output_format,
    parse_date,
    write,
)


@app.command("list")
def list_tasks(
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help="Status (repeatable): not_started 未启动, in_progress 推进中, "
            "done 已完成, closed 已销号, or pending (not yet done).",
        ),
    ] = None,
    aspect: Annotated[
        list[str] | None, typer.Option("--aspect", "-a", help="Aspect id or name (repeatable).")
    ] = None,
    lead: Annotated[
        str | None, typer.Option("--lead", help="Lead department contains this text.")
    ] = None,
    due_before: Annotated[
        str | None, typer.Option("--due-before", metavar="DATE", help="Deadline before this date.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Text in id, title, measures, notes, lead or partners."),
    ] = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="Sort by.")] = SortKey.ID,
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgerOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List tasks, with filters; all tasks when no filter is given."""
    led = load(ledger)
    flt = TaskFilter(
        statuses=status_filter(status or []),
        aspects=aspect_filter(led, aspect or []),
        lead=lead,
        due_before=parse_date(due_before, "--due-before") if due_before else None,
        search=search,
    )
    found = sort_rows(rows(led, as_of_date(as_of), flt), sort, reverse)
    language = ledger_lang(led, lang)
    match output_format(fmt):
        case OutputFormat.JSON:
            from rectify_cli.render.data import tasks_json

            write(tasks_json(found))
        case OutputFormat.CSV:
            from rectify_cli.render.data import tasks_csv

            write(tasks_csv(found))
        case OutputFormat.MD:
            from rectify_cli.render.markdown import tasks_table

            write(tasks_table(found, language))
        case OutputFormat.TABLE:
            from rectify_cli.render.terminal import console
            from rectify_cli.render.terminal import tasks_table as rich_table

            out = console(no_color=no_color)
            out.print(rich_table(found, language, width=out.width))
