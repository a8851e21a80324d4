"""Machine formats: JSON (a stable contract for scripts) and CSV (one row per task)."""

from __future__ import annotations

import csv
import io
import json
import json.encoder
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from rectify_cli.query import TaskRow
from rectify_cli.records import LogEntry, as_json

from .text import csv_safe, escaped, json_escaped

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
    """JSON as scripts read it: exactly the ledger's text once parsed, and every control and
    bidi character written as an escape, so the text is inert on a terminal too."""
    return json_escaped(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def tasks_json(rows: Iterable[TaskRow], refs: Callable[[TaskRow], str] | None = None) -> str:
    """With `refs` (several ledgers) each record also names its `ledger`, and its `ref`: the
    id `show` and `update` take (qualified where two ledgers share the id)."""
    return "".join(tasks_json_parts(rows, refs))


def tasks_json_parts(
    rows: Iterable[TaskRow], refs: Callable[[TaskRow], str] | None = None
) -> Iterator[str]:
    """tasks_json in pieces of a few hundred tasks, so that 100,000 tasks are written
    without holding all their records and the whole text (~1 GB) in memory.

    The text is byte for byte `to_json` of the list of `task_record`s (tests hold it so), but
    written from the records' fields directly: json.dumps with an indent runs in pure
    Python, and with the dicts to build first took ~8 s of `list --format json` on 100,000
    tasks; this takes a tenth of that.  Values that repeat across tasks (dates, departments,
    aspects, statuses) are encoded once per call.
    """
    task_json = _task_writer()
    chunk: list[str] = []
    sep = "[\n  "
    for r in rows:
        extra = ""
        if refs is not None:
            extra = f',\n    "ledger": {_s(r.ledger)},\n    "ref": {_s(refs(r))}'
        chunk.append(sep)
        chunk.append(task_json(r, extra))
        sep = ",\n  "
        if len(chunk) >= _CHUNK:
            yield json_escaped("".join(chunk))
            chunk.clear()
    chunk.append("[]\n" if sep.startswith("[") else "\n]\n")
    yield json_escaped("".join(chunk))


_CHUNK = 1000  # list items (two per task) per piece written

# json's own C string encoder (ensure_ascii=False): what json.dumps writes for a str.
_s: Callable[[str], str] = json.encoder.encode_basestring


class _Encoded(dict[Any, str]):
    """value → its JSON text, each computed once (None → null)."""

    def __init__(self, encode: Callable[[Any], str]) -> None:
        super().__init__({None: "null"})
        self.encode = encode

    def __missing__(self, key: Any) -> str:
        text = self[key] = self.encode(key)
        return text


def _texts(items: list[str], pad: str, text: Callable[[str], str] = _s) -> str:
    """A list of strings as json.dumps indents it, its items `pad` + 2 spaces in."""
    if not items:
        return "[]"
    inner = pad + "  "
    return "[\n" + inner + (",\n" + inner).join(map(text, items)) + "\n" + pad + "]"


def _task_writer() -> Callable[[TaskRow, str], str]:
    """The JSON text of one task row, with this call's tables of encoded values."""
    day = _Encoded(lambda d: f'"{d.isoformat()}"').__getitem__
    # Only values that repeat: titles and notes are mostly unique, and would only fill it.
    shared = _Encoded(_s).__getitem__
    # json.dumps writes int and float by their repr; one table each, as 100 == 100.0.
    integer = _Encoded(repr).__getitem__
    decimal = _Encoded(repr).__getitem__

    def log_json(e: LogEntry) -> str:
        changes = "[]" if not e.changes else _texts(e.changes, "        ")
        return (
            f'{{\n        "date": {day(e.date)},\n        "kind": {shared(e.kind)},'
            f'\n        "status": {shared(e.status)},'
            f'\n        "progress": {integer(e.progress)},\n        "note": {_s(e.note)},'
            f'\n        "by": {shared(e.by)},\n        "changes": {changes}\n      }}'
        )

    def task_json(row: TaskRow, extra: str) -> str:
        t, h = row.task, row.health
        log = "[]"
        if t.log:
            log = "[\n      " + ",\n      ".join(map(log_json, t.log)) + "\n    ]"
        expected = None if h.expected is None else round(h.expected, 1)
        measures = "[]" if not t.measures else _texts(t.measures, "    ")
        partners = "[]" if not t.partners else _texts(t.partners, "    ", shared)
        evidence = "[]" if not t.evidence else _texts(t.evidence, "    ")
        indicators = "[]" if not t.indicators else _texts(t.indicators, "    ", shared)
        return (
            f'{{\n    "id": {_s(t.id)},\n    "aspect": {shared(t.aspect)},'
            f'\n    "title": {_s(t.title)},\n    "measures": {measures},'
            f'\n    "lead": {shared(t.lead)},\n    "partners": {partners},'
            f'\n    "leader": {shared(t.leader)},\n    "owner": {shared(t.owner)},'
            f'\n    "phone": {shared(t.phone)},'
            f'\n    "start": {day(t.start)},\n    "deadline": {day(t.deadline)},'
            f'\n    "ongoing": {"true" if t.ongoing else "false"},'
            f'\n    "status": {shared(t.status)},\n    "merged_into": {shared(t.merged_into)},'
            f'\n    "progress": {integer(t.progress)},'
            f'\n    "completed_on": {day(t.completed_on)},\n    "evidence": {evidence},'
            f'\n    "indicators": {indicators},\n    "notes": {_s(t.notes)},'
            f'\n    "log": {log},\n    "aspect_name": {shared(row.aspect_name)},'
            f'\n    "health": {shared(h.health)},'
            f'\n    "expected_progress": {decimal(expected)}{extra}\n  }}'
        )

    return task_json


class CsvText(str):
    """Text in CSV: what `csv_on_terminal` shows when it is written to a terminal."""


def csv_text(header: Sequence[str], records: Iterable[Sequence[Any]]) -> CsvText:
    """CSV is data for a spreadsheet or a script: each cell holds the ledger's text as it is
    (control characters too), but for a `'` before a formula and CR line breaks written as
    LF.  `write` shows it on a terminal through `csv_on_terminal`."""
    buf = io.StringIO()
    # "\n", not RFC 4180's "\r\n": stdout in text mode turns it into "\r\n" on Windows,
    # where a literal "\r\n" would come out as "\r\r\n".
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for rec in records:
        writer.writerow([_cell(v) for v in rec])
    return CsvText(buf.getvalue())


def csv_on_terminal(text: str) -> str:
    """CSV text as a terminal shows it: every cell on one line, its controls, bidi
    characters, tabs and line breaks shown as escapes (`\\x1b`, `\\n`).  Raw, an ESC in a
    title would drive the terminal and a line break in an id would print a row of its own."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([escaped(cell) for cell in row])
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


def tasks_csv(rows: Iterable[TaskRow], refs: Callable[[TaskRow], str] | None = None) -> CsvText:
    records = []
    for r in rows:
        rec = task_record(r)
        cells = [rec.get(f) for f in TASK_CSV_FIELDS]
        records.append(cells if refs is None else [r.ledger, refs(r), *cells])
    header = TASK_CSV_FIELDS if refs is None else ("ledger", "ref", *TASK_CSV_FIELDS)
    return csv_text(header, records)
