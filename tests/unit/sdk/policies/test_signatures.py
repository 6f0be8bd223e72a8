"""Signature predicates and their combinators, against independent signers (PyNaCl, coincurve)."""

from __future__ import annotations

import hashlib

import pytest
from coincurve import PrivateKey
from coincurve.ecdsa import der_to_cdata, serialize_compact
from hot.sdk.policies.signatures import Scheme, SignedBy, all_of, any_of, at_least
from hot.wire.errors import InvalidPolicyKey, PolicyDefinitionError
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

MSG_HASH = hashlib.sha256(b"spend 1 BTC").digest()
OTHER_HASH = hashlib.sha256(b"spend 100 BTC").digest()


class Signer:
    """A key of one scheme with the registered predicate and a way to sign a message hash."""

    def __init__(self, scheme: Scheme, seed: int, label: str | None = None) -> None:
        self.scheme = scheme
        secret = bytes([seed]) * 32
        if scheme is Scheme.ED25519:
            self._nacl = SigningKey(secret)
            public = bytes(self._nacl.verify_key)
        else:
            self._cc = PrivateKey(secret)
            public = self._cc.public_key_xonly.format() if scheme is Scheme.BIP340 else self._cc.public_key.format()
        self.predicate = SignedBy(scheme, public, label)

    def sign(self, msg_hash: bytes) -> bytes:
        if self.scheme is Scheme.ED25519:
            return self._nacl.sign(msg_hash).signature
        if self.scheme is Scheme.BIP340:
            return self._cc.sign_schnorr(msg_hash)
        return serialize_compact(der_to_cdata(self._cc.sign(msg_hash, hasher=None)))


@pytest.mark.parametrize("scheme", list(Scheme))
def test_signed_by_accepts_the_key_and_nothing_else(scheme: Scheme) -> None:
    signer, stranger = Signer(scheme, 1), Signer(scheme, 2)
    sig = signer.sign(MSG_HASH)
    assert signer.predicate.check(MSG_HASH, sig)
    assert signer.predicate.check(MSG_HASH, {signer.predicate.key_id: sig})
    assert not signer.predicate.check(OTHER_HASH, sig)
    assert not signer.predicate.check(MSG_HASH, stranger.sign(MSG_HASH))
    assert not signer.predicate.check(MSG_HASH, {stranger.predicate.key_id: sig})  # wrong entry


@pytest.mark.parametrize("proof", [b"", b"\x00" * 64, "sig", None, {"x": b"\x00"}, {}, 5])
def test_malformed_proofs_are_false(proof: object) -> None:
    for scheme in Scheme:
        assert Signer(scheme, 3).predicate.check(MSG_HASH, proof) is False  # type: ignore[arg-type]


def test_bad_definitions_fail_when_built() -> None:
    with pytest.raises(InvalidPolicyKey):
        SignedBy(Scheme.ED25519, b"\x01" * 33)
    with pytest.raises(InvalidPolicyKey):
        SignedBy(Scheme.SECP256K1_ECDSA, b"\x02" * 32)
    with pytest.raises(PolicyDefinitionError):
        SignedBy("rsa", b"\x01" * 32)  # type: ignore[arg-type]
    a, b = Signer(Scheme.ED25519, 1), Signer(Scheme.ED25519, 2)
    with pytest.raises(PolicyDefinitionError):
        at_least(3, a.predicate, b.predicate)
    with pytest.raises(PolicyDefinitionError):
        at_least(0, a.predicate)
    with pytest.raises(PolicyDefinitionError):
        all_of()
    with pytest.raises(PolicyDefinitionError):
        any_of(a.predicate, "not a predicate")  # type: ignore[arg-type]
    with pytest.raises(PolicyDefinitionError):  # one key twice would count one signature twice
        at_least(2, a.predicate, SignedBy(Scheme.ED25519, a.predicate.public_key, "alias"))
    with pytest.raises(PolicyDefinitionError):
        at_least(
            2,
            SignedBy(Scheme.ED25519, a.predicate.public_key, "x"),
            SignedBy(Scheme.ED25519, b.predicate.public_key, "x"),
        )


def test_two_factor_and_recovery_compose() -> None:
    user, cosigner, recovery = (
        Signer(Scheme.ED25519, 1, "user"),
        Signer(Scheme.SECP256K1_ECDSA, 2, "2fa"),
        Signer(Scheme.BIP340, 3, "recovery"),
    )
    policy = any_of(all_of(user.predicate, cosigner.predicate), recovery.predicate)
    both = {"user": user.sign(MSG_HASH), "2fa": cosigner.sign(MSG_HASH)}
    assert policy.check(MSG_HASH, both)
    assert not policy.check(MSG_HASH, {"user": user.sign(MSG_HASH)})
    assert not policy.check(MSG_HASH, {"user": user.sign(MSG_HASH), "2fa": cosigner.sign(OTHER_HASH)})
    assert policy.check(MSG_HASH, {"recovery": recovery.sign(MSG_HASH)})


SIGNERS = [
    Signer(scheme, seed)
    for seed, scheme in enumerate([Scheme.ED25519, Scheme.SECP256K1_ECDSA, Scheme.BIP340] * 2, start=10)
]


@settings(max_examples=40)
@given(
    k=st.integers(1, len(SIGNERS)),
    honest=st.sets(st.integers(0, len(SIGNERS) - 1)),
    forged=st.sets(st.integers(0, len(SIGNERS) - 1)),
)
def test_k_of_m_holds_iff_k_distinct_valid_signatures(k: int, honest: set[int], forged: set[int]) -> None:
    """Law: at_least(k) holds exactly when k distinct keys signed this msg_hash (forgeries don't count)."""
    policy = at_least(k, *(s.predicate for s in SIGNERS))
    proof = {SIGNERS[i].predicate.key_id: SIGNERS[i].sign(OTHER_HASH) for i in forged}
    proof.update({SIGNERS[i].predicate.key_id: SIGNERS[i].sign(MSG_HASH) for i in honest})
    assert policy.check(MSG_HASH, proof) is (len(honest) >= k)
