"""The README stays a front door and the docs stay true: examples validate, every command
is documented, every link resolves.  (Transcripts are run by test_transcripts.py.)"""

from __future__ import annotations

import re
import tomllib

import pytest
import typer
from typer.main import get_command

from rectify_cli.cli import app
from rectify_cli.models import IndicatorFile, TaskFile
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = sorted((REPO / "docs").glob("*.md"))


def toml_blocks() -> list[str]:
    text = (REPO / "docs" / "ledger-format.md").read_text(encoding="utf-8")
    return re.findall(r"```toml\n(.*?)```", text, flags=re.S)


def test_readme_is_a_front_door_not_a_manual() -> None:
    assert len(README.splitlines()) <= 200


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_every_docs_page_is_linked_from_the_readme(page: object) -> None:
    assert f"docs/{page.name}" in README  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "page", [REPO / "README.md", REPO / "benchmarks" / "README.md", *DOCS], ids=str
)
def test_relative_links_resolve(page: object) -> None:
    from pathlib import Path

    assert isinstance(page, Path)
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (page.parent / target).exists(), f"{page.name}: broken link {target}"


def test_readme_has_both_setup_commands() -> None:
    assert "$ pip install -e . && rectify report" in README
    assert "$ pip install -e '.[test]' && pytest -n auto" in README


def test_readme_ledger_examples_validate() -> None:
    blocks = toml_blocks()
    assert len(blocks) >= 2
    tasks = TaskFile.model_validate(tomllib.loads(blocks[0]))
    assert tasks.tasks[0].log[0].changes
    indicators = IndicatorFile.model_validate(tomllib.loads(blocks[1]))
    assert indicators.indicators[0].history


def command_names() -> list[str]:
    group = get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return sorted(group.commands)


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    group = get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    command = group.commands[name]
    assert command.help, f"{name} has no help text"
    assert f"rectify {name}" in README, f"README does not mention `rectify {name}`"
