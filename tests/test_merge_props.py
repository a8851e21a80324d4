"""The merge driver as a property: two sequences of edits from one base that touch different
tasks and indicators merge to exactly what applying both sequences one after the other gives,
in either order (parsed content always; bytes too: both orders write the same bytes here)."""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rectify_cli.merge import merge_text
from tests.conftest import SAMPLE, invoke_en

TASKS = [f"T{n:02d}" for n in range(1, 25)]
INDICATORS = ["pm25", "air_index", "good_air_ratio", "water_good_ratio"]
FILES = ("tasks.toml", "indicators.toml", "petitions.toml")

Edit = tuple[str, ...]


def _edit(target: str, day: int) -> st.SearchStrategy[Edit]:
    date = ("--date", f"2025-10-{day:02d}")
    if target in INDICATORS:
        return st.integers(1, 90).map(
            lambda v: ("record", target, str(v), "--period", f"2025-{10 + day % 3}", *date)
        )
    return st.one_of(
        st.text("甲乙丙丁ab", min_size=1, max_size=6).map(
            lambda note: ("update", target, "-m", note, *date)
        ),
        st.integers(0, 100).map(lambda p: ("update", target, "--progress", str(p), *date)),
        st.sampled_from(["市水利局", "office"]).map(
            lambda lead: ("edit", target, "--lead", lead, *date)
        ),
        st.sampled_from(["2026-06-30", "2026-12-31"]).map(
            lambda d: ("postpone", target, "--to", d, "-m", "why", *date)
        ),
    )


@st.composite
def _sides(draw: st.DrawFn) -> tuple[list[Edit], list[Edit]]:
    targets = draw(st.permutations([*TASKS, *INDICATORS]))
    cut = draw(st.integers(1, len(targets) - 1))
    out: list[list[Edit]] = []
    for own in (targets[:cut], targets[cut:]):
        picks = draw(st.lists(st.sampled_from(own[:3]), min_size=1, max_size=3))
        out.append([draw(_edit(t, 1 + i * 2 + len(out))) for i, t in enumerate(picks)])
    return out[0], out[1]


def _apply(root: Path, edits: list[Edit]) -> int:
    """The edits run through the CLI; how many were written."""
    runner = CliRunner()
    written = 0
    for edit in edits:
        code, _, err = invoke_en(runner, *edit, "--ledger", str(root))
        assert code in (0, 2), err  # refused edits (a done task's progress) change nothing
        written += code == 0
    return written


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(sides=_sides())
def test_merging_edits_of_different_items_is_applying_both(
    sides: tuple[list[Edit], list[Edit]],
) -> None:
    ours, theirs = sides
    with tempfile.TemporaryDirectory() as tmp:
        folders = {}
        for name in ("base", "ours", "theirs", "both", "reverse"):
            folders[name] = Path(tmp) / name
            shutil.copytree(SAMPLE, folders[name])
        written = _apply(folders["ours"], ours), _apply(folders["theirs"], theirs)
        event(f"edits written: {min(written)}+ on each side")
        _apply(folders["both"], [*ours, *theirs])
        _apply(folders["reverse"], [*theirs, *ours])
        for file in FILES:
            base, mine, other, both, reverse = (
                (folders[n] / file).read_text(encoding="utf-8")
                for n in ("base", "ours", "theirs", "both", "reverse")
            )
            merged = merge_text(base, mine, other, file)
            assert merged.conflicts == [] and merged.notes == []
            assert tomllib.loads(merged.text) == tomllib.loads(both) == tomllib.loads(reverse)
            assert merged.text == both
        code, _, err = invoke_en(CliRunner(), "check", "--ledger", str(folders["both"]))
        assert code == 0, err
