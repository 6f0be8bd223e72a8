"""Chaum-Pedersen proofs of discrete-log equality over several bases (DLEQ).

A prover who knows `a` with `P_j = a * B_j` for every base `B_j` convinces anyone holding the
public points, without revealing `a` (Chaum and Pedersen 1992; the Fiat-Shamir form used for
checkable product shares in Damgård et al. 2020). The challenge binds a caller-chosen context
(protocol, session, sender), so a proof cannot be replayed in another session or by another party.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hot.wire.errors import InvalidParameters, WrongLength
from hot.mpc.crypto.suites.base import Ciphersuite, Point, Rng

DLEQ_TAG = b"dleq"


@dataclass(frozen=True)
class DleqProof:
    """A non-interactive proof: challenge `c` and response `z = r + c*a` (scalars)."""

    challenge: int
    response: int

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return suite.serialize_scalar(self.challenge) + suite.serialize_scalar(self.response)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> DleqProof:
        half = suite.scalar_size
        if len(data) != 2 * half:
            raise WrongLength(f"a DLEQ proof is {2 * half} bytes, got {len(data)}")
        return cls(suite.deserialize_scalar(data[:half]), suite.deserialize_scalar(data[half:]))


def encode_parts(*parts: bytes) -> bytes:
    """Unambiguous concatenation: each part prefixed by its 8-byte length."""
    return b"".join(len(part).to_bytes(8, "big") + part for part in parts)


def hash_parts_to_scalar(suite: Ciphersuite, tag: bytes, *parts: bytes) -> int:
    """The suite's hash-to-scalar over length-prefixed parts (one hash helper per suite)."""
    return suite.hash_to_scalar(tag, encode_parts(*parts))


def _challenge(
    suite: Ciphersuite, context: bytes, bases: Sequence[Point], points: Sequence[Point], nonces: Sequence[Point]
) -> int:
    encoded = [suite.serialize_element(p) for p in (*bases, *points, *nonces)]
    return hash_parts_to_scalar(suite, DLEQ_TAG, context, len(bases).to_bytes(4, "big"), *encoded)


def prove_dleq(
    suite: Ciphersuite,
    context: bytes,
    secret: int,
    bases: Sequence[Point],
    rng: Rng,
) -> DleqProof:
    """Prove `points[j] = secret * bases[j]` for every j (Chaum-Pedersen, Fiat-Shamir)."""
    if not bases:
        raise InvalidParameters("a DLEQ proof needs at least one base")
    points = [_mul_secret(suite, b, secret) for b in bases]
    nonce = suite.random_scalar(rng)
    commitments = [_mul_secret(suite, b, nonce) for b in bases]
    c = _challenge(suite, context, bases, points, commitments)
    return DleqProof(c, (nonce + c * secret) % suite.order)


def verify_dleq(
    suite: Ciphersuite, context: bytes, bases: Sequence[Point], points: Sequence[Point], proof: DleqProof
) -> bool:
    """True iff `proof` shows one secret `a` with `points[j] = a * bases[j]` for all j."""
    if len(bases) != len(points) or not bases:
        return False
    if not (0 <= proof.challenge < suite.order and 0 <= proof.response < suite.order):
        return False
    try:
        # T_j = z*B_j - c*P_j, recomputed; the challenge must match the hash over them.
        commitments = [
            suite.sub(_mul(suite, b, proof.response), suite.mul(p, proof.challenge))
            for b, p in zip(bases, points, strict=True)
        ]
        return _challenge(suite, context, bases, points, commitments) == proof.challenge
    except ValueError:  # includes EncodingError: an unencodable point (identity) fails
        return False


def _mul(suite: Ciphersuite, base: Point, k: int) -> Point:
    """k·B for a public k, through the faster fixed-base multiplication when B is the generator."""
    return suite.base_mul(k) if base == suite.generator() else suite.mul(base, k)


def _mul_secret(suite: Ciphersuite, base: Point, k: int) -> Point:
    """k·B for a secret k (witness, nonce): constant time whatever the base."""
    return suite.base_mul(k) if base == suite.generator() else suite.mul_secret(base, k)
