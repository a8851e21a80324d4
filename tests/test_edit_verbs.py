"""`rectify edit`, `postpone`, `cancel` and `fold`, and the status written in the file's own
style: rules, refusals in both languages, untouched bytes, dry runs, report counts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli import rules
from rectify_cli.errors import WriteRefused
from rectify_cli.kinds import DROPPED, Status
from rectify_cli.models import Task
from rectify_cli.postpone import original_deadline, postponed, postponements
from rectify_cli.store import load_ledger
from rectify_cli.task_edits import Listed, TaskEdit, plan_drop, plan_postpone, plan_task_edit
from tests.conftest import invoke, invoke_en


@pytest.fixture
def here(sample: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample, with the working directory above it so paths print as `ledger/...`."""
    monkeypatch.chdir(sample.parent)
    return sample


def _tasks(ledger: Path) -> str:
    return (ledger / "tasks.toml").read_text(encoding="utf-8")


def _block(text: str, task_id: str) -> str:
    """The text of one task's block, its log included, up to the next task."""
    start = text.index(f'id = "{task_id}"')
    end = text.find("\n[[tasks]]", start)
    return text[start : end if end >= 0 else len(text)]


def _set(ledger: Path, old: str, new: str, count: int = -1) -> None:
    path = ledger / "tasks.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")


def _untouched_but(before: str, after: str, task_id: str) -> None:
    """Every byte outside the task's block is as it was."""
    b, a = _block(before, task_id), _block(after, task_id)
    assert before.replace(b, "") == after.replace(a, "")


# --------------------------------------------------------------------------- status style


def test_update_writes_a_chinese_status_where_the_task_has_one(
    runner: CliRunner, here: Path
) -> None:
    text = _tasks(here)
    block = _block(text, "T07")
    _set(here, block, block.replace('status = "in_progress"', 'status = "推进中"', 1))
    before = _tasks(here)
    code, _, err = invoke(runner, "update", "T07", "--status", "done", "--date", "2025-10-20")
    assert (code, err) == (0, "")
    after = _tasks(here)
    mine = _block(after, "T07")
    assert 'status = "已完成"' in mine and '"done"' not in mine.split("[[tasks.log]]")[0]
    # the new log entry follows the task's style; its change line keeps the stable keys
    assert mine.rstrip().endswith(
        'status = "已完成"\nprogress = 100\n'
        'changes = ["status: in_progress → done", "progress: — → 100", '
        '"completed_on: — → 2025-10-20"]'
    )
    _untouched_but(before, after, "T07")


def test_update_keeps_english_keys_in_a_file_that_uses_them(runner: CliRunner, here: Path) -> None:
    # the sample's ledger speaks Chinese, but its statuses are written as keys
    assert invoke(runner, "update", "T07", "--status", "已完成", "--date", "2025-10-20")[0] == 0
    assert 'status = "done"' in _block(_tasks(here), "T07")
    assert "已完成" not in _block(_tasks(here), "T07")


def test_a_task_without_a_status_follows_the_other_tasks(runner: CliRunner, here: Path) -> None:
    _set(here, 'status = "done"', 'status = "已完成"')
    _set(here, 'status = "in_progress"', 'status = "推进中"')
    block = _block(_tasks(here), "T07")
    # T07 written with no status of its own (not started), its log entry left as is
    _set(here, block, block.replace('status = "推进中"\n', "", 1))
    assert invoke(runner, "update", "T07", "--progress", "10", "--date", "2025-10-20")[0] == 0
    mine = _block(_tasks(here), "T07")
    assert 'status = "推进中"' in mine.split("[[tasks.log]]")[0]
    assert mine.rstrip().endswith(
        'status = "推进中"\nprogress = 10\n'
        'changes = ["status: not_started → in_progress", "progress: — → 10"]'
    )


# --------------------------------------------------------------------------- rules

D = dt.date(2025, 10, 1)


def _task(**fields: object) -> Task:
    base: dict[str, object] = {
        "id": "T1",
        "aspect": "A1",
        "title": "治理扬尘",
        "lead": "市生态环境局",
        "deadline": dt.date(2025, 12, 31),
        "status": "in_progress",
        "measures": ["洒水", "覆盖"],
    }
    base.update(fields)
    return Task.model_validate(base)


ASPECTS = {"A1": "A1", "A2": "A2", "大气": "A1"}


