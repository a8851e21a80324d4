"""The documentation's pictures, made again by hand (docs/development.md, "Screenshots").

    python scripts/screenshots.py               # every picture, into docs/
    python scripts/screenshots.py report.png    # one
    python scripts/screenshots.py --out /tmp/shots

Each picture is one entry of SHOTS: the rectify commands that make a document in a scratch
folder holding copies of the sample ledger (data/ itself is never written), the file they
make, and how that file becomes a PNG:

- `browser_shot`: an HTML page as the headless browser shows it, an A4-sized window
  (794 x 1123 CSS pixels, A4 at 96 dpi), through rectify's own browser runner (pdf.py);
- `pdf_page`: a page of a PDF (rectify's own, or LibreOffice's), drawn by PDFium
  (pypdfium2, in the `[test]` extra);
- `word_page`: a Word document printed to PDF by LibreOffice (`soffice --convert-to pdf`),
  then `pdf_page`.

Needs a Chromium-family browser (as `rectify report --format pdf` does), LibreOffice for a
Word page, and `pip install -e '.[test,docs]'`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rectify_cli.pdf import run_browser

REPO = Path(__file__).resolve().parent.parent
A4_WINDOW = (794, 1123)  # CSS pixels: A4 at 96 dpi
TIMEOUT_SECONDS = 180

Capture = Callable[[Path, Path], None]  # (document, png)


def copies(*folders: str) -> Callable[[Path], None]:
    """The scratch folder's ledgers: a copy of the sample in each of `folders`."""

    def setup(scratch: Path) -> None:
        for folder in folders:
            shutil.copytree(REPO / "data", scratch / folder)

    return setup


def counties(*names: str) -> Callable[[Path], None]:
    """`counties/NAME`: a copy of the sample for each name, its `[ledger] name` changed to
    it (two ledgers may not share a name); its figures are the sample's own."""

    def setup(scratch: Path) -> None:
        for name in names:
            folder = scratch / "counties" / name
            shutil.copytree(REPO / "data", folder)
            tasks = folder / "tasks.toml"
            text = tasks.read_text(encoding="utf-8")
            renamed = text.replace('name = "binzhou"', f'name = "{name}"', 1)
            tasks.write_text(renamed, encoding="utf-8")

    return setup


@dataclass(frozen=True)
class Shot:
    png: str  # its name under docs/ (or --out)
    commands: Sequence[Sequence[str]]  # rectify's arguments, run in the scratch folder
    document: str  # the file the commands make, relative to the scratch folder
    capture: Capture
    alt: str  # what the picture shows, as the docs' ![alt](…) says it
    # The scratch folder's ledgers; None: the sample as ./data, rectify's default ledger.
    setup: Callable[[Path], None] | None = None


def browser_shot(size: tuple[int, int] = A4_WINDOW) -> Capture:
    def capture(document: Path, png: Path) -> None:
        width, height = size
        run_browser(
            document, f"--screenshot={png}", f"--window-size={width},{height}", "--hide-scrollbars"
        )

    return capture


def pdf_page(number: int = 1, dpi: int = 96) -> Capture:
    def capture(document: Path, png: Path) -> None:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(document)
        pdf[number - 1].render(scale=dpi / 72).to_pil().save(png)

    return capture


def word_page(number: int = 1, dpi: int = 96) -> Capture:
    def capture(document: Path, png: Path) -> None:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            sys.exit("LibreOffice is not installed (Debian/Ubuntu: apt-get install libreoffice)")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    str(document),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
            pdf_page(number, dpi)(out / f"{document.stem}.pdf", png)

    return capture


AS_OF = "2025-09-30"
NOTICE_AS_OF = "2025-12-31"  # the sample's own data date has nothing to warn about

SHOTS = [
    Shot(
        "report.png",
        [["report", "--as-of", AS_OF, "--out", "report.html"]],
        "report.html",
        browser_shot(),
        "The sample's HTML report as of 2025-09-30, first A4 page",
    ),
    Shot(
        "rollup.png",
        [["report", "--ledger", "counties/*", "--as-of", AS_OF, "--out", "rollup.html"]],
        "rollup.html",
        browser_shot(),
        "A roll-up of two ledgers (two copies of the sample, as docs/many-ledgers.md uses) as "
        "HTML, first A4 page",
        setup=counties("boxing", "zouping"),
    ),
    Shot(
        "notice.png",
        [["warn", "--as-of", NOTICE_AS_OF, "--notice", "--format", "docx", "--out", "notices"]],
        f"notices/{NOTICE_AS_OF}-市生态环境局.docx",
        word_page(),
        "The sample's warning notice (督办单) to 市生态环境局 as of 2025-12-31, the Word "
        "document as LibreOffice prints it",
    ),
]


def make(shot: Shot, out: Path) -> Path:
    """Run the shot's commands on a copy of the sample and save its picture in `out`."""
    with tempfile.TemporaryDirectory(prefix="rectify-shot-") as tmp:
        scratch = Path(tmp)
        (shot.setup or copies("data"))(scratch)
        # The ledgers of the scratch folder, in their own language, whatever this shell says.
        env = {k: v for k, v in os.environ.items() if k not in ("RECTIFY_LEDGER", "RECTIFY_LANG")}
        for args in shot.commands:
            subprocess.run(
                [sys.executable, "-m", "rectify_cli", *args],
                cwd=scratch,
                env=env,
                check=True,
                timeout=TIMEOUT_SECONDS,
            )
        png = out / shot.png
        shot.capture(scratch / shot.document, png)
    return png


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="pictures to make (default: all)")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="folder for the PNGs")
    args = parser.parse_args(argv)
    known = {shot.png: shot for shot in SHOTS}
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown picture {', '.join(unknown)}; known: {', '.join(known)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names or known:
        print(make(known[name], args.out))


if __name__ == "__main__":
    main()
