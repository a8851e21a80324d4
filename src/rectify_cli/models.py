"""The ledger files' schema: Pydantic models with no I/O, which validate what is read.

Field names here are the TOML keys users type, so they are part of the file format
(documented in the README) and of the `--format json` contract.  A loaded ledger is handed
to the rest of rectify as records (records.py), built from these models once validated.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .i18n import say
from .kinds import (
    LEDGER_VERSION,
    MAX_TITLE,
    STATUS_ALIASES,
    Better,
    Bound,
    Category,
    ChangeUnit,
    Finding,
    Handling,
    Status,
)

NonEmpty = Annotated[str, Field(min_length=1)]
# Strict: a TOML value of the wrong type is refused, never converted.  Lax Pydantic would
# read `progress = true` as 1 and `deadline = "2026-06-30"` as a date, so a typing slip
# would pass `check` unseen.  TOML gives these as Python int, float, bool and date (tomllib,
# rtoml and tomlkit alike; an int is taken where a number with a point is wanted).
Int = Annotated[int, Field(strict=True)]
Number = Annotated[float, Field(strict=True)]
Day = Annotated[dt.date, Field(strict=True)]
Flag = Annotated[bool, Field(strict=True)]


class _Strict(BaseModel):
    """Unknown keys are typing mistakes in a hand-edited file, never data to drop."""

    # defer_build: a model's validator is built when it first validates, not at import, so
    # `--help` and a cached load (cache.py) never pay the ~100 ms of building them all.
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, frozen=False, defer_build=True
    )


def _parse_status(value: Any) -> Any:
    if isinstance(value, str):
        # The exact key or label (nearly every value in a file) needs no normalising.
        return STATUS_ALIASES.get(value) or Status.parse(value)
    return value


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError(
            say("must be a finite number, not nan or inf", "应为有限的数，不能是 nan 或 inf")
        )
    return value


def _keep_int(value: Any, handler: Any) -> Any:
    """A number written without a point stays an int: reports print `30` as written, `15.0`
    as written, and a float cannot tell them apart."""
    out = handler(value)
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(out, float):
        return int(out)
    return out


class LedgerMeta(_Strict):
    version: Int = LEDGER_VERSION
    title: NonEmpty
    name: str | None = None  # short name for roll-ups; defaults to the folder name
    source: str | None = None  # the inspection or notice the plan answers
    issued_by: str | None = None  # the office that keeps the ledger
    inspection_group: str | None = None  # who fed the problems back
    feedback_date: Day | None = None
    as_of: Day | None = None  # the date the recorded data is current to
    lang: Literal["zh", "en"] = "zh"
    tolerance: Annotated[Number, Field(ge=0, le=100)] = 10.0
    stale_days: Annotated[Int, Field(ge=1)] = 30
    headline_prefix: str | None = None  # e.g. 第三轮省级生态环境保护督察反馈的

    @field_validator("version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > LEDGER_VERSION:
            raise ValueError(
                say(
                    "ledger version {v} is newer than this rectify understands ({known}); "
                    "upgrade rectify",
                    "台账版本 {v} 比本 rectify 支持的版本（{known}）新；请升级 rectify",
                    v=v,
                    known=LEDGER_VERSION,
                )
            )
        if v < 1:
            raise ValueError(say("must be 1 or more", "应不小于 1"))
        return v


class Aspect(_Strict):
    id: NonEmpty
    name: NonEmpty


class LogEntry(_Strict):
    date: Day
    # What kind of entry, when it is more than a change: "postponed" (延期) marks the moving
    # of a deadline later, with its reason in `note` (`rectify postpone`); "added" (新增) the
    # entry that put the task in the ledger (`rectify add`: kinds.ADDED).
    kind: Literal["postponed", "added"] | None = None
    status: Status | None = None
    progress: Annotated[Int, Field(ge=0, le=100)] | None = None
    note: str = ""
    by: str | None = None
    changes: list[str] = Field(default_factory=list)  # "field: old → new", written by update

    _status = field_validator("status", mode="before")(_parse_status)


class Task(_Strict):
    id: Annotated[str, Field(min_length=1, pattern=r"^[^\s/\\:]+$")]
    aspect: NonEmpty
    # A title names the task in one line of a table; paragraphs belong in measures or notes.
    title: Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
    measures: list[str] = Field(default_factory=list)
    lead: NonEmpty
    partners: list[str] = Field(default_factory=list)
    leader: str | None = None  # 责任领导: the leader in charge
    owner: str | None = None  # 责任人: the person who answers for it
    phone: str | None = None  # 联系电话: how to reach the owner
    start: Day | None = None  # missing: the ledger's feedback date
    deadline: Day | None = None
    ongoing: Flag = False  # 长期坚持: no deadline, never overdue
    status: Status = Status.NOT_STARTED
    merged_into: str | None = None  # the task a merged (已合并) task was folded into
    progress: Annotated[Int, Field(ge=0, le=100)] | None = None  # missing: not reported
    completed_on: Day | None = None
    evidence: list[str] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)
    notes: str = ""
    log: list[LogEntry] = Field(default_factory=list)

    _status = field_validator("status", mode="before")(_parse_status)

    @model_validator(mode="after")
    def _deadline_or_ongoing(self) -> Task:
        if self.deadline is None and not self.ongoing and self.status.is_open:
            raise ValueError(
                say(
                    "an open task needs a deadline or ongoing = true",
                    "未完成的任务需要 deadline（整改时限）或 ongoing = true（长期坚持）",
                )
            )
        if self.deadline is not None and self.ongoing:
            raise ValueError(
                say(
                    "a task has a deadline or ongoing = true, not both",
                    "任务只能有 deadline（整改时限）或 ongoing = true（长期坚持）之一，不能两者都有",
                )
            )
        return self


class Reading(_Strict):
    """An earlier value of an indicator, kept when a new one is recorded."""

    value: Number
    period: str
    recorded: Day | None = None
    note: str = ""

    _finite = field_validator("value")(_finite)
    _int = field_validator("value", mode="wrap")(_keep_int)


class Indicator(_Strict):
    id: Annotated[str, Field(min_length=1, pattern=r"^[^\s/\\:]+$")]
    name: NonEmpty
    name_en: str | None = None
    group: str | None = None  # air, water, waste, ... for grouping in reports
    unit: str = ""
    better: Better
    value: Number | None = None
    value_bound: Bound | None = None  # "above 30%" / "below 65%" as published
    # Digits after the point the value is published with, where TOML cannot keep them
    # (5.6360 reads as 5.636); missing: as written.
    decimals: Annotated[Int, Field(ge=0, le=12)] | None = None
    period: str | None = None
    # The day the current value was recorded (`rectify record` sets it); `rectify changes`
    # reports only readings whose date proves they were recorded in its window.
    recorded: Day | None = None
    baseline: Number | None = None
    baseline_bound: Bound | None = None
    baseline_period: str | None = None
    target: Number | None = None
    change: Number | None = None  # signed: the direction the value moved
    change_unit: ChangeUnit = ChangeUnit.PERCENT
    change_bound: Bound | None = None
    change_basis: str | None = None  # what the change compares with; missing: year on year
    rank: Annotated[Int, Field(ge=1)] | None = None
    change_rank: Annotated[Int, Field(ge=1)] | None = None
    rank_note: str | None = None
    note: str = ""
    history: list[Reading] = Field(default_factory=list)

    _finite = field_validator("value", "baseline", "target", "change")(_finite)
    _int = field_validator("value", "baseline", "target", "change", mode="wrap")(_keep_int)


class TaskFile(_Strict):
    ledger: LedgerMeta
    aspects: list[Aspect] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)


class IndicatorFile(_Strict):
    version: Int = LEDGER_VERSION
    indicators: list[Indicator] = Field(default_factory=list)


# --------------------------------------------------------------------------- petitions
# Petition cases (信访件) handed over to the office, in an optional `petitions.toml` beside
# the tasks: itemised cases, or only the counts where an office has nothing more (as the
# source notice does).


def _parse_with(parse: Any) -> Any:
    def validator(value: Any) -> Any:
        return parse(value) if isinstance(value, str) else value

    return validator


def _batch_text(value: Any) -> Any:
    """`batch = 3` and `batch = "第3批"` are both how offices number handed-over batches."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class PetitionLogEntry(_Strict):
    date: Day
    kind: Literal["added"] | None = None  # the entry that added the case (`petition add`)
    status: Handling | None = None
    note: str = ""
    by: str | None = None
    changes: list[str] = Field(default_factory=list)  # "field: old → new"

    _status = field_validator("status", mode="before")(_parse_with(Handling.parse))


