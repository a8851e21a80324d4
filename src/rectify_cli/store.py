"""Find and read ledger folders: TOML files → validated models, with file:line errors.

Reading is the hot path (every command), so nothing here builds line maps or error text
unless something is wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import itertools
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from . import cache, records
from .cache import paused_gc
from .errors import LedgerInvalid, LedgerNotFound, Problem, did_you_mean
from .i18n import Lang, field_name, say, spoken
from .records import Ledger, ledger_of

# Pydantic and the models are imported where a file is parsed, never at import: a ledger
# served from the cache (cache.py) is read without them (~130 ms of every command).
if TYPE_CHECKING:
    from pydantic import BaseModel, TypeAdapter, ValidationError

    from .models import PetitionFile, Task, TaskFile

M = TypeVar("M", bound="BaseModel")
_K = TypeVar("_K")

TASKS_FILE = "tasks.toml"
INDICATORS_FILE = "indicators.toml"
SCHEMA_DIR = "schema"  # the editors' JSON Schemas, beside the ledger files (rectify init)
PETITIONS_FILE = "petitions.toml"  # optional: petition cases (信访件), see load_petitions
LEDGER_ENV = "RECTIFY_LEDGER"
DEFAULT_DIR = "data"
# A 100,000-task ledger is about 52 MB; anything far past that is a mistake (a log file or
# a database dump picked by accident), refused before it is read into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024


def resolve_root(ledger: str | os.PathLike[str] | None) -> Path:
    """The ledger folder: --ledger, else $RECTIFY_LEDGER, else ./data."""
    if ledger is None or str(ledger) == "":
        ledger = os.environ.get(LEDGER_ENV) or DEFAULT_DIR
    return Path(ledger)


_LEDGER_TABLE = re.compile(
    rb"^[ \t]*\[ledger\][ \t]*(?:#.*)?$(?P<body>.*?)(?:^[ \t]*\[|\Z)", re.M | re.S
)
_LANG_KEY = re.compile(rb"""^[ \t]*lang[ \t]*=[ \t]*["'](?P<lang>[a-z]+)["']""", re.M)


def peek_lang(root: Path) -> Lang | None:
    """The `lang` of a ledger folder's `[ledger]` table, read off the head of tasks.toml
    without parsing it, so a ledger too broken to load still hears its problems in its own
    language; None when there is no readable tasks.toml."""
    try:
        with open(ledger_files(root)[0], "rb") as f:
            head = f.read(65536)
    except OSError:
        return None
    table = _LEDGER_TABLE.search(head)
    found = _LANG_KEY.search(table["body"]) if table else None
    # The model's default: a ledger that names no language is Chinese.
    return "en" if found and found["lang"] == b"en" else "zh"


def display_path(path: Path) -> str:
    """Paths in messages as the user would type them: relative when under the cwd."""
    # abspath, not resolve(): resolving follows symlinks, and a symlink loop would raise.
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(Path.cwd())).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def ledger_files(root: Path) -> tuple[Path, Path]:
    return root / TASKS_FILE, root / INDICATORS_FILE


def check_root(root: Path) -> None:
    if root.is_symlink() and not root.exists():
        raise LedgerNotFound(
            say(
                "{path}: is a link that leads nowhere (a loop, or its target is gone)",
                "{path}：是一个无效链接（循环链接，或目标已不存在）",
                path=display_path(root),
            )
        )
    if not root.exists():
        hint = ""
        if os.environ.get(LEDGER_ENV) and str(root) == os.environ[LEDGER_ENV]:
            hint = say(" (from ${env})", "（来自 ${env}）", env=LEDGER_ENV)
        raise LedgerNotFound(
            say(
                "{path}: no ledger folder here{hint}; run rectify from the folder that holds "
                "data/{file}, or pass --ledger DIR",
                "{path}：这里没有台账文件夹{hint}；请在含有 data/{file} 的文件夹中运行 "
                "rectify，或用 --ledger DIR 指定",
                path=display_path(root),
                hint=hint,
                file=TASKS_FILE,
            )
        )
    if not root.is_dir():
        raise LedgerNotFound(
            say(
                "{path}: is a file, not a ledger folder; --ledger takes the folder that holds "
                "{file}",
                "{path}：是文件，不是台账文件夹；--ledger 应指向含有 {file} 的文件夹",
                path=display_path(root),
                file=TASKS_FILE,
            )
        )


