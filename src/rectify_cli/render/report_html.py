"""The progress report as one self-contained HTML page: `rectify report --format html`.

The Markdown report's content (same tables, same cells from `report_common`, and the petition
and `--since` parts from `rollup_common`) plus inline SVG charts; no script, no external
file, no web font, so it opens offline, prints on A4 and can be mailed as one attachment.
Every piece of ledger text goes through `html_escape`.  Colours follow the reader's light or
dark scheme on screen and are always light on paper; status and direction are written in
words as well as coloured.
"""

from __future__ import annotations

from collections.abc import Sequence

from rectify_cli.changes import Changes
from rectify_cli.i18n import Lang, label
from rectify_cli.indicators import Direction
from rectify_cli.petitions import PetitionReport
from rectify_cli.report import Report

from .html_charts import completion_chart, indicator_chart, status_chart
from .report_common import (
    ASPECT_COLUMNS,
    INDICATOR_COLUMNS,
    LEAD_COLUMNS,
    NUMERIC_COLUMNS,
    OPEN_COLUMNS,
    WARNING_COLUMNS,
    aspect_cells,
    headers,
    indicator_cells,
    lead_cells,
    lead_total_cells,
    open_body,
    subtitle,
    total_cells,
    warning_rows,
)
from .rollup_common import (
    breakdown_cells,
    breakdown_columns,
    change_sections,
    changes_none,
    changes_title,
    changes_window,
)
from .text import html_escape as esc
from .text import html_unbroken as unbroken
from .warn_text import counts_text

# System fonts only, Chinese ones first so CJK text never falls back to a Latin font's
# ugly substitute; the generic family last.
FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Hiragino Sans GB", SimSun, sans-serif'
)

CSS = """\
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --rule: #d0d7de; --head: #f3f5f7;
  --done: #1f6f43; --on: #2f6fb5; --behind: #9a6700; --overdue: #b42318;
  --track: #e9ecef; --pat-bg: #ffffff;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181c; --fg: #e6e8eb; --muted: #a4abb3; --rule: #3a4048; --head: #22262c;
    --done: #5cc48a; --on: #79b0ee; --behind: #e0b34c; --overdue: #f07a6e;
    --track: #2b3038; --pat-bg: #16181c;
  }
}
/* Paper is white whatever the screen's scheme: dark pages waste toner and print badly. */
@media print {
  :root {
    --bg: #ffffff; --fg: #000000; --muted: #444444; --rule: #999999; --head: #eeeeee;
    --done: #1f6f43; --on: #2f6fb5; --behind: #9a6700; --overdue: #b42318;
    --track: #e6e6e6; --pat-bg: #ffffff;
  }
  body { margin: 0; max-width: none; }
}
@page { size: A4; margin: 16mm 14mm; }
html { background: var(--bg); color: var(--fg); }
body {
  font-family: FONTS;
  font-size: 14px; line-height: 1.55; margin: 24px auto; max-width: 720px; padding: 0 16px;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 15px; margin: 14px 0 6px; }
h4 { font-size: 14px; margin: 12px 0 6px; }
h2, h3, h4 { break-after: avoid; }
/* A roll-up: each ledger's report starts a printed page of its own. */
section.ledger { break-before: page; margin-top: 28px; }
section.ledger > header h2 { font-size: 20px; border-bottom: 2px solid var(--rule); }
.meta { color: var(--muted); margin: 0 0 12px; }
.headline { font-weight: bold; font-size: 16px; }
.note { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
thead { display: table-header-group; }
thead th { background: var(--head); }
tr { break-inside: avoid; }
.nobr { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; }
.improved, .met, .h-on_schedule, .h-done, .h-done_on_time { color: var(--done); }
.worsened, .not-met, .h-overdue, .h-done_late { color: var(--overdue); font-weight: bold; }
.h-behind { color: var(--behind); font-weight: bold; }
.level-red { color: var(--overdue); } .level-yellow { color: var(--behind); }
.level-blue { color: var(--on); }
figure { margin: 8px 0 16px; break-inside: avoid; }
figcaption { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
svg.chart { display: block; width: 100%; height: auto; font-family: FONTS; font-size: 13px; }
svg.chart text { fill: var(--fg); }
svg.chart .tick, svg.chart .kind, svg.chart .better { fill: var(--muted); font-size: 12px; }
svg.chart .ind-name { font-weight: bold; font-size: 14px; }
svg.chart .ind-name tspan { font-weight: normal; font-size: 12px; }
svg.chart .improved, svg.chart .met { fill: var(--done); }
svg.chart .worsened, svg.chart .not-met { fill: var(--overdue); font-weight: bold; }
svg.chart .on-bar {
  fill: var(--fg); stroke: var(--bg); stroke-width: 3px; paint-order: stroke; font-weight: bold;
}
svg.chart .grid { stroke: var(--rule); stroke-dasharray: 2 3; }
svg.chart .track, svg.chart .empty { fill: var(--track); }
svg.chart .fill { stroke: var(--fg); stroke-width: 0.6; }
svg.chart .pat-bg { fill: var(--pat-bg); }
svg.chart .pat-line { stroke-width: 2.2; }
svg.chart .s-completed .fill, svg.chart .fill.s-completed, svg.chart .k-value .fill {
  fill: var(--done);
}
/* A pattern's lines take their colour from the pattern, not from the shape it fills. */
svg.chart .p-hatch .pat-line { stroke: var(--on); }
svg.chart .p-dots .pat-dot { fill: var(--behind); }
svg.chart .p-cross .pat-line { stroke: var(--overdue); }
/* The indicator chart's last-year dots (ids end with the chart's key, after any prefix). */
svg.chart pattern[id$="chart-indicators-dots"] .pat-dot { fill: var(--muted); }
""".replace("FONTS", FONTS)

