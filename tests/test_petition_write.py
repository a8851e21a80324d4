"""`rectify petition add` and `rectify petition update` (issue #17): petition cases written as
tasks are, with a log entry per change, the same lock, checks and atomic write, a dry run,
`--by`, one-sentence refusals in both languages, and every other byte kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from rectify_cli import edit
from rectify_cli.edit_petition import CaseUpdate, update_petition
from rectify_cli.errors import EXIT_ERROR, WriteRefused
from rectify_cli.kinds import Finding, Handling
from rectify_cli.store import load_petitions
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en

MakeLedger = Callable[..., Path]

# Two cases, with comments and spacing a person left: every byte outside the edited case
# must come back as it was.
CASES = """\
# 省交办信访件
version = 1

[[petitions]]
id = "X001"   # 第一件
title = "某厂夜间噪声扰民"
received = 2025-07-01
category = "噪声"          # the Chinese label, as typed
deadline = 2025-08-31
lead = "县生态环境局"

[[petitions.log]]
date = 2025-07-02
note = "已转办"

# 第二件
[[petitions]]
id = "X002"
title =   "河道垃圾"
received = 2025-07-03
category = "water"
"""


@pytest.fixture
def cases(make_ledger: MakeLedger) -> Path:
    root = make_ledger()
    (root / "petitions.toml").write_bytes(CASES.encode("utf-8"))
    return root


def _file(root: Path) -> bytes:
    return (root / "petitions.toml").read_bytes()


# --------------------------------------------------------------------------- update


def test_update_changes_one_case_logs_it_and_keeps_every_other_byte(
    runner: CliRunner, cases: Path
) -> None:
    code, out, err = invoke_en(
        runner, "petition", "update", "x001", "--handling", "已办结", "--finding", "属实",
        "--date", "2025/8/1", "--note", "已整改到位", "--by", "县局",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Updated X001 (") and out.splitlines()[0].endswith("petitions.toml):")
    assert out.splitlines()[1:] == [
        "  status: handling → closed",
        "  finding: — → substantiated",
        "  closed_on: — → 2025-08-01",
        "  Note: 已整改到位",
    ]
    case = load_petitions(cases).petitions[0]  # type: ignore[union-attr]
    assert (case.status, case.finding, case.closed_on) == (
        Handling.CLOSED,
        Finding.SUBSTANTIATED,
        dt.date(2025, 8, 1),
    )
    entry = case.log[-1]
    assert (entry.date, entry.status, entry.note, entry.by) == (
        dt.date(2025, 8, 1),
        Handling.CLOSED,
        "已整改到位",
        "县局",
    )
    assert entry.changes == [
        "status: handling → closed",
        "finding: — → substantiated",
        "closed_on: — → 2025-08-01",
    ]
    new = _file(cases).decode("utf-8")
    # The lines before the case and the whole second case, byte for byte.
    head = CASES[: CASES.index("[[petitions]]")]
    tail = CASES[CASES.index("# 第二件") :]
    assert new.startswith(head + '[[petitions]]\nid = "X001"   # 第一件\n')
    assert new.endswith(tail)
    assert 'category = "噪声"          # the Chinese label, as typed\n' in new


def test_update_speaks_chinese_with_the_petition_labels(runner: CliRunner, cases: Path) -> None:
    code, out, err = invoke(
        runner, "petition", "update", "X001", "-s", "阶段性办结", "--date", "2025-08-01"
    )
    assert code == 0, err
    assert out.splitlines()[1:] == ["  办理状态：办理中 → 阶段性办结", "  办结日期：— → 2025-08-01"]


def test_dry_run_prints_the_diff_and_writes_nothing(runner: CliRunner, cases: Path) -> None:
    before = _file(cases)
    code, out, err = invoke_en(
        runner, "petition", "update", "X002", "--finding", "unsubstantiated",
        "--date", "2025-07-10", "--dry-run",
    )  # fmt: skip
    assert code == 0, err
    assert '+finding = "unsubstantiated"' in out and "+[[petitions.log]]" in out
    assert err == "Dry run: nothing was written.\n"
    assert _file(cases) == before


def test_nothing_to_change_writes_nothing(runner: CliRunner, cases: Path) -> None:
    before = _file(cases)
    code, out, err = invoke_en(runner, "petition", "update", "X001", "--handling", "handling")
    assert code == 0, err
    assert "nothing to change" in out.lower() or "no change" in out.lower(), out
    assert _file(cases) == before


@pytest.mark.parametrize(
    ("args", "en", "zh"),
    [
        (
            ["X009", "--note", "x"],
            "no petition case X009; did you mean X001?",
            "没有信访件 X009；是不是 X001？",
        ),
        (
            ["X001", "--handling", "finished"],
            "--handling: unknown value 'finished'; use one of handling (办理中), stage_closed "
            "(阶段性办结), closed (已办结)",
            "--handling：未知的值 'finished'；请用以下之一：handling (办理中), stage_closed "
            "(阶段性办结), closed (已办结)",
        ),
        (
            ["X001", "--closed-on", "2025-06-01", "--handling", "closed"],
            "petition case X001: closed_on: 2025-06-01 is before the case was received 2025-07-01",
            "信访件 X001：closed_on（办结日期）：2025-06-01 早于受理日期 2025-07-01",
        ),
        (
            ["X001", "--note", "\x1b[2J"],
            "petition case X001: note: holds the control character U+001B",
            "信访件 X001：note",
        ),
        (
            ["X001", "--lead", "县\x07局"],
            "petition case X001: lead: holds the control character U+0007",
            "信访件 X001：lead（责任单位）：",  # a case's lead, not a task's 牵头单位
        ),
        (
            ["X001", "--date", "2205-01-01", "--note", "x"],
            "--date 2205-01-01 is after today",
            "--date 2205-01-01 晚于今天",
        ),
    ],
)
def test_refusals_are_one_sentence_in_either_language_and_change_nothing(
    runner: CliRunner, cases: Path, args: list[str], en: str, zh: str
) -> None:
    before = _file(cases)
    code, out, err = invoke_en(runner, "petition", "update", *args)
    assert (code, out) == (EXIT_ERROR, ""), err
    assert err.startswith("Error: " + en) and err.count("\n") == 1, err
    code, out, err = invoke(runner, "petition", "update", *args)
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith("错误：" + zh) and err.count("\n") == 1, err
    assert _file(cases) == before


def test_taking_a_closed_case_back_needs_a_note(runner: CliRunner, cases: Path) -> None:
    code, _, err = invoke_en(
        runner, "petition", "update", "X001", "-s", "closed", "--date", "2025-08-01"
    )
    assert code == 0, err
    before = _file(cases)
    code, _, err = invoke_en(runner, "petition", "update", "X001", "-s", "handling")
    assert (code, err) == (
        EXIT_ERROR,
        "Error: petition case X001 is closed; taking it back to handling (办理中) needs a "
        "--note saying why\n",
    )
    code, _, err = invoke(runner, "petition", "update", "X001", "-s", "办理中")
    assert err == "错误：信访件 X001 为“已办结”；改回办理中须用 --note 说明原因\n"
    assert _file(cases) == before
    code, _, err = invoke_en(
        runner, "petition", "update", "X001", "-s", "handling", "--note", "群众再次反映",
        "--date", "2025-09-01",
    )  # fmt: skip
    assert code == 0, err
    case = load_petitions(cases).petitions[0]  # type: ignore[union-attr]
    assert case.status is Handling.HANDLING and case.closed_on is None
    assert case.log[-1].changes == ["status: closed → handling", "closed_on: 2025-08-01 → —"]


def test_a_held_lock_refuses_the_write(cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edit, "LOCK_TIMEOUT", 0.2)
    path = cases / "petitions.toml"
    before = path.read_bytes()
    with FileLock(str(edit.lock_path(path))), pytest.raises(WriteRefused) as info:
        update_petition(cases, "X001", CaseUpdate(date=dt.date(2025, 8, 1), note="x"))
    assert "is being updated by another rectify" in info.value.message
    assert path.read_bytes() == before


def test_without_petitions_toml_update_says_how_to_start(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger()
    code, _, err = invoke_en(runner, "petition", "update", "X001", "--note", "x")
    assert code == EXIT_ERROR
    assert err.endswith("petitions.toml: file not found; add the first case with rectify "
                        "petition add\n")  # fmt: skip


# --------------------------------------------------------------------------- add


def test_add_appends_a_case_with_its_first_entry(runner: CliRunner, cases: Path) -> None:
    before = _file(cases)
    code, out, err = invoke_en(
        runner, "petition", "add", "X003", "--title", "餐饮油烟扰民", "--category", "大气",
        "--received", "2025年7月5日", "--area", "博兴县", "--batch", "第3批",
        "--deadline", "2025-08-31", "--lead", "县城管局", "--date", "2025-07-06", "--by", "县局",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Added petition case X003 (")
    after = _file(cases)
    assert after.startswith(before)  # every byte before it as it was
    assert after[len(before) :].decode("utf-8") == (
        "\n"
        "[[petitions]]\n"
        'id = "X003"\n'
        'title = "餐饮油烟扰民"\n'
        "received = 2025-07-05\n"
        'batch = "第3批"\n'
        'area = "博兴县"\n'
        'category = "air"\n'
        "deadline = 2025-08-31\n"
        'lead = "县城管局"\n'
        "\n"
        "[[petitions.log]]\n"
        "date = 2025-07-06\n"
        'kind = "added"\n'
        'status = "handling"\n'
        'note = "新增"\n'
        'by = "县局"\n'
    )
    code, out, _ = invoke_en(runner, "check")
    assert code == 0, out


def test_add_makes_petitions_toml_when_there_is_none(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    root = make_ledger()
    code, _, err = invoke_en(
        runner, "petition", "add", "X1", "--title", "噪声", "--category", "noise",
        "--handling", "closed", "--finding", "不属实", "--received", "2025-07-01",
        "--date", "2025-07-02", "--note", "经核实不属实",
    )  # fmt: skip
    assert code == 0, err
    text = _file(root).decode("utf-8")
    assert text.startswith("version = 1\n\n[[petitions]]\n")
    case = load_petitions(root).petitions[0]  # type: ignore[union-attr]
    assert (case.status, case.closed_on, case.log[0].note) == (
        Handling.CLOSED,
        dt.date(2025, 7, 2),
        "经核实不属实",
    )
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def test_add_keeps_crlf_and_bom(runner: CliRunner, make_ledger: MakeLedger) -> None:
    root = make_ledger()
    raw = b"\xef\xbb\xbf" + CASES.replace("\n", "\r\n").encode("utf-8")
    (root / "petitions.toml").write_bytes(raw)
    code, _, err = invoke_en(
        runner, "petition", "add", "X003", "--title", "t", "--category", "air",
        "--received", "2025-07-05", "--date", "2025-07-06",
    )  # fmt: skip
    assert code == 0, err
    after = _file(root)
    assert after.startswith(raw) and b"\n" not in after.replace(b"\r\n", b"")
    assert [p.id for p in load_petitions(root).petitions] == ["X001", "X002", "X003"]  # type: ignore[union-attr]


def test_add_dry_run_writes_nothing(runner: CliRunner, cases: Path) -> None:
    before = _file(cases)
    code, out, err = invoke_en(
        runner, "petition", "add", "X003", "--title", "t", "--category", "air",
        "--received", "2025-07-05", "--date", "2025-07-06", "--dry-run",
    )  # fmt: skip
    assert code == 0, err
    assert '+id = "X003"' in out and err == "Dry run: nothing was written.\n"
    assert _file(cases) == before


@pytest.mark.parametrize(
    ("args", "en", "zh"),
    [
        (
            ["x001", "--title", "t", "--category", "air"],
            "petition case x001 is already in ",
            "信访件 x001 已在 ",
        ),
        (
            ["X003", "--title", "t", "--category", "smell"],
            "--category: unknown value 'smell'",
            "--category：未知的值 'smell'",
        ),
        (
            ["X003", "--title", "t\x07", "--category", "air", "--received", "2025-07-01",
             "--date", "2025-07-02"],
            "petition case X003: title: holds the control character U+0007",
            "信访件 X003：title",
        ),
        (
            ["X003", "--title", "t", "--category", "air", "--lead", "县\x07局",
             "--received", "2025-07-01", "--date", "2025-07-02"],
            "petition case X003: lead: holds the control character U+0007",
            "信访件 X003：lead（责任单位）：",  # a case's lead, not a task's 牵头单位
        ),
        (
            ["X003", "--title", "t", "--category", "air", "--received", "2025-07-09",
             "--deadline", "2025-07-01", "--date", "2025-07-10"],
            "petition case X003: deadline",
            "信访件 X003：deadline",
        ),
        (
            ["X003", "--title", "t", "--category", "air", "--lead", " ",
             "--received", "2025-07-01", "--date", "2025-07-02"],
            "petition case X003: --lead must not be empty",
            "信访件 X003：--lead 不能为空",
        ),
        (
            ["X003", "--title", "t", "--category", "air", "--date", "2205-07-10"],
            "--date 2205-07-10 is after today",
            "--date 2205-07-10 晚于今天",
        ),
    ],
)  # fmt: skip
def test_add_refusals(runner: CliRunner, cases: Path, args: list[str], en: str, zh: str) -> None:
    before = _file(cases)
    code, out, err = invoke_en(runner, "petition", "add", *args)
    assert (code, out) == (EXIT_ERROR, ""), err
    assert err.startswith("Error: " + en) and err.count("\n") == 1, err
    code, out, err = invoke(runner, "petition", "add", *args)
    assert err.startswith("错误：" + zh) and err.count("\n") == 1, err
    assert _file(cases) == before


def test_add_to_a_summary_file_is_refused(runner: CliRunner, make_ledger: MakeLedger) -> None:
    root = make_ledger()
    summary = "version = 1\n\n[summary]\ntotal = 3\nhandling = 3\n"
    (root / "petitions.toml").write_text(summary, encoding="utf-8")
    code, _, err = invoke_en(runner, "petition", "add", "X1", "--title", "t", "--category", "air")
    assert code == EXIT_ERROR
    assert "records totals only ([summary])" in err
    code, _, err = invoke(runner, "petition", "add", "X1", "--title", "t", "--category", "air")
    assert "只记录了总数（[summary]）" in err
    assert (root / "petitions.toml").read_text(encoding="utf-8") == summary


def test_a_case_added_then_updated_counts_in_the_report(
    runner: CliRunner, make_ledger: MakeLedger
) -> None:
    make_ledger(MINIMAL_TASKS)
    for args in (
        ["add", "X1", "--title", "a", "--category", "air", "--received", "2025-06-01",
         "--date", "2025-06-01"],
        ["add", "X2", "--title", "b", "--category", "water", "--received", "2025-06-01",
         "--date", "2025-06-01"],
        ["update", "X1", "-s", "closed", "--date", "2025-06-20"],
    ):  # fmt: skip
        code, _, err = invoke_en(runner, "petition", *args)
        assert code == 0, err
    code, out, err = invoke_en(runner, "report", "--as-of", "2025-06-30", "-f", "md")
    assert code == 0, err
    assert "2 petition cases" in out and "1 closed" in out, out


def test_statuses_are_written_in_the_files_style(runner: CliRunner, cases: Path) -> None:
    """A file that writes `status = "办理中"` gets `"已办结"`, from `petition add` (the case
    and its first entry) and from `petition update`; a file in keys gets keys."""
    path = cases / "petitions.toml"
    labelled = CASES.replace('note = "已转办"\n', 'status = "办理中"\nnote = "已转办"\n')
    path.write_bytes(labelled.encode("utf-8"))
    code, _, err = invoke_en(
        runner, "petition", "add", "X003", "--title", "t", "--category", "air",
        "--handling", "closed", "--received", "2025-07-05", "--date", "2025-07-06",
    )  # fmt: skip
    assert code == 0, err
    added = _file(cases).decode("utf-8")[len(labelled) :]
    assert added.count('status = "已办结"') == 2 and 'status = "closed"' not in added, added
    assert 'kind = "added"' in added
    before = _file(cases)
    code, _, err = invoke_en(
        runner, "petition", "update", "X002", "-s", "stage_closed", "--date", "2025-07-10"
    )
    assert code == 0, err
    changed = _file(cases).decode("utf-8")
    x002 = changed[changed.index('id = "X002"') : changed.index('id = "X003"')]
    assert x002.count('status = "阶段性办结"') == 2 and 'status = "stage_closed"' not in x002, x002
    assert changed.startswith(before.decode("utf-8")[: before.index(b'id = "X002"')])
    assert invoke_en(runner, "check")[0] == 0
    # Keys where the file writes keys (and where it says nothing: a case's default status
    # is left out, so CASES has none).
    path.write_bytes(CASES.encode("utf-8"))
    code, _, err = invoke_en(
        runner, "petition", "update", "X002", "-s", "closed", "--date", "2025-07-10"
    )
    assert code == 0, err
    assert _file(cases).decode("utf-8").count('status = "closed"') == 2
