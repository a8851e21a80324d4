"""Every label rectify prints, in Chinese and English: the table is labels.py.

Renderers look labels up here and never spell them out, so `--lang en` leaves no Chinese
label behind and a new language is one column.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterable

from . import speech
from .kinds import Status
from .labels import LABELS
from .textfmt import ARROW

# The spoken language lives in speech.py (kinds needs it too); i18n is where callers find it.
Lang = speech.Lang
say = speech.say
speak = speech.speak
spoken = speech.spoken


def label(key: str, lang: Lang = "zh", **fields: object) -> str:
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


@functools.cache  # once per status and language, not once per row
def status_label(status: Status, lang: Lang = "zh") -> str:
    return label(f"status.{status.value}", lang)


LANG_ENV = "RECTIFY_LANG"
_LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def _lang_of(name: str) -> Lang:
    return "zh" if name.strip().lower().startswith("zh") else "en"


@functools.cache
def user_lang() -> Lang:
    """The language of the person at the keyboard, for what is said before or without a
    ledger (`--help`, an error before any ledger is read): RECTIFY_LANG, else the locale
    (on Windows the user's display language, which a Chinese desktop sets and the
    environment does not), else English."""
    chosen = os.environ.get(LANG_ENV, "")
    if chosen.strip():
        return _lang_of(chosen)
    for name in _LOCALE_ENV:
        value = os.environ.get(name, "")
        if value.strip():
            return _lang_of(value)
    if sys.platform == "win32":
        import ctypes
        import locale

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        return _lang_of(locale.windows_locale.get(lcid, ""))
    return "en"


def joined(items: Iterable[str]) -> str:
    """A list as a message lists it: `、` in Chinese, `, ` in English."""
    return say(", ", "、").join(items)


# What an indicator's keys are called in Chinese; a task's keys are its column labels.
_INDICATOR_FIELDS_ZH = {
    "name": "指标名称",
    "name_en": "英文名称",
    "group": "分组",
    "unit": "单位",
    "better": "改善方向",
    "value": "数值",
    "value_bound": "数值界限",
    "decimals": "小数位数",
    "period": "期间",
    "recorded": "记录日期",
    "baseline": "基准值",
    "baseline_bound": "基准值界限",
    "baseline_period": "基准期间",
    "target": "目标",
    "change": "同比变化",
    "change_unit": "变化单位",
    "change_bound": "变化界限",
    "change_basis": "比较基准",
    "rank": "全省排名",
    "change_rank": "改善幅度排名",
    "rank_note": "排名说明",
    "history": "历史读数",
}


def field_zh(key: str) -> str | None:
    """A ledger key's Chinese name, task keys first, or None for a key it does not know."""
    if key in LABELS:
        return LABELS[key][0]
    return _INDICATOR_FIELDS_ZH.get(key)


# What the keys of the [ledger] table are called in Chinese (its `title` is not a task's).
_LEDGER_FIELDS_ZH = {
    "title": "台账标题",
    "name": "台账简称",
    "source": "整改方案",
    "issued_by": "编制单位",
    "inspection_group": "督察组",
    "headline_prefix": "标题前缀",
    "feedback_date": "反馈日期",
    "as_of": "数据截止日期",
}


def field_name(key: str, *, ledger_table: bool = False, petition: bool = False) -> str:
    """A ledger key as a message names it: the key itself, which is what the file says, and
    in Chinese its label beside it (`deadline（整改时限）`); `ledger_table` for the keys of
    the [ledger] table, `petition` for a petition case's (its `lead` is 责任单位, not a
    task's 牵头单位)."""
    if spoken() != "zh":
        return key
    if ledger_table:
        zh = _LEDGER_FIELDS_ZH.get(key)
    elif petition and f"pet.{key}" in LABELS:
        zh = LABELS[f"pet.{key}"][0]
    else:
        zh = field_zh(key)
    return f"{key}（{zh}）" if zh else key


def status_word(status: Status) -> str:
    """A status as a message names it: the stable key in English, the label in Chinese."""
    return status_label(status, "zh") if spoken() == "zh" else status.value


_CHANGE_RE = re.compile(r"(?P<key>[a-z_]+): (?P<rest>.*)", re.S)
_STATUS_VALUES = {s.value: s for s in Status}


def change_text(line: str, lang: Lang | None = None) -> str:
    """A change as stored in the log (`status: not_started → in_progress`, stable keys and
    values a script can read) as a person reads it in `lang` (the spoken language unless
    given): in Chinese `状态：未启动 → 推进中`.  Lines of another shape are shown as written."""
    found = _CHANGE_RE.fullmatch(line)
    if (lang or spoken()) != "zh" or found is None:
        return line
    key, rest = found["key"], found["rest"]
    name = field_zh(key)
    if name is None:
        return line
    if key == "status":
        rest = ARROW.join(
            status_label(_STATUS_VALUES[v], "zh") if v in _STATUS_VALUES else v
            for v in rest.split(ARROW)
        )
    return f"{name}：{rest}"
