"""Random sequences of `update`, `record`, `import`, `add`, `remove`, `edit`, `postpone`,
`cancel`, `fold` and `undo` on one ledger, run through the CLI: after every step `rectify check` accepts the ledger and nothing written
before is lost (but what undo takes back: the files as they were N writes ago, byte for byte).

A refused command (exit 2) leaves both files byte-identical and says why in plain lines on
stderr; an accepted one (exit 0) changes only what it was asked to. This is the test that
would have caught the import that wrote a done task without 完成日期, which check then
rejected (#16)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from typer.testing import CliRunner

from rectify_cli.kinds import Status
from tests.conftest import MINIMAL_TASKS, invoke

TASKS = (
    MINIMAL_TASKS
    + """
[[tasks]]
id = "T2"
aspect = "A1"
title = "关停散乱污企业"
lead = "市工业和信息化局"
start = 2025-01-01
deadline = 2025-09-30
status = "done"
progress = 100
completed_on = 2025-09-20

[[tasks]]
id = "T3"
aspect = "A1"
title = "整治入河排污口"
lead = "市水利局"
ongoing = true
status = "not_started"
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
period = "2025-01/09"

[[indicators]]
id = "good_days"
name = "优良天数比例"
unit = "%"
better = "higher"
value = 73.6
period = "2025-01/09"
"""

FILES = ("tasks.toml", "indicators.toml")
# Every status as a stable key and as its Chinese label: both are accepted on input.
STATUS_WORDS = [word for s in Status for word in (s.value, s.label_zh)]
# Up to a few days before the day these were written: a date after today is refused, which
# is worth trying too, but most steps should land.
dates = st.dates(min_value=dt.date(2024, 12, 1), max_value=dt.date(2026, 12, 1))
task_ids = st.sampled_from(["T1", "T2", "T3", "N1", "N2", "N3"])
# Mostly an indicator that exists and a period not yet recorded, so that most readings land.
indicator_ids = st.sampled_from(["pm25", "good_days", "pm25", "good_days", "no_such"])
notes = st.sampled_from(["", "现场核查", "补记", "据通报"])
periods = st.sampled_from(["2025-01/09", "2025-10", "2025-11"]) | st.builds(
    "{}-{:02d}".format, st.integers(2026, 2099), st.integers(1, 12)
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Left out two times in three: an edit of many fields at once is mostly refused."""
    return st.one_of(st.none(), st.none(), strategy)


values = st.one_of(
    st.integers(0, 200), st.floats(0, 200, allow_nan=False).map(lambda x: round(x, 2))
)


@st.composite
def csv_rows(draw: st.DrawFn) -> dict[str, str | None]:
    """One row of a 台账 sheet: half the time one a careful office would fill in (a finished
    task with its completion date, an open one with its deadline), half the time any cells
    at all, blanks included."""
    status = draw(st.none() | st.sampled_from(STATUS_WORDS))
    any_date = st.none() | dates.map(str)
    row = {
        "id": draw(task_ids),
        "aspect": draw(st.sampled_from(["大气", "水"])),
        "title": draw(st.sampled_from(["治理扬尘", "整治排污口", "建设无废城市"])),
        "lead": draw(st.sampled_from(["市生态环境局", "市水利局"])),
        "status": status,
    }
    if draw(st.booleans()):
        finished = status is not None and not Status.parse(status).is_open
        row["deadline"] = draw(st.just("长期坚持") | dates.map(str))
        row["completed_on"] = draw(dates.map(str)) if finished else None
        row["progress"] = "100" if finished else draw(st.none() | st.integers(0, 99).map(str))
    else:
        row["deadline"] = draw(st.none() | st.just("长期坚持") | dates.map(str))
        row["completed_on"] = draw(any_date)
        row["progress"] = draw(st.none() | st.integers(0, 100).map(str))
    return row


def snapshot(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in FILES}


