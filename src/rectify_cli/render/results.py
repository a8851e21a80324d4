"""One result, one format, one renderer: what a command computed, and how each format draws it.

A command builds one of these results and hands it to `cli.common.emit` with the format
asked for; the result names its renderer for that format, and the formats it has at all
(`formats()`), so a command cannot draw a result two ways or accept a format it cannot
write.  The model is pipx's `render_result`.

A renderer for a text format returns the text (or its parts, for output streamed a piece
at a time, which may come UTF-8 encoded already, as the task list's JSON does); `docx` and `pdf` return bytes (a `Printable` result's PDF is its HTML printed
by the browser: `pdf.print_pdf`); `table` returns a rich renderable for a terminal `width`
wide.  Each is imported when it is used, so `list` never pays for the Word writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from . import OutputFormat

if TYPE_CHECKING:
    from rich.console import RenderableType

    from rectify_cli.history import LogRow
    from rectify_cli.i18n import Lang
    from rectify_cli.petitions import PetitionRow
    from rectify_cli.query import TaskRow
    from rectify_cli.records import Ledger
    from rectify_cli.report import Report
    from rectify_cli.rollup import LedgerChanges, LedgerWarnings, RollUp
    from rectify_cli.warn import WarnResult

RefsOf = Callable[[str], Callable[[str], str]]
Drawn = str | bytes | Iterable[str] | Iterable[bytes]

# The method that draws each format; formats are listed in OutputFormat's order.
_METHODS = {f: f.value for f in OutputFormat}


class Result:
    """A command's answer.  A subclass defines a method for each format it can be drawn in."""

    # What `--out FILE` says it wrote (a label key), for results written to files.
    written: ClassVar[str] = "report.written"

    @classmethod
    def formats(cls) -> tuple[OutputFormat, ...]:
        return tuple(f for f, name in _METHODS.items() if hasattr(cls, name))

    def draw(self, fmt: OutputFormat) -> Drawn:
        """The text or bytes of a file format; `table` is drawn by `view`."""
        method: Callable[[], Drawn] = getattr(self, _METHODS[fmt])
        return method()

    def view(self, width: int) -> RenderableType:
        method: Callable[[int], RenderableType] = getattr(self, _METHODS[OutputFormat.TABLE])
        return method(width)


class Printable(Result):
    """A document with an HTML renderer, and so a PDF: that page as the browser prints it
    (rectify_cli.pdf).  A result gets `--format pdf` by naming this class as its base."""

    def html(self) -> str:
        raise NotImplementedError

    def pdf(self) -> bytes:
        from rectify_cli.pdf import print_pdf

        return print_pdf(self.html())


@dataclass(frozen=True)
class TaskList(Result):
    rows: Sequence[TaskRow]
    lang: Lang
    refs: Callable[[TaskRow], str] | None = None

    def json(self) -> Iterable[bytes]:
        from .data import tasks_json_parts

        # A few hundred tasks at a time, never all in memory; in UTF-8 already (data.py).
        return tasks_json_parts(self.rows, self.refs)

    def csv(self) -> str:
        from .data import tasks_csv

        return tasks_csv(self.rows, self.refs)

    def md(self) -> Iterable[str]:
        from .markdown import tasks_table_parts

        return tasks_table_parts(self.rows, self.lang, self.refs)  # in pieces, as json

    def table(self, width: int) -> RenderableType:
        from .terminal import tasks_table

        return tasks_table(self.rows, self.lang, width=width, refs=self.refs)


@dataclass(frozen=True)
class TaskDetail(Result):
    row: TaskRow
    ledger: Ledger
    lang: Lang

    def json(self) -> str:
        from .data import task_record, to_json

        return to_json(task_record(self.row))

    def csv(self) -> str:
        from .data import tasks_csv

        return tasks_csv([self.row])

    def md(self) -> str:
        from .markdown import task_detail

        return task_detail(self.row, self.ledger, self.lang)

    def table(self, width: int) -> RenderableType:
        from .terminal import task_detail

        return task_detail(self.row, self.ledger, self.lang)


@dataclass(frozen=True)
class PetitionList(Result):
    rows: Sequence[PetitionRow]
    lang: Lang
    multi: bool

    def json(self) -> str:
        from .rollup_text import petitions_json

        return petitions_json(self.rows, ledger=self.multi)

    def csv(self) -> str:
        from .rollup_text import petitions_csv

        return petitions_csv(self.rows, ledger=self.multi)

    def md(self) -> str:
        from .rollup_text import petitions_table

        return petitions_table(self.rows, self.lang, ledger_column=self.multi)

    def table(self, width: int) -> RenderableType:
        from .extras_terminal import petitions_view

        return petitions_view(self.rows, self.lang, width, ledger_column=self.multi)


