"""`rectify init`: a new ledger folder whose files editors can validate as the user types.

Each file starts with taplo's `#:schema` directive pointing at a schema written beside it,
so VS Code (Even Better TOML) and taplo work offline and match this rectify's version.
`rectify init --sample` writes the Binzhou sample instead, from the copy of data/ that ships
inside the package (rectify_cli/sample/), so an installed rectify has something to try.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from dataclasses import dataclass
from importlib.resources import files as package_files
from pathlib import Path

import tomli_w

from .controls import control_problem
from .errors import LedgerExists, OutputFailed, UsageError
from .files import INDICATORS_FILE, PETITIONS_FILE, SCHEMA_DIR, TASKS_FILE, display_path
from .i18n import Lang, say
from .outputs import already_exists, sweep, temporary_folder, write_bytes, write_files
from .schema import SCHEMA_FILES, schema_text

# The examples are whole TOML blocks behind "# ": delete the "# " of a block and it is a
# valid entry (a test does exactly that), so they are a template as well as documentation.
TASKS_TEMPLATE = """\
#:schema ./{schema_dir}/{tasks_schema}
# 整改台账（rectify init 生成）/ A rectification ledger made by `rectify init`.
# 上面一行让编辑器（VS Code 的 Even Better TOML、taplo）按 schema 校验并补全；
# The line above lets editors with TOML support (Even Better TOML, taplo) validate and complete.
# 改完运行 rectify check。/ Run `rectify check` after editing.
# 日期写作 2025-09-30，不加引号。/ Dates are written 2025-09-30, without quotes.

[ledger]
version = 1
{title_line}
lang = "{lang}"                  # 输出标签语言 / label language: zh or en
# source = "第三轮省级生态环境保护督察"            # 所整改的督察 / the inspection
# issued_by = "市生态环境保护工作委员会办公室"     # 台账管理单位 / the office keeping it
# feedback_date = 2025-01-01    # 督察反馈日期，任务默认从此日开始 / tasks start here by default
# as_of = 2025-09-30            # 数据截止日期 / data current to

# 问题方面：任务按方面分组。/ Aspects group the tasks.
# [[aspects]]
# id = "A1"
# name = "大气污染防治"

# 整改任务，每项一个 [[tasks]]。/ One [[tasks]] block per task.
# [[tasks]]
# id = "T01"                    # 编号：不含空格、斜杠、冒号 / no spaces, slashes or colons
# aspect = "A1"                 # 所属问题方面的 id / the id of an [[aspects]] entry
# title = "开展扬尘污染专项整治"   # 整改任务 / the task
# measures = ["建筑工地落实六个百分之百", "渣土车全密闭运输"]  # 整改措施 / measures
# lead = "市住房和城乡建设局"     # 牵头单位 / lead department
# partners = ["各县市区"]         # 配合单位 / partner departments
# leader = "分管副市长"           # 责任领导（可省略）/ leader in charge (optional)
# owner = "张三"                  # 责任人（可省略）/ person responsible (optional)
# phone = "0543-0000000"         # 联系电话（可省略）/ contact phone (optional)
# start = 2025-01-01             # 开始日期（可省略）/ start (optional)
# deadline = 2025-12-31          # 整改时限；长期坚持的任务写 ongoing = true / or ongoing = true
# status = "推进中"               # 未启动 推进中 已完成 已销号 / or not_started, in_progress ...
# progress = 40                  # 进度 0-100（可省略）/ progress 0-100 (optional)
# evidence = []                  # 佐证材料 / evidence
# notes = ""                     # 备注 / notes

# 省交办信访件：另建 petitions.toml，首行写 #:schema ./schema/petitions.schema.json，
# 再写 version = 1 和 [summary]（只有总数时）或逐件的 [[petitions]]（见 README）。
# Petition cases: make petitions.toml starting with #:schema ./schema/petitions.schema.json,
# then version = 1 and a [summary] of counts or one [[petitions]] per case (see the README).
"""

INDICATORS_TEMPLATE = """\
#:schema ./{schema_dir}/{indicators_schema}
# 整改指标（rectify init 生成）/ The indicators of the ledger, made by `rectify init`.
# 每项一个 [[indicators]]；任务的 indicators 键引用这里的 id。
# One [[indicators]] block each; a task's `indicators` key refers to these ids.

version = 1

