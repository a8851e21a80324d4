"""Programs from outside Python that some tests need (a browser; a package builder).

A newcomer's `pytest` passes without them: such a test skips, and pytest's `-ra` summary
says which program it wanted and how to get it.  CI sets RECTIFY_REQUIRE_PROGRAMS=1
(.ci/run installs the programs first), and then a missing program fails the test instead,
so CI can never go green by skipping.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

REQUIRE_ENV = "RECTIFY_REQUIRE_PROGRAMS"


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def need_program(*names: str, purpose: str, apt: str) -> str:
    """The path of the first of `names` on PATH; skip (or fail, when required) without one."""
    for name in names:
        found = shutil.which(name)
        if found is not None:
            return found
    missing(
        f"{names[0]} is not installed; {purpose} needs it "
        f"(Debian/Ubuntu: apt-get install -y {apt}; .ci/run installs it)"
    )


def need_browser(purpose: str) -> str:
    """A Chromium-family browser (what `rectify report --format pdf` prints with)."""
    return need_program(
        "chromium", "chromium-browser", "google-chrome", "msedge", purpose=purpose, apt="chromium"
    )


def missing(reason: str) -> NoReturn:
    """Skip for `reason`, or fail when RECTIFY_REQUIRE_PROGRAMS says nothing may be missing."""
    if required():
        pytest.fail(f"{reason}, and {REQUIRE_ENV} says it is required")
    pytest.skip(reason)
