"""Shared helpers of the tests in tests/unit/crypto: vectors, seeded rngs, scripted rngs, a local keygen."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hot.mpc.crypto.dealer import trusted_dealer_keygen
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.suites import Ciphersuite

VECTORS = Path(__file__).resolve().parent / "vectors"  # RFC 9591 Appendix E.1 and E.5, see vectors/README.md
VECTOR_FILES = {"ed25519": "frost-ed25519-sha512.json", "secp256k1": "frost-secp256k1-sha256.json"}


def load_vector(suite_name: str) -> dict[str, Any]:
    with open(VECTORS / VECTOR_FILES[suite_name], encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def seeded_rng(seed: bytes | int) -> Callable[[int], bytes]:
    """A deterministic rng (SHA-256 in counter mode) so every failing example can be replayed."""
    key = seed if isinstance(seed, bytes) else seed.to_bytes(16, "big", signed=True)
    counter = 0

    def rng(n: int) -> bytes:
        nonlocal counter
        out = b""
        while len(out) < n:
            out += hashlib.sha256(key + counter.to_bytes(8, "big")).digest()
            counter += 1
        return out[:n]

    return rng


def scripted_rng(chunks: list[bytes]) -> Callable[[int], bytes]:
    """An rng that returns the given byte strings in order (to replay the RFC's randomness)."""
    it: Iterator[bytes] = iter(chunks)

    def rng(n: int) -> bytes:
        chunk = next(it)
        assert len(chunk) == n
        return chunk

    return rng


def trusted_dealer(
    suite: Ciphersuite, threshold: int, n: int, rng: Callable[[int], bytes], secret: int | None = None
) -> tuple[dict[int, KeyPackage], PublicKeyPackage]:
    """Key packages for participants 1..n from RFC 9591 App. C.1's trusted dealer."""
    return trusted_dealer_keygen(suite, threshold, range(1, n + 1), rng, secret)
