"""Every file in tests/corpus gives its expected one-line message and exit 2, never a traceback."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rectify_cli import files
from tests.conftest import MINIMAL_TASKS, invoke, invoke_en

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


@pytest.fixture
def in_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def enter(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(CORPUS / name, dest, ignore=shutil.ignore_patterns("expected*"))
        monkeypatch.chdir(dest)
        return dest

    return enter


# `expected` is the English wording (`--lang en`), `expected.zh` the ledger's own: these
# ledgers name no language, so they are Chinese.
LANGS = [("en", "expected", "Error: ", " (and "), ("zh", "expected.zh", "错误：", "（另有")]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("command", [["list"], ["show", "T1"], ["warn"], ["report"]])
@pytest.mark.parametrize(("lang", "file", "prefix", "more"), LANGS, ids=["en", "zh"])
def test_corpus_case(  # type: ignore[no-untyped-def]
    runner: CliRunner,
    in_case,
    name: str,
    command: list[str],
    lang: str,
    file: str,
    prefix: str,
    more: str,
) -> None:
    expected = (CORPUS / name / file).read_text(encoding="utf-8")
    in_case(name)
    extra = ["--lang", "en"] if lang == "en" else []
    code, out, err = invoke(runner, *command, "--ledger", ".", *extra)
    assert "Traceback" not in err
    if expected == "OK\n":
        assert (code, err) == (0, ""), err
        return
    if name in CHECK_ONLY:
        # The ledger loads: the command answers, and says in one line that `check` would not
        # pass it.
        assert (code, err) == (0, expected), err
        assert out
        return
    assert (code, out) == (2, "")
    assert err == expected


VALID = [n for n in CASES if (CORPUS / n / "expected").read_text(encoding="utf-8") == "OK\n"]
# Ledgers that load but break a rule `check` enforces (checks.py): `expected` is the notice
# every reading command prints, `expected.check` what `check` prints.
CHECK_ONLY = [n for n in CASES if (CORPUS / n / "expected.check").exists()]


@pytest.mark.parametrize("name", CHECK_ONLY)
@pytest.mark.parametrize(("lang", "suffix"), [("en", ""), ("zh", ".zh")])
def test_check_names_each_problem_of_a_ledger_that_loads(  # type: ignore[no-untyped-def]
    runner: CliRunner, in_case, name: str, lang: str, suffix: str
) -> None:
    expected = (CORPUS / name / f"expected.check{suffix}").read_text(encoding="utf-8")
    in_case(name)
    extra = ["--lang", "en"] if lang == "en" else []
    code, out, err = invoke(runner, "check", "--ledger", ".", *extra)
    assert (code, out, err) == (2, "", expected)


@pytest.mark.parametrize("name", CASES)
def test_one_bar_for_every_command(runner: CliRunner, in_case, name: str) -> None:  # type: ignore[no-untyped-def]
    """Whatever `check` refuses, no reading command passes in silence: it fails with the
    load error, or answers (exit 0, its normal output) and prints the one-line notice."""
    in_case(name)
    check, _, _ = invoke_en(runner, "check", "--ledger", ".")
    notice = re.compile(
        r"Warning: the ledger has (?P<n>\d+) problems?; rectify check --ledger \. lists (it|them)\n"
    )
    for command in (["list"], ["warn"], ["report"], ["report", "-f", "json"], ["show", "T1"]):
        code, out, err = invoke_en(runner, *command, "--ledger", ".")
        if check == 0:
            assert (code, err) == (0, ""), (command, err)
        elif code == 0:
            assert notice.fullmatch(err), (command, err)
            assert out, command
        else:
            assert (code, out) == (2, "") and err.startswith("Error: "), (command, err)


@pytest.mark.parametrize("name", [n for n in CASES if n not in VALID and n not in CHECK_ONLY])
@pytest.mark.parametrize(("lang", "file", "prefix", "more"), LANGS, ids=["en", "zh"])
def test_check_reports_the_same_problem(  # type: ignore[no-untyped-def]
    runner: CliRunner, in_case, name: str, lang: str, file: str, prefix: str, more: str
) -> None:
    expected = (CORPUS / name / file).read_text(encoding="utf-8")
    in_case(name)
    extra = ["--lang", "en"] if lang == "en" else []
    code, out, err = invoke(runner, "check", "--ledger", ".", *extra)
    assert (code, out) == (2, "")
    first = expected.removeprefix(prefix).split(more, 1)[0].rstrip("\n")
    assert err.splitlines()[0] == first


def test_chinese_corpus_messages_are_chinese() -> None:
    """What `expected.zh` holds is worded in Chinese: no English sentence slipped through."""
    english = ("must ", " got ", "cannot ", "expected ", "invalid ", "unknown ", " not ")
    for name in CASES:
        text = (CORPUS / name / "expected.zh").read_text(encoding="utf-8")
        if name in CHECK_ONLY:
            assert text.startswith("警告："), name
            text += (CORPUS / name / "expected.check.zh").read_text(encoding="utf-8")
        elif text != "OK\n":
            assert text.startswith("错误："), name
        assert not any(w in text for w in english), (name, text)


def test_folder_where_the_file_should_be(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "led" / "tasks.toml").mkdir(parents=True)
    code, _, err = invoke(runner, "list", "--ledger", str(tmp_path / "led"))
    assert code == 2
    assert err.endswith("tasks.toml: is a folder, not a TOML file\n")


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlink_loop(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "led"
    root.mkdir()
    os.symlink(root / "tasks.toml", root / "tasks.toml")
    code, _, err = invoke(runner, "list", "--ledger", str(root))
    assert code == 2
    assert "tasks.toml: cannot read: " in err
    assert err.count("\n") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_ledger_folder_symlink_loop(runner: CliRunner, tmp_path: Path) -> None:
    os.symlink(tmp_path / "a", tmp_path / "b")
    os.symlink(tmp_path / "b", tmp_path / "a")
    code, _, err = invoke(runner, "list", "--ledger", str(tmp_path / "a"))
    assert code == 2
    assert err.startswith("Error: ") and err.count("\n") == 1


def test_oversized_file_is_refused_before_it_is_read(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "led"
    root.mkdir()
    with (root / "tasks.toml").open("wb") as f:
        f.truncate(files.MAX_FILE_BYTES + 1)  # sparse: costs no disk and no memory
    code, _, err = invoke_en(runner, "list", "--ledger", str(root))
    assert code == 2
    assert err.endswith("a ledger may be\n") and "larger than the" in err


def test_fifty_megabyte_file_with_an_error_at_the_end(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "led"
    root.mkdir()
    filler = "# 历史备注：整改台账的旧记录，保留备查。\n" * (52_000_000 // 60)
    text = MINIMAL_TASKS + filler + 'notes = "never closed\n'
    (root / "tasks.toml").write_text(text, encoding="utf-8")
    assert (root / "tasks.toml").stat().st_size >= 50_000_000
    code, _, err = invoke_en(runner, "list", "--ledger", str(root))
    assert code == 2
    line = text.count("\n")
    assert f"tasks.toml:{line}:" in err and "a string is not closed" in err


def test_a_ledger_folder_that_is_a_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "ledger").write_text("T1, 治理扬尘\n", encoding="utf-8")
    for command in ("list", "check", "report"):
        code, out, err = invoke(runner, command, "--ledger", str(tmp_path / "ledger"))
        assert (code, out) == (2, "")
        assert err.endswith(
            "ledger: is a file, not a ledger folder; --ledger takes the folder that holds "
            "tasks.toml\n"
        )


def test_a_folder_where_indicators_toml_should_be(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "led"
    (root / "indicators.toml").mkdir(parents=True)
    (root / "tasks.toml").write_text(MINIMAL_TASKS, encoding="utf-8")
    for command in ("list", "check"):
        code, _, err = invoke_en(runner, command, "--ledger", str(root))
        assert code == 2
        assert err.endswith("indicators.toml: is a folder, not a TOML file\n")


# --------------------------------------------------------------------------- references
# Tasks do not refer to tasks, so no cycle can be written.  What does refer: a task to its
# aspect (corpus: undefined_aspect), a task to indicators, and --ledger to folders.


def test_a_task_naming_itself_or_an_unknown_id_as_indicator(
    runner: CliRunner, make_ledger: Any
) -> None:
    """Every command still works (the reference is only shown, the problem counted on one
    line); `check` names each one."""
    make_ledger(
        MINIMAL_TASKS.replace("progress = 50", 'progress = 50\nindicators = ["T1", "pm25"]'),
        '[[indicators]]\nid = "pm25"\nname = "PM2.5"\nbetter = "lower"\nvalue = 30\n',
    )
    notice = "Warning: the ledger has 1 problem; rectify check lists it\n"
    for command in (["list"], ["show", "T1"], ["warn"], ["report"], ["report", "-f", "json"]):
        code, _, err = invoke_en(runner, *command, "--as-of", "2025-06-30")
        assert (code, err) == (0, notice), command
    code, out, err = invoke_en(runner, "check")
    assert (code, out) == (2, "")
    first, count = err.splitlines()
    assert first.endswith("tasks.toml:20: task T1: indicators: unknown indicator 'T1'")
    assert count == "1 problem found."


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_one_ledger_named_twice_or_through_a_link_is_read_once(
    runner: CliRunner, make_ledger: Any, tmp_path: Path
) -> None:
    root = make_ledger()
    os.symlink(root, tmp_path / "alias")
    os.symlink(tmp_path / "loop", tmp_path / "loop")  # a pattern's match that leads nowhere
    one = invoke(runner, "list", "-f", "json", "--ledger", str(root))
    for args in (
        ["--ledger", str(root), "--ledger", str(tmp_path / "alias")],
        ["--ledger", str(root), "--ledger", str(root)],
        ["--ledger", str(tmp_path / "l*")],  # the link loop is not a folder: skipped
    ):
        assert invoke(runner, "list", "-f", "json", *args) == one, args
