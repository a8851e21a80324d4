from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from rectify_cli.errors import UsageError
from rectify_cli.files import display_path
from rectify_cli.i18n import label, say
from rectify_cli.outputs import is_stdout, write_files

from .app import app
from .common import AsOfOpt, ForceOpt, LangOpt, as_of_date, ledger_lang, tell
from .many import LedgersOpt


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


def csv_paths(out: Path) -> dict[str, Path]:
    """tasks → FILE, and each other sheet beside it: log → FILE-log.csv, indicators →
    FILE-indicators.csv, … (the companions `sheets.read_tables` reads back)."""
    from rectify_cli.sheets import CSV_COMPANIONS

    suffix = out.suffix or ".csv"
    return {"tasks": out} | {
        key: out.with_name(f"{out.stem}-{name}{suffix}") for key, name in CSV_COMPANIONS.items()
    }


@app.command("export")
def export(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="FILE", help="The file to write (台账.xlsx)."),
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="xlsx (one workbook) or csv (FILE, FILE-log.csv, FILE-indicators.csv, "
            "FILE-ledger.csv, …) [default: from FILE's suffix].",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Write the ledger to Excel (xlsx) or CSV: tasks, their log, the indicators and their
    history, the ledger's settings and the petition cases; an import gives it back.  With
    --as-of, as they stood at the end of that day."""
    if fmt is None:
        suffix = out.suffix.lower().lstrip(".")
        if suffix not in ("xlsx", "csv"):
            raise UsageError(
                say(
                    "{out}: pass --format xlsx or --format csv (or name a .xlsx/.csv)",
                    "{out}：请加 --format xlsx 或 --format csv（或使用以 .xlsx/.csv 结尾的文件名）",
                    out=out,
                )
            )
        fmt = ExportFormat(suffix)
    if fmt is ExportFormat.CSV and is_stdout(out):
        raise UsageError(
            say(
                "--out -: a CSV export is several files; name FILE, or use --format xlsx",
                "--out -：CSV 导出包含多个文件；请指定文件名，或用 --format xlsx",
            )
        )
    from rectify_cli.ledgers import Book, Ledgers, single_spec
    from rectify_cli.store import load_ledger, load_petitions

    spec = single_spec(ledger, "export")
    day = None if as_of is None else as_of_date(as_of)
    found = Ledgers((Book(load_ledger(spec)),))
    if day is not None:
        found = found.at(day)
    led = found.single.ledger
    cases = load_petitions(spec)
    language = ledger_lang(led, lang)
    from rectify_cli.render import excel

    if fmt is ExportFormat.XLSX:
        outputs = {out: excel.workbook_bytes(led, language, cases)}
    else:
        by_key = {s.key: s for s in excel.sheets(led, language, cases)}
        # History and petitions only where there are some: an absent file reads back empty.
        outputs = {
            path: excel.csv_bytes(by_key[key], language)
            for key, path in csv_paths(out).items()
            if by_key[key].rows or key not in ("history", "petitions", "petition_log")
        }
    write_files(outputs, force=force)  # all or nothing
    if is_stdout(out):
        return
    files = label("warn.list_sep", language).join(display_path(p) for p in outputs)
    tell(
        label(
            "export.done",
            language,
            tasks=len(led.tasks),
            indicators=len(led.indicators),
            files=files,
        )
    )
    from .many import problems_notice, unproven_notice

    problems_notice([led])
    unproven_notice(found)