class Petition(_Strict):
    id: Annotated[str, Field(min_length=1, pattern=r"^[^\s/\\:]+$")]
    title: Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]  # 信访内容, one line
    received: Day  # the day the case was handed over (交办日期)
    batch: str | None = None  # 交办批次
    area: str | None = None  # 属地: the county or district it concerns
    category: Category
    finding: Finding | None = None  # missing: not yet investigated
    status: Handling = Handling.HANDLING
    deadline: Day | None = None  # 办理时限
    closed_on: Day | None = None  # 办结日期
    lead: str | None = None  # 责任单位
    notes: str = ""
    log: list[PetitionLogEntry] = Field(default_factory=list)

    _category = field_validator("category", mode="before")(_parse_with(Category.parse))
    _finding = field_validator("finding", mode="before")(_parse_with(Finding.parse))
    _status = field_validator("status", mode="before")(_parse_with(Handling.parse))
    _batch = field_validator("batch", mode="before")(_batch_text)

    @model_validator(mode="after")
    def _dates(self) -> Petition:
        if self.closed_on is not None and self.status.is_open:
            raise ValueError(
                say(
                    "closed_on: a case still being handled (办理中) has no closing date",
                    "closed_on（办结日期）：办理中的信访件没有办结日期",
                )
            )
        if self.closed_on is not None and self.closed_on < self.received:
            raise ValueError(
                say(
                    "closed_on: {day} is before the case was received {received}",
                    "closed_on（办结日期）：{day} 早于受理日期 {received}",
                    day=self.closed_on,
                    received=self.received,
                )
            )
        if self.deadline is not None and self.deadline < self.received:
            raise ValueError(
                say(
                    "deadline: {day} is before the case was received {received}",
                    "deadline（办理时限）：{day} 早于受理日期 {received}",
                    day=self.deadline,
                    received=self.received,
                )
            )
        return self


