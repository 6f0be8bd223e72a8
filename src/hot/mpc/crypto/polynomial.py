"""Polynomials over Z_q, Shamir sharing and Lagrange coefficients (RFC 9591 §4.2, Appendix C).

Participant identifiers are the ints 1..n (RFC 9591 §5: identifiers are non-zero scalars); a
participant's share is f(identifier).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hot.wire.errors import InvalidParameters
from hot.mpc.crypto.suites.base import Ciphersuite, Rng


@dataclass(frozen=True)
class Polynomial:
    """f(x) = Σ coefficients[k]·x^k mod order; degree t-1 shares a secret t-of-n."""

    coefficients: tuple[int, ...]
    order: int

    @classmethod
    def random(cls, suite: Ciphersuite, degree: int, constant: int, rng: Rng) -> Polynomial:
        """A uniformly random polynomial of the given degree with f(0) = constant (RFC 9591 App. C.1)."""
        if degree < 0:
            raise InvalidParameters("polynomial degree must be >= 0")
        coefficients = (constant % suite.order,) + tuple(suite.random_scalar(rng) for _ in range(degree))
        return cls(coefficients, suite.order)

    @property
    def degree(self) -> int:
        return len(self.coefficients) - 1

    def evaluate(self, x: int) -> int:
        """f(x) by Horner's rule (RFC 9591 App. C.1 polynomial_evaluate)."""
        value = 0
        for coefficient in reversed(self.coefficients):
            value = (value * x + coefficient) % self.order
        return value

    def shares(self, participants: Iterable[int]) -> dict[int, int]:
        """Shamir shares {i: f(i)} for non-zero identifiers (RFC 9591 App. C.1 secret_share_shard)."""
        out: dict[int, int] = {}
        for i in participants:
            check_identifier(i, self.order)
            out[i] = self.evaluate(i)
        return out


def check_identifier(i: int, order: int) -> None:
    """Identifiers are non-zero scalars: f(0) is the secret itself (RFC 9591 §5)."""
    if isinstance(i, bool) or not isinstance(i, int) or not 0 < i < order:
        raise InvalidParameters(f"participant identifier must be a non-zero scalar, got {i!r}")


def lagrange_coefficient(
    suite_or_order: Ciphersuite | int, participant_ids: Sequence[int], i: int, x: int = 0
) -> int:
    """λ_i(x) = Π_{j≠i} (x - j)/(i - j) over `participant_ids` (RFC 9591 §4.2 derive_interpolating_value)."""
    order = suite_or_order if isinstance(suite_or_order, int) else suite_or_order.order
    if i not in participant_ids:
        raise InvalidParameters(f"participant {i} is not in the signer set")
    if len(set(participant_ids)) != len(participant_ids):
        raise InvalidParameters("duplicate participant identifiers")
    numerator, denominator = 1, 1
    for j in participant_ids:
        if j == i:
            continue
        numerator = numerator * (x - j) % order
        denominator = denominator * (i - j) % order
    return numerator * pow(denominator, -1, order) % order


def interpolate_at_zero(order: int, shares: dict[int, int]) -> int:
    """The secret f(0) from any t shares {i: f(i)} (RFC 9591 App. C.2 secret_share_combine)."""
    ids = sorted(shares)
    return sum(lagrange_coefficient(order, ids, i) * shares[i] for i in ids) % order
