"""Machine formats: JSON (a stable contract for scripts) and CSV (one row per task)."""

from __future__ import annotations

import csv
import io
import json
import json.encoder
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

from rectify_cli.query import TaskRow
from rectify_cli.records import as_json

from .text import csv_safe, escaped, json_escaped, json_raw_in

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
    return b"".join(tasks_json_parts(rows, refs)).decode("utf-8")


def tasks_json_parts(
    rows: Iterable[TaskRow], refs: Callable[[TaskRow], str] | None = None
) -> Iterator[bytes]:
    """tasks_json in pieces of a few hundred tasks, UTF-8 encoded, so that 100,000 tasks are
    written without holding all their records and the whole text (~1 GB) in memory.

    The text is byte for byte `to_json` of the list of `task_record`s (tests hold it so), but
    written from the records' fields directly: json.dumps with an indent runs in pure
    Python, and with the dicts to build first took ~8 s of `list --format json` on 100,000
    tasks.  Here a piece is written a column at a time (all the titles, then all the
    deadlines...) and each task by one %-format of a template, so the work per value runs
    in C (map, join, json's encoder), not in a Python call per task or value.  In bytes:
    most of the text is the indented keys, ASCII, which bytes copy as they are; a str
    holding Chinese widens them to two bytes a character, and stdout then encodes it all.
    """
    chunk_json = _chunk_writer(refs)
    it = iter(rows)
    sep = b"[\n  "
    while chunk := list(islice(it, _CHUNK)):
        yield sep + chunk_json(chunk)
        sep = b",\n  "
    yield b"[]\n" if sep.startswith(b"[") else b"\n]\n"


_CHUNK = 500  # tasks per piece written

# json's own C string encoder (ensure_ascii=False): what json.dumps writes for a str.
_s: Callable[[str], str] = json.encoder.encode_basestring


def _utf8(texts: Iterable[str]) -> Iterator[bytes]:
    """The JSON strings of `texts`, encoded.  DEL, C1 and bidi controls (json_escaped) are
    left to chunk_json's one search per piece: these values are mostly unique, and seldom
    hold one."""
    return map(str.encode, map(_s, texts))


class _Encoded(dict[Any, bytes]):
    """value → its JSON text, each computed once (None → null)."""

    def __init__(self, encode: Callable[[Any], str]) -> None:
        super().__init__({None: b"null"})
        self.encode = encode

    def __missing__(self, key: Any) -> bytes:
        text = self[key] = self.encode(key).encode()
        return text


def _grouped(lists: Sequence[Sequence[Any]], items: Iterable[bytes], pad: bytes) -> list[bytes]:
    """Each of `lists` as json.dumps indents a list, `pad` + 2 spaces in, from the JSON texts
    of all their items in turn (`items`, encoded in one pass over the lot)."""
    each = iter(items)
    first, sep, last = b"[\n" + pad + b"  ", b",\n" + pad + b"  ", b"\n" + pad + b"]"
    return [first + sep.join(islice(each, len(x))) + last if x else b"[]" for x in lists]


# What json.dumps(indent=2) writes for a task record (task_record) in the list, and for a
# log entry in it: the fields in the records' order, each filled with its JSON text.
_TASK = (
    b'{\n    "id": %s,\n    "aspect": %s,\n    "title": %s,\n    "measures": %s,'
    b'\n    "lead": %s,\n    "partners": %s,\n    "leader": %s,\n    "owner": %s,'
    b'\n    "phone": %s,\n    "start": %s,\n    "deadline": %s,\n    "ongoing": %s,'
    b'\n    "status": %s,\n    "merged_into": %s,\n    "progress": %s,'
    b'\n    "completed_on": %s,\n    "evidence": %s,\n    "indicators": %s,'
    b'\n    "notes": %s,\n    "log": %s,\n    "aspect_name": %s,\n    "health": %s,'
    b'\n    "expected_progress": %s%s\n  }'
)
_LOG = (
    b'{\n        "date": %s,\n        "kind": %s,\n        "status": %s,'
    b'\n        "progress": %s,\n        "note": %s,\n        "by": %s,'
    b'\n        "changes": %s\n      }'
)
_BOOL = {True: b"true", False: b"false"}.__getitem__
_IN_TASK, _IN_LOG = b" " * 4, b" " * 8  # the indent of a task's fields, a log entry's


