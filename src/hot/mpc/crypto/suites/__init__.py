"""The two ciphersuites of the project, by domain name: `get_suite("ed25519" | "secp256k1")`."""

from __future__ import annotations

from hot.wire.errors import InvalidParameters
from hot.mpc.crypto.suites.base import Ciphersuite, Point, Rng
from hot.mpc.crypto.suites.ed25519 import ED25519
from hot.mpc.crypto.suites.secp256k1 import SECP256K1

SUITES: dict[str, Ciphersuite] = {ED25519.name: ED25519, SECP256K1.name: SECP256K1}


def get_suite(name: str) -> Ciphersuite:
    """The suite for a domain name ("ed25519" or "secp256k1"); typed error for any other."""
    try:
        return SUITES[name]
    except KeyError:
        raise InvalidParameters(f"unknown ciphersuite {name!r}; known: {sorted(SUITES)}") from None


__all__ = ["ED25519", "SECP256K1", "SUITES", "Ciphersuite", "Point", "Rng", "get_suite"]
