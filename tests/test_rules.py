"""The task-state rules (rules.py) and "finished" (kinds.FINISHED): one definition, and
`check`, `update` and `import` all follow it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rectify_cli import rules
from rectify_cli.edit_rules import TaskUpdate
from rectify_cli.kinds import FINISHED, STATUS_GROUPS, Status

D = dt.date(2025, 10, 1)


def test_finished_is_done_or_closed() -> None:
    assert {s for s in Status if s.is_finished} == {Status.DONE, Status.CLOSED} == FINISHED
    # every status is open, finished or out of the plan (cancelled, merged): one of the three
    assert all([s.is_open, s.is_finished, s.is_dropped].count(True) == 1 for s in Status)
    assert STATUS_GROUPS["completed"] is FINISHED


def test_the_rules() -> None:
    for s in Status:
        finished = s in (Status.DONE, Status.CLOSED)
        assert rules.lacks_completed_on(s, None) is finished
        assert not rules.lacks_completed_on(s, D)
        assert rules.completed_on_too_soon(s, D) is not finished
        assert not rules.completed_on_too_soon(s, None)
        assert rules.progress_off(s, 80) is finished
        assert not rules.progress_off(s, 100) and not rules.progress_off(s, None)
        assert rules.lacks_evidence(s, []) is (s is Status.CLOSED)
        assert not rules.lacks_evidence(s, ["验收报告.pdf"])


def test_only_a_note() -> None:
    assert rules.only_a_note(TaskUpdate(date=D, note="补记", by="王"))
    assert rules.only_a_note(TaskUpdate(date=D))
    for asked in (
        {"status": Status.DONE},
        {"progress": 100},
        {"deadline": D},
        {"evidence": ("a.pdf",)},
        {"reopen": True},
    ):
        assert not rules.only_a_note(TaskUpdate(date=D, note="x", **asked))


def test_the_rules_module_is_core() -> None:
    """No typer, rich or Pydantic behind the rules: plain records follow them too."""
    text = Path(rules.__file__).read_text(encoding="utf-8")
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert imports and not [
        line for line in imports for name in ("typer", "rich", "pydantic") if name in line
    ]
