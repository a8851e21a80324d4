"""The Word report, for one ledger and for a roll-up, as LibreOffice prints it: every id,
date and percentage in its text is found whole on one printed line (the columns of its tables
are sized to their content, render/word.py), read back with pdftotext."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from tests.conftest import invoke
from tests.helpers import (
    AS_OF,
    GOOD,
    WHOLE_TOKENS,
    pdf_text,
    print_with_libreoffice,
    write_counties,
)


def word_tokens(path: Path) -> Counter[str]:
    """Each id, date and percentage the document holds, in its paragraphs and table cells."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return Counter(WHOLE_TOKENS.findall(" ".join(texts)))


@pytest.mark.slow
@pytest.mark.parametrize("which", ["one ledger", "roll-up"])
def test_word_report_prints_every_id_date_and_percentage_whole(
    which: str, sample: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledgers: tuple[str, ...] = ()
    if which == "roll-up":
        write_counties(tmp_path)
        monkeypatch.chdir(tmp_path)
        ledgers = GOOD
    target = tmp_path / "report.docx"
    code, _, err = invoke(runner, "report", *ledgers, "--as-of", AS_OF, "--out", str(target))
    assert code == 0, err
    expected = word_tokens(target)
    assert expected["2025-09-30"] or expected["2025年9月30日"], expected
    print_with_libreoffice([target], tmp_path / "pdf", tmp_path)
    printed: Counter[str] = Counter()
    for line in pdf_text(tmp_path / "pdf" / "report.pdf").splitlines():
        # pdftotext puts a space where LibreOffice spaces Chinese from digits (2025 年 9 月).
        printed.update(WHOLE_TOKENS.findall(re.sub(r"(?<=[\d年月])\s(?=[\d年月日])", "", line)))
    # Merged cells repeat their text in python-docx's rows, so a token counts once per
    # distinct place; every one must be on the page, whole.
    missing = sorted(t for t in expected if printed[t] == 0)
    assert not missing, missing
