"""rectify merge on texts (no git): what each kind of concurrent change merges to."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.merge import GITATTRIBUTES, install, merge_text
from tests.conftest import MINIMAL_TASKS, invoke_en
from tests.programs import need_program

BASE = (
    "# the office's own comment, kept\n"
    + MINIMAL_TASKS
    + """
[[tasks.log]]
date = 2025-05-01
progress = 50

[[tasks]]
id = "T2"
aspect = "A1"  # 大气
title = "整治入河排污口"
lead = "市水利局"
ongoing = true
status = "in_progress"
"""
)


def _with(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _log(date: str, note: str) -> str:
    return f'\n[[tasks.log]]\ndate = {date}\nnote = "{note}"\n'


def test_one_side_changed_takes_that_side_byte_for_byte() -> None:
    ours = _with(BASE, 'lead = "市水利局"', 'lead = "市水利局"   # typed   like this')
    assert merge_text(BASE, ours, BASE, "tasks.toml").text == ours
    assert merge_text(BASE, BASE, ours, "tasks.toml").text == ours


def test_logs_added_on_both_sides_are_kept_in_date_order_and_once() -> None:
    same = _log("2025-06-02", "both")
    ours = BASE + same + _log("2025-06-03", "ours")
    theirs = BASE + _log("2025-06-01", "theirs") + same
    merged = merge_text(BASE, ours, theirs, "tasks.toml")
    assert merged.conflicts == []
    log = tomllib.loads(merged.text)["tasks"][1]["log"]
    assert [e["note"] for e in log] == ["theirs", "both", "ours"]
    assert merged.text.startswith("# the office's own comment, kept\n")
    assert 'aspect = "A1"  # 大气' in merged.text


def test_different_fields_of_one_task_both_apply() -> None:
    ours = _with(BASE, "progress = 50\n\n[[tasks.log]]", "progress = 60\n\n[[tasks.log]]")
    theirs = _with(BASE, 'lead = "市生态环境局"', 'lead = "市生态环境局"\nowner = "王"')
    theirs = _with(theirs, 'lead = "市水利局"', 'lead = "市水务局"')
    merged = merge_text(BASE, ours, theirs, "tasks.toml")
    assert merged.conflicts == []
    t1, t2 = tomllib.loads(merged.text)["tasks"]
    assert (t1["progress"], t1["owner"], t2["lead"]) == (60, "王", "市水务局")
    # Only the lines each side changed differ from ours.
    assert merged.text == _with(
        _with(ours, 'lead = "市生态环境局"', 'lead = "市生态环境局"\nowner = "王"'),
        'lead = "市水利局"',
        'lead = "市水务局"',
    )


def test_a_field_changed_differently_is_marked_on_its_line_alone() -> None:
    ours = _with(BASE, 'lead = "市水利局"', 'lead = "ours"') + _log("2025-06-01", "o")
    theirs = _with(BASE, 'lead = "市水利局"', 'lead = "theirs"') + _log("2025-06-02", "t")
    merged = merge_text(BASE, ours, theirs, "tasks.toml")
    assert len(merged.conflicts) == 1
    assert "task T2" in merged.conflicts[0] and "field lead" in merged.conflicts[0]
    assert '<<<<<<< ours\nlead = "ours"\n=======\nlead = "theirs"\n>>>>>>> theirs\n' in (
        merged.text
    )
    assert merged.text.count("=======") == 1
    assert 'note = "o"' in merged.text and 'note = "t"' in merged.text


def test_tasks_added_on_both_sides_under_one_id_are_both_kept() -> None:
    new = '\n[[tasks]]\nid = "T3"\naspect = "A1"\ntitle = "{}"\nlead = "局"\nongoing = true\n'
    merged = merge_text(BASE, BASE + new.format("ours"), BASE + new.format("theirs"), "t")
    assert merged.conflicts == []
    assert merged.notes and "T3" in merged.notes[0] and "T4" in merged.notes[0]
    titles = {t["id"]: t["title"] for t in tomllib.loads(merged.text)["tasks"]}
    assert (titles["T3"], titles["T4"]) == ("ours", "theirs")


def test_readings_recorded_on_both_sides_keep_both_the_later_current() -> None:
    base = 'version = 1\n\n[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "lower"\n'
    base += 'value = 30\nperiod = "2025-09"\n'
    old = '\n[[indicators.history]]\nvalue = 30\nperiod = "2025-09"\n'

    def reading(value: int, period: str, day: str) -> str:
        return (
            _with(
                base, 'value = 30\nperiod = "2025-09"\n', f'value = {value}\nperiod = "{period}"\n'
            ).rstrip("\n")
            + f"\nrecorded = {day}\n"
            + old
        )

    ours, theirs = reading(28, "2025-11", "2025-12-01"), reading(29, "2025-10", "2025-11-01")
    merged = merge_text(base, ours, theirs, "indicators.toml")
    assert merged.conflicts == []
    pm25 = tomllib.loads(merged.text)["indicators"][0]
    assert (pm25["value"], pm25["period"]) == (28, "2025-11")
    assert [(r["value"], r["period"]) for r in pm25["history"]] == [
        (30, "2025-09"),
        (29, "2025-10"),
    ]


def test_removed_on_one_side_and_changed_on_the_other_is_a_conflict() -> None:
    gone = BASE[: BASE.index('\n[[tasks]]\nid = "T2"')] + "\n"
    changed = _with(BASE, 'lead = "市水利局"', 'lead = "市水务局"')
    merged = merge_text(BASE, gone, changed, "tasks.toml")
    assert merged.conflicts and "T2" in merged.conflicts[0]
    assert "<<<<<<< ours\n=======\n" in merged.text


def test_the_driver_replaces_ours_and_exits_1_on_a_conflict(tmp_path: Path) -> None:
    paths = []
    for name, lead in (("base", "市水利局"), ("ours", "a"), ("theirs", "b")):
        paths.append(tmp_path / name)
        paths[-1].write_text(_with(BASE, 'lead = "市水利局"', f'lead = "{lead}"'), "utf-8")
    code, _, err = invoke_en(CliRunner(), "merge", *map(str, paths), "data/tasks.toml")
    assert code == 1
    assert "data/tasks.toml: task T2: field lead" in err
    assert "<<<<<<< ours" in paths[1].read_text("utf-8")


def test_install_appends_to_gitattributes_and_never_clobbers(tmp_path: Path) -> None:
    git = need_program("git", purpose="rectify merge --install", apt="git")
    subprocess.run([git, "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitattributes").write_text("*.xlsx binary", encoding="utf-8")
    install(tmp_path)
    install(tmp_path)  # twice: nothing added again
    lines = (tmp_path / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert lines == ["*.xlsx binary", *GITATTRIBUTES]
    driver = subprocess.run(
        [git, "config", "merge.rectify.driver"], cwd=tmp_path, capture_output=True, text=True
    )
    assert driver.stdout.strip() == "rectify merge %O %A %B %P"


def test_install_outside_git_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "tasks.toml").write_text(MINIMAL_TASKS, encoding="utf-8")
    code, _, err = invoke_en(CliRunner(), "merge", "--install", "--ledger", str(tmp_path))
    assert code == 2 and "not in a git repository" in err
    assert not (tmp_path / ".gitattributes").exists()


def test_changes_fine_alone_but_not_together_are_a_conflict() -> None:
    ours = _with(
        BASE,
        'ongoing = true\nstatus = "in_progress"\n',
        'ongoing = true\nstatus = "in_progress"\nprogress = 60\n',
    )
    theirs = _with(
        BASE,
        'ongoing = true\nstatus = "in_progress"\n',
        'ongoing = true\nstatus = "done"\ncompleted_on = 2025-06-01\n',
    )
    merged = merge_text(BASE, ours, theirs, "tasks.toml")
    assert len(merged.conflicts) == 1
    assert "would not pass rectify check" in merged.conflicts[0]
    assert "T2" in merged.conflicts[0]


def test_two_corrections_of_one_period_are_a_conflict_not_two_readings() -> None:
    base = 'version = 1\n\n[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "lower"\n'
    base += 'value = 30\nperiod = "2025-09"\n'
    ours, theirs = (_with(base, "value = 30", f"value = {v}") for v in (31, 32))
    merged = merge_text(base, ours, theirs, "indicators.toml")
    assert len(merged.conflicts) == 1 and "value" in merged.conflicts[0]
    assert "<<<<<<< ours\nvalue = 31\n=======\nvalue = 32\n>>>>>>> theirs\n" in merged.text


def test_a_new_entry_goes_in_by_date_and_ours_keep_their_order() -> None:
    # Ours were typed out of date order: they stay so; theirs goes after the last one of
    # ours dated no later.
    ours = BASE + _log("2025-06-05", "o late") + _log("2025-06-01", "o early")
    theirs = BASE + _log("2025-06-03", "t")
    merged = merge_text(BASE, ours, theirs, "tasks.toml")
    log = tomllib.loads(merged.text)["tasks"][1]["log"]
    assert [e["note"] for e in log] == ["o late", "o early", "t"]
    assert merged.text.startswith(ours)
