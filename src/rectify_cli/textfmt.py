"""Values as rectify writes them in text: numbers and the log's `field: old → new` lines.

One formatter for each, because the log is read back (`changes`, `report`, a person's diff)
and a value written two ways by two commands reads as a change that never happened.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from enum import Enum

NOTHING = "—"  # a value not reported, in a change line and wherever a table shows one
ARROW = " → "

_CHANGE = re.compile(r"^\s*(?P<field>[a-z_]+):\s*(?P<old>.*?)\s*→\s*(?P<new>.*?)\s*$")


def decimals_of(number: float) -> int:
    """Digits after the point as written: 30 → 0, 15.0 → 1, 3.67 → 2 (ints stay ints in the
    models, so a whole number written without a point prints without one)."""
    if isinstance(number, int) or not math.isfinite(number):
        return 0
    text = repr(float(number))
    if "e" in text:  # 1e-07 or 1e+16: repr lost the written form; print the digits it has
        mantissa, exponent = text.split("e")
        digits = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return max(0, digits - int(exponent))
    return len(text.split(".")[1])


def percent_text(text: str) -> float | None:
    """A percentage as typed (a 进度 cell, `update --progress`): 60, 60%, ６０％, 60.5 → the number; None when it is not one."""
    t = unicodedata.normalize("NFKC", text).replace(" ", "")
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)%?", t)
    return float(m.group(1)) if m else None


def number_text(number: float, decimals: int | None = None) -> str:
    """A number as published: `decimals` digits after the point, else as many as written.
    Never in scientific notation: 1e-07 is 0.0000001 to a reader."""
    if decimals is None and isinstance(number, float) and math.isfinite(number):
        # The digits repr chose are the written ones; formatting the binary value itself
        # could round its last digit differently (2**-24 ends in ...0625, a tie).  decimal
        # is imported here: every command imports this module, few print a float.
        from decimal import Decimal

        text = format(Decimal(repr(number)), "f")
    else:
        places = decimals_of(number) if decimals is None else decimals
        text = f"{number:.{places}f}"
    # -0.0 rounds to "-0.0": a sign on nothing reads as a real negative
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def value_text(value: object) -> str:
    """A field's value as a change line (or a reading's note) writes it: nothing as —, enums
    by their stable key, dates in ISO form, numbers as written, lists joined with `; `."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, bool):  # as TOML writes it (ongoing: true → false)
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    return str(value)


EVIDENCE_ADDED = "evidence: + "  # a log line naming one item of evidence an update added


def evidence_added(line: str) -> str | None:
    """The item of an `evidence: + item` line; None for a line of another shape."""
    return line[len(EVIDENCE_ADDED) :] if line.startswith(EVIDENCE_ADDED) else None


def change_text(field: str, old: object, new: object) -> str:
    """`field: old → new`, the one shape every command writes to the log."""
    return f"{field}: {value_text(old)}{ARROW}{value_text(new)}"


def parse_change(line: str) -> tuple[str, str, str] | None:
    """(field, old, new) text of a `field: old → new` line; None for a line of another shape."""
    m = _CHANGE.match(line)
    return (m["field"], m["old"], m["new"]) if m else None