def read_text(path: Path) -> str:
    """A ledger file's text, decoded as UTF-8 (a BOM is accepted), or a clear error."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise LedgerNotFound(_is_a_folder(shown))
        if size > MAX_FILE_BYTES:
            raise LedgerInvalid(
                [
                    Problem(
                        shown,
                        None,
                        say(
                            "file is {size} MiB, larger than the {limit} MiB a ledger may be",
                            "文件大小为 {size} MiB，超过台账文件上限 {limit} MiB",
                            size=size // 2**20,
                            limit=MAX_FILE_BYTES // 2**20,
                        ),
                    )
                ]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise unreadable(exc, shown) from None
    return decode(raw, shown)


def unreadable(exc: OSError, shown: str) -> LedgerNotFound:
    """The sentence for a ledger file that cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return LedgerNotFound(say("{path}: file not found", "{path}：文件不存在", path=shown))
    if isinstance(exc, IsADirectoryError):
        return LedgerNotFound(_is_a_folder(shown))
    if isinstance(exc, PermissionError):
        return LedgerNotFound(say("{path}: permission denied", "{path}：没有访问权限", path=shown))
    # Symlink loops, names too long, network drives gone: say what the OS said.
    return LedgerNotFound(
        say(
            "{path}: cannot read: {why}",
            "{path}：无法读取：{why}",
            path=shown,
            why=exc.strerror or exc,
        )
    )


def _is_a_folder(shown: str) -> str:
    return say(
        "{path}: is a folder, not a TOML file", "{path}：是文件夹，不是 TOML 文件", path=shown
    )


