"""Property tests: whatever a person types, the loader answers with a ledger or a RectifyError;
whatever valid ledger a person keeps, an update changes exactly what it says and loses nothing."""

from __future__ import annotations

import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rectify_cli import models as m
from rectify_cli.checks import write_refusal
from rectify_cli.edit import record_reading, update_task
from rectify_cli.edit_rules import NewReading, Plan, TaskUpdate, plan_reading, plan_task_update
from rectify_cli.errors import RectifyError, WriteRefused
from rectify_cli.models import IndicatorFile, LogEntry, Reading, TaskFile
from rectify_cli.records import Indicator, Ledger, Task, as_dict, ledger_of, of
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS
from tests.ledger_strategies import (
    ledgers,
    new_readings,
    task_updates,
    with_tomli_w,
    written,
)

# Characters people actually produce in ledgers: TOML punctuation, IME full-width forms,
# quotes, control characters, Chinese text and line endings.
ALPHABET = st.sampled_from(
    list("[]{}=\".,#'\\\n\r\t 0123456789-:TtrueFalsenaif+_")
    + list("“”：＝，。、（）５０\u3000\ufeff\x00\x1b治理任务")
)


def load_text(data: bytes) -> Ledger | RectifyError:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "tasks.toml").write_bytes(data)
        try:
            return load_ledger(root)
        except RectifyError as exc:
            assert exc.message, "an error must say something"
            assert "\n" not in exc.message.rstrip("\n") or len(exc.message) < 10_000
            return exc


@given(st.text(alphabet=ALPHABET, max_size=400))
def test_any_text_gives_a_ledger_or_a_rectify_error(text: str) -> None:
    load_text(text.encode("utf-8", "surrogatepass"))


@given(st.binary(max_size=300))
def test_any_bytes_give_a_ledger_or_a_rectify_error(data: bytes) -> None:
    load_text(data)


@given(
    st.integers(min_value=0, max_value=len(MINIMAL_TASKS)),
    st.integers(min_value=0, max_value=40),
    st.text(alphabet=ALPHABET, max_size=20),
)
def test_edits_of_a_valid_ledger_never_crash(at: int, cut: int, insert: str) -> None:
    """A valid file with a slice replaced: the typo a person makes in a real ledger."""
    text = MINIMAL_TASKS[:at] + insert + MINIMAL_TASKS[at + cut :]
    result = load_text(text.encode("utf-8", "surrogatepass"))
    if isinstance(result, Ledger):
        assert result.meta.title


# --------------------------------------------------------------------------- edits


@contextmanager
def ledger_folder(task_file: TaskFile, tasks_raw: bytes, ind_raw: bytes | None) -> Iterator[Path]:
    """A folder holding the written files; the files must load as exactly the models."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "tasks.toml").write_bytes(tasks_raw)
        if ind_raw is not None:
            (root / "indicators.toml").write_bytes(ind_raw)
        loaded = load_ledger(root)
        assert loaded.meta == of(task_file.ledger)
        assert loaded.aspects == [of(a) for a in task_file.aspects]
        assert loaded.tasks == [of(t) for t in task_file.tasks]
        yield root


def fresh(root: Path) -> Ledger:
    """The ledger as tomllib reads it, not through rectify's cache or rtoml: what is on disk."""
    data = tomllib.loads((root / "tasks.toml").read_bytes().decode("utf-8-sig"))
    tf = TaskFile.model_validate(data)
    inds: list[m.Indicator] = []
    if (root / "indicators.toml").exists():
        raw = (root / "indicators.toml").read_bytes().decode("utf-8-sig")
        inds = IndicatorFile.model_validate(tomllib.loads(raw)).indicators
    return ledger_of(tf.ledger, tf.aspects, tf.tasks, inds, "")


def model(task: Task) -> m.Task:
    """The model `rectify update` plans with, of a loaded task."""
    return m.Task.model_validate(as_dict(task))


def indicator_model(indicator: Indicator) -> m.Indicator:
    return m.Indicator.model_validate(as_dict(indicator))


def refusal(plan: Callable[[], object]) -> str | None:
    try:
        plan()
    except WriteRefused as exc:
        return exc.message
    return None


def problem(plan: Callable[[], Plan[Any] | None], task_file: TaskFile, ids: set[str]) -> str | None:
    """The rules' refusal, else the refusal of what the plan would write if `rectify check`
    would name a problem in it (checks.write_refusal): a write leaves no problem in its item."""
    refused = refusal(plan)
    done = None if refused is not None else plan()
    if done is None:
        return refused
    if isinstance(done.after, m.Task):
        found = write_refusal(
            [done.after], start_default=task_file.ledger.feedback_date, indicator_ids=ids
        )
    else:
        found = write_refusal(indicators=[done.after])
    return None if found is None else found.message


INLINE_TASKS = re.compile(rb"(?m)^tasks = \[")
INLINE_INDICATORS = re.compile(rb"(?m)^indicators = \[")
UNCHANGED_BY_UPDATE = {"status", "progress", "deadline", "completed_on", "evidence", "log"}


