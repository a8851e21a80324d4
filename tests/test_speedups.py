"""Shortcuts taken for speed give exactly what the long way gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectify_cli.models import Status, Task
from rectify_cli.render import text
from rectify_cli.schedule import Finding, Level, Reason, Warning, health

SPECIAL = "\\`*_{}[]()#+!|~<>&-=.1 \t\n\r\x1b\x85\u202e\u3000"


def slow_md_escape(value: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(text, "_MD_ANY", re.compile(""))  # matches everything: the long way
        return text.md_escape(value)


@given(st.text(alphabet=st.sampled_from(SPECIAL + "ab滨州0"), max_size=12) | st.text(max_size=12))
def test_md_escape_shortcut_changes_nothing(value: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert text.md_escape(value) == slow_md_escape(value, monkeypatch)


@pytest.mark.parametrize("value", ["滨州市", "T01", "2025-09-30", "100%", "3.67", "a.b"])
def test_plain_cells_take_the_shortcut(value: str) -> None:
    assert text._MD_ANY.search(value) is None
    assert text.md_escape(value) == value


def test_level_rank_is_severity_order() -> None:
    assert [lv.rank for lv in Level] == [0, 1, 2]
    assert sorted(Level, key=lambda lv: lv.rank) == [Level.RED, Level.YELLOW, Level.BLUE]
    import datetime as dt

    task = Task(id="T1", aspect="A", title="t", lead="l", deadline=dt.date(2025, 1, 1))
    h = health(task, dt.date(2025, 6, 1))
    found = Warning(task, h, (Finding(Reason.STALE, 40), Finding(Reason.BEHIND, 0)))
    assert found.level is Level.YELLOW


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("done", Status.DONE),
        (" 推进中 ", Status.IN_PROGRESS),
        ("DONE", Status.DONE),
        ("已销号", Status.CLOSED),
    ],
)
def test_status_shortcut_accepts_what_parse_accepts(given_: str, expected: Status) -> None:
    task = Task.model_validate(
        {"id": "T1", "aspect": "A", "title": "t", "lead": "l", "ongoing": True, "status": given_}
    )
    assert task.status is expected
