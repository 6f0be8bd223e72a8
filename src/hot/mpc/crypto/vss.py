"""Feldman verifiable secret sharing: commitments to a polynomial and share checks.

RFC 9591 Appendix C.2 (`vss_commit`, `vss_verify`, `derive_group_info`): the dealer publishes
C_k = a_k·G; recipient i accepts f(i) iff f(i)·G == Σ_k i^k·C_k. The same sum is participant
i's public verification share, computable by anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hot.wire.errors import InvalidParameters, WrongLength
from hot.mpc.crypto.polynomial import Polynomial
from hot.mpc.crypto.suites.base import Ciphersuite, Point


@dataclass(frozen=True)
class VssCommitment:
    """Feldman commitment [a_0·G, ..., a_{t-1}·G]; the first entry commits to the secret."""

    points: tuple[Point, ...]

    @property
    def threshold(self) -> int:
        return len(self.points)

    @property
    def constant(self) -> Point:
        return self.points[0]

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        """The commitments' encodings concatenated (one per coefficient)."""
        return b"".join(suite.serialize_element(p) for p in self.points)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> VssCommitment:
        """Decode t commitments; every entry must be a valid non-identity element."""
        size = suite.element_size
        if not data or len(data) % size:
            raise WrongLength(f"VSS commitment must be a non-empty multiple of {size} bytes")
        return cls(tuple(suite.deserialize_element(data[k : k + size]) for k in range(0, len(data), size)))


def vss_commit(suite: Ciphersuite, polynomial: Polynomial) -> VssCommitment:
    """RFC 9591 App. C.2 vss_commit: C_k = a_k·G."""
    return VssCommitment(tuple(suite.base_mul(a) for a in polynomial.coefficients))


def evaluate_commitment(suite: Ciphersuite, commitment: VssCommitment, i: int) -> Point:
    """Σ_k i^k·C_k = f(i)·G: participant i's verification share under this commitment."""
    return suite.evaluate_in_exponent(commitment.points, i)


def vss_verify(suite: Ciphersuite, commitment: VssCommitment, i: int, share: int) -> bool:
    """RFC 9591 App. C.2 vss_verify: f(i)·G == Σ_k i^k·C_k."""
    return suite.base_mul(share) == evaluate_commitment(suite, commitment, i)


def sum_commitments(suite: Ciphersuite, commitments: Iterable[VssCommitment]) -> VssCommitment:
    """Coefficient-wise sum: the commitment to the sum of the dealers' polynomials (DKG)."""
    commitments = list(commitments)
    if not commitments:
        raise InvalidParameters("no commitments to sum")
    threshold = commitments[0].threshold
    if any(c.threshold != threshold for c in commitments):
        raise InvalidParameters("commitments of different thresholds cannot be summed")
    return VssCommitment(tuple(suite.sum(c.points[k] for c in commitments) for k in range(threshold)))


def derive_group_info(
    suite: Ciphersuite, commitment: VssCommitment, participants: Sequence[int]
) -> tuple[Point, dict[int, Point]]:
    """RFC 9591 App. C.2 derive_group_info: group public key and every verification share."""
    return commitment.constant, {i: evaluate_commitment(suite, commitment, i) for i in participants}
