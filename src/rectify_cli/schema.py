"""JSON Schemas of the ledger files (tasks, indicators, petition cases), for editors that
validate and complete TOML.

Built from the Pydantic models, so the schema cannot drift from what `rectify check` accepts;
then shaped for an editor: every key described in Chinese and English, statuses, categories
and findings offered as their English keys and Chinese labels, and no `null` (TOML has none,
and an editor would otherwise suggest it).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel

from .kinds import (
    CATEGORY_ZH,
    FINDING_ZH,
    HANDLING_ZH,
    LEDGER_VERSION,
    STATUS_ZH,
    Category,
    Finding,
    Handling,
    Status,
)
from .models import IndicatorFile, PetitionFile, TaskFile

Which = Literal["tasks", "indicators", "petitions"]
SCHEMA_FILES: dict[Which, str] = {
    "tasks": "tasks.schema.json",
    "indicators": "indicators.schema.json",
    "petitions": "petitions.schema.json",
}
_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# (Chinese, English) per model and key.  A test checks every model field has one, so a new
# field cannot reach editors undocumented.
DESCRIPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "TaskFile": {
        "ledger": ("台账基本信息", "About the ledger"),
        "aspects": ("问题方面（任务的分组）", "Problem aspects: the groups of tasks"),
        "tasks": ("整改任务", "Rectification tasks"),
    },
    "LedgerMeta": {
        "version": ("文件格式版本", "File format version"),
        "title": ("台账标题（整改方案名称）", "Title of the ledger (the plan's name)"),
        "name": (
            "汇总时使用的简称，默认为文件夹名",
            "Short name in roll-ups; default: folder name",
        ),
        "source": ("所整改的督察或通报", "The inspection or notice the plan answers"),
        "issued_by": ("台账管理单位", "The office that keeps the ledger"),
        "inspection_group": ("反馈问题的督察组", "Who fed the problems back"),
        "feedback_date": (
            "督察反馈日期；未写开始日期的任务从此日开始",
            "Feedback date; tasks without a start begin here",
        ),
        "as_of": ("数据截止日期", "The date the recorded data is current to"),
        "lang": ("输出标签语言：zh 或 en", "Label language of outputs: zh or en"),
        "tolerance": (
            "低于序时进度多少个百分点仍视为达到序时进度",
            "Points below the time-proportional schedule still on time",
        ),
        "stale_days": ("多少天无整改记录视为未更新", "Days without a log entry before stale"),
        "headline_prefix": ("报告标题句的前缀", "Prefix of the report's headline sentence"),
    },
    "Aspect": {
        "id": ("方面编号，供任务的 aspect 引用", "Aspect id, referred to by a task's aspect"),
        "name": ("问题方面名称", "Aspect name"),
    },
    "Task": {
        "id": ("任务编号（不含空格、斜杠、冒号）", "Task id (no spaces, slashes or colons)"),
        "aspect": ("所属问题方面的编号", "Id of the task's aspect"),
        "title": ("整改任务", "The task, in one line"),
        "measures": ("整改措施", "Measures"),
        "lead": ("牵头单位", "Lead department"),
        "partners": ("配合单位", "Partner departments"),
        "leader": ("责任领导", "The leader in charge"),
        "owner": ("责任人", "The person responsible"),
        "phone": ("联系电话", "Contact phone"),
        "start": ("开始日期，默认为督察反馈日期", "Start date; default: the feedback date"),
        "deadline": ("整改时限", "Deadline"),
        "ongoing": ("长期坚持：无整改时限，不会逾期", "Ongoing: no deadline, never overdue"),
        "status": ("状态", "Status"),
        "merged_into": (
            "并入的任务编号（仅限已合并的任务，由 rectify fold 填写）",
            "The task it was merged into (merged tasks only; rectify fold)",
        ),
        "progress": ("进度（0-100）；未填报时省略", "Progress 0-100; leave out when not reported"),
        "completed_on": ("完成日期", "Completion date"),
        "evidence": ("佐证材料", "Evidence"),
        "indicators": ("相关指标编号（indicators.toml）", "Ids of indicators the task moves"),
        "notes": ("备注", "Notes"),
        "log": ("整改记录（由 rectify update 追加）", "The task's history (rectify update)"),
    },
    "LogEntry": {
        "date": ("日期", "Date"),
        "kind": (
            "记录类型：postponed 为延期（rectify postpone），added 为新增（rectify add）",
            "Kind: postponed (rectify postpone), added (the entry of rectify add)",
        ),
        "status": ("当时的状态", "Status at the time"),
        "progress": ("当时的进度", "Progress at the time"),
        "note": ("说明", "Note"),
        "by": ("记录人", "Recorded by"),
        "changes": ("变更（字段: 原值 → 新值）", "Changes (field: old → new)"),
    },
    "IndicatorFile": {
        "version": ("文件格式版本", "File format version"),
        "indicators": ("证明整改成效的指标", "The figures that prove the result"),
    },
    "Indicator": {
        "id": ("指标编号", "Indicator id"),
        "name": ("指标名称", "Indicator name"),
        "name_en": ("英文名称", "English name"),
        "group": ("类别：air、water、waste…", "Group: air, water, waste ..."),
        "unit": ("单位", "Unit"),
        "better": ("改善方向：lower 越低越好，higher 越高越好", "lower or higher is better"),
        "value": ("当前数值", "Current value"),
        "value_bound": ("数值限定：above 以上，below 以下", "above or below, as published"),
        "decimals": ("发布时保留的小数位数", "Digits after the point as published"),
        "period": ("数值所属期间", "Period of the value"),
        "recorded": (
            "当前数值的记录日期（由 rectify record 写入）",
            "The day the current value was recorded (rectify record)",
        ),
        "baseline": ("基准值", "Baseline value"),
        "baseline_bound": ("基准值限定：above 或 below", "above or below, as published"),
        "baseline_period": ("基准期", "Baseline period"),
        "target": ("目标值", "Target"),
        "change": ("变化幅度（带符号）", "Change, signed: the direction moved"),
        "change_unit": ("变化单位：% 相对变化，pt 百分点", "% relative change or pt points"),
        "change_bound": ("变化幅度限定：above 或 below", "above or below, as published"),
        "change_basis": (
            "比较基准，默认为同比",
            "What the change compares with; default: a year ago",
        ),
        "rank": ("全省排名", "Province rank"),
        "change_rank": ("改善幅度排名", "Rank of the improvement"),
        "rank_note": ("排名说明", "Note on the rank"),
        "note": ("备注", "Note"),
        "history": ("历史数值（由 rectify record 保留）", "Earlier readings (rectify record)"),
    },
    "Reading": {
        "value": ("数值", "Value"),
        "period": ("期间", "Period"),
        "recorded": ("记录日期", "Date recorded"),
        "note": ("备注", "Note"),
    },
    "PetitionFile": {
        "version": ("文件格式版本", "File format version"),
        "headline_prefix": (
            "报告中信访件句子的前缀，如“省交办的”",
            "Prefix of the report's Chinese petition sentence, e.g. 省交办的",
        ),
        "summary": (
            "只有汇总数时填写（不与 [[petitions]] 同用）",
            "Counts only, where cases are not itemised (not with [[petitions]])",
        ),
        "petitions": ("信访件，每件一个 [[petitions]]", "Petition cases, one [[petitions]] each"),
    },
    "PetitionSummary": {
        "total": ("信访件总数", "Total cases"),
        "closed": ("已办结件数", "Cases closed"),
        "stage_closed": ("阶段性办结件数", "Cases stage-closed"),
        "closed_or_stage_closed": (
            "已办结或阶段性办结件数（未公布拆分时）",
            "Closed or stage-closed, where the split is not published",
        ),
        "handling": ("办理中件数", "Cases still being handled"),
        "as_of": ("数据截止日期", "The date the counts are current to"),
        "source": ("数字出处", "Where the figures come from"),
    },
    "Petition": {
        "id": ("信访件编号（不含空格、斜杠、冒号）", "Case id (no spaces, slashes or colons)"),
        "title": ("信访内容（一行）", "The case, in one line"),
        "received": ("交办日期", "Date handed over"),
        "batch": ("交办批次（如“第3批”或 3）", "Batch handed over (第3批 or 3)"),
        "area": ("属地", "Area (county or district)"),
        "category": ("类别", "Category"),
        "finding": ("核实情况；未核实时省略", "Finding; leave out until investigated"),
        "status": ("办理状态，默认办理中", "Handling status; default: being handled"),
        "deadline": ("办理时限", "Deadline"),
        "closed_on": ("办结日期", "Date closed"),
        "lead": ("责任单位", "Lead department"),
        "notes": ("备注", "Notes"),
        "log": ("办理记录", "The case's history"),
    },
    "PetitionLogEntry": {
        "date": ("日期", "Date"),
        "kind": ("记录类型：added 为新增（rectify petition add）", "Kind: added (petition add)"),
        "status": ("当时的办理状态", "Handling status at the time"),
        "note": ("说明", "Note"),
        "by": ("记录人", "Recorded by"),
        "changes": ("变更（字段: 原值 → 新值）", "Changes (field: old → new)"),
    },
}

_TITLES: dict[Which, tuple[str, type[BaseModel]]] = {
    "tasks": ("rectify 整改台账 tasks.toml", TaskFile),
    "indicators": ("rectify 整改指标 indicators.toml", IndicatorFile),
    "petitions": ("rectify 信访件 petitions.toml", PetitionFile),
}

# The choices written as English key or Chinese label: (enum, its labels, Chinese and English
# name of what it is).  Aliases the loader also reads are left out, so editors offer the
# canonical words.
_CHOICES: dict[str, tuple[type[StrEnum], dict[Any, str], str, str]] = {
    "Status": (Status, STATUS_ZH, "状态", "Status"),
    "Category": (Category, CATEGORY_ZH, "类别", "Category"),
    "Finding": (Finding, FINDING_ZH, "核实情况", "Finding"),
    "Handling": (Handling, HANDLING_ZH, "办理状态", "Handling status"),
}


def choice_values(enum: type[StrEnum], labels: dict[Any, str]) -> list[str]:
    """What a choice key may hold: the English keys, then the Chinese labels."""
    return [m.value for m in enum] + [labels[m] for m in enum]


def status_values() -> list[str]:
    """What a status key may hold: the English keys, then the Chinese labels."""
    return choice_values(Status, STATUS_ZH)


def describe(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def _drop_null(node: Any) -> Any:
    """`X | None` → X: TOML has no null, a key is simply left out."""
    if isinstance(node, dict):
        out = {k: _drop_null(v) for k, v in node.items()}
        variants = out.get("anyOf")
        if isinstance(variants, list):
            kept = [v for v in variants if v != {"type": "null"}]
            if len(kept) == 1:
                del out["anyOf"]
                out = {**kept[0], **out}
            else:
                out["anyOf"] = kept
        if "default" in out and out["default"] is None:
            del out["default"]
        return out
    if isinstance(node, list):
        return [_drop_null(v) for v in node]
    return node


def _describe_model(name: str, model_schema: dict[str, Any]) -> None:
    table = DESCRIPTIONS.get(name, {})
    for key, prop in model_schema.get("properties", {}).items():
        if key in table:
            prop["description"] = describe(*table[key])


def _task_rules() -> dict[str, Any]:
    """Task's model validator as schema: an open task needs a deadline or ongoing = true,
    and never both (a missing status is not_started, so it counts as open)."""
    open_values = [v for s in Status if s.is_open for v in (s.value, STATUS_ZH[s])]
    is_open = {
        "anyOf": [
            {"not": {"required": ["status"]}},
            {"properties": {"status": {"enum": open_values}}},
        ]
    }
    ongoing = {"properties": {"ongoing": {"const": True}}, "required": ["ongoing"]}
    # rules.py: a merged task names its target (merged_into), and only a merged task does.
    merged = {
        "properties": {"status": {"enum": [Status.MERGED.value, STATUS_ZH[Status.MERGED]]}},
        "required": ["status"],
    }
    return {
        "allOf": [
            {"if": is_open, "then": {"anyOf": [{"required": ["deadline"]}, ongoing]}},
            {"if": ongoing, "then": {"not": {"required": ["deadline"]}}},
            {"if": merged, "then": {"required": ["merged_into"]}},
            {"if": {"required": ["merged_into"]}, "then": merged},
        ]
    }


def _petition_rules() -> dict[str, Any]:
    """Petition's model validator as schema: a case still being handled (the default) has
    no closing date."""
    handling = [Handling.HANDLING.value, HANDLING_ZH[Handling.HANDLING]]
    is_open = {
        "anyOf": [
            {"not": {"required": ["status"]}},
            {"properties": {"status": {"enum": handling}}},
        ]
    }
    return {"if": is_open, "then": {"not": {"required": ["closed_on"]}}}


def _one_kind() -> dict[str, Any]:
    """PetitionFile's rule: `[summary]` or `[[petitions]]`, not both."""
    return {
        "if": {"required": ["summary"]},
        "then": {"properties": {"petitions": {"maxItems": 0}}},
    }


