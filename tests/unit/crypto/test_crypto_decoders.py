"""Every decoder fed malformed, truncated, oversized and non-canonical input: a typed error each."""

from __future__ import annotations

import pytest
from hot.mpc.crypto import frost
from hot.mpc.crypto.proofs import SchnorrProof
from hot.mpc.crypto.suites import ED25519, SECP256K1, get_suite
from hot.mpc.crypto.vss import VssCommitment
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.wire.errors import (
    EncodingError,
    IdentityElement,
    InvalidParameters,
    InvalidPoint,
    NonCanonicalEncoding,
    NotInPrimeOrderSubgroup,
    ProtocolError,
    ScalarOutOfRange,
    WrongLength,
)

from .crypto_testkit import seeded_rng

SUITES = ["ed25519", "secp256k1"]
P25519 = 2**255 - 19
PSECP = 2**256 - 2**32 - 977
# Order-8 and order-4 points of edwards25519 (libsodium's small-order blocklist).
ED25519_SMALL_ORDER = [
    bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  # (0, -1), order 2
    bytes.fromhex("0000000000000000000000000000000000000000000000000000000000000000"),  # order 4
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  # order 8
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),  # order 8
]


@pytest.mark.parametrize("name", SUITES)
def test_wrong_lengths(name):
    suite = get_suite(name)
    good = suite.serialize_element(suite.base_mul(3))
    for data in (b"", good[:-1], good + b"\x00", good * 2):
        with pytest.raises(WrongLength):
            suite.deserialize_element(data)
    scalar = suite.serialize_scalar(5)
    for data in (b"", scalar[:-1], scalar + b"\x00"):
        with pytest.raises(WrongLength):
            suite.deserialize_scalar(data)


@pytest.mark.parametrize("name", SUITES)
def test_scalars_at_or_above_order(name):
    suite = get_suite(name)
    for value in (suite.order, suite.order + 1, 2**256 - 1):
        with pytest.raises(ScalarOutOfRange):
            suite.deserialize_scalar(value.to_bytes(32, suite.scalar_byteorder))
    assert suite.deserialize_scalar((suite.order - 1).to_bytes(32, suite.scalar_byteorder)) == suite.order - 1


@pytest.mark.parametrize("name", SUITES)
def test_identity_is_refused_unless_allowed(name):
    suite = get_suite(name)
    encoded = suite.serialize_element(suite.identity())
    with pytest.raises(IdentityElement):
        suite.deserialize_element(encoded)
    assert suite.is_identity(suite.deserialize_element(encoded, allow_identity=True))


def test_ed25519_non_canonical_y():
    # y = p + 1 is a second encoding of the identity; y = p + 9 of the point with y = 9.
    for y in (P25519, P25519 + 1, P25519 + 9, 2**255 - 1):
        with pytest.raises(NonCanonicalEncoding):
            ED25519.deserialize_element(y.to_bytes(32, "little"))


def test_ed25519_negative_zero_x():
    identity_with_sign = bytearray(ED25519.serialize_element(ED25519.identity()))
    identity_with_sign[31] |= 0x80
    with pytest.raises(NonCanonicalEncoding):
        ED25519.deserialize_element(bytes(identity_with_sign))


def test_ed25519_small_order_and_mixed_points():
    for point in ED25519_SMALL_ORDER:
        with pytest.raises(NotInPrimeOrderSubgroup):
            ED25519.deserialize_element(point)
    # P + T with T of order 8: on the curve, outside the prime-order subgroup.
    from nacl.bindings import crypto_core_ed25519_add

    mixed = crypto_core_ed25519_add(ED25519.serialize_element(ED25519.base_mul(5)), ED25519_SMALL_ORDER[2])
    with pytest.raises(NotInPrimeOrderSubgroup):
        ED25519.deserialize_element(mixed)


def test_ed25519_not_on_curve():
    # y = 2: (y²-1)/(d·y²+1) is not a square mod p, so no x exists.
    with pytest.raises(InvalidPoint):
        ED25519.deserialize_element((2).to_bytes(32, "little"))


