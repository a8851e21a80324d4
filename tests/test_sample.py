"""What an installed rectify brings with it: the Binzhou sample (`rectify init --sample DIR`),
one version (pyproject's, read from the package metadata), and `python -m rectify_cli`.
The built wheel itself is tested in test_package.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rectify_cli
from rectify_cli.scaffold import SAMPLE_FILES, sample_files, write_sample
from tests.conftest import REPO, SAMPLE, invoke, invoke_en

PACKAGED = Path(rectify_cli.__file__).parent / "sample"


def test_the_packaged_sample_is_data_byte_for_byte() -> None:
    """src/rectify_cli/sample/ is a copy of data/ (the package can hold only files under
    src/): after editing data/, run `cp data/*.toml src/rectify_cli/sample/`."""
    in_data = sorted(p.name for p in SAMPLE.iterdir() if p.is_file())
    assert sorted(SAMPLE_FILES) == in_data
    assert sorted(p.name for p in PACKAGED.iterdir() if p.suffix == ".toml") == in_data
    for name, data in sample_files().items():
        assert data == (SAMPLE / name).read_bytes(), (
            f"{name}: the packaged sample differs from data/{name}; "
            "run: cp data/*.toml src/rectify_cli/sample/"
        )


def report_json(runner: CliRunner, ledger: Path) -> object:
    code, out, err = invoke(
        runner, "report", "--ledger", str(ledger), "--format", "json", "--as-of", "2025-09-30"
    )
    assert (code, err) == (0, "")
    return json.loads(out)


def test_init_sample_writes_the_sample_and_report_reads_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "滨州 示例"
    code, out, err = invoke(runner, "init", "--sample", str(root))
    assert (code, out) == (0, "")
    # Said in the sample's language, with what to run next.
    assert err.startswith("已把滨州市示例台账写入")
    assert f"rectify report --ledger {root}" in err
    assert sorted(p.name for p in root.iterdir()) == sorted(SAMPLE_FILES)
    for name in SAMPLE_FILES:
        assert (root / name).read_bytes() == (SAMPLE / name).read_bytes()
    assert report_json(runner, root) == report_json(runner, SAMPLE)
    assert invoke(runner, "check", "--ledger", str(root))[0] == 0


def test_init_sample_speaks_english_when_asked(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke_en(runner, "init", "--sample", str(tmp_path / "s"))
    assert code == 0
    assert err.startswith("Wrote the Binzhou sample ledger into ")
    assert "indicators.toml, petitions.toml, tasks.toml" in err


@pytest.mark.parametrize("existing", SAMPLE_FILES)
def test_init_sample_refuses_a_folder_holding_a_ledger_file(
    runner: CliRunner, tmp_path: Path, existing: str
) -> None:
    (tmp_path / existing).write_text("# mine\n", encoding="utf-8")
    code, out, err = invoke_en(runner, "init", "--sample", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith("Error: ") and f"{existing}: already exists" in err
    assert "Traceback" not in err
    # Nothing written: the one file is still the user's, and alone.
    assert [p.name for p in tmp_path.iterdir()] == [existing]
    assert (tmp_path / existing).read_text(encoding="utf-8") == "# mine\n"


def test_init_sample_refuses_the_sample_itself(runner: CliRunner, sample: Path) -> None:
    before = {p.name: p.read_bytes() for p in sample.iterdir()}
    code, _, err = invoke_en(runner, "init", "--sample", str(sample))
    assert code == 2 and "already exists" in err
    assert {p.name: p.read_bytes() for p in sample.iterdir()} == before


def test_init_sample_into_a_folder_with_other_files(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert invoke(runner, "init", "--sample", str(tmp_path))[0] == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert report_json(runner, tmp_path) == report_json(runner, SAMPLE)


def test_init_sample_finishes_a_sample_an_interrupted_run_left_half_written(
    tmp_path: Path,
) -> None:
    """Files move into an existing folder one by one, tasks.toml last; a run killed between
    two leaves sample files without tasks.toml, which a second run completes."""
    (tmp_path / "indicators.toml").write_bytes((SAMPLE / "indicators.toml").read_bytes())
    made = write_sample(tmp_path)
    assert made.completed
    assert sorted(p.name for p in made.written) == ["petitions.toml", "tasks.toml"]
    for name in SAMPLE_FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes()


def test_init_sample_refuses_a_file_and_a_title(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    code, _, err = invoke_en(runner, "init", "--sample", str(tmp_path / "f"))
    assert code == 2 and "is a file, not a folder" in err
    code, _, err = invoke_en(runner, "init", "--sample", str(tmp_path / "t"), "--title", "x")
    assert code == 2 and err.startswith("Error: --title: the sample keeps its own title")
    assert not (tmp_path / "t").exists()


def test_an_interrupted_sample_leaves_no_ledger(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing, as init: a failure while moving the files in leaves none behind."""
    real_link = os.link
    calls: list[object] = []

    def failing_link(src: object, dst: object) -> None:
        if Path(str(dst)).parent == tmp_path:  # moving the second file into the folder
            calls.append(dst)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
        real_link(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", failing_link)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = invoke_en(runner, "init", "--sample", str(tmp_path))
    assert code == 2 and "cannot create the ledger" in err and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# --------------------------------------------------------------------------- version


def test_the_version_is_pyprojects_read_from_the_package_metadata(runner: CliRunner) -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    expected = declared["project"]["version"]
    assert version(rectify_cli.DISTRIBUTION) == expected
    assert rectify_cli.__version__ == expected
    assert invoke(runner, "--version") == (0, f"rectify {expected}\n", "")


def test_the_changelog_names_the_current_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {rectify_cli.__version__}" in changelog


def test_python_m_rectify_cli_is_the_rectify_program(tmp_path: Path) -> None:
    env = {**os.environ, "RECTIFY_LEDGER": str(tmp_path / "none")}
    ran = subprocess.run(
        [sys.executable, "-m", "rectify_cli", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (ran.returncode, ran.stdout) == (0, f"rectify {rectify_cli.__version__}\n")
    ran = subprocess.run(
        [sys.executable, "-m", "rectify_cli", "init", "--sample", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    ran = subprocess.run(
        [sys.executable, "-m", "rectify_cli", "list", "--ledger", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    assert ran.returncode == 0 and "T01" in ran.stdout, ran.stderr
