"""Shared fixtures: every test works on its own copy of a ledger, never on data/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from rectify_cli.cli import app
from rectify_cli.i18n import speak, user_lang

# Property tests: a bounded number of examples in CI, a long run on demand with
# HYPOTHESIS_PROFILE=long pytest tests/test_properties.py
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A fast path (rtoml, the chunked tasks reader) that fails for any reason but broken TOML or
# a refused value raises under the tests instead of quietly falling back to the slow path,
# where its bug would only show as a slowdown.  Set for the whole run, subprocesses included.
os.environ["RECTIFY_STRICT_FAST_PATH"] = "1"

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the ledger location at an empty temp folder and fix the terminal size, so no
    test reads or writes the real sample and output does not depend on the machine."""
    monkeypatch.setenv("RECTIFY_LEDGER", str(tmp_path / "no-ledger-here"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("RECTIFY_DEBUG", raising=False)
    monkeypatch.setenv("RECTIFY_CACHE_DIR", str(tmp_path / "cache"))
    # The user's language (--help, errors before a ledger is read) is English unless a test
    # says otherwise, whatever the machine's locale.
    for name in ("RECTIFY_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    user_lang.cache_clear()
    speak("en")  # a CLI run leaves its language behind; library calls start from English
    yield
    user_lang.cache_clear()


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped sample ledger, made the default ledger."""
    dest = tmp_path / "ledger"
    shutil.copytree(SAMPLE, dest)
    monkeypatch.setenv("RECTIFY_LEDGER", str(dest))
    return dest


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Run the CLI; return (exit code, stdout, stderr)."""
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def invoke_en(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Run the CLI asking for English messages (`--lang en`), for the tests that pin the
    English wording on a ledger whose own language is Chinese."""
    if "--lang" not in args:
        cut = args.index("--") if "--" in args else len(args)
        args = (*args[:cut], "--lang", "en", *args[cut:])
    return invoke(runner, *args)


MINIMAL_TASKS = """\
[ledger]
version = 1
title = "测试台账"
feedback_date = 2025-01-01
as_of = 2025-06-30

[[aspects]]
id = "A1"
name = "大气"

[[tasks]]
id = "T1"
aspect = "A1"
title = "治理扬尘"
lead = "市生态环境局"
start = 2025-01-01
deadline = 2025-12-31
status = "in_progress"
progress = 50
"""


@pytest.fixture
def make_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Write a ledger folder from TOML text and make it the default; returns its path."""
    counter = iter(range(10_000))

    def make(tasks: str | bytes = MINIMAL_TASKS, indicators: str | bytes | None = None) -> Path:
        root = tmp_path / f"ledger{next(counter)}"
        root.mkdir()
        for name, content in (("tasks.toml", tasks), ("indicators.toml", indicators)):
            if content is None:
                continue
            data = content.encode("utf-8") if isinstance(content, str) else content
            (root / name).write_bytes(data)
        monkeypatch.setenv("RECTIFY_LEDGER", str(root))
        return root

    return make
