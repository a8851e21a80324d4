"""`rectify add`, `remove`, `aspect add` and `indicator add`: the rules, the refusals in both
languages, the next id, where the new block goes, and every other byte kept."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.edit_add import next_id, removable
from rectify_cli.kinds import Status
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en

ADD = ("add", "--date", "2025-10-10")
NEW_A1 = (*ADD, "--title", "治理餐饮油烟", "--aspect", "A1", "--lead", "市城管局")


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([f"T{n:02d}" for n in range(1, 25)], "T25"),
        ([f"H{n}" for n in range(1, 13)], "H13"),
        (["T01", "T09"], "T10"),  # padding kept
        (["T001", "T002"], "T003"),
        (["T1", "T2", "T9"], "T10"),  # unpadded stays unpadded
        ([], "T01"),
        (["T05", "T01"], "T06"),  # the highest, not the last
        (["T01", "H12", "H03"], "H13"),  # the last numbered id's prefix
        (["T01", "T02", "t03"], "T04"),  # t03 is the same id as T03
        (["T01", "Ｔ02", "T03"], "T04"),  # and a full-width Ｔ02 as T02
        (["intro", "T7"], "T8"),
    ],
)
def test_next_id_follows_the_ledgers_own_pattern(ids: list[str], expected: str) -> None:
    assert next_id(ids) == expected


def test_add_takes_the_next_id_goes_after_its_aspect_and_keeps_every_other_byte(
    runner: CliRunner, sample: Path
) -> None:
    path = sample / "tasks.toml"
    before = path.read_text(encoding="utf-8")
    code, out, err = invoke_en(
        runner,
        *NEW_A1,
        "--deadline",
        "2026-06-30",
        "--measure",
        "排查餐饮单位",
        "--measure",
        "安装油烟净化器",
        "--partner",
        "各县市区",
        "--leader",
        "分管副市长",
        "--owner",
        "张三",
        "--phone",
        "0543-0000000",
        "--by",
        "市委督查室",
    )
    assert (code, err) == (0, ""), err
    assert out.startswith("Added task T25 (")
    after = path.read_text(encoding="utf-8")
    # The new block sits between the last task of A1 (T04) and the first of A2 (T05).
    assert after.index('id = "T04"') < after.index('id = "T25"') < after.index('id = "T05"')
    # Every other byte as it was: the file is the old one with one chunk inserted.
    start = after.index('\n[[tasks]]\nid = "T25"')
    assert after[:start] + after[start + len(after) - len(before) :] == before
    task = next(t for t in load_ledger(sample).tasks if t.id == "T25")
    assert (task.aspect, task.title, task.lead) == ("A1", "治理餐饮油烟", "市城管局")
    assert task.measures == ["排查餐饮单位", "安装油烟净化器"]
    assert (task.leader, task.owner, task.phone) == ("分管副市长", "张三", "0543-0000000")
    assert task.deadline == dt.date(2026, 6, 30)
    (entry,) = task.log
    assert (entry.date, entry.note, entry.by) == (dt.date(2025, 10, 10), "新增", "市委督查室")
    assert invoke(runner, "check")[0] == 0


def test_removed_lines_give_back_the_file_byte_for_byte(runner: CliRunner, sample: Path) -> None:
    path = sample / "tasks.toml"
    before = path.read_bytes()
    assert invoke(runner, *NEW_A1, "--ongoing")[0] == 0
    assert (
        invoke(runner, *ADD, "-t", "新方面的任务", "-a", "A6", "--lead", "x", "--ongoing")[0] == 0
    )
    assert path.read_bytes() != before
    assert invoke(runner, "remove", "T26")[0] == 0
    assert invoke(runner, "remove", "T25")[0] == 0
    assert path.read_bytes() == before


def test_a_task_whose_aspect_has_none_yet_goes_at_the_end(
    runner: CliRunner, make_ledger: object
) -> None:
    text = MINIMAL_TASKS + '\n[[aspects]]\nid = "A2"\nname = "水"\n'
    root = make_ledger(text)  # type: ignore[operator]
    code, _, err = invoke(runner, *ADD, "-t", "治水", "-a", "水", "--lead", "市水利局", "--ongoing")
    assert code == 0, err
    after = (root / "tasks.toml").read_text(encoding="utf-8")
    assert after.startswith(text)
    assert after[len(text) :].startswith('\n[[tasks]]\nid = "T2"\naspect = "A2"\n')


def test_dry_run_prints_the_exact_diff_and_writes_nothing(runner: CliRunner, sample: Path) -> None:
    path = sample / "tasks.toml"
    before = path.read_bytes()
    code, out, err = invoke_en(runner, *NEW_A1, "--deadline", "2026-06-30", "--dry-run")
    assert code == 0, err
    assert path.read_bytes() == before
    assert "Dry run: nothing was written." in err
    assert out.startswith("--- ") and "\n+++ " in out
    added = [line[1:] for line in out.splitlines() if line.startswith("+") and line[:3] != "+++"]
    assert not [line for line in out.splitlines() if line.startswith("-") and line[:3] != "---"]
    assert invoke(runner, *NEW_A1, "--deadline", "2026-06-30")[0] == 0
    new_lines = path.read_text(encoding="utf-8").splitlines()
    old_lines = before.decode("utf-8").splitlines()
    assert len(new_lines) - len(old_lines) == len(added)
    assert 'id = "T25"' in added and 'note = "新增"' in added


@pytest.mark.parametrize("given", ["T05", "t05", "Ｔ05"])
def test_an_id_in_use_is_refused_in_both_languages(
    runner: CliRunner, sample: Path, given: str
) -> None:
    before = (sample / "tasks.toml").read_bytes()
    args = (*NEW_A1, "--ongoing", "--id", given)
    code, out, en = invoke_en(runner, *args)
    assert (code, out) == (2, "")
    _, _, zh = invoke(runner, *args)
    if given == "T05":
        assert en == "Error: task T05 already exists; nothing was written\n"
        assert zh == "错误：任务 T05 已存在；未写入任何内容\n"
    else:
        assert en == (
            f"Error: task {given} is the same id as T05 but for upper/lower case or full-width "
            "characters; nothing was written\n"
        )
        assert zh.startswith(f"错误：任务 {given} 与已有的 T05 只有大小写或全角半角之差")
    assert (sample / "tasks.toml").read_bytes() == before


def test_refusals_name_what_is_wrong_and_change_nothing(runner: CliRunner, sample: Path) -> None:
    before = (sample / "tasks.toml").read_bytes()
    base = (*ADD, "-t", "x", "--lead", "市局")
    cases = [
        (
            (*base, "-a", "A9", "--ongoing"),
            "Error: aspect A9: no such aspect; did you mean A1?; nothing was written; create it "
            "first with rectify aspect add --id ID --name NAME\n",
            "错误：问题方面 A9：没有这个问题方面；是不是 A1？；未写入任何内容；请先用 rectify "
            "aspect add --id 编号 --name 名称 添加\n",
        ),
        (
            (*base, "-a", "A1"),
            "Error: rectify add needs --deadline DATE or --ongoing\n",
            "错误：rectify add 需要 --deadline 日期或 --ongoing\n",
        ),
        (
            (*base, "-a", "A1", "--ongoing", "--deadline", "2026-01-01"),
            "Error: give --deadline or --ongoing, not both\n",
            "错误：--deadline（整改时限）和 --ongoing（长期坚持）只能给出其一\n",
        ),
        (
            (*ADD, "-a", "A1", "--lead", "市局", "--ongoing"),
            "Error: rectify add needs --title\n",
            "错误：rectify add 需要 --title\n",
        ),
        (
            (*base, "-a", "A1", "--ongoing", "--id", "T 9"),
            None,
            None,
        ),
        (
            (*base, "-a", "A1", "--ongoing", "--owner", "张三\u202e"),
            None,
            None,
        ),
        (
            (*base, "-a", "A1", "--ongoing", "--indicator", "no_such"),
            None,
            None,
        ),
    ]
    for args, en_text, zh_text in cases:
        code, out, en = invoke_en(runner, *args)
        assert (code, out) == (2, ""), args
        assert en.startswith("Error: ") and en.count("\n") == 1, en
        _, _, zh = invoke(runner, *args)
        assert zh.startswith("错误：") and zh.count("\n") == 1, zh
        if en_text is not None:
            assert (en, zh) == (en_text, zh_text)
        assert "Traceback" not in en + zh
    assert (sample / "tasks.toml").read_bytes() == before


def test_on_a_terminal_missing_fields_are_asked_for(
    runner: CliRunner, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rectify_cli.cli import add_cmd, app

    monkeypatch.setattr(add_cmd, "on_terminal", lambda: True)
    result = runner.invoke(
        app,
        [*ADD, "--aspect", "A1", "--ongoing", "--lang", "en"],
        input="治理餐饮油烟\n市城管局\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    task = next(t for t in load_ledger(sample).tasks if t.id == "T25")
    assert (task.title, task.lead, task.ongoing) == ("治理餐饮油烟", "市城管局", True)


def test_an_english_ledger_logs_added(runner: CliRunner, make_ledger: object) -> None:
    root = make_ledger(MINIMAL_TASKS.replace('title = "测试台账"', 'title = "T"\nlang = "en"'))  # type: ignore[operator]
    code, out, err = invoke(runner, *ADD, "-t", "x", "-a", "A1", "--lead", "y", "--ongoing")
    assert code == 0, err
    assert out.startswith("Added task T2 (")
    assert load_ledger(root).tasks[-1].log[0].note == "added"


def test_the_new_block_writes_statuses_in_the_files_style(runner: CliRunner, sample: Path) -> None:
    """A file that says `status = "推进中"` gets `"未启动"` for the new task, in its block and
    in its first log entry, which is marked as the entry that added it; a file in keys gets
    keys."""
    path = sample / "tasks.toml"

    def added_block() -> str:
        after = path.read_text(encoding="utf-8")
        return after[after.index('id = "T25"') : after.index('id = "T05"')]

    assert invoke(runner, *NEW_A1, "--ongoing")[0] == 0
    block = added_block()
    assert block.count('status = "not_started"') == 2 and "未启动" not in block, block
    assert invoke(runner, "remove", "T25")[0] == 0
    text = path.read_text(encoding="utf-8")
    for status in Status:
        text = text.replace(f'status = "{status.value}"', f'status = "{status.label_zh}"')
    path.write_text(text, encoding="utf-8")
    assert invoke(runner, *NEW_A1, "--ongoing")[0] == 0
    block = added_block()
    assert block.count('status = "未启动"') == 2 and "not_started" not in block, block
    assert '\nkind = "added"\n' in block
    (entry,) = next(t for t in load_ledger(sample).tasks if t.id == "T25").log
    assert (entry.kind, entry.status) == ("added", Status.NOT_STARTED)
    assert invoke(runner, "check")[0] == 0
    assert invoke(runner, "remove", "T25")[0] == 0  # the entry that added it is no history
    assert path.read_text(encoding="utf-8") == text


def test_remove_refuses_a_task_with_a_history(runner: CliRunner, sample: Path) -> None:
    before = (sample / "tasks.toml").read_bytes()
    code, out, en = invoke_en(runner, "remove", "T05")
    assert (code, out) == (2, "")
    assert en == (
        "Error: task T05 has a history (its status, progress, evidence or log), so it cannot "
        "be removed; nothing was written; cancel it instead (rectify cancel)\n"
    )
    _, _, zh = invoke(runner, "remove", "T05")
    assert zh.startswith("错误：任务 T05 已有整改记录") and "rectify cancel" in zh
    code, _, en = invoke_en(runner, "remove", "T99")
    assert code == 2 and en.startswith("Error: no task T99")
    assert (sample / "tasks.toml").read_bytes() == before
    # Worked on once, even by an update that changed only progress, it has a history.
    assert invoke(runner, *NEW_A1, "--ongoing")[0] == 0
    assert invoke(runner, "update", "T25", "--progress", "10", "--date", "2025-10-11")[0] == 0
    assert invoke(runner, "remove", "T25")[0] == 2


def test_remove_refuses_a_task_another_is_merged_into(runner: CliRunner, sample: Path) -> None:
    """Removing the task another was folded into would leave that one naming a task the
    ledger lacks, a ledger `rectify check` refuses: the removal is refused instead."""
    assert invoke(runner, *NEW_A1, "--ongoing", "--id", "N1")[0] == 0
    assert invoke(runner, *NEW_A1, "--ongoing", "--id", "N2")[0] == 0
    fold = ("fold", "N1", "--into", "N2", "-m", "合并", "--date", "2025-10-11")
    assert invoke(runner, *fold)[0] == 0
    before = (sample / "tasks.toml").read_bytes()
    code, out, en = invoke_en(runner, "remove", "N2")
    assert (code, out) == (2, "")
    assert en == (
        "Error: task N2 cannot be removed: N1 is merged into it (merged_into); "
        "nothing was written\n"
    )
    assert invoke(runner, "remove", "N2")[2] == (
        "错误：任务 N2 不能删除：N1 已并入该任务（merged_into）；未写入任何内容\n"
    )
    assert (sample / "tasks.toml").read_bytes() == before
    assert invoke(runner, "check")[0] == 0


def test_removable_is_the_rule(runner: CliRunner, sample: Path) -> None:
    assert invoke(runner, *NEW_A1, "--ongoing")[0] == 0
    new = next(t for t in load_ledger(sample).tasks if t.id == "T25")
    assert removable(new)
    assert not removable(new._replace(progress=0))
    assert not removable(new._replace(evidence=["x.pdf"]))
    assert not removable(new._replace(log=[*new.log, new.log[0]]))
    assert new.log[0].kind == "added"
    assert removable(new._replace(log=[new.log[0]._replace(kind=None)]))  # added by hand
    assert not removable(new._replace(log=[new.log[0]._replace(kind="postponed")]))
    assert not any(removable(t) for t in load_ledger(sample).tasks if t.id != "T25")


def test_a_ledger_from_init_takes_aspects_indicators_and_tasks(
    runner: CliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "new"
    assert invoke(runner, "init", str(root))[0] == 0
    (root / "indicators.toml").unlink()  # made again by the first indicator
    led = ("--ledger", str(root))
    code, out, err = invoke_en(runner, "aspect", "add", "--id", "A1", "--name", "大气", *led)
    assert (code, err) == (0, ""), err
    assert out.startswith("Added aspect A1 (")
    for args in (("--id", "a1", "--name", "水"), ("--id", "A2", "--name", "大气")):
        code, _, err = invoke_en(runner, "aspect", "add", *args, *led)
        assert code == 2 and err.startswith("Error: aspect "), err
    code, _, err = invoke_en(
        runner, "indicator", "add", "--id", "pm25", "--name", "PM2.5", "--better", "越低越好", *led
    )
    assert code == 0, err
    code, _, err = invoke_en(
        runner, "indicator", "add", "--id", "x", "--name", "X", "--better", "up", *led
    )
    assert (code, err) == (2, 'Error: --better: "up" is not a direction; use lower or higher\n')
    code, _, err = invoke(runner, *NEW_A1, "--deadline", "2025-12-31", "--indicator", "pm25", *led)
    assert code == 0, err
    ledger = load_ledger(root)
    assert [a.id for a in ledger.aspects] == ["A1"]
    assert [(t.id, t.indicators) for t in ledger.tasks] == [("T01", ["pm25"])]
    assert [i.id for i in ledger.indicators] == ["pm25"]
    assert invoke(runner, "check", *led)[0] == 0


def test_show_list_and_notices_name_who_is_responsible(runner: CliRunner, sample: Path) -> None:
    extra = ("--leader", "分管副市长", "--owner", "张三", "--phone", "0543-0000000")
    assert invoke(runner, *NEW_A1, "--deadline", "2025-10-31", *extra)[0] == 0
    code, out, _ = invoke_en(runner, "show", "T25", "-f", "md")
    assert code == 0
    assert "- **Leader in charge**: 分管副市长" in out
    assert "- **Responsible person**: 张三" in out and "- **Phone**: 0543-0000000" in out
    code, out, _ = invoke(runner, "show", "T25", "-f", "md")
    assert "- **责任领导**: 分管副市长" in out and "- **联系电话**: 0543-0000000" in out
    for option, text in (("--owner", "张"), ("--leader", "副市长")):
        code, out, _ = invoke(runner, "list", option, text, "-f", "csv")
        assert code == 0
        assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["T25"]
    code, out, _ = invoke(runner, "list", "--owner", "李", "-f", "csv")
    assert out.splitlines()[1:] == []
    code, _, err = invoke_en(runner, "list", "--kind", "petitions", "--owner", "张")
    assert code == 2 and "--leader and --owner: for tasks" in err
    code, out, _ = invoke(runner, "warn", "--notice", "--lead", "城管", "--as-of", "2025-11-10")
    assert code == 0
    assert "| 编号 | 整改任务 | 责任人 | 整改时限 |" in out
    assert "责任领导：分管副市长；责任人：张三；联系电话：0543-0000000" in out
    # A notice whose tasks name nobody keeps its columns.
    code, out, _ = invoke(runner, "warn", "--notice", "--lead", "水利局", "--as-of", "2025-12-31")
    assert "| 责任人 |" not in out


def test_the_word_notice_has_the_responsible_column(runner: CliRunner, sample: Path) -> None:
    pytest.importorskip("docx")
    extra = ("--owner", "张三", "--phone", "0543-0000000")
    assert invoke(runner, *NEW_A1, "--deadline", "2025-10-31", *extra)[0] == 0
    out = sample.parent / "notices"
    args = ("warn", "--notice", "--lead", "城管", "--as-of", "2025-11-10")
    code, _, err = invoke(runner, *args, "-f", "docx", "--out", str(out))
    assert code == 0, err
    (doc,) = out.glob("*.docx")
    xml = zipfile.ZipFile(io.BytesIO(doc.read_bytes())).read("word/document.xml").decode()
    assert "责任人：张三；联系电话：0543-0000000" in xml


def test_leader_owner_phone_round_trip_through_import_and_export(
    runner: CliRunner, make_ledger: object, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    root = make_ledger()  # type: ignore[operator]
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["编号", "整改任务", "牵头单位", "整改时限", "责任领导", "责任人", "联系方式"])
    ws.append(["T2", "治理工地扬尘", "市住建局", "2025-12-31", "王五", "赵六", 13800000000])
    book.save(tmp_path / "in.xlsx")
    code, _, err = invoke(runner, "import", str(tmp_path / "in.xlsx"), "--aspect", "A1")
    assert code == 0, err
    assert "未导入的列" not in err
    task = load_ledger(root).tasks[1]
    assert (task.leader, task.owner, task.phone) == ("王五", "赵六", "13800000000")
    out = tmp_path / "out.xlsx"
    assert invoke(runner, "export", "--out", str(out))[0] == 0
    header = [c.value for c in openpyxl.load_workbook(out)["整改任务"][1]]
    assert header[-4:-1] == ["责任领导", "责任人", "联系电话"]  # 并入任务 last
    empty = tmp_path / "empty"
    assert invoke(runner, "init", str(empty))[0] == 0
    code, _, err = invoke(runner, "import", str(out), "--ledger", str(empty))
    assert code == 0, err
    again = {t.id: t for t in load_ledger(empty).tasks}["T2"]
    assert (again.leader, again.owner, again.phone) == ("王五", "赵六", "13800000000")
