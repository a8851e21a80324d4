"""One item (a task, aspect, indicator or petition case) merged from its three versions.

Both sides changed the item: its keys are merged field by field (a field changed on one side
takes that side's value, written into our block by `edit_text.edit_block`, so every other
byte stays ours), its log entries or readings are the union of both sides in date order, and
a field changed to different values on both sides is a conflict confined to that field's
lines.  A conflict is reported, never guessed: the caller marks it and git stops.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .edit_text import BlockNotIsolated, Layout, Unkeepable, edit_block, parse_alone
from .models import Aspect, Indicator, Petition, Reading, Task

# The keyed tables of the three files: the item model and its sub-table of entries.
KEYED: dict[str, tuple[type[BaseModel], str | None]] = {
    "aspects": (Aspect, None),
    "tasks": (Task, "log"),
    "indicators": (Indicator, "history"),
    "petitions": (Petition, "log"),
}
# The fields of an indicator's current reading: two new readings are two readings, not a clash.
_READING: tuple[str, ...] = ("value", "period", "recorded", "value_bound", "change")
_READING += ("change_bound", "rank", "change_rank", "rank_note")

OURS, SEP, THEIRS = "<<<<<<< ours\n", "=======\n", ">>>>>>> theirs\n"
_MISSING: Any = object()


class Unmergeable(Exception):
    """The text is laid out in a way the merge does not take apart safely."""


def marked(ours: str, theirs: str) -> str:
    """Standard conflict markers around two versions of some lines."""

    def line(text: str) -> str:
        return text if not text or text.endswith("\n") else text + "\n"

    return f"{OURS}{line(ours)}{SEP}{line(theirs)}{THEIRS}"


@dataclass
class ItemMerge:
    text: str
    conflicts: list[str] = field(default_factory=list)  # the fields changed differently


@dataclass(frozen=True)
class _Parts:
    keys: str  # the header and the item's own keys
    entries: list[tuple[Any, str]]  # each sub-table entry: parsed, text
    tail: str  # trailing blank and comment lines (they belong above the next item)
    fields: dict[str, Any]


def _split(text: str, table: str, sub: str | None) -> _Parts:
    layout = Layout(text)
    body_end = layout.trim(0, len(text))
    subs = [h.start for h in layout.headers_from(0) if h.start > 0]
    keys_end = subs[0] if subs else body_end
    entries = []
    for i, start in enumerate(subs):
        end = subs[i + 1] if i + 1 < len(subs) else body_end
        if sub is None:
            raise Unmergeable(f"a sub-table in a [[{table}]] item")
        entries.append((_entry(text[start:end], table, sub), text[start:end]))
    try:
        fields = parse_alone(text[:keys_end], table)
    except BlockNotIsolated as exc:
        raise Unmergeable(str(exc)) from None
    return _Parts(text[:keys_end], entries, text[body_end:], fields)


def _entry(text: str, table: str, sub: str) -> Any:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Unmergeable(str(exc)) from None
    outer = data.get(table)
    outer = outer[-1] if isinstance(outer, list) else outer
    if not isinstance(outer, dict) or not isinstance(outer.get(sub), list):
        raise Unmergeable(f"not a [[{table}.{sub}]] entry")
    return outer[sub][-1]


def _entry_key(entry: Any) -> tuple[str, str]:
    """Log entries in date order; readings by when they were recorded, then their period."""
    if not isinstance(entry, dict):
        return ("", "")
    when = entry.get("date", entry.get("recorded", ""))
    return (str(when), str(entry.get("period", "")))


def _three_way(b: Any, o: Any, t: Any) -> tuple[Any, bool]:
    """The merged value of one field, and whether both sides changed it differently."""
    if o == t or b == t:
        return o, False
    if b == o:
        return t, False
    return o, True


def _reading_of(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: fields.get(k, _MISSING) for k in _READING}


def _archived(fields: dict[str, Any]) -> dict[str, Any]:
    """The current reading of an indicator as a history entry, as `rectify record` keeps it."""
    published = [f"{k} = {fields[k]}" for k in _READING[3:] if k in fields]
    reading = Reading(
        value=fields["value"],
        period=fields.get("period", ""),
        recorded=fields.get("recorded"),
        note="; ".join(published),
    )
    return reading.model_dump(exclude_defaults=True)


def merge_item(table: str, base: str, ours: str, theirs: str) -> ItemMerge:
    """The three versions of one item merged; `ours` is the text the result is made from."""
    model, sub = KEYED[table]
    b, o, t = (_split(x, table, sub) for x in (base, ours, theirs))
    merged = dict(o.fields)
    conflicts: list[str] = []
    extra_entries: list[tuple[Any, str]] = []
    names = list(dict.fromkeys([*o.fields, *t.fields, *b.fields]))
    if table == "indicators":
        rb, ro, rt = (_reading_of(p.fields) for p in (b, o, t))
        both = ro != rb and rt != rb and ro["period"] != rt["period"]
        if both and _MISSING not in (ro["value"], rt["value"]):
            # Both sides recorded a reading: the later one is current, the other history.
            later, earlier = (ro, rt) if _entry_key(ro) >= _entry_key(rt) else (rt, ro)
            for k, v in later.items():
                if v is _MISSING:
                    merged.pop(k, None)
                else:
                    merged[k] = v
            past = _archived({k: v for k, v in earlier.items() if v is not _MISSING})
            extra_entries.append((past, ""))
            names = [n for n in names if n not in _READING]
    for name in names:
        value, clash = _three_way(
            b.fields.get(name, _MISSING), o.fields.get(name, _MISSING), t.fields.get(name, _MISSING)
        )
        if clash:
            conflicts.append(name)
        elif value is _MISSING:
            merged.pop(name, None)
        else:
            merged[name] = value
    if sub and sub not in conflicts and merged.get(sub) != o.fields.get(sub):
        conflicts.append(sub)  # an inline log (`log = [...]`) is one value, not entries
        merged[sub] = o.fields.get(sub)
    keys = o.keys
    if merged != o.fields:
        edited = _edited(o.keys, table, sub, model, o.fields, merged)
        if edited is None:  # the merged item is not one the model accepts: both sides' lines
            changed = [n for n in names if merged.get(n) != o.fields.get(n)]
            conflicts.extend(n for n in changed if n not in conflicts)
        else:
            keys = edited
    for name in sorted(conflicts, key=lambda n: _span(keys, n) or (len(keys), 0), reverse=True):
        keys = _mark(keys, t.keys, name)
    return ItemMerge(_joined(keys, _entries(b, o, t, sub, extra_entries, table), o), conflicts)


def _edited(
    keys: str,
    table: str,
    sub: str | None,
    model: type[BaseModel],
    before: dict[str, Any],
    after: dict[str, Any],
) -> str | None:
    inner = sub or ""
    try:
        old = model.model_validate({k: v for k, v in before.items() if k != inner})
        new = model.model_validate({k: v for k, v in after.items() if k != inner})
        return edit_block(keys, table, inner, old, new)
    except (ValidationError, Unkeepable):
        return None


def _entries(
    b: _Parts,
    o: _Parts,
    t: _Parts,
    sub: str | None,
    extra: list[tuple[Any, str]],
    table: str,
) -> list[str] | None:
    """The merged sub-table entries' texts, or None when ours stand as they are."""
    gone = [e for e, _ in b.entries if e not in [x for x, _ in t.entries]]
    gone_o = [e for e, _ in b.entries if e not in [x for x, _ in o.entries]]
    kept = [(e, s) for e, s in o.entries if e not in gone]
    seen = [e for e, _ in kept]
    for e, s in [*t.entries, *extra]:
        if e in seen or e in gone_o:
            continue
        seen.append(e)
        # A new log entry goes after the last of ours dated no later, so ours keep their
        # order (and bytes) and the log reads in date order; readings go last.
        later = [i for i, (k, _) in enumerate(kept) if _entry_key(k) <= _entry_key(e)]
        at = (later[-1] + 1 if later else 0) if sub == "log" else len(kept)
        kept.insert(at, (e, s or _entry_text(table, sub or "", e)))
    if [s for _, s in kept] == [s for _, s in o.entries]:
        return None
    return [s for _, s in kept]


