"""The exact diff a write would make (`--dry-run`, `undo`), as `git apply` reads it: built from
the one region a write replaced, however big the file."""

from __future__ import annotations

import difflib
import os
import re
from typing import AnyStr

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
