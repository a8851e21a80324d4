"""Every label rectify prints, in Chinese and English, in one table.

Renderers look labels up here and never spell them out, so `--lang en` leaves no Chinese
label behind and a new language is one column.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterable

from . import speech
from .kinds import STATUS_ZH, Status
from .textfmt import ARROW

# The spoken language lives in speech.py (kinds needs it too); i18n is where callers find it.
Lang = speech.Lang
say = speech.say
speak = speech.speak
spoken = speech.spoken

LABELS: dict[str, tuple[str, str]] = {
    # column headers (zh, en)
    "id": ("编号", "ID"),
    "ledger": ("台账", "Ledger"),
    "aspect": ("问题方面", "Aspect"),
    "title": ("整改任务", "Task"),
    "measures": ("整改措施", "Measures"),
    "lead": ("牵头单位", "Lead"),
    "partners": ("配合单位", "Partners"),
    "start": ("开始日期", "Start"),
    "deadline": ("整改时限", "Deadline"),
    "status": ("状态", "Status"),
    "progress": ("进度", "Progress"),
    "completed_on": ("完成日期", "Completed"),
    "evidence": ("佐证材料", "Evidence"),
    "indicators": ("相关指标", "Indicators"),
    "notes": ("备注", "Notes"),
    "health": ("序时进度", "Schedule"),
    "log": ("整改记录", "Log"),
    "date": ("日期", "Date"),
    "note": ("说明", "Note"),
    "by": ("记录人", "By"),
    "changes": ("变更", "Changes"),
    "ongoing": ("长期坚持", "ongoing"),
    "none": ("无", "none"),
    "not_reported": ("未填报", "not reported"),
    "tasks_count": ("任务数", "Tasks"),
    # statuses
    "status.not_started": (STATUS_ZH[Status.NOT_STARTED], "not started"),
    "status.in_progress": (STATUS_ZH[Status.IN_PROGRESS], "in progress"),
    "status.done": (STATUS_ZH[Status.DONE], "done"),
    "status.closed": (STATUS_ZH[Status.CLOSED], "closed (signed off)"),
    # schedule health
    "health.on_schedule": ("达到序时进度", "on schedule"),
    "health.behind": ("未达序时进度", "behind schedule"),
    "health.overdue": ("逾期", "overdue"),
    "health.done_on_time": ("按期完成", "done on time"),
    "health.done_late": ("逾期完成", "done late"),
    "health.done": ("已完成", "done"),
    # warnings
    "level.red": ("红色预警", "red"),
    "level.yellow": ("黄色预警", "yellow"),
    "level.blue": ("蓝色提示", "blue"),
    "reason.overdue": ("逾期{days}天", "overdue by {days} days"),
    "reason.due_soon": ("{days}天后到期", "due in {days} days"),
    "reason.due_today": ("今天到期", "due today"),
    "reason.behind": (
        "未达序时进度（应达{expected}%，实际{actual}%）",
        "behind schedule (expected {expected}%, actual {actual}%)",
    ),
    "reason.stale": ("{days}天未更新", "no update for {days} days"),
    "warn.level": ("预警级别", "Level"),
    "warn.reasons": ("预警原因", "Reasons"),
    "warn.none": ("没有需要预警的任务。", "No warnings."),
    "warn.summary": ("预警汇总", "Warnings"),
    "warn.count": ("{count}项", "{count}"),
    # list / show
    "list.empty": ("没有符合条件的任务。", "No tasks match."),
    "list.count": ("共{count}项任务", "{count} tasks"),
    "check.ok": (
        "台账检查通过：{tasks}项任务，{indicators}项指标。",
        "Ledger OK: {tasks} tasks, {indicators} indicators.",
    ),
    # --- update / record / log labels (issue 3) ---
    "update.updated": ("已更新 {id}（{path}）：", "Updated {id} ({path}):"),
    "update.noted": ("已为 {id} 添加记录（{path}）：", "Added a note to {id} ({path}):"),
    "update.nothing": (
        "{id} 没有需要更改的内容，台账未改动。",
        "{id}: nothing to change; the ledger is untouched.",
    ),
    "petition.added": ("已新增信访件 {id}（{path}）", "Added petition case {id} ({path})"),
    "update.dry_run": ("试运行：未写入任何内容。", "Dry run: nothing was written."),
    "record.recorded": ("已记录指标 {id}（{path}）：", "Recorded {id} ({path}):"),
    "record.archived": (
        "  上一读数 {value}（{period}）已存入历史。",
        "  The previous reading {value} ({period}) is kept in its history.",
    ),
    "record.nothing": (
        "{id} 的数值和期间与现有记录相同，台账未改动。",
        "{id}: same value and period as recorded; the ledger is untouched.",
    ),
    "log.empty": ("没有符合条件的整改记录。", "No log entries match."),
    "log.count": ("共{count}条记录", "{count} entries"),
    # --- warn labels (issue 4) ---
    "reason.overdue_one": ("逾期1天", "overdue by 1 day"),
    "reason.due_tomorrow": ("明天到期", "due tomorrow"),
    "warn.list_sep": ("、", ", "),
    "warn.reason_sep": ("；", "; "),
    "warn.level_count": ("{level}{count}项", "{count} {level}"),
    "warn.summary_line": (
        "截至{date}，共预警{total}项：{parts}",
        "As of {date}, warnings: {parts} ({total} in total)",
    ),
    "warn.none_as_of": ("截至{date}，没有需要预警的任务。", "No warnings as of {date}."),
    "warn.group": ("{lead}（{parts}）", "{lead} ({parts})"),
    "warn.action": ("整改要求", "Required action"),
    "warn.written": (
        "已写入{count}份预警督办单：{path}",
        "Warning notices written to {path}: {count}",
    ),
    "action.overdue": (
        "立即完成整改，并书面说明逾期原因",
        "finish the work now and explain the delay in writing",
    ),
    "action.behind": ("加快推进，确保按期完成", "speed up so the task is finished by its deadline"),
    "action.due_soon": (
        "确保按期完成并报送佐证材料",
        "finish by the deadline and send the evidence",
    ),
    "action.stale": ("及时报送最新整改进展", "report the current progress"),
    "notice.title": ("预警督办单", "Warning notice"),
    "notice.to": ("致", "To"),
    "notice.from": ("签发单位", "Issued by"),
    "notice.date": ("签发日期", "Date"),
    "notice.reply_by": ("回复时限", "Reply by"),
    "notice.re": ("事由", "Re"),
    "notice.intro": (
        "截至{date}，你单位牵头的以下{count}项整改任务需督促推进，现予预警督办：",
        "As of {date}, tasks led by your department need attention ({count}):",
    ),
    "notice.reply": (
        "请于{date}前将上述任务的整改进展、存在问题和下一步措施书面报送{office}。",
        "Please report the progress, obstacles and next steps of these tasks to {office} "
        "by {date}.",
    ),
    "notice.office_default": ("本单位", "the issuing office"),
    "date.long": ("{year}年{month}月{day}日", "{iso}"),
    # --- report labels (issue 5) ---
    "report.title": ("{title}：整改落实情况", "{title}: rectification progress"),
    "report.as_of": ("数据截至{date}", "Data as of {date}"),
    "report.as_of_judged": (
        "数据截至{date}，序时进度评估日期{judged}",
        "Data as of {date}; schedule judged as of {judged}",
    ),
    "report.issued_by": ("编制：{office}", "Prepared by {office}"),
    "report.aspect_only": ("问题方面：{aspect}", "Aspect: {aspect}"),
    "report.headline": (
        "{prefix}{total}项整改任务，{parts}",
        "{total} rectification tasks: {parts}",
    ),
    "report.headline_aspect": (
        "{prefix}{aspect}方面{total}项整改任务，{parts}",
        "{total} rectification tasks in {aspect}: {parts}",
    ),
    "report.sep": ("，", ", "),
    "report.part.completed": ("已完成{n}项", "{n} completed"),
    "report.part.signed_off": ("（其中已销号{n}项）", " ({n} signed off)"),
    "report.part.on_schedule": ("达到序时进度{n}项", "{n} on schedule"),
    "report.part.behind": ("未达序时进度{n}项", "{n} behind schedule"),
    "report.part.overdue": ("逾期{n}项", "{n} overdue"),
    "report.aspects": ("各方面整改进展", "Progress by aspect"),
    "report.open": ("未完成任务", "Tasks not yet done"),
    "report.open_none": ("全部任务已完成。", "Every task is done."),
    "report.indicators": ("主要指标", "Indicators"),
    "report.indicators_none": ("没有相关指标。", "No indicators."),
    "report.charts": ("图表", "Charts"),
    "report.chart.status": ("任务状态", "Task status"),
    "report.chart.completion": ("各方面完成率（%）", "Completion by aspect (%)"),
    "report.col.completed": ("已完成", "Done"),
    "report.col.signed_off": ("已销号", "Signed off"),
    "report.col.on_schedule": ("达到序时进度", "On schedule"),
    "report.col.behind": ("未达序时进度", "Behind"),
    "report.col.overdue": ("逾期", "Overdue"),
    "report.col.completion": ("完成率", "Completion"),
    "report.col.count": ("数量", "Count"),
    "report.total": ("合计", "Total"),
    "ind.name": ("指标", "Indicator"),
    "ind.value": ("数值", "Value"),
    "ind.period": ("期间", "Period"),
    "ind.target": ("目标", "Target"),
    "ind.change_col": ("同比变化", "Year on year"),
    "ind.rank": ("全省排名", "Province rank"),
    "ind.change_rank": ("改善幅度排名", "Rank of improvement"),
    "ind.rank_n": ("第{n}位", "{n}"),
    "ind.rank_note": ("{rank}（{note}）", "{rank} ({note})"),
    "ind.above": ("{amount}以上", "above {amount}"),
    "ind.below": ("{amount}以下", "below {amount}"),
    "ind.percent": ("{n}%", "{n}%"),
    "ind.points": ("{n}个百分点", "{n} points"),
    "ind.improved": ("改善", "improved"),
    "ind.worsened": ("恶化", "worsened"),
    "ind.unchanged": ("持平", "unchanged"),
    "ind.change": ("{word}{amount}", "{word} {amount}"),
    "ind.change_vs": ("较{basis}{word}{amount}", "{word} {amount} vs {basis}"),
    "ind.change_above": ("{amount}以上", "more than {amount}"),
    "ind.change_below": ("不到{amount}", "less than {amount}"),
    "ind.from_baseline": ("较{baseline}{word}", "{word} from {baseline}"),
    "ind.from_baseline_period": (
        "较{period}（{baseline}）{word}",
        "{word} from {baseline} ({period})",
    ),
    "ind.target_met": ("达标", "met"),
    "ind.target_not_met": ("未达标", "not met"),
    "ind.target_unknown": ("无法判断是否达标", "cannot tell"),
    "ind.target_margin": ("{status}，{margin}", "{status}: {margin}"),
    "ind.target_above": ("高出目标{amount}", "{amount} above target"),
    "ind.target_below": ("低于目标{amount}", "{amount} below target"),
    "ind.target_cell": ("{target}（{status}）", "{target} ({status})"),
    "period.year": ("{y}年", "{y}"),
    "period.month": ("{y}年{m}月", "{y}-{mm}"),
    "period.months": ("{y}年{m1}-{m2}月", "{y}-{mm1} to {y}-{mm2}"),
    "period.range": ("{y1}年{m1}月至{y2}年{m2}月", "{y1}-{mm1} to {y2}-{mm2}"),
    # --- roll-up / petitions / changes labels (issue 9) ---
    "pet.headline": ("{prefix}{total}件信访件，{parts}", "{total} petition cases: {parts}"),
    "pet.headline_total": ("{prefix}{total}件信访件", "{total} petition cases"),
    "pet.all_done": ("已全部办结或阶段性办结", "all closed or stage-closed"),
    "pet.all_closed": ("已全部办结", "all closed"),
    "pet.all_stage_closed": ("已全部阶段性办结", "all stage-closed"),
    "pet.all_done_split": (
        "已全部办结或阶段性办结（已办结{closed}件，阶段性办结{stage_closed}件）",
        "all closed or stage-closed ({closed} closed, {stage_closed} stage-closed)",
    ),
    "pet.part.closed": ("已办结{n}件", "{n} closed"),
    "pet.part.stage_closed": ("阶段性办结{n}件", "{n} stage-closed"),
    "pet.part.done": ("已办结或阶段性办结{n}件", "{n} closed or stage-closed"),
    "pet.part.handling": ("办理中{n}件", "{n} being handled"),
    "pet.section": ("信访件办理情况", "Petition cases"),
    "pet.id": ("编号", "ID"),
    "pet.title": ("信访内容", "Case"),
    "pet.received": ("交办日期", "Received"),
    "pet.batch": ("交办批次", "Batch"),
    "pet.area": ("属地", "Area"),
    "pet.category": ("类别", "Category"),
    "pet.finding": ("核实情况", "Finding"),
    "pet.status": ("办理状态", "Status"),
    "pet.deadline": ("办理时限", "Deadline"),
    "pet.closed_on": ("办结日期", "Closed"),
    "pet.lead": ("责任单位", "Lead"),
    "pet.count": ("件数", "Cases"),
    "pet.unverified": ("待核实", "Not yet verified"),
    "pet.empty": ("没有符合条件的信访件。", "No petition cases match."),
    "pet.list_count": ("共{count}件信访件", "{count} petition cases"),
    "pet.summary_only": (
        "信访件只有汇总数，没有逐件记录：{headline}。",
        "The petition cases are kept as totals only, not case by case: {headline}.",
    ),
    "pet.none": (
        "台账没有信访件（petitions.toml）。",
        "The ledger has no petition cases (petitions.toml).",
    ),
    "pet.warnings": ("信访件预警", "Petition cases"),
    "pet.warn_line": ("信访件预警：{counts}", "Petition case warnings: {counts}"),
    "category.air": ("大气", "air"),
    "category.water": ("水", "water"),
    "category.soil": ("土壤", "soil"),
    "category.noise": ("噪声", "noise"),
    "category.solid_waste": ("固体废物", "solid waste"),
    "category.ecology": ("生态", "ecology"),
    "category.other": ("其他", "other"),
    "finding.substantiated": ("属实", "substantiated"),
    "finding.partly": ("部分属实", "partly substantiated"),
    "finding.unsubstantiated": ("不属实", "unsubstantiated"),
    "handling.handling": ("办理中", "being handled"),
    "handling.stage_closed": ("阶段性办结", "stage-closed"),
    "handling.closed": ("已办结", "closed"),
    "rollup.section": ("各台账整改进展", "Progress by ledger"),
    "rollup.title": ("{count}个台账整改落实情况汇总", "Rectification progress of {count} ledgers"),
    "rollup.headline": (
        "{count}个台账共{total}项整改任务，{parts}",
        "{total} rectification tasks in {count} ledgers: {parts}",
    ),
    "rollup.failed": (
        "未纳入汇总（台账无法读取，见 rectify check）：{names}",
        "Not included (the ledger does not load; see rectify check): {names}",
    ),
    "rollup.ledger_title": ("{name}：{title}", "{name}: {title}"),
    "rollup.section_title": ("{title}（{name}）", "{title} ({name})"),
    "rollup.ledger_count": ("{name}（{count}项）", "{name} ({count})"),
    "changes.title": ("{since}以来的变化", "Changes since {since}"),
    "changes.window": ("{since}至{as_of}", "{since} to {as_of}"),
    "changes.none": ("{since}以来没有记录到变化。", "No recorded changes since {since}."),
    "changes.completed": ("完成的任务", "Tasks completed"),
    "changes.signed_off": ("销号的任务", "Tasks signed off"),
    "changes.reopened": ("重新打开的任务", "Tasks reopened"),
    "changes.progress": ("进度变化", "Progress moved"),
    "changes.overdue": ("新增逾期任务", "Tasks now overdue"),
    "changes.behind": ("新增未达序时进度任务", "Tasks now behind schedule"),
    "changes.readings": ("指标新读数", "New indicator readings"),
    "changes.petitions": ("办结的信访件", "Petition cases closed"),
    "changes.move": ("{old} → {new}", "{old} → {new}"),
    "changes.change": ("变化", "Change"),
    "changes.recorded": ("记录日期", "Recorded"),
    "changes.old_reading": ("原读数", "Before"),
    "changes.new_reading": ("新读数", "Now"),
    "changes.days_overdue": ("逾期天数", "Days overdue"),
    "changes.expected": ("应达进度", "Expected"),
    "changes.count": ("{title}（{n}）", "{title} ({n})"),
    "changes.reading": ("{value}（{period}）", "{value} ({period})"),
    "changes.unknown": ("—", "—"),
    # --- end of roll-up / petitions / changes labels (issue 9) ---
    # --- export / import labels (issue 8) ---
    # --- html / docx labels (issue 10) ---
    "report.written": ("已写入报告：{path}", "Report written to {path}"),
    "chart.indicators": ("主要指标与目标、上年比较", "Indicators against target and last year"),
    "chart.value": ("本期", "Now"),
    "chart.last_year": ("上年（推算）", "Last year (derived)"),
    "chart.better.lower": ("↓ 越低越好", "↓ lower is better"),
    "chart.better.higher": ("↑ 越高越好", "↑ higher is better"),
    "chart.completion_note": ("{percent}（{done}/{total}项）", "{percent} ({done} of {total})"),
    "chart.part": ("{name} {n}项", "{name} {n}"),
    "chart.bar": ("{kind}{text}", "{kind} {text}"),
    "chart.item": ("{name}：{parts}", "{name}: {parts}"),
    "chart.note": (
        "上年数值按公布的同比变化推算，仅供比较。",
        "Last year's values are worked back from the published year-on-year change.",
    ),
    "doc.number": ("〔{year}〕　号", "Ref. [{year}] No. ___"),
    "doc.addressee": ("{lead}：", "To: {lead}"),
    "doc.field": ("{name}：{value}", "{name}: {value}"),
    # --- end of html / docx labels; export / import labels (issue 8) go on below ---
    "sheet.tasks": ("整改任务", "Tasks"),
    "sheet.log": ("整改记录", "Log"),
    "sheet.indicators": ("指标", "Indicators"),
    "init.done": (
        "已创建台账{root}：tasks.toml、indicators.toml 和编辑器用的 schema/。下一步：编辑 tasks.toml，然后运行 rectify check --ledger {root}",
        "Created the ledger {root}: tasks.toml, indicators.toml and schema/ for editors. Next: edit tasks.toml, then run rectify check --ledger {root}",
    ),
    "init.completed": (
        "已补全台账{root}（此前的 rectify init 未完成）：补上了 {files}。下一步：编辑 tasks.toml，然后运行 rectify check --ledger {root}",
        "Completed the ledger {root} (an earlier rectify init did not finish): added {files}. Next: edit tasks.toml, then run rectify check --ledger {root}",
    ),
    "init.sample": (
        "已把滨州市示例台账写入{root}：{files}。下一步：运行 rectify report --ledger {root}",
        "Wrote the Binzhou sample ledger into {root}: {files}. Next: run rectify report --ledger {root}",
    ),
    "init.sample_completed": (
        "已补全示例台账{root}（此前的 rectify init --sample 未完成）：补上了 {files}。下一步：运行 rectify report --ledger {root}",
        "Completed the sample ledger {root} (an earlier rectify init --sample did not finish): added {files}. Next: run rectify report --ledger {root}",
    ),
    "export.done": (
        "已导出{tasks}项任务、{indicators}项指标：{files}",
        "Exported {tasks} tasks and {indicators} indicators: {files}",
    ),
    "schema.done": ("已写入 JSON Schema：{files}", "JSON Schema written: {files}"),
    "import.new": ("新增", "new"),
    "import.update": ("更新", "update"),
    "import.unchanged": ("无变化", "unchanged"),
    "import.new_aspect": ("新增问题方面", "new aspect"),
    "import.summary": (
        "{source}：新增{new}项任务，更新{updated}项，无变化{unchanged}项，新增问题方面{aspects}个",
        "{source}: {new} new tasks, {updated} updated, {unchanged} unchanged, {aspects} new aspects",
    ),
    "import.dry_run": ("（试运行：未写入任何文件）", "(dry run: nothing written)"),
    "import.done": ("已写入{path}", "Written to {path}"),
    "import.warning": ("提示", "note"),
    "import.log_note": ("据{file}导入", "imported from {file}"),
    "import.nothing": (
        "{source}：没有需要导入的内容，台账未改动。",
        "{source}: nothing to import; the ledger is untouched.",
    ),
    "import.ignored": (
        "未导入的列：{columns}（可用 --map 列名=字段 指定）",
        "Columns not imported: {columns} (name them with --map COLUMN=field)",
    ),
    "import.row": ("第{row}行", "row {row}"),
    "import.new_indicator": ("新增指标", "new indicator"),
    "import.update_indicator": ("更新指标", "update indicator"),
    "import.summary_indicators": (
        "{source}（{sheet}）：新增{new}项指标，更新{updated}项，无变化{unchanged}项",
        "{source} ({sheet}): {new} new indicators, {updated} updated, {unchanged} unchanged",
    ),
}


def label(key: str, lang: Lang = "zh", **fields: object) -> str:
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


@functools.cache  # once per status and language, not once per row
def status_label(status: Status, lang: Lang = "zh") -> str:
    return label(f"status.{status.value}", lang)


LANG_ENV = "RECTIFY_LANG"
_LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def _lang_of(name: str) -> Lang:
    return "zh" if name.strip().lower().startswith("zh") else "en"


@functools.cache
def user_lang() -> Lang:
    """The language of the person at the keyboard, for what is said before or without a
    ledger (`--help`, an error before any ledger is read): RECTIFY_LANG, else the locale
    (on Windows the user's display language, which a Chinese desktop sets and the
    environment does not), else English."""
    chosen = os.environ.get(LANG_ENV, "")
    if chosen.strip():
        return _lang_of(chosen)
    for name in _LOCALE_ENV:
        value = os.environ.get(name, "")
        if value.strip():
            return _lang_of(value)
    if sys.platform == "win32":
        import ctypes
        import locale

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        return _lang_of(locale.windows_locale.get(lcid, ""))
    return "en"


def joined(items: Iterable[str]) -> str:
    """A list as a message lists it: `、` in Chinese, `, ` in English."""
    return say(", ", "、").join(items)


# What an indicator's keys are called in Chinese; a task's keys are its column labels.
_INDICATOR_FIELDS_ZH = {
    "name": "指标名称",
    "name_en": "英文名称",
    "group": "分组",
    "unit": "单位",
    "better": "改善方向",
    "value": "数值",
    "value_bound": "数值界限",
    "decimals": "小数位数",
    "period": "期间",
    "recorded": "记录日期",
    "baseline": "基准值",
    "baseline_bound": "基准值界限",
    "baseline_period": "基准期间",
    "target": "目标",
    "change": "同比变化",
    "change_unit": "变化单位",
    "change_bound": "变化界限",
    "change_basis": "比较基准",
    "rank": "全省排名",
    "change_rank": "改善幅度排名",
    "rank_note": "排名说明",
    "history": "历史读数",
}


def field_zh(key: str) -> str | None:
    """A ledger key's Chinese name, task keys first, or None for a key it does not know."""
    if key in LABELS:
        return LABELS[key][0]
    return _INDICATOR_FIELDS_ZH.get(key)


