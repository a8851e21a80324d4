from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import invoke


def test_list_pending_on_sample(runner: CliRunner, sample: Path) -> None:
    code, out, err = invoke(runner, "list", "--status", "pending", "--format", "json")
    assert code == 0, err
    assert '"T07"' in out