_NUM = ' class="num"'


def _table(
    columns: tuple[str, ...],
    lang: Lang,
    body: Sequence[Sequence[str]],
    *,
    classes: Sequence[Sequence[str]] | None = None,
    total: Sequence[str] | None = None,
) -> list[str]:
    """A table of the report's own columns (label keys), numbers right-aligned."""
    num = [c in NUMERIC_COLUMNS for c in columns]
    return grid(headers(columns, lang), num, body, classes=classes, total=total)


def grid(
    header: Sequence[str],
    num: Sequence[bool],
    body: Sequence[Sequence[str]],
    *,
    classes: Sequence[Sequence[str]] | None = None,
    total: Sequence[str] | None = None,
) -> list[str]:
    """A table with a header that repeats on every printed page; `classes` give a cell its
    colour class (the cell's words already say what the colour means)."""
    head = "".join(
        f'<th{_NUM if n else ""} scope="col">{esc(h)}</th>'
        for h, n in zip(header, num, strict=True)
    )
    out = ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>"]

    def row(cells: Sequence[str], extra: Sequence[str], cls: str = "") -> str:
        tds = []
        for text, n, more in zip(cells, num, extra, strict=True):
            names = " ".join(filter(None, ["num" if n else "", more]))
            attr = f' class="{names}"' if names else ""
            tds.append(f"<td{attr}>{unbroken(text)}</td>")
        return f"<tr{cls}>{''.join(tds)}</tr>"

    for i, cells in enumerate(body):
        out.append(row(cells, classes[i] if classes else [""] * len(cells)))
    if total is not None:
        out.append(row(total, [""] * len(total), ' class="total"'))
    out += ["</tbody>", "</table>"]
    return out


def figure(svg: str, caption: str) -> list[str]:
    """A chart with its title written above it (the SVG's own `<title>` is for readers
    that speak it; a printout needs it on the page)."""
    return ["<figure>", f"<figcaption>{esc(caption)}</figcaption>", svg, "</figure>"] if svg else []


def page(title: str, lang: Lang, body: Sequence[str]) -> str:
    """One self-contained page: the head (title, the report's own CSS) and `body`."""
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>\n{CSS}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def report_html(report: Report) -> str:
    return page(report.title, report.lang, report_sections(report))


