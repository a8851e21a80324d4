"""The spreadsheet columns of a ledger: field ↔ Chinese header ↔ English header.

One table, read by `export` (which headers to write, how wide, what kind of cell) and by
`import` (which headers it recognises, in the words 台账 spreadsheets use). Headers are the
i18n labels where one exists, so a spreadsheet, a table and a report name a field alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from .errors import ExcelUnavailable
from .i18n import Lang, label, say

# `int` is a progress (0-100, a percent cell read as such); `count` any whole number.
Kind = Literal["text", "list", "date", "deadline", "status", "int", "count", "number", "bool"]


@dataclass(frozen=True)
class Column:
    field: str
    kind: Kind
    width: int  # export column width, in Excel's character units (a Chinese character is ~2)
    zh: str
    en: str
    # Other headers `import` reads as this field, best first: when a sheet has two columns
    # for one field (序号 and 编号), the one earlier in this tuple wins.
    aliases: tuple[str, ...] = ()

    def header(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


def _col(field: str, kind: Kind, width: int, *aliases: str, zh: str = "", en: str = "") -> Column:
    return Column(
        field,
        kind,
        width,
        zh or label(field, "zh"),
        en or label(field, "en"),
        aliases,
    )


# `aspect` is the aspect's id and `aspect_name` its name: people read the name, and the
# pair lets an import into a new ledger create the aspects it has not seen.
TASK_COLUMNS: tuple[Column, ...] = (
    _col("id", "text", 8, "任务编号", "序号", "No.", "No", "#"),
    _col("aspect", "text", 10, "方面编号", "aspect id", zh="问题方面编号", en="Aspect ID"),
    _col(
        "aspect_name",
        "text",
        18,
        "方面",
        "问题类别",
        "问题类型",
        "类别",
        "aspect name",
        zh="问题方面",
        en="Aspect",
    ),
    _col(
        "title",
        "text",
        40,
        "整改事项",
        "任务名称",
        "任务",
        "问题",
        "存在问题",
        "问题描述",
        "反馈问题",
        "title",
    ),
    _col("measures", "list", 40, "具体措施", "措施", "整改目标及措施"),
    _col("lead", "text", 16, "责任单位", "牵头部门", "责任部门", "主要责任单位"),
    _col("partners", "list", 20, "协办单位", "配合部门", "协同单位"),
    _col("start", "date", 12, "开始时间"),
    _col("deadline", "deadline", 12, "完成时限", "整改期限", "时限", "整改时间"),
    _col("status", "status", 10, "整改状态", "完成状态"),
    _col("progress", "int", 8, "完成进度", "进度(%)", "整改进度", "完成比例"),
    _col("completed_on", "date", 12, "实际完成时间", "完成时间", "completed on"),
    _col("evidence", "list", 24, "佐证", "证明材料", "支撑材料"),
    _col("indicators", "list", 16, "指标"),
    _col(
        "notes",
        "text",
        30,
        "完成情况",
        "整改进展",
        "进展情况",
        "整改情况",
        "整改进展情况",
        "说明",
        "note",
    ),
    # Who answers for a task, last: sheets exported before these fields keep their columns.
    _col("leader", "text", 12, "分管领导", "牵头领导", "责任领导"),
    _col("owner", "text", 12, "具体责任人", "联系人"),
    _col("phone", "text", 14, "联系方式", "电话", "手机"),
    _col("merged_into", "text", 10, "合并至"),
)

# Worked out from the log when exported, never read back: the latest progress note of an
# open task (最新进展, `schedule.latest_progress`).  The log sheet holds the entry itself, so
# an import skips this column (`headers.derived_skips`) rather than make it a note or a change.
DERIVED_TASK_COLUMNS: tuple[Column, ...] = (
    _col(
        "latest_progress",
        "text",
        40,
        zh=label("report.col.latest", "zh"),
        en=label("report.col.latest", "en"),
    ),
)
# The export's main sheet: the ledger's columns, the latest progress beside the notes (备注).
_AFTER = [c.field for c in TASK_COLUMNS].index("notes") + 1
EXPORT_TASK_COLUMNS = TASK_COLUMNS[:_AFTER] + DERIVED_TASK_COLUMNS + TASK_COLUMNS[_AFTER:]

# Every key of an indicator but its history, so that an export imported into an empty
# ledger reports the same figures (the round-trip test checks it).
INDICATOR_COLUMNS: tuple[Column, ...] = (
    _col("id", "text", 18, en="ID"),
    _col("name", "text", 28, zh="指标名称", en="Indicator"),
    _col("name_en", "text", 28, zh="英文名称", en="English name"),
    _col("group", "text", 10, zh="类别", en="Group"),
    _col("unit", "text", 8, zh="单位", en="Unit"),
    _col("better", "text", 8, zh="改善方向", en="Better"),
    _col("value", "number", 10, zh="数值", en="Value"),
    _col("value_bound", "text", 8, zh="数值限定", en="Value bound"),
    _col("decimals", "count", 8, zh="小数位数", en="Decimals"),
    _col("period", "text", 12, zh="期间", en="Period"),
    _col("recorded", "date", 12, zh="记录日期", en="Recorded"),
    _col("target", "number", 10, zh="目标值", en="Target"),
    _col("baseline", "number", 10, zh="基准值", en="Baseline"),
    _col("baseline_bound", "text", 8, zh="基准值限定", en="Baseline bound"),
    _col("baseline_period", "text", 12, zh="基准期", en="Baseline period"),
    _col("change", "number", 10, zh="变化幅度", en="Change"),
    _col("change_unit", "text", 8, zh="变化单位", en="Change unit"),
    _col("change_bound", "text", 8, zh="变化幅度限定", en="Change bound"),
    _col("change_basis", "text", 10, zh="比较基准", en="Compared with"),
    _col("rank", "count", 8, zh="全省排名", en="Rank"),
    _col("change_rank", "count", 8, zh="改善幅度排名", en="Change rank"),
    _col("rank_note", "text", 16, zh="排名说明", en="Rank note"),
    _col("note", "text", 30, zh="备注", en="Note"),
)

# The log of every task, one row per entry: the history a round trip must not lose.
LOG_COLUMNS: tuple[Column, ...] = (
    _col("task", "text", 8, zh="任务编号", en="Task ID"),
    _col("date", "date", 12),
    _col("kind", "text", 8, zh="类型", en="Kind"),
    _col("status", "status", 10),
    _col("progress", "int", 8),
    _col("note", "text", 40),
    _col("by", "text", 10),
    _col("changes", "list", 40),
)


# The aspects in the ledger's order (a task sheet lists them in its tasks' order).
ASPECT_COLUMNS: tuple[Column, ...] = (
    _col("id", "text", 12, zh="问题方面编号", en="Aspect ID"),
    _col("name", "text", 30, zh="问题方面", en="Aspect"),
)

# An indicator's earlier readings, one row each, in the order indicators.toml keeps them.
HISTORY_COLUMNS: tuple[Column, ...] = (
    _col("indicator", "text", 18, zh="指标编号", en="Indicator ID"),
    _col("value", "number", 10, zh="数值", en="Value"),
    _col("period", "text", 12, zh="期间", en="Period"),
    _col("recorded", "date", 12, zh="记录日期", en="Recorded"),
    _col("note", "text", 30, zh="备注", en="Note"),
)

# The [ledger] settings (and petitions.toml's own keys) on one row: what an import into a
# new ledger needs so that every date, threshold and title comes back.  `petitions.*` and
# `summary.*` are petitions.toml's keys; the rest are [ledger]'s.
LEDGER_COLUMNS: tuple[Column, ...] = (
    _col("title", "text", 30, zh="台账名称", en="Title"),
    _col("name", "text", 12, zh="简称", en="Short name"),
    _col("source", "text", 24, zh="督察来源", en="Source"),
    _col("issued_by", "text", 24, zh="台账管理单位", en="Issued by"),
    _col("inspection_group", "text", 20, zh="督察组", en="Inspection group"),
    _col("feedback_date", "date", 12, zh="反馈日期", en="Feedback date"),
    _col("as_of", "date", 12, zh="数据截止日期", en="As of"),
    _col("lang", "text", 6, zh="语言", en="Language"),
    _col("tolerance", "number", 8, zh="序时容差", en="Tolerance"),
    _col("stale_days", "count", 8, zh="未更新天数", en="Stale days"),
    _col("headline_prefix", "text", 24, zh="标题前缀", en="Headline prefix"),
    _col("petitions.headline_prefix", "text", 16, zh="信访标题前缀", en="Petitions prefix"),
    _col("summary.total", "count", 8, zh="信访总数", en="Petitions total"),
    _col("summary.closed", "count", 8, zh="信访已办结", en="Petitions closed"),
    _col("summary.stage_closed", "count", 8, zh="信访阶段性办结", en="Stage-closed"),
    _col(
        "summary.closed_or_stage_closed",
        "count",
        8,
        zh="信访办结或阶段性办结",
        en="Closed or stage-closed",
    ),
    _col("summary.handling", "count", 8, zh="信访办理中", en="Petitions handling"),
    _col("summary.as_of", "date", 12, zh="信访数据截止日期", en="Petitions as of"),
    _col("summary.source", "text", 24, zh="信访数据来源", en="Petitions source"),
)

# Petition cases (信访件), one row each, and their log on a sheet of its own.
PETITION_COLUMNS: tuple[Column, ...] = (
    _col("id", "text", 10, zh="信访件编号", en="Case ID"),
    _col("title", "text", 40, zh="信访内容", en="Case"),
    _col("received", "date", 12, zh="交办日期", en="Received"),
    _col("batch", "text", 8, zh="交办批次", en="Batch"),
    _col("area", "text", 10, zh="属地", en="Area"),
    _col("category", "text", 10, zh="污染类型", en="Category"),
    _col("finding", "text", 10, zh="调查核实情况", en="Finding"),
    _col("status", "text", 10, zh="办理状态", en="Handling"),
    _col("deadline", "date", 12, zh="办理时限", en="Deadline"),
    _col("closed_on", "date", 12, zh="办结日期", en="Closed on"),
    _col("lead", "text", 16, zh="责任单位", en="Lead"),
    _col("notes", "text", 30, zh="办理情况", en="Notes"),
)

PETITION_LOG_COLUMNS: tuple[Column, ...] = (
    _col("case", "text", 10, zh="信访件编号", en="Case ID"),
    _col("date", "date", 12),
    _col("status", "text", 10, zh="办理状态", en="Handling"),
    _col("note", "text", 40),
    _col("by", "text", 10),
    _col("changes", "list", 40),
)


def normalise_header(text: str) -> str:
    """A header as people vary it: full-width forms, spaces, line breaks and case ignored."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).casefold()


