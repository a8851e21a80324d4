"""Safe, audited edits of one task or one indicator in a ledger that people also edit by hand.

Three layers, each testable on its own:

1. Rules, pure: `plan_task_update(task, update)` and `plan_reading(indicator, reading)` turn a
   request into the new item (its new log entry or history reading appended), or refuse with
   one sentence.  No files.
2. Text: `TextLayout` finds the one `[[tasks]]` / `[[indicators]]` block an edit touches (in
   the file's bytes: only that block is ever decoded), and `edit_block` changes that block
   alone with tomlkit, so every other byte stays as typed.
3. File: `update_task` / `record_reading` read under a lock, verify, and replace atomically.

Why not a whole-document tomlkit round trip: about 11 s on 10,000 tasks.  Why not re-parse the
whole new file on every update: about 2 s on 10,000 tasks with tomllib (it reads about 5 MB/s),
four times the budget, and still too slow with rtoml plus validation.  Instead the edited
block is parsed back on its own and must equal the intended item exactly, and the untouched
bytes are known valid because a stamp in rectify's cache folder says this very content (by
SHA-256) was fully validated before: by the previous update, or here, once, when the stamp is
missing or stale (a hand edit, a git pull, another rectify version).
A block parses the same alone as in its file because it runs from a real top-level header to
the next one; `TextLayout` skips header-like lines inside multi-line strings, and a valid
ledger has no arrays of arrays, the only other place a header-like line can hide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import tomllib
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, AnyStr, Generic, TypeVar, cast

from filelock import FileLock, Timeout
from pydantic import BaseModel, ValidationError

from . import __version__
from .atomic import write_atomic
from .errors import (
    LedgerInvalid,
    LedgerNotFound,
    RectifyError,
    Remedy,
    UnknownTask,
    UsageError,
    WriteRefused,
    did_you_mean,
    unknown_task,
)
from .files import display_path, ledger_files, resolve_root, unreadable
from .i18n import field_name, say, spoken, status_word
from .kinds import FINISHED, LEDGER_VERSION, Status
from .locate import locate
from .models import Indicator, IndicatorFile, LogEntry, Reading, Task, TaskFile
from .outputs import is_read_only
from .problems import integrity_problems, validation_problems
from .rules import lacks_evidence, only_a_note
from .store import load_file
from .textfmt import change_text, number_text, value_text
from .toml_read import parse_toml

# Long enough to wait out another writer (milliseconds each), short enough that a stuck lock
# is reported instead of hanging a script.
LOCK_TIMEOUT = 10.0
BOM = b"\xef\xbb\xbf"

# --------------------------------------------------------------------------- rules (pure)

_RANK = {Status.NOT_STARTED: 0, Status.IN_PROGRESS: 1, Status.DONE: 2, Status.CLOSED: 3}


@dataclass(frozen=True)
class TaskUpdate:
    """What `rectify update` was asked to do; everything but the date is optional."""

    date: dt.date
    status: Status | None = None
    progress: int | None = None
    deadline: dt.date | None = None
    note: str = ""
    evidence: tuple[str, ...] = ()
    by: str | None = None
    reopen: bool = False


@dataclass(frozen=True)
class NewReading:
    """What `rectify record` was asked to do."""

    value: float
    period: str
    correct: bool = False
    change: float | None = None
    rank: int | None = None
    change_rank: int | None = None
    # The day the value is recorded, kept as the indicator's `recorded` (and moved with it
    # into history): what lets `rectify changes` date a reading.  None: not dated.
    recorded: dt.date | None = None


M = TypeVar("M", Task, Indicator)


@dataclass(frozen=True)
class Plan(Generic[M]):
    """The item after the edit (its new log entry or reading appended) and what changed."""

    before: M
    after: M
    changes: tuple[str, ...]
    note: str = ""
    appended: LogEntry | Reading | None = None


# What a write was doing, as a Chinese message says it.
_DOING = {"updating": "更新", "importing into": "导入"}
# How a message names what it is about: (English, Chinese).
_NOUNS = {"task": ("task", "任务"), "indicator": ("indicator", "指标")}


def _revalidate(model: type[M], data: dict[str, Any], noun: str, ident: str) -> M:
    """The model's own rules (deadline or ongoing, 0–100, ...) as a refusal, not a crash."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        who = say("{noun} {id}: ", "{noun} {id}：", noun=_NOUNS[noun][spoken() == "zh"], id=ident)
        raise WriteRefused(who + (f"{field_name(where)}: " if where else "") + msg) from None


