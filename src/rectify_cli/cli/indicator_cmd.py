from typing import Annotated

import typer

from rectify_cli.errors import UsageError
from rectify_cli.i18n import say

from .app import app
from .common import LangOpt, write
from .many import LedgersOpt
from .update_cmd import DryRunOpt, dry_run_note, language

indicators = typer.Typer(help="Indicators (指标) of a ledger.", no_args_is_help=True)
app.add_typer(indicators, name="indicator")

# --better as people say it.
_BETTER = {"lower": "lower", "越低越好": "lower", "低": "lower"} | {
    "higher": "higher",
    "越高越好": "higher",
    "高": "higher",
}


def _better(value: str) -> str:
    found = _BETTER.get(value.strip().lower())
    if found is None:
        raise UsageError(
            say(
                '--better: "{value}" is not a direction; use lower or higher',
                "--better：“{value}”不是改善方向，请用 lower（越低越好）或 higher（越高越好）",
                value=value,
            )
        )
    return found


@indicators.command("add")
def indicator_add(
    indicator_id: Annotated[
        str, typer.Option("--id", metavar="ID", help="The indicator's id, e.g. pm25.")
    ],
    name: Annotated[str, typer.Option("--name", help="The indicator's name (指标名称).")],
    better: Annotated[
        str,
        typer.Option(
            "--better", metavar="lower|higher", help="Which way is better: lower or higher."
        ),
    ],
    unit: Annotated[str | None, typer.Option("--unit", help="Unit, e.g. μg/m³ or %.")] = None,
    group: Annotated[
        str | None, typer.Option("--group", help="Group for reports, e.g. air, water.")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", metavar="NUMBER", help="The target value.")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", metavar="NUMBER", help="The baseline value.")
    ] = None,
    baseline_period: Annotated[
        str | None,
        typer.Option("--baseline-period", metavar="PERIOD", help="What the baseline covers."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note (备注).")] = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Add an indicator at the end of indicators.toml (made when the ledger has none); its
    values are recorded with rectify record."""
    from rectify_cli.edit import ledger_lang_of, parse_number
    from rectify_cli.edit_add import add_indicator
    from rectify_cli.files import resolve_root
    from rectify_cli.ledgers import single_spec
    from rectify_cli.render.adding import written_diff, written_line

    if lang is not None:
        language(lang, "zh")
    folder = single_spec(ledger, "indicator add")
    values: dict[str, object] = {
        "id": indicator_id,
        "name": name,
        "group": group,
        "unit": unit,
        "better": _better(better),
        "baseline": parse_number(baseline, "--baseline") if baseline is not None else None,
        "baseline_period": baseline_period,
        "target": parse_number(target, "--target") if target is not None else None,
        "note": note,
    }
    indicator, done = add_indicator(folder, values, dry_run=dry_run)
    lang_ = language(lang, ledger_lang_of(resolve_root(folder)))
    if dry_run:
        write(written_diff(done))
        dry_run_note(lang_)
        return
    write(written_line("add.indicator", done, indicator.id, indicator.name, lang_))
