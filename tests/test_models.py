from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from rectify_cli import models, records
from rectify_cli.kinds import Status, parse_status_filter
from rectify_cli.models import Indicator, LedgerMeta, LogEntry, Task
from rectify_cli.records import of
from rectify_cli.schedule import last_update


def task(**overrides: object) -> Task:
    data: dict[str, object] = {
        "id": "T1",
        "aspect": "A1",
        "title": "治理扬尘",
        "lead": "市生态环境局",
        "deadline": dt.date(2025, 12, 31),
        "status": "in_progress",
        "progress": 40,
    }
    data.update(overrides)
    return Task.model_validate(data)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("done", Status.DONE),
        ("已完成", Status.DONE),
        ("推进中", Status.IN_PROGRESS),
        ("In Progress", Status.IN_PROGRESS),
        ("not-started", Status.NOT_STARTED),
        ("未启动", Status.NOT_STARTED),
        ("已销号", Status.CLOSED),
        ("closed", Status.CLOSED),
    ],
)
def test_status_accepts_english_keys_and_chinese_labels(text: str, status: Status) -> None:
    assert Status.parse(text) is status
    assert task(status=text).status is status


def test_unknown_status_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown status 'finished'; use one of not_started"):
        Status.parse("finished")


def test_pending_is_a_group_of_the_open_statuses() -> None:
    assert parse_status_filter("pending") == {Status.NOT_STARTED, Status.IN_PROGRESS}
    assert parse_status_filter("未完成") == {Status.NOT_STARTED, Status.IN_PROGRESS}
    assert parse_status_filter("done") == {Status.DONE}


def test_unknown_keys_are_errors_not_dropped() -> None:
    with pytest.raises(ValidationError, match="extra"):
        task(leed="x")


@pytest.mark.parametrize("progress", [-1, 101])
def test_progress_is_a_percentage(progress: int) -> None:
    with pytest.raises(ValidationError):
        task(progress=progress)


def test_open_task_needs_a_deadline_or_ongoing() -> None:
    with pytest.raises(ValidationError, match="needs a deadline or ongoing"):
        task(deadline=None)
    assert task(deadline=None, ongoing=True).ongoing
    # A finished task may lack the plan's deadline (the sample's notice publishes none).
    assert task(deadline=None, status="done", progress=100).deadline is None


def test_deadline_and_ongoing_are_exclusive() -> None:
    with pytest.raises(ValidationError, match="not both"):
        task(ongoing=True)


@pytest.mark.parametrize("bad", ["T 1", "T/1", "a:b", ""])
def test_ids_without_spaces_slashes_or_colons(bad: str) -> None:
    with pytest.raises(ValidationError):
        task(id=bad)


def test_effective_progress() -> None:
    assert of(task(progress=None)).effective_progress == 0
    assert of(task(status="done", progress=None)).effective_progress == 100
    assert of(task(progress=35)).effective_progress == 35


def test_last_update_is_the_latest_log_or_completion() -> None:
    t = task(
        log=[LogEntry(date=dt.date(2025, 3, 1)), LogEntry(date=dt.date(2025, 5, 1))],
    )
    assert last_update(of(t), None) == dt.date(2025, 5, 1)
    assert last_update(of(task()), None) is None


@pytest.mark.parametrize(
    ("record", "model"),
    [
        (records.LedgerMeta, models.LedgerMeta),
        (records.Aspect, models.Aspect),
        (records.Task, models.Task),
        (records.LogEntry, models.LogEntry),
        (records.Indicator, models.Indicator),
        (records.Reading, models.Reading),
    ],
)
def test_records_have_the_models_fields_in_order(record: Any, model: Any) -> None:
    # The cache stores records by position and the JSON writer names their fields: a field
    # added to a model must be added to its record too.
    assert record._fields == tuple(model.model_fields)


def test_newer_ledger_version_is_refused() -> None:
    with pytest.raises(ValidationError, match="newer than this rectify"):
        LedgerMeta(title="x", version=99)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_indicator_numbers_must_be_finite(value: float) -> None:
    with pytest.raises(ValidationError, match="finite"):
        Indicator(id="pm25", name="PM2.5", better="lower", value=value)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"RECTIFY_LANG": "zh"}, "zh"),
        ({"RECTIFY_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "zh_TW:en"}, "zh"),
        ({}, "en"),
    ],
)
def test_user_lang_follows_rectify_lang_then_the_locale(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    from rectify_cli import i18n

    for name in ("RECTIFY_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    i18n.user_lang.cache_clear()
    try:
        assert i18n.user_lang() == expected
    finally:
        i18n.user_lang.cache_clear()
