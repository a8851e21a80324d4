"""PDF: an HTML document rectify made, printed by a Chromium-family browser run headless.

Why a browser (docs/documents.md, "PDF"): every Windows 10/11 office desktop has Microsoft
Edge, many have Google Chrome, Linux has chromium, and each draws Chinese with the system's
own fonts exactly as the HTML report shows on screen; rectify ships no font and needs no
GTK, Cairo or LaTeX.  The page's print CSS (`@page` A4 and its margins, headers repeated on
every page) is what the browser lays out, so the PDF is the HTML report on paper.

The browser is found in this order (`find_browser`): the RECTIFY_BROWSER variable, then
chromium, chromium-browser, google-chrome, msedge … on PATH, then the usual install paths of
Edge and Chrome on Windows and macOS.  It runs with a fresh profile in a temporary folder
(removed after), no network fetches of its own, and a time limit (`run_browser`, which
scripts/screenshots.py uses too).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import OutputFailed, RectifyError
from .files import display_path
from .i18n import say

BROWSER_ENV = "RECTIFY_BROWSER"
# Names on PATH, most specific first: Debian's and Ubuntu's chromium, Google's packages,
# Edge on Linux and the `msedge` a Windows PATH may carry.
PATH_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
    "microsoft-edge",
    "microsoft-edge-stable",
)
# A guard against a hung browser: printing a report takes seconds.
TIMEOUT_SECONDS = 120
FLAGS = (
    "--headless",
    "--no-sandbox",  # the sandbox refuses to start as root (containers, CI)
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",  # a closed network: no update or safe-browsing calls
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    # No date, title, file path and page number printed in the margins; the second
    # spelling is the one browsers before Chrome 120 read.
    "--no-pdf-header-footer",
    "--print-to-pdf-no-header",
)


class BrowserUnavailable(RectifyError):
    """No browser to print a PDF with."""


def find_browser(environ: Mapping[str, str] | None = None) -> Path:
    """The browser that prints PDFs, or the sentence that says how to get one."""
    env = os.environ if environ is None else environ
    named = env.get(BROWSER_ENV, "").strip()
    if named:
        found = _program(named, env)
        if found is None:
            raise BrowserUnavailable(
                say(
                    "{var} names {path}, which is not a program; set it to Microsoft Edge, "
                    "Google Chrome or Chromium (msedge.exe, chrome.exe, chromium)",
                    "{var} 指定的 {path} 不是可运行的程序；请设为 Microsoft Edge、Google Chrome "
                    "或 Chromium 的程序（msedge.exe、chrome.exe、chromium）",
                    var=BROWSER_ENV,
                    path=named,
                )
            )
        return found
    for candidate in _candidates(env):
        if candidate.is_file():
            return candidate
    raise BrowserUnavailable(
        say(
            "PDF is printed by a Chromium-family browser and none was found; install Microsoft "
            "Edge, Google Chrome or Chromium (Debian/Ubuntu: apt-get install chromium), or set "
            "{var} to one",
            "PDF 由 Chromium 内核的浏览器打印，但未找到这样的浏览器；请安装 Microsoft Edge、"
            "Google Chrome 或 Chromium（Debian/Ubuntu：apt-get install chromium），或用 {var} "
            "指定其程序",
            var=BROWSER_ENV,
        )
    )


def _program(named: str, env: Mapping[str, str]) -> Path | None:
    """RECTIFY_BROWSER: a path to the program, or a name on PATH."""
    path = Path(named).expanduser()
    if path.is_file():
        return path
    found = shutil.which(named, path=env.get("PATH"))
    return Path(found) if found else None


def _candidates(env: Mapping[str, str]) -> Iterator[Path]:
    search = env.get("PATH")
    for name in PATH_NAMES:
        found = shutil.which(name, path=search)
        if found:
            yield Path(found)
    yield from install_paths(env, sys.platform)


def install_paths(env: Mapping[str, str], platform: str) -> list[Path]:
    """Where Edge and Chrome install themselves when not on PATH (they rarely are on
    Windows and macOS)."""
    if platform == "win32":
        roots = [env.get(var) for var in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        programs = (
            Path("Microsoft", "Edge", "Application", "msedge.exe"),
            Path("Google", "Chrome", "Application", "chrome.exe"),
            Path("Chromium", "Application", "chrome.exe"),
        )
        seen = dict.fromkeys(root for root in roots if root)
        return [Path(root) / program for program in programs for root in seen]
    if platform == "darwin":
        apps = Path("/Applications")
        return [
            apps / "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
            apps / "Google Chrome.app/Contents/MacOS/Google Chrome",
            apps / "Chromium.app/Contents/MacOS/Chromium",
        ]
    return []


def print_pdf(html: str, *, browser: Path | None = None) -> bytes:
    """The PDF of `html` (a whole page, UTF-8), as the browser prints it on the page size
    and margins its CSS asks for."""
    program = browser if browser is not None else find_browser()
    # Chrome may hold its profile's files a moment after it exits (Windows): the folder
    # goes when it can, and a leftover in the system's temp folder harms nothing.
    with tempfile.TemporaryDirectory(prefix="rectify-pdf-", ignore_cleanup_errors=True) as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        pdf = Path(tmp) / "page.pdf"
        run_browser(page, f"--print-to-pdf={pdf}", browser=program)
        data = pdf.read_bytes() if pdf.is_file() else b""
        if not data.startswith(b"%PDF"):
            raise _failed(program, say("it wrote no PDF", "未生成 PDF"))
        return data


def run_browser(page: Path, *args: str, browser: Path | None = None) -> None:
    """Open the file `page` in the headless browser with `args` (`--print-to-pdf=FILE`,
    `--screenshot=FILE`), a fresh profile of its own and the time limit."""
    program = browser if browser is not None else find_browser()
    with tempfile.TemporaryDirectory(prefix="rectify-browser-", ignore_cleanup_errors=True) as tmp:
        command = [str(program), *FLAGS, f"--user-data-dir={tmp}", *args, page.as_uri()]
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            why = say("it did not finish within {n} seconds", "{n} 秒内未完成", n=TIMEOUT_SECONDS)
            raise _failed(program, why) from None
        except OSError as exc:
            raise _failed(program, str(exc.strerror or exc)) from None
    if done.returncode != 0:
        raise _failed(program, say("exit code {code}", "退出码 {code}", code=done.returncode))


def _failed(program: Path, why: str) -> OutputFailed:
    return OutputFailed(
        say(
            "{browser} could not print the PDF ({why}); nothing was written (set {var} to "
            "another browser?)",
            "{browser} 未能打印 PDF（{why}）；未写入任何内容（可用 {var} 改用其他浏览器）",
            browser=display_path(program),
            why=why,
            var=BROWSER_ENV,
        )
    )
