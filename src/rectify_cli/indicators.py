"""Indicators: which way is better, whether a change improved things, whether a target is met,
and their numbers printed with the digits they were published with.

Published figures are often bounds ("below 65%", "more than 20%"), so comparisons here work on
what a bound guarantees and answer None when it guarantees nothing, rather than guessing.
Every word comes from i18n; this module only decides and formats numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from .i18n import Lang, label
from .kinds import Better, Bound, ChangeUnit
from .records import Indicator
from .textfmt import decimals_of, number_text


class Direction(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"


# --------------------------------------------------------------------------- numbers


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def with_unit(number: str, unit: str) -> str:
    """`73.6%`, `0天`, `30 µg/m³`: CJK units and % sit on the number, Latin units get a space."""
    if not unit:
        return number
    if unit[0] in "%‰" or _wide(unit[0]):
        return number + unit
    return f"{number} {unit}"


def bounded(amount: str, bound: Bound | None, lang: Lang) -> str:
    """A published bound on a value: `65%以下` / `below 65%`."""
    if bound is None:
        return amount
    return label(f"ind.{bound}", lang, amount=amount)


def period_text(period: str, lang: Lang) -> str:
    """`2025-01/09` → 2025年1-9月; unknown shapes are printed as written (they are data)."""
    p = period.strip()
    if m := re.fullmatch(r"(\d{4})", p):
        return label("period.year", lang, y=m[1])
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", p):
        return label("period.month", lang, y=m[1], m=int(m[2]), mm=f"{int(m[2]):02d}")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})/(\d{1,2})", p):
        m1, m2 = int(m[2]), int(m[3])
        return label("period.months", lang, y=m[1], m1=m1, m2=m2, mm1=f"{m1:02d}", mm2=f"{m2:02d}")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})/(\d{4})-(\d{1,2})", p):
        m1, m2 = int(m[2]), int(m[4])
        return label(
            "period.range", lang, y1=m[1], y2=m[3], m1=m1, m2=m2, mm1=f"{m1:02d}", mm2=f"{m2:02d}"
        )
    return p


# --------------------------------------------------------------------------- direction


def lower_is_better(ind: Indicator) -> bool:
    return ind.better is Better.LOWER


def change_direction(change: float, better: Better) -> Direction:
    """A signed change judged by the indicator's direction: PM2.5 falling is an improvement."""
    if change == 0:
        return Direction.UNCHANGED
    improved = (change < 0) if better is Better.LOWER else (change > 0)
    return Direction.IMPROVED if improved else Direction.WORSENED


@dataclass(frozen=True)
class _Range:
    """What a published figure guarantees: `below 65` is (-inf, 65), `30` is [30, 30]."""

    low: float
    high: float
    exact: bool

    @classmethod
    def of(cls, value: float, bound: Bound | None) -> _Range:
        if bound == "above":
            return cls(value, math.inf, False)
        if bound == "below":
            return cls(-math.inf, value, False)
        return cls(value, value, True)


def _compare(a: _Range, b: _Range) -> int | None:
    """-1, 0 or 1 when the bounds settle how a compares with b; None when they do not."""
    if a.exact and b.exact:
        return (a.low > b.low) - (a.low < b.low)
    # An open end never reaches its bound, so touching ends still settle the order.
    if a.high < b.low or (a.high == b.low and not (a.exact and b.exact)):
        return -1
    if a.low > b.high or (a.low == b.high and not (a.exact and b.exact)):
        return 1
    return None


def indicator_direction(ind: Indicator) -> Direction | None:
    """Improved or worsened: from the signed change, else from the value against its baseline
    (the Yellow River share fell from above 75% to below 65%); None when neither says."""
    if ind.change is not None:
        return change_direction(ind.change, ind.better)
    if ind.value is None or ind.baseline is None:
        return None
    order = _compare(
        _Range.of(ind.value, ind.value_bound), _Range.of(ind.baseline, ind.baseline_bound)
    )
    if order is None:
        return None
    return change_direction(float(order), ind.better)


# --------------------------------------------------------------------------- proven change

# The rounding rule of a change worked out from a value and its baseline, written once: a
# relative change to one decimal (as notices publish it: 改善15.0%), a change in percentage
# points to the digits the two figures were written with (75 → 65 is 10 points; 54.5 − 45.4
# is 9.1).  An exact change rounds half up, as people round; a bound ("more than") rounds
# toward zero, so that what it says stays true of the published figures.
RELATIVE_PLACES = 1


@dataclass(frozen=True)
class ProvenChange:
    """The change a value and its baseline prove when no change is published: its size in
    the unit people use, which way the value moved, and whether it is only a lower bound."""

    amount: float  # the size, rounded (`change_places`), never negative
    places: int  # digits after the point it is written with
    unit: ChangeUnit  # PERCENT of the baseline, or POINTS for a value in %
    rose: bool  # the value went up (a fall improves a lower-is-better indicator)
    at_least: bool  # the figures are bounds: the change is at least `amount`

    @property
    def signed(self) -> float:
        """Signed as a published `change` is (negative: the value fell); whole when written
        without decimals, as the ledger keeps 30 as 30."""
        size = self.amount if self.rose else -self.amount
        return int(size) if self.places == 0 else size


