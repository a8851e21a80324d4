"""The fixed choices of a ledger: task statuses, indicator directions, petition categories.

Plain enums and their Chinese labels, apart from the Pydantic models (models.py) so that
reading a cached ledger (records.py) and printing it never import Pydantic.  The English
values are part of the file format and of the JSON output.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, TypeVar

from .speech import say

LEDGER_VERSION = 1
MAX_TITLE = 1000
# The `kind` of the first log entry of a task or a petition case written by `rectify add` or
# `petition add` (models.LogEntry.kind): when the item entered the ledger.
ADDED = "added"


class Status(StrEnum):
    """Stable English keys; Chinese labels are accepted on input and shown in zh output."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # 已撤销: dropped from the plan
    MERGED = "merged"  # 已合并: folded into another task (`merged_into`)

    @property
    def label_zh(self) -> str:
        return STATUS_ZH[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @property
    def is_dropped(self) -> bool:
        """Cancelled or merged: out of the plan, neither open nor finished; see DROPPED."""
        return self in DROPPED

    @property
    def is_finished(self) -> bool:
        """Done or closed (已完成或已销号): the one definition; see FINISHED."""
        return self in FINISHED

    @classmethod
    def parse(cls, text: str) -> Status:
        """Read a status typed by a person: an English key, a Chinese label or an alias."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        found = STATUS_ALIASES.get(key)
        if found is None:
            raise ValueError(
                say(
                    "unknown status {text!r}; use one of {choices}",
                    "未知的状态 {text!r}；请用以下之一：{choices}",
                    text=text,
                    choices=status_choices(),
                )
            )
        return found


STATUS_ZH: dict[Status, str] = {
    Status.NOT_STARTED: "未启动",
    Status.IN_PROGRESS: "推进中",
    Status.DONE: "已完成",
    Status.CLOSED: "已销号",
    Status.CANCELLED: "已撤销",
    Status.MERGED: "已合并",
}
# The note of a task's first log entry (kind ADDED above), in the ledger's language; before
# that kind existed the note alone marked it, and `changes` reads both.
ADDED_NOTE = {"zh": "新增", "en": "added"}


def is_added(entry: Any) -> bool:
    """A log entry that put the item in the ledger (kind ADDED, or before that kind existed
    its note alone and no change): when it entered, not news of its progress."""
    if entry.kind == ADDED:
        return True
    return not entry.changes and entry.note in ADDED_NOTE.values()


OPEN_STATUSES = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS})
# "Done or closed": a finished task is at 100 % and has its completion date (rules.py).
FINISHED = frozenset({Status.DONE, Status.CLOSED})
# Cancelled (撤销) or merged into another (合并): out of the plan.  Neither open nor
# finished, so they leave the open counts, the schedule and the warnings; the report counts
# them apart.
DROPPED = frozenset({Status.CANCELLED, Status.MERGED})
# Taskwarrior's meaning: `pending` is everything not yet done.  It is a filter group, not a
# status a task can hold, so `list --status pending` means "not started or in progress".
STATUS_GROUPS: dict[str, frozenset[Status]] = {
    "pending": OPEN_STATUSES,
    "未完成": OPEN_STATUSES,
    "completed": FINISHED,
    "dropped": DROPPED,
    "已撤销或合并": DROPPED,
}
STATUS_ALIASES: dict[str, Status] = {
    **{s.value: s for s in Status},
    **{label: s for s, label in STATUS_ZH.items()},
    "todo": Status.NOT_STARTED,
    "started": Status.IN_PROGRESS,
    "ongoing": Status.IN_PROGRESS,
    "进行中": Status.IN_PROGRESS,
    "整改中": Status.IN_PROGRESS,
    "完成": Status.DONE,
    "已整改": Status.DONE,
    "销号": Status.CLOSED,
    "canceled": Status.CANCELLED,
    "撤销": Status.CANCELLED,
    "已取消": Status.CANCELLED,
    "取消": Status.CANCELLED,
    "合并": Status.MERGED,
    "已并入": Status.MERGED,
}


def status_choices() -> str:
    return ", ".join(f"{s.value} ({s.label_zh})" for s in Status)


def parse_status_filter(text: str) -> frozenset[Status]:
    """A `--status` value: a status or a group such as `pending`."""
    key = text.strip().lower()
    if key in STATUS_GROUPS:
        return STATUS_GROUPS[key]
    return frozenset({Status.parse(text)})


class Better(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"


class ChangeUnit(StrEnum):
    PERCENT = "%"  # relative change, in percent of the earlier value
    POINTS = "pt"  # difference of two percentages, in percentage points


Bound = Literal["above", "below"]


# --------------------------------------------------------------------------- petitions
# Each choice about a petition case (信访件) has a stable English key and a Chinese label,
# and both are accepted on input, like task statuses.

_E = TypeVar("_E", bound=StrEnum)


def _choice(enum: type[_E], labels: dict[_E, str], aliases: dict[str, _E], text: str) -> _E:
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    for member in enum:
        if key == member.value or text.strip() == labels[member]:
            return member
    found = aliases.get(key)
    if found is None:
        choices = ", ".join(f"{m.value} ({labels[m]})" for m in enum)
        raise ValueError(
            say(
                "unknown value {text!r}; use one of {choices}",
                "未知的值 {text!r}；请用以下之一：{choices}",
                text=text,
                choices=choices,
            )
        )
    return found


class Category(StrEnum):
    """What a petition complains about."""

    AIR = "air"
    WATER = "water"
    SOIL = "soil"
    NOISE = "noise"
    SOLID_WASTE = "solid_waste"
    ECOLOGY = "ecology"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return CATEGORY_ZH[self]

    @classmethod
    def parse(cls, text: str) -> Category:
        return _choice(cls, CATEGORY_ZH, CATEGORY_ALIASES, text)


class Finding(StrEnum):
    """What the investigation found (调查核实情况)."""

    SUBSTANTIATED = "substantiated"
    PARTLY = "partly"
    UNSUBSTANTIATED = "unsubstantiated"

    @property
    def label_zh(self) -> str:
        return FINDING_ZH[self]

    @classmethod
    def parse(cls, text: str) -> Finding:
        return _choice(cls, FINDING_ZH, FINDING_ALIASES, text)


class Handling(StrEnum):
    """Where a petition case stands (办理状态)."""

    HANDLING = "handling"
    STAGE_CLOSED = "stage_closed"
    CLOSED = "closed"

    @property
    def label_zh(self) -> str:
        return HANDLING_ZH[self]

    @property
    def is_open(self) -> bool:
        return self is Handling.HANDLING

    @classmethod
    def parse(cls, text: str) -> Handling:
        return _choice(cls, HANDLING_ZH, HANDLING_ALIASES, text)


CATEGORY_ZH: dict[Category, str] = {
    Category.AIR: "大气",
    Category.WATER: "水",
    Category.SOIL: "土壤",
    Category.NOISE: "噪声",
    Category.SOLID_WASTE: "固体废物",
    Category.ECOLOGY: "生态",
    Category.OTHER: "其他",
}
CATEGORY_ALIASES: dict[str, Category] = {
    "大气污染": Category.AIR,
    "空气": Category.AIR,
    "水污染": Category.WATER,
    "水环境": Category.WATER,
    "土壤污染": Category.SOIL,
    "噪音": Category.NOISE,
    "噪声污染": Category.NOISE,
    "固废": Category.SOLID_WASTE,
    "solid": Category.SOLID_WASTE,
    "waste": Category.SOLID_WASTE,
    "生态破坏": Category.ECOLOGY,
    "生态环境": Category.ECOLOGY,
}
FINDING_ZH: dict[Finding, str] = {
    Finding.SUBSTANTIATED: "属实",
    Finding.PARTLY: "部分属实",
    Finding.UNSUBSTANTIATED: "不属实",
}
FINDING_ALIASES: dict[str, Finding] = {
    "partly_substantiated": Finding.PARTLY,
    "partial": Finding.PARTLY,
    "partially": Finding.PARTLY,
    "true": Finding.SUBSTANTIATED,
    "false": Finding.UNSUBSTANTIATED,
    "基本属实": Finding.PARTLY,
}
HANDLING_ZH: dict[Handling, str] = {
    Handling.HANDLING: "办理中",
    Handling.STAGE_CLOSED: "阶段性办结",
    Handling.CLOSED: "已办结",
}
HANDLING_ALIASES: dict[str, Handling] = {
    "open": Handling.HANDLING,
    "in_progress": Handling.HANDLING,
    "正在办理": Handling.HANDLING,
    "stage": Handling.STAGE_CLOSED,
    "stage_close": Handling.STAGE_CLOSED,
    "阶段办结": Handling.STAGE_CLOSED,
    "办结": Handling.CLOSED,
    "done": Handling.CLOSED,
}
# `--status` groups for petitions, as `pending` is for tasks.
HANDLING_GROUPS: dict[str, frozenset[Handling]] = {
    "pending": frozenset({Handling.HANDLING}),
    "未办结": frozenset({Handling.HANDLING}),
    "completed": frozenset({Handling.STAGE_CLOSED, Handling.CLOSED}),
    "办结或阶段性办结": frozenset({Handling.STAGE_CLOSED, Handling.CLOSED}),
}
