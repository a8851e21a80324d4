"""Every ledger write path loses nothing: `update`, `record` and `import` killed at any
moment, or run at the same time as each other; `init` never clobbers and writes each file
whole.  (test_edit_concurrency.py has the update-only cases; these mix the writers.)"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from rectify_cli import errors
from rectify_cli.edit import record_reading, update_task
from rectify_cli.edit_rules import NewReading, TaskUpdate
from rectify_cli.errors import LedgerExists
from rectify_cli.models import IndicatorFile, Task, TaskFile
from rectify_cli.scaffold import init_ledger
from rectify_cli.store import load_ledger
from tests.helpers import tasks_text


def indicators_text(n: int) -> str:
    return "version = 1\n" + "".join(
        f'\n[[indicators]]\nid = "I{i:02d}"\nname = "指标{i}"\nbetter = "lower"\n'
        f'value = 0\nperiod = "p0"\n'
        for i in range(1, n + 1)
    )


def on_disk(root: Path) -> tuple[TaskFile, IndicatorFile]:
    """Both files as tomllib reads the bytes on disk (no cache, no rtoml)."""
    tasks = TaskFile.model_validate(tomllib.loads((root / "tasks.toml").read_text("utf-8")))
    raw = (root / "indicators.toml").read_text("utf-8")
    return tasks, IndicatorFile.model_validate(tomllib.loads(raw))


def new_task(ident: str) -> Task:
    return Task(id=ident, aspect="A1", title=f"导入的任务 {ident}", lead="市水利局", ongoing=True)


# One step of each writer: what `update`, `record` and `import` do, through the same core
# functions the commands call.
STEP = """
import datetime as dt
from rectify_cli.edit import record_reading, update_task
from rectify_cli.edit_rules import NewReading, TaskUpdate
from rectify_cli.edit_import import import_tasks
from rectify_cli.models import Task

def step(root, kind, target, k):
    if kind == "update":
        update_task(root, target, TaskUpdate(date=dt.date(2025, 10, 5), note=f"n{k}"))
    elif kind == "record":
        record_reading(root, target, NewReading(value=k, period=f"p{k}"))
    else:
        task = Task(id=f"N{k:03d}", aspect="A1", title=f"导入的任务 N{k:03d}",
                    lead="市水利局", ongoing=True)
        import_tasks(root, [], [task], [])
"""

KILLED = (
    STEP
    + """
import sys
from pathlib import Path
root, k = Path(sys.argv[1]), int(sys.argv[2])
print("ready", flush=True)
while True:
    step(root, ("update", "record", "import")[k % 3], ("T0150", "I01", None)[k % 3], k)
    print("wrote", flush=True)
    k += 1
"""
)


@pytest.mark.slow
def test_update_record_and_import_killed_at_any_moment_leave_every_completed_write(
    make_ledger: Any,
) -> None:
    """One writer cycles update, record and import and is killed at a random moment of a
    write, again and again: both files always load, and hold exactly the writes that
    completed (the one being killed may have landed or not), in order, none torn."""
    root = make_ledger(tasks_text(300), indicators_text(3))
    rng = random.Random(20251006)
    done = 0  # writes known complete: k = 0 .. done-1
    for _ in range(9):
        child = subprocess.Popen(
            [sys.executable, "-c", KILLED, str(root), str(done)], stdout=subprocess.PIPE
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        started = time.perf_counter()
        writes = rng.randint(1, 3)
        for _ in range(writes):
            assert child.stdout.readline() == b"wrote\n"
        per_write = (time.perf_counter() - started) / writes
        time.sleep(rng.uniform(0, per_write))
        child.kill()
        child.wait()
        child.stdout.close()

        tasks, indicators = on_disk(root)
        (t,) = [t for t in tasks.tasks if t.id == "T0150"]
        notes = [e.note for e in t.log][1:]  # after the first, "起始"
        (ind,) = [i for i in indicators.indicators if i.id == "I01"]
        periods = [r.period for r in ind.history] + [ind.period or ""]
        imported = [t.id for t in tasks.tasks if t.id.startswith("N")]
        landed = [int(n[1:]) for n in notes] + [int(p[1:]) for p in periods[1:]]
        landed += [int(i[1:]) for i in imported]
        # Every write up to the last one that landed, each exactly once: none lost or doubled.
        assert sorted(landed) == list(range(len(landed)))
        assert len(landed) >= done + writes
        assert [int(n[1:]) % 3 for n in notes] == [0] * len(notes)
        assert ind.value == (int(periods[-1][1:]) if len(periods) > 1 else 0)
        done = len(landed)
        load_ledger(root)
    assert done >= 9
    update_task(root, "T0150", TaskUpdate(date=dt.date(2025, 10, 6), note="last"))
    record_reading(root, "I01", NewReading(value=1, period="last"))
    leftovers = list(root.glob(".*.tmp"))
    assert leftovers == []  # killed writers' temporaries are removed by the next writer


RACER = (
    STEP
    + """