def change_unit_of(ind: Indicator) -> ChangeUnit:
    """The unit people give a change of this indicator in: percentage points for a value in
    % (a rate, a share), a relative % for a concentration, an index or a count."""
    return ChangeUnit.POINTS if ind.unit == "%" else ChangeUnit.PERCENT


def change_places(ind: Indicator, unit: ChangeUnit) -> int:
    """How many digits a worked-out change is written with (the rule above)."""
    if unit is ChangeUnit.PERCENT:
        return RELATIVE_PLACES
    value = ind.value if ind.value is not None else 0
    written = decimals_of(value) if ind.decimals is None else ind.decimals
    return max(written, decimals_of(ind.baseline) if ind.baseline is not None else 0)


def round_change(size: Decimal, places: int, *, at_least: bool) -> float:
    """`size` (not negative) to `places` digits: half up when exact, down for a bound."""
    mode = ROUND_DOWN if at_least else ROUND_HALF_UP
    return float(size.quantize(Decimal(1).scaleb(-places), rounding=mode))


def _ends(figure: float, bound: Bound | None) -> tuple[Decimal, Decimal]:
    """What a published figure allows, as written (decimal, so 0.3 − 0.1 is 0.2 exactly)."""
    written, endless = Decimal(repr(figure)), Decimal("Infinity")
    if bound == "above":
        return written, endless
    if bound == "below":
        return -endless, written
    return written, written


def proven_change(ind: Indicator) -> ProvenChange | None:
    """The change from `baseline` to `value` when no `change` is published; None when there
    is a published change, when a figure is missing, when the bounds leave the direction
    open, or when the change rounds to nothing.  With bounds (above 75% → below 65%) it is
    the least change the bounds allow (more than 10 points)."""
    if ind.change is not None or ind.value is None or ind.baseline is None:
        return None
    v_low, v_high = _ends(ind.value, ind.value_bound)
    b_low, b_high = _ends(ind.baseline, ind.baseline_bound)
    unit = change_unit_of(ind)
    if unit is ChangeUnit.POINTS:
        low, high = v_low - b_high, v_high - b_low
    else:
        # Relative to a positive baseline, of a value that cannot be negative (a count or
        # a concentration: `below 5` is 0 to 5).
        if b_low <= 0 or v_high < 0:
            return None
        low = 100 * (max(v_low, Decimal(0)) / b_high - 1)
        high = 100 * (v_high / b_low - 1)
    exact = ind.value_bound is None and ind.baseline_bound is None
    if not exact and low <= 0 <= high:
        return None  # the bounds do not say which way it went
    rose = low > 0
    places = change_places(ind, unit)
    amount = round_change(low if rose else -high, places, at_least=not exact)
    if amount == 0:
        return None
    return ProvenChange(amount, places, unit, rose, at_least=not exact)


def target_met(ind: Indicator) -> bool | None:
    """Whether the value reaches the target in the better direction; None when there is no
    target or value, or a bound on the value leaves it open."""
    if ind.target is None or ind.value is None:
        return None
    order = _compare(_Range.of(ind.value, ind.value_bound), _Range.of(ind.target, None))
    if order is None:
        return None
    return order <= 0 if lower_is_better(ind) else order >= 0


def target_margin(ind: Indicator) -> float | None:
    """Value minus target, rounded to the digits both were written with (54.5 − 45.4 is 9.1,
    not 9.100000000000001); None unless both are exact numbers."""
    if ind.target is None or ind.value is None or ind.value_bound is not None:
        return None
    return round(ind.value - ind.target, _margin_places(ind))


def last_year_value(ind: Indicator) -> float | None:
    """Last year's value worked back from the value and its year-on-year change (PM2.5 30 after
    improving 16.7% was 36), rounded to the value's published digits.

    None unless both are exact and the change is year on year: a bound (`more than 20%`) or a
    change against another base (`vs 2020`) does not say what last year's value was.
    """
    value, change = ind.value, ind.change
    if value is None or change is None or ind.value_bound is not None:
        return None
    if ind.change_bound is not None or ind.change_basis is not None:
        return None
    if ind.change_unit is ChangeUnit.POINTS:
        earlier = value - change
    elif change > -100:
        earlier = value / (1 + change / 100)
    else:
        return None  # a fall of 100% or more leaves no earlier value to work back to
    places = decimals_of(value) if ind.decimals is None else ind.decimals
    return round(earlier, places)