def plan_task_update(task: Task, upd: TaskUpdate) -> Plan[Task] | None:
    """The task after `upd` and its new log entry, or None when there is nothing to do.

    Refuses, with a sentence, whatever would make the ledger say something untrue: progress
    outside 0–100, a done task below 100 %, closing (销号) without evidence or before the task
    is complete, and reopening a done or closed task without `--reopen` and a note.
    """
    tid = task.id
    note = upd.note.strip()
    by = (upd.by or "").strip() or None
    if upd.progress is not None and not 0 <= upd.progress <= 100:
        raise WriteRefused(
            say(
                "task {id}: progress: must be between 0 and 100, got {got}",
                "任务 {id}：进度应在 0 到 100 之间，实际为 {got}",
                id=tid,
                got=upd.progress,
            )
        )
    old = task.status
    was_completed = old in FINISHED
    new = upd.status if upd.status is not None else old
    if upd.reopen:
        if not was_completed:
            raise WriteRefused(
                say(
                    "task {id}: --reopen: the task is {old}, not done or closed; "
                    "there is nothing to reopen",
                    "任务 {id}：--reopen：该任务为“{old}”，不是已完成或已销号，无须重新打开",
                    id=tid,
                    old=status_word(old),
                )
            )
        if upd.status is None:
            new = Status.IN_PROGRESS
    elif upd.status is None and upd.progress and old is Status.NOT_STARTED:
        new = Status.IN_PROGRESS  # progress reported on a task not started: it has started
    going_back = was_completed and _RANK[new] < _RANK[old]
    if going_back:
        if not upd.reopen:
            raise WriteRefused(
                say("task {id} is {old}", "任务 {id} 为“{old}”", id=tid, old=status_word(old)),
                Remedy.REOPEN,
            )
        if not note:
            raise WriteRefused(
                say(
                    "task {id}: reopening a {old} task needs a --note saying why",
                    "任务 {id}：重新打开“{old}”的任务须用 --note 说明原因",
                    id=tid,
                    old=status_word(old),
                )
            )
    elif upd.reopen:
        raise WriteRefused(
            say(
                "task {id}: --reopen: --status {new} does not reopen a {old} task; "
                "use --status in_progress or not_started",
                "任务 {id}：--reopen：--status {new} 不能重新打开“{old}”的任务；"
                "请用 --status in_progress 或 not_started",
                id=tid,
                new=new.value,
                old=status_word(old),
            )
        )

    progress = upd.progress if upd.progress is not None else task.progress
    completed_on = task.completed_on
    if new in FINISHED:
        if upd.progress is not None and upd.progress != 100:
            raise WriteRefused(
                say(
                    "task {id}: progress: a {new} task is at 100, not {got}",
                    "任务 {id}：“{new}”的任务进度为 100，不能是 {got}",
                    id=tid,
                    new=status_word(new),
                    got=upd.progress,
                )
                + (
                    say(
                        "; to reopen it: --status in_progress --reopen --note WHY",
                        "；如需重新打开：--status in_progress --reopen --note 原因",
                    )
                    if was_completed
                    else ""
                )
            )
        if not only_a_note(upd):  # a note on a finished task leaves its progress as it is
            progress = 100
        if not was_completed:
            completed_on = upd.date
    if new is Status.CLOSED and old is not Status.CLOSED:
        if not was_completed:
            raise WriteRefused(
                say(
                    "task {id}: only a completed task can be closed (销号); it is {old}; "
                    "mark it done first with --status done",
                    "任务 {id}：只有已完成的任务才能销号，该任务为“{old}”；"
                    "请先用 --status done 标为已完成",
                    id=tid,
                    old=status_word(old),
                )
            )
        if lacks_evidence(new, [*task.evidence, *upd.evidence]):
            raise WriteRefused(
                say(
                    "task {id}: closing (销号) needs evidence of acceptance",
                    "任务 {id}：销号须有验收佐证材料",
                    id=tid,
                ),
                Remedy.ADD_EVIDENCE,
            )
    if going_back and new.is_open:
        completed_on = None
    if completed_on is not None and task.start is not None and completed_on < task.start:
        raise WriteRefused(
            say(
                "task {id}: completed_on: {on} is before the task's start {start}",
                "任务 {id}：完成日期 {on} 早于任务开始日期 {start}",
                id=tid,
                on=completed_on,
                start=task.start,
            ),
            Remedy.GIVE_DATE,
        )

    evidence = list(task.evidence)
    added = []
    for item in upd.evidence:
        item = item.strip()
        if not item:
            raise WriteRefused(
                say(
                    "task {id}: --evidence must not be empty",
                    "任务 {id}：--evidence 不能为空",
                    id=tid,
                )
            )
        if item not in evidence:
            evidence.append(item)
            added.append(item)
    deadline = upd.deadline if upd.deadline is not None else task.deadline

    changes = [
        change_text(name, a, b)
        for name, a, b in (
            ("status", old, new),
            ("progress", task.progress, progress),
            ("deadline", task.deadline, deadline),
            ("completed_on", task.completed_on, completed_on),
        )
        if a != b
    ]
    changes += [f"evidence: + {item}" for item in added]
    if not changes and not note:
        return None

    entry = LogEntry(
        date=upd.date,
        status=new if new != old else None,
        progress=progress if progress != task.progress else None,
        note=note,
        by=by,
        changes=changes,
    )
    data = task.model_dump()
    data.update(
        status=new,
        progress=progress,
        deadline=deadline,
        completed_on=completed_on,
        evidence=evidence,
        log=[*task.log, entry],
    )
    after = _revalidate(Task, data, "task", tid)
    return Plan(before=task, after=after, changes=tuple(changes), note=note, appended=entry)


# Fields that describe the published value of one period, and go stale with a new period.
_PERIOD_FIELDS = ("value_bound", "change", "change_bound", "rank", "change_rank", "rank_note")


def plan_reading(ind: Indicator, new: NewReading) -> Plan[Indicator] | None:
    """The indicator with its new current value; the previous reading moves to `history`.

    A new period archives the old value, period and whatever was published with it (bound,
    change, ranks) into a `Reading`, and clears those stale fields unless given anew.  The same
    period again is a correction and needs `correct=True`, so a slip of the finger never
    silently overwrites a published figure.
    """
    iid = ind.id
    period = new.period.strip()
    if not period:
        raise WriteRefused(
            say(
                "indicator {id}: --period must not be empty", "指标 {id}：--period 不能为空", id=iid
            )
        )
    given = {"change": new.change, "rank": new.rank, "change_rank": new.change_rank}
    for name, value in given.items():
        if name != "change" and value is not None and value < 1:
            raise WriteRefused(
                say(
                    "indicator {id}: --{option}: must be 1 or more",
                    "指标 {id}：--{option} 应不小于 1",
                    id=iid,
                    option=name.replace("_", "-"),
                )
            )
    data = ind.model_dump()
    archived: Reading | None = None
    same_period = ind.value is not None and ind.period == period
    if same_period:
        if not new.correct and new.value != ind.value:
            raise WriteRefused(
                say(
                    "indicator {id} already has {value} for {period}; pass --correct to replace it",
                    "指标 {id} 在 {period} 已有数值 {value}；如要替换请加 --correct",
                    id=iid,
                    value=number_text(ind.value or 0),
                    period=period,
                )
            )
        data["value"] = new.value
        data["value_bound"] = None if new.value != ind.value else ind.value_bound
        data.update({k: v for k, v in given.items() if v is not None})
        if new.recorded is not None and new.value != ind.value:
            data["recorded"] = new.recorded
    else:
        if new.correct:
            raise WriteRefused(
                say(
                    "indicator {id}: --correct replaces the value of the current period "
                    "({current}); {period} is a new period, leave --correct out",
                    "指标 {id}：--correct 用于替换当前期间（{current}）的数值；"
                    "{period} 是新的期间，请去掉 --correct",
                    id=iid,
                    current=ind.period or say("none", "无"),
                    period=period,
                )
            )
        if ind.value is not None:
            published = [
                f"{k} = {value_text(getattr(ind, k))}"
                + (str(ind.change_unit.value) if k == "change" else "")
                for k in _PERIOD_FIELDS
                if getattr(ind, k) is not None
            ]
            archived = Reading(
                value=ind.value,
                period=ind.period or "",
                recorded=ind.recorded,
                note="; ".join(published),
            )
        data.update(dict.fromkeys(_PERIOD_FIELDS))
        data.update(value=new.value, period=period, recorded=new.recorded, **given)
        if archived is not None:
            data["history"] = [*ind.history, archived]
    after = _revalidate(Indicator, data, "indicator", iid)
    changes = tuple(
        change_text(name, getattr(ind, name), getattr(after, name))
        for name in ("value", "period", *_PERIOD_FIELDS)
        if getattr(ind, name) != getattr(after, name)
    )
    if not changes:
        return None
    return Plan(before=ind, after=after, changes=changes, appended=archived)


