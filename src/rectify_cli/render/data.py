"""Machine formats: JSON (a stable contract for scripts) and CSV (one row per task)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from rectify_cli.query import TaskRow

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
    """A task as JSON: the ledger's field names plus the computed schedule health."""
    record = row.task.model_dump(mode="json")
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
    holding all their records and the whole text (~1 GB) in memory.  Each record is
    json.dumps's own text, indented one level as the list would indent it (JSON text has no
    raw newline inside a string), so the whole is byte for byte json.dumps of the list."""
    sep = "[\n  "
    for r in rows:
        record = task_record(r)
        if refs is not None:
            record = {**record, "ledger": r.ledger, "ref": refs(r)}
        yield sep + json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        sep = ",\n  "
    yield "[]\n" if sep.startswith("[") else "\n]\n"


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
