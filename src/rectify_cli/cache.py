"""A cache of parsed, validated ledgers: reading an unchanged ledger costs a file read and a
hash instead of a TOML parse and a validation (100,000 tasks: ~0.6 s instead of ~8 s).

What makes an entry valid, and why:
- The content of each file, by SHA-256 of its bytes, with its resolved path and size.  Not the
  modification time: timestamps are too coarse to tell two writes apart (FAT keeps 2 s; Linux
  stamps files from a clock that ticks every few milliseconds; `os.utime` and `git checkout`
  set them at will), so an edit in the same tick with the same size would go unseen.  Hashing
  costs ~1 ms per MB; on a miss, the entry written is keyed by the very bytes parsed.
- Everything that could change what those bytes load as: the cache format, Python's version,
  pydantic's (read from its version file, not imported), and the source of the modules that
  parse, validate, count problems in and hold the result (FINGERPRINT_SOURCES), so an edited
  checkout or an upgraded rectify never trusts an older entry.  rectify's own version is used
  only where a source cannot be read (a frozen or zipped install): reading it from the
  package metadata costs a cache hit ~15-30 ms, and the sources say more than it does.

An entry is one file per ledger folder (and one for its petitions.toml) in the user's cache
folder (`RECTIFY_CACHE_DIR`, else %LOCALAPPDATA%\\rectify\\cache, ~/Library/Caches/rectify,
or $XDG_CACHE_HOME/rectify), never in the ledger folder, and the folder holds a `.gitignore`
of `*` so it cannot pollute a repository even when someone points it into one.  Entries are
written to a temporary file and renamed into place.  Reading never trusts an entry: a wrong
magic, version, key, length or checksum, or anything that fails to decode, is a miss, and
the ledger is read from its files again.  Writing failures are ignored; the cache only ever
saves time.

The format is `marshal` of plain tuples (dates as day numbers, enums as their values), turned
back into the ledger's records (records.py) without validating again, and without importing
Pydantic.  marshal cannot run code when it reads, unlike pickle.  Only ledgers that loaded
without any problem (TOML, validation and integrity checks passed) are cached, so a hit
carries that verdict with it.  The entry also keeps how many problems `rectify check` finds
in the ledger (checks.problem_count: the rules a ledger can break and still be read), so a
reading command can say so without checking again, and the days that count holds for: a log
entry dated after today is a problem until its day comes, so outside those days the count is
left unknown, and counted again.  Petition files are cached as their Pydantic models (the model
codec below), as they are small and read by fewer commands.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import hashlib
import marshal
import os
import sys
import typing
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from . import ledger_codec
from .atomic import write_atomic
from .digests import sha256
from .ledger_codec import Counted as Counted
from .model_codec import Dates, codec, slots_ok
from .records import Ledger

if typing.TYPE_CHECKING:
    from pydantic import BaseModel

# 6: whether the tasks file may be cut; 5: a task's leader, owner and phone; 4: the problem count
FORMAT_VERSION = 6
CACHE_ENV = "RECTIFY_CACHE_DIR"
NO_CACHE_ENV = "RECTIFY_NO_CACHE"
MAGIC = b"RECTIFY-LEDGER-CACHE\n"
_LEN = 8  # bytes of each length/checksum field in the header


# --------------------------------------------------------------------------- where


def cache_dir() -> Path | None:
    """The user's cache folder for rectify, or None when caching is turned off."""
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else home / "AppData" / "Local"
        return base / "rectify" / "cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "rectify"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base / "rectify"