def test_edit_rules_change_fields_and_log_each_change() -> None:
    asked = TaskEdit(
        date=D,
        title="治理城市扬尘",
        aspect="A2",
        deadline=dt.date(2025, 11, 30),  # earlier: an edit
        measures=Listed(add=("围挡",), remove=("1",)),
        indicators=Listed(add=("pm25",)),
        note="方案调整",
    )
    plan = plan_task_edit(_task(), asked, aspects=ASPECTS, indicators=["pm25"])
    assert plan is not None
    after = plan.after
    assert (after.title, after.aspect, after.deadline) == ("治理城市扬尘", "A2", asked.deadline)
    assert after.measures == ["覆盖", "围挡"] and after.indicators == ["pm25"]
    assert plan.changes == (
        "title: 治理扬尘 → 治理城市扬尘",
        "aspect: A1 → A2",
        "deadline: 2025-12-31 → 2025-11-30",
        "measures: - 洒水",
        "measures: + 围挡",
        "indicators: + pm25",
    )
    entry = after.log[-1]
    assert (entry.note, entry.changes, entry.kind) == ("方案调整", list(plan.changes), None)


def test_edit_rules_nothing_to_change_is_none() -> None:
    same = TaskEdit(date=D, title="治理扬尘", measures=Listed(add=("洒水",)))
    assert plan_task_edit(_task(), same, aspects=ASPECTS, indicators=[]) is None


def test_edit_rules_ongoing_and_deadline_exclude_each_other() -> None:
    plan = plan_task_edit(_task(), TaskEdit(date=D, ongoing=True), aspects=ASPECTS, indicators=[])
    assert plan is not None and plan.after.ongoing and plan.after.deadline is None
    back = TaskEdit(date=D, deadline=dt.date(2026, 1, 1))
    plan = plan_task_edit(plan.after, back, aspects=ASPECTS, indicators=[])
    assert plan is not None and not plan.after.ongoing  # an ongoing task has no deadline to move
    assert "ongoing: true → false" in "\n".join(plan.changes).lower()


@pytest.mark.parametrize(
    ("asked", "words"),
    [
        (TaskEdit(date=D, deadline=dt.date(2026, 1, 1)), "is a postponement"),
        (TaskEdit(date=D, aspect="A9"), "no aspect 'A9'"),
        (TaskEdit(date=D, indicators=Listed(add=("pm10",))), "no indicator 'pm10'"),
        (TaskEdit(date=D, measures=Listed(remove=("不存在",))), "is not one of its measures"),
        (TaskEdit(date=D, measures=Listed(remove=("3",))), "is not one of its measures"),
        (TaskEdit(date=D, title="  "), "--title must not be empty"),
        (TaskEdit(date=D, evidence=Listed(remove=("x.pdf",))), "is not one of its evidence"),
    ],
)
def test_edit_rules_refuse(asked: TaskEdit, words: str) -> None:
    with pytest.raises(WriteRefused) as info:
        plan_task_edit(_task(), asked, aspects=ASPECTS, indicators=["pm25"])
    assert words in info.value.message


def test_postpone_rules() -> None:
    plan = plan_postpone(_task(), dt.date(2026, 3, 31), " 资金未到位 ", D, "王")
    entry = plan.after.log[-1]
    assert plan.after.deadline == dt.date(2026, 3, 31)
    assert (entry.kind, entry.note, entry.by, entry.changes) == (
        "postponed",
        "资金未到位",
        "王",
        ["deadline: 2025-12-31 → 2026-03-31"],
    )
    again = plan_postpone(plan.after, dt.date(2026, 6, 30), "再延", D)
    moves = postponements(again.after)
    assert [(m.old, m.new) for m in moves] == [
        (dt.date(2025, 12, 31), dt.date(2026, 3, 31)),
        (dt.date(2026, 3, 31), dt.date(2026, 6, 30)),
    ]
    assert original_deadline(again.after) == dt.date(2025, 12, 31)
    assert postponed(again.after) and not postponed(_task())
    for task, to, reason, words in (
        (_task(), dt.date(2026, 1, 1), " ", "needs a reason"),
        (_task(), dt.date(2025, 12, 1), "x", "is not later than its deadline"),
        (_task(deadline=None, ongoing=True), dt.date(2026, 1, 1), "x", "has no deadline"),
        (_task(status="done", completed_on=D), dt.date(2026, 1, 1), "x", "still open"),
    ):
        with pytest.raises(WriteRefused) as info:
            plan_postpone(task, to, reason, D)
        assert words in info.value.message


