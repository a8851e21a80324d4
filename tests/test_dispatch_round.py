"""The dispatch round (调度): forms for every lead department, filled in as departments would,
read back, and the round's state; the refusals that keep a wrong form out."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from rectify_cli.dispatch import COLUMNS, FIRST_TASK_ROW, SHEET, STATUS_CHOICES

from .conftest import invoke, invoke_en

ROUND = ("--period", "2025-10", "--reply-by", "2025-10-25")
COL = {name: i + 1 for i, name in enumerate(COLUMNS)}


def _add_task(runner: CliRunner, lead: str, title: str) -> None:
    code, _, err = invoke(
        runner, "add", "--aspect", "A3", "--title", title, "--lead", lead,
        "--deadline", "2025-12-31", "--date", "2025-09-30",
    )  # fmt: skip
    assert code == 0, err


def _forms(runner: CliRunner, out: Path, *extra: str) -> dict[str, Path]:
    code, _, err = invoke(runner, "dispatch", "forms", *ROUND, "--out", str(out), *extra)
    assert code == 0, err
    return {p.stem.split("-", 2)[2]: p for p in sorted(out.iterdir())}


def _row(ws: Any, task_id: str) -> int:
    for r in range(FIRST_TASK_ROW, ws.max_row + 1):
        if ws.cell(r, 1).value == task_id:
            return r
    raise AssertionError(f"{task_id} not on the form")


def _fill(path: Path, answers: dict[str, dict[str, Any]], **cells: Any) -> None:
    """Edit a form with openpyxl, as a department's clerk would in Excel."""
    book = openpyxl.load_workbook(path)
    ws = book[SHEET]
    for ref, value in cells.items():
        ws[ref] = value
    for task_id, values in answers.items():
        r = _row(ws, task_id)
        for name, value in values.items():
            ws.cell(r, COL[name], value)
    book.save(path)


def _log(runner: CliRunner, task_id: str) -> list[dict[str, Any]]:
    code, out, err = invoke(runner, "log", task_id, "--format", "json")
    assert code == 0, err
    entries: list[dict[str, Any]] = json.loads(out)
    return entries


