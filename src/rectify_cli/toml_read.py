"""TOML text → plain data: rtoml's fast reading where it reads as tomllib would, a large
tasks file read a piece at a time, and tomllib for everything else, whose syntax errors are
worded here (file, line, what to fix, in the ledger's language).
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .cache import paused_gc
from .errors import LedgerInvalid, Problem
from .i18n import say, spoken

# Pydantic and the models are imported where a file is parsed, never at import.
if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from .models import Task, TaskFile

_K = TypeVar("_K")

_TOML_POS = re.compile(
    r"^(?P<msg>.*?)\s*\((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)$"
)
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000\u201c\u201d\u2018\u2019\u3001\u3002]")


def parse_toml(text: str, shown: str) -> dict[str, Any]:
    """tomllib's reading of `text`, or LedgerInvalid worded for the file's editor."""
    import tomllib  # here, not at the top: a cached ledger is never parsed

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LedgerInvalid([_toml_problem(str(exc), text, shown)]) from None
    except RecursionError:
        deep = _invalid_toml(say("nested too deeply", "嵌套层数过多"))
        raise LedgerInvalid([Problem(shown, None, deep)]) from None


# TOML 1.1 syntax that rtoml accepts and tomllib (TOML 1.0) rejects: an inline table (which
# 1.1 lets span lines and end in a comma), a \e or \x escape, a time without seconds.  Text
# that might hold any of them is read by tomllib alone, so rtoml never accepts a file that
# rectify used to refuse.  A false alarm (such text inside a string) only costs speed.
_TOML_11 = re.compile(
    r"[=\[,]\s*\{|(?<!\\)(?:\\\\)*\\[ex]|[=\[,]\s*(?:\d{4}-\d\d-\d\d[Tt ])?\d\d:\d\d(?!:)"
)


def _toml10(text: str) -> bool:
    """False if `text` might use TOML 1.1 syntax: exactly when _TOML_11 finds some, but
    found from the few characters each kind needs (`{`, a backslash, `:`), which `in` and
    `find` scan for at memory speed.  _TOML_11 itself tries its alternatives at every `=`
    of the file: 0.6 s on 10,000 tasks once a single `:` is in it (an update's log says
    `progress: 40 → 50`)."""
    # One character alone first: `in` finds it at memory speed, a pair at a third of that.
    if "\\" in text and ("\\e" in text or "\\x" in text) and _TOML_11_ESCAPE.search(text):
        return False
    at = text.find("{")
    while at != -1:
        if _opens_value(text, at):
            return False
        at = text.find("{", at + 1)
    at = text.find(":")
    while at != -1:
        if at >= 2 and _HH_MM.match(text, at - 2):
            if _opens_value(text, at - 2):
                return False
            if at >= 13 and _DAY_T.fullmatch(text, at - 13, at - 2) and _opens_value(text, at - 13):
                return False
        at = text.find(":", at + 1)
    return True


# _TOML_11's alternatives, taken apart for _toml10 (a test holds the two in step).
_TOML_11_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\[ex]")
_HH_MM = re.compile(r"\d\d:\d\d(?!:)")
_DAY_T = re.compile(r"\d{4}-\d\d-\d\d[Tt ]")


def _opens_value(text: str, end: int) -> bool:
    r"""Whether `[=\[,]\s*` ends at `end` (str.isspace is the regex's \s)."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end > 0 and text[end - 1] in "=[,"


def parse_fast(text: str) -> dict[str, Any] | None:
    """rtoml's reading of `text`, or None to let tomllib read it (and word any error).

    rtoml parses 4-8x faster than tomllib and gives the same values for TOML 1.0; every
    message about a broken file still comes from tomllib, so errors read as they always did.
    """
    if not _toml10(text):
        return None
    try:
        import rtoml
    except ImportError:  # an optional speed-up: without it, tomllib does everything
        return None
    if "\r\n" in text and ('"""' in text or "'''" in text):
        # rtoml keeps a CRLF file's line breaks inside multi-line strings as "\r\n" where
        # tomllib reads "\n" (TOML allows both): a note would read differently with rtoml
        # installed, and differ from what `update` checks its edit against.
        text = text.replace("\r\n", "\n")
    try:
        with paused_gc():
            data: dict[str, Any] = rtoml.loads(text)
    except Exception as exc:
        fall_back(exc, rtoml.TomlParsingError)
        return None
    return data


STRICT_FAST_PATH = "RECTIFY_STRICT_FAST_PATH"


def fall_back(exc: Exception, *expected: type[BaseException]) -> None:
    """Let a fast path give up on `exc`, so the slow path reads the file (and words any
    error) as it always did; under RECTIFY_STRICT_FAST_PATH=1 (the test suite sets it) only
    the `expected` failures may, so a bug in a fast path fails a test instead of hiding as a
    slowdown."""
    if os.environ.get(STRICT_FAST_PATH) == "1" and not isinstance(exc, expected):
        raise exc


CHUNK_TASKS = 1000
TASK_HEADER = "\n[[tasks]]\n"
_ROOT_TASKS_KEY = re.compile(r"""^\s*["']?tasks["']?\s*[.=]""", re.MULTILINE)
_INDENTED_HEADER = re.compile(r"^[ \t]+\[", re.MULTILINE)


def task_starts(text: str) -> list[int] | None:
    """Where each `[[tasks]]` block of a tasks file starts, when the file can be read a piece
    at a time (cut at any of these starts), else None (see task_count)."""
    starts, find, at = [], text.find, text.find(TASK_HEADER)
    while at != -1:  # str.find, not a regex: 100,000 headers in ~30 ms
        starts.append(at + 1)
        at = find(TASK_HEADER, at + 10)
    # No two `[[tasks]]` lines in a row where the file may be cut, so that str.count, which
    # counts no overlap, would count as many as found here.
    return starts if _may_cut(text) else None


def task_count(text: str) -> int | None:
    """How many tasks a tasks file holds, when it can be read a piece at a time (cut at
    the start of any `[[tasks]]` block), else None.

    Cut only where it cannot change the meaning: the file must use nothing but `[ledger]`,
    `[[aspects]]`, `[[tasks]]` and `[[tasks.log]]` headers, alone on their lines, no
    multi-line strings and no root key named tasks.  Then every line `[[tasks]]` after the
    first line is a task's header, and the n-th is the n-th task (the cache counts on that
    too: warm.py).
    """
    return text.count(TASK_HEADER) if _may_cut(text) else None


def _may_cut(text: str) -> bool:
    first = text.find(TASK_HEADER)
    if first == -1 or _ROOT_TASKS_KEY.search(text, 0, first + 1):
        return False
    return _cut_lines(text, text.startswith(_HEADERS)) is not None


def blocks_count(piece: str, *, last: bool) -> int | None:
    """How many tasks `piece` holds, a run of whole `[[tasks]]` blocks of a tasks file that
    may be cut (task_count), from the start of a `[[tasks]]` line to the start of the next
    `[[tasks]]` line, or to the end of the file (`last`); None when the file, with this
    piece in it, may no longer be cut.  A write checks only the blocks it changed (warm.py):
    every rule of task_count but the root key (the head is not in a piece) looks at one
    line at a time (and the header line after the piece, which counts lines `[[tasks]]`
    one after the other as one), or at text that cannot reach past a header line (a value
    opened by `=`, `[` or `,` and the spaces after it); the lines outside are as they were."""
    if not piece.startswith(TASK_HEADER[1:]):
        return None
    found = _cut_lines("\n" + piece + ("" if last else TASK_HEADER[1:]), False)
    return found if found is None or last else found - 1


_HEADERS = ("[[tasks]]", "[[tasks.log]]", "[ledger]", "[[aspects]]")
_HEADER_REST = "|".join(re.escape(h[1:]) for h in _HEADERS)
# A line that starts with "[" and is not one of the four headers, or the first of two
# equal header lines in a row (the second is not a block of its own to str.count): one
# regex pass over the "\n[" it finds, four times faster than a str.count per header.
_ODD_HEADER = re.compile(rf"\n\[(?:(?!(?:{_HEADER_REST})\n)|({_HEADER_REST})\n\[\1\n)")


def _cut_lines(text: str, head: bool) -> int | None:
    """task_count's rules but the root key: how many lines `[[tasks]]` there are after the
    first, or None; `head`: the text starts with one of the four headers."""
    # A quote or a tab is looked for alone first (as in _toml10): a ledger rarely holds one.
    if '"""' in text or ("'" in text and "'''" in text):
        return None
    # Every line that starts with "[" is one of the four headers, each a block of its own (a
    # header written differently, or indented, sends the file down the whole path).
    if (text.startswith("[") and not head) or _ODD_HEADER.search(text):
        return None
    if ("\n " in text or ("\t" in text and "\n\t" in text)) and _INDENTED_HEADER.search(text):
        return None
    if not _toml10(text):
        return None
    return text.count(TASK_HEADER)


def tasks_in_chunks(
    text: str, keep: Callable[[list[Task]], list[_K]]
) -> tuple[TaskFile, list[_K]] | None:
    """A large tasks file read 1,000 tasks at a time, or None to read it whole: the file
    without its tasks, and what `keep` made of each piece's validated tasks (the models
    themselves, or their records, so that the models of one piece at a time are alive).

    Each piece is parsed and validated before the next, so the parsed dicts of only one
    piece are alive at a time: a 100,000-task file peaks at a third of the memory, and
    parses faster too.  Only where `task_starts` says the file can be cut.  Any surprise (a
    parse or validation error included) returns None, and the whole file is read as always,
    so that every message is worded exactly as before.
    """
    from .models import TaskFile

    starts = task_starts(text)
    if starts is None or len(starts) < 2 * CHUNK_TASKS:
        return None
    cuts = [0, *starts[CHUNK_TASKS::CHUNK_TASKS], len(text)]
    try:
        with paused_gc():
            first = read_piece(text[cuts[0] : cuts[1]], first=True)
            if not isinstance(first, TaskFile):
                return None
            kept = keep(first.tasks)
            first.tasks = []
            for a, b in itertools.pairwise(cuts[1:]):
                piece = read_piece(text[a:b], first=False)
                if not isinstance(piece, list):
                    return None
                kept += keep(piece)
    except Exception as exc:  # a bug here fails the tests, and the user's run reads it whole
        fall_back(exc)
        return None
    return first, kept


def read_piece(text: str, *, first: bool) -> TaskFile | list[Task] | None:
    """One piece of a tasks file cut at `task_starts`: the first (the file's head and its
    first tasks) as a TaskFile, any other as its tasks; None when it does not read (the
    whole file is then read, to word the error), or when a piece holds anything but tasks."""
    from pydantic import ValidationError

    from .models import TaskFile

    loads, bad_toml = toml_loads()
    try:
        with paused_gc():
            if first:
                return TaskFile.model_validate(loads(text))
            piece = loads(text)
            if piece.keys() != {"tasks"}:
                return None
            return tasks_adapter().validate_python(piece["tasks"])
    except Exception as exc:
        # Broken TOML or a task the models refuse: the whole-file path words it.
        fall_back(exc, bad_toml, ValidationError)
        return None


def toml_loads() -> tuple[Callable[[str], dict[str, Any]], type[ValueError]]:
    """The reader of a piece cut at `task_starts` (a piece holds no TOML 1.1), and what it
    raises on broken TOML: rtoml, else tomllib."""
    try:
        import rtoml

        return rtoml.loads, rtoml.TomlParsingError
    except ImportError:
        import tomllib

        return tomllib.loads, tomllib.TOMLDecodeError


@functools.cache
def tasks_adapter() -> TypeAdapter[list[Task]]:
    from pydantic import TypeAdapter

    from .models import Task

    return TypeAdapter(list[Task])


def _toml_problem(message: str, text: str, shown: str) -> Problem:
    m = _TOML_POS.match(message)
    if not m:
        return Problem(shown, None, _invalid_toml(message))
    # Lines as tomllib counts them: "\n" ends a line, and nothing else (splitlines would
    # also cut at a lone CR, a form feed, U+2028, ...).
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if m["line"] is None:  # "at end of document": the last line is where it ran out
        line, col = len(lines), None
    else:
        line, col = int(m["line"]), int(m["col"])
    msg = m["msg"]
    msg = msg[0].lower() + msg[1:] if msg else msg
    said = _toml_message(msg)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\r" in source.removesuffix("\r"):
        # Old Mac line ends: the whole file is one line to TOML, so whatever that "line"
        # holds (a full-width bracket in a comment) would be blamed instead.
        detail = say(
            "lines end in CR alone (old Mac line ends); save the file with Windows (CRLF) "
            "or Unix (LF) line ends",
            "换行符只有 CR（旧版 Mac 格式）；请以 Windows（CRLF）或 Unix（LF）换行符另存",
        )
        return Problem(shown, line, _invalid_toml(detail))
    wide = _FULL_WIDTH.search(source)
    date = _DATE_LIKE.search(source)
    if wide:
        said += say(
            " (full-width '{char}' typed by an IME; use the half-width character)",
            "（输入法输入了全角字符“{char}”，请改用半角字符）",
            char=wide.group(),
        )
    elif date and not _ISO_DATE.fullmatch(date["date"]):
        said += say(" (write dates as 2025-09-30)", "（日期请写成 2025-09-30）")
    elif msg == "invalid date or datetime":
        said += say(
            " (no such day, or not written as 2025-09-30)", "（没有这一天，或未写成 2025-09-30）"
        )
    elif msg == "cannot overwrite a value":
        said += say(" (this key is set twice in the same table)", "（同一个表中这个键写了两次）")
    elif msg in ("illegal character '\\n'", "unterminated string"):
        said += say(' (a string is not closed: a " is missing)', '（字符串没有结束：缺少一个 "）')
    return Problem(shown, line, _invalid_toml(said), col)


# A date as people write it (2025/6/30, 2025.6.30, 2025年6月30日, 2026-6-30), at a value.
_DATE_LIKE = re.compile(r"=\s*(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d)\s*日?)")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _invalid_toml(detail: str) -> str:
    return say("invalid TOML: {detail}", "TOML 格式错误：{detail}", detail=detail)


# tomllib's messages (lower-cased first letter), each in Chinese; a message a later Python
# words differently is shown as it is.
_TOML_ZH: tuple[tuple[str, str], ...] = (
    (r"cannot declare \((?P<key>.*)\) twice", "[{key}] 声明了两次"),
    (r"cannot mutate immutable namespace (?P<key>.*)", "不能修改已定义的表 {key}"),
    (r"cannot overwrite a value", "不能覆盖已有的值"),
    (r"cannot redefine namespace (?P<key>.*)", "不能重新定义表 {key}"),
    (r"duplicate inline table key (?P<key>.*)", "内联表中的键 {key} 重复"),
    (r"escaped character is not a unicode scalar value", "转义字符不是有效的 Unicode 字符"),
    (r"expected '=' after a key in a key/value pair", "键值对的键后面缺少“=”"),
    (r"expected '\]' at the end of a table declaration", "表头末尾缺少“]”"),
    (r"expected '\]\]' at the end of an array declaration", "数组表头末尾缺少“]]”"),
    (r"expected newline or end of document after a statement", "语句后面应换行或结束文件"),
    (r"expected (?P<what>.*)", "此处应为 {what}"),
    (r"found invalid character (?P<char>.*)", "发现无效字符 {char}"),
    (r"illegal character (?P<char>.*)", "非法字符 {char}"),
    (r"invalid date or datetime", "日期或时间无效"),
    (r"invalid hex value", "十六进制值无效"),
    (r"invalid initial character for a key part", "键名的首字符无效"),
    (r"invalid statement", "无效语句"),
    (r"invalid value", "值无效"),
    (r"unclosed array", "数组没有闭合"),
    (r"unclosed inline table", "内联表没有闭合"),
    (r"unescaped '\\' in a string", "字符串中有未转义的“\\”"),
    (r"unterminated string", "字符串没有结束"),
)


def _toml_message(msg: str) -> str:
    declared = re.match(r"cannot declare \((.*)\) twice", msg)
    name = ".".join(re.findall(r"'([^']*)'", declared.group(1))) if declared else ""
    if spoken() != "zh":
        return f"[{name}] is declared twice" if declared else msg
    if declared:
        return f"[{name}] 声明了两次"
    for pattern, zh in _TOML_ZH:
        found = re.fullmatch(pattern, msg)
        if found:
            return zh.format(**found.groupdict())
    return msg