# --------------------------------------------------------------------------- text layout

_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_HEADER_SRC = (
    rf"^[ \t]*(\[\[?)[ \t]*({_KEY}(?:[ \t]*\.[ \t]*{_KEY})*)[ \t]*\]\]?[ \t]*(?:#[^\n]*)?\r?$"
)
# Everything that can hide a header-like line or a quote: strings (multi-line first) and
# comments.  Used only when the text has a multi-line string at all.
_TOKENS_SRC = (
    r'"""(?:\\[\s\S]|[^\\])*?"{3,5}'
    r"|'''[\s\S]*?'{3,5}"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
)
# Each pattern for text and for bytes: an update works on the file's bytes (UTF-8 never uses
# an ASCII byte inside a multi-byte character, so matching TOML's ASCII syntax on bytes is
# exact) and decodes only the block it edits, sparing the decoding and encoding of the file.
_HEADER = re.compile(_HEADER_SRC, re.M)
_HEADER_B = re.compile(_HEADER_SRC.encode(), re.M)
_KEY_PART = re.compile(_KEY)
_TOKENS = re.compile(_TOKENS_SRC)
_TOKENS_B = re.compile(_TOKENS_SRC.encode())
_ML_QUOTES = ('"""', "'''")


def _unquote(part: str) -> str:
    if part.startswith("'"):
        return part[1:-1]
    if part.startswith('"'):
        if "\\" not in part:
            return part[1:-1]
        value = tomllib.loads(f"k = {part}")["k"]
        return str(value)
    return part


@dataclass(frozen=True)
class Header:
    start: int  # offset of the line's first character
    name: tuple[str, ...]
    array: bool


class TextLayout(Generic[AnyStr]):
    """Where the table headers of a TOML text (str, or UTF-8 bytes) are, and the block each
    `[[table]]` owns; offsets are into `text`.

    Queries are local where they can be (the header before an offset, the headers after it),
    so finding one task in a 10,000-task file does not walk 30,000 headers in Python.
    """

    def __init__(self, text: AnyStr) -> None:
        self.text: AnyStr = text
        self._bytes = isinstance(text, bytes)
        self._header_re: re.Pattern[AnyStr] = cast(
            "re.Pattern[AnyStr]", _HEADER_B if self._bytes else _HEADER
        )
        self._nl: AnyStr = self._lit("\n")
        self._strings: list[tuple[int, int]] | None = None
        self._string_starts: list[int] = []
        self._names: dict[AnyStr, tuple[str, ...]] = {}

    def _lit(self, value: str) -> AnyStr:
        return cast(AnyStr, value.encode() if self._bytes else value)

    def region(self, start: int, end: int) -> str:
        """text[start:end] as str (decoded when the layout is over bytes)."""
        part = self.text[start:end]
        return part.decode("utf-8") if isinstance(part, bytes) else part

    def _string_spans(self) -> list[tuple[int, int]]:
        if self._strings is None:
            text = self.text
            self._strings = []
            quotes = tuple(self._lit(q) for q in _ML_QUOTES)
            if any(q in text for q in quotes):
                tokens = cast("re.Pattern[AnyStr]", _TOKENS_B if self._bytes else _TOKENS)
                self._strings = [
                    (m.start(), m.end())
                    for m in tokens.finditer(text)
                    if m.group().startswith(quotes) and self._nl in m.group()
                ]
            self._string_starts = [s for s, _ in self._strings]
        return self._strings

    def in_string(self, pos: int) -> bool:
        """Whether `pos` is inside a multi-line string (where a line is text, not TOML)."""
        spans = self._string_spans()
        i = bisect_right(self._string_starts, pos) - 1
        return i >= 0 and spans[i][0] < pos < spans[i][1]

    def line_of(self, pos: int) -> int:
        return self.text.count(self._nl, 0, pos) + 1

    def _header(self, m: re.Match[AnyStr]) -> Header:
        key = m.group(2)
        name = self._names.get(key)
        if name is None:
            parts = _KEY_PART.findall(key.decode("utf-8") if isinstance(key, bytes) else key)
            name = self._names[key] = tuple(_unquote(p) for p in parts)
        return Header(m.start(), name, len(m.group(1)) == 2)

    def headers_from(self, pos: int = 0) -> Iterator[Header]:
        for m in self._header_re.finditer(self.text, pos):
            if not self.in_string(m.start()):
                yield self._header(m)

    def header_before(self, pos: int) -> Header | None:
        """The last header that starts before `pos`."""
        window = 4096
        while True:
            lo = max(0, pos - window)
            found = [
                m
                for m in self._header_re.finditer(self.text, lo, pos)
                if not self.in_string(m.start())
            ]
            if found:
                return self._header(found[-1])
            if lo == 0:
                return None
            window *= 4

    def block_end(self, table: str, start: int) -> int:
        """Where the `[[table]]` element whose header starts at `start` ends: at the next
        header that is not one of its own sub-tables (`[[tasks.log]]` belongs to its task)."""
        first = self.text.find(self._nl, start)
        if first < 0:
            return len(self.text)
        for h in self.headers_from(first + 1):
            if not (h.name[0] == table and len(h.name) > 1):
                return h.start
        return len(self.text)

    def blocks(self, table: str) -> list[tuple[int, int]]:
        """(start, end) of every `[[table]]` element, in file order."""
        out: list[tuple[int, int]] = []
        current: int | None = None
        for h in self.headers_from(0):
            if current is not None and h.name[0] == table and len(h.name) > 1:
                continue
            if current is not None:
                out.append((current, h.start))
                current = None
            if h.array and h.name == (table,):
                current = h.start
        if current is not None:
            out.append((current, len(self.text)))
        return out

    def table_block(self, name: str) -> tuple[int, int] | None:
        """The first `[name]` table, for reading `[ledger]` without parsing the file."""
        start: int | None = None
        for h in self.headers_from(0):
            if start is None:
                if not h.array and h.name == (name,):
                    start = h.start
            elif h.name[0] != name:
                return start, h.start
        return None if start is None else (start, len(self.text))

    def trim(self, start: int, end: int) -> int:
        """`end` moved back over trailing blank and comment lines: a comment just above the
        next header belongs to the next item, so it stays where it is."""
        text, nl, hash_ = self.text, self._nl, self._lit("#")
        first_line_end = text.find(nl, start)
        floor = len(text) if first_line_end < 0 else first_line_end + 1
        pos = end
        while pos > floor:
            line_start = text.rfind(nl, 0, pos - 1) + 1
            if line_start < floor:
                break
            stripped = text[line_start:pos].strip()
            if (stripped and not stripped.startswith(hash_)) or self.in_string(line_start):
                break
            pos = line_start
        return pos

    def id_lines(self, ident: str) -> list[int]:
        """Line offsets of `id = "<ident>"` outside strings: where to look for an item.

        A find for the quoted id first (a C scan), then only those lines get the regex.
        """
        text, nl = self.text, self._nl
        quoted = re.escape(ident)
        line_src = (
            rf"""[ \t]*(?:id|"id"|'id')[ \t]*=[ \t]*(?:"{quoted}"|'{quoted}')[ \t]*"""
            r"(?:#[^\n]*)?\r?(?:\n|$)"
        )
        line_re = cast(
            "re.Pattern[AnyStr]", re.compile(line_src.encode() if self._bytes else line_src)
        )
        out: set[int] = set()
        # 'literal' ids are rare: their scan of the whole text runs only when "basic" finds none.
        for needle in (self._lit(f'"{ident}"'), self._lit(f"'{ident}'")):
            pos = text.find(needle)
            while pos >= 0:
                line_start = text.rfind(nl, 0, pos) + 1
                if line_re.match(text, line_start) and not self.in_string(line_start):
                    out.add(line_start)
                pos = text.find(needle, pos + 1)
            if out:
                break
        return sorted(out)


