"""Where a problem is: the line of a key in a ledger file, found from its place in the TOML
structure (`("tasks", 3, "deadline")`), built only to explain an error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import Problem
from .files import display_path, ledger_files, read_text


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
