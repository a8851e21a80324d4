"""Warning notices (预警督办单) as files: one document per lead department, in Markdown,
Word (docx), HTML or PDF (that HTML as a browser prints it), each from the same `NoticePage`
(notice_text.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rectify_cli.i18n import Lang, label
from rectify_cli.records import Ledger
from rectify_cli.warn import WarnResult, notice_filenames, notices

from . import OutputFormat
from .notice_text import addressee, notice_markdown, notices_markdown, pages
from .text import md_escape

if TYPE_CHECKING:
    from rectify_cli.petitions import PetitionWarning
    from rectify_cli.rollup import LedgerWarnings

SUFFIXES = {
    OutputFormat.MD: ".md",
    OutputFormat.DOCX: ".docx",
    OutputFormat.HTML: ".html",
    OutputFormat.PDF: ".pdf",
}
# `--out` naming one file rather than a folder: every notice in it, a printed page each.
ONE_FILE = {".html": OutputFormat.HTML, ".pdf": OutputFormat.PDF}


def notice_files(
    result: WarnResult,
    cases: Sequence[PetitionWarning],
    ledger: Ledger,
    out: Path,
    due: dt.date,
    lang: Lang,
    fmt: OutputFormat | None,
) -> dict[Path, bytes]:
    """One notice per lead department in folder `out`, every one built before the first is
    written."""
    chosen = fmt if fmt in SUFFIXES else OutputFormat.MD
    esc = md_escape if chosen is OutputFormat.MD else str
    found = pages(result, cases, ledger.meta, due, lang, esc)
    leads = [addressee(n, lang) for n, _ in found]
    names = notice_filenames(leads, result.as_of, SUFFIXES[chosen])
    files: dict[Path, bytes] = {}
    for lead, (_, page) in zip(leads, found, strict=True):
        if chosen is OutputFormat.DOCX:
            from .notice_docx import notice_docx

            data = notice_docx(page, ledger.meta.issued_by, lang)
        elif chosen in (OutputFormat.HTML, OutputFormat.PDF):
            from .notice_html import notices_html

            data = printed(notices_html([page], lang), chosen)
        else:
            data = notice_markdown(page).encode("utf-8")
        files[out / names[lead]] = data
    return files


def notices_document(
    found: Sequence[LedgerWarnings], due: dt.date, lang: Lang, fmt: OutputFormat | None
) -> str:
    """Every notice of every ledger as one text: Markdown notices split by rules, or one
    HTML page with a printed page per notice; each ledger's notices from its own office."""
    if fmt is OutputFormat.HTML:
        from .notice_html import notices_html

        every = [
            page
            for lw in found
            for _, page in pages(lw.result, lw.petitions, lw.book.ledger.meta, due, lang)
        ]
        return notices_html(every, lang, none=_none(found, lang))
    texts = [
        notices_markdown(lw.result, lw.petitions, lw.book.ledger.meta, due, lang)
        for lw in found
        if lw.total
    ]
    return "\n---\n\n".join(texts) if texts else _none(found, lang) + "\n"


def _none(found: Sequence[LedgerWarnings], lang: Lang) -> str:
    """`截至…，没有需要预警的任务。`, the line when no ledger has a notice to send."""
    date = found[0].result.as_of.isoformat() if found else ""
    return label("warn.none_as_of", lang, date=date)


def one_file(out: Path, fmt: OutputFormat | None) -> OutputFormat | None:
    """`--out x.html` or `x.pdf`: the format of the one file every notice goes into (a
    printed page each); None for a folder."""
    chosen = ONE_FILE.get(out.suffix.lower())
    if chosen is None or fmt not in (None, chosen) or out.is_dir():
        return None
    return chosen


def notices_file(
    found: Sequence[LedgerWarnings], due: dt.date, lang: Lang, fmt: OutputFormat
) -> bytes:
    """Every notice of every ledger in one HTML page, or that page printed to PDF."""
    return printed(notices_document(found, due, lang, OutputFormat.HTML), fmt)


def printed(page: str, fmt: OutputFormat) -> bytes:
    """An HTML page as the file's bytes: itself, or as the browser prints it (pdf.py)."""
    if fmt is OutputFormat.PDF:
        from rectify_cli.pdf import print_pdf

        return print_pdf(page)
    return page.encode("utf-8")


def notice_count(found: Sequence[LedgerWarnings]) -> int:
    return sum(len(notices(lw.result, lw.petitions)) for lw in found)
