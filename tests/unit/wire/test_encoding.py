"""hot.wire.encoding: the one canonical JSON every signed byte string comes from (issue 16)."""

from __future__ import annotations

import json

import pytest
from hot.wire.encoding import canonical_json, check_portable, hex_field, is_canonical, parse_strict
from hot.wire.errors import EncodingError, LogEntryInvalid
from hypothesis import given
from hypothesis import strategies as st

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def test_non_ascii_has_exactly_one_encoding_its_escape() -> None:
    # The receipt bug of issue 16: one side wrote UTF-8, the other \u escapes.
    assert canonical_json({"gatekeeper_id": "gk-ü-東京"}) == b'{"gatekeeper_id":"gk-\\u00fc-\\u6771\\u4eac"}'
    assert canonical_json("😀") == b'"\\ud83d\\ude00"'  # above U+FFFF: a surrogate pair, as JSON requires


def test_a_lone_surrogate_encodes_instead_of_failing() -> None:
    assert canonical_json("\ud800") == b'"\\ud800"'


def test_keys_sorted_no_whitespace() -> None:
    assert canonical_json({"b": [1, {"d": None, "c": True}], "a": ""}) == b'{"a":"","b":[1,{"c":true,"d":null}]}'


@pytest.mark.parametrize("value", [float("nan"), float("inf"), b"bytes", {1, 2}, object()])
def test_values_without_canonical_json_are_refused(value: object) -> None:
    with pytest.raises(EncodingError):
        canonical_json(value)


@given(JSON)
def test_parse_strict_inverts_canonical_json(value: object) -> None:
    raw = canonical_json(value)
    assert raw.isascii()
    assert parse_strict(raw) == value
    assert is_canonical(raw, parse_strict(raw))
    assert raw == json.dumps(value, sort_keys=True, separators=(",", ":")).encode()  # the stdlib agrees


@pytest.mark.parametrize("raw", [b'{"a":1,"a":2}', b'{"a":1.5}', b"[NaN]", b"[Infinity]", b"{", b""])
def test_parse_strict_refuses_what_has_two_readings(raw: bytes) -> None:
    with pytest.raises(EncodingError):
        parse_strict(raw)


def test_errors_take_the_callers_type() -> None:
    with pytest.raises(LogEntryInvalid):
        parse_strict(b'{"x":1,"x":1}', error=LogEntryInvalid)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [1.0, 2**53, -(2**53), {1: 2}])
def test_check_portable_refuses_what_other_languages_read_differently(value: object) -> None:
    check_portable([[{"n": 2**53 - 1}]])
    with pytest.raises(EncodingError):
        check_portable(value)


def test_check_portable_bounds_depth() -> None:
    deep: list[object] = []
    for _ in range(40):
        deep = [deep]
    with pytest.raises(EncodingError, match="deeper"):
        check_portable(deep)


@pytest.mark.parametrize(("value", "size", "ok"), [
    ("00ff", 2, True), ("00FF", 2, False), ("00 ff", 2, False), ("0", None, False), ("", None, True),
    ("00ff", 3, False), (None, 2, False), ("zz", 1, False),
])
def test_hex_field_is_lowercase_and_sized(value: object, size: int | None, ok: bool) -> None:
    if ok:
        assert hex_field(value, size, "x") == bytes.fromhex(str(value))
    else:
        with pytest.raises(EncodingError, match="x must be"):
            hex_field(value, size, "x")
