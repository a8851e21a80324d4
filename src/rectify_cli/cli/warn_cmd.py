from pathlib import Path
from typing import Annotated

import typer

from rectify_cli.errors import EXIT_FOUND, UsageError
from rectify_cli.i18n import say
from rectify_cli.outputs import is_stdout
from rectify_cli.render import OutputFormat
from rectify_cli.schedule import DEFAULT_DAYS, Level
from rectify_cli.warn import (
    DEFAULT_REPLY_DAYS,
    find,
)

from .app import app
from .common import (
    AsOfOpt,
    ForceOpt,
    FormatOpt,
    LangOpt,
    NoColorOpt,
    as_of_date,
    choices_of,
    emit,
    ledger_lang,
    output_format,
)
from .many import LedgersOpt, StrictOpt, finish, has_cases, load_ledgers, warn_many_cmd
from .many import language as ledgers_lang


def _check_options(
    days: int,
    tolerance: float | None,
    stale_days: int | None,
    reply_days: int,
    notice: bool,
    out: Path | None,
    fmt: OutputFormat | None,
    issued_by: str | None,
) -> None:
    _check_issued_by(issued_by, notice)
    if days < 0:
        raise UsageError(
            say(
                "--days: must be 0 (due today) or more, got {days}",
                "--days：应不小于 0（0 表示今天到期），实际为 {days}",
                days=days,
            )
        )
    if tolerance is not None and not 0 <= tolerance <= 100:
        raise UsageError(
            say(
                "--tolerance: must be between 0 and 100 points, got {tolerance:g}",
                "--tolerance：应在 0 到 100 个百分点之间，实际为 {tolerance:g}",
                tolerance=tolerance,
            )
        )
    if stale_days is not None and stale_days < 1:
        raise UsageError(
            say(
                "--stale-days: must be 1 or more, got {n}",
                "--stale-days：应不小于 1，实际为 {n}",
                n=stale_days,
            )
        )
    if reply_days < 0:
        raise UsageError(
            say(
                "--reply-days: must be 0 or more, got {n}",
                "--reply-days：应不小于 0，实际为 {n}",
                n=reply_days,
            )
        )
    if out is not None and not notice:
        raise UsageError(
            say(
                "--out: writes warning notices; add --notice",
                "--out 用于写入预警督办单，请加 --notice",
            )
        )
    if notice:
        # Imported for --notice alone: the notices' renderer loads report.py and what it
        # needs, ~20 ms a plain `warn` never uses.
        from rectify_cli.render.notices import SUFFIXES as NOTICE_FORMATS

        if fmt not in (None, *NOTICE_FORMATS):
            raise UsageError(
                say(
                    "--format {fmt}: a warning notice is md, docx, html or pdf",
                    "--format {fmt}：预警督办单只能输出 md、docx、html 或 pdf",
                    fmt=fmt,
                )
            )
    if fmt in (OutputFormat.DOCX, OutputFormat.PDF) and not notice:
        raise UsageError(
            say(
                "--format {fmt}: writes warning notices; add --notice",
                "--format {fmt} 用于写入预警督办单，请加 --notice",
                fmt=fmt,
            )
        )
    if fmt is OutputFormat.DOCX and (out is None or is_stdout(out)):
        raise UsageError(say("docx needs --out DIR", "输出 docx 须加 --out 目录"))
    if fmt is OutputFormat.PDF and (out is None or is_stdout(out)):
        raise UsageError(
            say("pdf needs --out DIR or FILE.pdf", "输出 pdf 须加 --out 目录或 FILE.pdf")
        )


def _check_issued_by(issued_by: str | None, notice: bool) -> None:
    """--issued-by names the office that signs the notices: with --notice, not blank, and
    text a document may hold (no control characters)."""
    if issued_by is None:
        return
    if not notice:
        raise UsageError(
            say(
                "--issued-by: signs warning notices; add --notice",
                "--issued-by 用于签发预警督办单，请加 --notice",
            )
        )
    if not issued_by.strip():
        raise UsageError(
            say(
                "--issued-by: give the name of the office that sends the notices",
                "--issued-by：请写明签发督办单的单位名称",
            )
        )
    from rectify_cli.controls import control_problem

    why = control_problem(issued_by)
    if why is not None:
        raise UsageError(say("--issued-by: {why}", "--issued-by：{why}", why=why))


