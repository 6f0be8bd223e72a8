"""The one canonical encoding of every byte string this project signs or hashes (issue 16).

Receipts, request hashes, signed-log entries, dispute evidence, access lists and contract state
are all produced by `canonical_json` here, and nowhere else, so the bytes a signer signs and the
bytes a verifier (a node, the Controller, a fisherman) recomputes cannot differ.

The rule, in full:
- a JSON value; object keys sorted by code point, separators "," and ":" with no spaces;
- ASCII only: every non-ASCII character is written as a `\\uXXXX` escape (UTF-16 surrogate pairs
  above U+FFFF, as JSON requires); so a value with non-ASCII text has exactly one encoding, and
  a lone surrogate (which UTF-8 cannot carry) still encodes deterministically instead of failing;
- no floats, NaN or infinities (rounding differs across languages); integers within ±(2^53-1)
  where a value crosses a language boundary (`check_portable`);
- bytes are never JSON values: callers write them as lowercase hex (`hex_field` reads them back).

`parse_strict` is the reading side: duplicate keys, floats and non-standard constants are refused,
so a parsed value re-encodes to the bytes that were signed. Pure: no I/O, no imports from `hot`
but `hot.wire.errors`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hot.wire.errors import EncodingError, HotError

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 32

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON value (the module docstring gives the rule).

    Raises EncodingError for a value JSON cannot hold (bytes, sets, floats that are NaN).
    """
    try:
        return _ENCODER.encode(value).encode("ascii")
    except (TypeError, ValueError, RecursionError) as exc:
        raise EncodingError(f"value has no canonical JSON encoding: {exc}") from exc


def canonical_text(value: Any) -> str:
    """`canonical_json` as text (it is ASCII, so the two are the same characters)."""
    return canonical_json(value).decode("ascii")


def check_portable(value: Any, depth: int = 0, *, error: type[HotError] = EncodingError) -> None:
    """Refuse what has no canonical JSON across languages: floats, big integers, deep nesting.

    Signed values (log bodies, evidence) are checked with this before they are hashed, so a
    verifier in another language computes the same bytes.
    """
    if depth > MAX_DEPTH:
        raise error(f"value nests deeper than {MAX_DEPTH}")
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise error("integers must be within ±(2^53-1); encode larger ones as strings")
        return
    if isinstance(value, list):
        for item in value:
            check_portable(item, depth + 1, error=error)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise error("object keys must be strings")
            check_portable(item, depth + 1, error=error)
        return
    raise error(f"{type(value).__name__} has no canonical JSON (floats and bytes are not allowed)")


def parse_strict(raw: bytes | str, *, error: type[HotError] = EncodingError) -> Any:
    """Parse JSON refusing duplicate keys, floats and NaN/Infinity (the inverse of `canonical_json`)."""
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates(error), parse_float=_refuse(error),
                          parse_constant=_refuse(error))
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, EncodingError):
            raise
        raise error(f"not JSON: {exc}") from exc


def is_canonical(raw: bytes | str, value: Any) -> bool:
    """True when `raw` is exactly the canonical encoding of `value` (ignoring one trailing newline)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    return data.rstrip(b"\n") == canonical_json(value)


def hex_field(value: Any, size: int | None, name: str, *, error: type[HotError] = EncodingError) -> bytes:
    """Lowercase hex of exactly `size` bytes (any length when None); anything else raises `error`."""
    if isinstance(value, str):
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raw = None
        if raw is not None and raw.hex() == value and (size is None or len(raw) == size):
            return raw
    raise error(f"{name} must be {'' if size is None else f'{size} bytes of '}lowercase hex")


def _no_duplicates(error: type[HotError]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise error(f"duplicate key {key!r}")
            result[key] = value
        return result
    return hook


def _refuse(error: type[HotError]) -> Callable[[str], Any]:
    def hook(text: str) -> Any:
        raise error(f"non-integer number {text} (floats have no canonical encoding)")
    return hook