def test_cancel_and_merge_rules() -> None:
    plan = plan_drop(_task(), "方案调整不再推进", D)
    assert plan.after.status is Status.CANCELLED and plan.after.merged_into is None
    assert plan.changes == ("status: in_progress → cancelled",)
    statuses = {"T1": Status.IN_PROGRESS, "T5": Status.IN_PROGRESS, "T6": Status.CANCELLED}
    plan = plan_drop(_task(), "与T5合并", D, into="T5", statuses=statuses)
    assert (plan.after.status, plan.after.merged_into) == (Status.MERGED, "T5")
    assert plan.changes == ("status: in_progress → merged", "merged_into: — → T5")
    for task, into, note, words in (
        (_task(), None, "", "needs a reason"),
        (_task(), "T1", "x", "cannot be merged into itself"),
        (_task(), "T9", "x", "no task T9"),
        (_task(), "T6", "x", "merge into a task still in the plan"),
        (_task(status="done", completed_on=D), None, "x", "still open"),
        (_task(status="cancelled"), None, "x", "still open"),
    ):
        with pytest.raises(WriteRefused) as info:
            plan_drop(task, note, D, into=into, statuses=statuses)
        assert words in info.value.message


def test_the_merge_rules() -> None:
    assert rules.lacks_merge_target(Status.MERGED, None)
    assert not rules.lacks_merge_target(Status.MERGED, "T5")
    assert rules.merge_target_too_soon(Status.CANCELLED, "T5")
    assert not rules.merge_target_too_soon(Status.MERGED, "T5")
    statuses = {"T1": Status.MERGED, "T5": Status.DONE, "T6": Status.MERGED}
    assert rules.merge_target_problem("T1", "T1", statuses) == "itself"
    assert rules.merge_target_problem("T1", "T9", statuses) == "missing"
    assert rules.merge_target_problem("T1", "T6", statuses) == "dropped"
    assert rules.merge_target_problem("T1", "T5", statuses) is None
    assert {s for s in Status if s.is_dropped} == DROPPED == {Status.CANCELLED, Status.MERGED}
    assert Status.parse("已撤销") is Status.CANCELLED and Status.parse("合并") is Status.MERGED


# --------------------------------------------------------------------------- the commands


