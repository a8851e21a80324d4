import datetime as dt
import sys
from typing import Annotated

import typer

from rectify_cli.errors import UsageError, WriteRefused
from rectify_cli.i18n import say

from .app import app
from .common import LangOpt, parse_date, remedy_hint, write
from .many import LedgersOpt
from .update_cmd import BY_ENV, DryRunOpt, dry_run_note, language


def on_terminal() -> bool:
    """Whether a person is typing: only then are missing options asked for."""
    return sys.stdin.isatty()


def _asked(value: str | None, option: str, prompt: str) -> str:
    """A required option: given, else asked for on a terminal, else one sentence."""
    if value is not None and value.strip():
        return value
    if on_terminal():
        answer: str = typer.prompt(prompt)
        if answer.strip():
            return answer
    raise UsageError(
        say(
            "rectify add needs {option}",
            "rectify add 需要 {option}",
            option=option,
        )
    )


@app.command("add")
def add(
    title: Annotated[
        str | None, typer.Option("--title", "-t", help="The task, in one line (整改任务).")
    ] = None,
    aspect: Annotated[
        str | None,
        typer.Option("--aspect", "-a", metavar="ID", help="The aspect's id or name (问题方面)."),
    ] = None,
    lead: Annotated[
        str | None, typer.Option("--lead", help="The lead department (牵头单位).")
    ] = None,
    deadline: Annotated[
        str | None, typer.Option("--deadline", metavar="DATE", help="The deadline (整改时限).")
    ] = None,
    ongoing: Annotated[
        bool, typer.Option("--ongoing", help="No deadline: kept up for good (长期坚持).")
    ] = False,
    measure: Annotated[
        list[str] | None,
        typer.Option("--measure", "-m", metavar="TEXT", help="A measure (repeatable)."),
    ] = None,
    partner: Annotated[
        list[str] | None,
        typer.Option("--partner", metavar="NAME", help="A partner department (repeatable)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start", metavar="DATE", help="Start date [default: the ledger's feedback date]."
        ),
    ] = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", metavar="ID", help="A related indicator's id (repeatable)."),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Notes (备注).")] = None,
    leader: Annotated[
        str | None, typer.Option("--leader", help="The leader in charge (责任领导).")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="The person responsible (责任人).")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Contact phone (联系电话).")] = None,
    task_id: Annotated[
        str | None,
        typer.Option("--id", metavar="ID", help="The new task's id [default: the next free one]."),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help="Date of the first log entry [default: today]."
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="NAME",
            envvar=BY_ENV,
            show_envvar=True,
            help="Who records this, kept in the log entry [default: not recorded].",
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Add a task after the last task of its aspect, with a first log entry (新增); no other
    line of the file changes."""
    from rectify_cli.edit import ledger_lang_of
    from rectify_cli.edit_add import NewTask, add_task
    from rectify_cli.files import resolve_root
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.adding import written_diff, written_line

    if lang is not None:
        language(lang, "zh")  # a wrong --lang is refused before the ledger is written
    folder = single_spec(ledger, "add")
    title = _asked(title, "--title", say("Task (整改任务)", "整改任务"))
    aspect = _asked(aspect, "--aspect", say("Aspect id or name", "问题方面（编号或名称）"))
    lead = _asked(lead, "--lead", say("Lead department", "牵头单位"))
    if deadline is None and not ongoing:
        deadline = _asked(
            None,
            say("--deadline DATE or --ongoing", "--deadline 日期或 --ongoing"),
            say("Deadline (整改时限)", "整改时限"),
        )
    new = NewTask(
        id=task_id,
        title=title,
        aspect=aspect,
        lead=lead,
        date=parse_date(date, "--date") if date else dt.date.today(),
        measures=tuple(measure or ()),
        partners=tuple(partner or ()),
        start=parse_date(start, "--start") if start else None,
        deadline=parse_date(deadline, "--deadline") if deadline else None,
        ongoing=ongoing,
        indicators=tuple(indicator or ()),
        notes=notes or "",
        leader=leader,
        owner=owner,
        phone=phone,
        by=by,
    )
    try:
        task, done = add_task(folder, new, dry_run=dry_run)
    except WriteRefused as exc:
        if exc.remedy is None:
            raise
        raise WriteRefused(exc.message + remedy_hint(exc.remedy)) from None
    lang_ = language(lang, ledger_lang_of(resolve_root(folder)))
    if dry_run:
        write(written_diff(done))
        dry_run_note(lang_)
        return
    write(written_line("add.task", done, task.id, task.title, lang_))
