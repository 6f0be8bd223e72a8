"""Per-key_id key derivation: one root key per domain, `derived = root + tweak·G`.

whitepaper §2.2.5 / ARCHITECTURE "Key derivation": tweak = KDF(scheme, domain, key_id). The KDF is
HKDF-SHA512 (RFC 5869) with a fixed protocol salt and a length-prefixed info string, so no two
(scheme, domain, key_id) triples share an input; its 64-byte output is reduced mod the group
order (wide reduction: statistical distance from uniform below 2^-250). Anyone can compute a
derived public key from the root public key; no share is needed and the network is not asked.
"""

from __future__ import annotations

import dataclasses
import functools

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hot.wire.domains import DOMAINS
from hot.wire.errors import InvalidParameters
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.suites import Ciphersuite, Point

KDF_SALT = b"hot-protocol/key-derivation/v1"
KDF_INPUT = b"hot-protocol root key tweak"  # public derivation: the KDF's input is a label, not a secret
MAX_KEY_ID_BYTES = 1024
TWEAK_CACHE_SIZE = 4096  # key_ids in recent requests; public values, so caching leaks nothing


def _field(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def derive_tweak(suite: Ciphersuite, key_id: str, *, scheme: str | None = None) -> int:
    """tweak = HKDF-SHA512(salt, info = scheme || domain || key_id) mod order (never zero).

    `scheme` defaults to the domain's usual one ("eddsa" for ed25519, "ecdsa" for secp256k1); a
    different scheme on the same domain gives an unrelated key, so one scheme's signatures can
    never be replayed as another's.
    """
    if not isinstance(key_id, str) or not key_id:
        raise InvalidParameters("key_id must be a non-empty string")
    key_id_bytes = key_id.encode("utf-8")
    if len(key_id_bytes) > MAX_KEY_ID_BYTES:
        raise InvalidParameters(f"key_id longer than {MAX_KEY_ID_BYTES} bytes")
    return _tweak(suite.name, suite.order, scheme or _default_scheme(suite.name), key_id_bytes)


def _default_scheme(suite_name: str) -> str:
    """The domain's derivation scheme from the wire table; a suite that is no domain names itself."""
    return next((d.derivation_scheme for d in DOMAINS.values() if d.domain == suite_name), suite_name)


@functools.lru_cache(maxsize=TWEAK_CACHE_SIZE)
def _tweak(suite_name: str, order: int, scheme: str, key_id: bytes) -> int:
    """The KDF itself, memoized: a pure function of public inputs, asked by every signing request
    at the gatekeeper and at each signer (HKDF through `cryptography` was ~3% of their CPU)."""
    info = _field(scheme.encode()) + _field(suite_name.encode()) + _field(key_id)
    counter = 0
    while True:
        okm = HKDF(algorithm=hashes.SHA512(), length=64, salt=KDF_SALT, info=info + _field(bytes([counter]))).derive(KDF_INPUT)
        tweak = int.from_bytes(okm, "big") % order
        if tweak:  # a zero tweak (probability 2^-252) would make the derived key the root key
            return tweak
        counter += 1


def derive_public_key(suite: Ciphersuite, root_public_key: Point, key_id: str, *, scheme: str | None = None) -> Point:
    """The public key of key_id: root_public_key + tweak·G (public data only)."""
    return suite.add(root_public_key, suite.base_mul(derive_tweak(suite, key_id, scheme=scheme)))


def derive_key_package(suite: Ciphersuite, package: KeyPackage, key_id: str, *, scheme: str | None = None) -> KeyPackage:
    """A signer's package for key_id: same secret share, derived group key, tweak recorded.

    The share itself is not shifted: the FROST aggregator adds c·tweak once to the aggregate
    response, so the tweak is applied exactly once rather than by every signer.
    """
    if package.tweak:
        raise InvalidParameters("key package is already derived; derive from the root package")
    tweak = derive_tweak(suite, key_id, scheme=scheme)
    return dataclasses.replace(package, group_public_key=suite.add(package.group_public_key, suite.base_mul(tweak)), tweak=tweak)


def derive_public_key_package(
    suite: Ciphersuite, package: PublicKeyPackage, key_id: str, *, scheme: str | None = None
) -> PublicKeyPackage:
    """The public package for key_id: root verification shares, derived group key and tweak."""
    if package.tweak:
        raise InvalidParameters("public key package is already derived; derive from the root package")
    tweak = derive_tweak(suite, key_id, scheme=scheme)
    return dataclasses.replace(package, group_public_key=suite.add(package.group_public_key, suite.base_mul(tweak)), tweak=tweak)
