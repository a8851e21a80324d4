"""What `rectify dispatch` says: the forms made, a returned form's changes, the round's state."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rectify_cli.i18n import Lang, joined, say

from .results import Result
from .text import changes_joined, escaped

if TYPE_CHECKING:
    from rich.console import RenderableType

    from rectify_cli.dispatch import DepartmentState, RoundStatus
    from rectify_cli.dispatch_import import DispatchImport


def forms_made(names: Sequence[tuple[str, str, int]]) -> list[str]:
    """(file, department, tasks) of each form written."""
    return [
        say("{file}: {dep}, {n} open tasks", "{file}：{dep}，{n} 项未完成任务", file=f, dep=d, n=n)
        for f, d, n in names
    ]


def imported_lines(done: DispatchImport, lang: Lang) -> list[str]:
    lines = []
    for form in done.forms:
        lines.append(
            say(
                "{file}: {dep}, round {period}, dated {date}",
                "{file}：{dep}，{period} 期，填报日期 {date}",
                file=form.shown,
                dep=form.department,
                period=form.period,
                date=form.date,
            )
        )
        for plan in form.plans:
            what = changes_joined(plan.changes, lang) if plan.changes else say("a note", "仅说明")
            lines.append(f"  {plan.before.id}  {what}")
        if form.unreported:
            lines.append(
                say("  not reported: {ids}", "  未填报：{ids}", ids=joined(form.unreported))
            )
    return lines


def _state_word(status: RoundStatus, dep: DepartmentState) -> str:
    if dep.complete:
        word = say("returned", "已报送")
    elif dep.reported:
        word = say("partly returned", "部分报送")
    else:
        word = say("not returned", "未报送")
    return word + (say(", late", "，逾期") if status.late(dep) else "")


@dataclass(frozen=True)
class RoundStatusResult(Result):
    status: RoundStatus
    lang: Lang

    def _head(self) -> str:
        rnd = self.status.round
        return say(
            "Round {period}: reply by {reply_by}, as of {as_of}",
            "{period} 期调度：报送截止 {reply_by}，统计至 {as_of}",
            period=rnd.period,
            reply_by=rnd.reply_by,
            as_of=self.status.as_of,
        )

    def _rows(self) -> list[list[str]]:
        return [
            [
                d.department,
                _state_word(self.status, d),
                f"{len(d.reported)}/{len(d.tasks)}",
                str(d.returned or "—"),
            ]
            for d in self.status.departments
        ]

    def _columns(self) -> list[str]:
        return [
            say("department", "牵头单位"),
            say("form", "报送情况"),
            say("reported", "已填报"),
            say("last entry", "最近填报"),
        ]

    def md(self) -> str:
        from .markdown import table
        from .text import md_escape

        lines = [f"# {md_escape(self._head())}", "", table(self._columns(), self._rows())]
        missing = self.status.unreported
        lines.append(say("## Not reported ({n})", "## 未填报的任务（{n}）", n=len(missing)))
        lines.append("")
        if missing:
            header = [say("id", "编号"), say("task", "整改任务"), say("lead", "牵头单位")]
            lines.append(table(header, [[t.id, t.title, t.lead] for t in missing]))
        else:
            lines.append(say("Every task is reported.\n", "所有任务均已填报。\n"))
        return "\n".join(lines)

    def json(self) -> str:
        s = self.status
        data = {
            "period": s.round.period,
            "reply_by": s.round.reply_by.isoformat(),
            "as_of": s.as_of.isoformat(),
            "departments": [
                {
                    "department": d.department,
                    "tasks": list(d.tasks),
                    "reported": list(d.reported),
                    "returned": d.returned.isoformat() if d.returned else None,
                    "complete": d.complete,
                    "late": s.late(d),
                }
                for d in s.departments
            ],
            "unreported": [{"id": t.id, "title": t.title, "lead": t.lead} for t in s.unreported],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def table(self, width: int) -> RenderableType:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        main = Table(title=Text(escaped(self._head())), width=min(width, 100))
        for name in self._columns():
            main.add_column(name)
        for row in self._rows():
            main.add_row(*(Text(escaped(c)) for c in row))
        parts: list[RenderableType] = [main]
        if self.status.unreported:
            rest = Table(title=say("Not reported", "未填报的任务"), width=min(width, 100))
            for name in (say("id", "编号"), say("task", "整改任务"), say("lead", "牵头单位")):
                rest.add_column(name)
            for t in self.status.unreported:
                rest.add_row(Text(escaped(t.id)), Text(escaped(t.title)), Text(escaped(t.lead)))
            parts.append(rest)
        return Group(*parts)
