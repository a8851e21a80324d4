"""One result → format dispatch (render/results.py): a command computes a result and
`cli.common.emit` draws it with the result's own renderer for the format asked."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rectify_cli.cli as cli_pkg
from rectify_cli.render import OutputFormat, results
from tests.conftest import invoke_en

CLI = Path(cli_pkg.__file__).parent
# The results commands hand over; Result and Printable are the bases they are built on.
RESULTS = [
    cls
    for _, cls in inspect.getmembers(results, inspect.isclass)
    if issubclass(cls, results.Result) and cls not in (results.Result, results.Printable)
]


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_no_command_picks_a_renderer_by_format(path: Path) -> None:
    """The CLI never matches on the output format to pick a renderer; results do."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Match):
            for case in node.cases:
                assert "OutputFormat" not in ast.unparse(case.pattern), (
                    path.name,
                    case.pattern.lineno,
                )


@pytest.mark.parametrize("cls", RESULTS, ids=lambda c: c.__name__)
def test_a_result_names_the_formats_it_draws(cls: type[results.Result]) -> None:
    formats = cls.formats()
    assert OutputFormat.TABLE in formats and OutputFormat.JSON in formats
    assert list(formats) == [f for f in OutputFormat if f in formats]  # the enum's order
    for fmt in formats:
        assert callable(getattr(cls, fmt.value))


def test_only_the_report_and_the_roll_up_are_documents() -> None:
    documents = {c.__name__ for c in RESULTS if OutputFormat.DOCX in c.formats()}
    assert documents == {"ReportResult", "RollupResult"}


def test_a_result_with_html_is_printable_to_pdf() -> None:
    """A PDF is a result's HTML printed by the browser (rectify_cli.pdf): every result with
    an HTML page has the PDF of it, through the one Printable base, and no other has."""
    for cls in RESULTS:
        has_html = OutputFormat.HTML in cls.formats()
        assert (OutputFormat.PDF in cls.formats()) == has_html, cls.__name__
        assert issubclass(cls, results.Printable) == has_html, cls.__name__
        if has_html:
            assert "pdf" not in vars(cls), cls.__name__  # Printable's, not its own


def test_a_format_a_result_lacks_is_refused_by_its_own_list(
    runner: CliRunner, sample: Path
) -> None:
    code, out, err = invoke_en(runner, "changes", "--since", "2025-09-01", "-f", "html")
    assert code == 2 and out == ""
    assert "--format html: this command writes table, json or md" in err


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--as-of", "2025-09-30"),
        ("show", "T01", "--as-of", "2025-09-30"),
        ("log", "T01"),
        ("warn", "--as-of", "2025-09-30"),
        ("changes", "--since", "2025-09-01", "--as-of", "2025-09-30"),
        ("report", "--as-of", "2025-09-30"),
    ],
    ids=lambda a: a[0],
)
def test_every_command_writes_json_that_parses(
    runner: CliRunner, sample: Path, args: tuple[str, ...]
) -> None:
    code, out, _ = invoke_en(runner, *args, "-f", "json")
    assert code == 0
    assert json.loads(out)
