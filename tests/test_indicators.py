"""indicators: direction, improvement, targets and bounds, and numbers as published."""

from __future__ import annotations

from typing import Any

import pytest

from rectify_cli import models
from rectify_cli.i18n import Lang
from rectify_cli.indicators import (
    Direction,
    ProvenChange,
    change_direction,
    change_text,
    change_unit_of,
    indicator_direction,
    last_year_value,
    period_text,
    proven_change,
    proven_text,
    rank_text,
    target_margin,
    target_met,
    target_status,
    value_text,
    with_unit,
)
from rectify_cli.kinds import Better, ChangeUnit
from rectify_cli.records import Indicator, as_json, of
from rectify_cli.store import load_ledger
from rectify_cli.textfmt import decimals_of, number_text
from tests.conftest import SAMPLE


def ind(**fields: Any) -> Indicator:
    base: dict[str, Any] = {"id": "x", "name": "指标", "better": "higher"}
    return of(models.Indicator.model_validate({**base, **fields}))


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("number", "decimals"),
    [(30, 0), (-15.0, 1), (16.7, 1), (3.67, 2), (5.636, 3), (0.1, 1), (1e-7, 7), (1e16, 0)],
)
def test_decimals_as_written(number: float, decimals: int) -> None:
    assert decimals_of(number) == decimals


@pytest.mark.parametrize(
    ("number", "decimals", "text"),
    [
        (30, None, "30"),
        (15.0, None, "15.0"),
        (5.636, 4, "5.6360"),
        (73.6, None, "73.6"),
        (1379, None, "1379"),
        (-0.04, 1, "0.0"),  # no sign on nothing
        (2.5, 0, "2"),
    ],
)
def test_number_text(number: float, decimals: int | None, text: str) -> None:
    assert number_text(number, decimals) == text


def test_whole_numbers_stay_whole_through_the_model() -> None:
    i = ind(value=30, target=45.4, change=-15.0, baseline=75)
    assert (repr(i.value), repr(i.change), repr(i.baseline)) == ("30", "-15.0", "75")
    # JSON keeps its contract: numbers are floats there, as before.
    assert as_json(i)["value"] == 30.0


def test_published_decimals_key() -> None:
    assert value_text(ind(value=5.636, decimals=4), "zh") == "5.6360"
    with pytest.raises(ValueError, match="decimals"):
        ind(value=1, decimals=-1)


@pytest.mark.parametrize(
    ("unit", "text"),
    [("", "30"), ("%", "30%"), ("天", "30天"), ("µg/m³", "30 µg/m³"), ("t", "30 t")],
)
def test_units_sit_on_cjk_and_percent_and_keep_a_space_before_latin(unit: str, text: str) -> None:
    assert with_unit("30", unit) == text


def test_bounded_values() -> None:
    share = ind(value=65, unit="%", value_bound="below", better="lower")
    assert value_text(share, "zh") == "65%以下"
    assert value_text(share, "en") == "below 65%"
    assert value_text(ind(value=500, unit="人次", value_bound="above"), "zh") == "500人次以上"
    assert value_text(ind(), "zh") == ""


@pytest.mark.parametrize(
    ("period", "zh", "en"),
    [
        ("2025-01/09", "2025年1-9月", "2025-01 to 2025-09"),
        ("2025-09", "2025年9月", "2025-09"),
        ("2024", "2024年", "2024"),
        ("2024-01/2025-09", "2024年1月至2025年9月", "2024-01 to 2025-09"),
        ("上半年", "上半年", "上半年"),  # an unknown shape is data: printed as written
    ],
)
def test_period_text(period: str, zh: str, en: str) -> None:
    assert period_text(period, "zh") == zh
    assert period_text(period, "en") == en


# --------------------------------------------------------------------------- direction


@pytest.mark.parametrize(
    ("change", "better", "direction"),
    [
        (-16.7, Better.LOWER, Direction.IMPROVED),  # PM2.5 fell
        (5.0, Better.LOWER, Direction.WORSENED),
        (13.4, Better.HIGHER, Direction.IMPROVED),
        (-2.0, Better.HIGHER, Direction.WORSENED),
        (0, Better.HIGHER, Direction.UNCHANGED),
    ],
)
def test_change_direction(change: float, better: Better, direction: Direction) -> None:
    assert change_direction(change, better) is direction


