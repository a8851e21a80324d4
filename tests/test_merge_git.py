"""rectify merge as git's merge driver, driven through real git: two clones edit one ledger
at once, `git pull` merges with the driver, and nothing anyone recorded is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.programs import need_program

CAT = "air"


@pytest.fixture
def git() -> str:
    return need_program("git", purpose="the merge driver tests", apt="git")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="clerk",
        GIT_AUTHOR_EMAIL="clerk@example.org",
        GIT_COMMITTER_NAME="clerk",
        GIT_COMMITTER_EMAIL="clerk@example.org",
    )
    env.pop("RECTIFY_LEDGER", None)
    return env


class Repo:
    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path, self.env = path, env

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(args), cwd=self.path, env=self.env, capture_output=True, text=True, check=False
        )
        if ok:
            assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    def rectify(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("rectify", *args, "--lang", "en", "--ledger", ".")

    def commit(self, message: str) -> None:
        self.run("git", "add", "-A")
        self.run("git", "commit", "-q", "-m", message)

    def data(self, name: str) -> dict[str, Any]:
        return tomllib.loads((self.path / name).read_text(encoding="utf-8"))


def _clones(tmp_path: Path) -> tuple[Repo, Repo]:
    """An origin holding the sample ledger (and one petition case), set up for the driver,
    and two clones of it, each with the driver configured."""
    env = _env(tmp_path)
    origin = Repo(tmp_path / "origin", env)
    Repo(tmp_path, env).run("rectify", "init", "--sample", "origin")
    (origin.path / "petitions.toml").unlink()
    origin.run("git", "init", "-q", "-b", "main")
    origin.rectify("merge", "--install")
    origin.rectify(
        "petition", "add", "X001", "--title", "dust", "--category", CAT, "--date", "2025-10-01"
    )
    origin.commit("ledger")
    origin.run("git", "config", "receive.denyCurrentBranch", "updateInstead")
    clones = []
    for name in ("a", "b"):
        Repo(tmp_path, env).run("git", "clone", "-q", str(origin.path), name)
        clone = Repo(tmp_path / name, env)
        clone.rectify("merge", "--install")
        clones.append(clone)
    return clones[0], clones[1]


def test_concurrent_edits_of_every_kind_merge_on_pull(git: str, tmp_path: Path) -> None:
    a, b = _clones(tmp_path)
    # Clone a: progress and a note on T07, a new task, a reading, a case's update and a case.
    a.rectify("update", "T07", "--progress", "80", "-m", "a on T07", "--date", "2025-10-02")
    a.rectify("update", "T16", "-m", "a on T16", "--date", "2025-10-05")
    a.rectify(
        "add",
        "-t",
        "new by a",
        "-a",
        "A1",
        "--lead",
        "office a",
        "--ongoing",
        "--date",
        "2025-10-03",
    )
    a.rectify("record", "pm25", "29", "--period", "2025-01/10", "--date", "2025-11-05")
    a.rectify("petition", "update", "X001", "-m", "a visited", "--date", "2025-10-04")
    a.rectify("petition", "add", "X002", "-t", "noise", "--category", CAT, "--date", "2025-10-04")
    a.commit("a")
    a.run("git", "push", "-q", "origin", "main")
    # Clone b, at the same time: another field and another note on T07, a task under the
    # same new id, a later reading, the same case updated and another case.
    b.rectify("edit", "T07", "--lead", "office b", "-m", "b on T07", "--date", "2025-10-01")
    b.rectify("update", "T16", "-m", "b on T16", "--date", "2025-10-04")
    b.rectify(
        "add",
        "-t",
        "new by b",
        "-a",
        "A2",
        "--lead",
        "office b",
        "--ongoing",
        "--date",
        "2025-10-06",
    )
    b.rectify("record", "pm25", "28", "--period", "2025-01/11", "--date", "2025-12-05")
    b.rectify("petition", "update", "X001", "-m", "b called", "--date", "2025-10-03")
    b.rectify("petition", "add", "X003", "-t", "smell", "--category", CAT, "--date", "2025-10-05")
    b.commit("b")
    pulled = b.run("git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert "T25" in pulled.stderr and "T26" in pulled.stderr  # the renumbering is told
    assert b.run("git", "diff", "--name-only", "--diff-filter=U").stdout == ""
    b.rectify("check")

    tasks = {t["id"]: t for t in b.data("tasks.toml")["tasks"]}
    t07 = tasks["T07"]
    assert t07["progress"] == 80 and t07["lead"] == "office b"
    notes = [e.get("note") for e in t07["log"]]
    assert {"a on T07", "b on T07"} <= set(notes)
    dates = [e["date"] for e in t07["log"]]
    assert dates == sorted(dates)
    t16_notes = [e.get("note") for e in tasks["T16"]["log"]]
    assert t16_notes.index("b on T16") < t16_notes.index("a on T16")
    assert {tasks["T25"]["title"], tasks["T26"]["title"]} == {"new by a", "new by b"}

    pm25 = {i["id"]: i for i in b.data("indicators.toml")["indicators"]}["pm25"]
    assert (pm25["value"], pm25["period"]) == (28, "2025-01/11")
    history = {(r["value"], r["period"]) for r in pm25["history"]}
    assert {(29, "2025-01/10"), (30, "2025-01/09")} <= history

    cases = {p["id"]: p for p in b.data("petitions.toml")["petitions"]}
    assert set(cases) == {"X001", "X002", "X003"}
    case_notes = [e.get("note") for e in cases["X001"]["log"]]
    assert {"a visited", "b called"} <= set(case_notes)

    # The merged history pushes back cleanly and a fast-forwards to the same ledger.
    b.run("git", "push", "-q", "origin", "main")
    a.run("git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert a.data("tasks.toml") == b.data("tasks.toml")


def test_a_same_field_conflict_is_left_to_a_person(git: str, tmp_path: Path) -> None:
    a, b = _clones(tmp_path)
    a.rectify("edit", "T03", "--lead", "office a", "--date", "2025-10-02")
    a.rectify("update", "T05", "-m", "a on T05", "--date", "2025-10-02")
    a.commit("a")
    a.run("git", "push", "-q", "origin", "main")
    b.rectify("edit", "T03", "--lead", "office b", "--date", "2025-10-03")
    b.rectify("update", "T06", "-m", "b on T06", "--date", "2025-10-03")
    b.commit("b")
    pulled = b.run("git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", ok=False)
    assert pulled.returncode != 0
    assert "T03" in pulled.stderr and "lead" in pulled.stderr
    assert b.run("git", "diff", "--name-only", "--diff-filter=U").stdout.split() == ["tasks.toml"]
    text = (b.path / "tasks.toml").read_text(encoding="utf-8")
    assert text.count("<<<<<<<") == 1
    conflict = text[text.index("<<<<<<<") : text.index(">>>>>>>")]
    assert conflict.splitlines()[1:] == ['lead = "office b"', "=======", 'lead = "office a"']
    # Everything else merged: both notes and both T03 log entries are there.
    assert "a on T05" in text and "b on T06" in text
    assert text.count("lead: ") >= 2
