from pathlib import Path
from typing import Annotated

import typer

from rectify_cli.errors import EXIT_ERROR
from rectify_cli.i18n import label, say

from .app import app
from .common import LangOpt, ledger_lang, tell, write
from .many import LedgersOpt


@app.command("import")
def import_(
    source: Annotated[
        Path, typer.Argument(metavar="FILE", help="A 台账 spreadsheet: .xlsx or .csv.")
    ],
    update: Annotated[
        bool,
        typer.Option(
            "--update", help="Update tasks (and indicators) whose id is already in the ledger."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would be imported; write nothing.")
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff", help="Also print the change to tasks.toml (and indicators.toml) as a diff."
        ),
    ] = False,
    aspect: Annotated[
        str | None,
        typer.Option("--aspect", "-a", metavar="ID", help="Aspect for rows that name none."),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help="Read a column rectify does not know as a field, e.g. 督办意见=notes, or "
            "ignore it: 备注=skip (repeatable).",
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The xlsx sheet to read [default: found].")
    ] = None,
    clear_empty: Annotated[
        bool,
        typer.Option(
            "--clear-empty",
            help="With --update, an empty cell clears the field [default: it keeps the value, "
            "and the summary says so].",
        ),
    ] = False,
    cancel_missing: Annotated[
        bool,
        typer.Option(
            "--cancel-missing",
            help="Cancel the open tasks of the ledger the sheet lacks [default: reported].",
        ),
    ] = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Import tasks (and an export's indicators) from an Excel or CSV 台账; every bad row is
    reported before writing."""
    from rectify_cli.edit_import import (
        Imported,
        create_petitions,
        import_indicators,
        import_tasks,
    )
    from rectify_cli.importer import ImportInvalid, ImportOptions, plan_import
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.importing import notes, preview, summary
    from rectify_cli.render.text import visible_lines
    from rectify_cli.store import load_ledger

    led = load_ledger(single_spec(ledger, "import"))
    language = ledger_lang(led, lang)
    options = ImportOptions(
        update=update,
        aspect=aspect,
        mapping=tuple(mapping or ()),
        sheet=sheet,
        clear_empty=clear_empty,
        cancel_missing=cancel_missing,
    )
    try:
        plan = plan_import(led, source, options)
    except ImportInvalid as exc:
        for line in exc.problems:
            tell(line)
        tell(
            say(
                "{source}: {n} problem found; nothing was imported.",
                "{source}：发现{n}个问题，未导入任何内容。",
                source=exc.source,
                n=1,
            )
            if len(exc.problems) == 1
            else say(
                "{source}: {n} problems found; nothing was imported.",
                "{source}：发现{n}个问题，未导入任何内容。",
                source=exc.source,
                n=len(exc.problems),
            )
        )
        raise SystemExit(EXIT_ERROR) from None
    for line in notes(plan, language):
        tell(line)
    if not plan.changed:
        tell(label("import.nothing", language, source=plan.source))
        return
    root = Path(led.root)

    def tasks(check_only: bool) -> Imported:
        return import_tasks(
            root,
            plan.aspects,
            [n.task for n in plan.new],
            [u.plan() for u in (*plan.updated, *plan.cancelled)],
            dry_run=check_only,
            meta=plan.meta.after if plan.meta is not None and plan.meta.changes else None,
            # The indicators this import adds may be named by the tasks it adds.
            indicators={i.id for i in led.indicators}
            | {n.indicator.id for n in (ind.new if ind is not None else [])},
        )

    written: list[Imported] = []
    if plan.petitions is not None and not dry_run:
        create_petitions(root, plan.petitions, dry_run=True)  # refused before anything is
    ind = plan.indicators
    if ind is not None and ind.changed:
        # Indicators first: a ledger whose tasks are not written yet is still whole, one
        # whose tasks name indicators not written would fail `rectify check`.  The tasks'
        # write is tried dry first, so a refusal there leaves both files untouched.
        if plan.tasks_changed and not dry_run:
            tasks(check_only=True)
        written.append(
            import_indicators(
                root,
                [n.indicator for n in ind.new],
                [u.plan() for u in ind.updated],
                dry_run=dry_run,
            )
        )
    if plan.tasks_changed:
        written.insert(0, tasks(check_only=dry_run))
    if plan.petitions is not None:
        written.append(create_petitions(root, plan.petitions, dry_run=dry_run))
    if dry_run:
        write(preview(plan, language))
    if diff:
        from rectify_cli.diff_text import unified_diff

        for done in written:
            old_text, new_text = done.old_text, done.new_text
            whole = unified_diff(old_text, new_text, done.shown, 0, len(old_text), len(new_text))
            write(visible_lines(whole))
    if dry_run:
        tell(label("import.dry_run", language))
    else:
        for line in summary(plan, language):
            tell(line)
        for done in written:
            tell(label("import.done", language, path=done.shown))
