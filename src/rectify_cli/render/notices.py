"""Warning notices (预警督办单) as files: one document per lead department, in Markdown,
Word (docx) or HTML, each from the same `NoticePage` (notice_text.py)."""

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

SUFFIXES = {OutputFormat.MD: ".md", OutputFormat.DOCX: ".docx", OutputFormat.HTML: ".html"}


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
        elif chosen is OutputFormat.HTML:
            from .notice_html import notices_html

            data = notices_html([page], lang).encode("utf-8")
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


def one_file(out: Path, fmt: OutputFormat | None) -> bool:
    """`--out x.html`: every notice in one HTML file (a printed page each), not a folder."""
    return fmt in (None, OutputFormat.HTML) and out.suffix.lower() == ".html" and not out.is_dir()


def notice_count(found: Sequence[LedgerWarnings]) -> int:
    return sum(len(notices(lw.result, lw.petitions)) for lw in found)
