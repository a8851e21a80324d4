"""GitHub-flavoured Markdown: ledger text escaped, tables that always keep their shape."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from rectify_cli.i18n import Lang, label, status_label
from rectify_cli.query import TaskRow
from rectify_cli.records import Ledger

from .common import (
    LIST_COLUMNS,
    date_text,
    deadline_text,
    detail_extras,
    health_text,
    list_columns,
    newest_first,
    progress_text,
)
from .text import SEPARATOR, change_lines, md_escape, md_escape_column


def table(header: Sequence[str], body: Sequence[Sequence[str]], *, escaped: bool = False) -> str:
    """A GFM table; cells are escaped unless the caller built them as Markdown already."""

    if not escaped:
        header = [md_escape(h) for h in header]
        body = escape_columns(body, range(len(header)))
    return _header(header) + _body(body)


def _header(header: Sequence[str]) -> str:
    # An empty cell is a space, or the row would lose a column.
    return (
        "| "
        + " | ".join(h or " " for h in header)
        + " |\n|"
        + "|".join(" --- " for _ in header)
        + "|\n"
    )


def _body(body: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(r if "" not in r else [c or " " for c in r]) + " |" for r in body]
    return "\n".join(lines) + "\n" if lines else ""


def escape_columns(
    body: Sequence[Sequence[str]], columns: Iterable[int]
) -> Sequence[Sequence[str]]:
    """`body` with the cells of `columns` through `md_escape`.  Column by column: a column
    whose texts repeat (a department, a date, a status) escapes each text once, and the
    cells are looked up in C; a table of 100,000 rows has 400,000 cells to escape."""
    if not body:
        return body
    cols = [list(c) for c in zip(*body, strict=True)]
    for i in columns:
        cols[i] = escaped(cols[i])
    return list(zip(*cols, strict=True))


def escaped(texts: list[str]) -> list[str]:
    """A column's texts through `md_escape`, each distinct text once when they repeat."""
    distinct = set(texts)
    if len(distinct) * 2 < len(texts):
        unique = list(distinct)
        table = dict(zip(unique, md_escape_column(unique), strict=True))
        return list(map(table.__getitem__, texts))
    return md_escape_column(texts)


def column_table(header: Sequence[str], columns: Sequence[list[str]]) -> str:
    """`table` of a body given column by column (cells escaped): no rows to take apart."""
    cols = [escaped(c) for c in columns]
    return _header([md_escape(h) for h in header]) + _body(list(zip(*cols, strict=True)))


def tasks_table(
    rows: Sequence[TaskRow], lang: Lang, refs: Callable[[TaskRow], str] | None = None
) -> str:
    """The task list; with `refs` (several ledgers) a ledger column first, and each id as
    `refs` writes it (qualified where two ledgers share it)."""
    return "".join(tasks_table_parts(rows, lang, refs))


def tasks_table_parts(
    rows: Sequence[TaskRow], lang: Lang, refs: Callable[[TaskRow], str] | None = None
) -> Iterator[str]:
    """tasks_table in pieces of a thousand rows: 100,000 rows are written without holding
    their cells, their lines and the whole text at once."""
    if not rows:
        yield label("list.empty", lang) + "\n"
        return
    header = [label(c, lang) for c in LIST_COLUMNS]
    if refs is not None:
        header = [label("ledger", lang), *header]
    yield _header(header)
    # Only the ledger's own text is escaped: dates, statuses and progress are rectify's.
    own = range(5 if refs is not None else 4)  # (ledger,) id, aspect, title, lead
    for at in range(0, len(rows), _CHUNK):
        chunk = rows[at : at + _CHUNK]
        columns = list_columns(chunk, lang)
        if refs is not None:
            columns = [[r.ledger for r in chunk], list(map(refs, chunk)), *columns[1:]]
        for i in own:
            columns[i] = escaped(columns[i])
        yield _body(list(zip(*columns, strict=True)))


_CHUNK = 1000  # rows per piece written


def task_detail(row: TaskRow, ledger: Ledger, lang: Lang) -> str:
    t = row.task
    lines = [f"## {md_escape(t.id)} {md_escape(t.title)}", ""]
    fields = [
        ("aspect", f"{t.aspect} {row.aspect_name}"),
        ("lead", t.lead),
        ("partners", "、".join(t.partners) if lang == "zh" else ", ".join(t.partners)),
        *((k, getattr(t, k)) for k in ("leader", "owner", "phone") if getattr(t, k)),
        ("start", date_text(t.start or ledger.meta.feedback_date)),
        ("deadline", deadline_text(t, lang)),
        ("status", status_label(t.status, lang)),
        ("progress", progress_text(t)),
        ("health", health_text(row.health.health, lang)),
        ("completed_on", date_text(t.completed_on)),
    ]
    extra_fields, postponed = detail_extras(t, lang)
    fields += extra_fields
    lines += [f"- **{label(k, lang)}**: {md_escape(v) if v else '—'}" for k, v in fields]
    if postponed:
        lines += ["", f"**{label('postponements', lang)}**", ""]
        lines += [f"- {md_escape(p)}" for p in postponed]
    for key, items in (
        ("measures", t.measures),
        ("evidence", t.evidence),
        ("indicators", t.indicators),
    ):
        if items:
            lines += ["", f"**{label(key, lang)}**", ""]
            lines += [f"- {md_escape(i)}" for i in items]
    if t.notes:
        lines += ["", f"**{label('notes', lang)}**: {md_escape(t.notes)}"]
    if t.log:
        lines += ["", f"### {label('log', lang)}", ""]
        body = [
            [
                e.date.isoformat(),
                status_label(e.status, lang) if e.status else "",
                f"{e.progress}%" if e.progress is not None else "",
                SEPARATOR[lang].join(
                    [*change_lines(e.changes, lang), *([e.note] if e.note else [])]
                ),
                e.by or "",
            ]
            for e in newest_first(t.log)
        ]
        header = [label(k, lang) for k in ("date", "status", "progress", "note", "by")]
        lines.append(table(header, body).rstrip("\n"))
    return "\n".join(lines) + "\n"
