from pathlib import Path
from typing import Annotated

import typer

from rectify_cli.errors import UsageError
from rectify_cli.i18n import joined, say
from rectify_cli.render import OutputFormat
from rectify_cli.report import build_report

from .app import app
from .common import (
    AsOfOpt,
    ForceOpt,
    FormatOpt,
    LangOpt,
    NoColorOpt,
    as_of_date,
    binary_out,
    emit,
    ledger_lang,
    output_format,
    parse_date,
)
from .many import LedgersOpt, StrictOpt, finish, language, load_ledgers, report_many


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
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Write the report to FILE instead of stdout (an existing one only with "
            "--force); the format follows its suffix (.html, .docx, .pdf, .md, .json) unless "
            "--format says.",
        ),
    ] = None,
    force: ForceOpt = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Add what the logs and readings prove changed since DATE (the last report).",
        ),
    ] = None,
    summary_only: Annotated[
        bool,
        typer.Option("--summary-only", help="Only the roll-up table over the ledgers."),
    ] = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
    strict: StrictOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Progress report in the form of the published notice: headline, progress per aspect,
    open tasks, indicators, warnings; as a web page (html), Word document (docx) or PDF too.
    Several ledgers: a roll-up table (one row each) and the total first, then each report."""
    chosen = _choose_format(fmt, out)
    since_date = parse_date(since, "--since") if since else None
    ledgers = load_ledgers(ledger, strict, as_of)
    if ledgers.multi or summary_only:
        report_many(
            ledgers,
            chosen,
            as_of_date(as_of),
            lang=language(ledgers, lang),
            since=since_date,
            summary_only=summary_only,
            charts=charts,
            aspect=aspect,
            out=out,
            force=force,
            no_color=no_color,
        )
        return
    from rectify_cli.report_extend import extend

    led = ledgers.single.ledger
    built = build_report(led, as_of_date(as_of), ledger_lang(led, lang), aspect)
    built = extend(built, ledgers.single, since=since_date)
    from rectify_cli.render.results import ReportResult

    shown = ReportResult(built, charts=charts)
    emit(shown, chosen, out=out, force=force, no_color=no_color, lang=built.lang)
    finish(ledgers)


_SUFFIXES = {
    ".html": OutputFormat.HTML,
    ".htm": OutputFormat.HTML,
    ".docx": OutputFormat.DOCX,
    ".pdf": OutputFormat.PDF,
    ".md": OutputFormat.MD,
    ".json": OutputFormat.JSON,
}


def _choose_format(fmt: OutputFormat | None, out: Path | None) -> OutputFormat:
    """--format, else the --out file's suffix, else table on a terminal and md when piped;
    refused before the ledger is read, so a wrong option costs nothing."""
    if fmt is None and out is not None:
        suffix = out.suffix.lower()
        if suffix and suffix not in _SUFFIXES:
            # A report.pdf that holds Markdown would open as a broken file weeks later.
            raise UsageError(
                say(
                    "--out {name}: rectify writes a report as {known}; or say which with --format",
                    "--out {name}：报告只能写成 {known}；或用 --format 指定格式",
                    name=out.name,
                    known=joined(_SUFFIXES),
                )
            )
        fmt = _SUFFIXES.get(suffix, OutputFormat.MD)
    chosen = output_format(fmt, allowed=tuple(OutputFormat))
    if chosen is OutputFormat.CSV:
        raise UsageError(
            say(
                "--format csv: a report has several tables; use table, md, html, docx, pdf or json",
                "--format csv：报告包含多张表格，请用 table、md、html、docx、pdf 或 json",
            )
        )
    if chosen is OutputFormat.TABLE and out is not None:
        raise UsageError(
            say(
                "--out: a table is for the terminal; use --format md, html, docx, pdf or json",
                "--out：table 格式只用于终端显示，请用 --format md、html、docx、pdf 或 json",
            )
        )
    binary_out(chosen, out)
    return chosen
