"""The gate for tests that need a program from outside Python: skip, or fail when required."""

from __future__ import annotations

import pytest

from tests.programs import REQUIRE_ENV, need_program


def test_a_missing_program_skips_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no-such-program is not installed.*apt-get"):
        need_program("no-such-program", purpose="this test", apt="no-such-package")


def test_a_missing_program_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE_ENV} says it is required"):
        need_program("no-such-program", purpose="this test", apt="no-such-package")


def test_a_present_program_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")
    # The interpreter running the tests is a program on PATH in every virtual environment.
    import sys
    from pathlib import Path

    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    assert need_program("no-such-program", Path(sys.executable).name, purpose="t", apt="t")