def test_secp256k1_bad_prefix_and_off_curve():
    good = SECP256K1.serialize_element(SECP256K1.base_mul(9))
    for prefix in (0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0xFF):
        with pytest.raises(InvalidPoint):
            SECP256K1.deserialize_element(bytes([prefix]) + good[1:])
    # x = 5: 5³ + 7 = 132 is not a square mod p on secp256k1.
    with pytest.raises(InvalidPoint):
        SECP256K1.deserialize_element(b"\x02" + (5).to_bytes(32, "big"))
    with pytest.raises(NonCanonicalEncoding):
        SECP256K1.deserialize_element(b"\x02" + (PSECP + 1).to_bytes(32, "big"))
    with pytest.raises(WrongLength):  # uncompressed SEC1 is not this suite's encoding
        SECP256K1.deserialize_element(b"\x04" + bytes(64))


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=150)
@given(data=st.binary(min_size=0, max_size=70))
def test_random_bytes_decode_or_raise_typed(name, data):
    suite = get_suite(name)
    for decode in (
        suite.deserialize_element,
        suite.deserialize_scalar,
        lambda d: frost.SigningCommitments.from_bytes(suite, d),
        lambda d: frost.SignatureShare.from_bytes(suite, d),
        lambda d: frost.Signature.from_bytes(suite, d),
        lambda d: SchnorrProof.from_bytes(suite, d),
        lambda d: VssCommitment.from_bytes(suite, d),
        lambda d: frost.SigningPackage.from_bytes(suite, d),
    ):
        try:
            value = decode(data)
        except (EncodingError, InvalidParameters):
            continue
        # Anything accepted must re-encode to exactly the same bytes (canonical encodings).
        if isinstance(value, int):
            assert suite.serialize_scalar(value) == data
        elif hasattr(value, "to_bytes"):
            assert value.to_bytes(suite) == data
        else:
            assert suite.serialize_element(value) == data


@pytest.mark.parametrize("name", SUITES)
def test_message_decoders_reject_each_bad_part(name):
    suite, rng = get_suite(name), seeded_rng(1)
    point = suite.serialize_element(suite.base_mul(7))
    identity = suite.serialize_element(suite.identity())
    one = suite.serialize_scalar(1)
    with pytest.raises(InvalidParameters):  # identifier zero
        frost.SigningCommitments.from_bytes(suite, suite.serialize_scalar(0) + point + point)
    with pytest.raises(IdentityElement):
        frost.SigningCommitments.from_bytes(suite, one + identity + point)
    with pytest.raises(ScalarOutOfRange):
        frost.SignatureShare.from_bytes(suite, one + suite.order.to_bytes(32, suite.scalar_byteorder))
    with pytest.raises(WrongLength):
        frost.SignatureShare.from_bytes(suite, one)
    with pytest.raises(IdentityElement):
        frost.Signature.from_bytes(suite, identity + one)
    with pytest.raises(WrongLength):
        VssCommitment.from_bytes(suite, point + point[:5])
    with pytest.raises(WrongLength):
        VssCommitment.from_bytes(suite, b"")
    assert isinstance(rng(1), bytes)


def test_typed_errors_are_project_errors():
    assert issubclass(WrongLength, EncodingError) and issubclass(InvalidParameters, ProtocolError)
    with pytest.raises(InvalidParameters):
        get_suite("p256")


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=100)
@given(k=st.integers(1, 2**256), position=st.integers(0, 32), bit=st.integers(0, 7))
def test_bit_flipped_points_decode_canonically_or_raise_typed(name, k, position, bit):
    suite = get_suite(name)
    encoded = bytearray(suite.serialize_element(suite.base_mul(k)))
    encoded[position % len(encoded)] ^= 1 << bit
    try:
        point = suite.deserialize_element(bytes(encoded))
    except EncodingError:
        return
    assert suite.serialize_element(point) == bytes(encoded)
    assert suite.is_identity(suite.mul(point, suite.order))
