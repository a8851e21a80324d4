"""Options every command shares, and the small glue between options and the core."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from rectify_cli.errors import RectifyError, Remedy, UsageError
from rectify_cli.i18n import Lang, joined, say
from rectify_cli.records import Ledger
from rectify_cli.render import TEXT_FORMATS, OutputFormat


def parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            say(
                '{option}: invalid date "{value}"; write dates as 2025-09-30',
                "{option}：日期“{value}”无效；日期请写成 2025-09-30",
                option=option,
                value=value,
            )
        ) from None


def remedy_hint(remedy: Remedy) -> str:
    """The remedy the core names, in the commands and flags of rectify."""
    match remedy:
        case Remedy.ADD_EVIDENCE:
            return say("; add --evidence FILE", "，请加 --evidence 文件")
        case Remedy.GIVE_DATE:
            return say("; pass --date", "；请用 --date 指定")
        case Remedy.REOPEN:
            return say(
                "; reopening it needs --reopen and a --note saying why",
                "；重新打开须加 --reopen，并用 --note 说明原因",
            )
        case Remedy.ADD_ASPECT:
            return say(
                "; create it first with rectify aspect add --id ID --name NAME",
                "；请先用 rectify aspect add --id 编号 --name 名称 添加",
            )
        case Remedy.CANCEL:
            return say(
                "; cancel it instead (rectify cancel)",
                "；请改为撤销（rectify cancel）",
            )


AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help="Judge dates as of this day (2025-09-30) [default: today]."
    ),
]
FormatOpt = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format [default: table on a terminal, md when piped].",
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option("--lang", metavar="zh|en", help="Label language [default: the ledger's]."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace existing files.")]
NoColorOpt = Annotated[
    bool, typer.Option("--no-color", help="No colour (also: the NO_COLOR variable).")
]


def as_of_date(value: str | None) -> dt.date:
    return parse_date(value, "--as-of") if value else dt.date.today()


def ledger_lang(ledger: Ledger, value: str | None) -> Lang:
    return chosen_lang(ledger.meta.lang, value)


def chosen_lang(own: Lang, value: str | None) -> Lang:
    """--lang when given, else the ledger's own language."""
    if value is None:
        return own
    if value not in ("zh", "en"):
        raise UsageError(
            say(
                '--lang: "{value}" is not a language rectify speaks; use zh or en',
                "--lang：不支持“{value}”，请用 zh 或 en",
                value=value,
            )
        )
    return "zh" if value == "zh" else "en"


def output_format(
    value: OutputFormat | None, allowed: Sequence[OutputFormat] = TEXT_FORMATS
) -> OutputFormat:
    """The --format asked for, or table on a terminal and md when piped; a format the
    command does not write (html for `list`) is a usage error, never silently nothing."""
    if value is None:
        return OutputFormat.TABLE if sys.stdout.isatty() else OutputFormat.MD
    if value not in allowed:
        *first, last = [f.value for f in allowed]
        choices = (
            say("{first} or {last}", "{first} 或 {last}", first=joined(first), last=last)
            if first
            else last
        )
        raise UsageError(
            say(
                "--format {value}: this command writes {choices}",
                "--format {value}：此命令只能输出 {choices}",
                value=value.value,
                choices=choices,
            )
        )
    return value


def write(text: str) -> None:
    """Output on stdout.  CSV is data, written as the ledger holds it; on a terminal its
    cells are shown with their controls escaped (docs/commands.md, "Control characters")."""
    if sys.stdout.isatty():
        from rectify_cli.render.data import CsvText, csv_on_terminal

        if isinstance(text, CsvText):
            text = csv_on_terminal(text)
    sys.stdout.write(text)


def tell(text: str) -> None:
    """A message on stderr, on one line: it quotes ids, names, cells and paths, whose
    controls and line breaks are shown as escapes, never obeyed (render.text.escaped)."""
    from rectify_cli.render.text import escaped

    sys.stderr.write(escaped(text) + "\n")


def print_rich(renderable: object, *, no_color: bool = False) -> None:
    from rectify_cli.render.terminal import console

    console(no_color=no_color).print(renderable)


def make_out_dir(path: Path) -> None:
    """The folder `--out` names for several files, made if missing."""
    if path.exists() and not path.is_dir():
        raise UsageError(
            say(
                "--out: {path} is a file; give a folder for the notices",
                "--out：{path} 是文件；请指定存放预警督办单的文件夹",
                path=path,
            )
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RectifyError(
            say(
                "--out: cannot create folder {path}: {why}",
                "--out：无法创建文件夹 {path}：{why}",
                path=path,
                why=exc.strerror or exc,
            )
        ) from None
