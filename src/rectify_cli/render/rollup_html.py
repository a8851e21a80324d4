"""The roll-up over several ledgers as one self-contained HTML page:
`rectify report --ledger 'counties/*' --format html`.

The Markdown roll-up's content: the roll-up table (a row per ledger, the total) under the
roll-up's headline, then each ledger's own report, drawn by the single-ledger page's own
section builder (`report_html.report_sections`) one heading level down, its chart ids
prefixed so they stay unique on the page.  The page, its CSS (print included) and its tables
are the single report's; ledger text goes through `html_escape`.
"""

from __future__ import annotations

from rectify_cli.i18n import label
from rectify_cli.rollup import RollUp

from .report_common import COUNT_COLUMNS
from .report_html import grid, page, report_sections
from .rollup_common import ROLLUP_COLUMNS, rollup_cells, rollup_total
from .rollup_text import RefsOf, qualified
from .text import html_escape as esc


def rollup_html(rollup: RollUp, refs: RefsOf) -> str:
    lang = rollup.lang
    out = [
        "<header>",
        f"<h1>{esc(rollup.title)}</h1>",
        f'<p class="meta">{esc(rollup.dates_line)}</p>',
        f'<p class="headline">{esc(rollup.headline)}</p>',
        *(
            [f'<p class="headline">{esc(rollup.petitions_headline)}</p>']
            if rollup.petitions_headline
            else []
        ),
        "</header>",
    ]
    out += rollup_table(rollup)
    for i, (line, report) in enumerate(zip(rollup.lines, rollup.reports, strict=False)):
        shown = qualified(report, refs(line.name))
        out += ['<section class="ledger">', *report_sections(shown, level=2, key=f"l{i + 1}-")]
        out.append("</section>")
    return page(rollup.title, lang, out)


def rollup_table(rollup: RollUp) -> list[str]:
    """The roll-up's section: one row per ledger, the total, and the ledgers left out."""
    lang = rollup.lang
    out = ['<section class="rollup">', f"<h2>{esc(label('rollup.section', lang))}</h2>"]
    body = [rollup_cells(line) for line in rollup.lines]
    total = rollup_total(rollup) if len(rollup.lines) > 1 else None
    header = [label(c, lang) for c in ROLLUP_COLUMNS]
    out += grid(header, [c in COUNT_COLUMNS for c in ROLLUP_COLUMNS], body, total=total)
    if rollup.failed:
        names = label("warn.list_sep", lang).join(rollup.failed)
        out.append(f'<p class="note">{esc(label("rollup.failed", lang, names=names))}</p>')
    out.append("</section>")
    return out
