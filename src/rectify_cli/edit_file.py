"""The file of an edit: reading a ledger file, validating it whole, and replacing it safely.

What every write to a ledger file shares (`rectify update`, `record` through `edit.py`, and
`import` through `edit_import.py`): the file's bytes read as one sentence on failure, the same
checks `store.load_ledger` applies, a refusal when a block cannot be isolated, and an atomic
replace only if the file still holds the bytes the edit was made from.

Why not re-parse the whole new file on every update: about 2 s on 10,000 tasks with tomllib
(it reads about 5 MB/s), four times the budget, and still too slow with rtoml plus validation.
Instead the edited block is parsed back on its own and must equal the intended item exactly,
and the untouched bytes are known valid because a stamp in rectify's cache folder says this
very content (by SHA-256) was fully validated before: by the previous update, or once, when
the stamp is missing or stale (a hand edit, a git pull, another rectify version).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import journal
from .atomic import write_atomic
from .cache import fingerprint
from .digests import sha256
from .edit_rules import NOUNS
from .errors import LedgerInvalid, RectifyError, WriteRefused
from .files import (
    INDICATORS_FILE,
    PETITIONS_FILE,
    TASKS_FILE,
    display_path,
    ledger_files,
    unreadable,
)
from .i18n import say, spoken
from .kinds import LEDGER_VERSION
from .locate import locate
from .models import IndicatorFile, PetitionFile, TaskFile
from .outputs import is_read_only
from .problems import duplicate_ids, integrity_problems, validation_problems
from .store import load_file
from .toml_read import parse_toml
from .warm import after_write

BOM = b"\xef\xbb\xbf"
# What a write was doing, as a Chinese message says it.
_DOING = {"updating": "更新", "importing into": "导入", "undoing": "撤销"}


@dataclass(frozen=True)
class FileKind:
    table: str
    sub: str
    noun: str


TASKS_KIND = FileKind("tasks", "log", "task")
INDICATORS_KIND = FileKind("indicators", "history", "indicator")
PETITIONS_KIND = FileKind("petitions", "log", "petition")


def content_digest(kind: FileKind, raw: bytes) -> str:
    # What decides what a ledger loads as (the cache's fingerprint: the source of the
    # modules that parse and validate it) is in the digest, so a rectify with other rules
    # revalidates once; not the installed version, which costs every write ~20 ms to read.
    # The bytes' own SHA-256 is hashed once per write, shared with the journal and the cache.
    h = hashlib.sha256(f"rectify v{LEDGER_VERSION} {kind.table}\n".encode())
    h.update(fingerprint())
    h.update(sha256(raw))
    return h.hexdigest()


def _stamp_file(path: Path) -> Path | None:
    """Where the stamp of `path` lives: in rectify's cache folder (cache.py), never in the
    ledger's; None when caching is turned off (RECTIFY_NO_CACHE), and then every update
    validates the whole file."""
    from .cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:32]
    return folder / "verified" / f"{key}.sha256"


def is_stamped(path: Path, digest: str) -> bool:
    return stamped(path, digest) is not None


def stamped(path: Path, digest: str) -> bool | None:
    """None: this content is not stamped as validated; else whether the stamp also says it
    holds no three quotes in a row (edit_text.TextLayout `plain`: no multi-line string to
    look for, which costs a 65 MB file ~0.1 s)."""
    stamp = _stamp_file(path)
    try:
        words = [] if stamp is None else stamp.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return None
    if words[:1] != [digest]:
        return None
    return words[1:] == [_PLAIN]


_PLAIN = "plain"


def stamp(path: Path, digest: str, *, plain: bool = False) -> None:
    """Remember that this content was fully validated (`plain`: and holds no multi-line
    string, see `stamped`).  Best effort: without a stamp the next update validates the
    whole file again, slower but just as safe."""
    target = _stamp_file(path)
    if target is None:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Not fsynced: a stamp lost in a crash only costs one full validation, and one
        # that survives without its ledger write cannot match the file's digest.
        line = f"{digest} {_PLAIN}\n" if plain else f"{digest}\n"
        write_atomic(target, line.encode("utf-8"), durable=False)
    except OSError:
        pass


def real_file(path: Path, shown: str) -> Path:
    """The file a write replaces: the one a symlink points to, not the link; a loop or a
    missing target is worded as every reading command words it."""
    if not path.is_symlink():
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        raise unreadable(exc, shown) from None


def read_ledger_file(path: Path, shown: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise unreadable(exc, shown) from None


def write_if_unchanged(
    path: Path,
    shown: str,
    raw: bytes,
    data: bytes | Sequence[bytes | memoryview],
    kind: FileKind,
    doing: str,
    *,
    root: Path | None = None,
    journaled: bool = True,
    plain: bool = False,
) -> None:
    """Replace the file with `data` if it still holds the `raw` bytes the edit was made
    from, and stamp the new content as validated (`plain`: and free of multi-line strings,
    `stamped`); else refuse, writing nothing.  The write is first entered in the undo
    journal of the ledger in `root` (default: the file's folder), unless it is undo's own
    (`journaled=False`), and the cache is left warm for the new bytes (warm.py)."""
    if read_ledger_file(path, shown) != raw:
        raise WriteRefused(
            say(
                "{shown} changed on disk while rectify was {doing} it (another program saved "
                "it); nothing was written; run the command again",
                "rectify {doing}时 {shown} 在磁盘上被改动（另一个程序保存了它）；"
                "未写入任何内容，请重新运行命令",
                shown=shown,
                doing=_DOING.get(doing, doing) if spoken() == "zh" else doing,
            )
        )
    # One copy of the new bytes, hashed once, for the journal, the stamp and the cache.
    data = data if isinstance(data, bytes) else b"".join(data)
    entry = journal_write(root or path.parent, path, raw, data, doing) if journaled else None
    try:
        atomic_write(path, data, shown)
    except BaseException:
        if entry is not None:
            journal.drop([entry])
        raise
    stamp(path, content_digest(kind, data), plain=plain)
    span = None if entry is None else (entry.prefix, entry.suffix)
    after_write(root or path.parent, path, raw, data, span)


def journal_write(
    root: Path,
    path: Path,
    raw: bytes | None,
    data: bytes | Sequence[bytes | memoryview],
    doing: str,
) -> journal.Entry | None:
    """The undo journal's entry of a write about to replace `path` (`raw` None: a new file),
    or a refusal naming the journal: the ledger never changes without its entry."""
    from filelock import Timeout

    try:
        return journal.record(root, ledger_name(root, path), raw, data, journal.verb(doing))
    except (OSError, Timeout) as exc:
        raise journal_refusal(root, exc) from None


def journal_refusal(root: Path, exc: Exception) -> WriteRefused:
    """The undo journal cannot be written or locked (a read-only `.rectify`, a full disk)."""
    if isinstance(exc, OSError):
        why = _why(exc)
    else:
        why = say("its lock is held by another rectify", "其锁正被另一个 rectify 占用")
    return WriteRefused(
        say(
            "cannot write the undo journal {folder}: {why}; nothing was written",
            "无法写入撤销记录 {folder}：{why}；未写入任何内容",
            folder=display_path(journal.journal_folder(root)),
            why=why,
        )
    )


def ledger_name(root: Path, path: Path) -> str:
    """The name in `root` of the ledger file written at `path` (the link's name, when the
    file is written through a symlink): what undo looks up again."""
    if path.parent == root:
        return path.name
    real = os.path.realpath(path)
    for name in (TASKS_FILE, INDICATORS_FILE, PETITIONS_FILE):
        with suppress(OSError):
            if os.path.realpath(root / name) == real:
                return name
    return path.name


def _why(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", None):
        return say("the disk is full", "磁盘已满")
    if isinstance(exc, PermissionError):
        return say("permission denied", "没有权限")
    return exc.strerror or str(exc)


def _write_error(exc: OSError, shown: str) -> WriteRefused:
    why = _why(exc)
    return WriteRefused(
        say(
            "cannot write {shown}: {why}; nothing was written, the file is unchanged",
            "无法写入 {shown}：{why}；未写入任何内容，文件保持原样",
            shown=shown,
            why=why,
        )
    )


def ensure_writable(path: Path, shown: str) -> None:
    if is_read_only(path, path.stat().st_mode):
        raise WriteRefused(
            say(
                "{shown} is read-only; nothing was written (make it writable first)",
                "{shown} 是只读文件；未写入任何内容（请先取消只读）",
                shown=shown,
            )
        )


def remove_leftovers(path: Path) -> None:
    """Temporary files of writers that were killed; only called under the lock, when no
    other rectify can be writing one."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with suppress(OSError):
            tmp.unlink()


def atomic_write(path: Path, data: bytes | Sequence[bytes | memoryview], shown: str) -> None:
    """Replace `path` with `data`, keeping its permissions (atomic.write_atomic); a failure
    is one sentence naming the file."""
    try:
        write_atomic(path, data, mode=stat.S_IMODE(path.stat().st_mode))
    except OSError as exc:
        raise _write_error(exc, shown) from None


def create_ledger_file(root: Path, path: Path, data: bytes, doing: str) -> None:
    """A ledger file that did not exist yet (indicators.toml by import, petitions.toml by
    `petition add`): entered in the undo journal first (undo removes it again), never
    written over a file another program made meanwhile, and given tasks.toml's permissions,
    since whoever may write the ledger may write it."""
    from .outputs import write_bytes

    entry = journal_write(root, path, None, data, doing)
    try:
        write_bytes(path, data, ledger=True)
    except BaseException:
        if entry is not None:
            journal.drop([entry])
        raise
    with suppress(OSError):
        path.chmod(stat.S_IMODE(ledger_files(root)[0].stat().st_mode))
    after_write(root, path, None, data)


def validate_whole(kind: FileKind, text: str, shown: str, root: Path) -> dict[str, Any]:
    """The same checks `store.load_ledger` applies to this file, on the text we hold, with
    tomllib; the parsed data is returned (rectify import compares against it)."""
    data = parse_toml(text, shown)
    file_model = TaskFile if kind is TASKS_KIND else IndicatorFile
    try:
        parsed = file_model.model_validate(data)
    except ValidationError as exc:
        raise LedgerInvalid(validation_problems(exc, data, text, shown)) from None
    check_integrity(parsed, root)
    return data


def check_integrity(parsed: TaskFile | IndicatorFile | PetitionFile, root: Path) -> None:
    if isinstance(parsed, TaskFile):
        problems = integrity_problems(str(root), parsed.aspects, parsed.tasks, [])
    elif isinstance(parsed, PetitionFile):
        shown = display_path(root / PETITIONS_FILE)
        problems = duplicate_ids(shown, "petitions", [p.id for p in parsed.petitions])
    else:
        problems = integrity_problems(str(root), [], [], parsed.indicators)
    if problems:
        raise LedgerInvalid(locate(problems, root))


def unisolated_refusal(kind: FileKind, ident: str, shown: str, line: int, why: str) -> WriteRefused:
    noun = NOUNS[kind.noun][spoken() == "zh"]
    return WriteRefused(
        say(
            "{shown}:{line}: rectify could not isolate the block of {noun} {id} safely "
            "({why}); nothing was written; edit this {noun} by hand",
            "{shown}:{line}: rectify 无法安全地单独取出{noun} {id} 的内容块（{why}）；"
            "未写入任何内容，请手工编辑该{noun}",
            shown=shown,
            line=line,
            noun=noun,
            id=ident,
            why=why,
        )
    )


def indicator_ids(root: Path) -> frozenset[str] | None:
    """The ids of the ledger's indicators, for the rule that a task names known ones; None
    when indicators.toml cannot be read (a task's write is not refused for a problem of the
    other file: `rectify check` names that one)."""
    path = ledger_files(root)[1]
    if not path.exists() and not path.is_symlink():
        return frozenset()
    try:
        return frozenset(i.id for i in load_file(path, IndicatorFile).indicators)
    except RectifyError:
        return None
