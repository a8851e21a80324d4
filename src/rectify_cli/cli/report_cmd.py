from __future__ import annotations

from typing import Annotated

import typer

from rectify_cli.errors import UsageError
from rectify_cli.render import OutputFormat
from rectify_cli.report import build_report

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
    write,
)


@app.command("report")
def report(
    aspect: Annotated[
        str | None, typer.Option("--aspect", "-a", help="Report on one aspect (id or name).")
    ] = None,
    charts: Annotated[
        bool,
        typer.Option(
            "--charts", help="Add Mermaid charts (task status, completion per aspect) to Markdown."
        ),
    ] = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgerOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Progress report in the form of the published notice: headline, progress per aspect,
    open tasks, indicators, warnings."""
    led = load(ledger)
    built = build_report(led, as_of_date(as_of), ledger_lang(led, lang), aspect)
    match output_format(fmt):
        case OutputFormat.JSON:
            from rectify_cli.render.report_json import report_json

            write(report_json(built))
        case OutputFormat.MD:
            from rectify_cli.render.report_md import report_markdown

            write(report_markdown(built, charts=charts))
        case OutputFormat.TABLE:
            from rectify_cli.render.report_terminal import report_renderable
            from rectify_cli.render.terminal import console

            out = console(no_color=no_color)
            out.print(report_renderable(built, width=out.width))
        case OutputFormat.CSV:
            raise UsageError("--format csv: a report has several tables; use md, table or json")
