"""The speed floor for a Typer + Rich + Pydantic command-line tool.

A minimal app with one command and one option that validates one small Pydantic model and
prints a three-row rich table. Whatever rectify does beyond this costs time on top of it, so
startup budgets are stated as a ratio to this program, run the same way (same interpreter,
separate processes, alternating, medians):

    python benchmarks/floor_app.py show --rows 3
"""

from __future__ import annotations

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

app = typer.Typer()


class Row(BaseModel):
    id: str
    progress: int


@app.callback()
def main() -> None:
    """Floor app."""


@app.command()
def show(rows: int = typer.Option(3, help="rows to print")) -> None:
    table = Table("id", "progress")
    for i in range(rows):
        r = Row.model_validate({"id": f"T{i:02d}", "progress": i * 10})
        table.add_row(r.id, str(r.progress))
    Console().print(table)


if __name__ == "__main__":
    app()
