"""ruff and mypy (strict) are part of the test suite, so CI holds the code to them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_ruff_check() -> None:
    result = run("ruff", "check", "--output-format", "concise", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run("ruff", "format", "--check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


TEXT_SUFFIXES = (".py", ".md", ".toml", ".txt", ".cfg", ".yaml", ".yml", ".json", ".csv")


def tracked_text_files() -> list[Path]:
    # A checkout without git (an unpacked sdist) has nothing to list: walk the tree instead.
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    if listed.returncode == 0 and listed.stdout:
        paths = [REPO / name for name in listed.stdout.splitlines()]
    else:
        skip = {".git", ".venv", "venv", "__pycache__", ".mypy_cache", ".ruff_cache"}
        paths = [p for p in REPO.rglob("*") if not skip & set(p.relative_to(REPO).parts)]
    return [p for p in paths if p.is_file() and (p.suffix in TEXT_SUFFIXES or ".ci" in p.parts)]


def test_no_file_refers_to_a_path_outside_the_repository() -> None:
    """A user who clones the project has nothing beside it: every `../` path stays inside."""
    outside = []
    for path in tracked_text_files():
        if path.name == "hostile.py":
            continue  # its climbing paths are hostile department names, not references
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for ref in re.findall(r"(?:\.\./)+[\w.\-/]*", line):
                if not Path(os.path.normpath(path.parent / ref)).is_relative_to(REPO):
                    outside.append(f"{path.relative_to(REPO)}:{number}: {ref}")
    assert not outside, "\n".join(outside)
