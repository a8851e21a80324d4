"""The built package, as a user installs it: the sdist and the wheel are built from a copy
of the source tree (the wheel from the sdist, so a file the sdist drops is missing from the
wheel too), the wheel is installed into a fresh venv outside the tree, and the installed
program writes the sample and reports on it exactly as the checkout does.

Offline on purpose: `python -m build --no-isolation` uses the build tools of the test
extra, and the wheel is installed with `--no-deps --no-index`; its dependencies come from
this test environment through a .pth file that names its site-packages (a bare path in a
.pth adds that folder only: the editable install's own .pth there, which would put src/ on
the path, is not read).  CI also installs the wheel with its dependencies from the index and
runs the whole suite against it (.ci/run).  Without `build` the test skips and says why, and
fails under RECTIFY_REQUIRE_PROGRAMS=1 (tests/programs.py).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import REPO, SAMPLE, invoke
from tests.programs import missing

SOURCE = REPO / "src" / "rectify_cli"
BUILD_TIMEOUT = 300
PIP_OFFLINE = ("--no-deps", "--no-index", "--quiet")
AS_OF = ("--format", "json", "--as-of", "2025-09-30")
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

pytestmark = pytest.mark.slow


def source_files() -> set[str]:
    """Every file of the package in the source tree, as a path inside the package."""
    return {
        path.relative_to(SOURCE.parent).as_posix()
        for path in SOURCE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path


def build(tmp: Path) -> Built:
    if not SOURCE.is_dir():
        pytest.skip("the tests run against an installed rectify: no source tree to build")
    if importlib.util.find_spec("build") is None:
        missing(
            "the Python package `build` is not installed; building the wheel needs it "
            "(pip install -e '.[test]' installs it)"
        )
    tree = tmp / "source"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*")
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, tree / name)
    for name in ("src", "tests"):
        shutil.copytree(REPO / name, tree / name, ignore=skip)
    dist = tmp / "dist"
    ran = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(tree)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert ran.returncode == 0, f"python -m build failed:\n{ran.stdout}\n{ran.stderr}"
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    return Built(sdist, wheel)


def install(wheel: Path, where: Path) -> Path:
    """A fresh venv at `where` holding the wheel; its bin (Scripts) folder."""
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(where)
    scripts = where / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    # pip from this environment, run for the new venv's interpreter (pip --python): the
    # wheel goes into the new venv, which holds no rectify yet.
    ran = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", *PIP_OFFLINE, str(wheel)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert ran.returncode == 0, f"pip install of the wheel failed:\n{ran.stdout}\n{ran.stderr}"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    ours = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    (site / "zz-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return scripts


def environment(tmp: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RECTIFY_", "PYTHON", "VIRTUAL_ENV"))
        or k == "RECTIFY_STRICT_FAST_PATH"
    }
    env.update(
        RECTIFY_CACHE_DIR=str(tmp / "cache"),
        PYTHONIOENCODING="utf-8",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    ran = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, encoding="utf-8", timeout=120, check=False
    )
    assert ran.returncode == 0, f"{argv}: exit {ran.returncode}\n{ran.stdout}\n{ran.stderr}"
    return ran.stdout


def test_the_built_wheel_installed_outside_the_tree_writes_and_reports_the_sample(
    tmp_path: Path, runner: CliRunner
) -> None:
    built = build(tmp_path)
    assert built.wheel.name == f"rectify-{VERSION}-py3-none-any.whl"

    # Every module, data file and template of the source tree is in the wheel and the sdist.
    expected = source_files()
    assert "rectify_cli/sample/tasks.toml" in expected
    with zipfile.ZipFile(built.wheel) as whl:
        in_wheel = {n for n in whl.namelist() if not n.endswith("/")}
    assert expected - in_wheel == set(), "missing from the wheel"
    assert {n for n in in_wheel if n.startswith("rectify_cli/")} == expected
    with tarfile.open(built.sdist) as sdist:
        prefix = f"rectify-{VERSION}/src/"
        in_sdist = {m.name.removeprefix(prefix) for m in sdist.getmembers() if m.isfile()}
    assert expected - in_sdist == set(), "missing from the sdist"

    scripts = install(built.wheel, tmp_path / "venv")
    work = tmp_path / "office"
    work.mkdir()
    env = environment(tmp_path)
    python = str(scripts / ("python.exe" if os.name == "nt" else "python"))
    rectify = str(scripts / ("rectify.exe" if os.name == "nt" else "rectify"))

    # The installed package, not the source tree, is what runs.
    where = json.loads(
        run(
            [
                python,
                "-c",
                "import json, sys, rectify_cli; "
                "print(json.dumps([rectify_cli.__file__, sys.path]))",
            ],
            work,
            env,
        )
    )
    assert Path(where[0]).is_relative_to(tmp_path / "venv"), where[0]
    assert str(REPO / "src") not in where[1]

    assert run([rectify, "--version"], work, env) == f"rectify {VERSION}\n"
    assert run([python, "-m", "rectify_cli", "--version"], work, env) == f"rectify {VERSION}\n"
    run([rectify, "init", "--sample", "滨州 示例"], work, env)
    printed = run([rectify, "report", "--ledger", "滨州 示例", *AS_OF], work, env)
    code, out, err = invoke(runner, "report", "--ledger", str(SAMPLE), *AS_OF)
    assert (code, err) == (0, "")
    assert json.loads(printed) == json.loads(out)
    assert printed == out
