"""The text of an edit: the one TOML block it touches, changed in place, and its diff.

`TextLayout` finds the one `[[tasks]]` / `[[indicators]]` block an edit touches (in the file's
bytes: only that block is ever decoded), `edit_block` changes that block alone with tomlkit, so
every other byte stays as typed, and `unified_diff` shows the change from that window alone.
A block parses the same alone as in its file because it runs from a real top-level header to
the next one; `TextLayout` skips header-like lines inside multi-line strings, and a valid
ledger has no arrays of arrays, the only other place a header-like line can hide.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, AnyStr, Generic, cast

from pydantic import BaseModel

from .edit_style import is_status_label, own_status
from .kinds import HANDLING_ZH, STATUS_ZH, Handling, Status

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


def has_triple_quotes(text: str | bytes) -> bool:
    """Whether `text` holds three quotes in a row: else it holds no multi-line string."""
    if isinstance(text, bytes):
        return b'"""' in text or b"'''" in text
    return any(q in text for q in _ML_QUOTES)


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

    def __init__(self, text: AnyStr, *, plain: bool = False) -> None:
        """`plain`: the caller knows that `text` holds no three quotes in a row (a stamp of
        its content says so, edit_file.stamped), so no multi-line string is looked for."""
        self.text: AnyStr = text
        self._bytes = isinstance(text, bytes)
        self._header_re: re.Pattern[AnyStr] = cast(
            "re.Pattern[AnyStr]", _HEADER_B if self._bytes else _HEADER
        )
        self._nl: AnyStr = self._lit("\n")
        self._strings: list[tuple[int, int]] | None = [] if plain else None
        self._plain: bool | None = True if plain else None
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
            self._plain = not has_triple_quotes(text)
            if not self._plain:
                tokens = cast("re.Pattern[AnyStr]", _TOKENS_B if self._bytes else _TOKENS)
                self._strings = [
                    (m.start(), m.end())
                    for m in tokens.finditer(text)
                    if m.group().startswith(quotes) and self._nl in m.group()
                ]
            self._string_starts = [s for s, _ in self._strings]
        return self._strings

    def is_plain(self) -> bool:
        """Whether the text holds no three quotes in a row (then no multi-line string)."""
        self._string_spans()
        return self._plain is True

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


def toml_value(value: Any, zh_status: bool = False) -> Any:
    """A model value as tomlkit should write it: enums by key (a status, or a case's handling
    status, by its Chinese label with `zh_status`), numbers as written (the models keep 30 an
    int and 15.0 a float, and the report prints them so)."""
    if zh_status and isinstance(value, Status):
        return STATUS_ZH[value]
    if zh_status and isinstance(value, Handling):
        return HANDLING_ZH[value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [toml_value(v, zh_status) for v in value]
    return value


def table_of(model: BaseModel, zh_status: bool = False) -> dict[str, Any]:
    """A model as the keys a person would write: defaults left out, in field order."""
    present, fields = model.model_dump(exclude_defaults=True), type(model).model_fields
    return {k: toml_value(getattr(model, k), zh_status) for k in fields if k in present}


class Unkeepable(Exception):
    """tomlkit would not give this block back byte for byte: better refuse than reformat."""


def edit_block(
    region: str,
    table: str,
    sub: str,
    before: BaseModel,
    after: BaseModel,
    appended: BaseModel | None = None,
    zh_status: bool = False,
) -> str:
    """`region` (one `[[table]]` block) with the fields that differ between `before` and
    `after` changed in place, and `appended` added as a new `[[table.sub]]` at its end.

    Changed keys keep their line and inline comment; a new key goes after the field that
    precedes it in the model; a key whose new value is None is removed.  Only the item's own
    keys go through tomlkit, under a plain `[[table]]` header: the header line as typed and
    the existing sub-tables (the log) are never re-rendered, so they come back byte for
    byte, and if tomlkit would not give the keys back unchanged the edit is refused.  A log
    written inline (`log = [{...}]`, as tomli_w writes a short one) gets the new entry as
    one more inline table, its text otherwise as typed: tomlkit never sees it.  A status
    keeps the block's style (`"未启动"` gets `"推进中"`), else `zh_status`'s (edit_style.py).
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
    own = own_status(keys, table)
    if own is not None:
        zh_status = is_status_label(own)
    # A log written inline is hidden from tomlkit (which respaces some inline tables) behind
    # a comment line, and put back after, with the new entry if there is one.
    inline: tuple[str, str] | None = None  # (marker, the inline array's new text)
    span = _inline_array(keys, sub)
    if span is not None:
        start, end = span
        array = keys[start:end]
        if appended is not None:
            entry = tomlkit.inline_table()
            entry.update(table_of(appended, zh_status))
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
        value = toml_value(new, zh_status)
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
        out += f"\n[[{table}.{sub}]]\n" + tomlkit.dumps(table_of(appended, zh_status))
    return out.replace("\n", "\r\n") if crlf else out


# Strings and comments (where brackets are text), or a bracket.
_BRACKETS = re.compile(_TOKENS_SRC + r"|[\[\]]")
# Strings, or any other character that is not white space; comments are skipped by the caller.
_SIGNIFICANT = re.compile(_TOKENS_SRC + r"|\S")


def new_block(
    table: str, sub: str, item: BaseModel, first: BaseModel | None = None, zh_status: bool = False
) -> str:
    """A new `[[table]]` block holding `item`'s keys as `table_of` gives them, and `first`
    as its first `[[table.sub]]` entry, appended as edit_block appends one; statuses by their
    Chinese labels with `zh_status` (the file's style: edit_style.status_style)."""
    import tomlkit

    keys = {k: v for k, v in table_of(item, zh_status).items() if k != sub}
    text = tomlkit.dumps({table: [keys]})
    return text if first is None else edit_block(text, table, sub, item, item, first, zh_status)


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