@app.command("warn")
def warn(
    days: Annotated[
        int,
        typer.Option(
            "--days", metavar="N", help="Due soon: the deadline is within N days (today counts)."
        ),
    ] = DEFAULT_DAYS,
    as_of: AsOfOpt = None,
    lead: Annotated[
        str | None,
        typer.Option("--lead", metavar="TEXT", help="Lead department contains this text."),
    ] = None,
    level: Annotated[
        list[str] | None,
        typer.Option(
            "--level",
            metavar="red|yellow|blue",
            help="Only this level (repeatable): red 红色, yellow 黄色, blue 蓝色.",
        ),
    ] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance",
            metavar="POINTS",
            help="Behind when progress is this many points below the time-proportional "
            "expectation [default: the ledger's, else 10].",
        ),
    ] = None,
    stale_days: Annotated[
        int | None,
        typer.Option(
            "--stale-days",
            metavar="N",
            help="Stale after N days without a log entry [default: the ledger's, else 30].",
        ),
    ] = None,
    fmt: FormatOpt = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit with 1 when any warning is found.")
    ] = False,
    notice: Annotated[
        bool,
        typer.Option(
            "--notice",
            help="Write one warning notice (预警督办单) per lead department, its tasks and "
            "petition cases: Markdown, Word with --format docx, HTML with --format html, or PDF "
            "with --format pdf.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR|FILE.html|FILE.pdf",
            help="With --notice: one file per department in DIR instead of stdout; or every "
            "notice in one HTML or PDF file (a printed page each).",
        ),
    ] = None,
    force: ForceOpt = False,
    issued_by: Annotated[
        str | None,
        typer.Option(
            "--issued-by",
            metavar="NAME",
            help="With --notice: the office that sends and signs the notices, instead of each "
            "ledger's own [default: with several ledgers, issued_by in the rollup.toml of the "
            "folder that holds them].",
        ),
    ] = None,
    reply_days: Annotated[
        int,
        typer.Option(
            "--reply-days", metavar="N", help="A notice asks for a reply within N working days."
        ),
    ] = DEFAULT_REPLY_DAYS,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
    strict: StrictOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Overdue, due-soon, behind-schedule and stale tasks, by lead department; then petition
    cases past or near their deadline.  Several ledgers: one section each."""
    _check_options(days, tolerance, stale_days, reply_days, notice, out, fmt, issued_by)
    issued_by = issued_by.strip() if issued_by is not None else None
    levels = choices_of(level, "--level", Level.parse)
    if is_stdout(out):
        out = None
    ledgers = load_ledgers(ledger, strict, as_of)
    # Notices, several ledgers and petition cases go the one way that finds cases too.
    if ledgers.multi or notice or has_cases(ledgers):
        warn_many_cmd(
            ledgers,
            as_of_date(as_of),
            days=days,
            tolerance=tolerance,
            stale_days=stale_days,
            lead=lead,
            levels=levels,
            fmt=fmt,
            exit_code=exit_code,
            notice=notice,
            out=out,
            force=force,
            reply_days=reply_days,
            issued_by=issued_by,
            lang=ledgers_lang(ledgers, lang),
            no_color=no_color,
        )
        return
    led = ledgers.single.ledger
    language = ledger_lang(led, lang)
    result = find(
        led,
        as_of_date(as_of),
        days=days,
        tolerance=tolerance,
        stale_days=stale_days,
        lead=lead,
        levels=levels,
    )
    from rectify_cli.render.results import Warnings

    shown = Warnings(result, language)
    emit(shown, output_format(fmt, shown.formats()), no_color=no_color)
    finish(ledgers)
    if exit_code and result.warnings:
        raise SystemExit(EXIT_FOUND)
