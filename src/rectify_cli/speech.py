"""The language messages are spoken in, and the one function that words them; and the
command being run, which undo entries name.

At the bottom of the house with no imports of its own, so every module (kinds too, which
i18n's label table reads) can word its messages where it raises them.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

# The language messages are written in: errors, problems, refusals, what a write did.  The
# CLI sets it once per command (cli.lang), from --lang, else the ledger's own `lang`, else
# the user's; the core only reads it, as gettext's callers do, so a message is worded where
# it is raised and never needs a second catalogue kept in step with it.
_SPOKEN: list[Lang] = ["en"]


def speak(lang: Lang) -> None:
    """Word every message from now on in `lang`."""
    _SPOKEN[0] = lang


def spoken() -> Lang:
    return _SPOKEN[0]


# The command being run, set by the CLI (cli/app.py) as it sets the language, so that every
# undo entry (journal.py) names the command that made it without each verb passing it down.
# Kept here, not in journal.py: a read would otherwise load the journal only to set it.
_COMMAND: list[str | None] = [None]


def run_command(name: str | None) -> None:
    _COMMAND[0] = name


def command_run() -> str | None:
    return _COMMAND[0]


def say(en: str, zh: str, /, **fields: object) -> str:
    """A message in the spoken language: each wording is a `str.format` template."""
    template = zh if _SPOKEN[0] == "zh" else en
    return template.format(**fields) if fields else template