def last_year_text(ind: Indicator, lang: Lang) -> str:
    """`36 µg/m³`: last year's value with the unit; empty when it cannot be worked out."""
    earlier = last_year_value(ind)
    if earlier is None:
        return ""
    places = decimals_of(ind.value or 0) if ind.decimals is None else ind.decimals
    return with_unit(number_text(earlier, places), ind.unit)


def _margin_places(ind: Indicator) -> int:
    value_places = 0
    if ind.value is not None:
        value_places = decimals_of(ind.value) if ind.decimals is None else ind.decimals
    target_places = decimals_of(ind.target) if ind.target is not None else 0
    return max(value_places, target_places)


# --------------------------------------------------------------------------- texts


def display_name(ind: Indicator, lang: Lang) -> str:
    return (ind.name_en or ind.name) if lang == "en" else ind.name


def value_text(ind: Indicator, lang: Lang) -> str:
    """`30 µg/m³`, `65%以下`, `5.6360`; empty when the notice gives no value."""
    if ind.value is None:
        return ""
    return bounded(with_unit(number_text(ind.value, ind.decimals), ind.unit), ind.value_bound, lang)


def _amount(change: float, change_unit: ChangeUnit, lang: Lang) -> str:
    """The size of a change: relative (percent) or a difference of percentages (points)."""
    key = "ind.points" if change_unit is ChangeUnit.POINTS else "ind.percent"
    return label(key, lang, n=number_text(abs(change)))


def change_text(ind: Indicator, lang: Lang) -> str:
    """`改善16.7%` / `improved 16.7%`, `较2020年改善20%以上`, or the move from a baseline."""
    direction = indicator_direction(ind)
    if direction is None:
        return ""
    word = label(f"ind.{direction.value}", lang)
    if ind.change is None:
        assert ind.baseline is not None  # indicator_direction needs one without a change
        base = bounded(with_unit(number_text(ind.baseline), ind.unit), ind.baseline_bound, lang)
        proven = proven_change(ind)
        if proven is not None:
            word = proven_text(proven, direction, lang)
        if ind.baseline_period:
            return label(
                "ind.from_baseline_period",
                lang,
                word=word,
                baseline=base,
                period=period_text(ind.baseline_period, lang),
            )
        return label("ind.from_baseline", lang, word=word, baseline=base)
    if direction is Direction.UNCHANGED:
        amount = ""
    else:
        amount = _amount(ind.change, ind.change_unit, lang)
        if ind.change_bound is not None:
            amount = label(f"ind.change_{ind.change_bound}", lang, amount=amount)
    if ind.change_basis:
        basis = period_text(ind.change_basis, lang)
        return _tidy(label("ind.change_vs", lang, word=word, amount=amount, basis=basis))
    return _tidy(label("ind.change", lang, word=word, amount=amount))


def proven_text(proven: ProvenChange, direction: Direction, lang: Lang) -> str:
    """A worked-out change worded like the notice: a relative change by what it means
    (改善9.5% / improved 9.5%), points by where the value went (下降1.9个百分点 / down 1.9
    points), a bound with 以上 / more than."""
    key = "ind.points" if proven.unit is ChangeUnit.POINTS else "ind.percent"
    amount = label(key, lang, n=number_text(proven.amount, proven.places))
    if proven.at_least:
        amount = label("ind.change_above", lang, amount=amount)
    if proven.unit is ChangeUnit.POINTS:
        word = label("ind.rose" if proven.rose else "ind.fell", lang)
    else:
        word = label(f"ind.{direction.value}", lang)
    return _tidy(label("ind.change", lang, word=word, amount=amount))


def _tidy(text: str) -> str:
    """An empty amount ("unchanged") leaves a double space in the English templates."""
    return re.sub(r" {2,}", " ", text).strip()


def rank_text(rank: int | None, lang: Lang, note: str | None = None) -> str:
    """`第8位` / `8`, with a published remark such as 全省“四连冠”."""
    if rank is None:
        return note or ""
    text = label("ind.rank_n", lang, n=rank)
    return label("ind.rank_note", lang, rank=text, note=note) if note else text


def target_text(ind: Indicator, lang: Lang) -> str:
    return with_unit(number_text(ind.target), ind.unit) if ind.target is not None else ""


def target_status(ind: Indicator, lang: Lang) -> str:
    """`达标，高出目标9.1个百分点` / `met: 9.1 points above target`; empty without a target."""
    met = target_met(ind)
    if met is None:
        return label("ind.target_unknown", lang) if ind.target is not None else ""
    status = label("ind.target_met" if met else "ind.target_not_met", lang)
    margin = target_margin(ind)
    if margin is None or margin == 0:
        return status
    amount = number_text(abs(margin), _margin_places(ind))
    size = label("ind.points", lang, n=amount) if ind.unit == "%" else with_unit(amount, ind.unit)
    side = label("ind.target_above" if margin > 0 else "ind.target_below", lang, amount=size)
    return label("ind.target_margin", lang, status=status, margin=side)