def _unbracketed(text: str) -> str:
    # 整改时限（年月日） and 进度(%) name the same column as 整改时限 and 进度.
    return re.sub(r"[(\[【].*?[)\]】]$", "", text)


def header_index(columns: tuple[Column, ...]) -> dict[str, tuple[str, int]]:
    """normalised header → (field, rank): rank 0 for the field's own headers, then aliases."""
    index: dict[str, tuple[str, int]] = {}
    # Every column's own headers before any field name or alias, so one column's header
    # is never taken by another's field name: rectify's English "Aspect" (the aspect's
    # name) is not the field `aspect` (its id, headed "Aspect ID").
    tiers: list[list[tuple[Column, str, int]]] = [[], [], []]
    for col in columns:
        tiers[0] += [(col, col.zh, 0), (col, col.en, 0)]
        tiers[1].append((col, col.field, 0))
        tiers[2] += [(col, alias, rank) for rank, alias in enumerate(col.aliases, start=3)]
    for col, name, rank in (entry for tier in tiers for entry in tier):
        key = normalise_header(name)
        if key not in index:
            index[key] = (col.field, rank)
    return index


def match_header(text: str, index: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    key = normalise_header(text)
    if not key:
        return None
    found = index.get(key)
    if found is None:
        found = index.get(_unbracketed(key))
    return found


# --------------------------------------------------------------------------- openpyxl


def load_openpyxl() -> Any:
    """openpyxl is an optional extra: CSV works without it, xlsx says how to get it."""
    try:
        import openpyxl
    except ImportError:
        raise ExcelUnavailable(
            say(
                "xlsx needs openpyxl: pip install 'rectify[excel]'",
                "读写 xlsx 需要 openpyxl：pip install 'rectify[excel]'",
            )
        ) from None
    return openpyxl
