"""Canonical JSON codecs: deterministic bytes, exact round trips, typed refusals."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hot.sdk.contract import ContractPanic, canonical_json, codec_for, contract, view
from hot.wire.errors import split_code
from hypothesis import given
from hypothesis import strategies as st


@dataclasses.dataclass(frozen=True)
class Member:
    name: str
    weight: int
    key: bytes
    tags: list[str]
    parent: str | None = None


members = st.builds(Member, st.text(), st.integers(), st.binary(max_size=64), st.lists(st.text(), max_size=4),
                    st.none() | st.text())
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=20)


@given(members)
def test_dataclass_round_trip(member: Member) -> None:
    codec = codec_for(Member)
    assert codec.from_bytes(codec.to_bytes(member)) == member


@given(st.dictionaries(st.text(), st.lists(st.integers()), max_size=5))
def test_generic_round_trip(value: dict[str, list[int]]) -> None:
    codec = codec_for(dict[str, list[int]])
    assert codec.from_bytes(codec.to_bytes(value)) == value


@given(json_values)
def test_canonical_json_is_order_independent(value: Any) -> None:
    if isinstance(value, dict):
        reordered = dict(reversed(list(value.items())))
        assert canonical_json(reordered) == canonical_json(value)
    assert b"\x00" not in canonical_json(value) and b"\x01" not in canonical_json(value)


@pytest.mark.parametrize("tp, bad", [(int, "1"), (int, True), (str, 1), (bytes, "zz"), (bool, 0), (list[int], ["a"]),
                                     (Member, {"name": "x"}), (Member, {"bogus": 1})])
def test_wrong_types_are_refused(tp: Any, bad: Any) -> None:
    with pytest.raises(ContractPanic):
        codec_for(tp).decode(bad)


def test_floats_are_not_contract_types() -> None:
    with pytest.raises(TypeError):
        codec_for(float)


def test_split_code() -> None:
    assert split_code("E_NOT_OWNER: only the owner") == ("E_NOT_OWNER", "only the owner")
    assert split_code("something went wrong") == ("E_PANIC", "something went wrong")
    assert split_code("Weird: thing") == ("E_PANIC", "Weird: thing")


def test_contract_methods_need_annotations() -> None:
    with pytest.raises(TypeError, match="annotation"):
        @contract
        class Bad:
            @view
            def f(self, x) -> int:  # type: ignore[no-untyped-def]
                return 1