@dataclass(frozen=True)
class Warnings(Result):
    """One ledger's task warnings."""

    result: WarnResult
    lang: Lang

    def json(self) -> str:
        from .warn_text import warn_json

        return warn_json(self.result)

    def csv(self) -> str:
        from .warn_text import warn_csv

        return warn_csv(self.result, self.lang)

    def md(self) -> str:
        from .warn_text import warn_markdown

        return warn_markdown(self.result, self.lang)

    def table(self, width: int) -> RenderableType:
        from .warn_terminal import warn_view

        return warn_view(self.result, self.lang)


@dataclass(frozen=True)
class WarningsMany(Result):
    """Several ledgers' warnings, or one ledger's tasks and petition cases: a section each."""

    found: Sequence[LedgerWarnings]
    lang: Lang
    multi: bool
    refs: RefsOf

    def json(self) -> str:
        from .rollup_text import warn_many_json

        return warn_many_json(self.found, multi=self.multi, refs=self.refs)

    def csv(self) -> str:
        from .rollup_text import warn_many_csv

        return warn_many_csv(self.found, self.lang, multi=self.multi, refs=self.refs)

    def md(self) -> str:
        from .rollup_text import warn_many_markdown

        return warn_many_markdown(self.found, self.lang, multi=self.multi, refs=self.refs)

    def table(self, width: int) -> RenderableType:
        from .rollup_terminal import warn_many_view

        return warn_many_view(self.found, self.lang, multi=self.multi, refs=self.refs)


@dataclass(frozen=True)
class ReportResult(Printable):
    report: Report
    charts: bool = False

    def json(self) -> str:
        from .report_json import report_json

        return report_json(self.report)

    def md(self) -> str:
        from .report_md import report_markdown

        return report_markdown(self.report, charts=self.charts)

    def html(self) -> str:
        from .report_html import report_html

        return report_html(self.report)

    def docx(self) -> bytes:
        from .report_docx import report_docx

        return report_docx(self.report)

    def table(self, width: int) -> RenderableType:
        from .report_terminal import report_renderable

        return report_renderable(self.report, width=width)


@dataclass(frozen=True)
class RollupResult(Printable):
    rollup: RollUp
    refs: RefsOf
    charts: bool = False
    summary_only: bool = False

    def json(self) -> str:
        from .rollup_text import rollup_json

        return rollup_json(self.rollup, self.refs)

    def md(self) -> str:
        from .rollup_text import rollup_markdown

        return rollup_markdown(self.rollup, self.refs, charts=self.charts)

    def html(self) -> str:
        from .rollup_html import rollup_html

        return rollup_html(self.rollup, self.refs)

    def docx(self) -> bytes:
        from .rollup_docx import rollup_docx

        return rollup_docx(self.rollup, self.refs)

    def table(self, width: int) -> RenderableType:
        from .rollup_terminal import rollup_view

        return rollup_view(self.rollup, self.refs, width=width, summary_only=self.summary_only)


@dataclass(frozen=True)
class LogResult(Result):
    rows: Sequence[LogRow]
    lang: Lang
    refs: Callable[[LogRow], str] | None = None

    def json(self) -> str:
        from .log import log_json

        return log_json(self.rows, self.refs)

    def csv(self) -> str:
        from .log import log_csv

        return log_csv(self.rows, self.refs)

    def md(self) -> str:
        from .log import log_md

        return log_md(self.rows, self.lang, self.refs)

    def table(self, width: int) -> RenderableType:
        from .log import log_table

        return log_table(self.rows, self.lang, self.refs)


@dataclass(frozen=True)
class ChangesResult(Result):
    found: Sequence[LedgerChanges]
    lang: Lang
    refs: RefsOf
    multi: bool

    def json(self) -> str:
        from .rollup_text import changes_many_json

        return changes_many_json(self.found, self.refs, multi=self.multi)

    def md(self) -> str:
        from .rollup_text import changes_many_markdown

        return changes_many_markdown(self.found, self.lang, self.refs)

    def table(self, width: int) -> RenderableType:
        from .rollup_terminal import changes_many_view

        return changes_many_view(self.found, self.lang, self.refs)


__all__ = [
    "ChangesResult",
    "Drawn",
    "LogResult",
    "PetitionList",
    "Printable",
    "ReportResult",
    "Result",
    "RollupResult",
    "TaskDetail",
    "TaskList",
    "Warnings",
    "WarningsMany",
]
