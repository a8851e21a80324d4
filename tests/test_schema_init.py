"""`rectify schema` validated by a real JSON Schema validator, and `rectify init`."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from rectify_cli.models import (
    Indicator,
    IndicatorFile,
    LogEntry,
    Petition,
    PetitionFile,
    PetitionLogEntry,
    PetitionSummary,
    Reading,
    Task,
    TaskFile,
)
from rectify_cli.models import LedgerMeta as Meta
from rectify_cli.scaffold import indicators_template, init_ledger, tasks_template
from rectify_cli.schema import DESCRIPTIONS, SCHEMA_FILES, json_schema, status_values
from tests.conftest import MINIMAL_TASKS, SAMPLE, invoke, invoke_en


def as_editor_sees(value: Any) -> Any:
    """TOML parsed as a JSON-speaking editor sees it: dates become ISO strings."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def validator(which: str) -> jsonschema.Draft202012Validator:
    chosen = next(w for w in SCHEMA_FILES if w == which)
    schema = json_schema(chosen)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def load_toml(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = as_editor_sees(tomllib.loads(path.read_text(encoding="utf-8")))
    return data


def errors(which: str, data: dict[str, Any]) -> list[str]:
    return sorted(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(which).iter_errors(data)
    )


def test_the_sample_files_validate_against_the_generated_schema() -> None:
    assert errors("tasks", load_toml(SAMPLE / "tasks.toml")) == []
    assert errors("indicators", load_toml(SAMPLE / "indicators.toml")) == []


def test_a_wrong_status_fails_and_a_chinese_label_passes() -> None:
    data = load_toml(SAMPLE / "tasks.toml")
    data["tasks"][0]["status"] = "finished"
    assert errors("tasks", data) == [
        "tasks/0/status: 'finished' is not one of "
        "['not_started', 'in_progress', 'done', 'closed', 'cancelled', 'merged', "
        "'未启动', '推进中', '已完成', '已销号', '已撤销', '已合并']"
    ]
    data["tasks"][0]["status"] = "已完成"
    assert errors("tasks", data) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"deadline": "2025-13-01"}, "tasks/0/deadline: '2025-13-01' is not a 'date'"),
        ({"progress": 120}, "tasks/0/progress: 120 is greater than the maximum of 100"),
        ({"leed": "x"}, "tasks/0: Additional properties are not allowed ('leed' was unexpected)"),
        ({"id": "T 1"}, "tasks/0/id: 'T 1' does not match '^[^\\\\s/\\\\\\\\:]+$'"),
        ({"ongoing": True}, "should not be valid under {'required': ['deadline']}"),
    ],
)
def test_schema_catches_what_check_catches(change: dict[str, Any], expected: str) -> None:
    data = as_editor_sees(tomllib.loads(MINIMAL_TASKS))
    data["tasks"][0].update(change)
    assert any(expected in e for e in errors("tasks", data)), errors("tasks", data)


def test_an_open_task_without_deadline_fails_but_a_done_one_passes() -> None:
    data = as_editor_sees(tomllib.loads(MINIMAL_TASKS))
    del data["tasks"][0]["deadline"]
    assert errors("tasks", data)  # in_progress: needs a deadline or ongoing
    data["tasks"][0]["ongoing"] = True
    assert errors("tasks", data) == []
    del data["tasks"][0]["ongoing"]
    data["tasks"][0]["status"] = "done"
    assert errors("tasks", data) == []


def test_schema_has_no_null_and_describes_every_key_in_both_languages() -> None:
    text = "".join(json.dumps(json_schema(w)) for w in SCHEMA_FILES)
    assert '"null"' not in text
    models: list[type[BaseModel]] = [TaskFile, Meta, Task, LogEntry, IndicatorFile, Indicator]
    models += [Reading, PetitionFile, PetitionSummary, Petition, PetitionLogEntry]
    for model in models:
        table = DESCRIPTIONS[model.__name__]
        assert sorted(table) == sorted(model.model_fields), model.__name__
    lead = json_schema("tasks")["$defs"]["Task"]["properties"]["lead"]
    assert lead["description"] == "牵头单位 / Lead department"
    assert json_schema("tasks")["$defs"]["Status"]["enum"] == status_values()