# Text for what people (and `rectify import`) hand over; bytes for a file being updated.
Layout = TextLayout[str]
BytesLayout = TextLayout[bytes]


class BlockNotIsolated(Exception):
    """A block did not parse alone into exactly one item: the layout is too unusual."""


def parse_alone(region: str, table: str) -> dict[str, Any]:
    """The one `[[table]]` item a block holds, parsed on its own."""
    try:
        data = tomllib.loads(region)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise BlockNotIsolated(str(exc)) from None
    items = data.get(table)
    if set(data) != {table} or not isinstance(items, list) or len(items) != 1:
        raise BlockNotIsolated(f"the block holds {sorted(data)}, not one [[{table}]]")
    item = items[0]
    if not isinstance(item, dict):
        raise BlockNotIsolated("not a table")
    return item


# --------------------------------------------------------------------------- block edit


def toml_value(value: Any) -> Any:
    """A model value as tomlkit should write it: enums by key, numbers as written (the
    models keep 30 an int and 15.0 a float, and the report prints them so)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [toml_value(v) for v in value]
    return value


def table_of(model: BaseModel) -> dict[str, Any]:
    """A model as the keys a person would write: defaults left out, in field order."""
    present = model.model_dump(exclude_defaults=True)
    return {k: toml_value(getattr(model, k)) for k in type(model).model_fields if k in present}


class Unkeepable(Exception):
    """tomlkit would not give this block back byte for byte: better refuse than reformat."""


def edit_block(
    region: str,
    table: str,
    sub: str,
    before: BaseModel,
    after: BaseModel,
    appended: BaseModel | None = None,
) -> str:
    """`region` (one `[[table]]` block) with the fields that differ between `before` and
    `after` changed in place, and `appended` added as a new `[[table.sub]]` at its end.

    Changed keys keep their line and inline comment; a new key goes after the field that
    precedes it in the model; a key whose new value is None is removed.  Only the item's own
    keys go through tomlkit, under a plain `[[table]]` header: the header line as typed and
    the existing sub-tables (the log) are never re-rendered, so they come back byte for
    byte, and if tomlkit would not give the keys back unchanged the edit is refused.  A log
    written inline (`log = [{...}]`, as tomli_w writes a short one) gets the new entry as
    one more inline table, its text otherwise as typed: tomlkit never sees it.
    """
    import tomlkit  # only a write pays for it; tomlkit is a third of update's import time

    crlf = "\r\n" in region and "\n" not in region.replace("\r\n", "")
    source = region.replace("\r\n", "\n") if crlf else region
    first_nl = source.find("\n")
    header, body_start = (
        (source, len(source))
        if first_nl < 0
        else (
            source[: first_nl + 1],
            first_nl + 1,
        )
    )
    layout = Layout(source)
    first_sub = next(layout.headers_from(body_start), None)
    head_end = layout.trim(0, first_sub.start if first_sub else len(source))
    head_end = max(head_end, body_start)
    synthetic = f"[[{table}]]\n"
    keys = synthetic + source[body_start:head_end]
    # A log written inline is hidden from tomlkit (which respaces some inline tables) behind
    # a comment line, and put back after, with the new entry if there is one.
    inline: tuple[str, str] | None = None  # (marker, the inline array's new text)
    span = _inline_array(keys, sub)
    if span is not None:
        start, end = span
        array = keys[start:end]
        if appended is not None:
            entry = tomlkit.inline_table()
            entry.update(table_of(appended))
            array = _with_entry(array, entry.as_string())
        marker = f"# rectify: {sub} {hashlib.sha256(keys.encode()).hexdigest()}"
        inline = marker, array
        keys = keys[:start] + marker + keys[end:]
    try:
        doc = tomlkit.parse(keys)
    except tomlkit.exceptions.TOMLKitError as exc:
        raise Unkeepable(str(exc)) from None
    if doc.as_string() != keys:
        raise Unkeepable("tomlkit would reformat the block")
    item = doc[table][0]
    names = [n for n in type(after).model_fields if n != sub]
    for i, name in enumerate(names):
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        if new is None:
            if name in item:
                del item[name]
            continue
        value = toml_value(new)
        current = item.get(name)
        if (
            isinstance(current, tomlkit.items.Array)
            and isinstance(old, list)
            and (new[: len(old)] == old)
        ):
            # Appending keeps a multi-line array's layout and the comments on its elements.
            for extra in value[len(old) :]:
                current.append(extra)
            continue
        if name in item:
            item[name] = value
            continue
        previous = next((n for n in reversed(names[:i]) if n in item), None)
        if previous is None:
            item[name] = value
        else:
            # tomlkit's public API can only append, and the model's order reads better: the
            # keys after `previous` are taken out and appended again behind the new one,
            # each with its own trivia (indent, comment), so their text is unchanged.
            order = list(item.keys())
            later = [(k, item.item(k)) for k in order[order.index(previous) + 1 :] if k != sub]
            for k, _ in later:
                item.remove(k)
            item.add(name, value)
            for k, kept in later:
                item.add(k, kept)
    edited = doc.as_string()
    if not edited.startswith(synthetic):
        raise Unkeepable("tomlkit moved the header")
    rest = source[head_end:]
    body = edited[len(synthetic) :]
    if rest and not body.endswith("\n"):
        body += "\n"
    out = header + body + rest
    if inline is not None:
        marker, array = inline
        if out.count(marker) != 1:
            raise Unkeepable(f"tomlkit moved the inline {sub}")
        out = out.replace(marker, array)
    elif appended is not None:
        if not out.endswith("\n"):
            out += "\n"
        out += f"\n[[{table}.{sub}]]\n" + tomlkit.dumps(table_of(appended))
    return out.replace("\n", "\r\n") if crlf else out


# Strings and comments (where brackets are text), or a bracket.
_BRACKETS = re.compile(_TOKENS_SRC + r"|[\[\]]")
# Strings, or any other character that is not white space; comments are skipped by the caller.
_SIGNIFICANT = re.compile(_TOKENS_SRC + r"|\S")


def _inline_array(keys: str, name: str) -> tuple[int, int] | None:
    """(start, end) of the line `name = [ ... ]` in the keys of one item, from the key to
    the closing bracket (which may be lines below), or None when the key is not there."""
    key = re.escape(name)
    pattern = re.compile(rf"""^[ \t]*(?:{key}|"{key}"|'{key}')[ \t]*=[ \t]*\[""", re.M)
    layout = Layout(keys)
    for m in pattern.finditer(keys):
        if layout.in_string(m.start()):
            continue
        depth = 0
        for tok in _BRACKETS.finditer(keys, m.end() - 1):
            depth += {"[": 1, "]": -1}.get(tok.group(), 0)
            if depth == 0:
                return m.start(), tok.end()
        raise Unkeepable(f"the inline {name} is not closed")
    return None


def _with_entry(line: str, entry: str) -> str:
    """`line`, a `name = [...]` key (on one line or several), with `entry` added as the
    array's last element in its own style: on a line of its own in a multi-line array, else
    after a comma."""
    open_at = line.index("[", line.index("="))
    inner = line[open_at + 1 : -1]
    tokens = [m for m in _SIGNIFICANT.finditer(inner) if not m.group().startswith("#")]
    head = line[: open_at + 1]
    if not tokens:
        if "#" in inner:
            raise Unkeepable("a comment in an empty inline array")
        return f"{head}{entry}]"
    last = tokens[-1]
    comma = "" if last.group() == "," else ","
    if "\n" not in inner:
        return f"{head}{inner[: last.end()]}{comma} {entry}{inner[last.end() :]}]"
    first = tokens[0].start()
    indent = inner[inner.rfind("\n", 0, first) + 1 : first]
    if indent.strip():
        indent = "    "
    line_end = inner.find("\n", last.end())
    if line_end < 0:  # the closing bracket follows the last element on its line
        return f"{head}{inner[: last.end()]}{comma}\n{indent}{entry}{inner[last.end() :]}]"
    trailing = "" if comma else ","  # as the array does: a comma after its last element or not
    return (
        f"{head}{inner[: last.end()]}{comma}{inner[last.end() : line_end + 1]}"
        f"{indent}{entry}{trailing}\n{inner[line_end + 1 :]}]"
    )


# --------------------------------------------------------------------------- diff


_LINE = re.compile(r"[^\n]*\n|[^\n]+$")  # only \n (and \r\n) end a line in TOML


_HUNK = re.compile(r"^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@$")
_NO_EOL = "\\ No newline at end of file"


def unified_diff(
    old: AnyStr, new: AnyStr, shown: str, start: int, old_end: int, new_end: int
) -> str:
    """The unified diff of two texts (str, or UTF-8 bytes) that differ only in
    old[start:old_end] (new[start:new_end]), computed on that window plus context, so a 50 MB
    file costs nothing.  Lines are shown without their \r; a last line without a newline
    gets git's marker."""
    import difflib

    nl: AnyStr = b"\n" if isinstance(old, bytes) else "\n"
    context = 3
    lo = start
    for _ in range(context):
        if lo == 0:
            break
        lo = old.rfind(nl, 0, lo - 1) + 1
    hi_old, hi_new = old_end, new_end
    for _ in range(context):
        nxt = old.find(nl, hi_old)
        if nxt < 0:
            hi_new += len(old) - hi_old
            hi_old = len(old)
            break
        hi_new += nxt + 1 - hi_old
        hi_old = nxt + 1
    offset = old.count(nl, 0, lo)
    before, after = old[lo:hi_old], new[lo:hi_new]
    a = before.decode("utf-8") if isinstance(before, bytes) else before
    b = after.decode("utf-8") if isinstance(after, bytes) else after
    hunks = difflib.unified_diff(
        _LINE.findall(a),
        _LINE.findall(b),
        # git's a/ b/ prefixes for a relative path, so `git apply` / `patch -p1` take it.
        fromfile=shown if os.path.isabs(shown) else f"a/{shown}",
        tofile=shown if os.path.isabs(shown) else f"b/{shown}",
        lineterm="",
        n=context,
    )
    out = []
    for i, line in enumerate(hunks):
        m = _HUNK.match(line)
        if i < 2:
            out.append(line)
        elif m:
            out.append(f"@@ -{int(m[1]) + offset}{m[2]} +{int(m[3]) + offset}{m[4]} @@")
        elif line.endswith("\n"):
            out.append(line[:-2] if line.endswith("\r\n") else line[:-1])
        else:
            out += [line, _NO_EOL]
    return "\n".join(out) + "\n" if out else ""


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class Outcome:
    """What an edit did (or, with dry_run, would do) to which file."""

    kind: str  # "task" or "indicator"
    ident: str
    path: Path
    shown: str
    changes: tuple[str, ...] = ()
    note: str = ""
    archived: Reading | None = None
    written: bool = False
    lang: str = "zh"
    old: bytes = b""  # the file's bytes after any BOM
    block: bytes | None = None  # what replaced old[start:end]; None: nothing to change
    start: int = 0
    end: int = 0

    @property
    def changed(self) -> bool:
        return self.block is not None

    def diff(self) -> str:
        if self.block is None:
            return ""
        # Only the block and its context are ever decoded or compared, however big the file.
        lo, hi = self.start, self.end
        for _ in range(4):  # one line more than the diff's context on each side
            lo = self.old.rfind(b"\n", 0, lo - 1) + 1 if lo > 0 else 0
            nxt = self.old.find(b"\n", hi)
            hi = len(self.old) if nxt < 0 else nxt + 1
        old = self.old[lo:hi]
        new = self.old[lo : self.start] + self.block + self.old[self.end : hi]
        offset = self.old.count(b"\n", 0, lo)
        text = unified_diff(
            old, new, self.shown, self.start - lo, self.end - lo, self.start - lo + len(self.block)
        )
        return _HUNK_LINE.sub(
            lambda m: f"@@ -{int(m[1]) + offset}{m[2]} +{int(m[3]) + offset}{m[4]} @@", text
        )


_HUNK_LINE = re.compile(r"(?m)^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@$")


@dataclass(frozen=True)
class FileKind:
    table: str
    sub: str
    noun: str


TASKS_KIND = FileKind("tasks", "log", "task")
INDICATORS_KIND = FileKind("indicators", "history", "indicator")


def _digest(kind: FileKind, raw: bytes | Sequence[bytes | memoryview]) -> str:
    # The version is in the digest so a rectify with other rules revalidates once.
    h = hashlib.sha256(f"rectify {__version__} v{LEDGER_VERSION} {kind.table}\n".encode())
    for piece in [raw] if isinstance(raw, bytes) else raw:
        h.update(piece)
    return h.hexdigest()


def _stamp_file(path: Path) -> Path | None:
    """Where the stamp of `path` lives: in rectify's cache folder (cache.py), never in the
    ledger's; None when caching is turned off (RECTIFY_NO_CACHE), and then every update
    validates the whole file."""
    from .cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:32]
    return folder / "verified" / f"{key}.sha256"


