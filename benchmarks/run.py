"""Time rectify's commands as whole processes, beside the speed floor and Taskwarrior.

Not part of the test suite: run it on demand, on a machine that is otherwise idle.

    python benchmarks/run.py                          # sample, 1k and 10k tasks: a few minutes
    python benchmarks/run.py --sizes sample,1000,10000,100000  # every budget: ~10 minutes
    python benchmarks/run.py --sizes sample --runs 15 --no-save

Every command runs as its own process with the same interpreter, stdout to /dev/null.  The
commands of one size are alternated (A B C A B C ...) so that a change in machine load hits
them all alike; the table shows medians, with the peak memory (max RSS) of each process
taken from `os.wait4`.  "cold" runs start with an empty rectify cache, "warm" runs with the
cache filled by an untimed first run; both read files the OS has cached.

Ledgers come from benchmarks/generate.py, anchored at today so that overdue and due-soon
tasks are a realistic share, and are kept in a cache folder outside the repository.  If
Taskwarrior (Debian's `taskwarrior`) is installed, the same tasks are imported into a
throwaway TASKDATA once per ledger, and `task list/overdue/summary/export` run in the same
alternation.  The budgets are those of issue #21; the table says which are met.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

FLOOR = HERE / "floor_app.py"
UUID_NS = uuid.UUID("6f1d2c3b-6a7e-4c1e-9d55-52d7c0ad6e01")
VERBOSE = False


@dataclasses.dataclass
class Cmd:
    name: str  # as shown in the table
    argv: list[str]
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    cold: bool = False  # a fresh, empty rectify cache for every run
    # Run untimed just before each timed run: the write that the timed read follows.
    before: list[str] | None = None
    times: list[float] = dataclasses.field(default_factory=list)
    rss: list[int] = dataclasses.field(default_factory=list)  # KiB
    failed: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def peak_mib(self) -> float:
        return max(self.rss) / 1024 if self.rss else float("nan")


# --------------------------------------------------------------------------- running


def run_once(cmd: Cmd, scratch: Path) -> None:
    env = {**os.environ, **cmd.env}
    if cmd.cold:
        env["RECTIFY_CACHE_DIR"] = tempfile.mkdtemp(prefix="cold-", dir=scratch)
    if cmd.before:
        done = subprocess.run(cmd.before, env=env, capture_output=True)
        if done.returncode != 0:
            cmd.failed = "the write before it: " + done.stderr.decode("utf-8", "replace")[-200:]
            return
    with tempfile.TemporaryFile(dir=scratch) as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd.argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            rss = usage.ru_maxrss  # KiB on Linux
        else:  # Windows: no per-process rusage; time only
            proc.wait()
            elapsed = time.perf_counter() - start
            rss = 0
        errors.seek(0)
        err = errors.read().decode("utf-8", "replace")
    if cmd.cold:
        shutil.rmtree(env["RECTIFY_CACHE_DIR"], ignore_errors=True)
    if VERBOSE:
        sys.stderr.write(
            f"  {cmd.name}: {elapsed * 1000:,.0f} ms, {rss / 1024:,.0f} MiB, "
            f"exit {proc.returncode} {err.strip()[-300:]}\n"
        )
    # warn exits 1 when it found something: that is its job, not a failure.  A Python that
    # died of an exception exits 1 too, so stderr is checked as well.
    if proc.returncode not in (0, 1) or "Traceback" in err or err.startswith("Error"):
        cmd.failed = f"exit {proc.returncode}: {err.strip()[-200:]}"
        return
    cmd.times.append(elapsed)
    cmd.rss.append(rss)


def measure(cmds: Sequence[Cmd], runs: int, scratch: Path) -> None:
    """Alternate the commands `runs` times after one untimed round (page cache, rectify cache)."""
    for round_no in range(runs + 1):
        for c in cmds:
            if c.failed:
                continue
            # `update` gets a different progress each round, so that every run really writes
            # (and the write before a read another one again).
            saved, saved_before = c.argv, c.before
            c.argv = [_progress(a, round_no) for a in saved]
            c.before = saved_before and [_progress(a, round_no, 1) for a in saved_before]
            run_once(c, scratch)
            c.argv, c.before = saved, saved_before
        if round_no == 0:
            for c in cmds:
                c.times.clear()
                c.rss.clear()


def _progress(arg: str, round_no: int, shift: int = 0) -> str:
    return str(10 + 5 * (round_no % 17) + shift) if arg == "PROGRESS" else arg


# --------------------------------------------------------------------------- commands


def rectify_argv() -> list[str]:
    script = Path(sys.executable).parent / ("rectify.exe" if os.name == "nt" else "rectify")
    return [str(script)] if script.exists() else [sys.executable, "-m", "rectify_cli"]


def available_commands() -> set[str]:
    """The commands this rectify has (others are being built in parallel: skip the missing)."""
    out = subprocess.run(
        [*rectify_argv(), "--help"], capture_output=True, text=True, encoding="utf-8"
    ).stdout
    names, inside = set(), False
    for line in out.splitlines():
        if line.strip().startswith("Commands"):
            inside = True
            continue
        if inside and line.startswith("  ") and line.strip():
            names.add(line.split()[0])
        elif inside and line.strip() and not line.startswith(" "):
            inside = False
    return names


READS = {
    "list": ["list"],
    "json": ["list", "--format", "json"],
    "warn": ["warn", "--days", "7"],
    "report": ["report"],
}


def rectify_cmds(ledger: Path, which: Sequence[str], have: set[str], cold: bool) -> list[Cmd]:
    base = [*rectify_argv()]
    out = []
    for key in which:
        if key not in READS or READS[key][0] not in have:
            continue
        name = "rectify " + " ".join(READS[key]) + (" (cold)" if cold else "")
        env = {"RECTIFY_LEDGER": str(ledger)}
        out.append(Cmd(name, [*base, *READS[key]], env, cold=cold))
    return out


def update_cmds(ledger: Path, scratch: Path, task_id: str, which: Sequence[str]) -> list[Cmd]:
    """`update` on a copy of the ledger, so that its writes never turn the others cold; and
    each read of `which` right after an update of that copy (issue #21: a write leaves the
    cache warm), beside the same read of the copy when nothing was written since."""
    copy = scratch / f"update-{ledger.name}"
    if not copy.exists():
        shutil.copytree(ledger, copy)
    env = {"RECTIFY_LEDGER": str(copy), "RECTIFY_BY": "bench"}
    update = [*rectify_argv(), "update", task_id, "--progress", "PROGRESS", "--note", "基准测试"]
    out = [Cmd("rectify update (progress)", update, env)]
    for key in which:
        if key in READS:
            shown = " ".join(READS[key])
            argv = [*rectify_argv(), *READS[key]]
            # In this order: the warm read follows the read after the write, never the write.
            out.append(Cmd(f"rectify {shown} (after update)", argv, env, before=update))
            out.append(Cmd(f"rectify {shown} (copy, warm)", argv, env))
    return out


def first_open_task(ledger: Path) -> str:
    """The first task that is in progress (a log entry's status does not count)."""
    task_id, in_task = "T0001", False
    for line in (ledger / "tasks.toml").open(encoding="utf-8"):
        if line.startswith("["):
            in_task = line.strip() == "[[tasks]]"
        elif in_task and line.startswith("id = "):
            task_id = line.split('"')[1]
        elif in_task and line.startswith('status = "in_progress"'):
            return task_id
    return task_id


# --------------------------------------------------------------------------- Taskwarrior


def taskwarrior() -> str | None:
    return shutil.which("task")


def tw_version(task: str) -> str:
    try:
        return subprocess.run([task, "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def tw_data(ledger: Path, task: str) -> Path:
    """A TASKDATA holding the ledger's tasks, imported once and kept beside the ledger."""
    home = ledger.parent / f"taskwarrior-{ledger.name}"
    rc = home / "taskrc"
    if (home / "imported").exists():
        return rc
    shutil.rmtree(home, ignore_errors=True)
    (home / "data").mkdir(parents=True)
    rc.write_text(
        f"data.location={home / 'data'}\n"
        "confirmation=no\n"
        "uda.lead.type=string\nuda.lead.label=Lead\n"
        "uda.progress.type=numeric\nuda.progress.label=Progress\n",
        encoding="utf-8",
    )
    data = home / "import.json"
    # In a child process: loading 100,000 tasks here would make this runner large, and a
    # forked child's peak memory starts at its parent's size.
    subprocess.run([sys.executable, __file__, "--taskwarrior-json", str(ledger), str(data)],
                   check=True)  # fmt: skip
    env = {**os.environ, "TASKRC": str(rc)}
    sys.stderr.write("importing the tasks into Taskwarrior ...\n")
    subprocess.run([task, "import", str(data)], env=env, check=True, capture_output=True)
    data.unlink()
    (home / "imported").write_text("ok", encoding="utf-8")
    return rc


def taskwarrior_json(ledger: Path, out: Path) -> None:
    """The ledger's tasks in Taskwarrior's import format (a UDA each for lead and progress)."""
    sys.path.insert(0, str(REPO / "src"))
    from rectify_cli.store import load_ledger

    led = load_ledger(ledger)

    def stamp(day: dt.date) -> str:
        return day.strftime("%Y%m%dT000000Z")

    records = []
    for t in led.tasks:
        start = t.start or led.meta.feedback_date or dt.date.today()
        rec: dict[str, object] = {
            "uuid": str(uuid.uuid5(UUID_NS, t.id)),
            "description": t.title,
            "project": t.aspect,
            "status": "pending" if t.status.is_open else "completed",
            "entry": stamp(start),
            "lead": t.lead,
        }
        if t.deadline:
            rec["due"] = stamp(t.deadline)
        if t.completed_on:
            rec["end"] = stamp(t.completed_on)
        if t.progress is not None:
            rec["progress"] = t.progress
        if t.log:
            rec["annotations"] = [
                {"entry": stamp(e.date), "description": e.note or "-"} for e in t.log
            ]
        records.append(rec)
    out.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def tw_cmds(task: str, rc: Path) -> list[Cmd]:
    env = {"TASKRC": str(rc)}
    return [
        Cmd(f"task {sub}", [task, f"rc:{rc}", sub], env) for sub in ("list", "overdue", "summary")
    ] + [Cmd("task export", [task, f"rc:{rc}", "export"], env)]


# --------------------------------------------------------------------------- report


@dataclasses.dataclass
class Budget:
    size: str
    what: str
    mine: str
    theirs: str
    limit: float
    kind: str = "time"  # or "mem", or "seconds" (`limit` seconds, no `theirs`)


def _budgets() -> list[Budget]:
    """Issue #21's budgets (ratios within one run)."""
    out = [
        Budget("sample", "`list` vs floor `show`", "rectify list", "floor show --rows 3", 1.0),
        Budget("sample", "`--help` vs floor `--help`", "rectify --help", "floor --help", 1.0),
    ]
    for size, limit in (("10000", 1.0), ("100000", 0.5)):
        warm = "" if size == "10000" else " warm"
        out += [
            Budget(size, f"`list`{warm} vs `task list`", "rectify list", "task list", limit),
            Budget(size, f"`warn --days 7`{warm} vs `task overdue`", "rectify warn --days 7",
                   "task overdue", limit),
            Budget(size, f"`list --format json`{warm} vs `task export`",
                   "rectify list --format json", "task export", limit),
        ]  # fmt: skip
    for size in ("10000", "100000"):
        out += [
            Budget(size, "`report` vs `list` (both Markdown)", "rectify report", "rectify list",
                   1.2),
            Budget(size, "`list` right after an `update` vs warm", "rectify list (after update)",
                   "rectify list (copy, warm)", 1.2),
        ]  # fmt: skip
    out += [
        Budget("100000", "`list` cold vs `task list`", "rectify list (cold)", "task list", 1.5),
        Budget("100000", "`warn` cold vs `task overdue`", "rectify warn --days 7 (cold)",
               "task overdue", 1.5),
        Budget("10000", "`update` (leaving the cache warm)", "rectify update (progress)", "", 0.3,
               "seconds"),
        Budget("100000", "`update` (leaving the cache warm)", "rectify update (progress)", "", 1.5,
               "seconds"),
    ]  # fmt: skip
    for size in ("10000", "100000"):
        for mine, theirs in (
            ("rectify list", "task list"),
            ("rectify warn --days 7", "task overdue"),
            ("rectify list --format json", "task export"),
            ("rectify list (cold)", "task list"),
            ("rectify update (progress)", "task list"),
        ):
            out.append(Budget(size, f"peak memory, `{mine[8:]}` vs `{theirs}`", mine, theirs,
                              1.0, "mem"))  # fmt: skip
    return out


BUDGETS = _budgets()


def versions() -> dict[str, str]:
    from importlib import metadata

    out = {"Python": platform.python_version()}
    for dist in ("rectify", "pydantic", "pydantic-core", "typer", "rich", "rtoml"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    task = taskwarrior()
    out["Taskwarrior"] = tw_version(task) if task else "not installed"
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores"


def load_average() -> str:
    """Other work on the machine slows every command alike; say how much there was."""
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # Windows
        return "unknown"


def fmt_ms(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "—"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def markdown(results: dict[str, list[Cmd]], runs: dict[str, int], started: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {started} with `python benchmarks/run.py {' '.join(sys.argv[1:])}`.",
        "",
        f"- Machine: {machine()}; load average at the start {load_average()}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
        "- Medians of alternated runs of whole processes (stdout to /dev/null); peak memory is"
        " the largest max-RSS of the runs. *cold*: empty rectify cache; otherwise the cache is"
        " warm. Files are in the OS page cache in both.",
        "",
    ]
    for size, cmds in results.items():
        label = "sample ledger (data/, 24 tasks)" if size == "sample" else f"{int(size):,} tasks"
        lines += [
            f"## {label} — {runs[size]} runs",
            "",
            "| command | median | min | max | peak memory |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for c in cmds:
            if c.failed:
                lines.append(f"| {c.name} | failed: {c.failed} | | | |")
                continue
            lines.append(
                f"| {c.name} | {fmt_ms(c.median)} | {fmt_ms(min(c.times))} | "
                f"{fmt_ms(max(c.times))} | {c.peak_mib:,.0f} MiB |"
            )
        lines.append("")
    lines += [
        "## Budgets (issue #21)",
        "",
        "| size | budget | rectify | other | ratio | limit | met |",
        "| --- | --- | ---: | ---: | ---: | ---: | :---: |",
    ]
    for b in BUDGETS:
        cmds = {c.name: c for c in results.get(b.size, [])}
        mine, theirs = cmds.get(b.mine), cmds.get(b.theirs)
        size = b.size if b.size == "sample" else f"{int(b.size):,}"
        if not mine or mine.failed or not mine.times:
            continue
        if b.kind == "seconds":
            ok = "yes" if mine.median <= b.limit else "**no**"
            lines.append(
                f"| {size} | {b.what} | {fmt_ms(mine.median)} | | | ≤ {fmt_ms(b.limit)} | {ok} |"
            )
            continue
        if not theirs or theirs.failed or not theirs.times:
            continue
        if b.kind == "mem":
            a, o = mine.peak_mib, theirs.peak_mib
            shown = (f"{a:,.0f} MiB", f"{o:,.0f} MiB")
        else:
            a, o = mine.median, theirs.median
            shown = (fmt_ms(a), fmt_ms(o))
        ratio = a / o if o else float("nan")
        ok = "yes" if ratio <= b.limit else "**no**"
        lines.append(
            f"| {size} | {b.what} | {shown[0]} | {shown[1]} | {ratio:.2f} | ≤ {b.limit} | {ok} |"
        )
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="sample,1000,10000",
        help="comma-separated: sample and/or task counts [sample,1000,10000]",
    )
    parser.add_argument(
        "--commands",
        default="list,json,warn,report,update",
        help="rectify commands: list, json (list --format json), warn, report, update",
    )
    parser.add_argument("--runs", type=int, default=0, help="runs per command [by size]")
    parser.add_argument(
        "--after-write",
        default="list",
        help="reads timed right after an update, beside the same warm read [list]",
    )
    parser.add_argument("--no-taskwarrior", action="store_true", help="skip Taskwarrior")
    parser.add_argument("--no-cold", action="store_true", help="skip cold-cache runs")
    parser.add_argument("--cache", type=Path, help="where generated ledgers are kept")
    parser.add_argument(
        "--output", type=Path, default=HERE / "RESULTS.md", help="[benchmarks/RESULTS.md]"
    )
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every run")
    parser.add_argument("--taskwarrior-json", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.taskwarrior_json:
        taskwarrior_json(*args.taskwarrior_json)
        return 0
    global VERBOSE
    VERBOSE = args.verbose

    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    which = [c.strip() for c in args.commands.split(",") if c.strip()]
    have = available_commands()
    missing = [c for c in which if c not in ("json",) and c not in have]
    if missing:
        sys.stderr.write(f"not in this rectify (skipped): {', '.join(missing)}\n")
    task = None if args.no_taskwarrior else taskwarrior()
    out_root = args.cache or generate.default_out_root()
    scratch = Path(tempfile.mkdtemp(prefix="rectify-bench-run-"))
    warm_cache = scratch / "warm-cache"
    os.environ["RECTIFY_CACHE_DIR"] = str(warm_cache)
    # Bytecode is cached, as for any installed package (pip compiles it at install time).
    # Some environments (this project's sandbox among them) turn that off; point it at the
    # scratch folder instead, so no __pycache__ lands in the repository either.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    results: dict[str, list[Cmd]] = {}
    runs_used: dict[str, int] = {}
    try:
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            if size == "sample":
                ledger = REPO / "data"
                cmds = [
                    Cmd("floor show --rows 3", [sys.executable, str(FLOOR), "show", "--rows", "3"]),
                    *rectify_cmds(ledger, ["list"], have, cold=False),
                    Cmd("floor --help", [sys.executable, str(FLOOR), "--help"]),
                    Cmd("rectify --help", [*rectify_argv(), "--help"]),
                ]
                if not FLOOR.exists():
                    cmds = [c for c in cmds if not c.name.startswith("floor")]
                runs = args.runs or 21
            else:
                n = int(size)
                sys.stderr.write(f"generating {n} tasks ...\n")
                ledger = generate.ledger_dir(n, out_root, anchor=dt.date.today())
                cmds = rectify_cmds(ledger, which, have, cold=False)
                if not args.no_cold and n >= 10_000:
                    cmds += rectify_cmds(ledger, [w for w in which if w in ("list", "json", "warn")],
                                         have, cold=True)  # fmt: skip
                if "update" in which and "update" in have:
                    after = [w for w in args.after_write.split(",") if w]
                    cmds += update_cmds(ledger, scratch, first_open_task(ledger), after)
                if task:
                    cmds += tw_cmds(task, tw_data(ledger, task))
                runs = args.runs or (11 if n <= 1000 else 9 if n <= 10_000 else 5)
            sys.stderr.write(f"{size}: {len(cmds)} commands x {runs} runs ...\n")
            measure(cmds, runs, scratch)
            results[size] = cmds
            runs_used[size] = runs
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    text = markdown(results, runs_used, started)
    sys.stdout.write(text)
    if not args.no_save:
        args.output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"saved {args.output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
