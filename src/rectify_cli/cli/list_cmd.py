from typing import Annotated

import typer

from rectify_cli.errors import UsageError
from rectify_cli.i18n import joined, say
from rectify_cli.kinds import Status, parse_status_filter
from rectify_cli.query import (
    SortKey,
    TaskFilter,
    aspect_filter,
    rows,
    rows_of_many,
    sort_rows,
    status_filter,
)
from rectify_cli.schedule import Health

from .app import app
from .common import (
    AsOfOpt,
    FormatOpt,
    LangOpt,
    NoColorOpt,
    as_of_date,
    choices_of,
    emit,
    output_format,
    parse_date,
)
from .many import LedgersOpt, StrictOpt, finish, language, list_petitions, load_ledgers, row_ref


@app.command("list")
def list_tasks(
    kind: Annotated[
        str,
        typer.Option(
            "--kind", metavar="tasks|petitions", help="List tasks, or petition cases (信访件)."
        ),
    ] = "tasks",
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help="Status (repeatable): not_started 未启动, in_progress 推进中, "
            "done 已完成, closed 已销号, or pending (not yet done); for petitions handling "
            "办理中, stage_closed 阶段性办结, closed 已办结, or pending.",
        ),
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            help="Petitions: air, water, soil, noise, solid_waste, ecology, other (repeatable).",
        ),
    ] = None,
    finding: Annotated[
        list[str] | None,
        typer.Option(
            "--finding",
            help="Petitions: substantiated 属实, partly 部分属实, unsubstantiated 不属实.",
        ),
    ] = None,
    aspect: Annotated[
        list[str] | None, typer.Option("--aspect", "-a", help="Aspect id or name (repeatable).")
    ] = None,
    lead: Annotated[
        str | None, typer.Option("--lead", help="Lead department contains this text.")
    ] = None,
    leader: Annotated[
        str | None,
        typer.Option("--leader", help="Leader in charge (责任领导) contains this text."),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="Responsible person (责任人) contains this text."),
    ] = None,
    due_before: Annotated[
        str | None, typer.Option("--due-before", metavar="DATE", help="Deadline before this date.")
    ] = None,
    health: Annotated[
        list[str] | None,
        typer.Option(
            "--health",
            metavar="HEALTH",
            help="Schedule health (repeatable): overdue 逾期, behind 未达序时进度, on_schedule "
            "达到序时进度, done_late 逾期完成, done_on_time 按期完成, done 已完成.",
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Text in id, title, measures, notes, lead or partners."),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            metavar="KEY",
            help="Sort by: id, deadline, progress, status, lead, aspect, health; petitions "
            "also received, category.",
        ),
    ] = "id",
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
    strict: StrictOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """List tasks (or petition cases), with filters; all when no filter is given.  With
    several ledgers, a ledger column and ids qualified where two ledgers share one."""
    if kind not in ("tasks", "petitions"):
        raise UsageError(
            say(
                "--kind: {kind!r} is not a kind; use tasks or petitions",
                "--kind：没有 {kind!r} 这一类，请用 tasks 或 petitions",
                kind=kind,
            )
        )
    date_before = parse_date(due_before, "--due-before") if due_before else None
    healths = choices_of(health, "--health", Health.parse)
    ledgers = load_ledgers(ledger, strict, as_of)
    chosen_lang = language(ledgers, lang)
    if kind == "petitions":
        if aspect:
            raise UsageError(
                say(
                    "--aspect: petition cases have no aspect; use --category",
                    "--aspect：信访件没有问题方面，请用 --category",
                )
            )
        if healths:
            raise UsageError(
                say(
                    "--health: the schedule health of tasks; petition cases are warned by "
                    "deadline (rectify warn)",
                    "--health：用于任务的序时进度；信访件按办理时限预警（rectify warn）",
                )
            )
        if leader is not None or owner is not None:
            raise UsageError(
                say(
                    "--leader and --owner: for tasks; petition cases name only a lead",
                    "--leader 和 --owner 用于任务；信访件只有责任单位，请用 --lead",
                )
            )
        list_petitions(
            ledgers,
            as_of_date(as_of),
            status=status or [],
            category=category or [],
            finding=finding or [],
            lead=lead,
            due_before=date_before,
            search=search,
            sort=sort,
            reverse=reverse,
            fmt=fmt,
            lang=chosen_lang,
            no_color=no_color,
        )
        finish(ledgers)
        return
    if category or finding:
        raise UsageError(
            say(
                "--category and --finding: for petition cases; add --kind petitions",
                "--category 和 --finding 用于信访件，请加 --kind petitions",
            )
        )
    try:
        key = SortKey(sort)
    except ValueError:
        raise UsageError(
            say(
                "--sort {sort}: sort tasks by {keys}",
                "--sort {sort}：任务只能按以下之一排序：{keys}",
                sort=sort,
                keys=joined(k.value for k in SortKey),
            )
        ) from None
    flt = TaskFilter(
        statuses=_status_filter(status or []),
        aspects=aspect_filter([b.ledger for b in ledgers.books], aspect or []),
        lead=lead,
        leader=leader,
        owner=owner,
        due_before=date_before,
        search=search,
        healths=healths,
    )
    if ledgers.multi:
        found = rows_of_many(
            [b.ledger for b in ledgers.books], as_of_date(as_of), flt, key, reverse
        )
    else:
        found = sort_rows(rows(ledgers.single.ledger, as_of_date(as_of), flt), key, reverse)
    refs = row_ref(ledgers) if ledgers.multi else None
    from rectify_cli.render.results import TaskList

    result = TaskList(found, chosen_lang, refs)
    emit(result, output_format(fmt, result.formats()), no_color=no_color)
    finish(ledgers)


def _status_filter(values: list[str]) -> frozenset[Status] | None:
    """The tasks' --status values; a wrong one is refused here, in the spoken language."""
    for v in values:
        try:
            parse_status_filter(v)
        except ValueError as exc:
            raise UsageError(
                say(
                    "--status: {why}; or pending (not yet done)",
                    "--status：{why}；也可用 pending（未完成的任务）",
                    why=exc,
                )
            ) from None
    return status_filter(values)
