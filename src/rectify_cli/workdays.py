"""Working days in China: weekends and public holidays skipped, the official make-up
working days (调休) counted, as the State Council publishes them each year.

The calendar is the `chinesecalendar` package (MIT, pure Python, no dependencies), which
tracks the State Council's notice every year and covers 2004 onwards.  It is chosen over
`holidays` because that package knows the holidays but not the make-up working days, and a
reply due on a 调休 Sunday is due on a working day.  A year the installed package does not
know yet (the notice comes out in November or December) is counted Monday to Friday, and
`covers` lets the command say so, rather than guessing a holiday schedule.
"""

from __future__ import annotations

import datetime as dt


def _workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the calendar knows the year)."""
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (`start` itself when 0)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if _workday(day)[0]:
            left -= 1
    return day


def covers(start: dt.date, end: dt.date) -> bool:
    """Whether the calendar knows every year from `start` to `end`."""
    return all(_workday(dt.date(year, 1, 1))[1] for year in range(start.year, end.year + 1))