def test_a_whole_round_on_the_sample(sample: Path, tmp_path: Path, runner: CliRunner) -> None:
    _add_task(runner, "市工业和信息化局", "推进工业炉窑深度治理")
    _add_task(runner, "市工业和信息化局", "开展重点行业清洁生产审核")
    forms = _forms(runner, tmp_path / "forms")
    # Every lead department with an open task gets its form, and none other.
    assert sorted(forms) == ["市工业和信息化局", "市水利局", "市生态环境局"]

    # The form as a department gets it: locked identity, open answers, validation, header.
    book = openpyxl.load_workbook(forms["市生态环境局"])
    ws = book[SHEET]
    assert ws.protection.sheet
    r = _row(ws, "T16")
    assert ws.cell(r, COL["整改任务"]).protection.locked
    assert not ws.cell(r, COL["本期进度"]).protection.locked
    assert not ws.cell(r, COL["状态"]).protection.locked
    header = " ".join(str(ws.cell(row, 1).value) for row in range(1, FIRST_TASK_ROW))
    assert "滨州市生态环境保护工作委员会办公室" in header
    assert "2025-10" in header and "2025-10-25" in header and "填写说明" in header
    checks = {(v.type, str(v.sqref).split(":")[0][0]) for v in ws.data_validations.dataValidation}
    assert ("whole", "H") in checks and ("list", "I") in checks and ("date", "B") in checks
    status_list = next(v for v in ws.data_validations.dataValidation if v.type == "list")
    assert all(word in status_list.formula1 for word in STATUS_CHOICES)
    assert book["_rectify"].sheet_state == "veryHidden"
    assert {_row(ws, t) for t in ("T16", "T18")}  # only its own open tasks
    assert all(ws.cell(r, 1).value in ("T16", "T18", None) for r in range(FIRST_TASK_ROW, 20))

    # 市生态环境局: progress, a note and evidence on T16; "完成" typed on T18; a typed date.
    _fill(
        forms["市生态环境局"],
        {
            "T16": {"本期进度": 80, "进展情况": "总氮削减方案已印发", "佐证材料": "方案.pdf；纪要.pdf"},
            "T18": {"状态": "完成"},
        },
        B3="2025/10/20",
    )  # fmt: skip
    book = openpyxl.load_workbook(forms["市生态环境局"])
    book[SHEET].insert_rows(_row(book[SHEET], "T18"))  # a blank row between the tasks
    book.save(forms["市生态环境局"])
    # 市工业和信息化局: one task answered, one row left blank; the form's date left blank.
    ids = _forms_tasks(forms["市工业和信息化局"])
    _fill(forms["市工业和信息化局"], {ids[0]: {"本期进度": "40%", "进展情况": "完成设备招标"}})
    # 市水利局 changes a locked cell (the task's title) beside its answer.
    _fill(forms["市水利局"], {"T07": {"本期进度": 50, "整改任务": "改过的标题"}})

    before = (sample / "tasks.toml").read_bytes()
    code, _, err = invoke_en(runner, "dispatch", "import", str(forms["市水利局"]))
    assert code == 2
    assert "cell C6" in err and "was changed" in err and "nothing was imported" in err
    assert err.count("\n") == 1  # one sentence
    assert (sample / "tasks.toml").read_bytes() == before

    for dep in ("市生态环境局", "市工业和信息化局"):
        code, _, err = invoke(runner, "dispatch", "import", str(forms[dep]), "--period", "2025-10")
        assert code == 0, err
    code, _, err = invoke(runner, "check")
    assert code == 0, err

    t16 = _log(runner, "T16")[0]
    assert (t16["by"], t16["date"], t16["progress"]) == ("市生态环境局", "2025-10-20", 80)
    assert t16["note"] == "总氮削减方案已印发"
    assert any("方案.pdf" in c for c in t16["changes"]) and any(
        "纪要.pdf" in c for c in t16["changes"]
    )
    t18 = _log(runner, "T18")[0]
    assert (t18["by"], t18["status"], t18["date"]) == ("市生态环境局", "done", "2025-10-20")
    first = _log(runner, ids[0])[0]
    # No date on the form: the round's reply-by day.
    assert (first["by"], first["date"], first["progress"]) == ("市工业和信息化局", "2025-10-25", 40)
    assert _log(runner, ids[1])[0]["date"] == "2025-09-30"  # the blank row: nothing written

    # The round: who returned, who is late, what is unreported.
    code, out, err = invoke(
        runner, "dispatch", "status", *ROUND, "--as-of", "2025-10-31", "--format", "json"
    )
    assert code == 0, err
    state = json.loads(out)
    deps = {d["department"]: d for d in state["departments"]}
    assert deps["市生态环境局"]["complete"] and not deps["市生态环境局"]["late"]
    assert deps["市生态环境局"]["returned"] == "2025-10-20"
    assert deps["市工业和信息化局"]["reported"] == [ids[0]] and deps["市工业和信息化局"]["late"]
    assert deps["市水利局"]["reported"] == [] and deps["市水利局"]["late"]
    assert sorted(t["id"] for t in state["unreported"]) == sorted(["T07", ids[1]])
    code, out, _ = invoke(runner, "dispatch", "status", *ROUND, "--as-of", "2025-10-21")
    assert "市水利局" in out and "逾期" not in out  # before the reply-by day nobody is late

    # The period's progress in the report and in changes, each department named.
    for command in ("report", "changes"):
        code, out, err = invoke(
            runner, command, "--since", "2025-10-01", "--as-of", "2025-10-31", "--format", "md"
        )
        assert code == 0, err
        section = out[out.index("2025-10-01") :]
        for task_id, dep in (
            ("T16", "市生态环境局"),
            ("T18", "市生态环境局"),
            (ids[0], "市工业和信息化局"),
        ):
            line = next(x for x in section.splitlines() if f"| {task_id} |" in x)
            assert dep in line, (command, line)

    # The tampered department sends a clean form again: accepted.
    again = _forms(runner, tmp_path / "again", "--lead", "市水利局")["市水利局"]
    _fill(again, {"T07": {"本期进度": 50}}, B3="2025-10-28")
    code, _, err = invoke(runner, "dispatch", "import", str(again))
    assert code == 0, err
    code, out, _ = invoke(
        runner, "dispatch", "status", *ROUND, "--as-of", "2025-10-31", "--format", "json"
    )
    water = next(d for d in json.loads(out)["departments"] if d["department"] == "市水利局")
    assert water["complete"] and water["late"]  # returned after the reply-by day


def _forms_tasks(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)[SHEET]
    return [
        str(ws.cell(r, 1).value)
        for r in range(FIRST_TASK_ROW, ws.max_row + 1)
        if ws.cell(r, 1).value
    ]


@pytest.fixture
def forms(sample: Path, tmp_path: Path, runner: CliRunner) -> dict[str, Path]:
    return _forms(runner, tmp_path / "forms")


def test_a_form_is_imported_once(forms: dict[str, Path], sample: Path, runner: CliRunner) -> None:
    _fill(forms["市水利局"], {"T07": {"进展情况": "调配方案已起草"}})
    assert invoke(runner, "dispatch", "import", str(forms["市水利局"]))[0] == 0
    before = (sample / "tasks.toml").read_bytes()
    code, _, err = invoke_en(runner, "dispatch", "import", str(forms["市水利局"]))
    assert code == 2 and "task T07 changed in the ledger since the form was made" in err
    assert (sample / "tasks.toml").read_bytes() == before
    # ...and `undo` takes the import back, as it takes back any write.
    assert invoke(runner, "undo")[0] == 0
    assert invoke(runner, "dispatch", "import", str(forms["市水利局"]))[0] == 0