import os, sys, time
from pathlib import Path
root, kind, target, k, go = sys.argv[1:]
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
step(Path(root), kind, target, int(k))
"""
)


@pytest.mark.slow
def test_twenty_mixed_writers_at_once_lose_nothing(make_ledger: Any, tmp_path: Path) -> None:
    """Updates, records and imports into the same two files, all started at once: each
    waits for the lock in turn and every one lands."""
    root = make_ledger(tasks_text(8), indicators_text(7))
    go = tmp_path / "go"
    jobs = (
        [("update", f"T{i:04d}") for i in range(1, 8)]
        + [("record", f"I{i:02d}") for i in range(1, 8)]
        + [("import", "-")] * 6
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(root), kind, target, str(100 + n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n, (kind, target) in enumerate(jobs)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == b"ready\n"
    go.write_text("", encoding="utf-8")
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode("utf-8")
    ledger = load_ledger(root)
    assert ledger == load_ledger(root)  # and the cache agrees with the files
    tasks, indicators = on_disk(root)
    by_id = {t.id: t for t in tasks.tasks}
    for n, (kind, target) in enumerate(jobs):
        k = 100 + n
        if kind == "update":
            assert [e.note for e in by_id[target].log] == ["起始", f"n{k}"]
        elif kind == "record":
            (ind,) = [i for i in indicators.indicators if i.id == target]
            assert (ind.value, ind.period, [r.period for r in ind.history]) == (k, f"p{k}", ["p0"])
        else:
            assert by_id[f"N{k:03d}"] == new_task(f"N{k:03d}")
    assert len(tasks.tasks) == 8 + 6


# --------------------------------------------------------------------------- init


def test_init_refuses_every_existing_file_and_writes_none(tmp_path: Path) -> None:
    for existing in ("tasks.toml", "indicators.toml"):
        root = tmp_path / existing
        root.mkdir()
        (root / existing).write_text("# mine\n", encoding="utf-8")
        with pytest.raises(LedgerExists):
            init_ledger(root, "新台账")
        assert sorted(p.name for p in root.iterdir()) == [existing]
        assert (root / existing).read_text(encoding="utf-8") == "# mine\n"


def test_init_never_replaces_a_file_created_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program (a second `rectify init`, an editor) saves tasks.toml between init's
    check and its write: that file is kept, and init says so."""
    root = tmp_path / "new"

    def theirs_first(real: Any) -> Any:
        def put(src: Any, dst: Any) -> None:
            if Path(dst).name == "tasks.toml" and not Path(dst).exists():
                Path(dst).write_text("# theirs\n", encoding="utf-8")
            real(src, dst)

        return put

    def made_meanwhile(real: Any) -> Any:
        def move(src: Any, dst: Any) -> None:
            if Path(dst) == root:
                root.mkdir()
                (root / "tasks.toml").write_text("# theirs\n", encoding="utf-8")
            real(src, dst)

        return move

    # The ledger is built beside and moved in: the other program saves just before the
    # folder is renamed into place, or just before tasks.toml is linked into it.
    monkeypatch.setattr("rectify_cli.scaffold.os.rename", made_meanwhile(os.rename))
    with pytest.raises(errors.OutputExists):
        init_ledger(root, "新台账")
    assert (root / "tasks.toml").read_text(encoding="utf-8") == "# theirs\n"
    assert not (root / "indicators.toml").exists()  # taken back: theirs is not init's ledger
    assert [p.name for p in tmp_path.iterdir()] == ["new"]  # nor the folder it was built in
    monkeypatch.undo()
    (root / "tasks.toml").unlink()
    (root / "schema").rename(tmp_path / "schema")
    real_link = os.link

    def into_root(src: Any, dst: Any) -> None:
        (theirs_first(real_link) if Path(dst).parent == root else real_link)(src, dst)

    monkeypatch.setattr("rectify_cli.scaffold.os.link", into_root)
    with pytest.raises(errors.OutputExists):
        init_ledger(root, "新台账")
    assert (root / "tasks.toml").read_text(encoding="utf-8") == "# theirs\n"
    assert not (root / "indicators.toml").exists()


def test_init_writes_each_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing (a full disk) leaves no half file and no temporary behind."""
    root = tmp_path / "new"

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rectify_cli.outputs.os.fsync", full_disk)
    with pytest.raises(errors.OutputFailed, match="No space left on device"):
        init_ledger(root, "新台账")
    assert not (root / "tasks.toml").exists() and not (root / "indicators.toml").exists()
    assert not list(root.rglob("*.tmp"))
