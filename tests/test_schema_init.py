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
from typer.testing import CliRunner

from rectify_cli.models import Indicator, IndicatorFile, LogEntry, Reading, Task, TaskFile
from rectify_cli.models import LedgerMeta as Meta
from rectify_cli.scaffold import indicators_template, init_ledger, tasks_template
from rectify_cli.schema import DESCRIPTIONS, json_schema, status_values
from tests.conftest import MINIMAL_TASKS, SAMPLE, invoke


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
    schema = json_schema("tasks" if which == "tasks" else "indicators")
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
        "['not_started', 'in_progress', 'done', 'closed', '未启动', '推进中', '已完成', '已销号']"
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
    text = json.dumps(json_schema("tasks")) + json.dumps(json_schema("indicators"))
    assert '"null"' not in text
    for model in (TaskFile, Meta, Task, LogEntry, IndicatorFile, Indicator, Reading):
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
    }
    code, out, err = invoke(runner, "schema", "ledger")
    assert (code, out) == (2, "")
    assert err == 'Error: "ledger" is not a ledger file; use tasks or indicators\n'


def test_schema_out_writes_both_files(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "schema", "--out", str(tmp_path / "s"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "indicators.schema.json",
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
    code, out, err = invoke(runner, "init", str(sample))
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
    assert len(made.written) == 4


def test_init_rejects_an_unknown_language(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "init", str(tmp_path / "x"), "--lang", "fr")
    assert code == 2
    assert err == 'Error: --lang: "fr" is not a language rectify speaks; use zh or en\n'
    assert not (tmp_path / "x").exists()
