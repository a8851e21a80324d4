"""`rectify petition add` and `rectify petition update`: petition cases (信访件) written as
tasks are, through the same lock, checks and atomic write (edit_petition.py)."""

from pathlib import Path
from typing import Annotated

import typer

from rectify_cli.kinds import ADDED_NOTE, Category, Finding, Handling

from .app import app
from .common import LangOpt, choice_of, entry_date, parse_date, write
from .many import LedgersOpt
from .update_cmd import BY_ENV, DryRunOpt, dry_run_note, language

petition_app = typer.Typer(
    name="petition",
    help="Add a petition case (信访件) or change one: handling, finding, dates.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(petition_app)

CaseIdArg = Annotated[str, typer.Argument(metavar="ID", help="Case id, e.g. X001.")]
HandlingOpt = Annotated[
    str | None,
    typer.Option(
        "--handling",
        "-s",
        help="Handling status: handling 办理中, stage_closed 阶段性办结, closed 已办结.",
    ),
]
FindingOpt = Annotated[
    str | None,
    typer.Option(
        "--finding", help="Finding: substantiated 属实, partly 部分属实, unsubstantiated 不属实."
    ),
]
ReceivedOpt = Annotated[
    str | None,
    typer.Option("--received", metavar="DATE", help="The day the case was handed over (交办日期)."),
]
DeadlineOpt = Annotated[
    str | None, typer.Option("--deadline", metavar="DATE", help="Deadline for handling (办理时限).")
]
ClosedOnOpt = Annotated[
    str | None,
    typer.Option(
        "--closed-on",
        metavar="DATE",
        help="Closing date (办结日期) [default: --date, when the case is closed].",
    ),
]
LeadOpt = Annotated[
    str | None, typer.Option("--lead", metavar="TEXT", help="Responsible unit (责任单位).")
]
NoteOpt = Annotated[
    str | None, typer.Option("--note", "-m", help="What happened, kept in the case's log.")
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", metavar="DATE", help="Date of the log entry [default: today]."),
]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        envvar=BY_ENV,
        show_envvar=True,
        help="Who records this, kept in the log entry [default: not recorded].",
    ),
]


@petition_app.command("add")
def add(
    case_id: CaseIdArg,
    title: Annotated[str, typer.Option("--title", "-t", help="What the petition says (信访内容).")],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="air 大气, water 水, soil 土壤, noise 噪声, solid_waste 固体废物, ecology 生态, "
            "other 其他.",
        ),
    ],
    received: ReceivedOpt = None,
    batch: Annotated[
        str | None, typer.Option("--batch", metavar="TEXT", help="Hand-over batch (交办批次).")
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", metavar="TEXT", help="County or district (属地).")
    ] = None,
    finding: FindingOpt = None,
    handling: HandlingOpt = None,
    deadline: DeadlineOpt = None,
    closed_on: ClosedOnOpt = None,
    lead: LeadOpt = None,
    note: NoteOpt = None,
    date: DateOpt = None,
    by: ByOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Add a petition case at the end of petitions.toml (made if missing), with a first log
    entry; no other line of the file changes."""
    from rectify_cli.edit_petition import add_petition
    from rectify_cli.ledgers import single_spec
    from rectify_cli.models import PetitionLogEntry
    from rectify_cli.render.log import added_summary
    from rectify_cli.render.text import visible_lines

    if lang is not None:
        language(lang, "zh")  # a wrong --lang is refused before the ledger is written
    folder = single_spec(ledger, "petition add")
    day = entry_date(date)
    status = choice_of(handling, "--handling", Handling.parse) if handling else Handling.HANDLING
    fields = {
        "id": case_id.strip(),
        "title": title.strip(),
        "received": parse_date(received, "--received") if received else day,
        "batch": batch,
        "area": area,
        "category": choice_of(category, "--category", Category.parse),
        "finding": choice_of(finding, "--finding", Finding.parse) if finding else None,
        "status": status,
        "deadline": parse_date(deadline, "--deadline", period_end=True) if deadline else None,
        "closed_on": (
            parse_date(closed_on, "--closed-on") if closed_on else (None if status.is_open else day)
        ),
        "lead": lead,
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    first = PetitionLogEntry(
        date=day,
        status=status,
        note=(note or "").strip() or _added_word(folder),
        by=by,
    )
    outcome = add_petition(folder, fields, first, dry_run=dry_run)
    lang_ = language(lang, outcome.lang)
    if dry_run:
        write(visible_lines(outcome.diff()))
        dry_run_note(lang_)
        return
    write(added_summary(outcome, lang_))


def _added_word(folder: str | Path | None) -> str:
    """The first entry's note when none is given: 新增 (added), in the ledger's language
    (the note is ledger text, not a message)."""
    from rectify_cli.edit import ledger_lang_of
    from rectify_cli.files import resolve_root

    return ADDED_NOTE["zh" if ledger_lang_of(resolve_root(folder)) == "zh" else "en"]


@petition_app.command("update")
def update(
    case_id: CaseIdArg,
    handling: HandlingOpt = None,
    finding: FindingOpt = None,
    received: ReceivedOpt = None,
    deadline: DeadlineOpt = None,
    closed_on: ClosedOnOpt = None,
    lead: LeadOpt = None,
    note: NoteOpt = None,
    date: DateOpt = None,
    by: ByOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Change a petition case and append one entry to its log; no other line of the file
    changes."""
    from rectify_cli.edit_petition import CaseUpdate, update_petition
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.log import update_summary
    from rectify_cli.render.text import visible_lines

    if lang is not None:
        language(lang, "zh")
    folder = single_spec(ledger, "petition update")
    upd = CaseUpdate(
        date=entry_date(date),
        handling=choice_of(handling, "--handling", Handling.parse) if handling else None,
        finding=choice_of(finding, "--finding", Finding.parse) if finding else None,
        received=parse_date(received, "--received") if received else None,
        deadline=parse_date(deadline, "--deadline", period_end=True) if deadline else None,
        closed_on=parse_date(closed_on, "--closed-on") if closed_on else None,
        lead=lead,
        note=note or "",
        by=by,
    )
    outcome = update_petition(folder, case_id.strip(), upd, dry_run=dry_run)
    lang_ = language(lang, outcome.lang)
    if dry_run and outcome.changed:
        write(visible_lines(outcome.diff()))
        dry_run_note(lang_)
        return
    write(update_summary(outcome, lang_))
