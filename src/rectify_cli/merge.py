"""A ledger file merged from three versions, as git's merge driver (`rectify merge`).

The file is taken apart at its top-level headers into chunks keyed by what they hold: the
text before the first header, each plain table (`[ledger]`, `[summary]`), and each item of
a keyed table (`[[tasks]]`, `[[aspects]]`, `[[indicators]]`, `[[petitions]]`) by its id.
Chunks are merged by key in our order, with theirs' new ones placed after the chunk they
follow in their file: a chunk changed on one side only is that side's text, byte for byte;
an item changed on both sides is merged field by field (merge_item.py).  Tasks added on both
sides under one id are both kept, theirs renumbered with the ledger's next id.
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .checks import item_problems, task_statuses
from .edit_add import next_id
from .edit_text import BlockNotIsolated, Layout, Unkeepable, edit_block, parse_alone
from .errors import UsageError
from .files import display_path
from .i18n import field_name
from .merge_item import KEYED, ItemMerge, Unmergeable, marked, merge_item
from .models import IndicatorFile, PetitionFile, TaskFile
from .problems import duplicate_ids, integrity_problems
from .speech import say

Key = tuple[str, str]
_PREAMBLE: Key = ("", "")
# Items added on both sides under one id are both kept only where an id is rectify's own
# numbering; an indicator's or a case's id names something outside the ledger.
_RENUMBERED = ("tasks",)
_FILES: dict[str, type[BaseModel]] = {
    "tasks": TaskFile,
    "indicators": IndicatorFile,
    "petitions": PetitionFile,
}
GITATTRIBUTES = tuple(f"{name}.toml merge=rectify" for name in ("tasks", "indicators", "petitions"))
DRIVER = "rectify merge %O %A %B %P"


@dataclass
class Merged:
    text: str
    conflicts: list[str] = field(default_factory=list)  # one sentence each
    notes: list[str] = field(default_factory=list)  # what the merge did that a person should know
    composed: list[Key] = field(default_factory=list)  # items made of both sides' changes


def chunks(text: str) -> list[tuple[Key, str]]:
    """The file's chunks in order: (key, text); the keys are unique."""
    layout = Layout(text)
    starts: list[tuple[int, Key]] = [(0, _PREAMBLE)]
    table: str | None = None
    for h in layout.headers_from(0):
        if table is not None and h.name[0] == table and len(h.name) > 1:
            continue
        table = h.name[0]
        if not h.array:
            starts.append((h.start, ("[" + ".".join(h.name), "")))
        elif len(h.name) == 1 and h.name[0] in KEYED:
            starts.append((h.start, (h.name[0], "")))
        else:
            raise Unmergeable(f"[[{'.'.join(h.name)}]]")
    out: list[tuple[Key, str]] = []
    for i, (start, key) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        region = text[start:end]
        if key[0] in KEYED:
            try:
                ident = parse_alone(region, key[0]).get("id")
            except BlockNotIsolated as exc:
                raise Unmergeable(str(exc)) from None
            if not isinstance(ident, str):
                raise Unmergeable(f"a [[{key[0]}]] item without an id")
            key = (key[0], ident)
        out.append((key, region))
    if len({k for k, _ in out}) != len(out):
        raise Unmergeable("an id used twice")
    return out


def _noun(table: str) -> str:
    nouns = {
        "tasks": say("task", "任务"),
        "aspects": say("aspect", "方面"),
        "indicators": say("indicator", "指标"),
        "petitions": say("petition case", "信访件"),
    }
    return nouns.get(table, table)


def _where(key: Key) -> str:
    if key == _PREAMBLE:
        return say("the text before the first table", "第一个表之前的内容")
    if key[0].startswith("["):
        return f"{key[0]}]"
    return f"{_noun(key[0])} {key[1]}"


def _sep(before: str, after: str) -> str:
    """What goes between two chunks so each keeps its own lines: a line break if the first
    lacks one, and a blank line after a key line (a comment line leads into what follows)."""
    if not before:
        return ""
    gap = "" if before.endswith("\n") else "\n"
    last = before.rstrip("\n").rsplit("\n", 1)[-1].strip()
    if before.endswith("\n\n") or after.startswith("\n") or last.startswith("#"):
        return gap
    return gap + "\n"