def test_schema_command_prints_one_or_both(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "schema", "tasks")
    assert (code, err) == (0, "")
    assert json.loads(out) == json_schema("tasks")
    code, out, _ = invoke(runner, "schema")
    assert code == 0
    assert json.loads(out) == {
        "tasks": json_schema("tasks"),
        "indicators": json_schema("indicators"),
        "petitions": json_schema("petitions"),
    }
    code, out, err = invoke(runner, "schema", "ledger")
    assert (code, out) == (2, "")
    assert err == 'Error: "ledger" is not a ledger file; use tasks, indicators or petitions\n'


def test_schema_out_writes_both_files(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "schema", "--out", str(tmp_path / "s"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "indicators.schema.json",
        "petitions.schema.json",
        "tasks.schema.json",
    ]
    saved = json.loads((tmp_path / "s" / "tasks.schema.json").read_text(encoding="utf-8"))
    assert saved == json_schema("tasks")


# --------------------------------------------------------------------------- init


def test_init_output_passes_check_and_points_editors_at_the_schema(
    runner: CliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "new"
    code, out, err = invoke(runner, "init", str(root), "--title", "某市整改台账")
    assert (code, out) == (0, "")
    assert "tasks.toml" in err
    tasks_text = (root / "tasks.toml").read_text(encoding="utf-8")
    assert tasks_text.startswith("#:schema ./schema/tasks.schema.json\n")
    assert (
        (root / "indicators.toml")
        .read_text(encoding="utf-8")
        .startswith("#:schema ./schema/indicators.schema.json\n")
    )
    # The directive's relative path resolves to the schema written beside the file.
    for name in ("tasks", "indicators"):
        first = (root / f"{name}.toml").read_text(encoding="utf-8").splitlines()[0]
        target = root / first.removeprefix("#:schema ").strip()
        assert json.loads(target.read_text(encoding="utf-8")) == json_schema(name)
    code, out, err = invoke(runner, "check", "--ledger", str(root))
    assert (code, out, err) == (0, "台账检查通过：0项任务，0项指标。\n", "")
    assert errors("tasks", load_toml(root / "tasks.toml")) == []
    assert errors("indicators", load_toml(root / "indicators.toml")) == []


def uncomment_examples(text: str) -> str:
    """Delete the "# " of every commented TOML line (key = value or [[table]])."""
    return re.sub(r"^# (?=\[\[|[a-z_]+ = )", "", text, flags=re.M)


def test_init_examples_are_valid_entries_once_uncommented(tmp_path: Path) -> None:
    tasks = uncomment_examples(tasks_template("台账", "zh"))
    indicators = uncomment_examples(indicators_template())
    assert "\n[[tasks]]\n" in tasks and "\n[[indicators]]\n" in indicators
    parsed = TaskFile.model_validate(tomllib.loads(tasks))
    assert [t.id for t in parsed.tasks] == ["T01"]
    assert parsed.ledger.feedback_date == dt.date(2025, 1, 1)
    assert IndicatorFile.model_validate(tomllib.loads(indicators)).indicators[0].id == "pm25"
    assert errors("tasks", as_editor_sees(tomllib.loads(tasks))) == []
    assert errors("indicators", as_editor_sees(tomllib.loads(indicators))) == []


def test_init_refuses_an_existing_ledger_and_leaves_it_alone(
    runner: CliRunner, sample: Path
) -> None:
    before = (sample / "tasks.toml").read_bytes()
    code, out, err = invoke_en(runner, "init", str(sample))
    assert (code, out) == (2, "")
    assert err.startswith("Error: ") and "tasks.toml: already exists" in err
    assert (sample / "tasks.toml").read_bytes() == before
    assert not (sample / "schema").exists()


def test_init_into_a_folder_with_other_files_and_a_quoted_title(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    made = init_ledger(tmp_path, 'A "quoted" title', "en")
    meta = TaskFile.model_validate(
        tomllib.loads((tmp_path / "tasks.toml").read_text(encoding="utf-8"))
    ).ledger
    assert (meta.title, meta.lang) == ('A "quoted" title', "en")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "notes"
    assert len(made.written) == 5  # two ledger files, three schemas


def test_init_rejects_an_unknown_language(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "init", str(tmp_path / "x"), "--lang", "fr")
    assert code == 2
    assert err == 'Error: --lang: "fr" is not a language rectify speaks; use zh or en\n'
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- petitions.toml


def test_the_sample_petitions_file_validates() -> None:
    data = load_toml(SAMPLE / "petitions.toml")
    assert data["summary"]["total"] == 818
    assert errors("petitions", data) == []


def test_a_bad_finding_fails_and_chinese_labels_pass() -> None:
    data = as_editor_sees(tomllib.loads(CASES))
    assert errors("petitions", data) == []
    assert PetitionFile.model_validate(tomllib.loads(CASES)).petitions[1].batch == "3"
    data["petitions"][0]["finding"] = "true-ish"
    assert errors("petitions", data) == [
        "petitions/0/finding: 'true-ish' is not one of "
        "['substantiated', 'partly', 'unsubstantiated', '属实', '部分属实', '不属实']"
    ]
    data["petitions"][0]["finding"] = "部分属实"
    assert errors("petitions", data) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"category": "噪音污染"}, "petitions/0/category: '噪音污染' is not one of"),
        ({"status": "finished"}, "petitions/0/status: 'finished' is not one of"),
        ({"received": "2025-02-30"}, "petitions/0/received: '2025-02-30' is not a 'date'"),
        ({"finding": None}, "petitions/0/finding: None is not of type 'string'"),
        ({"lead_dept": "x"}, "Additional properties are not allowed ('lead_dept' was unexpected)"),
        # closed_on on a case still being handled (the default status)
        ({"status": "办理中"}, "should not be valid under {'required': ['closed_on']}"),
    ],
)
def test_schema_catches_petition_mistakes_check_catches(
    change: dict[str, Any], expected: str
) -> None:
    data = as_editor_sees(tomllib.loads(CASES))
    data["petitions"][0].update(change)
    found = errors("petitions", data)
    assert any(expected in e for e in found), found


