"""`--help` and click's usage errors in Chinese: the catalogue in step with the options, the
help chosen by the user's language, usage errors in the ledger's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from rectify_cli.cli import app
from rectify_cli.cli.help_zh import _width, _wrap, help_texts
from rectify_cli.cli.help_zh_text import ZH

from .conftest import invoke

HELP_OPTION = "Show this message and exit."
HAN = re.compile(r"[\u4e00-\u9fff]")


def _flat(text: str) -> str:
    return "".join(text.split())


def test_every_help_text_has_its_chinese_and_none_is_stale() -> None:
    shown = set(help_texts(typer.main.get_command(app)))
    assert sorted(shown - set(ZH)) == [], "add these to cli/help_zh.py's ZH"
    assert sorted(set(ZH) - shown - {HELP_OPTION}) == [], "no option has this help any more"
    assert all(HAN.search(zh) for zh in ZH.values())


@pytest.mark.parametrize("command", ["", "update", "record", "import", "report", "list"])
def test_help_is_chinese_when_the_user_speaks_it(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("RECTIFY_LANG", "zh")
    args = [command, "-h"] if command else ["-h"]
    code, out, _ = invoke(runner, *args)
    assert code == 0
    assert out.startswith(f"用法：rectify {command + ' ' if command else ''}[选项]")
    assert "选项：\n" in out and "Options" not in out and "Usage" not in out
    root = typer.main.get_command(app)
    chosen = root.commands[command] if command else root  # type: ignore[attr-defined]
    flat = _flat(out)
    # Every option's help and the command's own, each whole, however the lines wrapped.
    for param in chosen.params:
        text = getattr(param, "help", None)
        if text:
            assert _flat(ZH[" ".join(text.split())]) in flat, param.name
    assert _flat(ZH[HELP_OPTION]) in flat
    assert "[default:" not in out and "[required]" not in out


def test_the_root_help_names_each_command_in_chinese(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_LANG", "zh")
    out = invoke(runner, "-h")[1]
    commands = out.split("命令：\n")[1]
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        first = ZH[" ".join(command.help.split())].split("。")[0]
        assert _flat(first) in _flat(commands), name


def test_help_is_english_otherwise(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECTIFY_LANG", "en")
    code, out, _ = invoke(runner, "update", "-h")
    assert code == 0
    assert out.startswith("Usage: rectify update [OPTIONS]")
    assert "Print the exact diff that would be written" in out
    assert not HAN.search(
        out.replace("未启动", "").replace("推进中", "").replace("已完成", "").replace("已销号", "")
    )


def test_help_follows_the_user_not_the_ledger(
    runner: CliRunner, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_LANG", "en")  # the sample ledger is lang = "zh"
    assert invoke(runner, "-h")[1].startswith("Usage: ")
    assert invoke(runner, "update", "-h", "--lang", "zh")[1].startswith("用法：")


USAGE_ERRORS = [
    (["update"], "缺少参数 'ID'。", "Missing argument 'ID'."),
    (
        ["warn", "--days", "x"],
        "'--days' 的值无效：'x' 不是整数。",
        "Invalid value for '--days': 'x' is not a valid int",
    ),
    (
        ["export", "-f", "pdf", "-o", "x.pdf"],
        "'--format' / '-f' 的值无效：'pdf' 不是可选的值；可选：'xlsx'、'csv'。",
        "'pdf' is not one of 'xlsx', 'csv'.",
    ),
    (["record", "pm25"], "缺少参数 'VALUE'。", "Missing argument 'VALUE'."),
    (["update", "T07", "--bogus"], "没有选项 --bogus", "No such option: --bogus"),
    (
        ["update", "T07", "--note"],
        "选项 '--note' 需要一个值。",
        "Option '--note' requires an argument.",
    ),
    (["check", "extra"], "多余的参数（extra）", "Got unexpected extra argument(s) (extra)"),
]


@pytest.mark.parametrize(("args", "zh", "en"), USAGE_ERRORS)
def test_usage_errors_speak_the_ledgers_language(
    runner: CliRunner, sample: Path, args: list[str], zh: str, en: str
) -> None:
    code, out, english = invoke(runner, args[0], "--lang", "en", *args[1:])
    assert (code, out) == (2, "")
    command = f"rectify {args[0]}"
    assert en in english and not HAN.search(english), english

    code, out, err = invoke(runner, *args)
    assert (code, out) == (2, "")
    assert err.endswith(f"错误：{zh}\n"), err
    assert "Usage" not in err and "Error" not in err and "Try" not in err
    if english.startswith("Usage: "):  # click names the command when it knows which
        usage = english.splitlines()[0].replace("Usage: ", "用法：").replace("[OPTIONS]", "[选项]")
        assert err.startswith(f"{usage}\n运行 '{command} -h' 查看帮助。\n\n"), err


def test_an_unknown_command_on_a_chinese_ledger(runner: CliRunner, sample: Path) -> None:
    code, _, err = invoke(runner, "nonsense")
    assert code == 2
    assert err.startswith("用法：rectify [选项] 命令 [参数]...\n运行 'rectify -h' 查看帮助。\n")
    assert err.endswith("错误：没有命令 'nonsense'。\n")


@given(st.text(alphabet="整改任务台账，。；：、）ab cde-–[]0123", max_size=80), st.integers(10, 40))
def test_wrapping_keeps_every_character_within_the_width(text: str, width: int) -> None:
    lines = _wrap(text, width)
    assert _flat("".join(lines)) == _flat(text)
    for line in lines:
        # Closing marks hang past the edge rather than start a line; a word too long for any
        # line has one of its own.
        fits = _width(line.rstrip("，。；：、）］」 ")) <= width
        assert fits or (" " not in line.strip() and not HAN.search(line)), line
    assert not any(line[0] in "，。；：、）" for line in lines[1:])


def test_a_chinese_command_that_runs_well_never_loads_the_catalogue(sample: Path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from rectify_cli.cli import app\n"
        "try:\n"
        "    app(['list', '--as-of', '2025-09-30', '--format', 'csv'], prog_name='rectify')\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(str('rectify_cli.cli.help_zh' in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8",
        env={**os.environ, "RECTIFY_LEDGER": str(sample)}, check=False,
    )  # fmt: skip
    assert "T01" in done.stdout and done.stderr == "False"
