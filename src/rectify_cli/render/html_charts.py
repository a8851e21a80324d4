"""The HTML report's charts as inline SVG: task status, completion per aspect, and each
indicator against its target and last year's value.

Layout only: every number and word comes from the `Report` (counts, completion texts, value
texts, last year's value) or from i18n.  Colour is never the only carrier of meaning: each
part has its own fill pattern and a written label, so a grey printout or a colour-blind
reader loses nothing.  Every chart has a `<title>` (and a `<desc>`) for screen readers.
Ledger text goes through `esc`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from rectify_cli.i18n import Lang, label
from rectify_cli.indicators import Direction
from rectify_cli.report import IndicatorRow, Report

from .text import html_escape as esc

WIDTH = 680  # the viewBox width: an A4 page's text width at 96 dpi, less the margins
FONT = 13  # px, the size of chart text
_ROW = 26  # one bar and its gap


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of drawn width: wide (CJK) characters are one em, others about 0.6."""
    wide = sum(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)
    return size * wide + size * 0.6 * (len(text) - wide)


def fit(text: str, width: float, size: float = FONT) -> str:
    """Text cut with `…` to fit `width`; the full text stays in the element's `<title>`."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def item(name: str, parts: str, lang: Lang) -> str:
    return label("chart.item", lang, name=name, parts=parts)


def _svg(key: str, title: str, desc: str, height: float, body: Sequence[str]) -> str:
    return "\n".join(
        [
            f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} '
            f'{height:.0f}" role="img" aria-labelledby="{key}-title {key}-desc">',
            f'<title id="{key}-title">{esc(title)}</title>',
            f'<desc id="{key}-desc">{esc(desc)}</desc>',
            _patterns(key),
            *body,
            "</svg>",
        ]
    )


def _patterns(key: str) -> str:
    """One fill per kind of part, told apart by pattern as well as by colour.  The ids carry
    the chart's key, as every id on the page must be unique."""
    return (
        "<defs>"
        f'<pattern id="{key}-hatch" class="p-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect class="pat-bg" width="6" height="6"/>'
        '<line class="pat-line" x1="0" y1="0" x2="0" y2="6"/></pattern>'
        f'<pattern id="{key}-dots" class="p-dots" width="5" height="5" '
        'patternUnits="userSpaceOnUse">'
        '<rect class="pat-bg" width="5" height="5"/>'
        '<circle class="pat-dot" cx="2.5" cy="2.5" r="1.2"/></pattern>'
        f'<pattern id="{key}-cross" class="p-cross" width="6" height="6" '
        'patternUnits="userSpaceOnUse">'
        '<rect class="pat-bg" width="6" height="6"/>'
        '<path class="pat-line" d="M0 0L6 6M6 0L0 6"/></pattern>'
        "</defs>"
    )


# Each status's fill: solid, hatched, dotted, crossed (and its colour through the class).
_STATUS_FILL = {"completed": None, "on_schedule": "hatch", "behind": "dots", "overdue": "cross"}


def _fill(key: str, pattern: str | None) -> str:
    return f' fill="url(#{key}-{pattern})"' if pattern else ""


def status_chart(report: Report, prefix: str = "") -> str:
    """One bar split into completed / on schedule / behind / overdue, with a legend."""
    key = f"{prefix}chart-status"  # the prefix keeps ids unique on a page of several reports
    title = label("report.chart.status", report.lang)
    parts = report.status_parts
    words = [label("chart.part", report.lang, name=name, n=n) for _, name, n in parts]
    total = sum(n for _, _, n in parts)
    body: list[str] = []
    x, bar_y, bar_h = 0.0, 8, 34
    for (part, _, n), word in zip(parts, words, strict=True):
        w = WIDTH * n / total
        body.append(
            f'<g class="part s-{part}"><title>{esc(word)}</title>'
            f'<rect class="fill" x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}"'
            f"{_fill(key, _STATUS_FILL[part])}/>"
        )
        count = str(n)
        if text_width(count) + 8 <= w:
            body.append(
                f'<text class="on-bar" x="{x + w / 2:.1f}" y="{bar_y + bar_h / 2 + 4.5:.1f}" '
                f'text-anchor="middle">{count}</text>'
            )
        body.append("</g>")
        x += w
    if not parts:
        body.append(f'<rect class="empty" x="0" y="{bar_y}" width="{WIDTH}" height="{bar_h}"/>')
    # The legend: a swatch with the same fill, then the words.
    lx, ly = 0.0, bar_y + bar_h + 24
    for (part, _, _), word in zip(parts, words, strict=True):
        room = text_width(word) + 34
        if lx + room > WIDTH and lx > 0:
            lx, ly = 0.0, ly + 22
        body.append(
            f'<g class="legend s-{part}"><rect class="fill" x="{lx:.1f}" y="{ly - 12}" '
            f'width="16" height="16"{_fill(key, _STATUS_FILL[part])}/>'
            f'<text x="{lx + 22:.1f}" y="{ly + 1}">{esc(word)}</text></g>'
        )
        lx += room
    desc = label("report.sep", report.lang).join(words)
    return _svg(key, title, desc, ly + 10, body)


