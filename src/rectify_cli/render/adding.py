"""What `rectify add`, `aspect add`, `indicator add` and `remove` print: the line naming
what was written, or with --dry-run the exact diff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rectify_cli.diff_text import unified_diff
from rectify_cli.i18n import Lang, label

from .text import escaped, one_line, visible_lines

if TYPE_CHECKING:
    from rectify_cli.edit_import import Imported


def written_diff(done: Imported) -> str:
    """The change to the file as a unified diff, its text shown safely."""
    old, new = done.old_text, done.new_text
    return visible_lines(unified_diff(old, new, done.shown, 0, len(old), len(new)))


def written_line(key: str, done: Imported, ident: str, title: str, lang: Lang) -> str:
    """`Added task T25 (data/tasks.toml): title`; `key` is add.task, add.aspect, ..."""
    fields = {"id": escaped(ident), "path": escaped(done.shown)}
    text = one_line(title)
    return label(key, lang, **fields, title=text, name=text) + "\n"
