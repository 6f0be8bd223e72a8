"""Schnorr proof of knowledge of a discrete log, as in the DKG's round one.

RFC 9591 Appendix C points to the FROST paper (Komlo-Goldberg 2020, Figure 1, step 2): each
dealer proves knowledge of its constant term a_0 for C_0 = a_0·G, bound to its identifier, which
stops rogue-key attacks (a dealer cannot pick C_0 as a function of the others'). Challenge as
ZF frost: c = HDKG(SerializeScalar(i) || SerializeElement(C_0) || SerializeElement(R)), extended
with an optional session `context` so a proof cannot be replayed into another DKG run.
"""

from __future__ import annotations

from dataclasses import dataclass

from hot.wire.errors import WrongLength
from hot.mpc.crypto.suites import Ciphersuite, Point, Rng


@dataclass(frozen=True)
class SchnorrProof:
    """(R, μ) with μ = k + a_0·c."""

    R: Point
    mu: int

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return suite.serialize_element(self.R) + suite.serialize_scalar(self.mu)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> SchnorrProof:
        e = suite.element_size
        if len(data) != e + suite.scalar_size:
            raise WrongLength(f"proof of knowledge must be {e + suite.scalar_size} bytes, got {len(data)}")
        return cls(suite.deserialize_element(data[:e]), suite.deserialize_scalar(data[e:]))


def _challenge(suite: Ciphersuite, identifier: int, public: Point, r: Point, context: bytes) -> int:
    return suite.HDKG(
        suite.serialize_scalar(identifier) + suite.serialize_element(public) + suite.serialize_element(r) + context
    )


def prove_knowledge(
    suite: Ciphersuite, identifier: int, secret: int, public: Point, rng: Rng, context: bytes = b""
) -> SchnorrProof:
    """Prove knowledge of `secret` with public = secret·G (FROST paper, KeyGen round 1 step 2)."""
    k = suite.random_scalar(rng)
    r = suite.base_mul(k)
    c = _challenge(suite, identifier, public, r, context)
    return SchnorrProof(r, (k + secret * c) % suite.order)


def verify_knowledge(
    suite: Ciphersuite, identifier: int, public: Point, proof: SchnorrProof, context: bytes = b""
) -> bool:
    """μ·G == R + c·public (FROST paper, KeyGen round 1 step 5)."""
    c = _challenge(suite, identifier, public, proof.R, context)
    return suite.base_mul(proof.mu) == suite.add(proof.R, suite.mul(public, c))
