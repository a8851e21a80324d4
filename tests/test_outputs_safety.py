"""Nothing clobbered (issue 15): what every `--out` refuses, replaces, writes through and
leaves behind; init all or nothing; lengths documents cannot hold; `--debug` anywhere;
`update` and `record` on a ledger they cannot read."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli import outputs
from rectify_cli.cli import app
from rectify_cli.errors import EXIT_BUG, EXIT_ERROR, OutputFailed

from .conftest import MINIMAL_TASKS, SAMPLE, invoke, invoke_en

AS_OF = "2025-09-30"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, device nodes and signals")
OLD = time.time() - 60 * 60  # older than any write takes


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def report(runner: CliRunner, out: Path | str, *more: str) -> tuple[int, str, str]:
    return invoke_en(runner, "report", "--as-of", AS_OF, "-f", "md", "-o", str(out), *more)


# --------------------------------------------------------------------------- 1. own files


@pytest.mark.parametrize(
    "name",
    [
        "tasks.toml",
        "Indicators.TOML",
        "petitions.toml",
        "tasks.toml.lock",
        ".rectify",
        ".rectify/undo/00000001.undo",
    ],
)
def test_an_out_never_replaces_a_ledger_file(sample: Path, runner: CliRunner, name: str) -> None:
    """`report -o x/tasks.toml` turned the ledger into Markdown, exit 0; refused now, even
    with --force and even for a ledger file not there yet (petitions.toml)."""
    before = files_of(sample)
    for force in ((), ("--force",)):
        code, out, err = report(runner, sample / name, *force)
        assert (code, out) == (EXIT_ERROR, "")
        assert err == (
            f"Error: {(sample / name).as_posix()}: belongs to the ledger in "
            f"{sample.as_posix()}; rectify never writes an output over it; name another file\n"
        )
    assert files_of(sample) == before
    assert invoke(runner, "check")[0] == 0


def test_a_link_to_a_ledger_file_and_its_schemas_are_refused(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    link = tmp_path / "report.md"
    link.symlink_to(sample / "tasks.toml")
    schemas = sample / "schema"
    assert invoke(runner, "schema", "--out", str(schemas))[0] == 0  # schema writes them
    before = files_of(sample)
    assert report(runner, link, "--force")[0] == EXIT_ERROR
    code, _, err = report(runner, schemas / "tasks.schema.json", "--force")
    assert code == EXIT_ERROR and "belongs to the ledger" in err
    assert files_of(sample) == before
    assert link.is_symlink()
    # Refreshing them is schema's own job, and takes --force like any existing file.
    code, _, err = invoke_en(runner, "schema", "--out", str(schemas))
    assert code == EXIT_ERROR and err.endswith("already exists; pass --force to replace it\n")
    assert invoke(runner, "schema", "--out", str(schemas), "--force")[0] == 0


def test_a_report_beside_the_ledger_is_fine(sample: Path, runner: CliRunner) -> None:
    code, _, err = report(runner, sample / "report.md")
    assert code == 0, err
    assert (sample / "report.md").read_text(encoding="utf-8").startswith("# ")
    assert invoke(runner, "check")[0] == 0


def warn_notice(runner: CliRunner, out: Path, *more: str) -> tuple[int, str, str]:
    return invoke_en(runner, "warn", "--as-of", "2026-01-05", "--notice", "--out", str(out), *more)


@pytest.mark.parametrize("command", ["report", "warn", "schema", "export"])
def test_every_out_refuses_an_existing_file_without_force(
    sample: Path, runner: CliRunner, tmp_path: Path, command: str
) -> None:
    """One rule for every command that writes: an existing file is replaced only with
    --force (report and warn --notice replaced theirs silently)."""
    target = tmp_path / "out"
    runs = {
        "report": lambda *f: report(runner, target / "r.md", *f),
        "warn": lambda *f: warn_notice(runner, target, *f),
        "schema": lambda *f: invoke_en(runner, "schema", "--out", str(target), *f),
        "export": lambda *f: invoke_en(runner, "export", "-o", str(target / "t.xlsx"), *f),
    }
    code, _, err = runs[command]()
    assert code == 0, err
    written = files_of(target)
    assert written
    for path in target.iterdir():
        path.write_bytes(b"mine")
    code, out, err = runs[command]()
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith("Error: ") and "already exists; pass --force to replace it" in err
    assert set(files_of(target).values()) == {b"mine"}
    code, _, err = runs[command]("--force")
    assert code == 0, err
    assert files_of(target).keys() == written.keys()
    assert b"mine" not in files_of(target).values()


def test_a_replaced_file_keeps_its_permissions_and_a_read_only_one_is_refused(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "r.md"
    target.write_text("old", encoding="utf-8")
    if sys.platform != "win32":
        target.chmod(0o640)
        assert report(runner, target, "--force")[0] == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
        assert target.read_text(encoding="utf-8").startswith("# ")
    target.write_text("old", encoding="utf-8")
    target.chmod(0o444)
    try:
        code, _, err = report(runner, target, "--force")
        assert code == EXIT_ERROR
        assert err == (
            f"Error: {target.as_posix()}: is read-only; nothing was written "
            "(make it writable first)\n"
        )
        assert target.read_text(encoding="utf-8") == "old"
        assert not target.stat().st_mode & stat.S_IWUSR
    finally:
        target.chmod(0o644)


@POSIX
def test_a_fifo_and_a_device_are_written_through(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, _, err = report(runner, fifo)  # no --force: nothing is replaced
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got and got[0].startswith(b"# ")
    assert report(runner, os.devnull)[0] == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert [p.name for p in tmp_path.iterdir() if ".rectify-tmp" in p.name] == []


def test_dash_is_stdout(
    sample: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = report(runner, "-")
    assert (code, err) == (0, "")
    assert out == invoke_en(runner, "report", "--as-of", AS_OF, "-f", "md")[1]
    code, out, err = invoke_en(runner, "warn", "--as-of", "2026-01-05", "--notice", "--out", "-")
    assert code == 0 and out.startswith("# ") and not Path("-").exists()


def test_a_link_is_followed_and_one_that_leads_nowhere_refused(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert report(runner, link)[0] == EXIT_ERROR  # the file it leads to exists
    assert report(runner, link, "--force")[0] == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# ")
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    code, _, err = report(runner, loop, "--force")
    assert code == EXIT_ERROR
    assert err == (
        f"Error: {loop.as_posix()}: is a link that leads nowhere (a loop, or its target is "
        "gone); nothing was written\n"
    )


# --------------------------------------------------------------------------- 2. temporaries


def test_an_interrupted_write_leaves_no_temporary(
    sample: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "_create", interrupted)
    out = tmp_path / "out"
    out.mkdir()
    code, _, _ = report(runner, out / "r.md")
    assert code == 130  # Ctrl-C
    assert list(out.iterdir()) == []


def test_stale_temporaries_of_a_killed_run_are_removed(
    sample: Path, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.md").write_text("old", encoding="utf-8")
    stale = [out / ".r.md.k1ll3d.rectify-tmp", out / ".r.md.abcd_123.tmp"]  # older versions'
    fresh = out / ".r.md.running.rectify-tmp"  # another rectify writing right now
    other = out / ".notes.md.abcd_123.tmp"  # not beside a file of that name: not ours
    for path in [*stale, fresh, other]:
        path.write_text("half", encoding="utf-8")
    for path in [*stale, other]:
        os.utime(path, (OLD, OLD))
    assert report(runner, out / "r.md", "--force")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(["r.md", fresh.name, other.name])


@POSIX
def test_sigterm_removes_the_temporary(tmp_path: Path) -> None:
    """A killed `report -o` left `.out.html.*.tmp`: SIGTERM now runs every `finally`."""
    script = tmp_path / "slow.py"
    script.write_text(
        "import sys, time\n"
        "from rectify_cli import outputs\n"
        "outputs._create = lambda tmp, path: time.sleep(60)\n"
        "from rectify_cli.cli import main\n"
        "sys.argv = ['rectify', *sys.argv[1:]]\n"
        "main()\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    env = {**os.environ, "RECTIFY_LEDGER": str(SAMPLE), "RECTIFY_NO_CACHE": "1"}
    args = ["report", "--as-of", AS_OF, "-o", str(out / "r.html")]
    proc = subprocess.Popen([sys.executable, str(script), *args], env=env)
    try:
        deadline = time.time() + 30
        while not (out.exists() and list(out.iterdir())) and time.time() < deadline:
            time.sleep(0.05)
        assert [p.name.endswith(".rectify-tmp") for p in out.iterdir()] == [True]
        proc.terminate()
        assert proc.wait(30) == 128 + 15
    finally:
        proc.kill()
    assert list(out.iterdir()) == []


# --------------------------------------------------------------------------- 7. init


def test_init_is_all_or_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A killed init left tasks.toml and schema/ without indicators.toml; now the ledger is
    built beside and moved in, so an interrupted init leaves nothing."""
    import rectify_cli.scaffold as scaffold

    def killed() -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(scaffold, "indicators_template", killed)
    for root in (tmp_path / "new", tmp_path / "empty"):
        if root.name == "empty":
            root.mkdir()
        assert invoke(runner, "init", str(root))[0] == 130  # Ctrl-C
        assert not root.exists() or list(root.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    monkeypatch.undo()
    for root in (tmp_path / "new", tmp_path / "empty"):
        code, _, err = invoke(runner, "init", str(root))
        assert code == 0, err
        assert sorted(p.name for p in root.iterdir()) == [
            "indicators.toml",
            "schema",
            "tasks.toml",
        ]
        assert invoke(runner, "check", "--ledger", str(root))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "new"]