def report_sections(report: Report, *, level: int = 1, key: str = "") -> list[str]:
    """The report's header and sections, its title an `h{level}` (a roll-up nests each
    ledger's report one level down) and its charts' ids prefixed with `key`."""
    lang = report.lang
    h1, h2, h3 = (f"h{level + i}" for i in range(3))
    out = [
        "<header>",
        f"<{h1}>{unbroken(report.title)}</{h1}>",
        f'<p class="meta">{"<br>".join(unbroken(line) for line in subtitle(report))}</p>',
        f'<p class="headline">{unbroken(report.headline)}</p>',
        # The notice's petition sentence sits under the task headline, as in Markdown.
        *(
            [f'<p class="headline">{unbroken(report.petitions.headline)}</p>']
            if report.petitions is not None
            else []
        ),
        "</header>",
        *figure(status_chart(report, key), label("report.chart.status", lang)),
    ]

    out += ["<section>", f"<{h2}>{esc(label('report.aspects', lang))}</{h2}>"]
    out += _table(
        ASPECT_COLUMNS,
        lang,
        [aspect_cells(r) for r in report.aspects],
        total=total_cells(report),
    )
    out += figure(completion_chart(report, key), label("report.chart.completion", lang))
    out.append("</section>")

    if report.leads:
        out += ["<section>", f"<{h2}>{esc(label('report.leads', lang))}</{h2}>"]
        body = [lead_cells(r) for r in report.leads]
        out += _table(LEAD_COLUMNS, lang, body, total=lead_total_cells(report))
        out.append("</section>")

    out += ["<section>", f"<{h2}>{esc(label('report.open', lang))}</{h2}>"]
    if report.open_tasks:
        health_at = OPEN_COLUMNS.index("health")
        classes = [
            [
                f"h-{r.health.health.value}" if i == health_at else ""
                for i in range(len(OPEN_COLUMNS))
            ]
            for r in report.open_tasks
        ]
        body = open_body(report)
        out += _table(OPEN_COLUMNS, lang, body, classes=classes)
    else:
        out.append(f"<p>{esc(label('report.open_none', lang))}</p>")
    out.append("</section>")

    out += ["<section>", f"<{h2}>{esc(label('report.indicators', lang))}</{h2}>"]
    if report.indicators:
        change_at = INDICATOR_COLUMNS.index("ind.change_col")
        target_at = INDICATOR_COLUMNS.index("ind.target")
        classes = []
        for r in report.indicators:
            cls = [""] * len(INDICATOR_COLUMNS)
            if r.direction in (Direction.IMPROVED, Direction.WORSENED):
                cls[change_at] = r.direction.value
            if r.target_met is not None:
                cls[target_at] = "met" if r.target_met else "not-met"
            classes.append(cls)
        body = [indicator_cells(r) for r in report.indicators]
        out += _table(INDICATOR_COLUMNS, lang, body, classes=classes)
        chart = indicator_chart(report, key)
        out += figure(chart, label("chart.indicators", lang))
        if chart and any(r.last_year is not None for r in report.indicators if r.compared):
            out.append(f'<p class="note">{esc(label("chart.note", lang))}</p>')
    else:
        out.append(f"<p>{esc(label('report.indicators_none', lang))}</p>")
    out.append("</section>")

    out += ["<section>", f"<{h2}>{esc(label('warn.summary', lang))}</{h2}>"]
    if any(report.warnings.values()):
        rows = warning_rows(report)
        levels = [[f"level-{lv.value}", ""] for lv in report.warnings]
        out += _table(WARNING_COLUMNS, lang, [[name, str(n)] for name, n in rows], classes=levels)
    else:
        out.append(f"<p>{esc(label('warn.none', lang))}</p>")
    out.append("</section>")
    if report.petitions is not None:
        out += _petitions(report.petitions, lang, h2)
    if report.changes is not None:
        out += _changes(report.changes, lang, h2, h3)
    return out


def _petitions(report: PetitionReport, lang: Lang, h2: str) -> list[str]:
    """Itemised cases by category, finding and status (the sentence is in the header)."""
    if not report.itemised:
        return []
    header = breakdown_columns(report, lang)
    body = [breakdown_cells(row, report, lang) for row in report.categories]
    # The breakdown's last row is its total line (`petitions.breakdown` puts it there).
    out = ["<section>", f"<{h2}>{esc(label('pet.section', lang))}</{h2}>"]
    out += grid(header, [False] + [True] * (len(header) - 1), body[:-1], total=body[-1])
    if any(report.warnings.values()):
        counts = counts_text(report.warnings, lang, skip_zero=True)
        out.append(f"<p>{esc(label('pet.warn_line', lang, counts=counts))}</p>")
    out.append("</section>")
    return out


def _changes(changes: Changes, lang: Lang, h2: str, h3: str) -> list[str]:
    """What the records prove changed since `--since`, one table per kind of change."""
    out = [
        "<section>",
        f"<{h2}>{esc(changes_title(changes, lang))}</{h2}>",
        f'<p class="meta">{esc(changes_window(changes, lang))}</p>',
    ]
    sections = change_sections(changes, lang)
    if not sections:
        out.append(f"<p>{esc(changes_none(changes, lang))}</p>")
    for s in sections:
        out.append(f"<{h3}>{esc(s.title)}</{h3}>")
        out += grid(s.header, [False] * len(s.header), s.rows)
    out.append("</section>")
    return out
