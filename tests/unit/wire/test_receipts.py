"""Receipts (whitepaper §3.2.2; docs/node-api.md): one encoding, signed by the gatekeeper, checked by nodes."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from hot.wire.encoding import canonical_json
from hot.wire.errors import BadReceipt, DeadlineExpired
from hot.wire.receipts import (
    GatekeeperReceipt,
    receipt_signing_bytes,
    sign_receipt,
    verify_receipt,
)
from hot.wire.requests import request_hash
from hypothesis import given
from hypothesis import strategies as st
from nacl.signing import SigningKey

KEY = SigningKey(bytes(range(32)))
REGISTRY = {"gk-1": bytes(KEY.verify_key)}
REQUEST = {"key_id": "wallet-1", "domain": "ed25519", "messages": ["aa"], "user_payloads": []}


def test_canonical_json_is_sorted_compact_ascii() -> None:
    assert canonical_json({"b": 1, "a": ["é", None]}) == b'{"a":["\\u00e9",null],"b":1}'


def test_golden_request_hash_and_signing_bytes() -> None:
    expected = hashlib.sha256(b'{"domain":"ed25519","key_id":"wallet-1","messages":["aa"],"user_payloads":[]}').digest()
    assert request_hash(REQUEST) == expected
    body = b'{"deadline_ms":1000,"gatekeeper_id":"gk-1","request_hash":"' + expected.hex().encode() + b'"}'
    assert receipt_signing_bytes("gk-1", expected, 1000) == b"hot-receipt-v1" + hashlib.sha256(body).digest()


def test_a_fresh_receipt_verifies_and_round_trips_json() -> None:
    receipt = sign_receipt(KEY, "gk-1", request_hash(REQUEST), 10_000)
    assert GatekeeperReceipt.from_json(receipt.to_json()) == receipt
    verify_receipt(receipt, REQUEST, REGISTRY, now_ms=10_000)


@pytest.mark.parametrize(
    "change",
    [
        {"gatekeeper_id": "gk-2"},
        {"deadline_ms": 10_001},
        {"request_hash": bytes(32)},
        {"signature": bytes(64)},
    ],
)
def test_any_changed_field_is_a_bad_receipt(change: dict) -> None:
    receipt = dataclasses.replace(sign_receipt(KEY, "gk-1", request_hash(REQUEST), 10_000), **change)
    with pytest.raises(BadReceipt):
        verify_receipt(receipt, REQUEST | {}, REGISTRY | {"gk-2": bytes(SigningKey.generate().verify_key)}, now_ms=0)


def test_receipt_for_another_request_or_unregistered_gatekeeper_is_refused() -> None:
    receipt = sign_receipt(KEY, "gk-1", request_hash(REQUEST), 10_000)
    with pytest.raises(BadReceipt, match="another request"):
        verify_receipt(receipt, {**REQUEST, "messages": ["ab"]}, REGISTRY, now_ms=0)
    with pytest.raises(BadReceipt, match="not registered"):
        verify_receipt(receipt, REQUEST, {}, now_ms=0)


def test_expired_receipt_is_deadline_expired() -> None:
    receipt = sign_receipt(KEY, "gk-1", request_hash(REQUEST), 10_000)
    with pytest.raises(DeadlineExpired):
        verify_receipt(receipt, REQUEST, REGISTRY, now_ms=10_001)


@given(st.one_of(st.none(), st.integers(), st.text(), st.lists(st.integers()), st.dictionaries(st.text(), st.one_of(st.text(), st.integers(), st.booleans()))))
def test_from_json_refuses_garbage_with_a_typed_error(value: object) -> None:
    with pytest.raises(BadReceipt):
        GatekeeperReceipt.from_json(value)


@pytest.mark.parametrize(
    "field, value",
    [("request_hash", "AA" * 32), ("request_hash", "aa" * 31), ("signature", "zz" * 64), ("deadline_ms", -1), ("deadline_ms", True), ("gatekeeper_id", "")],
)
def test_from_json_refuses_each_malformed_field(field: str, value: object) -> None:
    wire = sign_receipt(KEY, "gk-1", request_hash(REQUEST), 10_000).to_json()
    with pytest.raises(BadReceipt):
        GatekeeperReceipt.from_json({**wire, field: value})
