"""Safe, audited edits of one task or one indicator in a ledger that people also edit by hand.

Three layers, each testable on its own:

1. Rules, pure (`edit_rules.py`): `plan_task_update(task, update)` and
   `plan_reading(indicator, reading)` turn a request into the new item, or refuse with one
   sentence.  No files.
2. Text (`edit_text.py`): `TextLayout` finds the one `[[tasks]]` / `[[indicators]]` block an
   edit touches, and `edit_block` changes that block alone, so every other byte stays as typed.
3. File (`edit_file.py`, and here): `update_task` / `record_reading`, the faces other modules
   call, read under a lock, verify, and replace atomically.

Why not a whole-document tomlkit round trip: about 11 s on 10,000 tasks.  Why the whole new
file is not re-parsed either, and what the stamps of validated content spare: `edit_file.py`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from pydantic import ValidationError

from .diff_text import unified_diff
from .digests import remembered
from .edit_file import (
    BOM,
    INDICATORS_KIND,
    PETITIONS_KIND,
    TASKS_KIND,
    FileKind,
    check_integrity,
    content_digest,
    ensure_writable,
    indicator_ids,
    is_stamped,
    read_ledger_file,
    real_file,
    remove_leftovers,
    stamp,
    stamped,
    unisolated_refusal,
    write_if_unchanged,
)
from .edit_rules import NewReading as NewReading
from .edit_rules import Plan as Plan
from .edit_rules import TaskUpdate as TaskUpdate
from .edit_rules import plan_reading, plan_task_update
from .edit_style import status_style
from .edit_text import (
    BlockNotIsolated,
    BytesLayout,
    TextLayout,
    Unkeepable,
    edit_block,
    has_triple_quotes,
    parse_alone,
)
from .errors import (
    LedgerNotFound,
    UnknownTask,
    UsageError,
    WriteRefused,
    did_you_mean,
    unknown_case,
    unknown_task,
)
from .files import display_path, ledger_files, no_ledger_folder, resolve_root
from .i18n import say
from .models import Indicator, IndicatorFile, Petition, PetitionFile, Reading, Task, TaskFile
from .records import matching_id
from .state import LOCK_TIMEOUT as LOCK_TIMEOUT
from .state import ensure_state_folder, state_folder
from .store import load_file
from .toml_read import parse_toml


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


def lock_path(path: Path) -> Path:
    """In rectify's state folder beside the file (state.py): the same drive as the file, so
    every machine sharing the folder takes the same lock, and out of `git status`."""
    return state_folder(path.parent) / (path.name + ".lock")


@contextmanager
def locked(path: Path, shown: str) -> Iterator[None]:
    lock_file = lock_path(path)
    lock = FileLock(str(lock_file), timeout=LOCK_TIMEOUT)
    lock_shown = display_path(lock_file)
    try:
        ensure_state_folder(lock_file.parent)
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
        with remembered():  # the bytes before and after are hashed once (digests.py)
            yield
    finally:
        lock.release()


Items = list[Task] | list[Indicator] | list[Petition]


def _load_whole(kind: FileKind, path: Path, raw: bytes, root: Path) -> Items:
    """Validate the whole file from the bytes we hold, as every command loads it (rtoml when
    installed, tomllib's words for any error), plus the integrity checks."""
    if kind is TASKS_KIND:
        tasks = load_file(path, TaskFile, raw=raw)
        check_integrity(tasks, root)
        return tasks.tasks
    if kind is PETITIONS_KIND:
        cases = load_file(path, PetitionFile, raw=raw)
        check_integrity(cases, root)
        return cases.petitions
    indicators = load_file(path, IndicatorFile, raw=raw)
    check_integrity(indicators, root)
    return indicators.indicators


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
    items: Items,
    shown: str,
) -> Found:
    """The block of `ident` as the index-th `[[table]]` header, checked against the item the
    whole-file parse gave: the block must read the same alone as in its file."""
    ids = [x.id for x in items]
    if ident not in ids:
        if kind is TASKS_KIND:
            raise unknown_task(ident, ids)
        if kind is PETITIONS_KIND:
            raise unknown_case(ident, ids)
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
        raise no_ledger_folder(root)
    path = real_file(path, shown)
    guard = nullcontext() if dry_run else locked(path, shown)
    with guard:
        raw = read_ledger_file(path, shown)
        if not dry_run:
            ensure_writable(path, shown)
            remove_leftovers(path)
        bom = BOM if raw.startswith(BOM) else b""
        body = raw[len(bom) :] if bom else raw
        digest = content_digest(kind, raw)
        # A stamped content was decoded and validated whole before; so were its bytes.
        plain = stamped(path, digest)
        layout = BytesLayout(body, plain=plain is True)
        found = _find_fast(layout, kind, ident) if plain is not None else None
        if found is None:
            items = _load_whole(kind, path, raw, root)
            ident = matching_id(ident, [x.id for x in items]) or ident  # t07 → T07
            found = _find_by_index(layout, kind, ident, items, shown)
            stamp(path, digest, plain=layout.is_plain())
        start, end, item = found
        plan = planner(item)
        lang = _peek_lang(layout) if kind is TASKS_KIND else ledger_lang_of(root)
        if plan is not None and isinstance(plan.after, Task):
            refuse_problems(plan.after, layout, root)
        elif plan is not None and isinstance(plan.after, Indicator):
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
                # A ledger's tasks fall back on its language, a petition file on its keys.
                status_style(layout, kind is TASKS_KIND and lang == "zh"),
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
            # Three quotes in a row in the new file would be in the new block, or meet
            # across its ends.
            seam = body[max(0, start - 2) : start] + new_block + body[end : end + 2]
            plain = layout.is_plain() and not has_triple_quotes(seam)
            write_if_unchanged(path, shown, raw, pieces, kind, "updating", root=root, plain=plain)
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


# The one locked, checked, atomic edit of one item, for the write modules beside this one
# (edit_petition.py): the same path as update and record, never a second one.
edit_item = _edit


def update_task(
    ledger: str | os.PathLike[str] | None, task_id: str, upd: TaskUpdate, *, dry_run: bool = False
) -> Outcome:
    """Apply `upd` to one task of the ledger folder, or say why not; see the module doc."""
    return edit_task(ledger, task_id, lambda task: plan_task_update(task, upd), dry_run=dry_run)


def edit_task(
    ledger: str | os.PathLike[str] | None,
    task_id: str,
    plan: Callable[[Task], Plan[Task] | None],
    *,
    dry_run: bool = False,
) -> Outcome:
    """Change one task by the plan `plan` makes of it (under the lock), through the one
    checked, atomic write: what every verb on a task (update, edit, postpone, ...) calls."""
    root = resolve_root(ledger)
    tasks_path = ledger_files(root)[0]

    def planner(item: dict[str, Any]) -> Plan[Task] | None:
        return plan(Task.model_validate(item))

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
    digest = content_digest(TASKS_KIND, raw)
    if not is_stamped(path, digest):
        _load_whole(TASKS_KIND, path, raw, root)
        stamp(path, digest)


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
