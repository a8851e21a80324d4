"""Roll-ups over several ledgers at a terminal: the roll-up table with completion bars, then
each ledger's own report; warnings and changes ledger by ledger.  Layout only."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from rectify_cli.i18n import Lang, label
from rectify_cli.rollup import LedgerChanges, LedgerWarnings, RollUp

from .extras_terminal import changes_view, petition_warnings_table, plain_table
from .report_terminal import WIDE, report_renderable
from .rollup_common import ROLLUP_COLUMNS, rollup_cells, rollup_total
from .rollup_text import RefsOf, qualified, qualified_result, warn_summary
from .terminal import bar, data
from .text import one_line
from .warn_terminal import warn_view
from .warn_text import counts_text


def _completion(cells: list[str], completion: float, width: int) -> list[RenderableType]:
    out: list[RenderableType] = [data(c) for c in cells[:-1]]
    shown = bar(completion, width)
    shown.append(f" {cells[-1]}")
    out.append(shown)
    return out


def rollup_view(
    rollup: RollUp, refs: RefsOf, width: int = 80, *, summary_only: bool = False
) -> RenderableType:
    lang = rollup.lang
    bar_width = 10 if width >= WIDE else 5
    parts: list[RenderableType] = [Text(one_line(rollup.title), style="bold")]
    parts.append(Text(rollup.dates_line))
    parts += [Text(""), Text(one_line(rollup.headline), style="bold")]
    if rollup.petitions_headline:
        parts.append(Text(one_line(rollup.petitions_headline), style="bold"))
    parts.append(Text(""))
    table = plain_table(
        label("rollup.section", lang), [label(c, lang) for c in ROLLUP_COLUMNS], numbers_from=1
    )
    for line in rollup.lines:
        table.add_row(*_completion(rollup_cells(line), line.counts.completion, bar_width))
    if len(rollup.lines) > 1:
        table.rows[-1].end_section = True
        cells = _completion(rollup_total(rollup), rollup.counts.completion, bar_width)
        for c in cells:
            if isinstance(c, Text):
                c.stylize("bold")
        table.add_row(*cells)
    parts.append(table)
    if rollup.failed:
        names = label("warn.list_sep", lang).join(rollup.failed)
        parts.append(Text(one_line(label("rollup.failed", lang, names=names)), style="yellow"))
    if not summary_only:
        for line, report in zip(rollup.lines, rollup.reports, strict=False):
            parts += [Text(""), Text("─" * min(width, 80), style="dim"), Text("")]
            parts.append(report_renderable(qualified(report, refs(line.name)), width=width))
    return Group(*parts)


def warn_many_view(
    found: Sequence[LedgerWarnings], lang: Lang, *, multi: bool, refs: RefsOf
) -> RenderableType:
    as_of = found[0].result.as_of.isoformat() if found else ""
    summary = Text(warn_summary(found, lang, as_of))
    if any(lw.total for lw in found):
        summary.stylize("bold")
    parts: list[RenderableType] = [summary]
    for lw in found:
        if multi:
            if not lw.total:
                continue
            counts = counts_text(lw.counts, lang, skip_zero=True)
            heading = label("warn.group", lang, lead=lw.name, parts=counts)
            parts += [Text(""), Text(one_line(heading), style="bold underline")]
        if lw.result.warnings:
            view = warn_view(qualified_result(lw.result, refs(lw.name)), lang)
            # Its first line is the ledger's own summary, replaced by the one above.
            if isinstance(view, Group):
                parts += list(view.renderables[1:])
            else:  # pragma: no cover - warn_view returns a Group
                parts.append(view)
        if lw.petitions:
            parts += [Text(""), petition_warnings_table(lw.petitions, lang)]
    return Group(*parts)


def changes_many_view(found: Sequence[LedgerChanges], lang: Lang, refs: RefsOf) -> RenderableType:
    if len(found) == 1:
        return changes_view(found[0].changes, lang, ref=refs(found[0].name))
    parts: list[RenderableType] = []
    for lc in found:
        title = label("rollup.ledger_title", lang, name=lc.name, title=lc.title)
        parts += [Text(one_line(title), style="bold underline")]
        parts += [changes_view(lc.changes, lang, ref=refs(lc.name)), Text("")]
    return Group(*parts)
