"""The Chaum-Pedersen DLEQ proof that makes presign product shares checkable, on both suites."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.wire.errors import InvalidParameters, WrongLength
from hot.mpc.crypto.proofs_dleq import DleqProof, prove_dleq, verify_dleq
from hot.mpc.crypto.suites import ED25519, SECP256K1, Ciphersuite

from .crypto_testkit import seeded_rng

SUITES = [SECP256K1, ED25519]


def setup(suite: Ciphersuite, seed: int) -> tuple[int, list[object], list[object]]:
    rng = seeded_rng(seed)
    secret = suite.random_scalar(rng)
    bases = [suite.generator()] + [suite.base_mul(suite.random_scalar(rng)) for _ in range(2)]
    return secret, bases, [suite.mul(b, secret) for b in bases]


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
@settings(max_examples=10)
@given(seed=st.integers(0, 2**32))
def test_an_honest_proof_verifies_and_any_change_breaks_it(suite: Ciphersuite, seed: int) -> None:
    secret, bases, points = setup(suite, seed)
    proof = prove_dleq(suite, b"ctx", secret, bases, seeded_rng(seed + 1))
    assert verify_dleq(suite, b"ctx", bases, points, proof)
    assert not verify_dleq(suite, b"other ctx", bases, points, proof)
    assert not verify_dleq(suite, b"ctx", bases, [points[0], points[1], suite.add(points[2], bases[0])], proof)
    assert not verify_dleq(suite, b"ctx", bases, points[:2], proof)
    assert not verify_dleq(suite, b"ctx", bases, points, DleqProof(proof.challenge, (proof.response + 1) % suite.order))
    assert not verify_dleq(suite, b"ctx", bases, points, DleqProof(proof.challenge, suite.order))


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_different_logarithms_cannot_be_proven_equal(suite: Ciphersuite) -> None:
    secret, bases, points = setup(suite, 7)
    points[2] = suite.mul(bases[2], secret + 1)
    proof = prove_dleq(suite, b"ctx", secret, bases, seeded_rng(8))
    assert not verify_dleq(suite, b"ctx", bases, points, proof)


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_proof_encoding_round_trips_and_rejects_bad_lengths(suite: Ciphersuite) -> None:
    secret, bases, _ = setup(suite, 9)
    proof = prove_dleq(suite, b"ctx", secret, bases, seeded_rng(10))
    assert DleqProof.from_bytes(suite, proof.to_bytes(suite)) == proof
    with pytest.raises(WrongLength):
        DleqProof.from_bytes(suite, proof.to_bytes(suite)[:-1])
    with pytest.raises(InvalidParameters):
        prove_dleq(suite, b"ctx", secret, [], seeded_rng(1))