# [[indicators]]
# id = "pm25"
# name = "PM2.5浓度"              # 指标名称 / name
# unit = "µg/m³"                 # 单位 / unit
# better = "lower"               # lower 越低越好 / higher 越高越好
# value = 30                     # 当前数值 / current value
# period = "2025-01/09"          # 期间 / period
# change = -16.7                 # 变化幅度（带符号）/ change, signed
# change_unit = "%"              # % 相对变化 / pt 百分点
"""


@dataclass(frozen=True)
class Scaffold:
    root: Path
    written: tuple[Path, ...]
    completed: bool = False  # a folder an interrupted init left half made, finished


def tasks_template(title: str, lang: Lang) -> str:
    return TASKS_TEMPLATE.format(
        schema_dir=SCHEMA_DIR,
        tasks_schema=SCHEMA_FILES["tasks"],
        title_line=tomli_w.dumps({"title": title}).strip(),
        lang=lang,
    )


def indicators_template() -> str:
    return INDICATORS_TEMPLATE.format(
        schema_dir=SCHEMA_DIR, indicators_schema=SCHEMA_FILES["indicators"]
    )


def write_schemas(folder: Path, *, force: bool = False) -> list[Path]:
    """Every schema file into `folder`, all or none (existing ones only with `force`); the
    petitions schema too, so a petitions.toml added later has its schema waiting."""
    files = {
        folder / name: schema_text(which).encode("utf-8") for which, name in SCHEMA_FILES.items()
    }
    write_files(files, force=force, schemas=True)
    return list(files)


def init_ledger(root: Path, title: str, lang: Lang = "zh") -> Scaffold:
    """Create the ledger files in `root` (made if missing), all or nothing; never touch an
    existing ledger, but finish one an interrupted init left half made."""
    if not title.strip():
        raise UsageError(say("--title: must not be empty", "--title：不能为空"))
    if (why := control_problem(title)) is not None:
        raise UsageError(say("--title: {why}", "--title：{why}", why=why))
    if root.exists() and not root.is_dir():
        raise LedgerExists(
            say(
                "{path}: is a file, not a folder",
                "{path}：是文件，不是文件夹",
                path=display_path(root),
            )
        )
    present = [root / n for n in (TASKS_FILE, INDICATORS_FILE) if os.path.lexists(root / n)]
    if present:
        return _complete(root, present, title, lang)
    with temporary_folder(root) as building:
        written = write_schemas(building / SCHEMA_DIR)
        write_bytes(building / INDICATORS_FILE, indicators_template().encode("utf-8"), ledger=True)
        write_bytes(building / TASKS_FILE, tasks_template(title, lang).encode("utf-8"), ledger=True)
        _move_in(building, root, (INDICATORS_FILE, TASKS_FILE))
    names = (TASKS_FILE, INDICATORS_FILE, *(f"{SCHEMA_DIR}/{p.name}" for p in written))
    return Scaffold(root, tuple(root / n for n in names))


def _move_in(building: Path, root: Path, names: tuple[str, ...]) -> None:
    """The finished folder into place: renamed whole when `root` is new; else its schema/
    (if any) and the files `names` moved in, in that order (tasks.toml last), so a folder
    with tasks.toml is always a whole ledger."""
    if not root.exists():
        try:
            os.rename(building, root)
            return
        except OSError:
            pass  # made meanwhile, or a file system that will not: move the files in
    moved: list[Path] = []
    try:
        schemas = root / SCHEMA_DIR
        if not (building / SCHEMA_DIR).exists():
            pass  # the sample brings no schemas
        elif not schemas.exists():
            os.rename(building / SCHEMA_DIR, schemas)
        else:  # generated files: an older rectify's are replaced
            for made in (building / SCHEMA_DIR).iterdir():
                os.replace(made, schemas / made.name)
        for name in names:
            os.link(building / name, root / name)  # never over a file made meanwhile
            moved.append(root / name)
    except FileExistsError as exc:
        _undo(moved)
        raise already_exists(
            root / Path(exc.filename2 or exc.filename or TASKS_FILE).name
        ) from None
    except OSError as exc:
        _undo(moved)
        raise OutputFailed(
            say(
                "{path}: cannot create the ledger: {why}",
                "{path}：无法创建台账：{why}",
                path=display_path(root),
                why=exc.strerror or exc,
            )
        ) from None


def _undo(moved: list[Path]) -> None:
    for path in moved:
        with contextlib.suppress(OSError):
            path.unlink()


def _made_by_init(path: Path) -> bool:
    """The file is exactly what init writes: nobody has edited it yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.name == INDICATORS_FILE:
        return text == indicators_template()
    try:
        meta = tomllib.loads(text).get("ledger", {})
    except tomllib.TOMLDecodeError:
        return False
    title, lang = meta.get("title"), meta.get("lang")
    return isinstance(title, str) and lang in ("zh", "en") and text == tasks_template(title, lang)


