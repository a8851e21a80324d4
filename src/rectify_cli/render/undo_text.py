"""What `rectify undo` prints after its diff: each write undone, and how many are left."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rectify_cli.i18n import Lang, label

from .text import escaped

if TYPE_CHECKING:
    from rectify_cli.undo import Undone


def undo_summary(done: Undone, lang: Lang) -> str:
    lines = [
        label(
            "undo.done",
            lang,
            verb=escaped(entry.verb),
            path=escaped(shown),
            time=escaped(entry.when),
        )
        for entry, shown in zip(done.steps, done.shown, strict=True)
    ]
    if done.left:
        lines.append(label("undo.left", lang, n=done.left, s="" if done.left == 1 else "s"))
    else:
        lines.append(label("undo.none_left", lang))
    return "\n".join(lines) + "\n"
