"""What is wrong with a ledger's content, in the words its editor uses: Pydantic's errors
turned into `task T07: deadline: ...` (at the key's line), and the cross-references that make
a ledger ambiguous (duplicate ids, unknown aspects)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import Problem, did_you_mean
from .files import display_path, ledger_files
from .i18n import field_name, say
from .locate import SourceMap
from .records import id_key

# Pydantic and the models are imported where an error is worded, never at import.
if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError


@functools.cache
def _models_at() -> dict[tuple[str, ...], type[BaseModel]]:
    """The model of each table, by its path in the file."""
    from . import models as m

    return {
        (): m.TaskFile,
        ("ledger",): m.LedgerMeta,
        ("aspects",): m.Aspect,
        ("tasks",): m.Task,
        ("tasks", "log"): m.LogEntry,
        ("indicators",): m.Indicator,
        ("indicators", "history"): m.Reading,
        ("petitions",): m.Petition,
        ("petitions", "log"): m.PetitionLogEntry,
        ("summary",): m.PetitionSummary,
        ("rollup",): m.RollupSettings,
    }


_TABLE_NOUN: dict[str, Callable[[], str]] = {
    "tasks": lambda: say("task", "任务"),
    "aspects": lambda: say("aspect", "问题方面"),
    "indicators": lambda: say("indicator", "指标"),
    "petitions": lambda: say("petition", "信访件"),
}


def describe_error(err: Any, data: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    """(loc, message) for one Pydantic error, in the words a ledger editor uses."""
    loc: tuple[Any, ...] = tuple(err["loc"])
    kind, value = err["type"], err.get("input")
    fields = tuple(p for p in loc if isinstance(p, str))
    got = _shown(value)
    if kind == "extra_forbidden":
        owner = _models_at().get(fields[:-1])
        names = list(owner.model_fields) if owner else []
        msg = say("unknown key{hint}", "未知的键{hint}", hint=did_you_mean(fields[-1], names))
    elif kind == "missing":
        msg = say("missing (required)", "缺失（必填）")
    elif kind in _STRICT_TYPES and isinstance(value, (str, bool)):
        msg = _wrong_type(kind, fields[-1] if fields else "", value, got)
    elif kind == "int_type" and isinstance(value, float) and not math.isfinite(value):
        msg = say(*_WANTED["finite_number"], got=got)
    elif kind.startswith(("date_", "datetime_")):
        msg = _bad_date(got)
    elif kind in _BOUNDS:
        ctx = err.get("ctx", {})
        en, zh = _BOUNDS[kind]
        msg = say(en, zh, bound=next(iter(ctx.values()), "?"), got=got)
    elif kind == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
    elif kind == "string_pattern_mismatch" and fields and fields[-1] == "id":
        msg = say(
            "{got} is not a usable id: no spaces, slashes or colons",
            "{got} 不能用作编号：不能含空格、斜杠或冒号",
            got=got,
        )
    elif kind == "string_too_short":
        msg = say("must not be empty", "不能为空")
    elif kind == "string_too_long":
        msg = say(
            "is {length} characters long, more than {limit}; put the details in measures or notes",
            "长 {length} 个字符，超过 {limit} 个；详细内容请写在 measures（整改措施）或 "
            "notes（备注）中",
            length=len(value),
            limit=err.get("ctx", {}).get("max_length"),
        )
    elif kind in ("literal_error", "enum"):
        expected = str(err.get("ctx", {}).get("expected", "?"))
        msg = say(
            "must be one of {expected}, got {got}",
            "应为 {listed} 之一，实际为 {got}",
            expected=expected,
            # pydantic lists the choices in English: "'a', 'b' or 'c'"
            listed=expected.replace(" or ", "、").replace(", ", "、"),
            got=got,
        )
    elif kind in _WANTED:
        en, zh = _WANTED[kind]
        msg = say(en, zh, got=got)
    else:
        msg = say(
            "{msg}, got {got}",
            "值无效（{msg}），实际为 {got}",
            msg=str(err["msg"]).rstrip(".").lower(),
            got=got,
        )
    where = _where(loc, data)
    prefix = _owner_prefix(loc)
    path = _field_path(loc[len(prefix) :])
    petition = bool(prefix) and prefix[0] == "petitions"
    field = field_name(path[0], petition=petition) if len(path) == 1 else ".".join(path)
    parts = [p for p in (where, field) if p]
    return loc, say(": ", "：").join([*parts, msg])


_BOUNDS = {
    "greater_than_equal": ("must be at least {bound}, got {got}", "应不小于 {bound}，实际为 {got}"),
    "less_than_equal": ("must be at most {bound}, got {got}", "应不大于 {bound}，实际为 {got}"),
    "greater_than": ("must be more than {bound}, got {got}", "应大于 {bound}，实际为 {got}"),
    "less_than": ("must be less than {bound}, got {got}", "应小于 {bound}，实际为 {got}"),
}
_WHOLE = ("must be a whole number, got {got}", "应为整数，实际为 {got}")
_A_TABLE = ("must be a table, got {got}", "应为一个表，实际为 {got}")
_WANTED = {
    "int_parsing": _WHOLE,
    "int_type": _WHOLE,
    "int_from_float": _WHOLE,
    # nan or 1e400 (inf) where a whole number belongs
    "finite_number": ("must be a finite number, got {got}", "应为有限的数，实际为 {got}"),
    "float_parsing": ("must be a number, got {got}", "应为数字，实际为 {got}"),
    "float_type": ("must be a number, got {got}", "应为数字，实际为 {got}"),
    "bool_parsing": ("must be true or false, got {got}", "应为 true 或 false，实际为 {got}"),
    "bool_type": ("must be true or false, got {got}", "应为 true 或 false，实际为 {got}"),
    "list_type": ("must be a list [...], got {got}", "应为列表 [...]，实际为 {got}"),
    "string_type": (
        'must be text in quotes "...", got {got}',
        '应为加引号的文字 "..."，实际为 {got}',
    ),
    "dict_type": _A_TABLE,
    "model_type": _A_TABLE,
}


# What a strict field (models.py) wants, for a value given as text or as true/false.
_STRICT_TYPES = {
    "int_type": ("a whole number", "整数"),
    "float_type": ("a number", "数字"),
    "date_type": ("a date", "日期"),
    "bool_type": ("true or false", "true 或 false"),
}


def _wrong_type(kind: str, key: str, value: str | bool, got: str) -> str:
    """`progress = "50"`, `progress = true`, `deadline = "2026-06-30"`: the value as TOML
    wants it when the text holds one, else what the field takes."""
    en, zh = _STRICT_TYPES[kind]
    meant = _meant(kind, value) if isinstance(value, str) else None
    if meant is not None:
        return say(
            "must be {what}, got {got}; write {key} = {meant}, without quotes",
            "应为{zh}，实际为 {got}；请写成 {key} = {meant}，不加引号",
            what=en,
            zh=zh,
            got=got,
            key=key,
            meant=meant,
        )
    if kind == "date_type":
        return _bad_date(got)  # "2025-13-01": no such day, quoted or not
    example = {"int_type": "50", "float_type": "30.5"}.get(kind)
    if example is None or not isinstance(value, bool):
        return say("must be {what}, got {got}", "应为{zh}，实际为 {got}", what=en, zh=zh, got=got)
    return say(
        "must be {what}, got {got}; write a number, as {key} = {example}",
        "应为{zh}，实际为 {got}；请填写数字，如 {key} = {example}",
        what=en,
        zh=zh,
        got=got,
        key=key,
        example=example,
    )


def _bad_date(got: str) -> str:
    return say(
        "invalid date {got}; write dates as 2025-09-30",
        "日期 {got} 无效；日期请写成 2025-09-30",
        got=got,
    )


def _meant(kind: str, text: str) -> str | None:
    """The TOML spelling of what `text` says, when it is a value of the field's kind."""
    text = text.strip()
    try:
        if kind == "int_type":
            return str(int(text, 10))
        if kind == "float_type":
            number = float(text)
            return text if math.isfinite(number) else None
        if kind == "date_type":
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None
    if kind == "bool_type" and text.lower() in ("true", "false"):
        return text.lower()
    return None