def _complete(root: Path, present: list[Path], title: str, lang: Lang) -> Scaffold:
    """A folder an interrupted init (or an older rectify killed mid-way) left with some of
    its files: the missing ones are added, when those present are untouched init output.
    tasks.toml comes last, as in a new ledger."""
    schemas = root / SCHEMA_DIR
    missing = {
        schemas / name: schema_text(which).encode("utf-8")
        for which, name in SCHEMA_FILES.items()
        if not os.path.lexists(schemas / name)
    }
    if not os.path.lexists(root / INDICATORS_FILE):
        missing[root / INDICATORS_FILE] = indicators_template().encode("utf-8")
    if not os.path.lexists(root / TASKS_FILE):
        missing[root / TASKS_FILE] = tasks_template(title, lang).encode("utf-8")
    edited = next((p for p in present if not _made_by_init(p)), None)
    if edited is not None or not missing:
        shown = edited if edited is not None else present[0]
        raise LedgerExists(
            say(
                "{path}: already exists; rectify init only makes new ledgers "
                "(to refresh the editor schemas run: rectify schema --out {schemas} --force)",
                "{path}：已存在；rectify init 只创建新台账"
                "（如需更新编辑器校验用的文件，请运行：rectify schema --out {schemas} --force）",
                path=display_path(shown),
                schemas=display_path(schemas),
            )
        )
    sweep(root, ledger=True)  # the temporaries of the init that was interrupted
    for path, data in missing.items():
        write_bytes(path, data, ledger=True)
    return Scaffold(root, tuple(missing), completed=True)


# The sample's files in the order they are moved into an existing folder: tasks.toml last,
# as for init, so a folder holding tasks.toml holds the whole sample.
SAMPLE_FILES = (INDICATORS_FILE, PETITIONS_FILE, TASKS_FILE)


def sample_files() -> dict[str, bytes]:
    """The Binzhou sample as shipped inside the package (a copy of the repository's data/)."""
    folder = package_files("rectify_cli") / "sample"
    return {name: (folder / name).read_bytes() for name in SAMPLE_FILES}


def write_sample(root: Path) -> Scaffold:
    """Write the Binzhou sample ledger into `root` (made if missing), all or nothing, as
    init writes a new ledger: never over a ledger file that is there, except to finish a
    sample an interrupted run left half written (the files there are the sample's own)."""
    if root.exists() and not root.is_dir():
        raise LedgerExists(
            say(
                "{path}: is a file, not a folder",
                "{path}：是文件，不是文件夹",
                path=display_path(root),
            )
        )
    sample = sample_files()
    present = [name for name in sample if os.path.lexists(root / name)]
    if present:
        return _complete_sample(root, present, sample)
    with temporary_folder(root) as building:
        write_files({building / name: data for name, data in sample.items()}, ledger=True)
        _move_in(building, root, SAMPLE_FILES)
    return Scaffold(root, tuple(root / name for name in SAMPLE_FILES))


def _complete_sample(root: Path, present: list[str], sample: dict[str, bytes]) -> Scaffold:
    missing = {root / name: data for name, data in sample.items() if name not in present}
    edited = next((n for n in present if not _holds(root / n, sample[n])), None)
    if edited is not None or not missing:
        raise LedgerExists(
            say(
                "{path}: already exists; rectify init --sample writes the sample only into "
                "a folder without a ledger (name a new folder)",
                "{path}：已存在；rectify init --sample 只把示例台账写入没有台账的文件夹"
                "（请换一个新文件夹）",
                path=display_path(root / (edited if edited is not None else present[0])),
            )
        )
    sweep(root, ledger=True)
    # tasks.toml last, as in a new folder
    for path in sorted(missing, key=lambda p: p.name == TASKS_FILE):
        write_bytes(path, missing[path], ledger=True)
    return Scaffold(root, tuple(missing), completed=True)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False