def merge_text(base: str, ours: str, theirs: str, shown: str) -> Merged:
    """The three versions of one ledger file merged (`shown` names it in messages)."""
    if ours == theirs or base == theirs:
        return Merged(ours)
    if base == ours:
        return Merged(theirs)
    try:
        cb, co, ct = chunks(base), chunks(ours), chunks(theirs)
    except Unmergeable as exc:
        why = say(
            "{shown}: rectify cannot merge this file by item ({why}); it is marked whole",
            "{shown}：rectify 无法按条目合并此文件（{why}），已整体标记冲突",
            shown=shown,
            why=str(exc),
        )
        return Merged(marked(ours, theirs), [why])
    bmap, tmap, omap = dict(cb), dict(ct), dict(co)
    out = Merged("")
    result: list[tuple[Key, str]] = []
    for key, text in co:
        b, t = bmap.get(key), tmap.get(key)
        if t is None:
            if b is None:  # added by us
                result.append((key, text))
            elif b != text:  # removed by theirs, changed by us
                out.conflicts.append(_gone(shown, key, say("theirs", "对方")))
                result.append((key, marked(text, "")))
        elif b is None and t != text:
            if key[0] in _RENUMBERED:
                result.append((key, text))
            else:
                out.conflicts.append(_both_added(shown, key))
                result.append((key, marked(text, t)))
        else:
            result.append((key, _merge_chunk(key, b, text, t, shown, out)))
    # Every id the table has on any side, ours first: the next id follows our pattern.
    taken = list(dict.fromkeys(k for k in (*omap, *tmap, *bmap)))
    for i, (key, text) in enumerate(ct):
        if key in omap and not (key in bmap or omap[key] == text or key[0] not in _RENUMBERED):
            new = next_id([k[1] for k in taken if k[0] == key[0]], key[1][:1] or "T")
            taken.append((key[0], new))
            try:
                text = _renumbered(text, key[0], new)
            except (BlockNotIsolated, ValidationError, Unkeepable):
                out.conflicts.append(_both_added(shown, key))
                result[[k for k, _ in result].index(key)] = (key, marked(omap[key], text))
                continue
            out.notes.append(
                say(
                    "{shown}: {noun} {id} was added on both sides; theirs is now {new}",
                    "{shown}：双方都新增了{noun} {id}；对方的一项已改编号为 {new}",
                    shown=shown,
                    noun=_noun(key[0]),
                    id=key[1],
                    new=new,
                )
            )
            key = (key[0], new)  # placed where it stood in their file, after its neighbour
        elif key in omap:
            continue
        elif key in bmap:
            if bmap[key] != text:
                out.conflicts.append(_gone(shown, key, say("ours", "我方")))
                _insert(result, ct[:i], key, marked("", text))
            continue
        _insert(result, ct[:i], key, text)
    # Chunks that were neighbours in our file join as they stood; others get a separator.
    neighbours = {(a[0], b[0]) for a, b in pairwise(co)}
    pieces: list[str] = []
    for i, (key, text) in enumerate(result):
        before = pieces[-1] if pieces else ""
        joined = i and (result[i - 1][0], key) in neighbours and before.endswith("\n")
        pieces.append(text if joined else _sep(before, text) + text)
    out.text = "".join(pieces)
    if not out.conflicts:
        problem = _invalid(out.text, shown, out.composed)
        if problem is not None:
            out.conflicts.append(problem)
    return out


def _insert(
    result: list[tuple[Key, str]], before_it: list[tuple[Key, str]], key: Key, text: str
) -> None:
    """`text` placed after the nearest chunk it follows in its own file."""
    keys = [k for k, _ in result]
    for k, _ in reversed(before_it):
        if k in keys:
            result.insert(keys.index(k) + 1, (key, text))
            return
    result.insert(0, (key, text))


def _renumbered(text: str, table: str, new: str) -> str:
    model, sub = KEYED[table]
    layout = Layout(text)
    first = next((h.start for h in layout.headers_from(1)), len(text))
    keys = parse_alone(text[:first], table)
    old = model.model_validate({k: v for k, v in keys.items() if k != sub})
    edited = edit_block(text[:first], table, sub or "", old, old.model_copy(update={"id": new}))
    return edited + text[first:]


def _merge_chunk(key: Key, b: str | None, o: str, t: str, shown: str, out: Merged) -> str:
    if o == t or b == t:
        return o
    if b == o:
        return t
    if b is not None and key[0] in KEYED:
        try:
            item: ItemMerge = merge_item(key[0], b, o, t)
        except (Unmergeable, ValidationError, Unkeepable):
            pass  # marked whole below
        else:
            for name in item.conflicts:
                out.conflicts.append(
                    say(
                        "{shown}: {where}: field {field} was changed differently on both sides",
                        "{shown}：{where}：双方把 {field} 改成了不同的值",
                        shown=shown,
                        where=_where(key),
                        field=field_name(name, ledger_table=key == ("[ledger", "")),
                    )
                )
            out.composed.append(key)
            return item.text
    out.conflicts.append(
        say(
            "{shown}: {where} was changed on both sides",
            "{shown}：{where} 双方都有修改",
            shown=shown,
            where=_where(key),
        )
    )
    return marked(o, t)