def _owner_prefix(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(loc) >= 2 and loc[0] in _TABLE_NOUN and isinstance(loc[1], int):
        return loc[:2]
    if loc and loc[0] == "ledger":
        return loc[:1]
    return ()


def _field_path(loc: tuple[Any, ...]) -> list[str]:
    out: list[str] = []
    for p in loc:
        if isinstance(p, int) and out:
            out[-1] += f"[{p}]"
        else:
            out.append(str(p))
    return out


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    prefix = _owner_prefix(loc)
    if len(prefix) == 2:
        table, idx = prefix
        noun = _TABLE_NOUN[table]
        try:
            ident = data[table][idx].get("id")
        except (KeyError, IndexError, AttributeError, TypeError):
            ident = None
        if isinstance(ident, str) and ident:
            return say("{noun} {id}", "{noun} {id}", noun=noun(), id=ident)
        return say("{noun} #{n}", "第{n}个{noun}", noun=noun(), n=idx + 1)
    if prefix == ("ledger",):
        return "[ledger]"
    return ""


def _shown(value: Any) -> str:
    if isinstance(value, bool):  # as TOML spells it, not Python's True
        return "true" if value else "false"
    if isinstance(value, str):
        text = f'"{value}"'
    elif isinstance(value, dt.date):  # a datetime too: show it as the user typed it
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def validation_problems(
    exc: ValidationError, data: dict[str, Any], text: str, shown: str
) -> list[Problem]:
    source = SourceMap(text)
    errors = exc.errors()
    # `leed = ...` is one mistake, not two: drop "lead: missing" when the unknown key next
    # to it is the likely misspelling (its message already says "did you mean lead?").
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            owner = _models_at().get(tuple(p for p in loc[:-1] if isinstance(p, str)))
            hint = did_you_mean(str(loc[-1]), list(owner.model_fields) if owner else [])
            if hint:
                misspelt.add((*loc[:-1], hint.removeprefix("; did you mean ").rstrip("?")))
    problems = []
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in misspelt:
            continue
        loc, msg = describe_error(err, data)
        problems.append(Problem(shown, source.line_of(loc), msg))
    return problems


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


class _InAspect(_Identified, Protocol):
    @property
    def aspect(self) -> str: ...


def integrity_problems(
    root: str,
    aspects: Sequence[_Identified],
    tasks: Sequence[_InAspect],
    indicators: Sequence[_Identified],
) -> list[Problem]:
    """Cross-reference errors that make the ledger ambiguous to every command (of records
    or of models: `rectify update` checks the models it is about to write)."""
    tasks_path, indicators_path = (display_path(p) for p in ledger_files(Path(root)))
    problems: list[Problem] = []
    problems += duplicate_ids(tasks_path, "aspects", [a.id for a in aspects])
    problems += duplicate_ids(tasks_path, "tasks", [t.id for t in tasks])
    problems += duplicate_ids(indicators_path, "indicators", [i.id for i in indicators])
    aspect_ids = [a.id for a in aspects]
    known = set(aspect_ids)
    for i, task in enumerate(tasks):
        if task.aspect not in known:
            hint = did_you_mean(task.aspect, aspect_ids) or say(
                "; add it under [[aspects]]", "；请在 [[aspects]] 下添加"
            )
            problems.append(
                Problem(
                    tasks_path,
                    None,
                    say(
                        "task {id}: aspect: unknown aspect {aspect!r}{hint}",
                        "任务 {id}：aspect（问题方面）：未知的问题方面 {aspect!r}{hint}",
                        id=task.id,
                        aspect=task.aspect,
                        hint=hint,
                    ),
                    loc=("tasks", i, "aspect"),
                )
            )
    return problems


def duplicate_ids(path: str, table: str, ids: Iterable[str]) -> list[Problem]:
    """Each id of `table` used before (id_key: case and width aside), at the id's key."""
    seen: dict[str, tuple[int, str]] = {}
    problems = []
    noun = _TABLE_NOUN[table]()
    for i, ident in enumerate(ids):
        key = id_key(ident)
        if key not in seen:
            seen[key] = (i, ident)
            continue
        first, other = seen[key]
        if other == ident:
            message = say(
                "{noun} {id}: duplicate id (first used by {noun} #{n})",
                "{noun} {id}：编号重复（第{n}个{noun}已使用）",
                noun=noun,
                id=ident,
                n=first + 1,
            )
        else:
            message = say(
                "{noun} {id}: duplicate id: the same as {other} ({noun} #{n}) but for "
                "upper/lower case or full-width characters",
                "{noun} {id}：编号重复：与第{n}个{noun}的 {other} 只有大小写或全角半角之差",
                noun=noun,
                id=ident,
                other=other,
                n=first + 1,
            )
        problems.append(Problem(path, None, message, loc=(table, i, "id")))
    return problems
