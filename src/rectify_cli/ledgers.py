"""Many ledgers at once: a city's counties, a province's cities, rolled up in one view.

A layer above `store.load_ledger` (which keeps its cache and its messages): `--ledger` names
folders or glob patterns, each folder is loaded on its own, and one that fails is kept as a
`Failure` with its message while the others load.  Patterns are expanded here with `glob`,
not by a shell, so `--ledger "counties/*"` works the same in cmd.exe and PowerShell, which
expand nothing.

Each ledger is known by a short name: its `[ledger] name`, else its folder's name.  A task id
that two ledgers share is written qualified, `boxing:T03` (task ids cannot hold a colon), and
`show` / `update` accept that form; an unqualified id found in several ledgers is refused
with the qualified choices.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import paused_gc
from .errors import (
    LedgerNotFound,
    RectifyError,
    UnknownTask,
    UsageError,
    did_you_mean,
    unknown_task,
)
from .files import DEFAULT_DIR, LEDGER_ENV, TASKS_FILE
from .i18n import say
from .records import Ledger, Task
from .store import load_ledger, load_petitions

if TYPE_CHECKING:
    # Pydantic models: a ledger without petitions never imports them.
    from .models import PetitionFile
    from .snapshot import Unproven

_MAGIC = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Book:
    """One loaded ledger: its tasks and indicators, its petition cases, its short name."""

    ledger: Ledger
    petitions: PetitionFile | None = None

    @property
    def name(self) -> str:
        return self.ledger.name


@dataclass(frozen=True)
class Failure:
    """A ledger that did not load: its folder's name and the one-line reason."""

    name: str
    path: str
    message: str

    def __str__(self) -> str:
        return say("ledger {name}: {msg}", "台账 {name}：{msg}", name=self.name, msg=self.message)


@dataclass(frozen=True)
class Ledgers:
    """What `--ledger` named: the ledgers that loaded, in the order given, and those that did
    not.  `multi` is whether more than one ledger folder was named (after expanding
    patterns): it decides the ledger column, the roll-up and the qualified ids."""

    books: tuple[Book, ...]
    failures: tuple[Failure, ...] = ()
    multi: bool = False
    # A snapshot (`at`): its day, and the values shown that the logs cannot prove.
    day: dt.date | None = None
    unproven: tuple[Unproven, ...] = ()

    def at(self, day: dt.date) -> Ledgers:
        """These ledgers as they stood at the end of `day` (snapshot.py), petition cases as
        they are."""
        from .snapshot import snapshot

        books: list[Book] = []
        unproven: list[Unproven] = []
        for b in self.books:
            past = snapshot(b.ledger, day)
            books.append(b if past.ledger is b.ledger else replace(b, ledger=past.ledger))
            unproven += past.unproven
        return replace(self, books=tuple(books), day=day, unproven=tuple(unproven))

    @cached_property
    def shared_ids(self) -> frozenset[str]:
        """Task ids found in more than one ledger (these are shown qualified)."""
        seen: dict[str, int] = {}
        for book in self.books:
            for t in book.ledger.tasks:
                seen[t.id] = seen.get(t.id, 0) + 1
        return frozenset(i for i, n in seen.items() if n > 1)

    def ref(self, ledger_name: str, task_id: str) -> str:
        """The id as shown and as `show` / `update` take it: qualified only where shared."""
        return f"{ledger_name}:{task_id}" if task_id in self.shared_ids else task_id

    @property
    def single(self) -> Book:
        return self.books[0]

    def book(self, name: str) -> Book:
        for b in self.books:
            if b.name == name:
                return b
        for f in self.failures:
            if f.name == name:
                raise RectifyError(str(f))
        names = [b.name for b in self.books]
        raise _no_ledger_named(name, names)

    def find_task(self, ref: str) -> tuple[Book, Task]:
        """The ledger and task `ref` names: `T03`, or `boxing:T03` to pick one ledger."""
        name, task_id = split_ref(ref)
        if name is not None:
            book = self.book(name)
            task = book.ledger.task(task_id)
            if task is None:
                known = [f"{name}:{t.id}" for t in book.ledger.tasks]
                hint = did_you_mean(f"{name}:{task_id}", known)
                raise UnknownTask(
                    say(
                        "no task {id} in {name}{hint}",
                        "{name} 中没有任务 {id}{hint}",
                        id=task_id,
                        name=name,
                        hint=hint,
                    )
                )
            return book, task
        hits = [(b, t) for b in self.books if (t := b.ledger.task(task_id)) is not None]
        if len(hits) > 1:
            choices = ", ".join(f"{b.name}:{task_id}" for b, _ in hits)
            raise UsageError(
                say(
                    "task {id} is in {n} ledgers; name one: {choices}",
                    "任务 {id} 在{n}个台账中都有，请指明其一：{choices}",
                    id=task_id,
                    n=len(hits),
                    choices=choices,
                )
            )
        if self.failures:
            # The id might be in a ledger that did not load: picking another would be a guess.
            failed = ", ".join(f.name for f in self.failures)
            if hits:
                name = hits[0][0].name
                raise RectifyError(
                    say(
                        "task {id} is in {name}, but {failed} did not load and may hold it "
                        "too; name the ledger: {name}:{id}",
                        "任务 {id} 在 {name} 中，但 {failed} 未能读取，其中也可能有此任务；"
                        "请指明台账：{name}:{id}",
                        id=task_id,
                        name=name,
                        failed=failed,
                    )
                )
            raise UnknownTask(
                say(
                    "no task {id} in the ledgers that loaded; {failed} did not load "
                    "(rectify check --ledger {path})",
                    "已读取的台账中没有任务 {id}；{failed} 未能读取"
                    "（rectify check --ledger {path}）",
                    id=task_id,
                    failed=failed,
                    path=self.failures[0].path,
                )
            )
        if not hits:
            known = [t.id for b in self.books for t in b.ledger.tasks]
            if len(self.books) == 1:
                raise unknown_task(task_id, known)
            raise UnknownTask(
                say(
                    "no task {id} in ledgers {names}{hint}",
                    "台账 {names} 中都没有任务 {id}{hint}",
                    id=task_id,
                    names=", ".join(b.name for b in self.books),
                    hint=did_you_mean(task_id, known),
                )
            )
        return hits[0]