def _entry_text(table: str, sub: str, entry: dict[str, Any]) -> str:
    import tomlkit

    return f"[[{table}.{sub}]]\n" + tomlkit.dumps(entry)


def _joined(keys: str, entries: list[str] | None, o: _Parts) -> str:
    if entries is None:
        return keys + "".join(s for _, s in o.entries) + o.tail
    out = keys
    for text in entries:
        if not out.endswith("\n"):
            out += "\n"
        if not out.endswith("\n\n"):
            out += "\n"
        out += text
    if not out.endswith("\n"):
        out += "\n"
    if o.tail and not out.endswith("\n\n") and not o.tail.startswith("\n"):
        out += "\n"
    return out + o.tail


def _span(text: str, name: str) -> tuple[int, int] | None:
    """Where the key `name` and its whole value (lines below too) stand in `text`."""
    key = re.escape(name)
    pattern = re.compile(rf"""^[ \t]*(?:{key}|"{key}"|'{key}')[ \t]*=""", re.M)
    layout = Layout(text)
    for m in pattern.finditer(text):
        if layout.in_string(m.start()):
            continue
        end = m.start()
        while end < len(text):
            nl = text.find("\n", end)
            end = len(text) if nl < 0 else nl + 1
            try:
                if name in tomllib.loads(text[m.start() : end]):
                    return m.start(), end
            except tomllib.TOMLDecodeError:
                continue
        return None
    return None


def _mark(keys: str, their_keys: str, name: str) -> str:
    """`keys` with the lines of `name` put between conflict markers beside theirs."""
    mine, theirs = _span(keys, name), _span(their_keys, name)
    their_text = their_keys[theirs[0] : theirs[1]] if theirs else ""
    if mine is None:
        end = len(keys.rstrip("\n")) + 1 if keys.strip() else len(keys)
        mine = (min(end, len(keys)), min(end, len(keys)))
        if mine[0] == len(keys) and not keys.endswith("\n"):
            keys += "\n"
            mine = (len(keys), len(keys))
    return keys[: mine[0]] + marked(keys[mine[0] : mine[1]], their_text) + keys[mine[1] :]
