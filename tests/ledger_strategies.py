"""Hypothesis strategies for valid ledgers, and two ways of writing them: tomli_w's, and the
way people type TOML by hand (comments, every string style, quoted keys, CRLF, a BOM)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, TypeVar

import tomli_w
from hypothesis import assume
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from rectify_cli.edit_rules import NewReading, TaskUpdate
from rectify_cli.kinds import Better, Status
from rectify_cli.models import (
    Aspect,
    Indicator,
    IndicatorFile,
    LedgerMeta,
    LogEntry,
    Reading,
    Task,
    TaskFile,
)

Draw = st.DrawFn
M = TypeVar("M", bound=BaseModel)

# What ledgers hold: Chinese, ASCII, TOML punctuation, quotes and backslashes, line breaks,
# controls and bidi marks, IME full-width forms, and any other character.
_SPECIAL = [
    *"\"'\\\n\r\t #[]={},.:*`|<>-+@",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\u3000",
    "“",
    "”",
    "：",
    '"""',
    "'''",
]
PIECES = st.one_of(
    st.sampled_from(_SPECIAL),
    st.sampled_from(list("治理扬尘整改任务市生态环境局銷号")),
    st.characters(codec="utf-8"),
)
text = st.lists(PIECES, max_size=16).map("".join)
nonempty = text.filter(lambda s: s.strip() != "")
# Ids: no whitespace, slash, backslash or colon; quotes, brackets and '=' are allowed.
ids = st.text(
    st.one_of(
        st.sampled_from(list("ABCT0123456789-_.#\"'[]=")),
        st.sampled_from(list("任务甲乙")),
    ),
    min_size=1,
    max_size=6,
)
# Up to the day these were written: a log entry or a reading dated after today is a problem
# `rectify check` names and a write refuses (checks.py), and today only moves on.
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 5))
numbers = st.one_of(
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
)


