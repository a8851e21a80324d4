"""Several ledgers at once: three county ledgers (one sharing a task id with another, one
broken) through list, warn, report, show and update, and the loading layer underneath."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.errors import EXIT_ERROR, EXIT_FOUND, RectifyError, UsageError
from rectify_cli.i18n import speak
from rectify_cli.ledgers import expand, folder_for, load_many, peek_name, split_ref
from rectify_cli.rollup import build_rollup
from rectify_cli.store import load_ledger
from tests.conftest import invoke, invoke_en
from tests.helpers import GOOD, ZOUPING, write_counties

AS_OF = "2025-10-01"


HUIMIN_ERROR = (
    "错误：台账 huimin：counties/huimin/tasks.toml:15: 任务 T1：progress（进度）：应不大于 100，"
    "实际为 120\n"
)


@pytest.fixture
def counties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_counties(tmp_path)
    monkeypatch.chdir(tmp_path)  # messages name paths relative to here
    return root


# --------------------------------------------------------------------------- loading


def test_a_pattern_is_expanded_here_not_by_a_shell(counties: Path) -> None:
    folders, failures, multi = expand(["counties/*"])
    assert [p.as_posix() for p in folders] == [
        "counties/boxing",
        "counties/huimin",
        "counties/zp",
    ]  # folders only, sorted; README.md is no ledger
    assert failures == [] and multi
    folders, failures, multi = expand(["nowhere/*"])
    assert folders == [] and not multi
    assert [str(f) for f in failures] == ["ledger nowhere/*: no folder matches this pattern"]
    with pytest.raises(RectifyError) as info:
        load_many(["nowhere/*"])
    assert info.value.message == "nowhere/*: no folder matches this pattern"
    # A pattern that finds one ledger shows it as one (no ledger column, no roll-up).
    assert expand(["counties/b*"])[2] is False
    assert not load_many(["counties/b*"]).multi
    # The same folder named twice (directly and by a pattern) is read once.
    folders, _, _ = expand(["counties/zp", "counties/z*"])
    assert [p.as_posix() for p in folders] == ["counties/zp"]


def test_names_failures_and_shared_ids(counties: Path) -> None:
    speak("zh")  # as the CLI does for these Chinese ledgers
    found = load_many(["counties/*"])
    assert [b.name for b in found.books] == ["boxing", "zouping"]  # folder name; [ledger] name
    assert [(f.name, f.path) for f in found.failures] == [("huimin", "counties/huimin")]
    assert str(found.failures[0]) == HUIMIN_ERROR.removeprefix("错误：").rstrip("\n")
    assert found.shared_ids == frozenset({"T03"})
    assert found.ref("boxing", "T03") == "boxing:T03"
    assert found.ref("boxing", "T02") == "T02"


def test_one_ledger_loads_and_fails_as_it_always_has(counties: Path) -> None:
    speak("zh")
    found = load_many(["counties/boxing"])
    assert not found.multi and found.single.name == "boxing"
    with pytest.raises(RectifyError) as info:
        load_many(["counties/huimin"])
    assert info.value.message == HUIMIN_ERROR.split("：", 2)[2].rstrip("\n")


def test_find_task_by_plain_or_qualified_id(counties: Path) -> None:
    found = load_many(list(GOOD[1::2]))
    book, task = found.find_task("zouping:T03")
    assert (book.name, task.title) == ("zouping", "污水管网建设")
    assert found.find_task("T04")[0].name == "zouping"
    with pytest.raises(UsageError) as info:
        found.find_task("T03")
    assert info.value.message == "task T03 is in 2 ledgers; name one: boxing:T03, zouping:T03"
    with pytest.raises(RectifyError, match="no task T09 in boxing; did you mean boxing:T01"):
        found.find_task("boxing:T09")
    with pytest.raises(UsageError, match="no ledger named 'boxin'; did you mean boxing"):
        found.find_task("boxin:T01")
    # With a ledger that did not load, a plain id could be there too: never a guess.
    with pytest.raises(RectifyError) as failed:
        load_many(["counties/*"]).find_task("T04")
    assert failed.value.message == (
        "task T04 is in zouping, but huimin did not load and may hold it too; "
        "name the ledger: zouping:T04"
    )


def test_split_ref() -> None:
    assert split_ref("T03") == (None, "T03")
    assert split_ref("boxing:T03") == ("boxing", "T03")
    with pytest.raises(UsageError):
        split_ref("boxing:")


def test_two_ledgers_with_one_name_are_refused(counties: Path) -> None:
    (counties / "zp2").mkdir()
    (counties / "zp2" / "tasks.toml").write_text(ZOUPING, encoding="utf-8")
    with pytest.raises(UsageError, match="two ledgers are named 'zouping'"):
        load_many(["counties/zp", "counties/zp2"])


def test_peek_name_reads_only_the_ledger_table(counties: Path) -> None:
    assert peek_name(counties / "zp") == "zouping"
    assert peek_name(counties / "boxing") == "boxing"
    assert peek_name(counties / "nothing-here") == "nothing-here"
    path, task_id = folder_for(["counties/*"], "zouping:T03")
    assert (path, task_id) == (Path("counties/zp"), "T03")


def test_environment_variable_holds_several_ledgers(
    counties: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_LEDGER", os.pathsep.join(["counties/boxing", "counties/zp"]))
    code, out, err = invoke(runner, "list", "--as-of", AS_OF, "-f", "json")
    assert (code, err) == (0, "")
    assert {r["ledger"] for r in json.loads(out)} == {"boxing", "zouping"}


# --------------------------------------------------------------------------- list


LIST_MD = """\
| 台账 | 编号 | 问题方面 | 整改任务 | 牵头单位 | 整改时限 | 状态 | 进度 | 序时进度 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| boxing | T01 | 大气 | 镀锌行业提标改造 | 县生态环境局 | 2025-06-30 | 已完成 | 100% | 按期完成 |
| boxing | T02 | 大气 | 扬尘治理 | 县住建局 | 2025-09-15 | 推进中 | 60% | 逾期 |
| boxing | boxing:T03 | 大气 | 散乱污企业整治 | 县生态环境局 | 2025-12-31 | 推进中 | 70% | 达到序时进度 |
| zouping | zouping:T03 | 水 | 污水管网建设 | 市住建局 | 2025-12-31 | 推进中 | 20% | 未达序时进度 |
| zouping | T04 | 水 | 入河排污口整治 | 市生态环境局 | — | 已完成 | 100% | 已完成 |
"""


def test_list_across_ledgers_with_a_broken_one(counties: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "list", "--ledger", "counties/*", "--as-of", AS_OF, "-f", "md")
    assert (code, out, err) == (EXIT_ERROR, LIST_MD, HUIMIN_ERROR)
    # --strict: nothing but the failure.
    code, out, err = invoke(runner, "list", "-l", "counties/*", "--as-of", AS_OF, "--strict")
    assert (code, out, err) == (EXIT_ERROR, "", HUIMIN_ERROR)
    # The good ones alone: everything shown, exit 0.
    code, out, err = invoke(runner, "list", *GOOD, "--as-of", AS_OF, "-f", "md")
    assert (code, out, err) == (0, LIST_MD, "")


def test_list_filters_sorts_and_machine_formats(counties: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(
        runner, "list", *GOOD, "--as-of", AS_OF, "--sort", "progress", "-f", "json"
    )
    rows = json.loads(out)
    assert code == 0
    assert [(r["ledger"], r["ref"], r["id"]) for r in rows] == [
        ("zouping", "zouping:T03", "T03"),
        ("boxing", "T02", "T02"),
        ("boxing", "boxing:T03", "T03"),
        ("boxing", "T01", "T01"),
        ("zouping", "T04", "T04"),
    ]
    code, out, _ = invoke(
        runner, "list", *GOOD, "--aspect", "水", "--status", "pending", "-f", "csv"
    )
    assert out.splitlines()[0].startswith("ledger,ref,id,aspect,")
    assert [line.split(",")[:3] for line in out.splitlines()[1:]] == [
        ["zouping", "zouping:T03", "T03"]
    ]
    code, _, err = invoke_en(runner, "list", *GOOD, "--aspect", "土壤")
    assert (code, err) == (EXIT_ERROR, "Error: --aspect: no aspect '土壤'\n")


def test_one_ledger_lists_as_before(counties: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "list", "-l", "counties/zp", "--as-of", AS_OF, "-f", "md")
    assert code == 0
    assert out.splitlines()[0].startswith("| 编号 |")  # no ledger column
    assert "| T03 |" in out


def test_list_table_on_a_terminal_has_the_ledger_column(counties: Path) -> None:
    from rectify_cli.query import rows
    from rectify_cli.render.terminal import console, tasks_table

    found = load_many(list(GOOD[1::2]))
    task_rows = [r for b in found.books for r in rows(b.ledger, dt.date(2025, 10, 1))]
    term = console(width=120, no_color=True)
    with term.capture() as cap:
        term.print(
            tasks_table(task_rows, "zh", width=120, refs=lambda r: found.ref(r.ledger, r.task.id))
        )
    text = cap.get()
    assert "台账" in text and "zouping:T03" in text and "boxing:T03" in text


# --------------------------------------------------------------------------- warn


def test_warn_across_ledgers(counties: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "warn", "-l", "counties/*", "--as-of", AS_OF, "-f", "md")
    assert (code, err) == (EXIT_ERROR, HUIMIN_ERROR)
    assert out == (
        "截至2025-10-01，共预警2项：红色预警1项、黄色预警1项、蓝色提示0项\n"
        "\n"
        "## boxing（红色预警1项）\n"
        "\n"
        "### 县住建局（红色预警1项）\n"
        "\n"
        "| 预警级别 | 编号 | 整改任务 | 整改时限 | 进度 | 预警原因 |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| 红色预警 | T02 | 扬尘治理 | 2025-09-15 | 60% | 逾期16天；273天未更新 |\n"
        "\n"
        "## zouping（黄色预警1项）\n"
        "\n"
        "### 市住建局（黄色预警1项）\n"
        "\n"
        "| 预警级别 | 编号 | 整改任务 | 整改时限 | 进度 | 预警原因 |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| 黄色预警 | zouping:T03 | 污水管网建设 | 2025-12-31 | 20% | 未达序时进度（应达75%，实际20%） |\n"
    )


def test_warn_exit_codes_and_json(counties: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "warn", *GOOD, "--as-of", AS_OF, "--exit-code", "-f", "json")
    assert (code, err) == (EXIT_FOUND, "")
    data = json.loads(out)
    assert (data["total"], data["counts"]) == (2, {"red": 1, "yellow": 1, "blue": 0})
    assert [lg["ledger"] for lg in data["ledgers"]] == ["boxing", "zouping"]
    zouping = data["ledgers"][1]["groups"][0]["warnings"][0]
    assert (zouping["id"], zouping["ref"]) == ("T03", "zouping:T03")
    # A failed ledger outranks "found something": exit 2, not 1.
    code, _, _ = invoke(runner, "warn", "-l", "counties/*", "--as-of", AS_OF, "--exit-code")
    assert code == EXIT_ERROR
    code, out, _ = invoke(runner, "warn", *GOOD, "--as-of", AS_OF, "-f", "csv", "--level", "red")
    assert out.splitlines()[0].startswith("ledger,lead,level,id,")
    assert out.splitlines()[1].startswith("boxing,县住建局,red,T02,")
    assert out.splitlines()[0].endswith(",kind") and out.splitlines()[1].endswith(",task")


def test_warn_notices_go_to_a_folder_per_ledger(
    counties: Path, runner: CliRunner, tmp_path: Path
) -> None:
    out_dir = tmp_path / "notices"
    code, _, err = invoke(
        runner, "warn", *GOOD, "--as-of", AS_OF, "--notice", "--out", str(out_dir)
    )
    assert code == 0 and err.startswith("已写入2份预警督办单")
    written = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.md"))
    assert written == ["boxing/2025-10-01-县住建局.md", "zouping/2025-10-01-市住建局.md"]
    text = (out_dir / "boxing" / "2025-10-01-县住建局.md").read_text(encoding="utf-8")
    assert "博兴县生态环境保护委员会办公室" in text


# --------------------------------------------------------------------------- report


def test_report_leads_with_the_roll_up(counties: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "report", "-l", "counties/*", "--as-of", AS_OF, "-f", "md")
    assert (code, err) == (EXIT_ERROR, HUIMIN_ERROR)
    head = out.split("\n## 博兴县")[0]
    assert head == (
        "# 2个台账整改落实情况汇总\n"
        "\n"
        "数据截至2025年9月20日，序时进度评估日期2025年10月1日\n"
        "\n"
        "**2个台账共5项整改任务，已完成2项，达到序时进度1项，未达序时进度1项，逾期1项**\n"
        "\n"
        "## 各台账整改进展\n"
        "\n"
        "| 台账 | 任务数 | 已完成 | 达到序时进度 | 未达序时进度 | 逾期 | 完成率 |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        "| boxing | 3 | 1 | 1 | 0 | 1 | ███░░░░░░░ 33% |\n"
        "| zouping | 2 | 1 | 0 | 1 | 0 | █████░░░░░ 50% |\n"
        "| 合计 | 5 | 2 | 1 | 1 | 1 | ████░░░░░░ 40% |\n"
        "\n"
        "未纳入汇总（台账无法读取，见 rectify check）：huimin\n"
    )
    # Then each ledger's own report, one level down, ids qualified where shared.
    assert "\n## 博兴县整改台账：整改落实情况（boxing）\n" in out
    assert "\n## 邹平市整改台账：整改落实情况（zouping）\n" in out
    assert "\n### 未完成任务\n" in out
    assert "| zouping:T03 | 污水管网建设 |" in out
    assert "**3项整改任务，已完成1项，达到序时进度1项，逾期1项**" in out
    # The roll-up's data date is the earliest of its ledgers': no county's figures are
    # claimed newer than its own section says.
    sections = re.findall(r"^数据截至(\d+)年(\d+)月(\d+)日，序时进度", out, re.M)
    assert sections[0] == min(sections[1:], key=lambda d: tuple(map(int, d)))
    assert len(set(sections[1:])) == 2


def test_report_summary_only_json_and_terminal(counties: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "report", *GOOD, "--as-of", AS_OF, "--summary-only", "-f", "md")
    assert code == 0 and "## 各台账整改进展" in out and "博兴县整改台账" not in out
    code, out, _ = invoke(runner, "report", *GOOD, "--as-of", AS_OF, "-f", "json")
    data = json.loads(out)
    assert data["counts"]["tasks"] == 5 and data["counts"]["completion"] == 40.0
    assert [(x["name"], x["counts"]["tasks"]) for x in data["ledgers"]] == [
        ("boxing", 3),
        ("zouping", 2),
    ]
    assert [r["ledger"] for r in data["reports"]] == ["boxing", "zouping"]
    assert data["failed"] == []
    code, _, err = invoke_en(runner, "report", *GOOD, "--aspect", "A1")
    assert (code, err) == (
        EXIT_ERROR,
        "Error: --aspect: reports one aspect of one ledger; name a single --ledger\n",
    )


def test_roll_up_rows_equal_each_ledgers_own_report(counties: Path) -> None:
    from rectify_cli.report import build_report

    found = load_many(list(GOOD[1::2]))
    rollup = build_rollup(found, dt.date(2025, 10, 1))
    for line, book in zip(rollup.lines, found.books, strict=True):
        assert line.counts == build_report(book.ledger, dt.date(2025, 10, 1)).counts
    assert rollup.counts.tasks == sum(line.counts.tasks for line in rollup.lines)


def test_terminal_roll_up_draws_bars(counties: Path) -> None:
    from rectify_cli.render.rollup_terminal import rollup_view
    from rectify_cli.render.terminal import console

    found = load_many(list(GOOD[1::2]))
    rollup = build_rollup(found, dt.date(2025, 10, 1), summary_only=True)
    term = console(width=100, no_color=True)
    with term.capture() as cap:
        term.print(rollup_view(rollup, lambda name: lambda i: i, width=100, summary_only=True))
    text = cap.get()
    assert "合计" in text and "██░░░ 40%" in text
    assert max(len(line) for line in text.splitlines()) <= 100


# --------------------------------------------------------------------------- show / update


def test_show_and_update_take_a_qualified_id(counties: Path, runner: CliRunner) -> None:
    before = (counties / "boxing" / "tasks.toml").read_bytes()
    code, _, err = invoke_en(
        runner, "update", "T03", "-l", "counties/*", "-p", "90", "--date", AS_OF
    )
    assert (code, err) == (
        EXIT_ERROR,
        "Error: task T03 is in 2 ledgers; name one: boxing:T03, zouping:T03\n",
    )
    assert (counties / "boxing" / "tasks.toml").read_bytes() == before
    code, out, err = invoke(
        runner, "update", "zouping:T03", "-l", "counties/*", "-p", "90", "--date", AS_OF
    )
    assert (code, err) == (0, "")
    assert out == "已更新 T03（counties/zp/tasks.toml）：\n  进度：20 → 90\n"
    assert load_ledger(counties / "zp").task("T03").progress == 90  # type: ignore[union-attr]
    assert (counties / "boxing" / "tasks.toml").read_bytes() == before
    code, out, _ = invoke_en(runner, "show", "zouping:T03", *GOOD, "-f", "json")
    assert code == 0 and json.loads(out)["progress"] == 90
    # A plain id found in one ledger, while another does not load: refused, nothing written.
    code, _, err = invoke_en(runner, "update", "T04", "-l", "counties/*", "--note", "x")
    assert code == EXIT_ERROR and "name the ledger: zouping:T04" in err
    # With only good ledgers, a plain id that is in one of them is enough.
    code, out, _ = invoke(runner, "update", "T04", *GOOD, "--note", "核查", "--date", AS_OF)
    assert code == 0 and out.startswith("已为 T04 添加记录（counties/zp/tasks.toml）")
    code, _, err = invoke_en(runner, "show", "nope:T03", *GOOD)
    assert (code, err) == (EXIT_ERROR, "Error: no ledger named 'nope'; ledgers: boxing, zouping\n")
    code, _, err = invoke_en(runner, "update", "nope:T03", *GOOD, "--note", "x")
    assert (code, err) == (EXIT_ERROR, "Error: no ledger named 'nope'; ledgers: boxing, zouping\n")


def test_one_ledger_accepts_its_own_qualifier(counties: Path, runner: CliRunner) -> None:
    code, out, _ = invoke_en(runner, "show", "zouping:T04", "-l", "counties/zp", "-f", "json")
    assert code == 0 and json.loads(out)["id"] == "T04"
    code, _, err = invoke_en(runner, "update", "boxing:T04", "-l", "counties/zp", "--note", "x")
    assert (code, err) == (EXIT_ERROR, "Error: no ledger named 'boxing'; this ledger is zouping\n")