def decode(raw: bytes, shown: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # Notepad on Windows writes a BOM; TOML wants none, people don't care
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LedgerInvalid(
            [
                Problem(
                    shown,
                    None,
                    say("file is UTF-16; save it as UTF-8", "文件是 UTF-16 编码，请另存为 UTF-8"),
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        try:
            raw.decode("gb18030")
            what = say(
                "looks like GBK/GB18030 (a Chinese Windows default), not UTF-8",
                "看起来是 GBK/GB18030 编码（中文 Windows 的默认编码），不是 UTF-8",
            )
        except UnicodeDecodeError:
            what = say("is not UTF-8 text", "不是 UTF-8 文本")
        raise LedgerInvalid(
            [
                Problem(
                    shown,
                    line,
                    say(
                        "file {what}; save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)",
                        "文件{what}；请另存为 UTF-8（记事本：另存为，编码选 UTF-8）",
                        what=what,
                    ),
                )
            ]
        ) from None
    if not text.strip():
        raise LedgerInvalid([Problem(shown, None, say("file is empty", "文件为空"))])
    return text


_TOML_POS = re.compile(
    r"^(?P<msg>.*?)\s*\((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)$"
)
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000\u201c\u201d\u2018\u2019\u3001\u3002]")


def parse_toml(text: str, shown: str) -> dict[str, Any]:
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
    """False if `text` might use TOML 1.1 syntax (see _TOML_11)."""
    # `in` scans at memory speed; the regex only runs where its first character occurs.
    return not (("{" in text or "\\" in text or ":" in text) and _TOML_11.search(text))


def _parse_fast(text: str) -> dict[str, Any] | None:
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
        _fall_back(exc, rtoml.TomlParsingError)
        return None
    return data


STRICT_FAST_PATH = "RECTIFY_STRICT_FAST_PATH"


def _fall_back(exc: Exception, *expected: type[BaseException]) -> None:
    """Let a fast path give up on `exc`, so the slow path reads the file (and words any
    error) as it always did; under RECTIFY_STRICT_FAST_PATH=1 (the test suite sets it) only
    the `expected` failures may, so a bug in a fast path fails a test instead of hiding as a
    slowdown."""
    if os.environ.get(STRICT_FAST_PATH) == "1" and not isinstance(exc, expected):
        raise exc


CHUNK_TASKS = 1000
_ROOT_TASKS_KEY = re.compile(r"""^\s*["']?tasks["']?\s*[.=]""", re.MULTILINE)
_INDENTED_HEADER = re.compile(r"^[ \t]+\[", re.MULTILINE)


def _tasks_in_chunks(
    text: str, keep: Callable[[list[Task]], list[_K]]
) -> tuple[TaskFile, list[_K]] | None:
    """A large tasks file read 1,000 tasks at a time, or None to read it whole: the file
    without its tasks, and what `keep` made of each piece's validated tasks (the models
    themselves, or their records, so that the models of one piece at a time are alive).

    Each piece is parsed and validated before the next, so the parsed dicts of only one
    piece are alive at a time: a 100,000-task file peaks at a third of the memory, and
    parses faster too.  Cut only where it cannot change the meaning: the file must use
    nothing but `[ledger]`, `[[aspects]]`, `[[tasks]]` and `[[tasks.log]]` headers, alone on
    their lines, no multi-line strings and no root key named tasks.  Any surprise (a parse
    or validation error included) returns None, and the whole file is read as always, so
    that every message is worded exactly as before.
    """
    starts, find, at = [], text.find, text.find("\n[[tasks]]\n")
    while at != -1:  # str.find, not a regex: 100,000 headers in ~30 ms
        starts.append(at + 1)
        at = find("\n[[tasks]]\n", at + 10)
    if len(starts) < 2 * CHUNK_TASKS or '"""' in text or "'''" in text:
        return None
    # Every line that starts with "[" is one of the four headers (str.count runs at memory
    # speed; a header written differently, or indented, sends the file down the whole path).
    headers = ("[[tasks]]", "[[tasks.log]]", "[ledger]", "[[aspects]]")
    known = sum(text.count(f"\n{h}\n") for h in headers) + text.startswith(headers)
    if known != text.count("\n[") + text.startswith("["):
        return None
    if ("\n " in text or "\n\t" in text) and _INDENTED_HEADER.search(text):
        return None
    if _ROOT_TASKS_KEY.search(text, 0, starts[0]) or not _toml10(text):
        return None
    from pydantic import ValidationError

    from .models import TaskFile

    loads: Callable[[str], dict[str, Any]]
    bad_toml: type[ValueError]
    try:
        import rtoml

        loads, bad_toml = rtoml.loads, rtoml.TomlParsingError
    except ImportError:
        import tomllib

        loads, bad_toml = tomllib.loads, tomllib.TOMLDecodeError
    cuts = [0, *starts[CHUNK_TASKS::CHUNK_TASKS], len(text)]
    try:
        with paused_gc():
            first = TaskFile.model_validate(loads(text[cuts[0] : cuts[1]]))
            kept = keep(first.tasks)
            first.tasks = []
            for a, b in itertools.pairwise(cuts[1:]):
                piece = loads(text[a:b])
                if piece.keys() != {"tasks"}:
                    return None
                kept += keep(_tasks_adapter().validate_python(piece["tasks"]))
    except Exception as exc:
        # Broken TOML or a task the models refuse: the whole-file path words it.
        _fall_back(exc, bad_toml, ValidationError)
        return None
    return first, kept


@functools.cache
def _tasks_adapter() -> TypeAdapter[list[Task]]:
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


# --------------------------------------------------------------------------- validation


@functools.cache
def _models_at() -> dict[tuple[str, ...], type[BaseModel]]:
    """The model of each table, by its path in the file."""
    from . import models as m

    return {
        (): m.TaskFile,
        ("ledger",): m.LedgerMeta,
        ("aspects",): m.Aspect,
        ("tasks",): m.Task,
        ("tasks", "log"): m.LogEntry,
        ("indicators",): m.Indicator,
        ("indicators", "history"): m.Reading,
        ("petitions",): m.Petition,
        ("petitions", "log"): m.PetitionLogEntry,
        ("summary",): m.PetitionSummary,
    }


_TABLE_NOUN: dict[str, Callable[[], str]] = {
    "tasks": lambda: say("task", "任务"),
    "aspects": lambda: say("aspect", "问题方面"),
    "indicators": lambda: say("indicator", "指标"),
    "petitions": lambda: say("petition", "信访件"),
}


class SourceMap:
    """Line numbers of `[[table]]` blocks and their keys, built only to explain an error."""

    _HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z_.\s\"]+?)\s*\]\]")
    _TABLE = re.compile(r"^\s*\[\s*([A-Za-z_.\s\"]+?)\s*\]")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # (table path, index within parent) -> (first line, last line), 1-based inclusive
        self.blocks: dict[tuple[Any, ...], tuple[int, int]] = {}
        counters: dict[tuple[Any, ...], int] = {}
        current: tuple[Any, ...] = ()
        parent: tuple[Any, ...] = ()
        starts: list[tuple[tuple[Any, ...], int]] = []
        for no, line in enumerate(self.lines, 1):
            m = self._HEADER.match(line)
            if m:
                name = m.group(1).replace(" ", "").replace('"', "")
                parts = name.split(".")
                if len(parts) == 1:
                    idx = counters.get((parts[0],), 0)
                    counters[(parts[0],)] = idx + 1
                    current = (parts[0], idx)
                    parent = current
                else:
                    key = (*parent, *parts[1:])
                    idx = counters.get(key, 0)
                    counters[key] = idx + 1
                    current = (*parent, *parts[1:], idx)
                starts.append((current, no))
                continue
            m = self._TABLE.match(line)
            if m and not line.lstrip().startswith("[["):
                name = m.group(1).replace(" ", "").replace('"', "")
                current = tuple(name.split("."))
                parent = current
                starts.append((current, no))
        for i, (key, no) in enumerate(starts):
            end = starts[i + 1][1] - 1 if i + 1 < len(starts) else len(self.lines)
            self.blocks[key] = (no, end)

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """The line of the key at `loc`, else of its block, else None."""
        for cut in range(len(loc), -1, -1):
            block = self.blocks.get(tuple(loc[:cut]))
            if block is None:
                continue
            rest = loc[cut:]
            if rest and isinstance(rest[0], str):
                key = re.compile(rf"^\s*\"?{re.escape(rest[0])}\"?\s*=")
                for no in range(block[0], block[1] + 1):
                    if key.match(self.lines[no - 1]):
                        return no
            return block[0]
        if loc and isinstance(loc[0], str):
            key = re.compile(rf"^\s*\"?{re.escape(loc[0])}\"?\s*=")
            for no, line in enumerate(self.lines, 1):
                if key.match(line):
                    return no
            # An unknown top-level table such as [[task]]: point at its first header.
            for table, (first, _) in self.blocks.items():
                if table and table[0] == loc[0]:
                    return first
        return None


def describe_error(err: Any, data: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    """(loc, message) for one Pydantic error, in the words a ledger editor uses."""
    loc: tuple[Any, ...] = tuple(err["loc"])
    kind, value = err["type"], err.get("input")
    fields = tuple(p for p in loc if isinstance(p, str))
    got = _shown(value)
    if kind == "extra_forbidden":
        owner = _models_at().get(fields[:-1])
        names = list(owner.model_fields) if owner else []
        msg = say("unknown key{hint}", "未知的键{hint}", hint=did_you_mean(fields[-1], names))
    elif kind == "missing":
        msg = say("missing (required)", "缺失（必填）")
    elif kind in _STRICT_TYPES and isinstance(value, (str, bool)):
        msg = _wrong_type(kind, fields[-1] if fields else "", value, got)
    elif kind == "int_type" and isinstance(value, float) and not math.isfinite(value):
        msg = say(*_WANTED["finite_number"], got=got)
    elif kind.startswith(("date_", "datetime_")):
        msg = _bad_date(got)
    elif kind in _BOUNDS:
        ctx = err.get("ctx", {})
        en, zh = _BOUNDS[kind]
        msg = say(en, zh, bound=next(iter(ctx.values()), "?"), got=got)
    elif kind == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
    elif kind == "string_pattern_mismatch" and fields and fields[-1] == "id":
        msg = say(
            "{got} is not a usable id: no spaces, slashes or colons",
            "{got} 不能用作编号：不能含空格、斜杠或冒号",
            got=got,
        )
    elif kind == "string_too_short":
        msg = say("must not be empty", "不能为空")
    elif kind == "string_too_long":
        msg = say(
            "is {length} characters long, more than {limit}; put the details in measures or notes",
            "长 {length} 个字符，超过 {limit} 个；详细内容请写在 measures（整改措施）或 "
            "notes（备注）中",
            length=len(value),
            limit=err.get("ctx", {}).get("max_length"),
        )
    elif kind in ("literal_error", "enum"):
        expected = str(err.get("ctx", {}).get("expected", "?"))
        msg = say(
            "must be one of {expected}, got {got}",
            "应为 {listed} 之一，实际为 {got}",
            expected=expected,
            # pydantic lists the choices in English: "'a', 'b' or 'c'"
            listed=expected.replace(" or ", "、").replace(", ", "、"),
            got=got,
        )
    elif kind in _WANTED:
        en, zh = _WANTED[kind]
        msg = say(en, zh, got=got)
    else:
        msg = say(
            "{msg}, got {got}",
            "值无效（{msg}），实际为 {got}",
            msg=str(err["msg"]).rstrip(".").lower(),
            got=got,
        )
    where = _where(loc, data)
    path = _field_path(loc[len(_owner_prefix(loc)) :])
    field = field_name(path[0]) if len(path) == 1 else ".".join(path)
    parts = [p for p in (where, field) if p]
    return loc, say(": ", "：").join([*parts, msg])


_BOUNDS = {
    "greater_than_equal": ("must be at least {bound}, got {got}", "应不小于 {bound}，实际为 {got}"),
    "less_than_equal": ("must be at most {bound}, got {got}", "应不大于 {bound}，实际为 {got}"),
    "greater_than": ("must be more than {bound}, got {got}", "应大于 {bound}，实际为 {got}"),
    "less_than": ("must be less than {bound}, got {got}", "应小于 {bound}，实际为 {got}"),
}
_WHOLE = ("must be a whole number, got {got}", "应为整数，实际为 {got}")
_A_TABLE = ("must be a table, got {got}", "应为一个表，实际为 {got}")
_WANTED = {
    "int_parsing": _WHOLE,
    "int_type": _WHOLE,
    "int_from_float": _WHOLE,
    # nan or 1e400 (inf) where a whole number belongs
    "finite_number": ("must be a finite number, got {got}", "应为有限的数，实际为 {got}"),
    "float_parsing": ("must be a number, got {got}", "应为数字，实际为 {got}"),
    "float_type": ("must be a number, got {got}", "应为数字，实际为 {got}"),
    "bool_parsing": ("must be true or false, got {got}", "应为 true 或 false，实际为 {got}"),
    "bool_type": ("must be true or false, got {got}", "应为 true 或 false，实际为 {got}"),
    "list_type": ("must be a list [...], got {got}", "应为列表 [...]，实际为 {got}"),
    "string_type": (
        'must be text in quotes "...", got {got}',
        '应为加引号的文字 "..."，实际为 {got}',
    ),
    "dict_type": _A_TABLE,
    "model_type": _A_TABLE,
}


# What a strict field (models.py) wants, for a value given as text or as true/false.
_STRICT_TYPES = {
    "int_type": ("a whole number", "整数"),
    "float_type": ("a number", "数字"),
    "date_type": ("a date", "日期"),
    "bool_type": ("true or false", "true 或 false"),
}


def _wrong_type(kind: str, key: str, value: str | bool, got: str) -> str:
    """`progress = "50"`, `progress = true`, `deadline = "2026-06-30"`: the value as TOML
    wants it when the text holds one, else what the field takes."""
    en, zh = _STRICT_TYPES[kind]
    meant = _meant(kind, value) if isinstance(value, str) else None
    if meant is not None:
        return say(
            "must be {what}, got {got}; write {key} = {meant}, without quotes",
            "应为{zh}，实际为 {got}；请写成 {key} = {meant}，不加引号",
            what=en,
            zh=zh,
            got=got,
            key=key,
            meant=meant,
        )
    if kind == "date_type":
        return _bad_date(got)  # "2025-13-01": no such day, quoted or not
    example = {"int_type": "50", "float_type": "30.5"}.get(kind)
    if example is None or not isinstance(value, bool):
        return say("must be {what}, got {got}", "应为{zh}，实际为 {got}", what=en, zh=zh, got=got)
    return say(
        "must be {what}, got {got}; write a number, as {key} = {example}",
        "应为{zh}，实际为 {got}；请填写数字，如 {key} = {example}",
        what=en,
        zh=zh,
        got=got,
        key=key,
        example=example,
    )


def _bad_date(got: str) -> str:
    return say(
        "invalid date {got}; write dates as 2025-09-30",
        "日期 {got} 无效；日期请写成 2025-09-30",
        got=got,
    )


def _meant(kind: str, text: str) -> str | None:
    """The TOML spelling of what `text` says, when it is a value of the field's kind."""
    text = text.strip()
    try:
        if kind == "int_type":
            return str(int(text, 10))
        if kind == "float_type":
            number = float(text)
            return text if math.isfinite(number) else None
        if kind == "date_type":
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None
    if kind == "bool_type" and text.lower() in ("true", "false"):
        return text.lower()
    return None


def _owner_prefix(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(loc) >= 2 and loc[0] in _TABLE_NOUN and isinstance(loc[1], int):
        return loc[:2]
    if loc and loc[0] == "ledger":
        return loc[:1]
    return ()


def _field_path(loc: tuple[Any, ...]) -> list[str]:
    out: list[str] = []
    for p in loc:
        if isinstance(p, int) and out:
            out[-1] += f"[{p}]"
        else:
            out.append(str(p))
    return out


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    prefix = _owner_prefix(loc)
    if len(prefix) == 2:
        table, idx = prefix
        noun = _TABLE_NOUN[table]
        try:
            ident = data[table][idx].get("id")
        except (KeyError, IndexError, AttributeError, TypeError):
            ident = None
        if isinstance(ident, str) and ident:
            return say("{noun} {id}", "{noun} {id}", noun=noun(), id=ident)
        return say("{noun} #{n}", "第{n}个{noun}", noun=noun(), n=idx + 1)
    if prefix == ("ledger",):
        return "[ledger]"
    return ""


def _shown(value: Any) -> str:
    if isinstance(value, bool):  # as TOML spells it, not Python's True
        return "true" if value else "false"
    if isinstance(value, str):
        text = f'"{value}"'
    elif isinstance(value, dt.date):  # a datetime too: show it as the user typed it
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def validation_problems(
    exc: ValidationError, data: dict[str, Any], text: str, shown: str
) -> list[Problem]:
    source = SourceMap(text)
    errors = exc.errors()
    # `leed = ...` is one mistake, not two: drop "lead: missing" when the unknown key next
    # to it is the likely misspelling (its message already says "did you mean lead?").
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            owner = _models_at().get(tuple(p for p in loc[:-1] if isinstance(p, str)))
            hint = did_you_mean(str(loc[-1]), list(owner.model_fields) if owner else [])
            if hint:
                misspelt.add((*loc[:-1], hint.removeprefix("; did you mean ").rstrip("?")))
    problems = []
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in misspelt:
            continue
        loc, msg = describe_error(err, data)
        problems.append(Problem(shown, source.line_of(loc), msg))
    return problems


def _validate(model: type[M], data: dict[str, Any], text: str, shown: str) -> M:
    from pydantic import ValidationError

    try:
        with paused_gc():
            return model.model_validate(data)
    except ValidationError as exc:
        raise LedgerInvalid(validation_problems(exc, data, text, shown)) from None


def load_file(path: Path, model: type[M], raw: bytes | None = None) -> M:
    """One ledger file as a model; `raw` is its bytes when the caller has read them already."""

    from .models import TaskFile

    shown = display_path(path)
    text = read_text(path) if raw is None else decode(raw, shown)
    del raw
    if model is TaskFile:
        pieces = _tasks_in_chunks(text, _models)
        if pieces is not None:
            whole, tasks = pieces
            whole.tasks = tasks
            return whole  # type: ignore[return-value]  # M is TaskFile here
    return _load_text(text, model, shown)


def _models(tasks: list[Task]) -> list[Task]:
    return tasks


def _load_text(text: str, model: type[M], shown: str) -> M:
    from pydantic import ValidationError

    data = _parse_fast(text)
    if data is not None:
        try:
            with paused_gc():
                return model.model_validate(data)
        except ValidationError:
            pass  # worded from tomllib's reading below, exactly as without rtoml
        del data
    data = parse_toml(text, shown)
    return _validate(model, data, text, shown)


# --------------------------------------------------------------------------- integrity


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


class _InAspect(_Identified, Protocol):
    @property
    def aspect(self) -> str: ...


def integrity_problems(
    root: str,
    aspects: Sequence[_Identified],
    tasks: Sequence[_InAspect],
    indicators: Sequence[_Identified],
) -> list[Problem]:
    """Cross-reference errors that make the ledger ambiguous to every command (of records
    or of models: `rectify update` checks the models it is about to write)."""
    tasks_path, indicators_path = (display_path(p) for p in ledger_files(Path(root)))
    problems: list[Problem] = []
    problems += _duplicates(tasks_path, "aspects", [a.id for a in aspects])
    problems += _duplicates(tasks_path, "tasks", [t.id for t in tasks])
    problems += _duplicates(indicators_path, "indicators", [i.id for i in indicators])
    aspect_ids = [a.id for a in aspects]
    known = set(aspect_ids)
    for i, task in enumerate(tasks):
        if task.aspect not in known:
            hint = did_you_mean(task.aspect, aspect_ids) or say(
                "; add it under [[aspects]]", "；请在 [[aspects]] 下添加"
            )
            problems.append(
                Problem(
                    tasks_path,
                    None,
                    say(
                        "task {id}: aspect: unknown aspect {aspect!r}{hint}",
                        "任务 {id}：aspect（问题方面）：未知的问题方面 {aspect!r}{hint}",
                        id=task.id,
                        aspect=task.aspect,
                        hint=hint,
                    ),
                    loc=("tasks", i, "aspect"),
                )
            )
    return problems


def id_key(ident: str) -> str:
    """What an id is the same as: `t01`, `T01` and the full-width `Ｔ01` (typed with a
    Chinese IME) look alike to a reader, so they are one id (NFKC, then case-folded)."""
    if ident.isascii():
        return ident.lower()  # the common case, and what NFKC and casefold give for ASCII
    return unicodedata.normalize("NFKC", ident).casefold()


def _duplicates(path: str, table: str, ids: Iterable[str]) -> list[Problem]:
    seen: dict[str, tuple[int, str]] = {}
    problems = []
    noun = _TABLE_NOUN[table]()
    for i, ident in enumerate(ids):
        key = id_key(ident)
        if key not in seen:
            seen[key] = (i, ident)
            continue
        first, other = seen[key]
        if other == ident:
            message = say(
                "{noun} {id}: duplicate id (first used by {noun} #{n})",
                "{noun} {id}：编号重复（第{n}个{noun}已使用）",
                noun=noun,
                id=ident,
                n=first + 1,
            )
        else:
            message = say(
                "{noun} {id}: duplicate id: the same as {other} ({noun} #{n}) but for "
                "upper/lower case or full-width characters",
                "{noun} {id}：编号重复：与第{n}个{noun}的 {other} 只有大小写或全角半角之差",
                noun=noun,
                id=ident,
                other=other,
                n=first + 1,
            )
        problems.append(Problem(path, None, message, loc=(table, i, "id")))
    return problems


def locate(problems: list[Problem], root: Path) -> list[Problem]:
    """Turn `(table, index, key)` placeholders in Problem.line into real line numbers."""
    maps: dict[str, SourceMap] = {}
    out = []
    for p in problems:
        if p.line is None and p.loc is not None:
            if p.path not in maps:
                try:
                    maps[p.path] = SourceMap(read_text(_path_for(p.path, root)))
                except Exception:
                    maps[p.path] = SourceMap("")
            p = Problem(p.path, maps[p.path].line_of(p.loc), p.message)
        out.append(p)
    return sorted(out, key=lambda p: (p.path, p.line or 0))


def _path_for(shown: str, root: Path) -> Path:
    for candidate in ledger_files(root):
        if display_path(candidate) == shown:
            return candidate
    return Path(shown)


# --------------------------------------------------------------------------- loading


# Set by the `rectify` program (cli.main), which starts with the cyclic GC off: what it
# loads lives until the process ends, so it is moved out of the GC's sight (gc.freeze) before
# the GC is turned on, instead of being walked again and again (a third of `list` on 100,000
# tasks).  Library callers and tests keep the normal GC.
FREEZE_LOADED = False
_T = TypeVar("_T")


def load_tasks(path: Path, raw: bytes | None) -> tuple[TaskFile, list[records.Task]]:
    """The tasks file, its tasks as records: converted a piece at a time where the file is
    read in pieces, so that the models of all tasks are never alive at once (100,000
    tasks: ~300 MB less at the peak of a first load)."""
    from .models import TaskFile

    shown = display_path(path)
    text = read_text(path) if raw is None else decode(raw, shown)
    del raw
    strings: dict[str, str] = {}

    def as_records(tasks: list[Task]) -> list[records.Task]:
        return [records.task_of(t, strings) for t in tasks]

    pieces = _tasks_in_chunks(text, as_records)
    if pieces is not None:
        return pieces
    whole = _load_text(text, TaskFile, shown)
    tasks, whole.tasks = whole.tasks, []
    return whole, as_records(tasks)


def _keep(loaded: _T) -> _T:
    if FREEZE_LOADED:
        gc.freeze()
        gc.enable()
    return loaded


def load_ledger(ledger: str | os.PathLike[str] | None = None) -> Ledger:
    """Load and validate a ledger folder, or raise a RectifyError that says what is wrong."""
    root = resolve_root(ledger)
    check_root(root)
    tasks_path, indicators_path = ledger_files(root)
    if not tasks_path.exists() and not tasks_path.is_symlink():
        raise LedgerNotFound(
            f"{display_path(tasks_path)}: file not found; a ledger folder needs {TASKS_FILE}"
        )
    has_indicators = indicators_path.exists() or indicators_path.is_symlink()
    paths = [tasks_path, indicators_path]
    # The cache answers for files whose bytes are those it was built from (cache.py).
    hit, keys = cache.load_current(root, paths, has_indicators, limit=MAX_FILE_BYTES)
    if hit is not None:
        if hit.problems is None:
            # Counted for other days (a log entry dated ahead): count again, remember.
            counted = _count_problems(hit)
            if keys is not None:
                cache.save(root, keys, hit, counted)
        return _keep(hit)
    # A miss: the entry written below is keyed by the very bytes parsed.  A file that cannot
    # be read skips the cache, and load_file reads it again to say why.
    raws = [cache.read_quietly(tasks_path, MAX_FILE_BYTES)]
    raws.append(cache.read_quietly(indicators_path, MAX_FILE_BYTES) if has_indicators else b"")
    keys = cache.keys(paths, raws, has_indicators)
    from .models import IndicatorFile

    tasks_file, tasks = load_tasks(tasks_path, raws.pop(0))
    if has_indicators:
        indicators = load_file(indicators_path, IndicatorFile, raws.pop(0)).indicators
    else:
        indicators = []  # a ledger may track tasks only
    del raws
    problems = integrity_problems(str(root), tasks_file.aspects, tasks, indicators)
    if problems:
        raise LedgerInvalid(locate(problems, root))
    result = ledger_of(tasks_file.ledger, tasks_file.aspects, [], indicators, str(root))
    result.tasks = tasks
    del tasks_file, tasks, indicators
    counted = _count_problems(result)
    if keys is not None:
        cache.save(root, keys, result, counted)  # only a ledger that loads is remembered
    return _keep(result)


def _count_problems(ledger: Ledger) -> cache.Counted:
    """Count what `rectify check` would find in a ledger that loads (into `ledger.problems`),
    once per version of its files: a reading command says how many (cli/many.py)."""
    from .checks import problem_count  # checks imports this module

    today = dt.date.today()
    ledger.problems, until = problem_count(ledger, today)
    return today, until


def load_petitions(ledger: str | os.PathLike[str] | None = None) -> PetitionFile | None:
    """The ledger folder's petition cases (信访件), or None when it has no petitions.toml.

    A file of its own, beside the tasks, loaded with the same checks and file:line messages;
    kept out of `load_ledger` so a ledger without petitions pays nothing for them.
    """
    root = resolve_root(ledger)
    path = root / PETITIONS_FILE
    if not path.exists() and not path.is_symlink():
        return None
    from pydantic import ValidationError

    from .models import PetitionFile

    # Cached like the tasks (cache.py): a hit skips the parse, the validation and the checks.
    keys = cache.current_keys([path], limit=MAX_FILE_BYTES)
    hit = cache.load_model(root, "petitions", keys, PetitionFile) if keys is not None else None
    if hit is not None:
        return _keep(hit)
    shown = display_path(path)
    raw = cache.read_quietly(path, MAX_FILE_BYTES)
    keys = cache.keys([path], [raw])
    text = read_text(path) if raw is None else decode(raw, shown)
    del raw
    data = _parse_fast(text)
    if data is None:
        data = parse_toml(text, shown)
    _known_tables(data, text, shown)
    try:
        with paused_gc():
            result = PetitionFile.model_validate(data)
    except ValidationError:
        # Worded from tomllib's reading, as load_file does.
        result = _validate(PetitionFile, parse_toml(text, shown), text, shown)
    problems = _duplicates(shown, "petitions", [p.id for p in result.petitions])
    if problems:
        raise LedgerInvalid(locate(problems, root))
    if keys is not None:
        cache.save_model(root, "petitions", keys, result)
    return _keep(result)


def _known_tables(data: dict[str, Any], text: str, shown: str) -> None:
    """`[[petition]]` for `[[petitions]]`: named with a suggestion from this file's own keys
    (the shared validator would suggest keys of tasks.toml)."""
    from .models import PetitionFile

    names = list(PetitionFile.model_fields)
    source: SourceMap | None = None
    problems = []
    for key in data:
        if key not in names:
            source = source or SourceMap(text)
            hint = did_you_mean(key, names)
            message = say("{key}: unknown key{hint}", "{key}：未知的键{hint}", key=key, hint=hint)
            problems.append(Problem(shown, source.line_of((key,)), message))
    if problems:
        raise LedgerInvalid(problems)