def parsed(files: dict[str, bytes]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Tasks and indicators by id, as tomllib reads the bytes (no cache, no validation)."""
    tasks = tomllib.loads(files["tasks.toml"].decode("utf-8"))
    indicators = tomllib.loads(files["indicators.toml"].decode("utf-8"))
    return (
        {t["id"]: t for t in tasks.get("tasks", [])},
        {i["id"]: i for i in indicators.get("indicators", [])},
    )


def readings(indicator: dict[str, Any]) -> list[tuple[Any, Any]]:
    """Every reading an indicator holds, earlier ones first: its history, then its value."""
    held = [(r.get("value"), r.get("period")) for r in indicator.get("history", [])]
    return [*held, (indicator.get("value"), indicator.get("period"))]


class LedgerMachine(RuleBasedStateMachine):
    base: Path  # set by the test: a temp folder under pytest's tmp_path

    def __init__(self) -> None:
        super().__init__()
        self.runner = CliRunner()
        self.work = Path(tempfile.mkdtemp(dir=self.base))
        self.root = self.work / "ledger"
        self.root.mkdir()
        (self.root / "tasks.toml").write_text(TASKS, encoding="utf-8")
        (self.root / "indicators.toml").write_text(INDICATORS, encoding="utf-8")
        self.csv_count = 0
        self.landed = 0
        # The files before each write that landed, oldest first: what undo must give back.
        self.history: list[dict[str, bytes]] = []

    def teardown(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def run(self, *args: str, gone: str = "") -> tuple[int, dict[str, bytes], dict[str, bytes]]:
        """Run one command; check what every command owes whatever it did; return the exit
        code and the files before and after.  `gone`: the task a `remove` may take out."""
        before = snapshot(self.root)
        code, out, err = invoke(self.runner, *args, "--lang", "en", "--ledger", str(self.root))
        after = snapshot(self.root)
        assert code in (0, 2), (args, code, out, err)
        assert "Traceback" not in err and "Traceback" not in out, err
        if code == 2:
            assert after == before, f"refused {args} but the files changed:\n{err}"
            assert out == "", out
            lines = err.splitlines()
            assert lines and all(line.strip() for line in lines), err
        else:
            self.landed += 1
            self.remember(before, after)
        self.lost_nothing(before, after, gone)
        return code, before, after

    def remember(self, before: dict[str, bytes], after: dict[str, bytes]) -> None:
        """Each file a write changed is one write undo can take back; a write of both files
        (an import with indicators) writes indicators.toml first."""
        if after["indicators.toml"] != before["indicators.toml"]:
            self.history.append(before)
            before = {**before, "indicators.toml": after["indicators.toml"]}
        if after["tasks.toml"] != before["tasks.toml"]:
            self.history.append(before)

    def lost_nothing(self, before: dict[str, bytes], after: dict[str, bytes], gone: str) -> None:
        tasks0, inds0 = parsed(before)
        tasks1, inds1 = parsed(after)
        tasks0 = {k: v for k, v in tasks0.items() if k != gone or k in tasks1}
        assert set(tasks0) <= set(tasks1), "a task disappeared"
        for ident, task in tasks0.items():
            log0, log1 = task.get("log", []), tasks1[ident].get("log", [])
            assert log1[: len(log0)] == log0, f"{ident}: the log was rewritten, not appended to"
        assert set(inds0) <= set(inds1), "an indicator disappeared"
        for ident, ind in inds0.items():
            held = readings(inds1[ident])
            for reading in readings(ind):
                assert reading in held, f"{ident}: reading {reading} was lost"

    # ----------------------------------------------------------------------- rules

    @rule(
        data=st.data(),
        status=st.none() | st.sampled_from(STATUS_WORDS),
        progress=st.none() | st.integers(0, 100),
        date=st.none() | dates,
        note=notes,
        evidence=st.lists(st.sampled_from(["检查记录.pdf", "照片.jpg"]), max_size=2),
        reopen=st.sampled_from([False, False, False, True]),
    )
    def update(
        self,
        data: st.DataObject,
        status: str | None,
        progress: int | None,
        date: dt.date | None,
        note: str,
        evidence: list[str],
        reopen: bool,
    ) -> None:
        known = sorted(parsed(snapshot(self.root))[0])
        ident = data.draw(st.sampled_from(known) | task_ids, label="ident")
        args = ["update", ident]
        if status is not None:
            args += ["--status", status]
        if progress is not None:
            args += ["--progress", str(progress)]
        if date is not None:
            args += ["--date", date.isoformat()]
        if note:
            args += ["--note", note]
        for item in evidence:
            args += ["--evidence", item]
        if reopen:
            args.append("--reopen")
        code, before, after = self.run(*args)
        if code == 0:
            tasks0, tasks1 = parsed(before)[0], parsed(after)[0]
            assert after["indicators.toml"] == before["indicators.toml"]
            # Only the named task changed, by one new log entry and what it asked for.
            assert {k: v for k, v in tasks1.items() if k != ident} == {
                k: v for k, v in tasks0.items() if k != ident
            }
            if after == before:  # "nothing to change" is said, and nothing is written
                return
            assert len(tasks1[ident].get("log", [])) == len(tasks0[ident].get("log", [])) + 1
            for item in evidence:
                assert item in tasks1[ident].get("evidence", [])

    @rule(
        ident=indicator_ids,
        value=values,
        period=periods,
        date=st.none() | dates,
    )
    def record(self, ident: str, value: float, period: str, date: dt.date | None) -> None:
        args = ["record", ident, str(value), "--period", period]
        if date is not None:
            args += ["--date", date.isoformat()]
        code, before, after = self.run(*args)
        if code == 0:
            inds0 = parsed(before)[1]
            inds1 = parsed(after)[1]
            assert after["tasks.toml"] == before["tasks.toml"]
            assert {k: v for k, v in inds1.items() if k != ident} == {
                k: v for k, v in inds0.items() if k != ident
            }
            assert (inds1[ident]["value"], inds1[ident]["period"]) == (value, period)

    @rule(
        rows=st.lists(csv_rows(), min_size=1, max_size=4, unique_by=lambda row: row["id"]),
        with_deadline=st.booleans(),
        with_completed=st.booleans(),
        update=st.sampled_from([True, True, False]),
    )
    def import_(
        self,
        rows: list[dict[str, str | None]],
        with_deadline: bool,
        with_completed: bool,
        update: bool,
    ) -> None:
        columns = {
            "id": "编号",
            "aspect": "问题方面",
            "title": "整改任务",
            "lead": "牵头单位",
            "status": "状态",
            "progress": "进度",
        }
        if with_deadline:
            columns["deadline"] = "整改时限"
        if with_completed:
            columns["completed_on"] = "完成日期"
        self.csv_count += 1
        path = self.work / f"台账{self.csv_count}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(columns.values())
            for row in rows:
                out.writerow([row[field] or "" for field in columns])
        args = ["import", str(path)] + (["--update"] if update else [])
        code, before, after = self.run(*args)
        if code == 0:
            tasks0 = parsed(before)[0]
            tasks1 = parsed(after)[0]
            assert after["indicators.toml"] == before["indicators.toml"]
            named = {row["id"] for row in rows}
            assert set(tasks1) == set(tasks0) | named
            # A task the sheet does not name is left exactly as it was.
            for ident in set(tasks0) - named:
                assert tasks1[ident] == tasks0[ident]

    @rule(steps=st.sampled_from([1, 1, 1, 2, 3]), dry_run=st.sampled_from([False, False, True]))
    def undo(self, steps: int, dry_run: bool) -> None:
        """Undo of N steps gives back the files as they were N writes ago, byte for byte; with
        fewer writes to undo it is refused and changes nothing."""
        before = snapshot(self.root)
        args = ["undo", "--steps", str(steps), *(["--dry-run"] if dry_run else [])]
        code, out, err = invoke(self.runner, *args, "--lang", "en", "--ledger", str(self.root))
        assert "Traceback" not in err and "Traceback" not in out, err
        if len(self.history) < steps:
            assert code == 2, (args, out, err)
            assert snapshot(self.root) == before
            return
        assert code == 0, (args, out, err)
        if dry_run:
            assert snapshot(self.root) == before
            return
        assert snapshot(self.root) == self.history[-steps]
        del self.history[-steps:]

    @rule(
        title=st.sampled_from(["治理餐饮油烟", "整治黑臭水体", "x"]),
        aspect=st.sampled_from(["A1", "A1", "大气", "A9"]),
        deadline=st.none() | dates,
        ident=st.none() | task_ids,
        date=dates,
    )
    def add(
        self, title: str, aspect: str, deadline: dt.date | None, ident: str | None, date: dt.date
    ) -> None:
        args = ["add", "-t", title, "-a", aspect, "--lead", "市局", "--date", date.isoformat()]
        args += ["--deadline", deadline.isoformat()] if deadline else ["--ongoing"]
        if ident is not None:
            args += ["--id", ident]
        code, before, after = self.run(*args)
        if code == 0:
            tasks0, tasks1 = parsed(before)[0], parsed(after)[0]
            assert after["indicators.toml"] == before["indicators.toml"]
            (new,) = set(tasks1) - set(tasks0)
            assert ident in (None, new)
            assert {k: v for k, v in tasks1.items() if k != new} == tasks0
            assert [(e["note"], e.get("kind")) for e in tasks1[new]["log"]] == [("新增", "added")]

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        known = sorted(parsed(snapshot(self.root))[0])
        ident = data.draw(st.sampled_from(known) | task_ids, label="ident")
        code, before, after = self.run("remove", ident, gone=ident)
        if code == 0:
            tasks0, tasks1 = parsed(before)[0], parsed(after)[0]
            assert len(tasks0[ident].get("log", [])) <= 1  # never worked on
            assert tasks1 == {k: v for k, v in tasks0.items() if k != ident}

    def one_task_changed(
        self, before: dict[str, bytes], after: dict[str, bytes], ident: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The task `ident` before and after a write that may touch nothing else, having
        grown its log by one entry (or, with nothing to change, the files untouched)."""
        tasks0, tasks1 = parsed(before)[0], parsed(after)[0]
        assert after["indicators.toml"] == before["indicators.toml"]
        assert {k: v for k, v in tasks1.items() if k != ident} == {
            k: v for k, v in tasks0.items() if k != ident
        }
        if after != before:
            assert len(tasks1[ident]["log"]) == len(tasks0[ident].get("log", [])) + 1
        return tasks0[ident], tasks1[ident]

    def some_task(self, data: st.DataObject) -> str:
        known = sorted(parsed(snapshot(self.root))[0])
        return data.draw(st.sampled_from(known) | task_ids, label="ident")

    @rule(
        data=st.data(),
        title=maybe(st.sampled_from(["治理扬尘（修订）", "  ", "x"])),
        lead=maybe(st.sampled_from(["市城管局", "市城管局", ""])),
        deadline=maybe(dates),
        ongoing=maybe(st.sampled_from(["yes", "no"])),
        notes=maybe(st.sampled_from(["", "据通报补充"])),
        measure=maybe(st.sampled_from(["+ 排查", "- 1", "- 没有这项"])),
        completed_on=maybe(dates),
        date=dates,
        note=notes,
    )
    def edit(
        self,
        data: st.DataObject,
        title: str | None,
        lead: str | None,
        deadline: dt.date | None,
        ongoing: str | None,
        notes: str | None,
        measure: str | None,
        completed_on: dt.date | None,
        date: dt.date,
        note: str,
    ) -> None:
        """A few fields at a time, valid or not: an empty title, a later deadline (that is
        a postponement), a deadline with --ongoing yes, a measure that is not there."""
        ident = self.some_task(data)
        args = ["edit", ident, "--date", date.isoformat()]
        for option, value in (("--title", title), ("--lead", lead), ("--notes", notes)):
            if value is not None:
                args += [option, value]
        if deadline is not None:
            args += ["--deadline", deadline.isoformat()]
        if ongoing is not None:
            args += ["--ongoing", ongoing]
        if measure is not None:
            sign, item = measure.split(" ", 1)
            args += ["--add-measure" if sign == "+" else "--remove-measure", item]
        if completed_on is not None:
            args += ["--completed-on", completed_on.isoformat()]
        if note:
            args += ["--note", note]
        code, before, after = self.run(*args)
        if code == 0:
            task0, task1 = self.one_task_changed(before, after, ident)
            if title is not None:
                assert task1["title"] == title.strip()
            if deadline is not None:
                assert task1["deadline"] == deadline and not task1.get("ongoing", False)
                assert task0.get("deadline") is None or deadline <= task0["deadline"]

    @rule(
        data=st.data(),
        days=st.integers(-30, 400),
        reason=st.sampled_from(["", "资金未到位", "雨季停工"]),
    )
    def postpone(self, data: st.DataObject, days: int, reason: str) -> None:
        """A deadline `days` later, with a reason; refused without one, for an earlier or
        the same deadline, and for an ongoing task."""
        ident = self.some_task(data)
        deadline = parsed(snapshot(self.root))[0].get(ident, {}).get("deadline")
        to = (deadline or dt.date(2025, 12, 31)) + dt.timedelta(days=days)
        args = ["postpone", ident, "--to", to.isoformat(), "--reason", reason]
        code, before, after = self.run(*args, "--date", "2026-11-30")
        if code == 0:
            task0, task1 = self.one_task_changed(before, after, ident)
            assert reason and task0.get("deadline") is not None and to > task0["deadline"]
            assert task1["deadline"] == to
            entry = task1["log"][-1]
            assert (entry["kind"], entry["note"]) == ("postponed", reason)

    @rule(data=st.data(), note=notes, date=dates)
    def cancel(self, data: st.DataObject, note: str, date: dt.date) -> None:
        """Only an open task, and only with a note saying why."""
        ident = self.some_task(data)
        code, before, after = self.run("cancel", ident, "--note", note, "--date", date.isoformat())
        if code == 0:
            task0, task1 = self.one_task_changed(before, after, ident)
            assert note and Status.parse(task0.get("status", "not_started")).is_open
            assert Status.parse(task1["status"]) is Status.CANCELLED

    @rule(data=st.data(), note=notes, date=dates)
    def fold(self, data: st.DataObject, note: str, date: dt.date) -> None:
        """Merged into another task still in the plan (not itself, not a dropped one)."""
        ident = self.some_task(data)
        into = self.some_task(data)
        code, before, after = self.run(
            "fold", ident, "--into", into, "--note", note, "--date", date.isoformat()
        )
        if code == 0:
            task0, task1 = self.one_task_changed(before, after, ident)
            assert note and into != ident
            assert Status.parse(task0.get("status", "not_started")).is_open
            assert Status.parse(task1["status"]) is Status.MERGED
            assert task1["merged_into"] == into

    # ------------------------------------------------------------------- invariants

    @invariant()
    def check_accepts_the_ledger(self) -> None:
        code, out, err = invoke(self.runner, "check", "--lang", "en", "--ledger", str(self.root))
        assert code == 0, f"check rejects the ledger:\n{out}{err}"


@pytest.mark.slow
def test_random_writes_of_every_verb_and_undos_keep_the_ledger_valid(
    tmp_path: Path,
) -> None:
    LedgerMachine.base = tmp_path
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
