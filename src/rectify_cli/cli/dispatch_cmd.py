import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app
from .common import (
    AsOfOpt,
    ForceOpt,
    FormatOpt,
    LangOpt,
    NoColorOpt,
    as_of_date,
    emit,
    entry_date,
    ledger_lang,
    output_format,
    parse_date,
    tell,
)
from .many import LedgersOpt

if TYPE_CHECKING:
    from rectify_cli.dispatch import Round

dispatch = typer.Typer(
    help="The monthly dispatch round (调度): forms for the lead departments, read back.",
    no_args_is_help=True,
)
app.add_typer(dispatch, name="dispatch")


class FormFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", metavar="YYYY-MM", help="The round's month [default: this month]."),
]
ReplyByOpt = Annotated[
    str | None,
    typer.Option(
        "--reply-by", metavar="DATE", help="When forms are due back [default: the period's end]."
    ),
]


def _round(period: str | None, reply_by: str | None, today: dt.date) -> "Round":
    from rectify_cli.dispatch import make_round, parse_period, period_of

    chosen = parse_period(period) if period is not None else period_of(today)
    return make_round(chosen, parse_date(reply_by, "--reply-by") if reply_by else None)


@dispatch.command("forms")
def forms(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="The folder to write the forms in.")
    ],
    lead: Annotated[
        str | None,
        typer.Option("--lead", metavar="DEPT", help="Only this lead department's form."),
    ] = None,
    period: PeriodOpt = None,
    reply_by: ReplyByOpt = None,
    fmt: Annotated[
        FormFormat, typer.Option("--format", "-f", case_sensitive=False, help="xlsx or csv.")
    ] = FormFormat.XLSX,
    force: ForceOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """One fill-in form per lead department with open tasks (or the one named): its tasks
    locked, this period's progress, 进展情况, 佐证材料 and status to fill in."""
    from rectify_cli.dispatch import chosen_departments, form_name, make_form
    from rectify_cli.files import display_path
    from rectify_cli.ledgers import single_spec
    from rectify_cli.outputs import write_files
    from rectify_cli.render.dispatch_form import form_csv, form_xlsx
    from rectify_cli.render.dispatch_text import forms_made
    from rectify_cli.store import load_ledger

    led = load_ledger(single_spec(ledger, "dispatch forms"))
    ledger_lang(led, lang)
    today = dt.date.today()
    rnd = _round(period, reply_by, today)
    draw = form_csv if fmt is FormFormat.CSV else form_xlsx
    files: dict[Path, bytes] = {}
    made = []
    for dep in chosen_departments(led, lead):
        form = make_form(led, dep, rnd, today)
        path = out / form_name(form.meta, "." + fmt.value)
        files[path] = draw(form)
        made.append((display_path(path), dep, len(form.rows)))
    write_files(files, force=force)
    for line in forms_made(made):
        tell(line)


@dispatch.command("import")
def import_(
    forms: Annotated[
        list[Path], typer.Argument(metavar="FORM...", help="Returned forms (.xlsx or .csv).")
    ],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="YYYY-MM",
            help="Refuse a form of another round [default: take the form's own round].",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would change; write nothing.")
    ] = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Read returned forms back: one log entry per task a form changed, by its department,
    all in one write (undo takes it back); a form of another ledger or round, imported
    already, or with a locked cell changed is refused and nothing is written."""
    from rectify_cli.dispatch import parse_period
    from rectify_cli.dispatch_import import import_forms
    from rectify_cli.i18n import label, say
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.dispatch_text import imported_lines
    from rectify_cli.store import load_ledger

    spec = single_spec(ledger, "dispatch import")
    language = ledger_lang(load_ledger(spec), lang)
    chosen = parse_period(period) if period is not None else None
    done = import_forms(spec, forms, period=chosen, today=entry_date(None), dry_run=dry_run)
    for line in imported_lines(done, language):
        tell(line)
    if done.written is None:
        tell(say("Nothing to import.", "没有需要导入的内容。"))
    elif dry_run:
        tell(label("import.dry_run", language))
    else:
        tell(label("import.done", language, path=done.written.shown))


@dispatch.command("status")
def status(
    period: PeriodOpt = None,
    reply_by: ReplyByOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Which departments have returned the round's forms (read from the log: entries by the
    lead department within the round), which are late, and which tasks are unreported."""
    from rectify_cli.dispatch import round_status
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.dispatch_text import RoundStatusResult
    from rectify_cli.store import load_ledger

    chosen = output_format(fmt, RoundStatusResult.formats())
    led = load_ledger(single_spec(ledger, "dispatch status"))
    day = as_of_date(as_of)
    found = round_status(led, _round(period, reply_by, day), day)
    emit(RoundStatusResult(found, ledger_lang(led, lang)), chosen, no_color=no_color)
