"""Every label rectify prints, in Chinese and English, in one table.

Renderers look labels up here and never spell them out, so `--lang en` leaves no Chinese
label behind and a new language is one column.
"""

from __future__ import annotations

from typing import Literal

from .models import STATUS_ZH, Status

Lang = Literal["zh", "en"]

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
    # --- export / import labels (issue 8) ---
}


def label(key: str, lang: Lang = "zh", **fields: object) -> str:
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def status_label(status: Status, lang: Lang = "zh") -> str:
    return label(f"status.{status.value}", lang)
