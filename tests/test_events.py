"""`rectify changes` lists every event of the window in date order (issue 18): added,
completed, reopened, signed off, cancelled, merged, postponed, progress, evidence, readings;
a backdated entry never passes a later value off as an earlier one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from rectify_cli.changes import changes_since
from rectify_cli.store import load_ledger
from tests.conftest import invoke, invoke_en
from tests.helpers import CHANGES_HEAD, task

OCT = ("--since", "2025-10-01", "--as-of", "2025-10-31")


def ok(runner: CliRunner, *args: str) -> None:
    code, out, err = invoke(runner, *args)
    assert code == 0, (args, out, err)


def events(runner: CliRunner, *window: str) -> list[tuple[str, str, str, object, object]]:
    code, out, _ = invoke(runner, "changes", *(window or OCT), "-f", "json")
    assert code == 0
    return [(e["date"], e["kind"], e["id"], e["from"], e["to"]) for e in json.loads(out)["events"]]


def test_completed_then_reopened_in_one_month_shows_both(sample: Path, runner: CliRunner) -> None:
    ok(runner, "update", "T07", "--status", "done", "--date", "2025-10-10", "-m", "完成")
    ok(runner, "update", "T07", "--status", "in_progress", "--reopen", "-m", "反弹", "--date",
       "2025-10-20")  # fmt: skip
    assert events(runner) == [
        ("2025-10-10", "completed", "T07", "in_progress", "done"),
        ("2025-10-20", "reopened", "T07", "done", "in_progress"),
    ]


def test_every_kind_of_event_in_date_order(sample: Path, runner: CliRunner) -> None:
    new = ("--aspect", "A1", "--lead", "市局", "--deadline", "2025-12-31", "--date", "2025-10-02")
    ok(runner, "add", "--title", "新任务甲", *new)
    ok(runner, "add", "--title", "新任务乙", *new)
    ok(runner, "postpone", "T25", "--to", "2026-03-31", "-m", "汛期", "--date", "2025-10-08")
    ok(runner, "update", "T16", "--progress", "70", "--date", "2025-10-25")
    ok(runner, "update", "T16", "--progress", "50", "--date", "2025-10-05")  # written later
    ok(runner, "update", "T07", "--status", "done", "--date", "2025-10-10")
    ok(runner, "update", "T07", "--status", "in_progress", "--reopen", "-m", "反弹", "--date",
       "2025-10-20")  # fmt: skip
    ok(runner, "cancel", "T18", "-m", "不再需要", "--date", "2025-10-12")
    ok(runner, "fold", "T26", "--into", "T25", "-m", "合并办理", "--date", "2025-10-15")
    ok(runner, "update", "T01", "--status", "closed", "--evidence", "验收.pdf", "--date",
       "2025-10-18")  # fmt: skip
    ok(runner, "record", "pm25", "29", "--period", "2025-10", "--date", "2025-10-15")
    assert events(runner) == [
        ("2025-10-02", "added", "T25", None, None),
        ("2025-10-02", "added", "T26", None, None),
        ("2025-10-08", "postponed", "T25", "2025-12-31", "2026-03-31"),
        ("2025-10-10", "completed", "T07", "in_progress", "done"),
        ("2025-10-12", "cancelled", "T18", "in_progress", "cancelled"),
        ("2025-10-15", "merged", "T26", "not_started", "merged"),
        ("2025-10-15", "reading", "pm25", 30, 29),
        ("2025-10-18", "signed_off", "T01", "done", "closed"),
        ("2025-10-18", "evidence", "T01", None, "验收.pdf"),
        ("2025-10-20", "reopened", "T07", "done", "in_progress"),
        # First → last of the window by date, though the 5th was written after the 25th.
        ("2025-10-25", "progress", "T16", None, 70),
    ]
    code, out, _ = invoke_en(runner, "changes", *OCT, "-f", "md")
    assert code == 0 and "## Events (11)" in out
    for cell in ("| Added |", "| Postponed | 2025-12-31 → 2026-03-31 |", "| Cancelled |",
                 "| Evidence added | 验收.pdf |", "| Reopened | done → in progress |",
                 "| Signed off |", "| New reading |", "merged \\(into T25\\)"):  # fmt: skip
        assert cell in out, cell
    code, out, _ = invoke(runner, "changes", *OCT, "-f", "md")
    for cell in ("| 新增 |", "| 延期 |", "| 撤销 |", "| 新增佐证材料 | 验收.pdf |", "| 重新打开 |",
                 "（并入T25）", "| 完成 | 推进中 → 已完成 |"):  # fmt: skip
        assert cell in out, cell
    code, table, _ = invoke_en(runner, "changes", *OCT, "-f", "table")
    assert code == 0 and "Events (11)" in table and "Reopened" in table and "Postponed" in table


def test_report_since_lists_the_same_events(sample: Path, runner: CliRunner) -> None:
    ok(runner, "update", "T07", "--status", "done", "--date", "2025-10-10", "-m", "完成")
    ok(runner, "update", "T07", "--status", "in_progress", "--reopen", "-m", "反弹", "--date",
       "2025-10-20")  # fmt: skip
    code, out, _ = invoke(runner, "report", *OCT, "-f", "json")
    assert code == 0
    kinds = [(e["date"], e["kind"]) for e in json.loads(out)["changes"]["events"]]
    assert kinds == [("2025-10-10", "completed"), ("2025-10-20", "reopened")]
    code, out, _ = invoke(runner, "report", *OCT, "-f", "md")
    assert "| 2025-10-20 | T07 |" in out and "| 重新打开 | 已完成 → 推进中 |" in out


def test_a_backdated_entry_never_shows_a_later_value_as_the_old_one(
    sample: Path, runner: CliRunner
) -> None:
    ok(runner, "update", "T16", "--progress", "80", "--date", "2025-10-15")
    ok(runner, "update", "T16", "--progress", "60", "--date", "2025-10-05")  # backdated
    # Over October: — on the 1st, 80 after the 15th (the 60 of the 5th is in between).
    assert events(runner) == [("2025-10-15", "progress", "T16", None, 80)]
    # From the 10th: 60 then (the backdated entry), 80 after.
    assert events(runner, "--since", "2025-10-10", "--as-of", "2025-10-31") == [
        ("2025-10-15", "progress", "T16", 60, 80)
    ]
    # Up to the 10th: the 60 alone, from nothing.
    assert events(runner, "--since", "2025-10-01", "--as-of", "2025-10-10") == [
        ("2025-10-05", "progress", "T16", None, 60)
    ]


def test_entries_out_of_date_order_in_the_file(make_ledger) -> None:  # type: ignore[no-untyped-def]
    """A log kept by hand newest first: ordered by date; of one day, in the order written."""
    body = 'status = "in_progress"\nprogress = 50\ndeadline = 2025-12-31\n'
    logs = (
        'date = 2025-10-25\nstatus = "in_progress"\nnote = "回头看"\n',
        'date = 2025-10-20\nstatus = "done"\n',
        'date = 2025-10-20\nchanges = ["evidence: + a.pdf"]\n',
        'date = 2025-10-03\nstatus = "in_progress"\n',
        'date = 2025-09-01\nstatus = "not_started"\n',
    )
    root = make_ledger(CHANGES_HEAD + task("T1", body, *logs))
    c = changes_since(load_ledger(root), dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert [(e.date.day, e.kind) for e in c.events] == [
        (3, "status"),
        (20, "completed"),
        (20, "evidence"),
        (25, "reopened"),
    ]


def test_show_and_log_list_history_in_one_order(sample: Path, runner: CliRunner) -> None:
    """Newest first; of one day, the entry written later first; a backdated entry by its date."""
    ok(runner, "update", "T07", "--progress", "50", "--date", "2025-10-10", "-m", "第一")
    ok(runner, "update", "T07", "--progress", "60", "--date", "2025-10-10", "-m", "第二")
    ok(runner, "update", "T07", "--progress", "55", "--date", "2025-10-05", "-m", "补记")
    notes = ["第二", "第一", "补记", "据整改落实情况公开"]

    def order(text: str) -> list[str]:
        return [n for line in text.splitlines() for n in notes if n in line]

    for fmt in ("md", "table"):
        _, shown, _ = invoke(runner, "show", "T07", "-f", fmt)
        _, logged, _ = invoke(runner, "log", "T07", "-f", fmt)
        assert order(shown) == order(logged) == notes, fmt
    _, logged, _ = invoke(runner, "log", "T07", "-f", "json")
    assert [e["note"][:5] for e in json.loads(logged)] == [n[:5] for n in notes]