def test_direction_from_bounded_baseline() -> None:
    # 黄河水占用水总量比例由75%以上下降至65%以下: certainly lower, and lower is better.
    share = ind(value=65, value_bound="below", baseline=75, baseline_bound="above", better="lower")
    assert indicator_direction(share) is Direction.IMPROVED
    # Without a unit the change is relative: below 65 is at most 86.7% of above 75.
    assert change_text(share, "en") == "improved more than 13.3% from above 75"
    # "above 65" against "above 75" settles nothing.
    unsure = ind(value=65, value_bound="above", baseline=75, baseline_bound="above")
    assert indicator_direction(unsure) is None
    assert change_text(unsure, "zh") == ""
    assert indicator_direction(ind(value=3)) is None


def test_change_texts() -> None:
    pm25 = ind(value=30, change=-16.7, better="lower")
    assert change_text(pm25, "zh") == "改善16.7%"
    assert change_text(pm25, "en") == "improved 16.7%"
    worse = ind(value=30, change=-2.0, change_unit="pt", better="higher")
    assert change_text(worse, "zh") == "恶化2.0个百分点"
    assert change_text(worse, "en") == "worsened 2.0 points"
    waste = ind(change=-20, change_bound="above", change_basis="2020", better="lower")
    assert change_text(waste, "zh") == "较2020年改善20%以上"
    assert change_text(waste, "en") == "improved more than 20% vs 2020"
    flat = ind(change=0, change_basis="2020")
    assert change_text(flat, "en") == "unchanged vs 2020"
    assert change_text(flat, "zh") == "较2020年持平"


def test_baseline_with_period() -> None:
    share = ind(
        value=65,
        unit="%",
        value_bound="below",
        baseline=75,
        baseline_bound="above",
        baseline_period="2024",
        better="lower",
    )
    # A share in %: percentage points, the least the bounds allow (75 − 65), worded like
    # the notice (由75%以上下降至65%以下).
    assert change_text(share, "zh") == "较2024年（75%以上）下降10个百分点以上"
    assert change_text(share, "en") == "down more than 10 points from above 75% (2024)"


@pytest.mark.parametrize(
    ("fields", "zh", "en"),
    [
        # a concentration: relative, judged by which way is better (42 → 38 is −9.52%)
        (
            {"value": 38, "baseline": 42, "unit": "µg/m³", "better": "lower"},
            "较42 µg/m³改善9.5%",
            "improved 9.5% from 42 µg/m³",
        ),
        (
            {"value": 46, "baseline": 42, "unit": "µg/m³", "better": "lower"},
            "较42 µg/m³恶化9.5%",
            "worsened 9.5% from 42 µg/m³",
        ),
        # a count: relative too
        (
            {"value": 120, "baseline": 100, "unit": "个"},
            "较100个改善20.0%",
            "improved 20.0% from 100个",
        ),
        # a value in %: points, by where the value went (75.5% → 73.6%)
        (
            {"value": 73.6, "baseline": 75.5, "unit": "%"},
            "较75.5%下降1.9个百分点",
            "down 1.9 points from 75.5%",
        ),
        (
            {"value": 54.5, "baseline": 45.4, "unit": "%"},
            "较45.4%上升9.1个百分点",
            "up 9.1 points from 45.4%",
        ),
        # the rounding rule: exact halves round up (0.25% → 0.3%, not the float's 0.2%) ...
        ({"value": 8.02, "baseline": 8}, "较8改善0.3%", "improved 0.3% from 8"),
        # ... points keep the figures' digits: 0.3 − 0.1 is 0.2, not 0.19999999999999998
        (
            {"value": 0.3, "baseline": 0.1, "unit": "%"},
            "较0.1%上升0.2个百分点",
            "up 0.2 points from 0.1%",
        ),
        # a bound rounds toward zero, so "more than" stays true: above 20 from 15 is > 33.33%
        (
            {"value": 20, "value_bound": "above", "baseline": 15},
            "较15改善33.3%以上",
            "improved more than 33.3% from 15",
        ),
        # nothing to say: an equal value, or a change that rounds to nothing
        ({"value": 42, "baseline": 42}, "较42持平", "unchanged from 42"),
        ({"value": 100000.1, "baseline": 100000}, "较100000改善", "improved from 100000"),
    ],
)
def test_change_proven_by_value_and_baseline(fields: dict[str, Any], zh: str, en: str) -> None:
    indicator = ind(**fields)
    assert (change_text(indicator, "zh"), change_text(indicator, "en")) == (zh, en)


