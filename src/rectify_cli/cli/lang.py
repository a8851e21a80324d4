"""The language a command's messages are worded in, chosen before the command runs.

An error can come before the ledger is loaded (a broken file, a bad option), so the choice
is made from the command line itself: `--lang`, else the `lang` of the first ledger named
(`--ledger`/`-l`, a pattern's first match, $RECTIFY_LEDGER, else ./data), else the
user's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from rectify_cli.i18n import Lang, user_lang


def _values(args: Sequence[str], *names: str) -> list[str]:
    """Every value given to the options `names` (`--lang zh`, `--lang=zh`, `-lDIR`)."""
    found: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            break
        for name in names:
            if arg == name and i + 1 < len(args):
                found.append(args[i + 1])
            elif name.startswith("--") and arg.startswith(name + "="):
                found.append(arg[len(name) + 1 :])
            elif not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
                found.append(arg[len(name) :])
    return found


def message_lang(args: Sequence[str]) -> Lang:
    for value in _values(args, "--lang"):
        if value in ("zh", "en"):
            return "zh" if value == "zh" else "en"
    if not args or "--help" in args or "-h" in args:
        return user_lang()  # help reads no ledger: it costs no import of the store
    from rectify_cli.files import peek_lang, resolve_root
    from rectify_cli.ledgers import env_specs, expand

    specs = _values(args, "--ledger", "-l") or env_specs() or [""]
    # Several ledgers (a pattern, a list) speak the language of the first one found.
    folders, _, _ = expand([s for s in specs if s]) if any(specs) else ([], [], False)
    lang = peek_lang(resolve_root(str(folders[0]) if folders else None))
    return lang if lang is not None else user_lang()
