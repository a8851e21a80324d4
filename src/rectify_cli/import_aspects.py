"""Which aspect an imported row belongs to: an id or a name the ledger knows, a new one the
sheet names (numbered A1, A2, …), or --aspect; import adds aspects but never renames one."""

from __future__ import annotations

import re

from .cells import CellError
from .errors import UsageError, did_you_mean
from .i18n import joined, say
from .records import Ledger


def aspect_resolver(ledger: Ledger, default: str | None) -> tuple[dict[str, str], dict[str, str]]:
    by_id = {a.id: a.name for a in ledger.aspects}
    by_name = {a.name: a.id for a in ledger.aspects}
    if default is not None and default not in by_id:
        if default in by_name:
            return by_id, by_name
        known = list(by_id)
        hint = did_you_mean(default, known) or (
            say("; known aspects: {known}", "；已有方面：{known}", known=joined(known))
            if known
            else say("; the ledger has no aspects yet", "；台账还没有问题方面")
        )
        raise UsageError(
            say(
                "--aspect: no aspect {aspect!r} in the ledger{hint}",
                "--aspect：台账中没有问题方面 {aspect!r}{hint}",
                aspect=default,
                hint=hint,
            )
        )
    return by_id, by_name


def aspect_counter(by_id: dict[str, str]) -> list[int]:
    numbers = [int(m.group(1)) for a in by_id if (m := re.fullmatch(r"A(\d+)", a))]
    return [max(numbers, default=0)]


def resolve_aspect(
    aspect_id: str | None,
    aspect_name: str | None,
    by_id: dict[str, str],
    by_name: dict[str, str],
    new: dict[str, str],
    counter: list[int],
) -> str | None:
    new_by_name = {n: i for i, n in new.items()}
    for value in (aspect_id, aspect_name):
        if value is None:
            continue
        if value in by_id or value in new:
            known_name = by_id.get(value) or new.get(value)
            if value == aspect_id and aspect_name is not None and known_name != aspect_name:
                # import adds aspects but never renames one: that is a hand edit.
                raise CellError(
                    say(
                        "aspect {id} is named {known!r}, not {name!r}",
                        "问题方面 {id} 的名称是 {known!r}，不是 {name!r}",
                        id=value,
                        known=known_name,
                        name=aspect_name,
                    )
                )
            return value
        if value in by_name:
            return by_name[value]
        if value in new_by_name:
            return new_by_name[value]
    if aspect_id is not None and aspect_name is not None:
        if not re.fullmatch(r"[^\s/\\:]+", aspect_id):
            raise CellError(
                say(
                    '"{id}" is not a usable id: no spaces, slashes or colons',
                    "“{id}”不能用作编号：不能含空格、斜杠或冒号",
                    id=aspect_id,
                )
            )
        new[aspect_id] = aspect_name
        return aspect_id
    if aspect_name is not None:
        close = did_you_mean(aspect_name, list(by_name))
        if close:  # a typo of a known aspect, not a new one
            raise CellError(
                say(
                    "no aspect {name!r}{hint}",
                    "没有问题方面 {name!r}{hint}",
                    name=aspect_name,
                    hint=close,
                )
            )
        counter[0] += 1
        while f"A{counter[0]}" in by_id or f"A{counter[0]}" in new:
            counter[0] += 1
        new[f"A{counter[0]}"] = aspect_name
        return f"A{counter[0]}"
    if aspect_id is not None:
        known = joined([f"{i} {n}" for i, n in by_id.items()]) or say("none yet", "尚无")
        raise CellError(
            say(
                "no aspect {id!r}{hint}; known: {known}",
                "没有问题方面 {id!r}{hint}；已有：{known}",
                id=aspect_id,
                hint=did_you_mean(aspect_id, list(by_id)),
                known=known,
            )
        )
    return None
