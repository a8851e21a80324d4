"""Time a snapshot (`--as-of DATE` before the last log entry) against the same command with
the snapshot date after every entry (a benchmark, not a test).

The ledger: N tasks, each with three log entries as rectify writes them (July, August and
September, each with its `field: old → new` lines).  `--as-of 2025-08-15` puts every task
back to mid-August (two entries of each undone and one applied again: the worst case, every
task needs work); `--as-of 2025-12-31` is after every entry, so nothing is recomputed, which
is what the command cost before snapshots.  Whole processes, warm cache, alternated runs.

    python benchmarks/bench_snapshot.py [--tasks 10000] [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = """\
[ledger]
version = 1
title = "快照基准"
feedback_date = 2025-01-01
as_of = 2025-06-30

[[aspects]]
id = "A1"
name = "大气"
"""

TASK = """
[[tasks]]
id = "T{n:05d}"
aspect = "A1"
title = "任务{n}"
lead = "单位{lead}"
start = 2025-01-01
deadline = 2026-06-30
status = "in_progress"
progress = 60
evidence = ["材料{n}.pdf"]

[[tasks.log]]
date = 2025-07-{d:02d}
status = "in_progress"
progress = 20
note = "启动"
changes = ["status: not_started → in_progress", "progress: — → 20"]

[[tasks.log]]
date = 2025-08-{d:02d}
progress = 40
note = "推进"
changes = ["progress: 20 → 40", "evidence: + 材料{n}.pdf"]

[[tasks.log]]
date = 2025-09-{d:02d}
progress = 60
note = "推进"
changes = ["progress: 40 → 60"]
"""


def ledger(n: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(TASK.format(n=i, lead=i % 24, d=1 + i % 28) for i in range(n))
    (folder / "tasks.toml").write_text(HEAD + body, encoding="utf-8")
    (folder / "indicators.toml").write_text("version = 1\n", encoding="utf-8")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = ledger(args.tasks, Path(tmp) / "ledger")
        env = {**os.environ, "RECTIFY_LEDGER": str(root), "RECTIFY_CACHE_DIR": f"{tmp}/cache"}
        rectify = [sys.executable, "-m", "rectify_cli"]
        commands = {
            f"{name} --as-of {day}": [*rectify, *argv, "--as-of", day]
            for name, argv in (
                ("report", ["report"]),
                ("list --format json", ["list", "-f", "json"]),
            )
            for day in ("2025-12-31", "2025-08-15")
        }
        subprocess.run([*rectify, "list"], env=env, check=True, capture_output=True)  # warm
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                start = time.perf_counter()
                subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - start)
        print(f"{args.tasks:,} tasks, 3 log entries each, {args.runs} alternated runs (warm cache)")
        print("| command | median | min | max |\n| --- | ---: | ---: | ---: |")
        for name, runs in times.items():
            ms = [f"{t * 1000:,.0f} ms" for t in (statistics.median(runs), min(runs), max(runs))]
            print(f"| rectify {name} | " + " | ".join(ms) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
