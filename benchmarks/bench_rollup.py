"""Time a roll-up of many ledgers against the 100k budgets (a benchmark, not a test).

50 county ledgers of 2,000 generated tasks each (100,000 tasks, the size of the scale issue's
largest ledger) are read through `--ledger 'DIR/*'`, and timed as whole processes the way
benchmarks/run.py times one ledger, beside Taskwarrior on the same number of tasks in one
list (the 100,000-task ledger run.py imports), since that is what the budgets compare with:

- `warn --days 7` ≤ 0.5 × `task overdue` warm, ≤ 1.5 × cold; peak memory ≤ Taskwarrior's;
- `list --format json` ≤ 0.5 × `task export` warm, ≤ 1.5 × cold;
- `report` and `report --summary-only` are timed too (no Taskwarrior counterpart).

    python benchmarks/bench_rollup.py [--ledgers 50] [--tasks 2000] [--runs 3] [-v]

Ledgers are kept in the generator's cache folder (outside the repository); every id repeats
in all 50 ledgers, the worst case for the qualified ids.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import run  # noqa: E402


def counties(n_ledgers: int, n_tasks: int, out_root: Path, anchor: dt.date) -> Path:
    """`n_ledgers` folders of `n_tasks` tasks, each with its own [ledger] name and seed."""
    root = out_root / f"rollup-{n_ledgers}x{n_tasks}-{anchor.isoformat()}"
    done = root / ".complete"
    if done.exists():
        return root
    for i in range(1, n_ledgers + 1):
        folder = root / f"county{i:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        tasks, indicators = generate.generate(
            n_tasks, seed=generate.DEFAULT_SEED + i, anchor=anchor
        )
        tasks = tasks.replace('name = "province"', f'name = "county{i:02d}"', 1)
        (folder / "tasks.toml").write_text(tasks, encoding="utf-8", newline="\n")
        (folder / "indicators.toml").write_text(indicators, encoding="utf-8", newline="\n")
    done.write_text("ok", encoding="utf-8")
    return root


BUDGETS = [
    ("`warn` warm vs `task overdue`", "rectify warn --days 7", "task overdue", 0.5, "time"),
    ("`warn` cold vs `task overdue`", "rectify warn --days 7 (cold)", "task overdue", 1.5, "time"),
    ("`list --format json` warm vs `task export`", "rectify list --format json", "task export",
     0.5, "time"),
    ("`list --format json` cold vs `task export`", "rectify list --format json (cold)",
     "task export", 1.5, "time"),
    ("peak memory, `warn` cold vs `task overdue`", "rectify warn --days 7 (cold)",
     "task overdue", 1.0, "mem"),
    ("peak memory, `list --format json` cold vs `task export`",
     "rectify list --format json (cold)", "task export", 1.0, "mem"),
]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ledgers", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=2000, help="tasks per ledger [2000]")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-taskwarrior", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    run.VERBOSE = args.verbose
    anchor = dt.date.today()
    out_root = generate.default_out_root()
    sys.stderr.write(f"generating {args.ledgers} ledgers of {args.tasks} tasks ...\n")
    root = counties(args.ledgers, args.tasks, out_root, anchor)
    pattern = str(root / "*")
    scratch = Path(tempfile.mkdtemp(prefix="rectify-bench-rollup-"))
    os.environ["RECTIFY_CACHE_DIR"] = str(scratch / "warm-cache")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    base = run.rectify_argv()
    many = ["-l", pattern]

    def cmd(name: str, *args: str, cold: bool = False) -> run.Cmd:
        return run.Cmd(name + (" (cold)" if cold else ""), [*base, *args, *many], cold=cold)

    cmds = [
        cmd("rectify warn --days 7", "warn", "--days", "7"),
        cmd("rectify list --format json", "list", "--format", "json"),
        cmd("rectify report --summary-only", "report", "--summary-only"),
        cmd("rectify report", "report"),
        cmd("rectify warn --days 7", "warn", "--days", "7", cold=True),
        cmd("rectify list --format json", "list", "--format", "json", cold=True),
    ]
    task = None if args.no_taskwarrior else run.taskwarrior()
    if task:
        total = args.ledgers * args.tasks
        single = generate.ledger_dir(total, out_root, anchor=anchor)
        cmds += [c for c in run.tw_cmds(task, run.tw_data(single, task))
                 if c.name in ("task overdue", "task export")]  # fmt: skip
    try:
        sys.stderr.write(f"{len(cmds)} commands x {args.runs} runs ...\n")
        run.measure(cmds, args.runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    by_name = {c.name: c for c in cmds}
    total = args.ledgers * args.tasks
    lines = [
        f"Roll-up of {args.ledgers} ledgers x {args.tasks:,} tasks ({total:,} tasks), "
        f"medians of {args.runs} runs, {run.machine()}",
        "",
        "| command | median | peak memory |",
        "| --- | --- | --- |",
    ]
    for c in cmds:
        median = c.failed or run.fmt_ms(c.median)
        lines.append(f"| `{c.name}` | {median} | {c.peak_mib:,.0f} MiB |")
    if task:
        lines += ["", "| budget | rectify | Taskwarrior | ratio | limit | met |"]
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for what, mine, theirs, limit, kind in BUDGETS:
            a, b = by_name[mine], by_name[theirs]
            if not (a.times and b.times):
                continue
            if kind == "mem":
                ratio = a.peak_mib / b.peak_mib
                shown = (f"{a.peak_mib:,.0f} MiB", f"{b.peak_mib:,.0f} MiB")
            else:
                ratio = a.median / b.median
                shown = (run.fmt_ms(a.median), run.fmt_ms(b.median))
            ok = "yes" if ratio <= limit else "**no**"
            lines.append(f"| {what} | {shown[0]} | {shown[1]} | {ratio:.2f} | ≤ {limit} | {ok} |")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
