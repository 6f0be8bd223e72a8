"""hot.wire.requests, domains and signatures: one request shape, one domain table, one signature check."""

from __future__ import annotations

import hashlib

import coincurve
import pytest
from hot.wire.domains import DOMAIN_NAMES, DOMAINS, Domain, domain_of, is_domain_name, spec
from hot.wire.errors import BadRequest, InvalidSignature, UnknownDomain
from hot.wire.requests import SigningRequest, policy_msg_hash, request_hash
from hot.wire.signatures import SignatureResult, verify_signature
from nacl.signing import SigningKey

WIRE = {"key_id": "wallet-1", "domain": "ed25519", "messages": ["aa"], "user_payloads": ["0102"]}


def test_the_domain_table_names_every_domain_once() -> None:
    assert DOMAIN_NAMES == ("ed25519", "secp256k1")
    assert {s.domain for s in DOMAINS.values()} == set(Domain)
    assert spec("secp256k1").prehashed and not spec("ed25519").prehashed
    for not_a_domain in ("bls", "ED25519", 1, None, b"ed25519"):
        with pytest.raises(UnknownDomain):
            domain_of(not_a_domain)
        assert not is_domain_name(not_a_domain)
    assert all(is_domain_name(name) for name in DOMAIN_NAMES)


def test_request_round_trips_and_hashes_its_canonical_form() -> None:
    request = SigningRequest.from_wire(WIRE)
    assert request.to_wire() == WIRE
    assert request.request_hash == request_hash(WIRE) == hashlib.sha256(
        b'{"domain":"ed25519","key_id":"wallet-1","messages":["aa"],"user_payloads":["0102"]}').digest()


@pytest.mark.parametrize("change", [
    {"extra": 1}, {"domain": "rsa"}, {"messages": []}, {"messages": ["AA"]}, {"messages": "aa"},
    {"key_id": ""}, {"key_id": 5}, {"key_id": "x" * 1025}, {"user_payloads": ["zz"]},
    {"domain": "secp256k1"},  # a secp256k1 message is a 32-byte digest
    {"domain": "secp256k1", "messages": ["00" * 32]},  # ... and never zero
])
def test_malformed_requests_are_bad_requests(change: dict[str, object]) -> None:
    with pytest.raises(BadRequest):
        SigningRequest.from_wire({**WIRE, **change})


def test_policy_msg_hash_follows_the_domain() -> None:
    digest = bytes(range(32))
    assert policy_msg_hash("secp256k1", digest) == digest
    assert policy_msg_hash("ed25519", b"m") == hashlib.sha256(b"m").digest()


def test_ed25519_signatures_verify_with_libsodium() -> None:
    key = SigningKey(bytes(32))
    public = bytes(key.verify_key)
    good = SignatureResult(key.sign(b"msg").signature, public, None)
    verify_signature("ed25519", public, b"msg", good)
    for bad in (SignatureResult(good.signature, public, 0), SignatureResult(bytes(64), public, None)):
        with pytest.raises(InvalidSignature):
            verify_signature("ed25519", public, b"msg", bad)
    with pytest.raises(InvalidSignature, match="expected"):
        verify_signature("ed25519", bytes(32), b"msg", good)


def test_secp256k1_signatures_recover_the_key_low_s_only() -> None:
    key = coincurve.PrivateKey(bytes([7]) * 32)
    public = key.public_key.format(compressed=True)
    digest = hashlib.sha256(b"tx").digest()
    recoverable = key.sign_recoverable(digest, hasher=None)
    good = SignatureResult(recoverable[:64], public, recoverable[64])
    verify_signature("secp256k1", public, digest, good)
    assert SignatureResult.from_json(good.to_json()) == good
    order = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    high_s = (order - int.from_bytes(good.signature[32:], "big")).to_bytes(32, "big")
    for bad in (SignatureResult(good.signature[:32] + high_s, public, good.recovery_id ^ 1),
                SignatureResult(good.signature, public, good.recovery_id ^ 1), SignatureResult(good.signature, public, None)):
        with pytest.raises(InvalidSignature):
            verify_signature("secp256k1", public, digest, bad)
    with pytest.raises(InvalidSignature, match="32-byte"):
        verify_signature("secp256k1", public, b"short", good)
