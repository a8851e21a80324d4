"""What `update`, `record` and `log` print.  Plain text here; rich only inside `log_table`,
and the table and machine-format helpers only inside the functions that use them, so an
update imports nothing it does not print."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rectify_cli.history import LogRow
from rectify_cli.i18n import Lang, label, status_label
from rectify_cli.records import as_json

from .text import COLON, change_lines, changes_joined, escaped, one_line

if TYPE_CHECKING:
    from rich.console import RenderableType

    from rectify_cli.edit import Outcome

LOG_COLUMNS = ("date", "id", "status", "progress", "changes", "note", "by")
# A log row → its task id as shown over several ledgers (qualified where two share it).
Refs = Callable[[LogRow], str]


def _lang(outcome: Outcome) -> Lang:
    return "en" if outcome.lang == "en" else "zh"


def update_summary(outcome: Outcome, lang: Lang | None = None) -> str:
    """`Updated T05 (data/tasks.toml):` and one indented line per change and the note."""
    lang = lang or _lang(outcome)
    fields = {"id": escaped(outcome.ident), "path": escaped(outcome.shown)}
    if not outcome.changed:
        return label("update.nothing", lang, **fields) + "\n"
    key = "update.noted" if not outcome.changes else "update.updated"
    lines = [label(key, lang, **fields)]
    if outcome.kind == "petition":
        lines += [f"  {c}" for c in case_change_lines(outcome.changes, lang)]
    else:
        lines += [f"  {c}" for c in change_lines(outcome.changes, lang)]
    if outcome.note:
        lines.append(f"  {label('note', lang)}{COLON[lang]}{one_line(outcome.note)}")
    return "\n".join(lines) + "\n"


def case_change_lines(changes: Iterable[str], lang: Lang) -> list[str]:
    """A petition case's change lines as a person reads them: in Chinese with the labels of
    the petition table (`办理状态：办理中 → 已办结`); as stored, stable keys, in English."""
    from rectify_cli.textfmt import ARROW, parse_change

    out = []
    for line in changes:
        parts = parse_change(line)
        if lang != "zh" or parts is None:
            out.append(one_line(line))
            continue
        key, old, new = parts
        words = [
            label(f"{'handling' if key == 'status' else key}.{v}", lang)
            if key in ("status", "finding") and v != "—"
            else v
            for v in (old, new)
        ]
        out.append(one_line(f"{label('pet.' + key, lang)}{COLON[lang]}{ARROW.join(words)}"))
    return out


def added_summary(outcome: Outcome, lang: Lang | None = None) -> str:
    """`Added petition case X001 (data/petitions.toml)`."""
    lang = lang or _lang(outcome)
    fields = {"id": escaped(outcome.ident), "path": escaped(outcome.shown)}
    return label("petition.added", lang, **fields) + "\n"


def record_summary(outcome: Outcome, lang: Lang | None = None) -> str:
    from rectify_cli.textfmt import number_text

    lang = lang or _lang(outcome)
    fields = {"id": escaped(outcome.ident), "path": escaped(outcome.shown)}
    if not outcome.changed:
        return label("record.nothing", lang, **fields) + "\n"
    lines = [label("record.recorded", lang, **fields)]
    lines += [f"  {c}" for c in change_lines(outcome.changes, lang)]
    if outcome.archived is not None:
        lines.append(
            label(
                "record.archived",
                lang,
                value=number_text(outcome.archived.value),
                period=one_line(outcome.archived.period) or "—",
            )
        )
    return "\n".join(lines) + "\n"


def _record(row: LogRow, refs: Refs | None = None) -> dict[str, Any]:
    """An entry for scripts; with `refs` (several ledgers) also its `ledger` and `ref`, the
    id `show` and `update` take, as `list --format json` gives them."""
    record = {"task": row.task_id, **as_json(row.entry)}
    if refs is not None:
        record |= {"ledger": row.ledger, "ref": refs(row)}
    return record


def _cells(row: LogRow, lang: Lang, refs: Refs | None = None) -> list[str]:
    e = row.entry
    cells = [
        e.date.isoformat(),
        refs(row) if refs is not None else row.task_id,
        status_label(e.status, lang) if e.status else "",
        f"{e.progress}%" if e.progress is not None else "",
        changes_joined(e.changes, lang),
        e.note,
        e.by or "",
    ]
    # Several ledgers: which one, first, as `list` shows it.
    return cells if refs is None else [row.ledger, *cells]


def _columns(refs: Refs | None) -> tuple[str, ...]:
    return LOG_COLUMNS if refs is None else ("ledger", *LOG_COLUMNS)


def log_json(rows: Sequence[LogRow], refs: Refs | None = None) -> str:
    from .data import to_json

    return to_json([_record(r, refs) for r in rows])


CSV_FIELDS = ("task", "date", "status", "progress", "changes", "note", "by")


def log_csv(rows: Sequence[LogRow], refs: Refs | None = None) -> str:
    from .data import csv_text

    fields = CSV_FIELDS if refs is None else ("ledger", "ref", *CSV_FIELDS)
    records = []
    for r in rows:
        rec = _record(r, refs)
        records.append([rec[f] for f in fields])
    return csv_text(fields, records)


def log_md(rows: Sequence[LogRow], lang: Lang, refs: Refs | None = None) -> str:
    """The entries as a table; with `refs` (several ledgers) a ledger column first."""
    if not rows:
        return label("log.empty", lang) + "\n"
    from .markdown import table

    header = [label(c, lang) for c in _columns(refs)]
    return table(header, [_cells(r, lang, refs) for r in rows])


def log_table(rows: Sequence[LogRow], lang: Lang, refs: Refs | None = None) -> RenderableType:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from .terminal import data

    if not rows:
        return Text(label("log.empty", lang))
    out = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, padding=(0, 1))
    columns = _columns(refs)
    for col in columns:
        out.add_column(
            label(col, lang),
            no_wrap=col in ("date", "id", "progress"),
            overflow="fold",
        )
    changes_at = columns.index("changes")
    for r in rows:
        cells = _cells(r, lang, refs)
        cells[changes_at] = "\n".join(change_lines(r.entry.changes, lang))
        out.add_row(*(Text(c) if i == changes_at else data(c) for i, c in enumerate(cells)))
    out.caption = label("log.count", lang, count=len(rows))
    return out
