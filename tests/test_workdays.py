"""Reply-by dates in China's working days (workdays.py): weekends and public holidays are
skipped, make-up working days (调休) count, and a year the calendar does not know yet is
counted Monday to Friday, with a note saying so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.warn import reply_by
from rectify_cli.workdays import add_working_days, covers
from tests.conftest import invoke, invoke_en

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2025, 6, 30), 3, D(2025, 7, 3)),  # Monday: three weekdays on
        (D(2025, 7, 3), 3, D(2025, 7, 8)),  # Thursday: the weekend is skipped
        (D(2025, 12, 31), 3, D(2026, 1, 6)),  # New Year's Day and the weekend skipped
        (D(2025, 9, 26), 3, D(2025, 9, 30)),  # Sunday 28 September 2025 is a 调休 workday
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # the National Day week is skipped
        (D(2025, 6, 30), 0, D(2025, 6, 30)),
    ],
)
def test_reply_by_counts_working_days(start: dt.date, days: int, due: dt.date) -> None:
    assert reply_by(start, days) == due == add_working_days(start, days)


def test_a_year_the_calendar_does_not_know_counts_weekdays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import chinese_calendar

    def unknown(day: dt.date) -> bool:
        raise NotImplementedError(f"no available data for year {day.year}")

    monkeypatch.setattr(chinese_calendar, "is_workday", unknown)
    assert add_working_days(D(2031, 1, 2), 3) == D(2031, 1, 7)  # Thu → Tue, weekend skipped
    assert not covers(D(2031, 1, 2), D(2031, 1, 7))


def test_the_notice_says_when_the_calendar_does_not_know_the_year(
    runner: CliRunner, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chinese_calendar

    def unknown(day: dt.date) -> bool:
        raise NotImplementedError(f"no available data for year {day.year}")

    monkeypatch.setattr(chinese_calendar, "is_workday", unknown)
    code, out, err = invoke_en(runner, "warn", "--notice", "--as-of", "2025-12-31")
    assert code == 0 and out
    assert err == (
        "Note: the calendar does not know 2026's public holidays and make-up working days "
        "yet; the reply-by date skips weekends only (upgrade chinesecalendar and run again)\n"
    )
    code, _, err = invoke(runner, "warn", "--notice", "--as-of", "2025-12-31")
    assert err.startswith("提示：日历尚未收录2026年的法定节假日和调休安排")


def test_a_known_year_says_nothing(runner: CliRunner, sample: Path) -> None:
    code, out, err = invoke(runner, "warn", "--notice", "--as-of", "2025-12-31")
    assert code == 0 and err == ""
    assert "2026年1月6日" in out
