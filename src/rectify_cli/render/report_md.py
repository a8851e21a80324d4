"""The progress report as GitHub-flavoured Markdown: what `rectify report > report.md` writes.

Layout only: every number and sentence comes from the `Report`.  Ledger text goes through
`md_escape` (tables via `markdown.table`), and into Mermaid only through `mermaid_text`.
"""

from __future__ import annotations

import re

from rectify_cli.i18n import label
from rectify_cli.report import Report

from .markdown import column_table, table
from .report_common import (
    INDICATOR_COLUMNS,
    OPEN_COLUMNS,
    WARNING_COLUMNS,
    count_tables,
    headers,
    indicator_cells,
    open_columns,
    subtitle,
    warning_rows,
)
from .text import md_escape, one_line

# Characters with a meaning in Mermaid labels (quotes end the string, `#` starts an entity,
# `;` ends a statement in some diagrams, `<>` become HTML in some renderers, `%%` a comment):
# swapped for look-alikes, so a name draws as written and cannot change the chart.
_MERMAID_SWAP = str.maketrans({'"': "'", "#": "＃", ";": "；", "<": "‹", ">": "›", "`": "'"})


def mermaid_text(text: str) -> str:
    """Ledger text inside a double-quoted Mermaid string."""
    return re.sub("%{2,}", "％", one_line(text).translate(_MERMAID_SWAP)).strip() or " "


def report_markdown(report: Report, *, charts: bool = False) -> str:
    lang = report.lang
    out = [f"# {md_escape(report.title)}", ""]
    # Two trailing spaces would be invisible in a diff; a backslash is GFM's visible break.
    out += ["\\\n".join(md_escape(line) for line in subtitle(report)), ""]
    out += [f"**{md_escape(report.headline)}**", ""]
    # Petition cases and `--since` (issue 9): the petition sentence under the headline, their
    # sections before the charts; nothing for a report without them.
    extra_head: list[str] = []
    extra_tail: list[str] = []
    if report.petitions is not None or report.changes is not None:
        # Loaded only then: it brings the petition and change modules with it.
        from .extras_text import report_extras_markdown

        extra_head, extra_tail = report_extras_markdown(report)
    out += extra_head

    for t in count_tables(report):
        out += [f"## {label(t.heading, lang)}", ""]
        out.append(table(headers(t.columns, lang), t.rows))

    out += [f"## {label('report.open', lang)}", ""]
    if report.open_tasks:
        out.append(column_table(headers(OPEN_COLUMNS, lang), open_columns(report)))
    else:
        out += [label("report.open_none", lang), ""]

    out += [f"## {label('report.indicators', lang)}", ""]
    if report.indicators:
        body = [indicator_cells(r) for r in report.indicators]
        out.append(table(headers(INDICATOR_COLUMNS, lang), body))
    else:
        out += [label("report.indicators_none", lang), ""]

    out += [f"## {label('warn.summary', lang)}", ""]
    if any(report.warnings.values()):
        body = [[name, str(n)] for name, n in warning_rows(report)]
        out.append(table(headers(WARNING_COLUMNS, lang), body))
    else:
        out += [label("warn.none", lang), ""]

    out += extra_tail
    if charts:
        out += [f"## {label('report.charts', lang)}", "", *_charts(report)]
    return "\n".join(out).rstrip("\n") + "\n"


def _charts(report: Report) -> list[str]:
    lang = report.lang
    out = ["```mermaid", f"pie title {mermaid_text(label('report.chart.status', lang))}"]
    out += [f'    "{mermaid_text(name)}" : {n}' for name, n in report.status_slices]
    out += ["```", ""]
    names = ", ".join(f'"{mermaid_text(r.aspect.name)}"' for r in report.aspects)
    values = ", ".join(str(r.counts.completion_percent) for r in report.aspects)
    out += [
        "```mermaid",
        "xychart-beta",
        f'    title "{mermaid_text(label("report.chart.completion", lang))}"',
        f"    x-axis [{names}]",
        f'    y-axis "{mermaid_text(label("report.col.completion", lang))}" 0 --> 100',
        f"    bar [{values}]",
        "```",
        "",
    ]
    return out
