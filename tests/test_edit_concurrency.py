"""Writers that are killed mid-way, and writers that run at the same time, lose nothing."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from rectify_cli.edit import update_task
from rectify_cli.edit_rules import TaskUpdate
from rectify_cli.models import TaskFile
from rectify_cli.store import load_ledger
from tests.helpers import tasks_text


def notes(root: Path, task_id: str) -> list[str]:
    """The task's log notes, read with tomllib from the bytes on disk (not through a cache)."""
    raw = (root / "tasks.toml").read_bytes()
    data = TaskFile.model_validate(tomllib.loads(raw.decode("utf-8")))
    (task,) = [t for t in data.tasks if t.id == task_id]
    return [e.note for e in task.log]


WRITER = """
import datetime as dt, sys
from rectify_cli.edit import update_task
from rectify_cli.edit_rules import TaskUpdate
root, task_id, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
while True:
    update_task(root, task_id, TaskUpdate(date=dt.date(2025, 10, 5), note=f"n{k}"))
    print("wrote", flush=True)
    k += 1
"""


@pytest.mark.slow
def test_a_writer_killed_at_any_moment_leaves_the_old_or_the_new_file(
    make_ledger: Any,
) -> None:
    root = make_ledger(tasks_text(300))  # ~110 kB: each write takes a few milliseconds
    task_id = "T0150"
    update_task(root, task_id, TaskUpdate(date=dt.date(2025, 10, 4), note="n0"))
    rng = random.Random(20251005)
    done = 1
    for _ in range(20):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), task_id, str(done)],
            stdout=subprocess.PIPE,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        # Let it finish 1-3 writes to learn how long one takes on this machine right now,
        # then kill it at a random moment of the next one: any point of read, lock, edit,
        # temporary file, fsync and rename can be hit.
        started = time.perf_counter()
        writes = rng.randint(1, 3)
        for _ in range(writes):
            assert child.stdout.readline() == b"wrote\n"
        per_write = (time.perf_counter() - started) / writes
        time.sleep(rng.uniform(0, per_write))
        child.kill()
        child.wait()
        child.stdout.close()
        # The file always loads, and the log is exactly the writes that completed, in order:
        # never a torn file, never a lost or half-written entry.
        got = notes(root, task_id)
        assert got[0] == "起始"
        assert got[1:] == [f"n{k}" for k in range(len(got) - 1)]
        assert len(got) - 1 >= done + writes
        done = len(got) - 1
        load_ledger(root)
    update_task(root, task_id, TaskUpdate(date=dt.date(2025, 10, 6), note="last"))
    assert not list(root.glob(".tasks.toml.*.tmp"))  # killed writers' temporaries are gone


# The core function, not the CLI: the same write path, and a third less to import in each
# of the 20 processes (the CLI's update is tested in test_update_cli.py).
RACER = """
import datetime as dt, os, sys, time
root, task_id, go = sys.argv[1], sys.argv[2], sys.argv[3]
from rectify_cli.edit import update_task
from rectify_cli.edit_rules import TaskUpdate
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
update_task(root, task_id, TaskUpdate(date=dt.date(2025, 10, 5), note=f"from {task_id}"))
"""