def split_ref(ref: str) -> tuple[str | None, str]:
    """`boxing:T03` → ("boxing", "T03"); `T03` → (None, "T03").  Task ids hold no colon, so
    the last colon splits (a ledger name may hold one; a Windows drive letter never reaches
    here: names come from `[ledger] name` or a folder's own name)."""
    if ":" not in ref:
        return None, ref
    name, task_id = ref.rsplit(":", 1)
    if not name or not task_id:
        raise UsageError(
            say(
                "{ref}: write a task id as T03, or as LEDGER:T03",
                "{ref}：任务编号应写作 T03，或 台账名:T03",
                ref=repr(ref),
            )
        )
    return name, task_id


# --------------------------------------------------------------------------- specs


def env_specs() -> list[str]:
    """$RECTIFY_LEDGER as ledger specs: one folder, or several joined by the path separator
    (`;` on Windows, `:` elsewhere), as PATH is; a value naming an existing folder whole is
    one folder even if it holds that separator."""
    value = os.environ.get(LEDGER_ENV, "")
    if not value:
        return []
    if os.path.exists(value) or os.pathsep not in value:
        return [value]
    return [part for part in value.split(os.pathsep) if part]


def is_pattern(spec: str) -> bool:
    return bool(_MAGIC.search(spec)) and not os.path.exists(spec)


def expand(specs: Sequence[str]) -> tuple[list[Path], list[Failure], bool]:
    """Folders named by `specs` (in order, each once), failures for patterns that match no
    folder, and whether that makes several ledgers (folders and failures together): only
    then a ledger column, a roll-up, and failures reported while the others load."""
    folders: list[Path] = []
    failures: list[Failure] = []
    seen: set[str] = set()
    for spec in specs:
        if is_pattern(spec):
            # A pattern picks folders; files beside them (a README) are not ledgers.
            found = sorted(p for p in glob.glob(os.path.expanduser(spec)) if os.path.isdir(p))
            if not found:
                failures.append(
                    Failure(
                        spec, spec, say("no folder matches this pattern", "没有文件夹与此模式匹配")
                    )
                )
            paths = [Path(p) for p in found]
        else:
            paths = [Path(spec)]
        for path in paths:
            key = os.path.normcase(os.path.realpath(path))
            if key not in seen:
                seen.add(key)
                folders.append(path)
    return folders, failures, len(folders) + len(failures) > 1


def naming_path(path: Path) -> Path:
    """`.` and `..` have no folder name to default the ledger's name to: use the full path."""
    return Path(os.path.abspath(path)) if path.name in ("", ".", "..") else path


def folder_name(path: Path) -> str:
    return naming_path(path).name or "ledger"


def load_one(path: Path) -> Book:
    ledger = load_ledger(naming_path(path))
    return Book(ledger, load_petitions(ledger.root))