def _valid(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError:
        assume(False)
        raise  # unreachable: assume(False) raises


@st.composite
def log_entries(draw: Draw) -> LogEntry:
    return _valid(
        LogEntry,
        {
            "date": draw(dates),
            "status": draw(st.none() | st.sampled_from(Status)),
            "progress": draw(st.none() | st.integers(0, 100)),
            "note": draw(text),
            "by": draw(st.none() | nonempty),
            "changes": draw(st.lists(text, max_size=2)),
        },
    )


@st.composite
def tasks(draw: Draw, task_id: str, aspect_ids: list[str]) -> Task:
    status = draw(st.sampled_from(Status))
    ongoing = draw(st.booleans())
    deadline = None if ongoing else draw(dates if status.is_open else st.none() | dates)
    return _valid(
        Task,
        {
            "id": task_id,
            "aspect": draw(st.sampled_from(aspect_ids)),
            "title": draw(nonempty),
            "measures": draw(st.lists(text, max_size=2)),
            "lead": draw(nonempty),
            "partners": draw(st.lists(text, max_size=2)),
            "start": draw(st.none() | dates),
            "deadline": deadline,
            "ongoing": ongoing,
            "status": status,
            "progress": draw(st.none() | st.integers(0, 100)),
            "completed_on": draw(st.none() | dates),
            "evidence": draw(st.lists(nonempty, max_size=2)),
            "indicators": draw(st.lists(ids, max_size=2)),
            "notes": draw(text),
            "log": draw(st.lists(log_entries(), max_size=3)),
        },
    )


@st.composite
def readings(draw: Draw) -> Reading:
    return _valid(
        Reading,
        {
            "value": draw(numbers),
            "period": draw(text),
            "recorded": draw(st.none() | dates),
            "note": draw(text),
        },
    )


@st.composite
def indicators(draw: Draw, ind_id: str) -> Indicator:
    value = draw(st.none() | numbers)
    return _valid(
        Indicator,
        {
            "id": ind_id,
            "name": draw(nonempty),
            "unit": draw(text),
            "better": draw(st.sampled_from(Better)),
            "value": value,
            "period": None if value is None else draw(st.none() | nonempty),
            "change": draw(st.none() | numbers),
            "rank": draw(st.none() | st.integers(1, 20)),
            "note": draw(text),
            "history": draw(st.lists(readings(), max_size=2)),
        },
    )


@st.composite
def ledgers(draw: Draw, min_indicators: int = 0) -> tuple[TaskFile, IndicatorFile]:
    aspect_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    aspects = [_valid(Aspect, {"id": a, "name": draw(nonempty)}) for a in aspect_ids]
    task_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    meta = _valid(
        LedgerMeta,
        {
            "title": draw(nonempty),
            "feedback_date": draw(st.none() | dates),
            "as_of": draw(st.none() | dates),
            "lang": draw(st.sampled_from(["zh", "en"])),
            "headline_prefix": draw(st.none() | text),
        },
    )
    task_file = TaskFile(
        ledger=meta, aspects=aspects, tasks=[draw(tasks(t, aspect_ids)) for t in task_ids]
    )
    ind_ids = draw(st.lists(ids, min_size=min_indicators, max_size=3, unique=True))
    ind_file = IndicatorFile(indicators=[draw(indicators(i)) for i in ind_ids])
    return task_file, ind_file


@st.composite
def task_updates(draw: Draw) -> TaskUpdate:
    return TaskUpdate(
        date=draw(dates),
        status=draw(st.none() | st.sampled_from(Status)),
        progress=draw(st.none() | st.integers(-2, 102)),
        deadline=draw(st.none() | dates),
        note=draw(text),
        evidence=tuple(draw(st.lists(text, max_size=2))),
        by=draw(st.none() | text),
        reopen=draw(st.booleans()),
    )


@st.composite
def new_readings(draw: Draw) -> NewReading:
    return NewReading(
        value=draw(numbers),
        period=draw(text),
        correct=draw(st.booleans()),
        change=draw(st.none() | numbers),
        rank=draw(st.none() | st.integers(0, 30)),
        change_rank=draw(st.none() | st.integers(0, 30)),
        recorded=draw(st.none() | dates),
    )


# --------------------------------------------------------------------------- writing


def plain(model: TaskFile | IndicatorFile) -> dict[str, Any]:
    """The model as TOML data: what a person would write (defaults left out)."""
    return model.model_dump(exclude_defaults=True)


def with_tomli_w(model: TaskFile | IndicatorFile) -> bytes | None:
    """tomli_w's file (it writes short arrays of tables inline: `tasks = [{...}]`); None
    for an indicators file with no indicators, which a ledger leaves out (an empty file is
    a mistake)."""
    if isinstance(model, IndicatorFile) and not model.indicators:
        return None
    return tomli_w.dumps(plain(model)).encode("utf-8")


def _escape(s: str, multiline: bool) -> str:
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n" and multiline:
            out.append("\n")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def _literal_ok(s: str, multiline: bool) -> bool:
    bad = {chr(c) for c in range(0x20)} - {"\t"} | {"\x7f", "'"}
    if multiline:
        bad.discard("\n")
    return not any(ch in bad for ch in s)


class Hand:
    """Writes a ledger the way people do, every choice drawn from Hypothesis."""

    def __init__(self, draw: Draw) -> None:
        self.draw = draw

    def string(self, s: str, inline: bool = False) -> str:
        styles = ["basic"]
        if _literal_ok(s, multiline=False):
            styles.append("literal")
        if not inline:
            styles.append("ml_basic")
            if _literal_ok(s, multiline=True):
                styles.append("ml_literal")
        style = self.draw(st.sampled_from(styles))
        if style == "literal":
            return f"'{s}'"
        if style == "ml_basic":
            return f'"""\n{_escape(s, multiline=True)}"""'
        if style == "ml_literal":
            return f"'''\n{s}'''"
        return f'"{_escape(s, multiline=False)}"'

    def value(self, v: Any, inline: bool = False) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            assert math.isfinite(v)
            return repr(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, str):
            return self.string(v, inline)
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {self.value(x, True)}" for k, x in v.items()) + " }"
        assert isinstance(v, list)
        if inline or not v or not self.draw(st.booleans()):
            return "[" + ", ".join(self.value(x, True) for x in v) + "]"
        lines = [f"    {self.value(x, True)},{self.comment()}" for x in v]
        return "[\n" + "\n".join(lines) + "\n]"

    def comment(self) -> str:
        return self.draw(st.sampled_from(["", "", "", "", "  # 备注", " # = [[tasks]] 'x' \"y\""]))

    def key(self, k: str) -> str:
        return self.draw(st.sampled_from([k, k, k, f'"{k}"', f"'{k}'"]))

    def table(self, items: dict[str, Any], subs: str | None = None) -> list[str]:
        lines = []
        for k, v in items.items():
            if k == subs:
                continue
            if self.draw(st.integers(0, 11)) == 0:
                lines.append("# 说明：此行是注释 [[tasks]]")
            lines.append(f"{self.key(k)} = {self.value(v)}{self.comment()}")
        return lines

    def header(self, name: str, array: bool) -> str:
        inner = self.draw(st.sampled_from([name, name, f" {name} ", name.replace(".", " . ")]))
        text = f"[[{inner}]]" if array else f"[{inner}]"
        return text + self.comment()

    def document(self, data: dict[str, Any], arrays: dict[str, str | None]) -> bytes:
        lines: list[str] = []
        if self.draw(st.booleans()):
            lines += ["# 整改台账", "# [[tasks]] in a comment", ""]
        top = {k: v for k, v in data.items() if k not in arrays and not isinstance(v, dict)}
        lines += self.table(top)
        for k, v in data.items():
            if isinstance(v, dict):
                lines += ["", self.header(k, array=False), *self.table(v)]
        for name, sub in arrays.items():
            for item in data.get(name, []):
                lines.append("")
                if self.draw(st.booleans()):
                    lines.append("# 条目 [[tasks]]")
                lines.append(self.header(name, array=True))
                lines += self.table(item, subs=sub)
                entries = item.get(sub, []) if sub else []
                if entries and self.draw(st.integers(0, 3)) == 0:
                    # The log as an inline array, as some people write it.
                    lines.append(f"{sub} = {self.value(entries, inline=True)}")
                else:
                    for entry in entries:
                        lines += ["", self.header(f"{name}.{sub}", array=True), *self.table(entry)]
        body = "\n".join(lines) + self.draw(st.sampled_from(["\n", "", "\n\n"]))
        if self.draw(st.booleans()):
            body = body.replace("\n", "\r\n")
        bom = "\ufeff" if self.draw(st.integers(0, 4)) == 0 else ""
        return (bom + body).encode("utf-8")


@st.composite
def written(draw: Draw, model: TaskFile | IndicatorFile) -> bytes | None:
    """The model as a file: tomli_w's output, or typed by hand."""
    if draw(st.booleans()) or (isinstance(model, IndicatorFile) and not model.indicators):
        return with_tomli_w(model)
    arrays: dict[str, str | None] = (
        {"aspects": None, "tasks": "log"}
        if isinstance(model, TaskFile)
        else {"indicators": "history"}
    )
    return Hand(draw).document(plain(model), arrays)