def _gone(shown: str, key: Key, side: str) -> str:
    return say(
        "{shown}: {where} was removed by {side} and changed by the other side",
        "{shown}：{where} 被{side}删除，另一方却修改了它",
        shown=shown,
        where=_where(key),
        side=side,
    )


def _both_added(shown: str, key: Key) -> str:
    return say(
        "{shown}: {where} was added on both sides with different contents",
        "{shown}：双方都新增了 {where}，内容不同",
        shown=shown,
        where=_where(key),
    )


def _invalid(text: str, shown: str, composed: list[Key]) -> str | None:
    """Why the merged file is not one `rectify check` accepts, or None: the file's schema
    and ids, and the rules of check on each item made of both sides' changes (an item taken
    whole from one side was checked by the write that made it)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _not_valid(shown, str(exc))
    kind = next((k for k in _FILES if k in data), "tasks" if "ledger" in data else None)
    if kind is None:
        return None
    try:
        parsed = _FILES[kind].model_validate(data)
    except ValidationError as exc:
        why = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        return _not_valid(shown, why)
    tasks = getattr(parsed, "tasks", [])
    found = duplicate_ids(shown, kind, [i.id for i in getattr(parsed, kind)])
    if isinstance(parsed, TaskFile):
        found += integrity_problems(".", parsed.aspects, tasks, [])
    if found:
        return _not_valid(shown, str(found[0]))
    mixed = [i for i in getattr(parsed, kind) if (kind, i.id) in composed]
    found_now = item_problems(
        tasks=mixed if kind == "tasks" else (),
        indicators=mixed if kind == "indicators" else (),
        start_default=parsed.ledger.feedback_date if isinstance(parsed, TaskFile) else None,
        statuses=task_statuses(tasks),
    )
    return _not_valid(shown, found_now[0]) if found_now else None


def _not_valid(shown: str, why: str) -> str:
    return say(
        "{shown}: the merged file would not pass rectify check ({why}); resolve it by hand",
        "{shown}：合并结果无法通过 rectify check（{why}），请手工处理",
        shown=shown,
        why=why,
    )


# --------------------------------------------------------------------------- setup


def install(folder: Path) -> list[str]:
    """Set up the driver for the git repository `folder` is in: the `.gitattributes` lines
    in `folder` (appended, an existing line never touched) and the driver in the repository's
    config.  Returns what was done, one line each."""
    done: list[str] = []
    attributes = folder / ".gitattributes"
    old = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    have = {line.strip() for line in old.splitlines()}
    _git_folder(folder)
    missing = [line for line in GITATTRIBUTES if line not in have]
    if missing:
        gap = "" if not old or old.endswith("\n") else "\n"
        with attributes.open("a", encoding="utf-8", newline="\n") as f:
            f.write(gap + "".join(line + "\n" for line in missing))
        done.append(f".gitattributes: + {', '.join(missing)}")
    for name, value in (("name", "rectify ledger merge"), ("driver", DRIVER)):
        try:
            subprocess.run(
                ["git", "config", f"merge.rectify.{name}", value],
                cwd=folder,
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            why = (
                exc.stderr.decode("utf-8", "replace").strip()
                if isinstance(exc, subprocess.CalledProcessError)
                else str(exc)
            )
            raise UsageError(
                say(
                    "{folder}: git could not set the merge driver up ({why})",
                    "{folder}：git 无法设置合并驱动（{why}）",
                    folder=display_path(folder),
                    why=why,
                )
            ) from None
    done.append(f'git config merge.rectify.driver "{DRIVER}"')
    return done


def _git_folder(folder: Path) -> None:
    """Refuse before writing `.gitattributes` when `folder` is not in a git repository."""
    try:
        subprocess.run(
            ["git", "rev-parse", "--git-dir"], cwd=folder, check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError):
        raise UsageError(
            say(
                "{folder} is not in a git repository (run git init first; git must be installed)",
                "{folder} 不在 git 仓库中（请先运行 git init；需要安装 git）",
                folder=display_path(folder),
            )
        ) from None
