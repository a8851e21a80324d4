"""What `rectify import` did or would do, as plain lines for people."""

from __future__ import annotations

from rectify_cli.i18n import Lang, label
from rectify_cli.importer import ImportPlan

from .common import deadline_text
from .text import COLON, aside, changes_joined, escaped, one_line


def preview(plan: ImportPlan, lang: Lang) -> str:
    """One line per new aspect, new task, updated task and unchanged task, then a summary."""
    lines = []
    for aspect in plan.aspects:
        lines.append(
            f"{label('import.new_aspect', lang)} {one_line(aspect.id)} {one_line(aspect.name)}"
        )
    for new in plan.new:
        t = new.task
        where = label("import.row", lang, row=new.row)
        lines.append(
            f"{label('import.new', lang)} {one_line(t.id)} {one_line(t.title)}"
            + aside((where, one_line(t.lead), deadline_text(t, lang)), lang)
        )
    for change in plan.updated:
        where = label("import.row", lang, row=change.row)
        changes = changes_joined(change.changes, lang)
        lines.append(
            f"{label('import.update', lang)} {one_line(change.before.id)}"
            f"{aside((where,), lang)}{COLON[lang]}{changes}"
        )
    for ident in plan.unchanged:
        lines.append(f"{label('import.unchanged', lang)} {one_line(ident)}")
    lines += _indicator_lines(plan, lang)
    lines += summary(plan, lang)
    return "\n".join(lines) + "\n"


def _indicator_lines(plan: ImportPlan, lang: Lang) -> list[str]:
    ind = plan.indicators
    if ind is None:
        return []
    lines = []
    for new in ind.new:
        i = new.indicator
        where = label("import.row", lang, row=new.row)
        lines.append(
            f"{label('import.new_indicator', lang)} {one_line(i.id)} {one_line(i.name)}"
            + aside((where,), lang)
        )
    for change in ind.updated:
        where = label("import.row", lang, row=change.row)
        changes = changes_joined(change.changes, lang)
        lines.append(
            f"{label('import.update_indicator', lang)} {one_line(change.before.id)}"
            f"{aside((where,), lang)}{COLON[lang]}{changes}"
        )
    return lines


def summary(plan: ImportPlan, lang: Lang) -> list[str]:
    """The counts: tasks, and on a line of their own the indicators of an indicators sheet."""
    lines = [
        label(
            "import.summary",
            lang,
            source=escaped(plan.source),
            new=len(plan.new),
            updated=len(plan.updated),
            unchanged=len(plan.unchanged),
            aspects=len(plan.aspects),
        )
    ]
    if plan.cancelled:
        ids = _ids([c.before.id for c in plan.cancelled], lang)
        lines.append(
            label(
                "import.cancelled",
                lang,
                source=escaped(plan.source),
                n=len(plan.cancelled),
                ids=ids,
            )
        )
    if plan.missing:
        ids = _ids(plan.missing, lang)
        lines.append(
            label("import.missing", lang, source=escaped(plan.source), n=len(plan.missing), ids=ids)
        )
    logged = sum(len(u.logged) for u in plan.updated)
    if logged:
        lines.append(label("import.logged", lang, source=escaped(plan.source), n=logged))
    if plan.meta is not None and plan.meta.changes:
        changes = label("warn.list_sep", lang).join(one_line(c) for c in plan.meta.changes)
        lines.append(label("import.meta", lang, source=escaped(plan.source), changes=changes))
    if plan.petitions is not None:
        n = len(plan.petitions.petitions)
        lines.append(label("import.petitions_new", lang, source=escaped(plan.source), n=n))
    ind = plan.indicators
    if ind is not None:
        lines.append(
            label(
                "import.summary_indicators",
                lang,
                source=escaped(plan.source),
                sheet=one_line(ind.sheet),
                new=len(ind.new),
                updated=len(ind.updated),
                unchanged=len(ind.unchanged),
            )
        )
    return lines


def _ids(ids: list[str], lang: Lang) -> str:
    return label("warn.list_sep", lang).join(one_line(i) for i in ids)


def notes(plan: ImportPlan, lang: Lang) -> list[str]:
    """Warnings, what an import kept or read otherwise, and ignored columns: said on
    stderr, never a reason to refuse."""
    said = label("import.warning", lang) + COLON[lang]
    out = [said + one_line(w) for w in plan.warnings]
    if plan.status_column is not None:
        example = "、".join(("已完成", "推进中")) if lang == "zh" else "done, in_progress"
        out.append(
            said
            + label(
                "import.status_column", lang, column=one_line(plan.status_column), example=example
            )
        )
    out += [said + one_line(k) for k in plan.kept]
    if plan.meta is not None and plan.meta.kept:
        kept = label("warn.list_sep", lang).join(one_line(c) for c in plan.meta.kept)
        out.append(said + label("import.meta_kept", lang, kept=kept))
    if plan.petitions_kept:
        out.append(said + label("import.petitions_kept", lang))
    if plan.ignored_columns:
        columns = ("、" if lang == "zh" else ", ").join(one_line(c) for c in plan.ignored_columns)
        out.append(said + label("import.ignored", lang, columns=columns))
    return out