def load_many(specs: Sequence[str] | None) -> Ledgers:
    """Every ledger `specs` names (else $RECTIFY_LEDGER, else ./data).

    One folder named on its own loads exactly as `store.load_ledger` does and raises its
    error.  Several (or a pattern): each that fails becomes a `Failure`, and the rest load.
    Two ledgers with the same name are a usage error: their qualified ids would collide.
    """
    given = list(specs or []) or env_specs() or [DEFAULT_DIR]
    folders, failures, multi = expand(given)
    if not multi:
        if not folders:
            raise LedgerNotFound(f"{failures[0].name}: {failures[0].message}")
        # As typed where it was typed, so every message reads as it always has.
        spec = given[0] if len(given) == 1 and not is_pattern(given[0]) else folders[0]
        ledger = load_ledger(spec)
        return Ledgers((Book(ledger, load_petitions(ledger.root)),))
    books: list[Book] = []
    # The collector would walk every ledger loaded so far on each pass while the next one
    # loads (a second of 3 for 50 x 2,000 tasks); what is loaded is kept, and has no cycles.
    with paused_gc():
        for path in folders:
            try:
                books.append(load_one(path))
            except RectifyError as exc:
                failures.append(Failure(folder_name(path), path.as_posix(), exc.message))
    _unique_names(books)
    return Ledgers(tuple(books), tuple(failures), multi=True)


def single_spec(specs: Sequence[str] | None, command: str) -> str | Path | None:
    """The one ledger folder `specs` name, as typed, for a command that works on one ledger
    (`record`, `export`, `import`); None when none is named, so the usual default applies
    ($RECTIFY_LEDGER, else ./data).  Several, by repeating --ledger, a pattern or
    $RECTIFY_LEDGER, is a usage error that says so, never the first of them silently."""
    given = list(specs or []) or env_specs()
    if not given:
        return None
    folders, failures, multi = expand(given)
    if multi:
        raise UsageError(
            say(
                "{command} works on one ledger; pick one with --ledger DIR",
                "{command} 只处理一个台账，请用 --ledger 目录 指定其一",
                command=command,
            )
        )
    if not folders:
        raise LedgerNotFound(f"{failures[0].name}: {failures[0].message}")
    return given[0] if len(given) == 1 and not is_pattern(given[0]) else folders[0]


def _unique_names(books: Iterable[Book]) -> None:
    where: dict[str, str] = {}
    for b in books:
        if b.name in where:
            raise UsageError(
                say(
                    "two ledgers are named {name} ({a} and {b}); "
                    "give one a different `name` in its [ledger] table",
                    "两个台账同名 {name}（{a} 和 {b}），请在其一的 [ledger] 表中另取 `name`",
                    name=repr(b.name),
                    a=where[b.name],
                    b=b.ledger.root,
                )
            )
        where[b.name] = b.ledger.root


# --------------------------------------------------------------------------- names only


def peek_name(path: Path) -> str:
    """A ledger's short name from its `[ledger]` table alone, without loading its tasks (so
    `update boxing:T03` does not read every county in full); the folder's name when the
    table cannot be read.  Only a hint: the update itself validates the ledger it writes."""
    import tomllib

    try:
        text = (path / TASKS_FILE).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return folder_name(path)
    m = re.search(r"(?ms)^\s*\[ledger\]\s*$(.*?)(?=^\s*\[)", text + "\n[end]")
    if m:
        try:
            name = tomllib.loads(m.group(1)).get("name")
        except tomllib.TOMLDecodeError:
            name = None
        if isinstance(name, str) and name.strip():
            return name.strip()
    return folder_name(path)


def folder_for(specs: Sequence[str] | None, ref: str) -> tuple[Path | None, str]:
    """(the folder to update, the bare task id) for `update REF`.

    One ledger: that folder, whatever the qualifier (checked against its name).  Several: a
    qualified ref picks its ledger by name, read from each `[ledger]` table only; an
    unqualified one returns None, and the caller loads them all to find the id.
    """
    given = list(specs or []) or env_specs() or [DEFAULT_DIR]
    folders, failures, multi = expand(given)
    name, task_id = split_ref(ref)
    if not multi:
        if not folders:
            raise LedgerNotFound(f"{failures[0].name}: {failures[0].message}")
        (path,) = folders
        if name is not None and name != peek_name(path) and name != folder_name(path):
            raise UsageError(
                say(
                    "no ledger named {name}; this ledger is {this}",
                    "没有名为 {name} 的台账；此台账名为 {this}",
                    name=repr(name),
                    this=peek_name(path),
                )
            )
        return path, task_id
    if name is None:
        return None, task_id
    matches = [p for p in folders if peek_name(p) == name]
    if len(matches) > 1:
        shown = " and ".join(p.as_posix() for p in matches)
        raise UsageError(
            say(
                "two ledgers are named {name} ({shown}); give one another name",
                "两个台账同名 {name}（{shown}），请为其一另取名字",
                name=repr(name),
                shown=shown,
            )
        )
    if not matches:
        names = [peek_name(p) for p in folders]
        if failures and not folders:
            raise LedgerNotFound(failures[0].message)
        raise _no_ledger_named(name, names)
    return matches[0], task_id


def _no_ledger_named(name: str, names: list[str]) -> UsageError:
    return UsageError(
        say(
            "no ledger named {name}{hint}; ledgers: {names}",
            "没有名为 {name} 的台账{hint}；现有台账：{names}",
            name=repr(name),
            hint=did_you_mean(name, names),
            names=", ".join(names),
        )
    )
