"""Key derivation: deterministic, domain separated, public-only, and signing-compatible."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hot.mpc.crypto.derivation import (
    derive_key_package,
    derive_public_key,
    derive_public_key_package,
    derive_tweak,
)
from hot.wire.errors import InvalidParameters
from hot.mpc.crypto.suites import ED25519, SECP256K1, get_suite
from hypothesis import given, settings
from hypothesis import strategies as st

from .crypto_testkit import seeded_rng, trusted_dealer

SUITES = ["ed25519", "secp256k1"]
key_ids = st.text(min_size=1, max_size=40)


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=30)
@given(a=key_ids, b=key_ids)
def test_different_key_ids_give_different_keys(name, a, b):
    suite = get_suite(name)
    root = suite.base_mul(12345)
    if a == b:
        assert derive_public_key(suite, root, a) == derive_public_key(suite, root, b)
    else:
        assert derive_tweak(suite, a) != derive_tweak(suite, b)
        assert derive_public_key(suite, root, a) != derive_public_key(suite, root, b)


@pytest.mark.parametrize("name", SUITES)
def test_derived_public_key_is_root_plus_tweak(name):
    suite = get_suite(name)
    root_secret = 987654321
    root = suite.base_mul(root_secret)
    tweak = derive_tweak(suite, "wallet.hot.tg")
    assert 0 < tweak < suite.order
    assert derive_public_key(suite, root, "wallet.hot.tg") == suite.base_mul(root_secret + tweak)


def test_scheme_and_domain_separate():
    assert derive_tweak(SECP256K1, "k", scheme="ecdsa") != derive_tweak(SECP256K1, "k", scheme="schnorr")
    assert derive_tweak(SECP256K1, "k") == derive_tweak(SECP256K1, "k", scheme="ecdsa")
    assert derive_tweak(ED25519, "k") % SECP256K1.order != derive_tweak(SECP256K1, "k")
    # Length prefixes: moving a byte between fields changes the input.
    assert derive_tweak(SECP256K1, "bc", scheme="a") != derive_tweak(SECP256K1, "c", scheme="ab")


def test_golden_tweaks():
    """Pinned outputs: a change to the KDF would silently move every user's keys."""
    assert derive_tweak(ED25519, "alice.near") == GOLDEN["ed25519"]
    assert derive_tweak(SECP256K1, "alice.near") == GOLDEN["secp256k1"]


GOLDEN = {
    "ed25519": 0xBF6DE3A08F17760D064FC26D03651E561CA54717C8B7587EAA4EDF896C09A2F,
    "secp256k1": 0xCC799243ECE4871205CBF367FDD9A49E7A69C50DB83D99F8D2BB935761411C19,
}


def _hkdf_sha512(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 written out with the standard library, as an independent referee."""
    prk = hmac.new(salt, ikm, hashlib.sha512).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha512).digest()
        okm += block
        counter += 1
    return okm[:length]


@pytest.mark.parametrize("name", SUITES)
def test_tweak_is_hkdf_sha512_wide_reduced(name):
    suite = get_suite(name)
    scheme = {"ed25519": b"eddsa", "secp256k1": b"ecdsa"}[name]
    field = lambda v: len(v).to_bytes(4, "big") + v
    info = field(scheme) + field(name.encode()) + field(b"alice.near") + field(b"\x00")
    okm = _hkdf_sha512(b"hot-protocol/key-derivation/v1", b"hot-protocol root key tweak", info, 64)
    assert derive_tweak(suite, "alice.near") == int.from_bytes(okm, "big") % suite.order


def test_bad_key_ids_are_refused():
    for bad in ("", "x" * 1025, None, b"bytes"):
        with pytest.raises(InvalidParameters):
            derive_tweak(ED25519, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", SUITES)
def test_packages_derive_once(name):
    suite = get_suite(name)
    keys, public = trusted_dealer(suite, 2, 3, seeded_rng(1))
    derived = derive_key_package(suite, keys[1], "k")
    derived_public = derive_public_key_package(suite, public, "k")
    assert derived.group_public_key == derived_public.group_public_key
    assert derived.group_public_key == derive_public_key(suite, public.group_public_key, "k")
    assert derived.secret_share == keys[1].secret_share  # the share is not shifted by every signer
    assert derived_public.verification_shares == public.verification_shares
    with pytest.raises(InvalidParameters):
        derive_key_package(suite, derived, "k2")
    with pytest.raises(InvalidParameters):
        derive_public_key_package(suite, derived_public, "k2")
