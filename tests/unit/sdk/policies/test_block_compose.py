"""Composition: facts next to signatures, wire parsing, and decoding failures as coded refusals."""

from __future__ import annotations

import hashlib

import pytest
from hot.sdk import hostcrypto
from hot.sdk.policies.compose import Fact, all_of, any_of, decode_or_refuse, msg_hash_bytes, policy_holds
from hot.wire.errors import RequestRefused
from hot.sdk.policies.decode import DecodedRequest
from hot.sdk.policies.signatures import Scheme, SignedBy
from hypothesis import given
from hypothesis import strategies as st

from tests.support.evm_tx import RECIPIENT, eip1559, msg_hash
from tests.support.signers import Member, b58, payload, sigs

DEVICE, FACTOR = Member("device", "ed25519", 11), Member("second_factor", "secp256k1", 12)
MSG = hashlib.sha256(b"a transaction").digest()


def device_or_approved(approved: bool):  # type: ignore[no-untyped-def]
    device = SignedBy(Scheme.ED25519, DEVICE.key.public_key, "device")
    factor = SignedBy(Scheme.SECP256K1_ECDSA, FACTOR.key.public_key, "second_factor")
    return any_of(all_of(device, factor), all_of(device, Fact("approved within the limit", approved)))


def test_a_policy_in_words_allows_either_branch_and_denies_otherwise() -> None:
    assert device_or_approved(False).check(MSG, sigs(MSG, DEVICE, FACTOR))  # 2FA branch
    assert device_or_approved(True).check(MSG, sigs(MSG, DEVICE))  # device + recorded approval
    assert not device_or_approved(False).check(MSG, sigs(MSG, DEVICE))
    assert not device_or_approved(True).check(MSG, sigs(MSG, FACTOR))  # the fact alone is not enough


def test_a_fact_is_lazy_and_only_an_exact_true_holds() -> None:
    calls: list[int] = []

    def expensive() -> bool:
        calls.append(1)
        return True

    assert any_of(Fact("first", True), Fact("second", expensive)).check(MSG, {})
    assert calls == []  # any_of stopped at the first member that held
    assert not Fact("truthy is not True", lambda: 1).check(MSG, {})  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize(
    "text", ["", "0OIl", b58(b"\x01" * 31), b58(b"\x01" * 33), None, " " + b58(MSG), b58(MSG) + "\n"]
)
def test_a_msg_hash_that_is_not_32_base58_bytes_is_none(text: str) -> None:
    assert msg_hash_bytes(text) is None
    assert not policy_holds(Fact("always", True), text, "")


def test_policy_holds_reads_the_wire_payload_and_denies_malformed_ones() -> None:
    policy = SignedBy(Scheme.ED25519, DEVICE.key.public_key, "device")
    assert policy_holds(policy, b58(MSG), payload(MSG, DEVICE))
    assert not policy_holds(policy, b58(MSG), payload(MSG, FACTOR))
    assert not policy_holds(policy, b58(MSG), '{"signatures": {"device": "zz"}}')
    assert not policy_holds(Fact("always", True), b58(MSG), "not json")


def test_decoding_failures_are_coded_refusals() -> None:
    good = eip1559(RECIPIENT, 10**17)
    assert decode_or_refuse("evm", good, msg_hash(good)).total() == 10**17
    other = eip1559(RECIPIENT, 10**18)
    cases = [
        (("evm", other, msg_hash(good)), "E_PREIMAGE_MISMATCH"),  # pre-image of another transaction
        (("evm", b"\x02\xff\x00", msg_hash(b"\x02\xff\x00")), "E_MALFORMED_TRANSACTION"),
        (("dogecoin", good, msg_hash(good)), "E_UNSUPPORTED_CHAIN"),
    ]
    for args, code in cases:
        with pytest.raises(RequestRefused) as caught:
            decode_or_refuse(*args)
        assert caught.value.error_code == code


@given(chain=st.sampled_from(["evm", "near", "solana"]), preimage=st.binary(max_size=300))
def test_property_random_preimages_are_coded_refusals_or_real_decodes(chain: str, preimage: bytes) -> None:
    """Whatever the bytes (hashing to msg_hash, so only parsing is judged): a coded refusal or a
    DecodedRequest, never another exception that a careless policy might turn into an allow."""
    digest = {"evm": hostcrypto.keccak256, "near": hostcrypto.sha256}.get(chain, lambda raw: raw)(preimage)
    try:
        request = decode_or_refuse(chain, preimage, digest)
    except RequestRefused as refused:
        assert refused.error_code in {"E_PREIMAGE_MISMATCH", "E_MALFORMED_TRANSACTION", "E_UNSUPPORTED_TRANSACTION"}
    else:
        assert isinstance(request, DecodedRequest) and request.chain == chain