def entry_path(folder: Path, root: Path, kind: str = "ledger") -> Path | None:
    """Where the entry of ledger folder `root` lives; None if that would be inside it."""
    resolved = os.path.normcase(os.path.realpath(root))
    where = os.path.normcase(os.path.realpath(folder))
    if where == resolved or where.startswith(resolved.rstrip(os.sep) + os.sep):
        return None  # never write into the ledger folder, whatever the variable says
    name = hashlib.sha256(resolved.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / f"{kind}-{name}.bin"


# --------------------------------------------------------------------------- key


# The modules whose source decides what a ledger loads as.
FINGERPRINT_SOURCES = (
    "kinds.py",
    "models.py",
    "records.py",
    "files.py",
    "toml_read.py",
    "problems.py",
    "store.py",
    "cache.py",
    "model_codec.py",
    "ledger_codec.py",
    "checks.py",
    # The problem count kept in an entry follows these rules too.
    "rules.py",
    "controls.py",
)


def fingerprint() -> bytes:
    """What, besides the files, decides what a ledger loads as (and the validation stamps
    of a write say, edit_file.content_digest); read once per process (a write asks four
    times: ~13 files each), unless a source could not be read."""
    known = _FINGERPRINTS.get((FORMAT_VERSION, FINGERPRINT_SOURCES))
    if known is not None:
        return known
    h = hashlib.sha256()
    for part in (
        str(FORMAT_VERSION),
        sys.implementation.cache_tag or sys.version,
        str(marshal.version),
    ):
        h.update(part.encode() + b"\0")
    h.update(_pydantic_version() + b"\0")
    here = Path(__file__).parent
    complete = True
    for name in FINGERPRINT_SOURCES:
        try:
            h.update((here / name).read_bytes())
        except OSError:
            # A frozen or zipped install: the installed version must do.
            from . import __version__

            h.update(b"?" + __version__.encode())
            complete = False
        h.update(b"\0")
    if complete:
        _FINGERPRINTS[FORMAT_VERSION, FINGERPRINT_SOURCES] = h.digest()
    return h.digest()


_FINGERPRINTS: dict[tuple[int, tuple[str, ...]], bytes] = {}


def _pydantic_version() -> bytes:
    """Pydantic's version file, read rather than imported: a cache hit never imports Pydantic
    (~130 ms), yet an upgrade may validate differently, so it must miss."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pydantic")
        origin = spec.origin if spec else None
        return Path(origin).with_name("version.py").read_bytes() if origin else b"?"
    except (ImportError, ValueError, OSError):
        return b"?"


Key = tuple[str, int, bytes]


def keys(paths: Sequence[Path], raws: Sequence[bytes | None], *present: bool) -> list[Key] | None:
    """The key of each ledger file (path, size, SHA-256), or None when one could not be read.

    `present` says which optional files exist: an absent one has a key of its own, so that
    creating it later invalidates the entry.
    """
    out: list[Key] = []
    for i, (path, raw) in enumerate(zip(paths, raws, strict=True)):
        absent = i > 0 and not present[i - 1]
        if raw is None and not absent:
            return None
        out.append(key_of(path, None if absent else raw))
    return out


def key_of(path: Path, raw: bytes | None) -> Key:
    """The key of one file holding `raw` (None: the file is absent), as `keys` makes it."""
    if raw is None:
        return (os.path.realpath(path), -1, b"")
    return (os.path.realpath(path), len(raw), sha256(raw))


def current_keys(
    paths: Sequence[Path], *present: bool, limit: int, stop: Any = None
) -> list[Key] | None:
    """The files' keys as they are now, hashed block by block: a lookup keeps no copy of a
    50 MB file in memory while the cached ledger is built.  `stop` (a threading.Event),
    once set, gives up at the next block (None)."""
    out: list[Key] = []
    for i, path in enumerate(paths):
        if i and not present[i - 1]:
            out.append((os.path.realpath(path), -1, b""))
            continue
        try:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > limit:
                    return None
                digest = hashlib.sha256()
                # Large blocks into one buffer: reading and hashing release the GIL for
                # each block, so load_current's hashing beside the decoding waits for the
                # GIL only a few times, and holds one block in memory.
                block = bytearray(min(size, _HASH_BLOCK) or 1)
                view = memoryview(block)
                while n := f.readinto(block):
                    if stop is not None and stop.is_set():
                        return None
                    digest.update(view[:n])
        except OSError:
            return None
        out.append((os.path.realpath(path), size, digest.digest()))
    return out


_HASH_BLOCK = 4 << 20
_SWITCH_INTERVAL = 0.0005  # seconds (load_current)


# --------------------------------------------------------------------------- read / write


def _header(keys: list[Key], kind: str) -> bytes:
    # repr, not marshal: marshal's bytes depend on reference counts, so the same key could
    # be written differently by two processes and never match.
    return repr((FORMAT_VERSION, kind, fingerprint(), keys)).encode("utf-8", "surrogatepass")


def _read(root: Path, keys: list[Key], kind: str, model: str) -> Any:
    """The payload stored for these keys, or None; raises on anything odd (callers catch)."""
    found = _read_any(root, kind, _header(keys, model))
    return None if found is None else found[1]


def _read_any(
    root: Path, kind: str, expected: bytes | None, may_be: Callable[[bytes], bool] | None = None
) -> tuple[bytes, Any] | None:
    """The header and payload of the entry of `root`, or None; the header must be
    `expected`, or anything when None (the caller then compares it) that `may_be` does not
    refuse before the payload is read."""
    folder = cache_dir()
    where = entry_path(folder, root, kind) if folder else None
    if where is None:
        return None
    with open(where, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            return None
        head_len = int.from_bytes(f.read(_LEN), "little")
        if expected is not None and head_len != len(expected):
            return None
        head = f.read(head_len)
        if expected is not None and head != expected:
            return None
        if may_be is not None and not may_be(head):
            return None
        body_len = int.from_bytes(f.read(_LEN), "little")
        crc = int.from_bytes(f.read(_LEN), "little")
        body = f.read(body_len + 1)
    if len(body) != body_len or zlib.crc32(body) != crc:
        return None
    return head, marshal.loads(body)  # the body (tens of MB) is freed on return


def _write(root: Path, keys: list[Key], kind: str, model: str, payload: Callable[[], Any]) -> None:
    """Store `payload()` for these keys, atomically; any failure is ignored."""
    try:
        folder = cache_dir()
        where = entry_path(folder, root, kind) if folder else None
        if folder is None or where is None:
            return
        body = marshal.dumps(payload())
        head = _header(keys, model)
        if not folder.is_dir():
            _make_folder(folder)
        pieces = (
            MAGIC,
            len(head).to_bytes(_LEN, "little"),
            head,
            len(body).to_bytes(_LEN, "little"),
            zlib.crc32(body).to_bytes(_LEN, "little"),
            body,
        )
        # Not fsynced: the cache is disposable (a torn or lost entry fails its checksum or
        # is missing, and the ledger is read again), and an fsync of tens of MB on every
        # read would cost more than the cache saves.
        write_atomic(where, pieces, prefix=where.name, durable=False)
    except Exception:  # a cache that cannot be written only costs time
        pass


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No garbage collection while building many objects that are all kept.

    The collector would otherwise walk every object built so far, again and again: pausing it
    makes validating 100,000 tasks about 4x faster.  Nothing built here forms a cycle.  Here,
    the lowest module that builds ledgers, so that the cache and the parsers (toml_read.py,
    store.py) share it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_current(
    root: Path, paths: Sequence[Path], *present: bool, limit: int
) -> tuple[Ledger | None, list[Key] | None]:
    """The cached ledger of these files as they are now (or None), and their keys (None when
    one could not be read, or when there is no entry to check them against); never raises.

    The files are hashed in a second thread while the entry is read and decoded, since
    reading and hashing release the GIL (100,000 tasks: the ~0.1 s hash is hidden).  The
    decoded ledger is returned only if the entry's key is that of the files' bytes.  With
    no entry (a first read, a cache emptied), or one for files of other sizes or another
    rectify (a file edited by hand, pulled from git), the entry is not decoded and the
    hash stops at its next block: the caller hashes the bytes it parses anyway
    (store.load_ledger).
    """
    import threading

    hashed: list[list[Key] | None] = []
    stop = threading.Event()
    hasher = threading.Thread(
        target=lambda: hashed.append(current_keys(paths, *present, limit=limit, stop=stop)),
        daemon=True,
    )
    # The hasher needs the GIL for a moment around each block it reads and hashes, and the
    # decoding holds it: at the default 5 ms switch interval a 68 MB file waited ~70 ms
    # after the decoding was done.  A short interval only while both run hands it over soon.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, _SWITCH_INTERVAL))
    try:
        hasher.start()
        try:
            with paused_gc():
                found = _read_any(
                    root, "ledger", None, lambda head: _sizes_match(head, paths, present)
                )
                ledger = None if found is None else ledger_codec.decode(found[1], root)
        except Exception:  # a cache that cannot be read is a miss, whatever broke in it
            found = ledger = None
    finally:
        sys.setswitchinterval(interval)
    if found is None:
        stop.set()
        hasher.join()  # a block at most: the file is closed before anyone may replace it
        LOOKUPS["miss"] += 1
        return None, None
    hasher.join()
    keys = hashed[0] if hashed else None
    if keys is None or found is None or found[0] != _header(keys, "Ledger"):
        LOOKUPS["miss"] += 1
        return None, keys
    LOOKUPS["hit"] += 1
    return ledger, keys


def _sizes_match(head: bytes, paths: Sequence[Path], present: Sequence[bool]) -> bool:
    """Whether an entry's header may be that of these files as they are: written by this
    rectify for files of these paths and sizes (a stat, no hash).  Only ever refuses: a
    header it cannot read is left to the whole comparison."""
    import ast

    try:
        version, model, mark, keys = ast.literal_eval(head.decode("utf-8", "surrogatepass"))
        now = [
            (os.path.realpath(p), -1 if i and not present[i - 1] else os.stat(p).st_size)
            for i, p in enumerate(paths)
        ]
        was = [(path, size) for path, size, _ in keys]
    except (ValueError, TypeError, SyntaxError, OSError, MemoryError, RecursionError):
        return True
    return (version, model, mark, was) == (FORMAT_VERSION, "Ledger", fingerprint(), now)


# Ledger lookups that hit and missed in this process (the tests read it; never a timing).
LOOKUPS: collections.Counter[str] = collections.Counter()


def load_exact(root: Path, keys: list[Key], *, tasks: bool = True) -> tuple[Ledger, Any] | None:
    """The cached ledger of files with exactly these keys (`tasks=False`: without its tasks,
    ledger_codec.decode), and its stored form (which ledger_codec.splice_tasks can change);
    None if there is none.  Never raises."""
    try:
        with paused_gc():
            payload = _read(root, keys, "ledger", "Ledger")
            if payload is None:
                return None
            return ledger_codec.decode(payload, root, tasks=tasks), payload
    except Exception:  # a cache that cannot be read is a miss, whatever broke in it
        return None


def save(
    root: Path,
    keys: list[Key],
    ledger: Ledger,
    counted: Counted,
    tasks: Any = None,
    *,
    cut: bool = False,
) -> None:
    """Remember a ledger that loaded from these bytes, its problem count holding for the
    days `counted` (`tasks`: its tasks already encoded; `cut`: its tasks file may be cut,
    ledger_codec.encode); any failure is ignored."""
    _write(root, keys, "ledger", "Ledger", lambda: ledger_codec.encode(ledger, counted, tasks, cut))


M = TypeVar("M", bound="BaseModel")


def load_model(root: Path, kind: str, keys: list[Key], cls: type[M]) -> M | None:
    """A cached model of one more file of the folder (e.g. petitions.toml), or None."""
    try:
        with paused_gc():
            if not slots_ok():
                return None
            payload = _read(root, keys, kind, cls.__qualname__)
            if payload is None:
                return None
            obj = codec(cls).decoder(Dates())(payload)
            return obj if isinstance(obj, cls) else None
    except Exception:  # a cache that cannot be read is a miss, whatever broke in it
        return None


def save_model(root: Path, kind: str, keys: list[Key], obj: BaseModel) -> None:
    """Remember a model that loaded cleanly (and passed its checks) from these bytes."""
    cls = type(obj)
    if not slots_ok():
        return
    _write(root, keys, kind, cls.__qualname__, lambda: codec(cls).encode(obj, {}))


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # Tell git (should someone point the cache into a work tree) and backup tools to skip it.
    (folder / ".gitignore").write_text("*\n", encoding="utf-8")
    (folder / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This folder is a cache made by rectify; it can be deleted at any time.\n",
        encoding="utf-8",
    )