def test_summary_and_cases_together_fail() -> None:
    data = as_editor_sees(tomllib.loads(CASES))
    assert errors("petitions", data) == []
    data["summary"] = {"total": 2}
    found = list(validator("petitions").iter_errors(data))
    assert [(list(e.absolute_path), e.validator) for e in found] == [(["petitions"], "maxItems")]
    del data["petitions"]
    assert errors("petitions", data) == []


def test_petitions_schema_describes_choices_in_both_languages(runner: CliRunner) -> None:
    defs = json_schema("petitions")["$defs"]
    assert defs["Category"]["enum"] == [
        *("air", "water", "soil", "noise", "solid_waste", "ecology", "other"),
        *("大气", "水", "土壤", "噪声", "固体废物", "生态", "其他"),
    ]
    assert defs["Handling"]["enum"] == [
        *("handling", "stage_closed", "closed"),
        *("办理中", "阶段性办结", "已办结"),
    ]
    assert defs["Finding"]["description"].startswith("核实情况（英文键或中文标签均可）")
    assert defs["Petition"]["properties"]["finding"]["description"] == (
        "核实情况；未核实时省略 / Finding; leave out until investigated"
    )
    code, out, err = invoke(runner, "schema", "petitions")
    assert (code, err) == (0, "")
    assert json.loads(out) == json_schema("petitions")


def test_a_petitions_file_added_to_an_init_ledger(runner: CliRunner, tmp_path: Path) -> None:
    """As the template's comment says: a petitions.toml beside the files `init` made, its
    `#:schema` line pointing at the schema `init` wrote, passes `rectify check`."""
    root = tmp_path / "new"
    assert invoke(runner, "init", str(root))[0] == 0
    assert "petitions.schema.json" in tasks_template("台账", "zh")
    directive = "#:schema ./schema/petitions.schema.json"
    (root / "petitions.toml").write_text(f"{directive}\n{CASES}", encoding="utf-8")
    target = root / directive.removeprefix("#:schema ")
    assert json.loads(target.read_text(encoding="utf-8")) == json_schema("petitions")
    code, out, err = invoke(runner, "check", "--ledger", str(root))
    assert (code, err) == (0, ""), err
    assert out.startswith("台账检查通过")
    assert errors("petitions", load_toml(root / "petitions.toml")) == []


CASES = """\
version = 1
headline_prefix = "省交办的"

[[petitions]]
id = "X001"
title = "某厂夜间噪声扰民"
received = 2025-07-01
batch = "第3批"
area = "博兴县"
category = "noise"
finding = "substantiated"
status = "closed"
deadline = 2025-08-31
closed_on = 2025-08-01
lead = "县生态环境局"

[[petitions.log]]
date = 2025-08-01
status = "closed"

[[petitions]]
id = "X002"
title = "河道垃圾"
received = 2025-07-03
batch = 3
category = "固体废物"
status = "阶段性办结"
"""
