"""Time `rectify update` on large generated ledgers (a benchmark, not a test).

Each size gets a fresh copy of a generated ledger and a fresh cache folder, then:
- one cold run: no stamp yet, so update validates the whole file once (as after a hand edit
  or a `git pull`), then writes;
- N warm runs: the file's content is stamped as validated, so update parses only the task's
  own block.  Every run really writes (the progress changes each time).

Every run is a whole `rectify update` process, interpreter start-up and imports included;
`rectify --version`, run between the updates, shows how much of it is start-up alone.

    python benchmarks/bench_update.py [--tasks 10000,100000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ledger_dir

BUDGET = {10_000: 0.5, 100_000: 3.0}


def middle_open_task(tasks_toml: Path) -> str:
    """An in-progress task near the middle of the file, so the edit is not at either end."""
    text = tasks_toml.read_text(encoding="utf-8")
    found = re.findall(r'(?m)^id = "([^"]+)"\n(?:[^\[\n][^\n]*\n)*?status = "in_progress"', text)
    if not found:
        raise SystemExit(f"{tasks_toml}: no in-progress task to update")
    return str(found[len(found) // 2])


CPU: list[float] = []  # CPU seconds (user + system) of each run, where the OS tells


def _children_cpu() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one process; its CPU seconds go to CPU (steadier on a busy machine)."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, encoding="utf-8")
    elapsed = time.perf_counter() - started
    cpu_after = _children_cpu()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    if cpu_before is not None and cpu_after is not None:
        CPU.append(cpu_after - cpu_before)
    return elapsed


def bench(n_tasks: int, runs: int, scratch: Path) -> dict[str, float]:
    source = ledger_dir(n_tasks)
    ledger = scratch / f"ledger-{n_tasks}"
    shutil.copytree(source, ledger)
    task_id = middle_open_task(ledger / "tasks.toml")
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "RECTIFY_LEDGER": str(ledger),
        "RECTIFY_CACHE_DIR": str(scratch / f"cache-{n_tasks}"),
        "RECTIFY_BY": "bench",
        # Compiled bytecode is cached as in any installation (some sandboxes turn that off,
        # which would add ~0.2 s of compiling to every run), outside the repository.
        "PYTHONPYCACHEPREFIX": str(scratch / "pycache"),
    }
    run([sys.executable, "-m", "rectify_cli", "--version"], env)  # fill the bytecode cache

    def argv(i: int) -> list[str]:
        progress = str(1 + i % 99)
        return [sys.executable, "-m", "rectify_cli", "update", task_id, "--progress", progress,
                "--note", "基准测试"]  # fmt: skip

    cold = run(argv(0), env)
    warm, floor, warm_cpu, floor_cpu = [], [], [], []
    for i in range(1, runs + 1):
        # Interleaved with the updates so both see the same machine load.
        warm.append(run(argv(i), env))
        warm_cpu += CPU[-1:]
        floor.append(run([sys.executable, "-m", "rectify_cli", "--version"], env))
        floor_cpu += CPU[-1:]
    size = (ledger / "tasks.toml").stat().st_size
    return {
        "tasks": n_tasks,
        "mib": size / 2**20,
        "cold": cold,
        "median": statistics.median(warm),
        "min": min(warm),
        "max": max(warm),
        "floor": statistics.median(floor),
        "cpu": statistics.median(warm_cpu) if warm_cpu else float("nan"),
        "floor_cpu": statistics.median(floor_cpu) if floor_cpu else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", default="10000", help="comma-separated sizes [10000]")
    parser.add_argument("--runs", type=int, default=7, help="warm runs per size [7]")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.tasks.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="rectify-bench-update-") as tmp:
        for n in sizes:
            rows.append(bench(n, args.runs, Path(tmp)))
    print(f"rectify update, {args.runs} warm runs each (python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs)\n")  # fmt: skip
    print(
        "| tasks | tasks.toml | first run (validates all) | median | min | max "
        "| CPU median | `rectify --version` median (CPU) | budget |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        budget = BUDGET.get(int(r["tasks"]))
        verdict = (
            ""
            if budget is None
            else (f"≤ {budget:g} s {'met' if r['median'] <= budget else 'MISSED'}")
        )
        print(
            f"| {int(r['tasks']):,} | {r['mib']:.1f} MiB | {r['cold']:.2f} s | "
            f"{r['median']:.3f} s | {r['min']:.3f} s | {r['max']:.3f} s | {r['cpu']:.3f} s | "
            f"{r['floor']:.3f} s ({r['floor_cpu']:.3f} s) | {verdict} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
