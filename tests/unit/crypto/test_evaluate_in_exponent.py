"""`Ciphersuite.evaluate_in_exponent` (Σ_k x^k·C_k, RFC 9591 App. C.2) equals the naive sum.

The suites evaluate at small x by additions (secp256k1: Horner with `pubkey_combine`; ed25519:
Horner with double-and-add); these tests pin the result to Σ_k `mul`(C_k, x^k), point for point
and byte for byte, including the identity as a coefficient, a Horner partial sum and the result.
"""

from __future__ import annotations

import pytest
from hot.mpc.crypto.suites import Ciphersuite, get_suite
from hot.mpc.crypto.suites.base import Point
from hot.mpc.crypto.vss import VssCommitment, evaluate_commitment
from hypothesis import given, settings
from hypothesis import strategies as st

SUITES = ["ed25519", "secp256k1"]


def naive(suite: Ciphersuite, points: list[Point], x: int) -> Point:
    return suite.sum([suite.mul(p, pow(x, k, suite.order)) for k, p in enumerate(points)])


def horner_scalars(order: int, coefficients: list[int], x: int) -> list[int]:
    """The Horner partial sums, highest coefficient first: s_d = a_d, s_k = x·s_{k+1} + a_k."""
    partial, out = 0, []
    for a in reversed(coefficients):
        partial = (partial * x + a) % order
        out.append(partial)
    return out


@st.composite
def cases(draw: st.DrawFn, order: int) -> tuple[list[int], int]:
    """Scalar coefficients (degree 0..6, some zero) and x in 1..200; may force a zero partial sum."""
    x = draw(st.integers(1, 200))
    degree = draw(st.integers(0, 6))
    coefficients = [draw(st.one_of(st.just(0), st.integers(1, order - 1))) for _ in range(degree + 1)]
    cancel_at = draw(st.one_of(st.none(), st.integers(0, degree)))
    if cancel_at is not None:
        # Choose a_m so that Σ_{k>=m} x^(k-m)·a_k = 0: the Horner accumulator is the identity
        # after step m (m = 0: the whole evaluation is the identity).
        higher = sum(a * pow(x, k - cancel_at, order) for k, a in enumerate(coefficients) if k > cancel_at)
        coefficients[cancel_at] = -higher % order
    return coefficients, x


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_fast_evaluation_equals_naive_sum(name, data):
    suite = get_suite(name)
    coefficients, x = data.draw(cases(suite.order))
    points = [suite.base_mul(a) for a in coefficients]
    fast = suite.evaluate_in_exponent(points, x)
    expected = naive(suite, points, x)
    assert fast == expected
    assert suite.serialize_element(fast) == suite.serialize_element(expected)
    assert suite.is_identity(fast) == suite.is_identity(expected)
    value = sum(a * pow(x, k, suite.order) for k, a in enumerate(coefficients)) % suite.order
    assert fast == suite.base_mul(value)
    assert evaluate_commitment(suite, VssCommitment(tuple(points)), x) == expected


@pytest.mark.parametrize("name", SUITES)
@pytest.mark.parametrize("x", [1, 2, 3, 5, 7, 12, 13, 16, 24, 25, 64, 200])
def test_every_horner_step_can_hit_the_identity(name, x):
    suite = get_suite(name)
    base = [0x1234567, 0xABCDEF, 0x13579BDF, 0x2468ACE0, 0x1F2E3D4C]
    for m in range(len(base)):
        coefficients = list(base)
        higher = sum(a * pow(x, k - m, suite.order) for k, a in enumerate(coefficients) if k > m)
        coefficients[m] = -higher % suite.order
        assert horner_scalars(suite.order, coefficients, x)[len(base) - 1 - m] == 0
        points = [suite.base_mul(a) for a in coefficients]
        fast = suite.evaluate_in_exponent(points, x)
        assert fast == naive(suite, points, x)
        assert suite.is_identity(fast) == (m == 0)


@pytest.mark.parametrize("name", SUITES)
def test_degenerate_commitments(name):
    suite = get_suite(name)
    identity, g = suite.identity(), suite.generator()
    for x in (1, 2, 9, 30, 100):
        assert suite.is_identity(suite.evaluate_in_exponent([], x))
        assert suite.is_identity(suite.evaluate_in_exponent([identity] * 4, x))
        assert suite.evaluate_in_exponent([g], x) == g
        assert suite.evaluate_in_exponent([identity, g], x) == suite.base_mul(x)
        assert suite.evaluate_in_exponent([g, identity, identity], x) == g
        assert suite.evaluate_in_exponent([suite.neg(g), g], x) == suite.base_mul(x - 1)
    # x outside the fast range (0, beyond the crossover, at least the order) takes the generic path.
    points = [suite.base_mul(a) for a in (5, 7, 11)]
    for x in (0, 1000, suite.order + 3):
        assert suite.evaluate_in_exponent(points, x) == naive(suite, points, x)


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=20, deadline=None)
@given(a=st.integers(1, 2**256), copies=st.integers(2, 40))
def test_sum_of_equal_points_doubles(name, a, copies):
    """The group law under the fast paths is complete: P + P, P + ... + P and P + (-P)."""
    suite = get_suite(name)
    p = suite.base_mul(a)
    assert suite.sum([p, p]) == suite.mul(p, 2) == suite.add(p, p)
    assert suite.sum([p] * copies) == suite.mul(p, copies)
    assert suite.is_identity(suite.sum([p, p, suite.neg(suite.mul(p, 2))]))
    q = suite.generator()
    assert suite.sum([p, suite.neg(p), q]) == q