# What the keys of the [ledger] table are called in Chinese (its `title` is not a task's).
_LEDGER_FIELDS_ZH = {
    "title": "台账标题",
    "name": "台账简称",
    "source": "整改方案",
    "issued_by": "编制单位",
    "inspection_group": "督察组",
    "headline_prefix": "标题前缀",
    "feedback_date": "反馈日期",
    "as_of": "数据截止日期",
}


def field_name(key: str, *, ledger_table: bool = False) -> str:
    """A ledger key as a message names it: the key itself, which is what the file says, and
    in Chinese its label beside it (`deadline（整改时限）`); `ledger_table` for the keys of
    the [ledger] table."""
    if spoken() != "zh":
        return key
    zh = _LEDGER_FIELDS_ZH.get(key) if ledger_table else field_zh(key)
    return f"{key}（{zh}）" if zh else key


def status_word(status: Status) -> str:
    """A status as a message names it: the stable key in English, the label in Chinese."""
    return status_label(status, "zh") if spoken() == "zh" else status.value


_CHANGE_RE = re.compile(r"(?P<key>[a-z_]+): (?P<rest>.*)", re.S)
_STATUS_VALUES = {s.value: s for s in Status}


def change_text(line: str, lang: Lang | None = None) -> str:
    """A change as stored in the log (`status: not_started → in_progress`, stable keys and
    values a script can read) as a person reads it in `lang` (the spoken language unless
    given): in Chinese `状态：未启动 → 推进中`.  Lines of another shape are shown as written."""
    found = _CHANGE_RE.fullmatch(line)
    if (lang or spoken()) != "zh" or found is None:
        return line
    key, rest = found["key"], found["rest"]
    name = field_zh(key)
    if name is None:
        return line
    if key == "status":
        rest = ARROW.join(
            status_label(_STATUS_VALUES[v], "zh") if v in _STATUS_VALUES else v
            for v in rest.split(ARROW)
        )
    return f"{name}：{rest}"