@given(st.data(), ledgers(), task_updates())
def test_an_update_changes_only_its_task_and_appends_one_entry(
    data: st.DataObject, models: tuple[TaskFile, IndicatorFile], upd: TaskUpdate
) -> None:
    task_file, ind_file = models
    raw = data.draw(written(task_file), label="tasks.toml")
    assert raw is not None
    with ledger_folder(task_file, raw, with_tomli_w(ind_file)) as root:
        before = load_ledger(root)
        i = data.draw(st.integers(0, len(before.tasks) - 1), label="task")
        task = before.tasks[i]
        if INLINE_TASKS.search(raw):
            # `tasks = [{...}, ...]`, one inline array for all the tasks (tomli_w writes short
            # ones so), has no block of its own to edit: refused before anything else,
            # untouched, never reformatted.
            with pytest.raises(WriteRefused) as exc:
                update_task(root, task.id, upd)
            assert "could not isolate the block" in exc.value.message
            assert (root / "tasks.toml").read_bytes() == raw
            return
        ids = {ind.id for ind in ind_file.indicators}
        refused = problem(lambda: plan_task_update(model(task), upd), task_file, ids)
        plan = None if refused else plan_task_update(model(task), upd)
        if refused is not None or plan is None:
            # A rule refuses it, or there is nothing to do: not a byte changes.
            if refused is not None:
                with pytest.raises(WriteRefused) as exc:
                    update_task(root, task.id, upd)
                assert exc.value.message == refused
            else:
                assert not update_task(root, task.id, upd).changed
            assert (root / "tasks.toml").read_bytes() == raw
            return
        outcome = update_task(root, task.id, upd)
        assert outcome.written
        for after in (load_ledger(root), fresh(root)):
            assert (after.meta, after.aspects, after.indicators) == (
                before.meta,
                before.aspects,
                before.indicators,
            )
            assert [t.id for t in after.tasks] == [t.id for t in before.tasks]
            for j, other in enumerate(before.tasks):
                if j != i:
                    assert after.tasks[j] == other
            new = after.tasks[i]
            # The intended fields, checked against the request itself ...
            assert new.log[:-1] == task.log
            entry = new.log[-1]
            assert entry.date == upd.date
            if upd.status is not None:
                assert new.status is upd.status
            if upd.progress is not None:
                assert new.progress == upd.progress
            if upd.deadline is not None:
                assert new.deadline == upd.deadline
            assert new.evidence[: len(task.evidence)] == task.evidence
            assert {e.strip() for e in upd.evidence} <= set(new.evidence)
            for name in set(task._fields) - UNCHANGED_BY_UPDATE:
                assert getattr(new, name) == getattr(task, name), name
            # ... and exactly what the rules planned, entry included.
            assert new == of(plan.after)
            assert isinstance(plan.appended, LogEntry)
            assert entry == of(plan.appended)


@given(
    st.data(),
    ledgers(min_indicators=1),
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 9), task_updates() | new_readings()),
        min_size=1,
        max_size=6,
    ),
)
def test_random_updates_and_records_keep_the_file_valid_and_every_entry(
    data: st.DataObject,
    models: tuple[TaskFile, IndicatorFile],
    steps: list[tuple[bool, int, TaskUpdate | NewReading]],
) -> None:
    task_file, ind_file = models
    tasks_raw = data.draw(written(task_file), label="tasks.toml")
    ind_raw = data.draw(written(ind_file), label="indicators.toml")
    assert tasks_raw is not None
    assume(not INLINE_TASKS.search(tasks_raw) and not INLINE_INDICATORS.search(ind_raw or b""))
    with ledger_folder(task_file, tasks_raw, ind_raw) as root:
        logs = {t.id: [of(e) for e in t.log] for t in task_file.tasks}
        history = {i.id: [of(r) for r in i.history] for i in ind_file.indicators}
        current = load_ledger(root)
        for _, pick, request in steps:
            if isinstance(request, TaskUpdate):
                task = current.tasks[pick % len(current.tasks)]
                ids = {ind.id for ind in ind_file.indicators}
                refused = problem(partial(plan_task_update, model(task), request), task_file, ids)
                try:
                    outcome = update_task(root, task.id, request)
                except WriteRefused as exc:
                    assert exc.message == refused
                    continue
                assert refused is None
                plan = plan_task_update(model(task), request)
                if plan is not None:
                    assert outcome.written and isinstance(plan.appended, LogEntry)
                    logs[task.id].append(of(plan.appended))
            else:
                ind = current.indicators[pick % len(current.indicators)]
                refused = problem(
                    partial(plan_reading, indicator_model(ind), request), task_file, set()
                )
                try:
                    record_reading(root, ind.id, request)
                except WriteRefused as exc:
                    assert exc.message == refused
                    continue
                assert refused is None
                reading = plan_reading(indicator_model(ind), request)
                if reading is not None and isinstance(reading.appended, Reading):
                    history[ind.id].append(of(reading.appended))
            current = load_ledger(root)
            expected = fresh(root)
            expected.root = current.root
            assert current == expected
            assert {t.id: t.log for t in current.tasks} == logs
            assert {i.id: i.history for i in current.indicators} == history
