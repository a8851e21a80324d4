"""Petition cases (信访件): the sample's totals-only summary and the notice's sentence, and
generated itemised cases counted by finding, status and category."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify_cli.errors import EXIT_ERROR, EXIT_FOUND, LedgerInvalid
from rectify_cli.kinds import Category, Finding, Handling
from rectify_cli.models import PetitionSummary
from rectify_cli.petitions import PetitionCounts, headline, warnings
from rectify_cli.store import load_petitions
from tests.conftest import invoke, invoke_en
from tests.helpers import NOTICE_LINE, generate, petitions_file

AS_OF = "2025-09-30"


# --------------------------------------------------------------------------- the sample


def test_sample_report_has_the_notices_petition_line(sample: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "report", "--as-of", AS_OF, "-f", "md")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    at = lines.index(
        "**第三轮省级生态环境保护督察反馈的24项整改任务，已完成21项，达到序时进度3项**"
    )
    assert lines[at + 2] == f"**{NOTICE_LINE}**"
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "md", "--lang", "en")
    assert "**818 petition cases: all closed or stage-closed**" in out
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "json")
    pets = json.loads(out)["petitions"]
    # The notice does not split closed from stage-closed: neither does the JSON.
    assert (pets["total"], pets["closed_or_stage_closed"], pets["handling"]) == (818, 818, 0)
    assert (pets["closed"], pets["stage_closed"], pets["itemised"]) == (None, None, False)


def test_sample_terminal_report_has_the_line(sample: Path) -> None:
    from rectify_cli.ledgers import load_many
    from rectify_cli.render.report_terminal import report_renderable
    from rectify_cli.render.terminal import console
    from rectify_cli.report import build_report
    from rectify_cli.report_extend import extend

    book = load_many([str(sample)]).single
    report = extend(build_report(book.ledger, dt.date(2025, 9, 30)), book)
    term = console(width=100, no_color=True)
    with term.capture() as cap:
        term.print(report_renderable(report, width=100))
    assert NOTICE_LINE in cap.get()


def test_sample_list_says_it_holds_totals_only(sample: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "list", "--kind", "petitions")
    assert (code, err) == (0, "")
    assert out == f"信访件只有汇总数，没有逐件记录：{NOTICE_LINE}。\n"
    code, out, err = invoke(runner, "list", "--kind", "petitions", "-f", "json")
    assert (code, out) == (0, "[]\n") and NOTICE_LINE in err


def test_a_ledger_without_petitions(make_ledger, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    make_ledger()
    code, out, _ = invoke(runner, "list", "--kind", "petitions", "-f", "md")
    assert (code, out) == (0, "台账没有信访件（petitions.toml）。\n")
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "json")
    assert json.loads(out)["petitions"] is None
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "md")
    assert "信访件" not in out


# --------------------------------------------------------------------------- sentence


@pytest.mark.parametrize(
    ("summary", "zh", "en"),
    [
        ({"total": 818, "closed_or_stage_closed": 818}, NOTICE_LINE, "818 petition cases: all closed or stage-closed"),
        ({"total": 10, "closed": 10}, "省交办的10件信访件，已全部办结", "10 petition cases: all closed"),
        ({"total": 10, "stage_closed": 10, "handling": 0}, "省交办的10件信访件，已全部阶段性办结", "10 petition cases: all stage-closed"),
        ({"total": 10, "closed": 6, "stage_closed": 4}, "省交办的10件信访件，已全部办结或阶段性办结（已办结6件，阶段性办结4件）", "10 petition cases: all closed or stage-closed (6 closed, 4 stage-closed)"),
        ({"total": 818, "closed": 700, "handling": 18}, "省交办的818件信访件，已办结700件，阶段性办结100件，办理中18件", "818 petition cases: 700 closed, 100 stage-closed, 18 being handled"),
        ({"total": 818, "closed_or_stage_closed": 800}, "省交办的818件信访件，已办结或阶段性办结800件，办理中18件", "818 petition cases: 800 closed or stage-closed, 18 being handled"),
        ({"total": 818}, "省交办的818件信访件", "818 petition cases"),
    ],
)  # fmt: skip
def test_the_sentence_says_what_the_figures_say(summary: dict[str, int], zh: str, en: str) -> None:
    counts = PetitionCounts.of_summary(PetitionSummary.model_validate(summary))
    assert headline(counts, "zh", "省交办的") == zh
    assert headline(counts, "en", "省交办的") == en


def test_an_unknown_split_stays_unknown() -> None:
    counts = PetitionCounts.of_summary(PetitionSummary(total=818, closed_or_stage_closed=818))
    assert (counts.closed, counts.stage_closed, counts.done, counts.handling) == (
        None,
        None,
        818,
        0,
    )
    both = counts + PetitionCounts.of_summary(PetitionSummary(total=2, closed=1, stage_closed=1))
    assert (both.total, both.done, both.closed) == (820, 820, None)


# --------------------------------------------------------------------------- file errors


CASE = """\
[[petitions]]
id = "X1"
title = "噪声"
received = 2025-07-01
category = "噪声"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[summary]\ntotal = 10\nclosed = 6\nstage_closed = 3\nhandling = 2\n",
            "petitions.toml:1: summary: total: 10, but closed or stage-closed (9) and handling (2) add up to 11",
        ),
        (
            "[summary]\ntotal = 10\nclosed_or_stage_closed = 9\nclosed = 6\nstage_closed = 4\n",
            "petitions.toml:1: summary: closed_or_stage_closed: 9 is not closed + stage_closed (6 + 4 = 10)",
        ),
        (
            CASE.replace('"噪声"\n', '"火灾"\n'),
            "petitions.toml:5: petition X1: category: unknown value '火灾'; use one of air (大气), water (水), soil (土壤), noise (噪声), solid_waste (固体废物), ecology (生态), other (其他)",
        ),
        (
            CASE.replace("[[petitions]]", "[[petition]]"),
            "petitions.toml:1: petition: unknown key; did you mean petitions?",
        ),
        (
            CASE + "\n" + CASE,
            "petitions.toml:8: petition X1: duplicate id (first used by petition #1)",
        ),
        (
            CASE + 'status = "办理中"\nclosed_on = 2025-08-01\n',
            "petitions.toml:1: petition X1: closed_on: a case still being handled (办理中) has no closing date",
        ),
        (
            "[summary]\ntotal = 1\n\n" + CASE,
            "petitions.toml: give either [summary] (counts only) or [[petitions]] (each case), not both",
        ),
    ],
)
def test_mistakes_are_named_with_file_and_line(make_ledger, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    root = make_ledger()
    petitions_file(root, text)
    with pytest.raises(LedgerInvalid) as info:
        load_petitions(root)
    assert str(info.value.problems[0]).endswith(message)


def test_a_broken_petitions_file_stops_the_command(make_ledger, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    root = make_ledger()
    petitions_file(root, CASE.replace('"噪声"\n', '"火灾"\n'))
    code, out, err = invoke_en(runner, "report")
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith("Error: ") and "petitions.toml:5: petition X1: category" in err


# --------------------------------------------------------------------------- generated cases


@pytest.fixture
def itemised(make_ledger) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    root = make_ledger()
    text, cases = generate(240)
    petitions_file(root, text)
    return cases


def test_generated_cases_are_counted_by_finding_status_and_category(
    itemised: list[dict[str, object]], runner: CliRunner
) -> None:
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "json")
    assert code == 0
    pets = json.loads(out)["petitions"]
    by_status = Counter(c["status"] for c in itemised)
    assert pets["total"] == 240
    assert (pets["closed"], pets["stage_closed"], pets["handling"]) == (
        by_status[Handling.CLOSED],
        by_status[Handling.STAGE_CLOSED],
        by_status[Handling.HANDLING],
    )
    rows = {r["category"]: r for r in pets["by_category"]}
    for category in Category:
        mine = [c for c in itemised if c["category"] is category]
        if not mine:
            assert category.value not in rows
            continue
        row = rows[category.value]
        assert row["total"] == len(mine)
        findings = Counter(c["finding"].value if c["finding"] else "unverified" for c in mine)  # type: ignore[attr-defined]
        assert row["findings"] == {
            k: findings[k] for k in ["substantiated", "partly", "unsubstantiated", "unverified"]
        }
        statuses = Counter(c["status"].value for c in mine)  # type: ignore[attr-defined]
        assert row["statuses"] == {h.value: statuses[h.value] for h in Handling}
    total = rows[None]
    assert total["total"] == 240
    assert sum(total["findings"].values()) == sum(total["statuses"].values()) == 240


def test_the_markdown_table_carries_the_same_counts(
    itemised: list[dict[str, object]], runner: CliRunner
) -> None:
    code, out, _ = invoke(runner, "report", "--as-of", AS_OF, "-f", "md")
    assert code == 0
    section = out[out.index("## 信访件办理情况") :].split("\n\n")[1]
    lines = section.splitlines()
    assert (
        lines[0]
        == "| 类别 | 件数 | 属实 | 部分属实 | 不属实 | 待核实 | 办理中 | 阶段性办结 | 已办结 |"
    )
    cells = {ln.split(" | ")[0].strip("| "): ln.strip("| ").split(" | ")[1:] for ln in lines[2:]}
    air = [c for c in itemised if c["category"] is Category.AIR]
    expected = [
        len(air),
        *(sum(c["finding"] is f for c in air) for f in [*Finding, None]),
        *(sum(c["status"] is h for c in air) for h in Handling),
    ]
    assert cells["大气"] == [str(n) for n in expected]
    assert cells["合计"][0] == "240"
    by_status = Counter(c["status"] for c in itemised)
    sentence = (
        f"**省交办的240件信访件，已办结{by_status[Handling.CLOSED]}件，"
        f"阶段性办结{by_status[Handling.STAGE_CLOSED]}件，办理中{by_status[Handling.HANDLING]}件**"
    )
    assert sentence in out


def test_list_petitions_filters_and_formats(
    itemised: list[dict[str, object]], runner: CliRunner
) -> None:
    def ids(*args: str) -> list[str]:
        code, out, _ = invoke(runner, "list", "--kind", "petitions", "-f", "json", *args)
        assert code == 0
        return [r["id"] for r in json.loads(out)]

    def expect(pred) -> list[str]:  # type: ignore[no-untyped-def]
        return [str(c["id"]) for c in itemised if pred(c)]

    assert ids() == expect(lambda c: True)
    assert ids("--status", "pending") == expect(lambda c: c["status"] is Handling.HANDLING)
    assert ids("--status", "阶段性办结") == expect(lambda c: c["status"] is Handling.STAGE_CLOSED)
    assert ids("--category", "大气", "--category", "water") == expect(
        lambda c: c["category"] in (Category.AIR, Category.WATER)
    )
    assert ids("--finding", "部分属实") == expect(lambda c: c["finding"] is Finding.PARTLY)
    assert ids("--due-before", "2025-03-01") == expect(
        lambda c: c["deadline"] < dt.date(2025, 3, 1)
    )
    assert ids("--search", "信访件12") == ["X0012"] + [f"X{n:04d}" for n in range(120, 130)]
    by_deadline = ids("--sort", "deadline")
    assert by_deadline[0] == min(itemised, key=lambda c: (c["deadline"], c["id"]))["id"]
    code, out, _ = invoke(runner, "list", "--kind", "petitions", "-f", "csv", "--status", "closed")
    assert code == 0
    assert out.splitlines()[0] == (
        "id,received,batch,area,category,title,lead,finding,status,deadline,closed_on,days_left,overdue,notes"
    )
    assert len(out.splitlines()) == 1 + len(expect(lambda c: c["status"] is Handling.CLOSED))
    _code, out, _ = invoke(runner, "list", "--kind", "petitions", "-f", "md", "--search", "信访件7")
    assert out.splitlines()[0] == (
        "| 编号 | 交办日期 | 交办批次 | 属地 | 类别 | 信访内容 | 责任单位 | 核实情况 | 办理状态 | 办理时限 |"
    )


def test_list_petitions_usage_errors(itemised: list[dict[str, object]], runner: CliRunner) -> None:
    for args, message in [
        (["--kind", "cases"], "Error: --kind: 'cases' is not a kind; use tasks or petitions\n"),
        (["--kind", "petitions", "--aspect", "A1"], "Error: --aspect: petition cases have no aspect; use --category\n"),
        (["--category", "air"], "Error: --category and --finding: for petition cases; add --kind petitions\n"),
        (["--kind", "petitions", "--sort", "progress"], "Error: --sort progress: petition cases sort by id, deadline, status, lead, received, category\n"),
        (["--kind", "petitions", "--status", "finished"], "Error: --status: unknown value 'finished'; use one of handling (办理中), stage_closed (阶段性办结), closed (已办结); or pending (not yet closed)\n"),
        (["--sort", "colour"], "Error: --sort colour: sort tasks by id, deadline, progress, status, lead, aspect, health\n"),
    ]:  # fmt: skip
        code, out, err = invoke_en(runner, "list", *args)
        assert (code, out, err) == (EXIT_ERROR, "", message), args


# --------------------------------------------------------------------------- warn


WARN_CASES = """\
version = 1

[[petitions]]
id = "P1"
title = "逾期未办结"
received = 2025-07-01
category = "air"
deadline = 2025-09-20
lead = "县住建局"

[[petitions]]
id = "P2"
title = "即将到期"
received = 2025-09-01
category = "water"
deadline = 2025-10-03
lead = "县水利局"

[[petitions]]
id = "P3"
title = "已办结的逾期件"
received = 2025-07-01
category = "noise"
status = "closed"
deadline = 2025-08-01
lead = "县住建局"

[[petitions]]
id = "P4"
title = "时限尚远"
received = 2025-09-01
category = "soil"
deadline = 2025-12-31
"""


def test_warn_covers_open_cases_past_or_near_their_deadline(make_ledger, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    root = make_ledger()
    petitions_file(root, WARN_CASES)
    found = warnings(load_petitions(root).petitions, dt.date(2025, 9, 30), days=7)  # type: ignore[union-attr]
    assert [(w.petition.id, w.level.value, w.finding.days) for w in found] == [
        ("P1", "red", 10),
        ("P2", "blue", 3),
    ]
    code, out, _ = invoke(runner, "warn", "--as-of", "2025-09-30", "-f", "md", "--exit-code")
    assert code == EXIT_FOUND
    # T1 of the minimal ledger is behind schedule (yellow); the cases add a red and a blue.
    assert out.splitlines()[0] == "截至2025-09-30，共预警3项：红色预警1项、黄色预警1项、蓝色提示1项"
    assert out.endswith(
        "## 信访件预警\n"
        "\n"
        "| 预警级别 | 编号 | 信访内容 | 属地 | 责任单位 | 办理时限 | 预警原因 |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        "| 红色预警 | P1 | 逾期未办结 |   | 县住建局 | 2025-09-20 | 逾期10天 |\n"
        "| 蓝色提示 | P2 | 即将到期 |   | 县水利局 | 2025-10-03 | 3天后到期 |\n"
    )
    code, out, _ = invoke(runner, "warn", "--as-of", "2025-09-30", "-f", "json", "--level", "red")
    data = json.loads(out)
    assert [p["id"] for p in data["petitions"]] == ["P1"]
    assert data["petitions"][0]["reasons"] == [{"kind": "overdue", "level": "red", "days": 10}]
    code, out, _ = invoke(runner, "warn", "--as-of", "2025-09-30", "-f", "json", "--lead", "水利")
    assert [p["id"] for p in json.loads(out)["petitions"]] == ["P2"]
    # The report counts them in its petition part.
    code, out, _ = invoke(runner, "report", "--as-of", "2025-09-30", "-f", "md")
    assert "信访件预警：红色预警1项、蓝色提示1项" in out


def test_check_reports_petition_problems_too(make_ledger, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    root = make_ledger()
    petitions_file(root, CASE.replace('"噪声"\n', '"火灾"\n'))
    code, out, err = invoke_en(runner, "check")
    assert (code, out) == (EXIT_ERROR, "")
    lines = err.splitlines()
    assert lines[0].endswith(
        "petitions.toml:5: petition X1: category: unknown value '火灾'; use one of air (大气), water (水), soil (土壤), noise (噪声), solid_waste (固体废物), ecology (生态), other (其他)"
    )
    assert lines[-1] == "1 problem found."
    petitions_file(root, CASE)
    code, out, _ = invoke_en(runner, "check")
    assert code == 0
