"""Find a ledger folder and read its files: the folder and file names, the bytes read and
decoded as UTF-8, paths as messages show them, and the sentence for a file that cannot be read.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import LedgerInvalid, LedgerNotFound, Problem
from .i18n import Lang, say

TASKS_FILE = "tasks.toml"
INDICATORS_FILE = "indicators.toml"
SCHEMA_DIR = "schema"  # the editors' JSON Schemas, beside the ledger files (rectify init)
PETITIONS_FILE = "petitions.toml"  # optional: petition cases (信访件), see load_petitions
# optional: a roll-up's own settings, in the folder that holds its ledgers (rollup.settings)
ROLLUP_FILE = "rollup.toml"
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


def no_ledger_folder(root: Path) -> LedgerNotFound:
    """What a write says when the ledger folder it was pointed at is not there."""
    return LedgerNotFound(
        say(
            "{path}: no ledger folder here; pass --ledger DIR",
            "{path}：这里没有台账文件夹；请用 --ledger 目录 指定",
            path=display_path(root),
        )
    )