def test_proven_change_needs_both_figures_a_direction_and_no_published_change() -> None:
    assert proven_change(ind(value=38)) is None
    assert proven_change(ind(baseline=42)) is None
    assert proven_change(ind(value=38, baseline=42, change=-9.0)) is None
    # above 65 against above 75: either way
    assert (
        proven_change(ind(value=65, value_bound="above", baseline=75, baseline_bound="above"))
        is None
    )
    # relative to nothing
    assert proven_change(ind(value=5, baseline=0)) is None
    share = proven_change(
        ind(value=65, value_bound="below", unit="%", baseline=75, baseline_bound="above")
    )
    assert share == ProvenChange(10.0, 0, ChangeUnit.POINTS, rose=False, at_least=True)
    assert share.signed == -10.0


def test_published_change_wins_and_a_computed_one_agrees_with_it() -> None:
    """Every sample indicator with a published year-on-year change and an exact value: given
    the baseline that change implies (`last_year_value`), the published change still prints
    as published, and the change worked out from the two figures is the published one, in
    the same words, wherever the published unit is the one the rule picks."""
    langs: tuple[Lang, ...] = ("zh", "en")
    checked, other_unit = [], []
    for i in load_ledger(SAMPLE).indicators:
        last = last_year_value(i)
        if i.change is None or last is None:
            continue
        both = i._replace(baseline=last)
        for lang in langs:
            assert change_text(both, lang) == change_text(i, lang), i.id
        if change_unit_of(i) is not i.change_unit:
            other_unit.append(i.id)
            continue
        proven = proven_change(both._replace(change=None))
        assert proven is not None, i.id
        assert proven.signed == i.change, i.id
        direction = indicator_direction(i)
        assert direction is not None
        for lang in langs:
            assert proven_text(proven, direction, lang) == change_text(i, lang), i.id
        checked.append(i.id)
    assert checked == ["air_index", "pm25"]
    # 优良率 is a value in %, yet the notice's 改善13.4% is recorded as a relative change
    # (its note: the notice does not say which); the rule would give points.
    assert other_unit == ["good_air_ratio"]


# --------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("fields", "met"),
    [
        ({"value": 54.5, "target": 45.4}, True),
        ({"value": 40, "target": 45.4}, False),
        ({"value": 45.4, "target": 45.4}, True),
        ({"value": 30, "target": 35, "better": "lower"}, True),
        ({"value": 40, "target": 35, "better": "lower"}, False),
        # bounds: "above 50" reaches a target of 45 and of 50, says nothing about 60
        ({"value": 50, "value_bound": "above", "target": 45}, True),
        ({"value": 50, "value_bound": "above", "target": 50}, True),
        ({"value": 50, "value_bound": "above", "target": 60}, None),
        ({"value": 40, "value_bound": "below", "target": 45}, False),
        ({"value": 65, "value_bound": "below", "target": 70, "better": "lower"}, True),
        ({"value": 65, "value_bound": "below", "target": 60, "better": "lower"}, None),
        ({"value": 50}, None),
        ({"target": 50}, None),
    ],
)
def test_target_met(fields: dict[str, Any], met: bool | None) -> None:
    assert target_met(ind(**fields)) is met


def test_target_margin_in_published_digits() -> None:
    water = ind(value=54.5, target=45.4, unit="%")
    assert target_margin(water) == 9.1  # not 9.100000000000001
    assert target_status(water, "zh") == "达标，高出目标9.1个百分点"
    assert target_status(water, "en") == "met: 9.1 points above target"
    short = ind(value=40, target=45.5, unit="万吨")
    assert target_status(short, "zh") == "未达标，低于目标5.5万吨"
    assert target_status(short, "en") == "not met: 5.5万吨 below target"
    exact = ind(value=45, target=45)
    assert target_status(exact, "en") == "met"
    assert target_margin(ind(value=50, value_bound="above", target=45)) is None
    assert target_status(ind(value=50, value_bound="above", target=60), "en") == "cannot tell"
    assert target_status(ind(value=50), "en") == ""


def test_rank_text() -> None:
    assert rank_text(8, "zh") == "第8位"
    assert rank_text(8, "en") == "8"
    assert rank_text(1, "zh", "全省“四连冠”") == "第1位（全省“四连冠”）"
    assert rank_text(None, "en") == ""
