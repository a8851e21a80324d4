"""`rectify changes --since` and `report --since`: built from the records alone.

The ledger's log spans two months (August and September, one entry in November after the
as-of date); every item reported must be backed by a log entry, reading or deadline dated in
the window, and nothing older than `since` may appear."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rectify_cli.changes import (
    Changes,
    ProgressMove,
    StatusMove,
    change_line,
    changes_since,
)
from rectify_cli.errors import EXIT_ERROR, UsageError
from rectify_cli.kinds import Handling, Status
from rectify_cli.schedule import Health
from rectify_cli.store import load_ledger, load_petitions
from tests.conftest import invoke, invoke_en
from tests.helpers import INDICATORS, PETITIONS, TASKS

SINCE = dt.date(2025, 9, 1)
AS_OF = dt.date(2025, 10, 31)


@pytest.fixture
def months(make_ledger) -> Path:  # type: ignore[no-untyped-def]
    root: Path = make_ledger(TASKS, INDICATORS)
    (root / "petitions.toml").write_text(PETITIONS, encoding="utf-8")
    return root


def found(root: Path) -> Changes:
    return changes_since(load_ledger(root), SINCE, AS_OF, load_petitions(root))


def test_every_kind_of_change_and_nothing_else(months: Path) -> None:
    c = found(months)
    assert [(m.task.id, m.old, m.new, m.date) for m in c.completed] == [
        ("T2", Status.IN_PROGRESS, Status.DONE, dt.date(2025, 9, 15))
    ]
    assert [(m.task.id, m.old, m.new) for m in c.signed_off] == [("T5", Status.DONE, Status.CLOSED)]
    assert [(m.task.id, m.old, m.new) for m in c.reopened] == [
        ("T9", Status.DONE, Status.IN_PROGRESS)
    ]
    assert [(m.task.id, m.old, m.new, m.date, m.since_date) for m in c.progress] == [
        ("T9", 100, 80, dt.date(2025, 9, 5), dt.date(2025, 9, 5)),
        ("T1", 30, 50, dt.date(2025, 9, 10), dt.date(2025, 8, 10)),
    ]
    assert [(m.task.id, m.deadline, m.days_overdue) for m in c.overdue] == [
        ("T6", dt.date(2025, 9, 10), 51),
        ("T10", dt.date(2025, 9, 20), 41),
    ]
    assert [(m.task.id, m.health, m.actual) for m in c.behind] == [("T8", Health.BEHIND, 60)]
    assert [(r.indicator.id, r.old_value, r.new_value, r.date) for r in c.readings] == [
        ("pm25", 31, 30, dt.date(2025, 9, 5)),
        ("pm25", 30, 28, dt.date(2025, 10, 3)),
    ]
    assert [(m.petition.id, m.old, m.new, m.date) for m in c.petitions] == [
        ("P1", Handling.HANDLING, Handling.CLOSED, dt.date(2025, 9, 12))
    ]


def log_dates(changes: Changes) -> list[dt.date]:
    """The date of the record behind every item."""
    items: list[Any] = [
        *changes.completed,
        *changes.signed_off,
        *changes.reopened,
        *changes.progress,
        *changes.overdue,
        *changes.behind,
        *changes.readings,
        *changes.petitions,
    ]
    return [i.date for i in items]


def test_every_item_is_backed_by_a_record_in_the_window(months: Path) -> None:
    c = found(months)
    ledger = load_ledger(months)
    assert all(SINCE <= d <= AS_OF for d in log_dates(c))
    # Each status or progress move is a log entry of that task on that date.
    moves: list[StatusMove | ProgressMove] = [*c.completed, *c.signed_off, *c.reopened]
    moves += c.progress
    for m in moves:
        entry_dates = [e.date for e in ledger.task(m.task.id).log]  # type: ignore[union-attr]
        assert m.date in entry_dates, m.task.id
    # Each reading change is a reading recorded on that date.
    for r in c.readings:
        recorded = [h.recorded for h in r.indicator.history] + [r.indicator.recorded]
        assert r.date in recorded
    # Each newly overdue task had its deadline pass inside the window.
    for late in c.overdue:
        assert SINCE <= late.deadline < AS_OF and late.task.status.is_open
    # Nothing from before since: T4 (August), the August readings, P2; nor after: T11.
    ids = {m.task.id for m in moves}
    assert not ids & {"T3", "T4", "T7", "T11", "T12"}


def test_the_window_edges_are_included(months: Path) -> None:
    ledger = load_ledger(months)
    on_the_day = changes_since(ledger, dt.date(2025, 9, 15), dt.date(2025, 9, 15))
    assert [m.task.id for m in on_the_day.completed] == ["T2"]
    after = changes_since(ledger, dt.date(2025, 9, 16), AS_OF)
    assert after.completed == ()
    with pytest.raises(UsageError, match="is after the as-of date"):
        changes_since(ledger, AS_OF, SINCE)


def test_an_entry_after_as_of_is_ignored_and_a_later_window_sees_it(months: Path) -> None:
    ledger = load_ledger(months)
    later = changes_since(ledger, dt.date(2025, 11, 1), dt.date(2025, 11, 30))
    assert [(m.task.id, m.old, m.new) for m in later.progress] == [("T11", 10, 99)]


def test_change_lines_are_read_as_update_writes_them() -> None:
    assert change_line(["status: in_progress → done"], "status") == ("in_progress", "done")
    assert change_line(["progress: — → 80"], "progress") == ("—", "80")
    assert change_line(["evidence: + a.pdf"], "evidence") is None
    assert change_line(["note"], "status") is None


def test_a_ledger_with_only_the_samples_kind_of_log_proves_no_completion(sample: Path) -> None:
    c = changes_since(load_ledger(sample), dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert c.empty


# --------------------------------------------------------------------------- CLI


def test_changes_command_markdown(months: Path, runner: CliRunner) -> None:
    code, out, err = invoke(
        runner, "changes", "--since", "2025-09-01", "--as-of", "2025-10-31", "-f", "md"
    )
    assert (code, err) == (0, "")
    assert out.startswith("# 2025-09-01以来的变化\n\n2025-09-01至2025-10-31\n")
    assert "## 事件（9）" in out
    assert "| 2025-09-15 | T2 | 任务T2 | 局T2 | 完成 | 推进中 → 已完成 |" in out
    assert "| 2025-09-10 | T1 | 任务T1 | 局T1 | 进度变化 | 30% → 50% |" in out
    assert "| T6 | 任务T6 | 局T6 | 2025-09-10 | 51 |" in out
    reading = "| 2025-09-05 | pm25 | PM2.5浓度 |   | 指标新读数 | 31 µg/m³（2025-07） → 30 µg/m³（2025-08） |"
    assert reading in out
    assert "| 2025-09-12 | P1 | 噪声扰民 |   | 信访件办结 | 办理中 → 已办结 |" in out
    assert "| 2025-09-20 | T5 | 任务T5 | 局T5 | 新增佐证材料 | 验收报告.pdf |" in out
    # One table in date order.
    days = [line[2:12] for line in out.splitlines() if line.startswith("| 2025-")]
    assert days[:9] == sorted(days[:9])
    for old in ("2025-08-05", "2025-08-10", "2025-08-20", "2025-11-05"):
        assert old not in out


def test_changes_command_json_names_the_records(months: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(
        runner, "changes", "--since", "2025-09-01", "--as-of", "2025-10-31", "-f", "json"
    )
    data = json.loads(out)
    assert code == 0 and (data["since"], data["as_of"]) == ("2025-09-01", "2025-10-31")
    progress = [e for e in data["events"] if e["kind"] == "progress"]
    assert progress[1] == {
        "date": "2025-09-10",
        "kind": "progress",
        "id": "T1",
        "ref": "T1",
        "title": "任务T1",
        "lead": "局T1",
        "from": 30,
        "to": 50,
        "from_recorded": "2025-08-10",
    }
    assert [e["date"] for e in data["events"] if e["kind"] == "reading"] == [
        "2025-09-05",
        "2025-10-03",
    ]
    assert [e["date"] for e in data["events"]] == sorted(e["date"] for e in data["events"])
    assert data["behind"][0]["expected_progress"] == 83.2


def test_nothing_changed(months: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(
        runner, "changes", "--since", "2025-10-10", "--as-of", "2025-10-20", "-f", "md"
    )
    assert code == 0
    assert "2025-10-10以来没有记录到变化。" in out


def test_report_since_adds_the_section(months: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(
        runner, "report", "--since", "2025-09-01", "--as-of", "2025-10-31", "-f", "md"
    )
    assert code == 0
    section = out[out.index("## 2025-09-01以来的变化") :]
    assert "### 事件（9）" in section and "### 新增逾期任务（2）" in section
    assert "| 2025-09-15 | T2 | 任务T2 | 局T2 | 完成 | 推进中 → 已完成 |" in section
    code, out, _ = invoke(
        runner, "report", "--since", "2025-09-01", "--as-of", "2025-10-31", "-f", "json"
    )
    events = json.loads(out)["changes"]["events"]
    assert [m["id"] for m in events if m["kind"] == "completed"] == ["T2"]
    # One aspect: only its tasks' changes.
    code, out, _ = invoke(
        runner, "report", "--since", "2025-09-01", "--as-of", "2025-10-31", "-a", "A2", "-f", "json"
    )
    changes = json.loads(out)["changes"]
    assert not any(e["kind"] in ("completed", "petition") for e in changes["events"])
    assert [m["id"] for m in changes["behind"]] == ["T8"]


def test_bad_since(months: Path, runner: CliRunner) -> None:
    code, _, err = invoke_en(runner, "changes", "--since", "2025/09/31")
    assert (code, err) == (
        EXIT_ERROR,
        'Error: --since: invalid date "2025/09/31"; write dates as 2025-09-30\n',
    )
    code, _, err = invoke_en(runner, "changes", "--since", "2025-12-01", "--as-of", "2025-10-31")
    assert (code, err) == (
        EXIT_ERROR,
        "Error: --since: 2025-12-01 is after the as-of date 2025-10-31\n",
    )
    code, _, err = invoke_en(runner, "changes", "--since", "2025-09-01", "-f", "csv")
    assert code == EXIT_ERROR and "use md, table or json" in err


def test_update_and_record_then_changes(sample: Path, runner: CliRunner) -> None:
    """The whole loop on the sample: what `update` and `record` write is what `changes`
    reads back, and the sample's own entries (September) stay out of an October window."""
    invoke(runner, "update", "T07", "--progress", "40", "--date", "2025-08-15")
    invoke(runner, "update", "T07", "--progress", "60", "--date", "2025-10-10")
    invoke(runner, "update", "T16", "--status", "done", "--date", "2025-10-12")
    code, _, _ = invoke(
        runner, "record", "pm25", "29", "--period", "2025-10", "--date", "2025-10-15"
    )
    assert code == 0
    pm25 = next(i for i in load_ledger(sample).indicators if i.id == "pm25")
    assert pm25.recorded == dt.date(2025, 10, 15) and pm25.history[-1].recorded is None
    code, out, _ = invoke(
        runner, "changes", "--since", "2025-10-01", "--as-of", "2025-10-31", "-f", "json"
    )
    data = json.loads(out)
    assert [(m["kind"], m["id"], m["from"], m["to"]) for m in data["events"]] == [
        ("progress", "T07", 40, 60),
        ("completed", "T16", "in_progress", "done"),
        ("reading", "pm25", 30, 29),
    ]
    # A later reading keeps the earlier one's date in history.
    invoke(runner, "record", "pm25", "28", "--period", "2025-11", "--date", "2025-12-03")
    pm25 = next(i for i in load_ledger(sample).indicators if i.id == "pm25")
    assert [r.recorded for r in pm25.history] == [None, dt.date(2025, 10, 15)]


def test_changes_across_ledgers(months: Path, make_ledger, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    other = make_ledger(
        TASKS.replace('title = "变化测试台账"', 'title = "另一台账"\nname = "other"')
    )
    code, out, _ = invoke(
        runner,
        "changes",
        "-l",
        str(months),
        "-l",
        str(other),
        "--since",
        "2025-09-01",
        "--as-of",
        "2025-10-31",
        "-f",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and [d["ledger"] for d in data] == [months.name, "other"]
    # Both ledgers have a T2: its ref is qualified.
    completed = [m for m in data[0]["events"] if m["kind"] == "completed"]
    assert [m["ref"] for m in completed] == [f"{months.name}:T2"]
    code, out, _ = invoke(
        runner, "changes", "-l", str(months), "-l", str(other), "--since", "2025-09-01",
        "--as-of", "2025-10-31", "-f", "md",
    )  # fmt: skip
    assert out.startswith(f"# {months.name}：变化测试台账\n")
    assert f"| {months.name}:T2 |" in out and "| other:T2 |" in out
