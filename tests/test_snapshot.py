"""`--as-of DATE` is a snapshot: every reading command shows the ledger as it stood at the end
of DATE, read back from the log (snapshot.py)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

from typer.testing import CliRunner

from rectify_cli.records import Ledger, LogEntry
from rectify_cli.snapshot import Unproven, snapshot, unproven_notice
from rectify_cli.store import load_ledger
from tests.conftest import SAMPLE, invoke, invoke_en

TODAY = dt.date.today()


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _months() -> list[dt.date]:
    """The first days of the month before last, last month and this month."""
    this = TODAY.replace(day=1)
    last = (this - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    return [before, last, this]


def _day(month: dt.date, n: int) -> str:
    """Day `n` of `month`, never after today (a log records what has happened)."""
    return min(month.replace(day=n), TODAY).isoformat()


def _ok(runner: CliRunner, *args: str) -> str:
    code, out, err = invoke(runner, *args)
    assert code == 0, (args, out, err)
    return out


READINGS = (
    ("report", "--format", "md"),
    ("report", "--format", "json"),
    ("warn", "--format", "md"),
    ("warn", "--format", "json"),
    ("list", "--format", "md"),
    ("list", "--format", "json"),
    ("show", "T16", "--format", "json"),
    ("show", "T01", "--format", "md"),
    ("log", "--format", "json"),
)


def _readings(runner: CliRunner, day: dt.date) -> dict[tuple[str, ...], str]:
    return {args: _ok(runner, *args, "--as-of", day.isoformat()) for args in READINGS}


def _month_1(runner: CliRunner, m: dt.date) -> None:
    _ok(runner, "update", "T16", "--progress", "40", "--note", "进展", "--date", _day(m, 10))
    _ok(runner, "update", "T01", "--status", "in_progress", "--reopen", "--note", "反弹",
        "--deadline", f"{m.year + 1}-01-31", "--date", _day(m, 12))  # fmt: skip
    _ok(runner, "record", "pm25", "33", "--period", f"{m:%Y-%m}", "--change", "-2.5",
        "--rank", "4", "--date", _day(m, 15))  # fmt: skip
    _ok(runner, "edit", "T16", "--deadline", f"{m.year + 1}-03-31", "--note", "定时限",
        "--date", _day(m, 18))  # fmt: skip
    _ok(runner, "update", "T01", "--progress", "60", "--note", "整改", "--date", _day(m, 20))


def _month_2(runner: CliRunner, m: dt.date) -> None:
    _ok(runner, "postpone", "T16", "--to", f"{m.year + 1}-06-30", "--reason", "汛期",
        "--date", _day(m, 3))  # fmt: skip
    _ok(runner, "edit", "T05", "--lead", "市发展改革委", "--note", "调整", "--date", _day(m, 5))
    _ok(runner, "update", "T16", "--progress", "80", "--note", "进展", "--date", _day(m, 15))
    _ok(runner, "update", "T01", "--status", "done", "--note", "完成", "--date", _day(m, 18))
    _ok(runner, "cancel", "T18", "--note", "不再单列", "--date", _day(m, 20))
    _ok(runner, "record", "pm25", "31", "--period", f"{m:%Y-%m}", "--date", _day(m, 25))


def _month_3(runner: CliRunner, m: dt.date, tmp: Path) -> None:
    """An import (its log entries are dated today), then a closing."""
    sheet = tmp / "台账.csv"
    _ok(runner, "export", "--out", str(sheet))
    with sheet.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    progress = rows[0].index("进度")
    for row in rows[1:]:
        if row[0] == "T07":
            row[progress] = "50"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    _ok(runner, "import", str(sheet), "--update")
    _ok(runner, "update", "T01", "--status", "closed", "--evidence", "验收意见.pdf",
        "--note", "销号", "--date", _day(m, 6))  # fmt: skip


def test_each_month_reprinted_later_is_what_it_printed_then(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    months = _months()
    steps: list[Callable[[dt.date], None]] = [
        partial(_month_1, runner),
        partial(_month_2, runner),
        lambda m: _month_3(runner, m, tmp_path),
    ]
    then = {}
    for month, step in zip(months, steps, strict=True):
        step(month)
        then[month] = _readings(runner, _month_end(month))
    # Every month shows something the others do not, so a snapshot that ignored the date
    # could not pass.
    reports = [then[m][READINGS[0]] for m in months]
    assert len(set(reports)) == 3
    for month in months:
        assert _readings(runner, _month_end(month)) == then[month], month
    # Before any of it: the sample as shipped, save that the reading pm25 had then has no
    # recorded date, which the output says.
    shipped = ("--ledger", str(SAMPLE), "--as-of", "2025-09-30")
    for args in READINGS:
        code, out, err = invoke_en(runner, *args, "--as-of", "2025-09-30")
        assert code == 0
        assert (0, out) == invoke_en(runner, *args, *shipped)[:2], args
        assert "the log cannot prove 1 value shown (pm25 value)" in err


def test_the_clerks_progress_of_october_is_not_in_september(
    runner: CliRunner, sample: Path
) -> None:
    _ok(runner, "update", "T16", "--progress", "80", "--date", "2025-10-15", "--note", "进展")
    code, out, _ = invoke_en(runner, "show", "T16", "--as-of", "2025-09-30", "--format", "json")
    assert code == 0
    assert '"progress": null' in out
    code, out, _ = invoke_en(runner, "show", "T16", "--as-of", "2025-10-15", "--format", "json")
    assert '"progress": 80' in out
    code, out, _ = invoke_en(runner, "log", "T16", "--as-of", "2025-09-30", "--format", "json")
    assert code == 0 and "2025-10-15" not in out


def _entry(day: str, **fields: object) -> LogEntry:
    values: dict[str, object] = {
        "date": dt.date.fromisoformat(day),
        "kind": None,
        "status": None,
        "progress": None,
        "note": "",
        "by": None,
        "changes": [],
    }
    values.update(fields)
    return LogEntry(**values)  # type: ignore[arg-type]


def test_a_task_added_after_the_day_is_absent_and_an_unexplained_value_is_named(
    sample: Path,
) -> None:
    led = load_ledger(sample)
    t16 = led.task("T16")
    assert t16 is not None
    added = t16._replace(id="T99", log=[_entry("2025-10-02", kind="added")])
    # Progress 70 today, but the log says October set it to 80: something unlogged moved it.
    edited = t16._replace(
        progress=70,
        log=[*t16.log, _entry("2025-10-15", progress=80, changes=["progress: — → 80"])],
    )
    # The oldest entry after the day is not an "added" one: the task was there before.
    kept = t16._replace(id="T98", log=[_entry("2025-10-03", note="补记")])
    tasks = [edited if t.id == "T16" else t for t in led.tasks] + [added, kept]
    led = Ledger(led.meta, led.aspects, tasks, led.indicators, led.root)
    past = snapshot(led, dt.date(2025, 9, 30))
    ids = [t.id for t in past.ledger.tasks]
    assert "T99" not in ids and "T98" in ids
    t16_then = past.ledger.task("T16")
    assert t16_then is not None and t16_then.progress is None
    assert past.unproven == (Unproven(led.name, "T16", "progress"),)
    assert snapshot(led, dt.date(2025, 10, 2)).ledger.task("T99") is not None
    line = unproven_notice(past.unproven, dt.date(2025, 9, 30))
    assert line is not None and "T16 progress" in line
    # Nothing after the day and every log in date order: the ledger itself, no copy.
    assert snapshot(led, dt.date(2025, 12, 31)).ledger is led
