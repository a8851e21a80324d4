"""The snapshot (`--as-of DATE`) of a ledger written by random dated writes, backdated ones
included, is the ledger that applying every write dated on or before DATE, in date order
(writes of one day in the order they were made), would have given."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rectify_cli.records import Ledger
from rectify_cli.snapshot import snapshot
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS, invoke

TASKS = (
    MINIMAL_TASKS
    + """
[[tasks]]
id = "T2"
aspect = "A1"
title = "整治入河排污口"
lead = "市水利局"
ongoing = true
status = "in_progress"
"""
)

INDICATORS = """\
version = 1

[[indicators]]
id = "pm25"
name = "PM2.5浓度"
unit = "µg/m³"
better = "lower"
value = 30
period = "2025-01/06"
recorded = 2025-06-30
"""

FIRST = dt.date(2025, 7, 1)

# Both tasks in progress: `update --progress` starts a task not started, and a backdated
# progress written after that start records no start of its own, which no log could prove.
# (kind, task or indicator, the day it is dated); the value is made unique per write below,
# since a write of the value already there writes no change line and so proves nothing.
writes = st.lists(
    st.tuples(
        st.sampled_from(["progress", "lead", "title", "evidence", "note", "reading"]),
        st.sampled_from(["T1", "T2"]),
        st.integers(0, 12).map(lambda n: FIRST + dt.timedelta(days=n)),
    ),
    min_size=1,
    max_size=6,
)


def _args(n: int, kind: str, tid: str, day: dt.date) -> list[str]:
    date = ["--date", day.isoformat()]
    match kind:
        case "progress":
            return ["update", tid, "--progress", str(10 + n), "--note", f"进展{n}", *date]
        case "lead":
            return ["edit", tid, "--lead", f"单位{n}", "--note", f"调整{n}", *date]
        case "title":
            return ["edit", tid, "--title", f"任务{n}", "--note", f"改名{n}", *date]
        case "evidence":
            return ["update", tid, "--evidence", f"材料{n}.pdf", "--note", f"佐证{n}", *date]
        case "note":
            return ["update", tid, "--note", f"记录{n}", *date]
        case _:
            return ["record", "pm25", str(40 + n), "--period", f"第{n}期", *date]


def _folder(base: Path, name: str) -> Path:
    root = base / name
    root.mkdir()
    (root / "tasks.toml").write_text(TASKS, encoding="utf-8")
    (root / "indicators.toml").write_text(INDICATORS, encoding="utf-8")
    return root


def _write(root: Path, n: int, kind: str, tid: str, day: dt.date) -> None:
    code, out, err = invoke(CliRunner(), *_args(n, kind, tid, day), "--ledger", str(root))
    assert code == 0, (kind, out, err)


def _seen(ledger: Ledger) -> dict[str, Any]:
    """What a reader sees: every field of every task, its log entries by date (the order of
    writing is not the order of days), each indicator's current reading."""
    tasks = {
        t.id: (
            t._replace(log=[]),
            sorted(((e.date, e.note) for e in t.log), key=lambda x: x[0]),
        )
        for t in ledger.tasks
    }
    readings = {i.id: (i.value, i.period, i.recorded) for i in ledger.indicators}
    return {"tasks": tasks, "readings": readings}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes)
def test_the_snapshot_is_the_ledger_of_the_writes_dated_up_to_that_day(
    drawn: list[tuple[str, str, dt.date]],
) -> None:
    steps = [(n, kind, tid, day) for n, (kind, tid, day) in enumerate(drawn)]
    with tempfile.TemporaryDirectory() as tmp:
        written, then = _folder(Path(tmp), "written"), _folder(Path(tmp), "then")
        for step in steps:
            _write(written, *step)
        ledger = load_ledger(written)
        # The same writes in date order (one day's in the order made), day by day: after
        # each day's, the ledger as it stood at the end of that day.
        in_date_order = sorted(steps, key=lambda s: (s[3], s[0]))
        days = sorted({day for *_, day in steps})
        for day in [days[0] - dt.timedelta(days=1), *days]:
            for step in in_date_order:
                if step[3] == day:
                    _write(then, *step)
            past = snapshot(ledger, day)
            assert past.unproven == ()
            assert _seen(past.ledger) == _seen(load_ledger(then)), day
