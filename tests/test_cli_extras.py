"""The small promises: --version, NO_COLOR / --no-color, the pre-commit hook."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli import __version__
from tests.conftest import REPO, invoke

# SGR colour parameters: 30-37/90-97 foreground, 40-47/100-107 background, 38;/48; extended.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;|48;)[0-9;]*m")


def test_version(runner: CliRunner) -> None:
    assert invoke(runner, "--version") == (0, f"rectify {__version__}\n", "")
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)


@pytest.fixture
def coloured_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # CliRunner's stdout is no terminal; FORCE_COLOR makes rich colour it anyway, so the
    # tests below can see colour disappear.
    monkeypatch.setenv("FORCE_COLOR", "1")


def test_list_is_coloured_on_a_colour_terminal(
    runner: CliRunner, sample: Path, coloured_terminal: None
) -> None:
    code, out, _ = invoke(runner, "list", "--format", "table", "--as-of", "2025-09-30")
    assert code == 0
    assert COLOUR.search(out)


def test_no_color_option_turns_colour_off(
    runner: CliRunner, sample: Path, coloured_terminal: None
) -> None:
    code, out, _ = invoke(
        runner, "list", "--format", "table", "--as-of", "2025-09-30", "--no-color"
    )
    assert code == 0
    assert "T07" in out
    assert not COLOUR.search(out)


def test_no_color_variable_turns_colour_off(
    runner: CliRunner, sample: Path, coloured_terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = invoke(runner, "list", "--format", "table", "--as-of", "2025-09-30")
    assert code == 0
    assert "T07" in out
    assert not COLOUR.search(out)


def test_pre_commit_hook_runs_rectify_check_once_per_commit() -> None:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hook = dict(
        line.strip().removeprefix("- ").split(": ", 1)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    assert hook["id"] == "rectify-check"
    assert hook["entry"] == "rectify check"
    assert hook["pass_filenames"] == "false"  # check reads the folder, not the staged files
    assert hook["files"] == r"\.toml$"
    assert hook["language"] == "python"
    assert re.search(hook["files"], "data/tasks.toml")
    assert not re.search(hook["files"], "README.md")


def test_readme_documents_completion_and_the_hook() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "rectify --install-completion" in readme
    assert "rectify-check" in readme