def _is_stamped(path: Path, digest: str) -> bool:
    stamp = _stamp_file(path)
    try:
        return stamp is not None and stamp.read_text(encoding="utf-8").strip() == digest
    except (OSError, UnicodeDecodeError):
        return False


def _stamp(path: Path, digest: str) -> None:
    """Remember that this content was fully validated.  Best effort: without a stamp the
    next update validates the whole file again, slower but just as safe."""
    target = _stamp_file(path)
    if target is None:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Not fsynced: a stamp lost in a crash only costs one full validation, and one
        # that survives without its ledger write cannot match the file's digest.
        write_atomic(target, (digest + "\n").encode("utf-8"), durable=False)
    except OSError:
        pass


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def locked(path: Path, shown: str) -> Iterator[None]:
    lock_file = lock_path(path)
    lock = FileLock(str(lock_file), timeout=LOCK_TIMEOUT)
    lock_shown = display_path(lock_file)
    try:
        lock.acquire()
    except Timeout:
        raise WriteRefused(
            say(
                "{shown} is being updated by another rectify (lock {lock}, waited {s:g} s); "
                "nothing was written; try again",
                "{shown} 正由另一个 rectify 更新（锁文件 {lock}，已等待 {s:g} 秒）；"
                "未写入任何内容，请稍后重试",
                shown=shown,
                lock=lock_shown,
                s=LOCK_TIMEOUT,
            )
        ) from None
    except (FileNotFoundError, NotADirectoryError, FileExistsError):
        raise WriteRefused(
            say(
                "cannot lock {shown}: the folder for {lock} does not exist; nothing was written",
                "无法锁定 {shown}：{lock} 所在的文件夹不存在；未写入任何内容",
                shown=shown,
                lock=lock_shown,
            )
        ) from None
    except PermissionError:
        raise WriteRefused(
            say(
                "cannot lock {shown}: permission denied creating {lock} (is the folder "
                "read-only?); nothing was written",
                "无法锁定 {shown}：没有权限创建 {lock}（文件夹是否只读？）；未写入任何内容",
                shown=shown,
                lock=lock_shown,
            )
        ) from None
    except OSError as exc:
        raise WriteRefused(
            say(
                "cannot lock {shown} ({lock}): {why}; nothing was written",
                "无法锁定 {shown}（{lock}）：{why}；未写入任何内容",
                shown=shown,
                lock=lock_shown,
                why=exc.strerror or exc,
            )
        ) from None
    try:
        yield
    finally:
        lock.release()


