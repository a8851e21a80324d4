"""Options every command shares, and the small glue between options and the core."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from rectify_cli.errors import RectifyError, Remedy, UsageError
from rectify_cli.i18n import Lang, joined, say
from rectify_cli.records import Ledger
from rectify_cli.render import BINARY_FORMATS, TEXT_FORMATS, OutputFormat

if TYPE_CHECKING:
    from rectify_cli.render.results import Result

T = TypeVar("T")

# Here, not in many.py beside the several-ledger glue: a write that takes one ledger does
# not load the roll-up's modules to declare its option.
LedgersOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--ledger",
        "-l",
        metavar="DIR",
        help="Ledger folder; repeat it, or give a pattern such as 'counties/*', to roll several "
        "up [default: $RECTIFY_LEDGER (several joined by the path separator, : or ;), "
        "else ./data].",
    ),
]


def parse_date(value: str, option: str, *, period_end: bool = False) -> dt.date:
    """A date option as people type it, read by the one reader `import` uses for dates in
    a sheet (cells.date_text): 2025-10-10, 2025/10/10, 2025.10.10, 2025年10月10日, full-width
    digits too.  `period_end` (a deadline) also takes 2025年底前 or 2025年三季度, as a
    deadline cell does; any other date option is one day, never a guessed one."""
    from rectify_cli.cells import CellError, date_text

    try:
        return date_text(value, day_only=not period_end)
    except CellError:
        raise UsageError(
            say(
                '{option}: invalid date "{value}"; write dates as 2025-09-30',
                "{option}：日期“{value}”无效；日期请写成 2025-09-30",
                option=option,
                value=value,
            )
        ) from None


def entry_date(value: str | None, option: str = "--date") -> dt.date:
    """The day a write records (a log entry, a reading): today, or the day typed, never one
    still to come.  `rectify check` counts an entry dated after today as a problem, so there
    is no switch to write one: the sentence says what such a date is usually meant as."""
    today = dt.date.today()
    if not value:
        return today
    day = parse_date(value, option)
    if day > today:
        raise UsageError(
            say(
                "{option} {day} is after today ({today}): a log records what has happened, so "
                "record it on that day (a day planned ahead is a deadline; if today is not "
                "{today}, the computer's clock is wrong)",
                "{option} {day} 晚于今天（{today}）：记录只记已经发生的事，请到当天再记"
                "（计划中的日子是整改时限；如果今天不是 {today}，请校正电脑的时钟）",
                option=option,
                day=day,
                today=today,
            )
        )
    return day


def choices_of(
    values: Sequence[str] | None, option: str, parse: Callable[[str], T]
) -> frozenset[T] | None:
    """Repeated option values read by the core's own reader of that kind of word (a level,
    a health: in either language); None when none was given."""
    chosen = {choice_of(value, option, parse) for value in values or ()}
    return frozenset(chosen) if chosen else None


def choice_of(value: str, option: str, parse: Callable[[str], T]) -> T:
    """One option value read by the core's reader of its kind of word; its ValueError as
    a usage error naming the option."""
    try:
        return parse(value)
    except ValueError as exc:
        raise UsageError(
            say("{option}: {why}", "{option}：{why}", option=option, why=exc)
        ) from None


def remedy_hint(remedy: Remedy, reason: str = "--note") -> str:
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
        case Remedy.POSTPONE:
            return say(
                "; use rectify postpone ID --to DATE --reason WHY",
                "；请用 rectify postpone 编号 --to 日期 --reason 理由",
            )
        case Remedy.GIVE_REASON:
            return say("; give it with {option} WHY", "，请用 {option} 说明", option=reason)
        case Remedy.DROP:
            return say(
                "; use rectify cancel ID --note WHY, or rectify fold ID --into TARGET --note WHY",
                "；请用 rectify cancel 编号 --note 理由，或 rectify fold 编号 --into 目标 --note 理由",
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


def binary_out(fmt: OutputFormat, out: Path | None) -> None:
    """A document drawn as bytes (docx, pdf) goes into --out FILE; `--out -` sends it to
    stdout only when that is redirected to a file or a pipe, never onto a terminal, where
    its bytes would be noise (and could be read as terminal commands)."""
    if fmt not in BINARY_FORMATS:
        return
    if out is None:
        raise UsageError(say("{fmt} needs --out FILE", "输出 {fmt} 须加 --out 文件", fmt=fmt.value))
    from rectify_cli.outputs import is_stdout

    if is_stdout(out) and sys.stdout.isatty():
        raise UsageError(
            say(
                "--out -: a {fmt} file is binary and stdout is a terminal; name a file, or "
                "redirect stdout (> report.{fmt})",
                "--out -：{fmt} 是二进制文件，而标准输出是终端；请指定文件，或重定向标准输出"
                "（> report.{fmt}）",
                fmt=fmt.value,
            )
        )


def emit(
    result: Result,
    fmt: OutputFormat,
    *,
    out: Path | None = None,
    force: bool = False,
    no_color: bool = False,
    lang: Lang = "zh",
) -> None:
    """Where every reading command's answer goes: drawn by the result's own renderer for
    the format, on the terminal, on stdout, or into --out by the rule of every output file
    (outputs.py: written whole, an existing file only with --force, `-` written through)."""
    if fmt is OutputFormat.TABLE:
        from rectify_cli.render.terminal import console

        term = console(no_color=no_color)
        term.print(result.view(term.width))
        return
    drawn = result.draw(fmt)
    if out is None:
        if isinstance(drawn, str):
            write(drawn)
        else:
            assert not isinstance(drawn, bytes)  # refused without --out (binary_out)
            for part in drawn:
                write(part)
        return
    from rectify_cli.files import display_path
    from rectify_cli.i18n import label
    from rectify_cli.outputs import is_stdout, write_bytes

    if isinstance(drawn, bytes):
        data = drawn
    elif isinstance(drawn, str):
        data = drawn.encode("utf-8")
    else:  # parts, in text or in UTF-8 already
        data = b"".join(p if isinstance(p, bytes) else p.encode("utf-8") for p in drawn)
    write_bytes(out, data, force=force)
    if not is_stdout(out):
        tell(label(result.written, lang, path=display_path(out)))


def write(text: str | bytes) -> None:
    """Output on stdout.  CSV is data, written as the ledger holds it; on a terminal its
    cells are shown with their controls escaped (docs/commands.md, "Control characters").
    Text in UTF-8 already (JSON's parts) goes to stdout's bytes, after any text before it."""
    if isinstance(text, bytes):
        out = getattr(sys.stdout, "buffer", None)  # a stream without one takes text
        if out is None:
            sys.stdout.write(text.decode("utf-8"))
        else:
            sys.stdout.flush()
            out.write(text)
        return
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
