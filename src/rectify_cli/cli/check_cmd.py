from __future__ import annotations

import sys

from rectify_cli.checks import check_ledger
from rectify_cli.errors import EXIT_ERROR
from rectify_cli.i18n import label

from . import app
from .common import LedgerOpt


@app.command("check")
def check(ledger: LedgerOpt = None) -> None:
    """Validate both ledger files and their cross-references; report every problem."""
    led, problems = check_ledger(ledger)
    if problems:
        for p in problems:
            sys.stderr.write(f"{p}\n")
        noun = "problem" if len(problems) == 1 else "problems"
        sys.stderr.write(f"{len(problems)} {noun} found.\n")
        raise SystemExit(EXIT_ERROR)
    assert led is not None
    sys.stdout.write(
        label("check.ok", led.meta.lang, tasks=len(led.tasks), indicators=len(led.indicators))
        + "\n"
    )