def test_init_completes_the_half_ledger_an_older_init_left(
    runner: CliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "x"
    assert invoke_en(runner, "init", str(root), "--title", "Plan")[0] == 0
    whole = files_of(root)
    (root / "indicators.toml").unlink()
    (root / "schema" / "petitions.schema.json").unlink()
    leftover = root / ".indicators.toml.abcd1234.tmp"
    leftover.write_text("half", encoding="utf-8")
    os.utime(leftover, (OLD, OLD))
    code, _, err = invoke_en(runner, "init", str(root), "--title", "Plan")
    assert code == 0
    shown = root.as_posix()
    assert err == (
        f"Completed the ledger {shown} (an earlier rectify init did not finish): added "
        f"{shown}/schema/petitions.schema.json, {shown}/indicators.toml. Next: edit "
        f"tasks.toml, then run rectify check --ledger {shown}\n"
    )
    assert files_of(root) == whole
    # Once edited, the ledger is the user's: init refuses as always.
    (root / "indicators.toml").unlink()
    with (root / "tasks.toml").open("a", encoding="utf-8") as f:
        f.write("# mine\n")
    code, _, err = invoke_en(runner, "init", str(root))
    assert code == EXIT_ERROR
    assert err.startswith(f"Error: {shown}/tasks.toml: already exists; rectify init only")
    assert not (root / "indicators.toml").exists()


# --------------------------------------------------------------------------- 8. lengths


LONG = "长" * 300


def test_docx_takes_a_title_and_lead_longer_than_its_properties(
    make_ledger: object, runner: CliRunner, tmp_path: Path
) -> None:
    docx = pytest.importorskip("docx")
    tasks = MINIMAL_TASKS.replace('title = "测试台账"', f'title = "{LONG}"')
    tasks = tasks.replace('lead = "市生态环境局"', f'lead = "{LONG}"')
    make_ledger(tasks)  # type: ignore[operator]
    assert invoke(runner, "check")[0] == 0
    target = tmp_path / "r.docx"
    code, _, err = invoke(runner, "report", "--as-of", AS_OF, "-o", str(target))
    assert code == 0, err
    doc = docx.Document(str(target))
    assert doc.core_properties.title == LONG[:254] + "…"
    assert any(LONG in p.text for p in doc.paragraphs)  # the body keeps it whole
    code, _, err = invoke(
        runner, "warn", "--as-of", "2026-01-05", "--notice", "-f", "docx", "--out", str(tmp_path)
    )
    assert code == 0, err
    (notice,) = tmp_path.glob("2026-01-05-*.docx")
    assert len(notice.name.encode("utf-8")) <= 255
    assert len(docx.Document(str(notice)).core_properties.title) <= 255


def test_notice_names_fit_the_file_system(
    make_ledger: object, runner: CliRunner, tmp_path: Path
) -> None:
    """A department name of 100 four-byte characters made `File name too long`."""
    lead = "\U00020000" * 100
    tasks = MINIMAL_TASKS + MINIMAL_TASKS.split("\n\n")[-1].replace('"T1"', '"T2"').replace(
        "市生态环境局", lead
    )
    make_ledger(tasks)  # type: ignore[operator]
    code, _, err = warn_notice(runner, tmp_path / "n")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "n").iterdir())
    assert len(names) == 2 and all(len(n.encode("utf-8")) <= 255 for n in names)