NonNegative = Annotated[Int, Field(ge=0)]


class PetitionSummary(_Strict):
    """Counts only, for an office that publishes nothing more.  `closed_or_stage_closed`
    records "all closed or stage-closed" (全部办结或阶段性办结) without inventing the split."""

    total: NonNegative
    closed: NonNegative | None = None
    stage_closed: NonNegative | None = None
    closed_or_stage_closed: NonNegative | None = None
    handling: NonNegative | None = None
    as_of: Day | None = None
    source: str | None = None  # where the figures come from

    @model_validator(mode="after")
    def _adds_up(self) -> PetitionSummary:
        split = None
        if self.closed is not None and self.stage_closed is not None:
            split = self.closed + self.stage_closed
            if self.closed_or_stage_closed is not None and self.closed_or_stage_closed != split:
                raise ValueError(
                    say(
                        "closed_or_stage_closed: {both} is not closed + stage_closed "
                        "({closed} + {stage} = {split})",
                        "closed_or_stage_closed（办结或阶段性办结）：{both} 不等于 closed + "
                        "stage_closed（{closed} + {stage} = {split}）",
                        both=self.closed_or_stage_closed,
                        closed=self.closed,
                        stage=self.stage_closed,
                        split=split,
                    )
                )
        done = self.closed_or_stage_closed if split is None else split
        parts = [n for n in (self.closed, self.stage_closed, self.handling) if n is not None]
        if done is not None and self.handling is not None:
            if done + self.handling != self.total:
                raise ValueError(
                    say(
                        "total: {total}, but closed or stage-closed ({done}) and handling "
                        "({handling}) add up to {sum}",
                        "total（总数）：{total}，但办结或阶段性办结（{done}）与办理中（{handling}）"
                        "合计为 {sum}",
                        total=self.total,
                        done=done,
                        handling=self.handling,
                        sum=done + self.handling,
                    )
                )
        elif max(done or 0, sum(parts)) > self.total:
            raise ValueError(
                say(
                    "total: {total} is less than the cases counted in it",
                    "total（总数）：{total} 小于其中已计入的件数",
                    total=self.total,
                )
            )
        return self


class PetitionFile(_Strict):
    version: Int = LEDGER_VERSION
    headline_prefix: str | None = None  # e.g. 省交办的: opens the report's Chinese sentence
    summary: PetitionSummary | None = None
    petitions: list[Petition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_kind(self) -> PetitionFile:
        if self.summary is not None and self.petitions:
            raise ValueError(
                say(
                    "give either [summary] (counts only) or [[petitions]] (each case), not both",
                    "[summary]（只填件数）和 [[petitions]]（逐件列出）只能选一种，不能同时使用",
                )
            )
        return self


class RollupSettings(_Strict):
    """A roll-up's own `[rollup]` table (`rollup.py`'s `rollup.toml`, beside the ledgers)."""

    # The office that sends the roll-up's documents and notices (the city's, over its
    # counties' ledgers): signed at their head and foot instead of each ledger's own.
    issued_by: NonEmpty | None = None

    @field_validator("issued_by")
    @classmethod
    def _no_controls(cls, v: str | None) -> str | None:
        from .controls import control_problem

        why = control_problem(v)
        if why is not None:
            raise ValueError(why)
        return v


class RollupFile(_Strict):
    version: Int = LEDGER_VERSION
    rollup: RollupSettings = Field(default_factory=RollupSettings)
