"""The data date (数据截至) moves with every dated write, never back, and a report `--as-of` an
earlier day states the data date of that day (issue 18)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from rectify_cli.report import data_date
from rectify_cli.store import load_ledger
from tests.conftest import invoke, invoke_en


def ok(runner: CliRunner, *args: str) -> None:
    code, out, err = invoke(runner, *args)
    assert code == 0, (args, out, err)


def data_as_of(runner: CliRunner, as_of: str) -> str | None:
    code, out, _ = invoke(runner, "report", "--as-of", as_of, "-f", "json")
    assert code == 0
    value: str | None = json.loads(out)["data_as_of"]
    return value


def test_each_dated_write_moves_the_data_date_forward(sample: Path, runner: CliRunner) -> None:
    tasks_before = (sample / "tasks.toml").read_text(encoding="utf-8")
    assert data_as_of(runner, "2025-12-31") == "2025-09-30"  # the sample's [ledger] as_of
    ok(runner, "update", "T16", "--progress", "80", "--date", "2025-10-15")
    assert data_as_of(runner, "2025-12-31") == "2025-10-15"
    ok(runner, "record", "pm25", "29", "--period", "2025-10", "--date", "2025-10-20")
    assert data_as_of(runner, "2025-12-31") == "2025-10-20"
    ok(runner, "cancel", "T18", "-m", "不再需要", "--date", "2025-11-02")
    assert data_as_of(runner, "2025-12-31") == "2025-11-02"
    # A backdated entry never moves it back.
    ok(runner, "update", "T16", "--progress", "85", "--date", "2025-10-01")
    assert data_as_of(runner, "2025-12-31") == "2025-11-02"
    # Seen from an earlier day: the latest record on or before it.
    assert data_as_of(runner, "2025-10-31") == "2025-10-20"
    assert data_as_of(runner, "2025-10-10") == "2025-10-01"
    assert data_as_of(runner, "2025-09-30") == "2025-09-30"
    # Worked out when read: the file's own [ledger] as_of line is never rewritten.
    after = (sample / "tasks.toml").read_text(encoding="utf-8")
    assert after.count("as_of = 2025-09-30") == tasks_before.count("as_of = 2025-09-30") == 1


def test_the_report_line_states_it_in_both_languages(sample: Path, runner: CliRunner) -> None:
    ok(runner, "update", "T16", "--progress", "80", "--date", "2025-10-15")
    code, out, _ = invoke(runner, "report", "--as-of", "2025-10-31", "-f", "md")
    assert code == 0 and "数据截至2025年10月15日，序时进度评估日期2025年10月31日" in out
    code, out, _ = invoke(runner, "report", "--as-of", "2025-10-15", "-f", "md")
    assert "数据截至2025年10月15日\\\n" in out and "序时进度评估日期" not in out
    code, out, _ = invoke(runner, "report", "--as-of", "2025-09-30", "-f", "md")
    assert "数据截至2025年9月30日\\\n" in out
    code, out, _ = invoke_en(runner, "report", "--as-of", "2025-10-31", "-f", "md")
    assert code == 0 and "Data as of 2025-10-15" in out and "2025-10-31" in out.split("\n")[2]


def test_a_ledger_without_records_has_no_data_date(make_ledger) -> None:  # type: ignore[no-untyped-def]
    root = make_ledger()
    ledger = load_ledger(root)
    assert ledger.meta.as_of is None or data_date(ledger, ledger.meta.as_of) == ledger.meta.as_of
    assert data_date(ledger, dt.date(1990, 1, 1)) is None
