"""KeyPackage / PublicKeyPackage encodings: round trips, and typed errors for bad bytes."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.wire.errors import EncodingError, InconsistentKeyMaterial, InvalidParameters, WrongLength
from hot.mpc.crypto.derivation import derive_key_package, derive_public_key_package
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.suites import get_suite

from .crypto_testkit import seeded_rng, trusted_dealer

SUITES = ["ed25519", "secp256k1"]


@pytest.mark.parametrize("name", SUITES)
def test_round_trips_root_and_derived(name):
    suite = get_suite(name)
    keys, public = trusted_dealer(suite, 3, 5, seeded_rng(1))
    derived, derived_public = derive_key_package(suite, keys[2], "k"), derive_public_key_package(suite, public, "k")
    for key, pub in ((keys[2], public), (derived, derived_public)):
        decoded = KeyPackage.from_bytes(suite, key.to_bytes(suite))
        assert decoded == key
        decoded_public = PublicKeyPackage.from_bytes(suite, pub.to_bytes(suite))
        assert decoded_public == pub
        decoded.check_against(decoded_public)
    with pytest.raises(InconsistentKeyMaterial):
        keys[2].check_against(derived_public)


@pytest.mark.parametrize("name", SUITES)
def test_bad_encodings_raise_typed_errors(name):
    suite = get_suite(name)
    keys, public = trusted_dealer(suite, 2, 3, seeded_rng(2))
    data, pdata = keys[1].to_bytes(suite), public.to_bytes(suite)
    for bad in (data[:-1], data + b"\x00", b"", b"garbage" + data):
        with pytest.raises(WrongLength):
            KeyPackage.from_bytes(suite, bad)
    for bad in (pdata[:-1], pdata + b"\x00", b""):
        with pytest.raises(WrongLength):
            PublicKeyPackage.from_bytes(suite, bad)
    other = get_suite("secp256k1" if name == "ed25519" else "ed25519")
    with pytest.raises(InvalidParameters):
        KeyPackage.from_bytes(other, data)
    # A share from another key still decodes, but no longer matches the public package.
    wrong = dataclasses.replace(keys[1], secret_share=keys[1].secret_share + 1)
    with pytest.raises(InconsistentKeyMaterial):
        KeyPackage.from_bytes(suite, wrong.to_bytes(suite)).check_against(public)
    for bad_pkg in (
        dataclasses.replace(keys[1], threshold=4),
        dataclasses.replace(keys[1], participants=(2, 3)),
        dataclasses.replace(keys[1], participants=(1, 1, 2)),
    ):
        with pytest.raises(InconsistentKeyMaterial):
            KeyPackage.from_bytes(suite, bad_pkg.to_bytes(suite))


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=60)
@given(position=st.integers(0, 10_000), value=st.integers(0, 255))
def test_any_byte_change_decodes_consistently_or_raises_typed(name, position, value):
    suite = get_suite(name)
    keys, public = trusted_dealer(suite, 2, 3, seeded_rng(3))
    for cls, original in ((KeyPackage, keys[1]), (PublicKeyPackage, public)):
        data = bytearray(original.to_bytes(suite))
        data[position % len(data)] = value
        try:
            decoded = cls.from_bytes(suite, bytes(data))
        except (EncodingError, InvalidParameters):
            continue
        assert decoded.to_bytes(suite) == bytes(data)
