"""Warning notices (预警督办单) as files: one document per lead department, Markdown or Word."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rectify_cli.i18n import Lang
from rectify_cli.records import Ledger
from rectify_cli.warn import WarnResult, notice_filenames

from . import OutputFormat


def notice_files(
    result: WarnResult,
    ledger: Ledger,
    out: Path,
    due: dt.date,
    lang: Lang,
    fmt: OutputFormat | None,
) -> dict[Path, bytes]:
    """One notice per lead department in folder `out` (Markdown, or Word with docx), every
    one built before the first is written."""
    if fmt is OutputFormat.DOCX:
        from rectify_cli.render.notice_docx import notice_docx

        names = notice_filenames([g.lead for g in result.groups], result.as_of, ".docx")
        return {
            out / names[g.lead]: notice_docx(g, ledger.meta, result.as_of, due, lang)
            for g in result.groups
        }
    from rectify_cli.render.warn_text import notice_markdown

    names = notice_filenames([g.lead for g in result.groups], result.as_of)
    return {
        out / names[g.lead]: notice_markdown(g, ledger.meta, result.as_of, due, lang).encode(
            "utf-8"
        )
        for g in result.groups
    }
