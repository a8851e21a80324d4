"""One way to write a number and a change line, whichever command writes it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectify_cli.edit import parse_number, record_reading
from rectify_cli.edit_rules import NewReading, plan_reading
from rectify_cli.indicators import value_text as published_value
from rectify_cli.kinds import ChangeUnit, Status
from rectify_cli.models import Indicator
from rectify_cli.records import indicator_of
from rectify_cli.store import load_ledger
from rectify_cli.textfmt import change_text, number_text, parse_change, value_text


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (30, "30"),
        (30.0, "30.0"),  # as published: the point the source wrote stays
        (3.67, "3.67"),
        (-16.7, "-16.7"),
        (1e-07, "0.0000001"),  # never scientific notation for a reader
        (1.5e-05, "0.000015"),
        (1e16, "10000000000000000"),
        (0, "0"),
    ],
)
def test_number_text(number: float, text: str) -> None:
    assert number_text(number) == text


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_number_text_reads_back_as_the_same_number(number: float) -> None:
    text = number_text(number)
    assert "e" not in text.lower()
    assert float(text) == number or (number == 0 and float(text) == 0)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        ("", "—"),
        ([], "—"),
        (60, "60"),
        (30.0, "30.0"),
        (1e-07, "0.0000001"),
        (Status.IN_PROGRESS, "in_progress"),
        (ChangeUnit.PERCENT, ChangeUnit.PERCENT.value),
        (dt.date(2025, 6, 30), "2025-06-30"),
        (["市生态环境局", "市住建局"], "市生态环境局; 市住建局"),
        ([1.5, 2.0], "1.5; 2.0"),
        ("plain", "plain"),
    ],
)
def test_value_text(value: Any, text: str) -> None:
    assert value_text(value) == text


def test_change_lines_parse_back() -> None:
    line = change_text("progress", None, 40)
    assert line == "progress: — → 40"
    assert parse_change(line) == ("progress", "—", "40")
    assert parse_change(change_text("value", 30.0, 1e-07)) == ("value", "30.0", "0.0000001")
    assert parse_change("evidence: + 验收报告.pdf") is None


def _indicator(**fields: Any) -> Indicator:
    base: dict[str, Any] = {"id": "pm25", "name": "PM2.5浓度", "better": "lower"}
    return Indicator.model_validate({**base, **fields})


@pytest.mark.parametrize("value", [30.0, 1e-07, 45.25, 30])
def test_record_writes_a_value_as_reports_print_it(value: float) -> None:
    """`record`'s change line and archived note say the number the report shows for it."""
    ind = _indicator(value=value, period="2025-01/09", change=-15.0)
    plan = plan_reading(ind, NewReading(value=29, period="2025-10"))
    assert plan is not None
    shown = published_value(indicator_of(ind), "en")
    assert f"value: {shown} → 29" in plan.changes
    assert plan.appended is not None
    assert "change = -15.0%" in plan.appended.note


@pytest.mark.parametrize(
    ("typed", "shown"), [("29", "29"), ("29.0", "29.0"), ("1e-07", "0.0000001")]
)
def test_a_typed_value_is_logged_as_typed(typed: str, shown: str) -> None:
    ind = _indicator(value=30, period="2025-01/09")
    plan = plan_reading(ind, NewReading(value=parse_number(typed, "VALUE"), period="2025-10"))
    assert plan is not None
    assert plan.changes[0] == f"value: 30 → {shown}"


def test_record_stores_numbers_as_the_log_and_report_print_them(sample: Path) -> None:
    """A published 30.0 moves to history as 30.0 and a typed 29.0 is kept as 29.0: the file,
    the log line and the report say the same number."""
    path = sample / "indicators.toml"
    text = path.read_text(encoding="utf-8")
    block = text.index('id = "pm25"')
    at = text.index("value = 30\n", block)
    path.write_text(text[:at] + "value = 30.0\n" + text[at + len("value = 30\n") :], "utf-8")
    record_reading(sample, "pm25", NewReading(value=parse_number("29.0", "VALUE"), period="p2"))
    ind = next(i for i in load_ledger(sample).indicators if i.id == "pm25")
    assert (repr(ind.value), repr(ind.history[-1].value)) == ("29.0", "30.0")
    assert published_value(ind, "en").startswith("29.0")
    written = path.read_text(encoding="utf-8")
    assert "value = 29.0\n" in written and "value = 30.0\n" in written