def completion_chart(report: Report, prefix: str = "") -> str:
    """One bar per aspect: its completion, with the percent and done-of-total written out."""
    key = f"{prefix}chart-completion"  # the prefix keeps ids unique on a page of several reports
    lang = report.lang
    title = label("report.chart.completion", lang)
    names = [r.aspect.name for r in report.aspects]
    notes = [
        label(
            "chart.completion_note",
            lang,
            percent=r.counts.completion_text,
            done=r.counts.completed,
            total=r.counts.tasks,
        )
        for r in report.aspects
    ]
    left = min(max((text_width(n) for n in names), default=0) + 12, WIDTH * 0.4)
    right = max((text_width(n) for n in notes), default=0) + 12
    span = WIDTH - left - right
    top = 20
    body = []
    # Gridlines at 0, 50 and 100%: the scale is the same for every bar.
    for pct in (0, 50, 100):
        gx = left + span * pct / 100
        body.append(
            f'<line class="grid" x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" '
            f'y2="{top + _ROW * len(names)}"/>'
            f'<text class="tick" x="{gx:.1f}" y="{top - 8}" text-anchor="middle">{pct}%</text>'
        )
    for i, (row, name, note) in enumerate(zip(report.aspects, names, notes, strict=True)):
        y = top + i * _ROW
        w = span * row.counts.completion / 100
        body.append(
            f'<g class="aspect"><title>{esc(item(name, note, lang))}</title>'
            f'<text x="{left - 8:.1f}" y="{y + 17}" text-anchor="end">'
            f"{esc(fit(name, left - 12))}</text>"
            f'<rect class="track" x="{left:.1f}" y="{y + 4}" width="{span:.1f}" height="18"/>'
            f'<rect class="fill s-completed" x="{left:.1f}" y="{y + 4}" width="{w:.1f}" '
            f'height="18"/>'
            f'<text x="{left + span + 6:.1f}" y="{y + 17}">{esc(note)}</text></g>'
        )
    desc = label("report.sep", lang).join(
        item(n, t, lang) for n, t in zip(names, notes, strict=True)
    )
    return _svg(key, title, desc, top + _ROW * len(names) + 6, body)


def _bars(row: IndicatorRow) -> list[tuple[str, str, float, str | None]]:
    """(kind, text, number, pattern) of the bars drawn for one indicator."""
    ind = row.indicator
    assert ind.value is not None  # row.compared
    bars: list[tuple[str, str, float, str | None]] = [("value", row.value, float(ind.value), None)]
    if ind.target is not None:
        bars.append(("target", row.target, float(ind.target), "hatch"))
    if row.last_year is not None:
        bars.append(("last_year", row.last_year_text, float(row.last_year), "dots"))
    return bars


_DIRECTION_CLASS = {Direction.IMPROVED: "improved", Direction.WORSENED: "worsened"}
_BAR_LABEL = {"value": "chart.value", "target": "ind.target", "last_year": "chart.last_year"}


def indicator_chart(report: Report, prefix: str = "") -> str:
    """For each indicator with a target or last year's value: its value, target and last
    year's value as bars on one scale, the better direction and the change written beside.
    Empty when no indicator has anything to compare with."""
    key = f"{prefix}chart-indicators"  # the prefix keeps ids unique on a page of several reports
    lang = report.lang
    rows = [r for r in report.indicators if r.compared]
    if not rows:
        return ""
    kinds = [label(k, lang) for k in _BAR_LABEL.values()]
    left = max(text_width(k) for k in kinds) + 12
    body: list[str] = []
    y = 0.0
    descs = []
    for r in rows:
        bars = _bars(r)
        better = label(f"chart.better.{r.indicator.better.value}", lang)
        # The words beside the name: which way is better, then the change and the target
        # status, each coloured by what it says (and saying it, for a grey printout).
        words = [("better", better)]
        if r.change:
            words.append((_DIRECTION_CLASS.get(r.direction, "") if r.direction else "", r.change))
        if r.target_status:
            met = "" if r.target_met is None else ("met" if r.target_met else "not-met")
            words.append((met, r.target_status))
        tail_w = sum(text_width(w, FONT - 1) + 12 for _, w in words)
        name_size = FONT + 1
        name = fit(r.name, WIDTH, name_size)
        # The words go beside the name when both fit on the line, else on a line of their own.
        beside = text_width(name, name_size) + tail_w <= WIDTH
        spans = "".join(
            f'<tspan class="{cls}" dx="12">{esc(w)}</tspan>'
            if i or beside
            else f'<tspan class="{cls}" x="0" dy="20">{esc(w)}</tspan>'
            for i, (cls, w) in enumerate(words)
        )
        body.append(
            f'<g class="indicator"><title>{esc(r.name)}</title>'
            f'<text class="ind-name" x="0" y="{y + 16:.1f}">{esc(name)}{spans}</text>'
        )
        if not beside:
            y += 20
        top = max(abs(n) for _, _, n, _ in bars) or 1.0
        right = max(text_width(t) for _, t, _, _ in bars) + 12
        span = WIDTH - left - right
        for j, (kind, text, number, pattern) in enumerate(bars):
            by = y + 24 + j * 22
            w = span * max(number, 0.0) / top
            body.append(
                f'<g class="bar k-{kind}">'
                f'<text class="kind" x="{left - 8:.1f}" y="{by + 13:.1f}" text-anchor="end">'
                f"{esc(label(_BAR_LABEL[kind], lang))}</text>"
                f'<rect class="fill" x="{left:.1f}" y="{by + 2:.1f}" width="{w:.1f}" '
                f'height="15"{_fill(key, pattern)}/>'
                f'<text x="{left + w + 6:.1f}" y="{by + 13:.1f}">{esc(text)}</text></g>'
            )
        body.append("</g>")
        values = [
            label("chart.bar", lang, kind=label(_BAR_LABEL[k], lang), text=t) for k, t, _, _ in bars
        ]
        sep = label("warn.list_sep", lang)
        descs.append(item(r.name, sep.join(values + [w for _, w in words]), lang))
        y += 24 + 22 * len(bars) + 14
    title = label("chart.indicators", lang)
    return _svg(key, title, label("warn.reason_sep", lang).join(descs), y, body)