def test_several_files_are_all_written_or_none(tmp_path: Path) -> None:
    from rectify_cli.outputs import write_files

    kept = tmp_path / "kept.md"
    kept.write_text("old", encoding="utf-8")
    too_long = tmp_path / ("x" * 300 + ".md")
    with pytest.raises(OutputFailed) as exc:
        write_files({tmp_path / "a.md": b"a", kept: b"new", too_long: b"c"}, force=True)
    assert exc.value.message == (
        f"{too_long.as_posix()}: the file name is too long (303 bytes; this file system "
        "takes 255); nothing was written"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.md"]
    assert kept.read_text(encoding="utf-8") == "old"


def test_a_failure_while_placing_takes_back_what_was_placed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rectify_cli.outputs import write_files

    kept = tmp_path / "kept.md"
    kept.write_text("old", encoding="utf-8")
    real_create = outputs._create

    def full_on_the_last(tmp: str, path: Path) -> None:
        if path.name == "z.md":
            raise OSError(28, "No space left on device")
        real_create(tmp, path)

    monkeypatch.setattr(outputs, "_create", full_on_the_last)
    files = {tmp_path / "a.md": b"a", kept: b"new", tmp_path / "z.md": b"z"}
    with pytest.raises(OutputFailed) as exc:
        write_files(files, force=True)
    assert exc.value.message == (
        f"{(tmp_path / 'z.md').as_posix()}: cannot write: No space left on device; "
        "none of the 3 files was written"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.md"]
    assert kept.read_text(encoding="utf-8") == "old"


def test_update_words_a_symlink_loop_as_check_does(make_ledger: object, runner: CliRunner) -> None:
    root = make_ledger(MINIMAL_TASKS, "version = 1\n")  # type: ignore[operator]
    tasks = root / "tasks.toml"
    tasks.unlink()
    tasks.symlink_to(tasks)
    code, _, check_err = invoke_en(runner, "check")
    assert code == EXIT_ERROR
    for args in (("update", "T1", "--note", "x"), ("record", "pm25", "3", "--period", "2025")):
        code, out, err = invoke_en(runner, *args)
        assert (code, out, err) == (EXIT_ERROR, "", check_err)
    assert "Symlink loop" not in check_err


def test_debug_works_after_the_command(
    make_ledger: object, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_ledger()  # type: ignore[operator]
    # A note that says --debug is a note.
    code, _, err = invoke_en(runner, "update", "T1", "--note", "--debug")
    assert code == 0, err

    def bug(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("rectify_cli.edit.update_task", bug)
    code, _, err = invoke_en(runner, "update", "T1", "--note", "x")
    assert code == EXIT_BUG
    assert "the same command run with --debug" in err
    for args in (("update", "T1", "--note", "x", "--debug"), ("--debug", "update", "T1")):
        result = runner.invoke(app, [*args, "--lang", "en"])
        assert isinstance(result.exception, RuntimeError), result.output
        assert "No such option" not in result.output


# --------------------------------------------------------------------------- 9. record


@pytest.mark.parametrize("broken", ["missing", "invalid", "folder"])
def test_record_refuses_a_ledger_without_a_valid_tasks_file(
    sample: Path, runner: CliRunner, broken: str
) -> None:
    tasks = sample / "tasks.toml"
    if broken == "missing":
        tasks.unlink()
    elif broken == "invalid":
        tasks.write_text("[ledger\n", encoding="utf-8")
    else:
        tasks.unlink()
        tasks.mkdir()
    before = (sample / "indicators.toml").read_bytes()
    code, out, err = invoke_en(runner, "record", "pm25", "28", "--period", "2025-10")
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith(f"Error: {tasks.as_posix()}")
    assert (sample / "indicators.toml").read_bytes() == before
    if broken != "folder":
        _, _, update_err = invoke_en(runner, "update", "T01", "--note", "x")
        assert err == update_err  # worded as update words it
