"""Exit codes and the line a user sees when rectify itself is at fault."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli import query
from rectify_cli.errors import EXIT_BUG, EXIT_ERROR, EXIT_FOUND, EXIT_OK
from tests.conftest import invoke, invoke_en


def test_exit_codes_are_named_once() -> None:
    assert (EXIT_OK, EXIT_FOUND, EXIT_ERROR, EXIT_BUG) == (0, 1, 2, 70)


def explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


def test_a_bug_is_one_line_and_exit_70(
    runner: CliRunner, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query, "rows", explode)
    monkeypatch.setattr("rectify_cli.cli.list_cmd.rows", explode)
    code, out, err = invoke_en(runner, "list")
    assert (code, out) == (EXIT_BUG, "")
    assert err == (
        "Error: rectify hit a bug (RuntimeError: boom). Please report it with the output of "
        "the same command run with --debug.\n"
    )
    code, out, err = invoke(runner, "list")  # the sample ledger speaks Chinese
    assert (code, out) == (EXIT_BUG, "")
    assert err == (
        "错误：rectify 程序出错（RuntimeError：boom）。请用 --debug 重新运行同一命令，"
        "并将输出一并报告。\n"
    )


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(
    runner: CliRunner, sample: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setattr("rectify_cli.cli.list_cmd.rows", explode)
    args = ["list"]
    if how == "flag":
        args.insert(0, "--debug")
    else:
        monkeypatch.setenv("RECTIFY_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        invoke(runner, *args)


def test_usage_errors_exit_2(runner: CliRunner, sample: Path) -> None:
    code, _, err = invoke(runner, "list", "--sort", "colour")
    assert code == EXIT_ERROR
    assert "Traceback" not in err and "colour" in err
    code, _, err = invoke(runner, "no-such-command")
    assert code == EXIT_ERROR


def test_version(runner: CliRunner) -> None:
    from rectify_cli import __version__

    code, out, _ = invoke(runner, "--version")
    assert (code, out) == (0, f"rectify {__version__}\n")


def test_an_argument_that_is_not_utf8_is_refused_not_a_bug(runner: CliRunner, sample: Path) -> None:
    """A byte that is not UTF-8 on a POSIX command line arrives as a lone surrogate."""
    before = (sample / "tasks.toml").read_bytes()
    code, out, err = invoke(runner, "update", "T07", "--note", "x", "--by", "\udc9b")
    assert (code, out) == (EXIT_ERROR, "")
    assert err == "错误：“\\x9b”不是 UTF-8 文本；请将终端设为 UTF-8 后重新输入\n"
    code, out, err = invoke_en(runner, "list", "--lead", "a\udcffb")
    assert (code, out) == (EXIT_ERROR, "")
    assert (
        err == 'Error: "a\\xffb" is not UTF-8 text; set the terminal to UTF-8 and type it again\n'
    )
    assert (sample / "tasks.toml").read_bytes() == before
