"""Shamir sharing, Lagrange interpolation and Feldman commitments (RFC 9591 App. C)."""

from __future__ import annotations

import pytest
from hot.wire.errors import InvalidParameters
from hot.mpc.crypto.polynomial import (
    Polynomial,
    interpolate_at_zero,
    lagrange_coefficient,
)
from hot.mpc.crypto.suites import ED25519, get_suite
from hot.mpc.crypto.vss import (
    derive_group_info,
    evaluate_commitment,
    sum_commitments,
    vss_commit,
    vss_verify,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from .crypto_testkit import seeded_rng

SUITES = ["ed25519", "secp256k1"]


@settings(max_examples=40)
@given(t=st.integers(1, 8), extra=st.integers(0, 4), secret=st.integers(0, 2**256), seed=st.integers(0, 2**32), data=st.data())
def test_any_t_shares_recover_the_secret(t, extra, secret, seed, data):
    suite = ED25519
    poly = Polynomial.random(suite, t - 1, secret, seeded_rng(seed))
    shares = poly.shares(range(1, t + extra + 1))
    subset = data.draw(st.lists(st.sampled_from(sorted(shares)), min_size=t, max_size=t, unique=True))
    assert interpolate_at_zero(suite.order, {i: shares[i] for i in subset}) == secret % suite.order
    if t > 1:  # t-1 shares interpolate to an unrelated value (with overwhelming probability)
        assert interpolate_at_zero(suite.order, {i: shares[i] for i in subset[:-1]}) != secret % suite.order


def test_lagrange_coefficients():
    order = ED25519.order
    ids = [1, 3, 4]
    assert sum(lagrange_coefficient(order, ids, i) for i in ids) % order == 1
    assert lagrange_coefficient(ED25519, ids, 1) == 3 * 4 * pow((3 - 1) * (4 - 1), -1, order) % order
    assert lagrange_coefficient(order, ids, 3, x=3) == 1 and lagrange_coefficient(order, ids, 1, x=3) == 0
    with pytest.raises(InvalidParameters):
        lagrange_coefficient(order, ids, 2)
    with pytest.raises(InvalidParameters):
        lagrange_coefficient(order, [1, 1, 3], 1)


def test_identifiers_must_be_nonzero_scalars():
    poly = Polynomial.random(ED25519, 1, 5, seeded_rng(1))
    for bad in (0, -1, ED25519.order, True):
        with pytest.raises(InvalidParameters):
            poly.shares([bad])
    with pytest.raises(InvalidParameters):
        Polynomial.random(ED25519, -1, 5, seeded_rng(1))


@pytest.mark.parametrize("name", SUITES)
def test_feldman_commitments(name):
    suite, rng = get_suite(name), seeded_rng(2)
    a, b = Polynomial.random(suite, 2, 11, rng), Polynomial.random(suite, 2, 22, rng)
    ca, cb = vss_commit(suite, a), vss_commit(suite, b)
    for i in (1, 2, 5):
        assert vss_verify(suite, ca, i, a.evaluate(i))
        assert not vss_verify(suite, ca, i, a.evaluate(i) + 1)
        assert evaluate_commitment(suite, ca, i) == suite.base_mul(a.evaluate(i))
    total = sum_commitments(suite, [ca, cb])
    pk, shares = derive_group_info(suite, total, [1, 2, 3])
    assert pk == suite.base_mul(33)
    assert shares[2] == suite.base_mul(a.evaluate(2) + b.evaluate(2))
    with pytest.raises(InvalidParameters):
        sum_commitments(suite, [ca, vss_commit(suite, Polynomial.random(suite, 1, 1, rng))])
    with pytest.raises(InvalidParameters):
        sum_commitments(suite, [])