def test_edit_writes_one_entry_and_leaves_every_other_byte(runner: CliRunner, here: Path) -> None:
    before = _tasks(here)
    code, out, err = invoke_en(
        runner, "edit", "T07", "--title", "联合调配体系", "--remove-measure", "2",
        "--add-partner", "市财政局", "--notes", "分两期", "--date", "2025-10-02",
        "--by", "督办科", "-m", "按新方案",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == (
        "Updated T07 (ledger/tasks.toml):\n"
        "  title: 构建雨洪水、长江水、再生水、淡化海水联合调配体系 → 联合调配体系\n"
        "  measures: - 降低黄河水占用水总量比例\n"
        "  partners: + 市财政局\n"
        "  notes: — → 分两期\n"
        "  Note: 按新方案\n"
    )
    after = _tasks(here)
    _untouched_but(before, after, "T07")
    task = load_ledger(here).task("T07")
    assert task is not None and task.title == "联合调配体系" and task.notes == "分两期"
    assert (task.log[-1].by, task.log[-1].note) == ("督办科", "按新方案")
    assert invoke(runner, "check")[0] == 0


def test_edit_dry_run_prints_the_diff_and_writes_nothing(runner: CliRunner, here: Path) -> None:
    before = (here / "tasks.toml").read_bytes()
    code, out, err = invoke_en(
        runner, "edit", "T07", "--lead", "市水务局", "--date", "2025-10-02", "--dry-run"
    )
    assert code == 0 and err == "Dry run: nothing was written.\n"
    assert (here / "tasks.toml").read_bytes() == before
    assert '-lead = "市水利局"\n+lead = "市水务局"\n' in out
    assert '+changes = ["lead: 市水利局 → 市水务局"]' in out
    assert out.startswith("--- a/ledger/tasks.toml\n+++ b/ledger/tasks.toml\n")


@pytest.mark.parametrize(
    ("args", "en", "zh"),
    [
        (
            ["edit", "T01", "--deadline", "2030-01-01"],
            "Error: task T01: --deadline: 2030-01-01 is later than its deadline",
            "错误：任务 T01：--deadline：2030-01-01 晚于现有整改时限",
        ),
        (
            ["edit", "T07", "--add-indicator", "pm99"],
            "Error: task T07: --add-indicator: no indicator 'pm99'",
            "错误：任务 T07：--add-indicator：没有指标 'pm99'",
        ),
        (
            ["postpone", "T07", "--to", "2026-01-01", "--reason", "x"],
            "Error: task T07 has no deadline (it is ongoing); there is nothing to postpone",
            "错误：任务 T07 没有整改时限（长期坚持），无须延期",
        ),
        (
            ["cancel", "T07", "--note", " "],
            "Error: task T07: cancelling needs a reason; give it with --note WHY",
            "错误：任务 T07：撤销须说明理由，请用 --note 说明",
        ),
        (
            ["cancel", "T01", "--note", "x"],
            "Error: task T01 is done; cancelling is for a task still open",
            "错误：任务 T01 为“已完成”；只有未完成的任务才能撤销",
        ),
        (
            ["fold", "T07", "--into", "T07", "--note", "x"],
            "Error: task T07 cannot be merged into itself",
            "错误：任务 T07 不能并入自身",
        ),
        (
            ["fold", "T07", "--into", "T99", "--note", "x"],
            "Error: task T07: no task T99 to merge it into",
            "错误：任务 T07：没有可并入的任务 T99",
        ),
        (
            ["update", "T07", "--status", "cancelled"],
            "Error: task T07: --status cancelled; rectify update does not cancel or merge tasks",
            "错误：任务 T07：--status cancelled；rectify update 不能撤销或合并任务",
        ),
    ],
)
def test_refusals_say_one_sentence_and_change_nothing(
    runner: CliRunner, here: Path, args: list[str], en: str, zh: str
) -> None:
    if args[0] == "edit" and args[1] == "T01":
        # T01 has no deadline in the sample: give it one to move
        block = _block(_tasks(here), "T01")
        _set(here, block, block.replace("completed_on", "deadline = 2025-12-31\ncompleted_on", 1))
    before = (here / "tasks.toml").read_bytes()
    code, out, err = invoke_en(runner, *args)
    assert (code, out) == (2, "") and err.startswith(en) and err.count("\n") == 1, err
    code, _, err = invoke(runner, *args)
    assert code == 2 and err.startswith(zh), err
    assert (here / "tasks.toml").read_bytes() == before


def _with_deadline(ledger: Path, task_id: str, day: str) -> None:
    block = _block(_tasks(ledger), task_id)
    _set(ledger, block, block.replace("ongoing = true", f"deadline = {day}", 1))


def test_postpone_then_show_and_report(runner: CliRunner, here: Path) -> None:
    _with_deadline(here, "T07", "2025-12-31")
    before = _tasks(here)
    code, out, err = invoke_en(
        runner, "postpone", "T07", "--to", "2026-03-31", "--reason", "资金未到位",
        "--date", "2025-10-01", "--by", "王",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == (
        "Updated T07 (ledger/tasks.toml):\n  deadline: 2025-12-31 → 2026-03-31\n  Note: 资金未到位\n"
    )
    after = _tasks(here)
    _untouched_but(before, after, "T07")
    assert (
        _block(after, "T07")
        .rstrip()
        .endswith(
            '[[tasks.log]]\ndate = 2025-10-01\nkind = "postponed"\nnote = "资金未到位"\nby = "王"\n'
            'changes = ["deadline: 2025-12-31 → 2026-03-31"]'
        )
    )
    md = invoke(runner, "show", "T07", "-f", "md")[1]
    assert "- **原定时限**: 2025-12-31\n" in md
    assert "**延期记录**\n\n- 2025-10-01：2025-12-31 → 2026-03-31（资金未到位） — 王\n" in md
    table = invoke_en(runner, "show", "T07", "-f", "table")[1]
    assert "Original deadline" in table and "2025-12-31 → 2026-03-31 (资金未到位)" in table
    report = invoke(runner, "report", "-f", "md", "--as-of", "2025-10-02")[1]
    assert "，经延期1项**" in report
    counts = json.loads(invoke(runner, "report", "-f", "json", "--as-of", "2025-10-02")[1])
    assert counts["counts"]["postponed"] == 1 and counts["counts"]["tasks"] == 24
    assert "1 postponed" in invoke_en(runner, "report", "-f", "table")[1]


def test_cancel_and_fold_leave_the_open_counts(runner: CliRunner, here: Path) -> None:
    before = _tasks(here)
    assert invoke(runner, "cancel", "T16", "--note", "方案调整", "--date", "2025-10-01")[0] == 0
    # Dated on or before the report's --as-of, which shows the ledger as it stood then.
    code, _, err = invoke(
        runner, "fold", "T18", "--into", "T07", "--note", "合并推进", "--date", "2025-10-02"
    )
    assert (code, err) == (0, "")
    after = _tasks(here)
    assert before.replace(_block(before, "T16"), "").replace(_block(before, "T18"), "") == (
        after.replace(_block(after, "T16"), "").replace(_block(after, "T18"), "")
    )
    assert 'status = "merged"\nmerged_into = "T07"\n' in _block(after, "T18")
    assert invoke(runner, "check")[0] == 0
    data = json.loads(invoke(runner, "report", "-f", "json", "--as-of", "2025-10-02")[1])
    c = data["counts"]
    assert (c["tasks"], c["completed"], c["on_schedule"], c["cancelled"], c["merged"]) == (
        22, 21, 1, 1, 1,
    )  # fmt: skip
    assert [t["id"] for t in data["open_tasks"]] == ["T07"]
    md = invoke(runner, "report", "-f", "md", "--as-of", "2025-10-02")[1]
    assert "22项整改任务，已完成21项，达到序时进度1项，另有已撤销1项、已合并1项**" in md
    en = invoke_en(runner, "report", "-f", "md", "--as-of", "2025-10-02")[1]
    assert "besides, 1 cancelled, 1 merged into others" in en
    # never warned, never listed as pending; found by their own status and group
    warn = invoke(runner, "warn", "-f", "json", "--as-of", "2030-01-01", "--days", "0")[1]
    assert "T16" not in warn and "T18" not in warn
    pending = json.loads(invoke(runner, "list", "--status", "pending", "-f", "json")[1])
    assert {t["id"] for t in pending} == {"T07"}
    for status, ids in (("已撤销", {"T16"}), ("merged", {"T18"}), ("dropped", {"T16", "T18"})):
        found = json.loads(invoke(runner, "list", "--status", status, "-f", "json")[1])
        assert {t["id"] for t in found} == ids
    # a dropped task is changed by no update
    code, _, err = invoke_en(runner, "update", "T16", "--progress", "50")
    assert code == 2 and "it is cancelled; rectify update does not cancel" in err


def test_cancel_writes_the_status_in_the_files_style(runner: CliRunner, here: Path) -> None:
    _set(here, 'status = "in_progress"', 'status = "推进中"')
    assert invoke(runner, "cancel", "T16", "--note", "不再推进")[0] == 0
    mine = _block(_tasks(here), "T16")
    assert mine.count('status = "已撤销"') == 2  # the task and its new log entry


def test_edit_in_a_chinese_styled_file_keeps_the_status_line(runner: CliRunner, here: Path) -> None:
    _set(here, 'status = "in_progress"', 'status = "推进中"')
    before = _tasks(here)
    assert invoke(runner, "edit", "T16", "--lead", "市发展改革委")[0] == 0
    after = _tasks(here)
    assert 'status = "推进中"' in _block(after, "T16") and "in_progress" not in _block(after, "T16")
    _untouched_but(before, after, "T16")


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('status = "in_progress"', 'status = "merged"', "a merged task names the task"),
        ('status = "in_progress"', 'status = "in_progress"\nmerged_into = "T01"', "not merged"),
        ('status = "in_progress"', 'status = "merged"\nmerged_into = "T99"', "no task T99"),
        ('status = "in_progress"', 'status = "merged"\nmerged_into = "T16"', "merged into itself"),
    ],
)
def test_check_rejects_a_bad_hand_edit(
    runner: CliRunner, here: Path, old: str, new: str, words: str
) -> None:
    block = _block(_tasks(here), "T16")
    _set(here, block, block.replace(old, new, 1))
    code, out, err = invoke_en(runner, "check")
    assert code == 2 and words in out + err, out + err


def test_check_rejects_a_merge_into_a_cancelled_task(runner: CliRunner, here: Path) -> None:
    assert invoke(runner, "cancel", "T16", "--note", "x")[0] == 0
    block = _block(_tasks(here), "T18")
    _set(
        here,
        block,
        block.replace('status = "in_progress"', 'status = "merged"\nmerged_into = "T16"', 1),
    )
    code, out, err = invoke_en(runner, "check")
    assert code == 2 and "T16 is cancelled itself" in out + err