def test_a_form_of_another_round_or_ledger_is_refused(
    forms: dict[str, Path], sample: Path, tmp_path: Path, runner: CliRunner
) -> None:
    _fill(forms["市水利局"], {"T07": {"本期进度": 30}})
    code, _, err = invoke_en(
        runner, "dispatch", "import", str(forms["市水利局"]), "--period", "2025-11"
    )
    assert code == 2 and "a form of the round 2025-10, not of the round 2025-11" in err
    other = tmp_path / "other"
    shutil.copytree(sample, other)
    toml = other / "tasks.toml"
    toml.write_text(toml.read_text("utf-8").replace("整改方案", "整改方案（县）", 1), "utf-8")
    before = toml.read_bytes()
    code, _, err = invoke_en(
        runner, "dispatch", "import", str(forms["市水利局"]), "--ledger", str(other)
    )
    assert code == 2 and "a form of the ledger" in err and "not of this one" in err
    assert toml.read_bytes() == before


def test_bad_answers_are_named_by_cell_and_nothing_is_written(
    forms: dict[str, Path], sample: Path, runner: CliRunner
) -> None:
    before = (sample / "tasks.toml").read_bytes()
    _fill(forms["市生态环境局"], {"T16": {"本期进度": 120}, "T18": {"状态": "差不多"}})
    code, _, err = invoke_en(runner, "dispatch", "import", str(forms["市生态环境局"]))
    assert code == 2 and "2 problems" in err and "cell H6 (本期进度)" in err
    _fill(forms["市生态环境局"], {"T16": {"本期进度": 60}, "T18": {"状态": None}}, B3="2099-01-01")
    code, _, err = invoke_en(runner, "dispatch", "import", str(forms["市生态环境局"]))
    assert code == 2 and "cell B3 (填报日期)" in err
    assert (sample / "tasks.toml").read_bytes() == before


def test_csv_forms_are_the_fallback(sample: Path, tmp_path: Path, runner: CliRunner) -> None:
    forms = _forms(runner, tmp_path / "csv", "--format", "csv")
    path = forms["市水利局"]
    assert path.suffix == ".csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    header = rows.index(list(COLUMNS))
    rows[header + 1][COL["本期进度"] - 1] = "70"
    rows[header + 1][COL["状态"] - 1] = "推进中"
    next(r for r in rows if r and r[0] == "填报日期")[1] = "2025-10-22"
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), "utf-8-sig")
    code, _, err = invoke(runner, "dispatch", "import", str(path))
    assert code == 0, err
    entry = _log(runner, "T07")[0]
    assert (entry["by"], entry["date"], entry["progress"]) == ("市水利局", "2025-10-22", 70)
    # A locked cell changed in the CSV is named too.
    forms = _forms(runner, tmp_path / "csv2", "--format", "csv", "--lead", "市生态环境局")
    path = forms["市生态环境局"]
    text = path.read_text("utf-8-sig").replace("长期坚持", "2025-12-31", 1)
    path.write_text(text, "utf-8-sig")
    code, _, err = invoke_en(runner, "dispatch", "import", str(path))
    assert code == 2 and "(整改时限) was changed" in err


def test_forms_for_one_department_and_the_refusals_of_forms(
    sample: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "one"
    assert list(_forms(runner, out, "--lead", "市水利局")) == ["市水利局"]
    code, _, err = invoke_en(
        runner, "dispatch", "forms", *ROUND, "--out", str(out), "--lead", "市水利局"
    )
    assert code == 2 and "exists" in err  # never over a form already sent, without --force
    code, _, err = invoke_en(runner, "dispatch", "forms", "--out", str(out), "--lead", "市委组织部")
    assert code == 2 and "finished" in err
    code, _, err = invoke_en(runner, "dispatch", "forms", "--out", str(out), "--lead", "市水利")
    assert code == 2 and "did you mean" in err
    code, _, err = invoke_en(runner, "dispatch", "forms", "--out", str(out), "--period", "2025-13")
    assert code == 2 and "--period" in err
    not_a_form = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(not_a_form)
    code, _, err = invoke_en(runner, "dispatch", "import", str(not_a_form))
    assert code == 2 and "not a dispatch form" in err


def test_ledger_text_is_data_on_the_form(sample: Path, tmp_path: Path, runner: CliRunner) -> None:
    """A title or a department starting with = is text on the form, never a formula, and the
    form still reads back."""
    toml = sample / "tasks.toml"
    text = toml.read_text("utf-8").replace('title = "滨州市', 'title = "=1+1 滨州市', 1)
    toml.write_text(text.replace('lead = "市水利局"', 'lead = "=市水利局"'), "utf-8")
    forms = _forms(runner, tmp_path / "forms")
    book = openpyxl.load_workbook(forms["=市水利局"])
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    _fill(forms["=市水利局"], {"T07": {"本期进度": 10}}, B3="2025-10-02")
    code, _, err = invoke(runner, "dispatch", "import", str(forms["=市水利局"]))
    assert code == 0, err
    assert _log(runner, "T07")[0]["by"] == "=市水利局"