def json_schema(which: Which) -> dict[str, Any]:
    title, model = _TITLES[which]
    raw = model.model_json_schema(mode="validation")
    schema: dict[str, Any] = _drop_null(raw)
    defs: dict[str, Any] = schema.get("$defs", {})
    for name, sub in defs.items():
        _describe_model(name, sub)
    _describe_model(model.__name__, schema)
    for name, (enum, labels, zh, en) in _CHOICES.items():
        if name not in defs:
            continue
        keys = ", ".join(f"{m.value} {labels[m]}" for m in enum)
        defs[name] = {
            "title": name,
            "type": "string",
            "enum": choice_values(enum, labels),
            "description": describe(
                f"{zh}（英文键或中文标签均可）：{keys}",
                f"{en}, an English key or its Chinese label: {keys}",
            ),
        }
    if "Task" in defs:
        defs["Task"].update(_task_rules())
    if "Petition" in defs:
        petition = defs["Petition"]
        # `batch = 3` is read as "3" (offices number batches either way).
        petition["properties"]["batch"]["type"] = ["string", "integer"]
        petition.update(_petition_rules())
    if which == "petitions":
        schema.update(_one_kind())
    # A version newer than this rectify is refused by the loader; say so while typing.
    for holder in (defs.get("LedgerMeta", {}), schema):
        version = holder.get("properties", {}).get("version")
        if version is not None:
            version.update(minimum=1, maximum=LEDGER_VERSION)
    out: dict[str, Any] = {"$schema": _DIALECT, "title": title}
    out.update((k, v) for k, v in schema.items() if k != "title")
    return out


def schema_text(which: Which | None) -> str:
    """One schema, or (None) all in one JSON object keyed `tasks`, `indicators` and
    `petitions`."""
    data = {w: json_schema(w) for w in SCHEMA_FILES} if which is None else json_schema(which)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
