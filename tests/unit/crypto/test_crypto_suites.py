"""Group and scalar laws of both suites, including the identity and zero scalar edge cases."""

from __future__ import annotations

import pytest
from hot.mpc.crypto.suites import ED25519, SECP256K1, get_suite
from hypothesis import given, settings
from hypothesis import strategies as st

SUITES = ["ed25519", "secp256k1"]
scalars = st.integers(0, 2**256)


def test_get_suite_and_constants():
    assert get_suite("ed25519") is ED25519 and get_suite("secp256k1") is SECP256K1
    assert ED25519.context_string == b"FROST-ED25519-SHA512-v1"
    assert SECP256K1.context_string == b"FROST-secp256k1-SHA256-v1"
    assert (ED25519.element_size, SECP256K1.element_size) == (32, 33)


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=40)
@given(a=scalars, b=scalars)
def test_group_laws(name, a, b):
    s = get_suite(name)
    A, B = s.base_mul(a), s.base_mul(b)
    assert s.add(A, B) == s.base_mul(a + b) == s.add(B, A)
    assert s.sub(A, B) == s.base_mul(a - b)
    assert s.mul(A, b) == s.base_mul(a * b) == s.mul(B, a)
    assert s.mul_secret(A, b) == s.mul(A, b)  # the constant-time multiplication for secret scalars
    assert s.add(A, s.neg(A)) == s.identity()
    assert s.multi_mul([(A, 2), (B, 3)]) == s.base_mul(2 * a + 3 * b)
    assert hash(s.base_mul(a)) == hash(A)


@pytest.mark.parametrize("name", SUITES)
def test_identity_and_zero_scalar(name):
    s = get_suite(name)
    O, G = s.identity(), s.generator()
    assert s.is_identity(O) and not s.is_identity(G)
    assert s.base_mul(0) == O and s.base_mul(s.order) == O
    assert s.mul(G, 0) == O and s.mul(O, 5) == O
    assert s.add(O, G) == G and s.add(G, O) == G and s.add(O, O) == O
    assert s.neg(O) == O and s.sub(G, G) == O and s.sub(O, G) == s.neg(G)
    assert s.sum([]) == O and s.sum([G, s.neg(G)]) == O
    assert s.mul(G, s.order - 1) == s.neg(G)
    assert s.base_mul(1) == G
    assert s.mul_secret(G, 0) == O and s.mul_secret(O, 5) == O and s.mul_secret(G, s.order) == O
    assert s.mul_secret(G, 1) == G and s.mul_secret(G, s.order - 1) == s.neg(G)


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=40)
@given(k=scalars)
def test_encodings_round_trip(name, k):
    s = get_suite(name)
    P = s.base_mul(k)
    assert s.deserialize_element(s.serialize_element(P), allow_identity=True) == P
    assert len(s.serialize_element(P)) == s.element_size
    assert s.deserialize_scalar(s.serialize_scalar(k)) == k % s.order


@pytest.mark.parametrize("name", SUITES)
def test_random_scalar_uses_only_the_rng(name):
    s = get_suite(name)
    calls = []

    def rng(n):
        calls.append(n)
        return bytes([7]) * n

    assert s.random_scalar(rng) == s.random_scalar(lambda n: bytes([7]) * n)
    assert calls == [64]
    zeros_then_ones = iter([bytes(64), bytes([1]) * 64])
    assert s.random_scalar(lambda n: next(zeros_then_ones)) != 0


@pytest.mark.parametrize("name", SUITES)
def test_hashes_are_domain_separated(name):
    s = get_suite(name)
    values = {s.H1(b"x"), s.H2(b"x"), s.H3(b"x"), s.HDKG(b"x")}
    assert len(values) == 4
    assert s.H4(b"x") != s.H5(b"x")
    h1 = s.binding_factor_hasher(b"prefix")
    assert h1(b"suffix") == s.H1(b"prefixsuffix")
