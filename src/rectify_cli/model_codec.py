"""The model codec of the cache: a Pydantic model (a petitions.toml) as plain tuples that
marshal keeps exactly, and back, without validating again.

Each model becomes its field values in field order, followed by a bit mask of the fields
that were set in the file (pydantic's `model_fields_set`, which decides what
`exclude_unset` dumps).  Dates become day numbers, enums their values, nested models tuples;
everything else must already be plain data that marshal keeps exactly.  The day numbers
(`day_number`, `Dates`) are the ledger codec's too (cache.py).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

if typing.TYPE_CHECKING:
    from pydantic import BaseModel


class Dates(dict[int | None, dt.date | None]):
    """Day number → date, each date built once (a ledger has a few hundred distinct days)."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, key: int | None) -> dt.date:
        if type(key) is not int:
            raise TypeError("a date must be a day number")
        value = self[key] = dt.date.fromordinal(key)
        return value


def day_number(d: dt.date | None) -> int | None:
    return None if d is None else d.toordinal()


_DATE, _ENUM, _MODEL, _MODELS, _PLAIN = range(5)


def _unwrap(annotation: Any) -> list[Any]:
    """The types a field can hold, with Optional, Annotated and unions taken apart."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(annotation) for t in _unwrap(a)]
    return [annotation]


class _Codec:
    """Encoding and decoding of one model class, built from its fields once."""

    def __init__(self, cls: type[BaseModel], codecs: dict[type[BaseModel], _Codec]) -> None:
        from pydantic import BaseModel

        if cls.__private_attributes__ or cls.model_config.get("extra") == "allow":
            raise TypeError(f"{cls.__name__}: private attributes or extras are not cached")
        codecs[cls] = self
        self.cls = cls
        self.names = tuple(cls.model_fields)
        self.bits = {name: 1 << i for i, name in enumerate(self.names)}
        self.kinds: list[tuple[int, str, Any]] = []
        for name, info in cls.model_fields.items():
            kinds = [t for t in _unwrap(info.annotation) if t is not type(None)]
            kind: tuple[int, str, Any] = (_PLAIN, name, None)
            if len(kinds) == 1:
                only = kinds[0]
                if only is dt.date:
                    kind = (_DATE, name, None)
                elif isinstance(only, type) and issubclass(only, enum.Enum):
                    kind = (_ENUM, name, {m.value: m for m in only})
                elif isinstance(only, type) and issubclass(only, BaseModel):
                    kind = (_MODEL, name, codecs.get(only) or _Codec(only, codecs))
                elif typing.get_origin(only) is list:
                    (item,) = typing.get_args(only)
                    if isinstance(item, type) and issubclass(item, BaseModel):
                        kind = (_MODELS, name, codecs.get(item) or _Codec(item, codecs))
            if kind[0] != _PLAIN:
                self.kinds.append(kind)
        self.kind_of = {name: (kind, arg) for kind, name, arg in self.kinds}
        self._sets: dict[int, frozenset[str]] = {}

    def encode(self, obj: BaseModel, strings: dict[str, str]) -> tuple[Any, ...]:
        """(values in the object's own order, fields-set mask); equal strings shared
        (department names repeat thousands of times), lists copied."""
        if type(obj) is not self.cls:
            raise TypeError(f"expected {self.cls.__name__}, got {type(obj).__name__}")
        share, kind_of = strings.setdefault, self.kind_of
        values = {}
        for name, v in obj.__dict__.items():
            special = kind_of.get(name)
            if special is None:
                if type(v) is str:
                    v = share(v, v)
                elif type(v) is list:
                    v = [share(x, x) if type(x) is str else x for x in v]
            elif v is not None:
                kind, arg = special
                if kind == _DATE:
                    if type(v) is not dt.date:
                        raise TypeError(f"{name}: not a date")
                    v = v.toordinal()
                elif kind == _ENUM:
                    v = v.value
                elif kind == _MODEL:
                    v = arg.encode(v, strings)
                else:
                    v = [arg.encode(x, strings) for x in v]
            values[name] = v
        mask = 0
        for name in obj.__pydantic_fields_set__:
            mask |= self.bits[name]
        return (values, mask)

    def decoder(self, dates: Dates) -> Callable[[Sequence[Any]], BaseModel]:
        """A function from an encoded tuple to the model, with everything bound locally."""
        cls, names, kinds, sets = self.cls, self.names, self.kinds, self._sets
        subs = {name: arg.decoder(dates) for kind, name, arg in kinds if kind in (_MODEL, _MODELS)}
        new, setattr_ = object.__new__, object.__setattr__

        def decode(t: Sequence[Any]) -> BaseModel:
            values, mask = t
            if len(values) != len(names):
                raise ValueError("wrong number of fields")
            for kind, name, arg in kinds:
                v = values[name]
                if v is None:
                    continue
                if kind == _DATE:
                    values[name] = dates[v]
                elif kind == _ENUM:
                    values[name] = arg[v]
                elif kind == _MODEL:
                    values[name] = subs[name](v)
                else:
                    sub = subs[name]
                    values[name] = [sub(x) for x in v]
            fields_set = sets.get(mask)
            if fields_set is None:
                fields_set = sets[mask] = frozenset(
                    name for i, name in enumerate(names) if mask >> i & 1
                )
            # What pydantic's own model_construct and __setstate__ set; model_construct
            # itself is ~100x slower here (it inspects default factories on every call).
            obj = new(cls)
            setattr_(obj, "__dict__", values)
            setattr_(obj, "__pydantic_fields_set__", set(fields_set))
            setattr_(obj, "__pydantic_extra__", None)
            setattr_(obj, "__pydantic_private__", None)
            return obj

        return decode


_CODECS: dict[type[BaseModel], _Codec] = {}


def codec(cls: type[BaseModel]) -> _Codec:
    return _CODECS.get(cls) or _Codec(cls, _CODECS)


def slots_ok() -> bool:
    """The fast decoder sets pydantic's four instance slots; refuse if pydantic changed."""
    from pydantic import BaseModel

    expected = {"__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"}
    return expected <= set(getattr(BaseModel, "__slots__", ()))
