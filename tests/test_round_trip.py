"""Export → `rectify init` → import gives the same ledger: every answer (`list`, `warn`,
`report` as JSON) identical, for xlsx and CSV, on the sample and on a generated ledger with
logs, postponements, a merged task, itemised petition cases and indicator histories."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.store import load_ledger, load_petitions
from tests.conftest import invoke
from tests.helpers import benchmark_generator

AS_OF = "2025-10-31"

PETITIONS = """\
version = 1
headline_prefix = "省交办的"

[[petitions]]
id = "X001"
title = "某化工厂夜间异味扰民"
received = 2025-03-02
batch = "第1批"
area = "北部县"
category = "air"
finding = "partly"
status = "closed"
deadline = 2025-04-01
closed_on = 2025-03-28
lead = "县生态环境分局"
notes = "已责令整改"

[[petitions.log]]
date = 2025-03-28
status = "closed"
note = "现场复核"
by = "督办科"
changes = ["status: handling → closed"]

[[petitions]]
id = "X002"
title = "河道堆放建筑垃圾"
received = 2025-05-10
category = "solid_waste"
"""


def answers(runner: CliRunner, root: Path) -> list[str]:
    out = []
    for command in ("list", "warn", "report"):
        args = (command, "--format", "json", "--as-of", AS_OF, "--ledger", str(root))
        code, text, err = invoke(runner, *args)
        assert code == 0, err
        out.append(text)
    return out


def round_trip(runner: CliRunner, source: Path, tmp_path: Path, suffix: str) -> Path:
    out = tmp_path / f"导出.{suffix}"
    code, _, err = invoke(runner, "export", "--ledger", str(source), "--out", str(out))
    assert code == 0, err
    empty = tmp_path / f"new-{suffix}"
    assert invoke(runner, "init", str(empty))[0] == 0
    code, text, err = invoke(runner, "import", str(out), "--ledger", str(empty))
    assert (code, text) == (0, ""), err
    assert invoke(runner, "check", "--ledger", str(empty))[0] == 0
    # Importing the same file again changes nothing, even with --update.
    code, _, err = invoke(runner, "import", str(out), "--ledger", str(empty), "--update")
    assert code == 0, err
    assert err.endswith(f"导出.{suffix}：没有需要导入的内容，台账未改动。\n"), err
    return empty


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_the_sample_round_trips_exactly(
    runner: CliRunner, sample: Path, tmp_path: Path, suffix: str
) -> None:
    again = round_trip(runner, sample, tmp_path, suffix)
    assert answers(runner, again) == answers(runner, sample)
    before, after = load_ledger(sample), load_ledger(again)
    assert after.meta == before.meta  # every [ledger] setting, feedback_date first
    assert (after.aspects, after.tasks, after.indicators) == (
        before.aspects,
        before.tasks,
        before.indicators,
    )
    assert load_petitions(again) == load_petitions(sample)  # the summary, as published


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 generated tasks, with what the generator lacks added as a user would."""
    root = tmp_path_factory.mktemp("gen") / "ledger"
    root.mkdir()
    tasks, indicators = benchmark_generator().generate(1000)
    (root / "tasks.toml").write_text(tasks, encoding="utf-8")
    (root / "indicators.toml").write_text(indicators, encoding="utf-8")
    (root / "petitions.toml").write_text(PETITIONS, encoding="utf-8")
    runner = CliRunner()
    led = load_ledger(root)
    first = led.indicators[0].id
    for value, period in (("41", "2025-10"), ("39.5", "2025-11")):
        args = ("record", first, value, "--period", period, "--date", "2025-11-05")
        assert invoke(runner, *args, "--ledger", str(root))[0] == 0
    open_ids = [t.id for t in led.tasks if t.status.is_open and t.deadline is not None]
    postpone = ("postpone", open_ids[0], "--to", "2026-12-31", "--reason", "资金未到位")
    assert invoke(runner, *postpone, "--date", "2025-10-01", "--ledger", str(root))[0] == 0
    fold = ("fold", open_ids[1], "--into", open_ids[2], "-m", "内容重复")
    assert invoke(runner, *fold, "--date", "2025-10-02", "--ledger", str(root))[0] == 0
    return root


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_generated_ledger_round_trips_exactly(
    runner: CliRunner, generated: Path, tmp_path: Path, suffix: str
) -> None:
    before = load_ledger(generated)
    assert len(before.tasks) == 1000
    assert any(i.history for i in before.indicators)
    assert any(e.kind == "postponed" for t in before.tasks for e in t.log)
    assert any(t.merged_into for t in before.tasks)
    again = round_trip(runner, generated, tmp_path, suffix)
    after = load_ledger(again)
    assert after.meta == before.meta
    assert after.tasks == before.tasks  # every field, every log entry with kind, by, changes
    assert after.indicators == before.indicators  # with their histories
    assert load_petitions(again) == load_petitions(generated)  # cases with their logs
    assert answers(runner, again) == answers(runner, generated)
