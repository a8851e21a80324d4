"""Machine formats: JSON (a stable contract for scripts) and CSV (one row per task)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import json.encoder
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from rectify_cli.query import TaskRow
from rectify_cli.records import LogEntry, as_json

from .text import csv_safe

# CSV columns: the ledger's own field names, then what rectify computes.
TASK_CSV_FIELDS = (
    "id",
    "aspect",
    "title",
    "lead",
    "partners",
    "start",
    "deadline",
    "ongoing",
    "status",
    "progress",
    "completed_on",
    "health",
    "expected_progress",
    "evidence",
    "indicators",
    "measures",
    "notes",
)


def task_record(row: TaskRow) -> dict[str, Any]:
    """A task as JSON data: the ledger's field names plus the computed schedule health."""
    record = as_json(row.task)
    record["aspect_name"] = row.aspect_name
    record["health"] = row.health.health.value
    expected = row.health.expected
    record["expected_progress"] = None if expected is None else round(expected, 1)
    return record


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def tasks_json(rows: Iterable[TaskRow], refs: Callable[[TaskRow], str] | None = None) -> str:
    """With `refs` (several ledgers) each record also names its `ledger`, and its `ref`: the
    id `show` and `update` take (qualified where two ledgers share the id)."""
    return "".join(tasks_json_parts(rows, refs))


def tasks_json_parts(
    rows: Iterable[TaskRow], refs: Callable[[TaskRow], str] | None = None
) -> Iterator[str]:
    """tasks_json in pieces, a task at a time, so that 100,000 tasks are written without
    holding all their records and the whole text (~1 GB) in memory.

    The text is byte for byte `to_json` of the list of `task_record`s (tests hold it so), but
    written from the record's fields directly: json.dumps with an indent runs in pure
    Python, and with the dicts to build first took ~5 s of `list --format json` on 100,000
    tasks; this takes a fifth of that.
    """
    sep = "[\n  "
    for r in rows:
        extra = ""
        if refs is not None:
            extra = f',\n    "ledger": {_s(r.ledger)},\n    "ref": {_s(refs(r))}'
        yield sep + _task_json(r, extra)
        sep = ",\n  "
    yield "[]\n" if sep.startswith("[") else "\n]\n"


# json's own C string encoder (ensure_ascii=False): what json.dumps writes for a str.
_s: Callable[[str], str] = json.encoder.encode_basestring


def _opt(value: str | None) -> str:
    return "null" if value is None else _s(value)


def _num(value: float | None) -> str:
    # json.dumps writes int and float with their own repr.
    return "null" if value is None else repr(value)


def _day(value: dt.date | None) -> str:
    return "null" if value is None else f'"{value.isoformat()}"'


def _texts(items: list[str], pad: str) -> str:
    """A list of strings as json.dumps indents it, its items `pad` + 2 spaces in."""
    if not items:
        return "[]"
    inner = pad + "  "
    return "[\n" + inner + (",\n" + inner).join(map(_s, items)) + "\n" + pad + "]"


def _log_json(e: LogEntry) -> str:
    status = "null" if e.status is None else _s(e.status.value)
    return (
        f'{{\n        "date": "{e.date.isoformat()}",\n        "status": {status},'
        f'\n        "progress": {_num(e.progress)},\n        "note": {_s(e.note)},'
        f'\n        "by": {_opt(e.by)},\n        "changes": {_texts(e.changes, "        ")}'
        "\n      }"
    )


def _task_json(row: TaskRow, extra: str) -> str:
    t = row.task
    log = "[]"
    if t.log:
        log = "[\n      " + ",\n      ".join(map(_log_json, t.log)) + "\n    ]"
    expected = row.health.expected
    return (
        f'{{\n    "id": {_s(t.id)},\n    "aspect": {_s(t.aspect)},\n    "title": {_s(t.title)},'
        f'\n    "measures": {_texts(t.measures, "    ")},\n    "lead": {_s(t.lead)},'
        f'\n    "partners": {_texts(t.partners, "    ")},\n    "start": {_day(t.start)},'
        f'\n    "deadline": {_day(t.deadline)},'
        f'\n    "ongoing": {"true" if t.ongoing else "false"},'
        f'\n    "status": {_s(t.status.value)},\n    "progress": {_num(t.progress)},'
        f'\n    "completed_on": {_day(t.completed_on)},'
        f'\n    "evidence": {_texts(t.evidence, "    ")},'
        f'\n    "indicators": {_texts(t.indicators, "    ")},\n    "notes": {_s(t.notes)},'
        f'\n    "log": {log},\n    "aspect_name": {_s(row.aspect_name)},'
        f'\n    "health": {_s(row.health.health.value)},'
        f'\n    "expected_progress": {_num(None if expected is None else round(expected, 1))}'
        f"{extra}\n  }}"
    )


def csv_text(header: Sequence[str], records: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    # "\n", not RFC 4180's "\r\n": stdout in text mode turns it into "\r\n" on Windows,
    # where a literal "\r\n" would come out as "\r\r\n".
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for rec in records:
        writer.writerow([_cell(v) for v in rec])
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        # A lone "\r" is not quoted by the writer (its line ends are "\n"), yet a spreadsheet
        # and csv.reader end the row there: every line break is written as "\n", quoted.
        return csv_safe(value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def tasks_csv(rows: Iterable[TaskRow], refs: Callable[[TaskRow], str] | None = None) -> str:
    records = []
    for r in rows:
        rec = task_record(r)
        cells = [rec.get(f) for f in TASK_CSV_FIELDS]
        records.append(cells if refs is None else [r.ledger, refs(r), *cells])
    header = TASK_CSV_FIELDS if refs is None else ("ledger", "ref", *TASK_CSV_FIELDS)
    return csv_text(header, records)
