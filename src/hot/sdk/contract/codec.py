"""Canonical JSON codecs for typed contract values (one serialization for storage, args and results).

Why canonical JSON rather than borsh: NEAR contracts already take JSON arguments and return JSON,
so one codec serves storage, arguments and results, and `view_state` output stays readable. The
encoding is the project's one canonical JSON (`hot.wire.encoding`: sorted keys, no whitespace,
ASCII with \\u escapes, no floats) and `bytes` as lowercase hex.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from typing import Any

from hot.wire.errors import ContractCode as E, ContractPanic
from hot.wire.encoding import canonical_json

JsonValue = Any
Encoder = Callable[[Any], JsonValue]
Decoder = Callable[[JsonValue], Any]


def parse_json(raw: bytes) -> JsonValue:
    """Parse JSON bytes; floats are refused so every stored value round-trips exactly."""
    return json.loads(raw.decode("utf-8"), parse_float=_refuse_float, parse_constant=_refuse_float)


def _refuse_float(text: str) -> Any:
    raise ContractPanic(E.BAD_ARGS, f"floats are not allowed in contract values: {text}")


@dataclasses.dataclass(frozen=True)
class Codec:
    """Converts between a typed Python value and its JSON form, checking the type on the way in."""

    type_name: str
    encode: Encoder
    decode: Decoder

    def to_bytes(self, value: Any) -> bytes:
        return canonical_json(self.encode(value))

    def from_bytes(self, raw: bytes) -> Any:
        return self.decode(parse_json(raw))


def _bad(type_name: str, value: Any) -> ContractPanic:
    return ContractPanic(E.BAD_TYPE, f"expected {type_name}, got {type(value).__name__}")


def _scalar(py_type: type, name: str) -> Codec:
    def check(value: Any) -> Any:
        # bool is an int subclass; an int field must not silently accept True.
        if not isinstance(value, py_type) or (py_type is int and isinstance(value, bool)):
            raise _bad(name, value)
        return value

    return Codec(name, check, check)


def _bytes_codec() -> Codec:
    def encode(value: Any) -> str:
        if not isinstance(value, (bytes, bytearray)):
            raise _bad("bytes", value)
        return bytes(value).hex()

    def decode(value: Any) -> bytes:
        if not isinstance(value, str):
            raise _bad("hex string", value)
        try:
            return bytes.fromhex(value)
        except ValueError as exc:
            raise ContractPanic(E.BAD_TYPE, f"not hex: {value[:40]!r}") from exc

    return Codec("bytes", encode, decode)


def _any_codec() -> Codec:
    def check(value: Any) -> Any:
        canonical_json(value)  # raises EncodingError (a ValueError) on non-JSON values
        return value

    def guarded(value: Any) -> Any:
        try:
            return check(value)
        except (TypeError, ValueError) as exc:
            raise ContractPanic(E.BAD_TYPE, f"not a JSON value: {exc}") from exc

    return Codec("json", guarded, guarded)


def _list_codec(item: Codec, name: str, as_tuple: bool = False) -> Codec:
    def encode(value: Any) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise _bad(name, value)
        return [item.encode(v) for v in value]

    def decode(value: Any) -> Any:
        if not isinstance(value, list):
            raise _bad(name, value)
        items = [item.decode(v) for v in value]
        return tuple(items) if as_tuple else items

    return Codec(name, encode, decode)


def _dict_codec(key: Codec, val: Codec, name: str) -> Codec:
    if key.type_name != "str":
        raise TypeError("dict fields need str keys (JSON objects); use Map for other key types")

    def encode(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _bad(name, value)
        return {key.encode(k): val.encode(v) for k, v in value.items()}

    def decode(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _bad(name, value)
        return {key.decode(k): val.decode(v) for k, v in value.items()}

    return Codec(name, encode, decode)


def _optional_codec(inner: Codec) -> Codec:
    def encode(value: Any) -> Any:
        return None if value is None else inner.encode(value)

    def decode(value: Any) -> Any:
        return None if value is None else inner.decode(value)

    return Codec(f"Optional[{inner.type_name}]", encode, decode)


def _dataclass_codec(cls: type) -> Codec:
    hints = typing.get_type_hints(cls)
    fields = {f.name: codec_for(hints[f.name]) for f in dataclasses.fields(cls)}

    def encode(value: Any) -> dict[str, Any]:
        if not isinstance(value, cls):
            raise _bad(cls.__name__, value)
        return {n: c.encode(getattr(value, n)) for n, c in fields.items()}

    def decode(value: Any) -> Any:
        if not isinstance(value, dict) or set(value) - set(fields):
            raise _bad(cls.__name__, value)
        try:
            return cls(**{n: fields[n].decode(v) for n, v in value.items()})
        except TypeError as exc:  # a missing required field
            raise ContractPanic(E.BAD_TYPE, f"{cls.__name__}: {exc}") from exc

    return Codec(cls.__name__, encode, decode)


_SCALARS: dict[Any, Codec] = {
    str: _scalar(str, "str"),
    int: _scalar(int, "int"),
    bool: _scalar(bool, "bool"),
    bytes: _bytes_codec(),
    Any: _any_codec(),
    object: _any_codec(),
}


def codec_for(tp: Any) -> Codec:
    """The codec for a type annotation: str, int, bool, bytes, Any, list[T], tuple[T, ...],
    dict[str, T], Optional[T] and (frozen) dataclasses of those."""
    if tp in _SCALARS:
        return _SCALARS[tp]
    if tp is float:
        raise TypeError("float is not allowed in contract state (non-deterministic rounding); use int")
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType) and type(None) in args and len(args) == 2:
        return _optional_codec(codec_for(next(a for a in args if a is not type(None))))
    if origin is list:
        inner = codec_for(args[0] if args else Any)
        return _list_codec(inner, f"list[{inner.type_name}]")
    if origin is tuple:
        inner = codec_for(args[0] if args else Any)
        return _list_codec(inner, f"tuple[{inner.type_name}, ...]", as_tuple=True)
    if origin is dict:
        key, val = (codec_for(a) for a in (args or (str, Any)))
        return _dict_codec(key, val, f"dict[str, {val.type_name}]")
    if tp is list or tp is dict:
        return codec_for(tp[Any] if tp is list else dict[str, Any])
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_codec(tp)
    raise TypeError(f"unsupported contract value type: {tp!r}")