def read_ledger_file(path: Path, shown: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise unreadable(exc, shown) from None


def write_if_unchanged(
    path: Path,
    shown: str,
    raw: bytes,
    data: bytes | Sequence[bytes | memoryview],
    kind: FileKind,
    doing: str,
) -> None:
    """Replace the file with `data` if it still holds the `raw` bytes the edit was made
    from, and stamp the new content as validated; else refuse, writing nothing."""
    if read_ledger_file(path, shown) != raw:
        raise WriteRefused(
            say(
                "{shown} changed on disk while rectify was {doing} it (another program saved "
                "it); nothing was written; run the command again",
                "rectify {doing}时 {shown} 在磁盘上被改动（另一个程序保存了它）；"
                "未写入任何内容，请重新运行命令",
                shown=shown,
                doing=_DOING.get(doing, doing) if spoken() == "zh" else doing,
            )
        )
    atomic_write(path, data, shown)
    _stamp(path, _digest(kind, data))


def _write_error(exc: OSError, shown: str) -> WriteRefused:
    import errno

    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", None):
        why = say("the disk is full", "磁盘已满")
    elif isinstance(exc, PermissionError):
        why = say("permission denied", "没有权限")
    else:
        why = exc.strerror or str(exc)
    return WriteRefused(
        say(
            "cannot write {shown}: {why}; nothing was written, the file is unchanged",
            "无法写入 {shown}：{why}；未写入任何内容，文件保持原样",
            shown=shown,
            why=why,
        )
    )


def ensure_writable(path: Path, shown: str) -> None:
    if is_read_only(path, path.stat().st_mode):
        raise WriteRefused(
            say(
                "{shown} is read-only; nothing was written (make it writable first)",
                "{shown} 是只读文件；未写入任何内容（请先取消只读）",
                shown=shown,
            )
        )


def remove_leftovers(path: Path) -> None:
    """Temporary files of writers that were killed; only called under the lock, when no
    other rectify can be writing one."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with suppress(OSError):
            tmp.unlink()


def atomic_write(path: Path, data: bytes | Sequence[bytes | memoryview], shown: str) -> None:
    """Replace `path` with `data`, keeping its permissions (atomic.write_atomic); a failure
    is one sentence naming the file."""
    try:
        write_atomic(path, data, mode=stat.S_IMODE(path.stat().st_mode))
    except OSError as exc:
        raise _write_error(exc, shown) from None


def validate_whole(kind: FileKind, text: str, shown: str, root: Path) -> dict[str, Any]:
    """The same checks `store.load_ledger` applies to this file, on the text we hold, with
    tomllib; the parsed data is returned (rectify import compares against it)."""
    data = parse_toml(text, shown)
    file_model = TaskFile if kind is TASKS_KIND else IndicatorFile
    try:
        parsed = file_model.model_validate(data)
    except ValidationError as exc:
        raise LedgerInvalid(validation_problems(exc, data, text, shown)) from None
    _check_integrity(parsed, root)
    return data


def _check_integrity(parsed: TaskFile | IndicatorFile, root: Path) -> None:
    if isinstance(parsed, TaskFile):
        problems = integrity_problems(str(root), parsed.aspects, parsed.tasks, [])
    else:
        problems = integrity_problems(str(root), [], [], parsed.indicators)
    if problems:
        raise LedgerInvalid(locate(problems, root))


def _load_whole(kind: FileKind, path: Path, raw: bytes, root: Path) -> list[Task] | list[Indicator]:
    """Validate the whole file from the bytes we hold, as every command loads it (rtoml when
    installed, tomllib's words for any error), plus the integrity checks."""
    if kind is TASKS_KIND:
        tasks = load_file(path, TaskFile, raw=raw)
        _check_integrity(tasks, root)
        return tasks.tasks
    indicators = load_file(path, IndicatorFile, raw=raw)
    _check_integrity(indicators, root)
    return indicators.indicators


def unisolated_refusal(kind: FileKind, ident: str, shown: str, line: int, why: str) -> WriteRefused:
    noun = _NOUNS[kind.noun][spoken() == "zh"]
    return WriteRefused(
        say(
            "{shown}:{line}: rectify could not isolate the block of {noun} {id} safely "
            "({why}); nothing was written; edit this {noun} by hand",
            "{shown}:{line}: rectify 无法安全地单独取出{noun} {id} 的内容块（{why}）；"
            "未写入任何内容，请手工编辑该{noun}",
            shown=shown,
            line=line,
            noun=noun,
            id=ident,
            why=why,
        )
    )


Found = tuple[int, int, dict[str, Any]]  # block start, block end, the item parsed alone


def _find_fast(layout: TextLayout[Any], kind: FileKind, ident: str) -> Found | None:
    """The block whose `id` line names `ident`, without reading the rest of the file: the
    header just before the line must be the item's own `[[table]]` (an id is never in a
    sub-table), and the block ends at the next header that is not its sub-table."""
    hits = []
    for pos in layout.id_lines(ident):
        header = layout.header_before(pos)
        if header is None or not header.array or header.name != (kind.table,):
            continue
        start = header.start
        end = layout.trim(start, layout.block_end(kind.table, start))
        try:
            item = parse_alone(layout.region(start, end), kind.table)
        except (BlockNotIsolated, UnicodeDecodeError):
            return None
        if item.get("id") == ident:
            hits.append((start, end, item))
    return hits[0] if len(hits) == 1 else None


def _find_by_index(
    layout: TextLayout[Any],
    kind: FileKind,
    ident: str,
    items: list[Task] | list[Indicator],
    shown: str,
) -> Found:
    """The block of `ident` as the index-th `[[table]]` header, checked against the item the
    whole-file parse gave: the block must read the same alone as in its file."""
    ids = [x.id for x in items]
    if ident not in ids:
        if kind is TASKS_KIND:
            raise unknown_task(ident, ids)
        raise UnknownIndicator(
            say(
                "no indicator {id}{hint}",
                "没有指标 {id}{hint}",
                id=ident,
                hint=did_you_mean(ident, ids),
            )
        )
    index = ids.index(ident)
    blocks = layout.blocks(kind.table)
    if len(blocks) != len(items):
        raise unisolated_refusal(
            kind,
            ident,
            shown,
            1,
            f"found {len(blocks)} [[{kind.table}]] headers, expected {len(items)}",
        )
    start, end = blocks[index]
    end = layout.trim(start, end)
    line = layout.line_of(start)
    try:
        alone = parse_alone(layout.region(start, end), kind.table)
        same = type(items[index]).model_validate(alone) == items[index]
    except (BlockNotIsolated, ValidationError) as exc:
        raise unisolated_refusal(kind, ident, shown, line, str(exc).splitlines()[0]) from None
    if not same:
        # rtoml keeps a CRLF file's "\r\n" inside multi-line strings where tomllib (and
        # this check) read "\n"; TOML allows both, so ask tomllib before refusing.
        whole = parse_toml(layout.region(0, len(layout.text)), shown)
        if whole.get(kind.table, [None] * (index + 1))[index] != alone:
            raise unisolated_refusal(kind, ident, shown, line, "the block alone reads differently")
    return start, end, alone


class UnknownIndicator(UnknownTask):
    pass


def _ledger_table(layout: TextLayout[Any]) -> dict[str, Any]:
    """The `[ledger]` table read alone (the whole file is not parsed); {} when unsure."""
    span = layout.table_block("ledger")
    if span is None:
        return {}
    try:
        table = tomllib.loads(layout.region(*span)).get("ledger", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError):
        return {}
    return table if isinstance(table, dict) else {}


def _peek_lang(layout: TextLayout[Any]) -> str:
    """The ledger's label language from its `[ledger]` table alone; zh when unsure."""
    lang = _ledger_table(layout).get("lang")
    return lang if lang in ("zh", "en") else "zh"


def _feedback_date(layout: TextLayout[Any]) -> dt.date | None:
    """The ledger's feedback date (a task's start when it names none) from `[ledger]` alone."""
    day = _ledger_table(layout).get("feedback_date")
    return day if type(day) is dt.date else None


def indicator_ids(root: Path) -> frozenset[str] | None:
    """The ids of the ledger's indicators, for the rule that a task names known ones; None
    when indicators.toml cannot be read (a task's write is not refused for a problem of the
    other file: `rectify check` names that one)."""
    path = ledger_files(root)[1]
    if not path.exists() and not path.is_symlink():
        return frozenset()
    try:
        return frozenset(i.id for i in load_file(path, IndicatorFile).indicators)
    except RectifyError:
        return None


def refuse_problems(task: Task, layout: TextLayout[Any], root: Path) -> None:
    """Refuse a write that would leave `task` with a problem `rectify check` names: one it
    adds, or one it already had (the write touches the task, so it must leave it whole).
    Other tasks' problems are not this write's business."""
    from .checks import write_refusal

    known = indicator_ids(root) if task.indicators else frozenset()
    refusal = write_refusal([task], start_default=_feedback_date(layout), indicator_ids=known)
    if refusal is not None:
        raise refusal


def ledger_lang_of(root: Path) -> str:
    tasks_path = ledger_files(root)[0]
    try:
        raw = tasks_path.read_bytes()
    except OSError:
        return "zh"
    return _peek_lang(BytesLayout(raw[len(BOM) :] if raw.startswith(BOM) else raw))


def _edit(
    root: Path,
    path: Path,
    kind: FileKind,
    ident: str,
    planner: Callable[[dict[str, Any]], Plan[Any] | None],
    dry_run: bool,
) -> Outcome:
    shown = display_path(path)
    if not root.is_dir():
        raise LedgerNotFound(
            say(
                "{path}: no ledger folder here; pass --ledger DIR",
                "{path}：这里没有台账文件夹；请用 --ledger 目录 指定",
                path=display_path(root),
            )
        )
    if path.is_symlink():
        # Replace the file the link points to, not the link; a loop or a missing target is
        # worded as every reading command words it.
        try:
            path = Path(os.path.realpath(path, strict=True))
        except OSError as exc:
            raise unreadable(exc, shown) from None
    guard = nullcontext() if dry_run else locked(path, shown)
    with guard:
        raw = read_ledger_file(path, shown)
        if not dry_run:
            ensure_writable(path, shown)
            remove_leftovers(path)
        bom = BOM if raw.startswith(BOM) else b""
        body = raw[len(bom) :] if bom else raw
        layout = BytesLayout(body)
        digest = _digest(kind, raw)
        # A stamped content was decoded and validated whole before; so were its bytes.
        found = _find_fast(layout, kind, ident) if _is_stamped(path, digest) else None
        if found is None:
            items = _load_whole(kind, path, raw, root)
            found = _find_by_index(layout, kind, ident, items, shown)
            _stamp(path, digest)
        start, end, item = found
        plan = planner(item)
        lang = _peek_lang(layout) if kind is TASKS_KIND else ledger_lang_of(root)
        if plan is not None and isinstance(plan.after, Task):
            refuse_problems(plan.after, layout, root)
        elif plan is not None:
            from .checks import write_refusal

            refusal = write_refusal(indicators=[plan.after])
            if refusal is not None:
                raise refusal
        if plan is None:
            return Outcome(kind=kind.noun, ident=ident, path=path, shown=shown, lang=lang, old=body)
        try:
            new_region = edit_block(
                layout.region(start, end),
                kind.table,
                kind.sub,
                plan.before,
                plan.after,
                plan.appended,
            )
        except Unkeepable as exc:
            raise unisolated_refusal(kind, ident, shown, layout.line_of(start), str(exc)) from None
        try:
            check = parse_alone(new_region, kind.table)
        except BlockNotIsolated as exc:
            why = f"the edited block: {exc}"
            raise unisolated_refusal(kind, ident, shown, layout.line_of(start), why) from None
        if type(plan.after).model_validate(check) != plan.after:
            why = "the edited block reads differently"
            raise unisolated_refusal(kind, ident, shown, layout.line_of(start), why)
        new_block = new_region.encode("utf-8")
        if not dry_run:
            # Pieces, not one concatenation: a 50 MB file is not copied twice in memory.
            view = memoryview(body)
            pieces: list[bytes | memoryview] = [bom, view[:start], new_block, view[end:]]
            write_if_unchanged(path, shown, raw, pieces, kind, "updating")
        return Outcome(
            kind=kind.noun,
            ident=ident,
            path=path,
            shown=shown,
            changes=plan.changes,
            note=plan.note,
            archived=plan.appended if isinstance(plan.appended, Reading) else None,
            written=not dry_run,
            lang=lang,
            old=body,
            block=new_block,
            start=start,
            end=end,
        )


def update_task(
    ledger: str | os.PathLike[str] | None, task_id: str, upd: TaskUpdate, *, dry_run: bool = False
) -> Outcome:
    """Apply `upd` to one task of the ledger folder, or say why not; see the module doc."""
    root = resolve_root(ledger)
    tasks_path = ledger_files(root)[0]

    def planner(item: dict[str, Any]) -> Plan[Task] | None:
        return plan_task_update(Task.model_validate(item), upd)

    return _edit(root, tasks_path, TASKS_KIND, task_id, planner, dry_run)


def record_reading(
    ledger: str | os.PathLike[str] | None,
    indicator_id: str,
    new: NewReading,
    *,
    dry_run: bool = False,
) -> Outcome:
    """Set an indicator's current value and period, keeping the previous one in history."""
    root = resolve_root(ledger)
    path = ledger_files(root)[1]
    if not path.exists() and root.is_dir():
        raise LedgerNotFound(
            say(
                "{path}: file not found; this ledger has no indicators",
                "{path}：文件不存在；此台账没有指标",
                path=display_path(path),
            )
        )

    if root.is_dir():
        _check_tasks(root)

    def planner(item: dict[str, Any]) -> Plan[Indicator] | None:
        return plan_reading(Indicator.model_validate(item), new)

    return _edit(root, path, INDICATORS_KIND, indicator_id, planner, dry_run)


def _check_tasks(root: Path) -> None:
    """A reading is written only into a ledger every command can load: its tasks.toml read
    and validated as `update` reads it (whole, unless this content was validated before)."""
    path = ledger_files(root)[0]
    shown = display_path(path)
    raw = read_ledger_file(path, shown)
    digest = _digest(TASKS_KIND, raw)
    if not _is_stamped(path, digest):
        _load_whole(TASKS_KIND, path, raw, root)
        _stamp(path, digest)


def parse_number(text: str, option: str) -> float:
    """A value typed on the command line: 29, 3.67, -15.0.  A whole number typed without a
    point stays an int, so the log and the report print it as typed (29, not 29.0)."""
    with suppress(ValueError):
        return int(text.strip())
    try:
        value = float(text.strip())
    except ValueError:
        raise UsageError(
            say(
                '{option}: "{text}" is not a number',
                "{option}：“{text}”不是数字",
                option=option,
                text=text,
            )
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UsageError(
            say(
                '{option}: "{text}" is not a finite number',
                "{option}：“{text}”不是有限的数",
                option=option,
                text=text,
            )
        )
    return value