@pytest.mark.slow
def test_twenty_writers_at_once_lose_nothing(make_ledger: Any, tmp_path: Path) -> None:
    root = make_ledger(tasks_text(20))
    go = tmp_path / "go"
    ids = [f"T{i:04d}" for i in range(1, 21)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(root), task_id, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for task_id in ids
    ]
    for p in procs:  # all imported and waiting at the barrier: then they start at once
        assert p.stdout is not None and p.stdout.readline() == b"ready\n"
    go.write_text("", encoding="utf-8")
    results = [p.communicate(timeout=60) for p in procs]
    for p, (_, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err.decode("utf-8")
    ledger = load_ledger(root)
    for task_id in ids:
        task = ledger.task(task_id)
        assert task is not None
        assert [e.note for e in task.log] == ["起始", f"from {task_id}"]


UNDOER = """
import os, sys, time
root, go = sys.argv[1], sys.argv[2]
from rectify_cli.errors import WriteRefused
from rectify_cli.undo import undo
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
try:
    undo(root)
    print("undone", flush=True)
except WriteRefused as exc:
    if not exc.message.startswith("nothing to undo"):
        raise
    print("nothing", flush=True)
"""


@pytest.mark.slow
def test_twenty_processes_updating_and_undoing_at_once_leave_a_valid_ledger(
    make_ledger: Any, tmp_path: Path
) -> None:
    """14 updates of 14 tasks and 6 undos, all started at once: each undo takes back exactly
    one update that landed (or finds none yet), never a refusal, and `rectify check`
    accepts what is left."""
    from rectify_cli.check_folders import check_ledger
    from rectify_cli.journal import entries

    root = make_ledger(tasks_text(14))
    go = tmp_path / "go"
    ids = [f"T{i:04d}" for i in range(1, 15)]
    jobs = [[sys.executable, "-c", RACER, str(root), task_id, str(go)] for task_id in ids]
    jobs[3:3] = [[sys.executable, "-c", UNDOER, str(root), str(go)] for _ in range(6)]
    procs = [subprocess.Popen(job, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for job in jobs]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == b"ready\n"
    go.write_text("", encoding="utf-8")
    results = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err.decode("utf-8")
    undone = sum(out == b"undone\n" for out, _ in results)
    ledger, problems = check_ledger(root)
    assert problems == [] and ledger is not None
    kept = []
    for task_id in ids:
        task = ledger.task(task_id)
        assert task is not None
        notes = [e.note for e in task.log]
        assert notes in (["起始"], ["起始", f"from {task_id}"])
        kept += notes[1:]
    assert len(kept) == len(ids) - undone
    assert len(entries(root)) == len(kept)  # one entry for each update still in the file


UNDO_KILLED = """
import datetime as dt, sys
from rectify_cli.edit import update_task
from rectify_cli.edit_rules import TaskUpdate
from rectify_cli.errors import WriteRefused
from rectify_cli.undo import undo
root, task_id, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
while True:
    if k % 3 == 2:
        try:
            undo(root)
        except WriteRefused as exc:
            if not exc.message.startswith("nothing to undo"):
                raise
    else:
        update_task(root, task_id, TaskUpdate(date=dt.date(2025, 10, 5), note=f"n{k}"))
    print("wrote", flush=True)
    k += 1
"""


@pytest.mark.slow
def test_updates_and_undos_killed_at_any_moment_leave_the_old_or_the_new_file(
    make_ledger: Any,
) -> None:
    """A writer updating and undoing is killed at random moments: the file always loads and
    `rectify check` accepts it, and undo then walks back through every write that landed,
    each step accepted, to the very bytes the ledger started with."""
    root = make_ledger(tasks_text(300))
    original = (root / "tasks.toml").read_bytes()
    kill_at_random_then_undo_all(
        root, lambda k: [sys.executable, "-c", UNDO_KILLED, str(root), "T0150", str(k)], 20251207
    )
    assert (root / "tasks.toml").read_bytes() == original


ADDER = """
import datetime as dt, os, sys, time
root, k, go = sys.argv[1], sys.argv[2], sys.argv[3]
from rectify_cli.edit_add import NewTask, add_task
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
new = NewTask(title=f"新增任务 {k}", aspect="A1", lead="市局", date=dt.date(2025, 10, 5), ongoing=True)
add_task(root, new)
"""


@pytest.mark.slow
def test_twenty_adds_at_once_each_take_their_own_id(make_ledger: Any, tmp_path: Path) -> None:
    """The next id is chosen under the lock: twenty adds at once get twenty ids, none lost."""
    root = make_ledger(tasks_text(20))
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, str(root), str(k), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for k in range(20)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == b"ready\n"
    go.write_text("", encoding="utf-8")
    results = [p.communicate(timeout=60) for p in procs]
    for p, (_, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err.decode("utf-8")
    tasks = load_ledger(root).tasks
    assert [t.id for t in tasks] == [f"T{i:04d}" for i in range(1, 41)]
    assert sorted(t.title for t in tasks[20:]) == sorted(f"新增任务 {k}" for k in range(20))


# One write of any verb, by its core function (the CLI's are tested in test_edit_verbs.py,
# test_add.py and test_petition_write.py): `job` names the verb, `k` makes it distinct.
VERB = """
import datetime as dt
from rectify_cli.edit import update_task
from rectify_cli.edit_add import NewTask, add_task
from rectify_cli.edit_petition import CaseUpdate, update_petition
from rectify_cli.edit_rules import TaskUpdate
from rectify_cli.errors import WriteRefused
from rectify_cli.task_edits import TaskEdit
from rectify_cli.task_verbs import change_task, drop_task, postpone_task
from rectify_cli.undo import undo

DAY = dt.date(2025, 10, 5)


def one(root, job, k, target):
    if job == "edit":
        change_task(root, target, TaskEdit(date=DAY, title=f"改名{k}", note=f"e{k}"))
    elif job == "notes":
        change_task(root, target, TaskEdit(date=DAY, notes=f"备注{k}", note=f"m{k}"))
    elif job == "postpone":
        postpone_task(root, target, DAY + dt.timedelta(days=100 + k), f"p{k}", DAY)
    elif job == "cancel":
        drop_task(root, target, f"c{k}", DAY)
    elif job == "fold":
        drop_task(root, target, f"f{k}", DAY, into="T0001")
    elif job == "add":
        add_task(root, NewTask(title=f"新增任务 {k}", aspect="A1", lead="市局", date=DAY, ongoing=True))
    elif job == "update":
        update_task(root, target, TaskUpdate(date=DAY, note=f"n{k}"))
    elif job == "petition":
        update_petition(root, target, CaseUpdate(date=DAY, note=f"x{k}"))
    elif job == "undo":
        try:
            undo(root)
        except WriteRefused as exc:
            if not exc.message.startswith("nothing to undo"):
                raise
            return "nothing"
        return "undone"
    return "wrote"
"""

CASES = """\
version = 1

[[petitions]]
id = "X1"
title = "夜间噪声扰民"
received = 2025-07-01
category = "noise"

[[petitions]]
id = "X2"
title = "河道垃圾"
received = 2025-07-03
category = "water"
"""

VERB_RACER = (
    VERB
    + """
import os, sys, time
root, job, k, target, go = sys.argv[1:]
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
print(one(root, job, int(k), target), flush=True)
"""
)


@pytest.mark.slow
def test_twenty_processes_of_every_verb_at_once_lose_nothing(
    make_ledger: Any, tmp_path: Path
) -> None:
    """edit, postpone, cancel, fold, add, petition update and undo, twenty processes started
    at once on one ledger: every write that landed is there whole, each undo took back
    exactly one, the journal holds one entry per write still in the files, and
    `rectify check` accepts the ledger."""
    from rectify_cli.check_folders import check_ledger
    from rectify_cli.journal import entries
    from rectify_cli.store import load_petitions

    root = make_ledger(tasks_text(14))
    (root / "petitions.toml").write_text(CASES, encoding="utf-8")
    go = tmp_path / "go"
    jobs = [
        *(("edit", f"T{i:04d}") for i in (2, 3, 4)),
        *(("postpone", f"T{i:04d}") for i in (5, 6, 7)),
        *(("cancel", f"T{i:04d}") for i in (8, 9, 10)),
        *(("fold", f"T{i:04d}") for i in (11, 12, 13)),
        *(("add", "-") for _ in range(3)),
        ("petition", "X1"),
        ("petition", "X2"),
        ("undo", "-"),
        ("undo", "-"),
        ("undo", "-"),
    ]
    assert len(jobs) == 20
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", VERB_RACER, str(root), job, str(k), target, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for k, (job, target) in enumerate(jobs)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == b"ready\n"
    go.write_text("", encoding="utf-8")
    results = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err.decode("utf-8")
    undone = sum(out == b"undone\n" for out, _ in results)
    ledger, problems = check_ledger(root)
    assert problems == [] and ledger is not None
    kept = 0
    for k, (job, target) in enumerate(jobs):
        task = ledger.task(target)
        if job in ("edit", "postpone", "cancel", "fold"):
            assert task is not None
            notes = [e.note for e in task.log]
            # All of a write or none of it: the field and its log entry together.
            landed = {
                "edit": task.title == f"改名{k}",
                "postpone": task.deadline == dt.date(2025, 10, 5) + dt.timedelta(days=100 + k),
                "cancel": task.status.value == "cancelled",
                "fold": task.status.value == "merged" and task.merged_into == "T0001",
            }[job]
            assert notes == (["起始", notes[-1]] if landed else ["起始"]), (job, notes)
            kept += landed
        elif job == "petition":
            (case,) = [c for c in load_petitions(root).petitions if c.id == target]  # type: ignore[union-attr]
            assert [e.note for e in case.log] in ([], [f"x{k}"])
            kept += len(case.log)
    added = [t for t in ledger.tasks if t.id > "T0014"]
    assert sorted(t.title for t in added) <= sorted(f"新增任务 {k}" for k in range(12, 15))
    assert all(t.title.startswith("新增任务 ") for t in added)
    kept += len(added)
    assert kept == len(jobs) - 3 - undone
    assert len(entries(root)) == kept
    untouched = ledger.task("T0014")
    assert untouched is not None and [e.note for e in untouched.log] == ["起始"]


VERB_KILLED = (
    VERB
    + """
import sys
root, k = sys.argv[1], int(sys.argv[2])
CYCLE = ["update", "edit", "postpone", "cancel", "undo", "fold", "add", "petition", "notes"]
print("ready", flush=True)
while True:
    job = CYCLE[k % len(CYCLE)]
    # cancel and fold end a task: each k takes its own (k never repeats across children).
    target = {"cancel": f"T{k + 2:04d}", "fold": f"T{k + 2:04d}", "petition": "X1"}.get(job, "T0150")
    one(root, job, k, target)
    print("wrote", flush=True)
    k += 1
"""
)


@pytest.mark.slow
def test_every_verb_killed_at_any_moment_leaves_the_old_or_the_new_file(
    make_ledger: Any,
) -> None:
    """A writer cycling through update, edit, postpone, cancel, fold, add, petition update
    and undo is killed at random moments: each file always loads and `rectify check`
    accepts the ledger, and undo then walks back through every write that landed, each
    step accepted, to the very bytes both files started with."""

    root = make_ledger(tasks_text(300))
    (root / "petitions.toml").write_text(CASES, encoding="utf-8")
    original = {name: (root / name).read_bytes() for name in ("tasks.toml", "petitions.toml")}
    kill_at_random_then_undo_all(
        root, lambda k: [sys.executable, "-c", VERB_KILLED, str(root), str(k)], 20251208
    )
    assert {name: (root / name).read_bytes() for name in original} == original


def kill_at_random_then_undo_all(root: Path, argv: Any, seed: int) -> None:
    """Ten children, each started with `argv(k)` and killed after one to three writes at a
    random moment: after each kill the ledger passes check and T0150's notes are unique;
    then undo walks back through every write that landed, each step accepted."""
    from rectify_cli.check_folders import check_ledger
    from rectify_cli.errors import WriteRefused
    from rectify_cli.undo import undo

    rng = random.Random(seed)
    k = 0
    for _ in range(10):
        child = subprocess.Popen(argv(k), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        started = time.perf_counter()
        writes = rng.randint(1, 3)
        for _ in range(writes):
            line = child.stdout.readline()
            assert line == b"wrote\n", child.communicate()[1].decode("utf-8")
        per_write = (time.perf_counter() - started) / writes
        time.sleep(rng.uniform(0, per_write))
        child.kill()
        child.communicate()
        # A child may land a write or two more between the last line read and the kill
        # (on a loaded machine); the next child starts well past them, so no postponement
        # date, cancelled task or note repeats one that landed unseen.
        k += writes + 9
        ledger, problems = check_ledger(root)
        assert problems == [] and ledger is not None
        notes = [e.note for e in ledger.task("T0150").log]  # type: ignore[union-attr]
        assert notes[0] == "起始" and len(set(notes)) == len(notes)
    while True:
        try:
            undo(root)
        except WriteRefused as exc:
            assert exc.message.startswith("nothing to undo"), exc.message
            break
        assert check_ledger(root)[1] == []
