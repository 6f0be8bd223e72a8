"""Trusted-dealer key generation, RFC 9591 Appendix C.1 (`trusted_dealer_keygen`).

Not used by the network (which runs `hot.mpc.crypto.dkg`); it sets up large signer groups fast
for benchmarks and tests, and splits an existing key, e.g. to reproduce the RFC's vectors.
"""

from __future__ import annotations

from collections.abc import Sequence

from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.polynomial import Polynomial
from hot.mpc.crypto.suites import Ciphersuite, Rng


def trusted_dealer_keygen(
    suite: Ciphersuite, threshold: int, participants: Sequence[int], rng: Rng, secret: int | None = None
) -> tuple[dict[int, KeyPackage], PublicKeyPackage]:
    """Shamir-share `secret` (random if None) t-of-n; RFC 9591 App. C.1."""
    secret = suite.random_scalar(rng) if secret is None else secret
    ids = tuple(participants)
    shares = Polynomial.random(suite, threshold - 1, secret, rng).shares(ids)
    group_public_key = suite.base_mul(secret)
    verification_shares = {i: suite.base_mul(s) for i, s in shares.items()}
    packages = {
        i: KeyPackage(suite.name, i, shares[i], verification_shares[i], group_public_key, threshold, ids) for i in ids
    }
    return packages, PublicKeyPackage(suite.name, verification_shares, group_public_key, threshold)