def _chunk_writer(refs: Callable[[TaskRow], str] | None) -> Callable[[list[TaskRow]], bytes]:
    """The JSON text of some task rows, with this call's tables of encoded values."""
    day = _Encoded(lambda d: f'"{d.isoformat()}"').__getitem__
    # Only values that repeat (departments, aspects, statuses, people): titles and notes
    # are mostly unique, and would only fill it.  Escaped here, once per value.
    shared = _Encoded(lambda v: json_escaped(_s(v))).__getitem__
    # json.dumps writes int and float by their repr; one table each, as 100 == 100.0.
    integer = _Encoded(repr).__getitem__
    expected = _Encoded(lambda x: repr(round(x, 1))).__getitem__

    def chunk_json(chunk: list[TaskRow]) -> bytes:
        tasks, aspect_names, healths, ledgers = zip(*chunk, strict=True)
        (ids, aspects, titles, measures, leads, partners, leaders, owners, phones, starts,
         deadlines, ongoing, statuses, merged, progress, completed, evidence, indicators,
         notes, logs) = zip(*tasks, strict=True)  # fmt: skip
        states, expect, _, _ = zip(*healths, strict=True)
        entries = list(chain.from_iterable(logs))
        e_dates, e_kinds, e_statuses, e_progress, e_notes, e_by, e_changes = (
            zip(*entries, strict=True) if entries else ((),) * 7
        )
        # The text only the ledger's values bring in, but for `shared` ones, escaped already.
        unique = [ids, titles, notes, e_notes, *map(chain.from_iterable, (measures, evidence))]
        unique.append(chain.from_iterable(e_changes))
        extra = [b""] * len(chunk)
        if refs is not None:
            names, qualified = list(ledgers), list(map(refs, chunk))
            unique += [names, qualified]
            extra = [
                f',\n    "ledger": {_s(n)},\n    "ref": {_s(r)}'.encode()
                for n, r in zip(names, qualified, strict=True)
            ]
        log_texts = map(
            _LOG.__mod__,
            zip(
                map(day, e_dates),
                map(shared, e_kinds),
                map(shared, e_statuses),
                map(integer, e_progress),
                _utf8(e_notes),
                map(shared, e_by),
                _grouped(e_changes, _utf8(chain.from_iterable(e_changes)), _IN_LOG),
                strict=True,
            ),
        )
        text = b",\n  ".join(
            map(
                _TASK.__mod__,
                zip(
                    _utf8(ids),
                    map(shared, aspects),
                    _utf8(titles),
                    _grouped(measures, _utf8(chain.from_iterable(measures)), _IN_TASK),
                    map(shared, leads),
                    _grouped(partners, map(shared, chain.from_iterable(partners)), _IN_TASK),
                    map(shared, leaders),
                    map(shared, owners),
                    map(shared, phones),
                    map(day, starts),
                    map(day, deadlines),
                    map(_BOOL, ongoing),
                    map(shared, statuses),
                    map(shared, merged),
                    map(integer, progress),
                    map(day, completed),
                    _grouped(evidence, _utf8(chain.from_iterable(evidence)), _IN_TASK),
                    _grouped(indicators, map(shared, chain.from_iterable(indicators)), _IN_TASK),
                    _utf8(notes),
                    _grouped(logs, log_texts, _IN_TASK),
                    map(shared, aspect_names),
                    map(shared, states),
                    map(expected, expect),
                    extra,
                    strict=True,
                ),
            )
        )
        # What json_escaped would change, searched for once in all those values (it is
        # rarely there), not in the whole text: most of that is keys and indents.
        if json_raw_in("".join(chain(*unique))):
            return json_escaped(text.decode()).encode()
        return text

    return chunk_json


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
