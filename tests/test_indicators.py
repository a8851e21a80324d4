"""indicators: direction, improvement, targets and bounds, and numbers as published."""

from __future__ import annotations

from typing import Any

import pytest

from rectify_cli import models
from rectify_cli.indicators import (
    Direction,
    change_direction,
    change_text,
    indicator_direction,
    period_text,
    rank_text,
    target_margin,
    target_met,
    target_status,
    value_text,
    with_unit,
)
from rectify_cli.kinds import Better
from rectify_cli.records import Indicator, as_json, of
from rectify_cli.textfmt import decimals_of, number_text


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
    assert change_text(share, "en") == "improved from above 75"
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
    assert change_text(share, "zh") == "较2024年（75%以上）改善"
    assert change_text(share, "en") == "improved from above 75% (2024)"


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
