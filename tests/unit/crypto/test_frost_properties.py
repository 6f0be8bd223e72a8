"""FROST properties, per suite: any t-subset signs, t-1 cannot, a bad share names its sender,
signatures under derived keys verify with independent libraries, misuse is refused."""

from __future__ import annotations

import dataclasses

import pytest
from hot.mpc.crypto import frost
from hot.mpc.crypto.derivation import derive_key_package, derive_public_key_package
from hot.mpc.crypto.suites import get_suite
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.wire.errors import InvalidParameters, InvalidShare, ProtocolError

from .crypto_testkit import seeded_rng, trusted_dealer
from .independent_verify import verifies

SUITES = ["ed25519", "secp256k1"]


def _sign(suite, keys, public, signers, message, rng):
    rounds = {i: frost.commit(suite, keys[i], rng) for i in signers}
    package = frost.SigningPackage.create(suite, [c for _, c in rounds.values()], message)
    shares = [frost.sign(suite, package, rounds[i][0], keys[i]) for i in signers]
    return package, shares


@st.composite
def signing_setups(draw):
    n = draw(st.integers(1, 7))
    t = draw(st.integers(1, n))
    signers = draw(st.lists(st.integers(1, n), min_size=t, max_size=n, unique=True))
    return t, n, sorted(signers), draw(st.binary(max_size=64)), draw(st.integers(0, 2**32))


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=30)
@given(setup=signing_setups())
def test_any_threshold_subset_signs(name, setup):
    t, n, signers, message, seed = setup
    suite, rng = get_suite(name), seeded_rng(seed)
    keys, public = trusted_dealer(suite, t, n, rng)
    package, shares = _sign(suite, keys, public, signers, message, rng)
    signature = frost.aggregate(suite, package, shares, public)
    pk = suite.serialize_element(public.group_public_key)
    assert verifies(name, pk, message, signature.to_bytes(suite))
    assert not verifies(name, pk, message + b"!", signature.to_bytes(suite))


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=8)
@given(t=st.integers(2, 5), seed=st.integers(0, 2**32))
def test_fewer_than_threshold_cannot_sign(name, t, seed):
    suite, rng = get_suite(name), seeded_rng(seed)
    keys, public = trusted_dealer(suite, t, t + 1, rng)
    signers = list(range(1, t))
    rounds = {i: frost.commit(suite, keys[i], rng) for i in signers}
    package = frost.SigningPackage.create(suite, [c for _, c in rounds.values()], b"msg")
    with pytest.raises(InvalidParameters):
        frost.sign(suite, package, rounds[1][0], keys[1])
    # Even signers who lie about the threshold get honest shares that cannot interpolate the key:
    # every share passes its own check, so the failure is not pinned on anyone.
    lying = {i: dataclasses.replace(keys[i], threshold=t - 1) for i in signers}
    shares = [frost.sign(suite, package, rounds[i][0], lying[i]) for i in signers]
    with pytest.raises(ProtocolError) as info:
        frost.aggregate(suite, package, shares, dataclasses.replace(public, threshold=t - 1))
    assert not isinstance(info.value, InvalidShare)


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=25)
@given(data=st.data())
def test_corrupted_share_names_its_sender(name, data):
    suite, rng = get_suite(name), seeded_rng(data.draw(st.integers(0, 2**32)))
    n = data.draw(st.integers(2, 6))
    t = data.draw(st.integers(1, n))
    keys, public = trusted_dealer(suite, t, n, rng)
    signers = sorted(data.draw(st.lists(st.integers(1, n), min_size=t, max_size=n, unique=True)))
    package, shares = _sign(suite, keys, public, signers, b"pay 5 to bob", rng)
    victim = data.draw(st.sampled_from(range(len(shares))))
    delta = data.draw(st.integers(1, suite.order - 1))
    bad = frost.SignatureShare(shares[victim].identifier, (shares[victim].share + delta) % suite.order)
    shares[victim] = bad
    with pytest.raises(InvalidShare) as info:
        frost.aggregate(suite, package, shares, public)
    assert info.value.culprit == bad.identifier


@pytest.mark.parametrize("name", SUITES)
def test_signature_under_derived_key_verifies_independently(name):
    suite, rng = get_suite(name), seeded_rng(7)
    keys, public = trusted_dealer(suite, 3, 5, rng)
    derived = {i: derive_key_package(suite, k, "alice.near/wallet-1") for i, k in keys.items()}
    derived_public = derive_public_key_package(suite, public, "alice.near/wallet-1")
    assert derived_public.group_public_key != public.group_public_key
    package, shares = _sign(suite, derived, derived_public, [2, 4, 5], b"transfer", rng)
    signature = frost.aggregate(suite, package, shares, derived_public)
    sig = signature.to_bytes(suite)
    assert verifies(name, suite.serialize_element(derived_public.group_public_key), b"transfer", sig)
    assert not verifies(name, suite.serialize_element(public.group_public_key), b"transfer", sig)


@pytest.mark.parametrize("name", SUITES)
def test_signer_refuses_package_without_its_commitment(name):
    suite, rng = get_suite(name), seeded_rng(3)
    keys, _ = trusted_dealer(suite, 2, 3, rng)
    n1, c1 = frost.commit(suite, keys[1], rng)
    _, c2 = frost.commit(suite, keys[2], rng)
    _, c1_other = frost.commit(suite, keys[1], rng)
    swapped = frost.SigningPackage.create(suite, [c1_other, c2], b"m")
    with pytest.raises(InvalidParameters):
        frost.sign(suite, swapped, n1, keys[1])
    with pytest.raises(InvalidParameters):
        frost.SigningPackage.create(suite, [c1, c1], b"m")
    good = frost.SigningPackage.create(suite, [c1, c2], b"m")
    with pytest.raises(InvalidParameters):
        frost.sign(suite, good, n1, keys[2])


@pytest.mark.parametrize("name", SUITES)
def test_aggregate_refuses_missing_or_duplicate_shares(name):
    suite, rng = get_suite(name), seeded_rng(4)
    keys, public = trusted_dealer(suite, 2, 3, rng)
    package, shares = _sign(suite, keys, public, [1, 3], b"m", rng)
    with pytest.raises(InvalidParameters):
        frost.aggregate(suite, package, shares[:1], public)
    with pytest.raises(InvalidParameters):
        frost.aggregate(suite, package, [shares[0], shares[0], shares[1]], public)


@pytest.mark.parametrize("name", SUITES)
def test_round_messages_round_trip(name):
    suite, rng = get_suite(name), seeded_rng(5)
    keys, public = trusted_dealer(suite, 2, 3, rng)
    package, shares = _sign(suite, keys, public, [1, 2], b"m", rng)
    for commitment in package.commitments:
        assert frost.SigningCommitments.from_bytes(suite, commitment.to_bytes(suite)) == commitment
    for share in shares:
        assert frost.SignatureShare.from_bytes(suite, share.to_bytes(suite)) == share
    signature = frost.aggregate(suite, package, shares, public)
    assert frost.Signature.from_bytes(suite, signature.to_bytes(suite)) == signature


def test_nonces_and_secret_shares_stay_out_of_repr():
    suite, rng = get_suite("ed25519"), seeded_rng(6)
    keys, _ = trusted_dealer(suite, 2, 3, rng)
    nonces, _ = frost.commit(suite, keys[1], rng)
    assert str(nonces.hiding) not in repr(nonces)
    assert str(keys[1].secret_share) not in repr(keys[1])


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=5)
@given(a=st.text(min_size=1, max_size=20), b=st.text(min_size=1, max_size=20), seed=st.integers(0, 2**32))
def test_derived_keys_of_different_key_ids_differ_and_verify(name, a, b, seed):
    suite, rng = get_suite(name), seeded_rng(seed)
    keys, public = trusted_dealer(suite, 2, 3, rng)
    signatures = {}
    for key_id in {a, b}:
        derived_public = derive_public_key_package(suite, public, key_id)
        derived = {i: derive_key_package(suite, keys[i], key_id) for i in (1, 3)}
        package, shares = _sign(suite, derived, derived_public, [1, 3], b"m", rng)
        sig = frost.aggregate(suite, package, shares, derived_public).to_bytes(suite)
        pk = suite.serialize_element(derived_public.group_public_key)
        assert verifies(name, pk, b"m", sig)
        signatures[key_id] = (pk, sig)
    if a != b:
        (pk_a, sig_a), (pk_b, _) = signatures[a], signatures[b]
        assert pk_a != pk_b
        assert not verifies(name, pk_b, b"m", sig_a)


@pytest.mark.parametrize("name", SUITES)
def test_cancelling_bad_shares_are_named_when_every_share_is_checked(name):
    suite, rng = get_suite(name), seeded_rng(8)
    keys, public = trusted_dealer(suite, 3, 4, rng)
    package, shares = _sign(suite, keys, public, [1, 2, 4], b"m", rng)
    shares[1] = frost.SignatureShare(2, (shares[1].share + 99) % suite.order)
    shares[2] = frost.SignatureShare(4, (shares[2].share - 99) % suite.order)
    # The sum is unchanged: the signature is valid, so the default path accepts it...
    signature = frost.aggregate(suite, package, shares, public)
    assert verifies(name, suite.serialize_element(public.group_public_key), b"m", signature.to_bytes(suite))
    # ...and the strict path names the first colluder.
    with pytest.raises(InvalidShare) as info:
        frost.aggregate(suite, package, shares, public, check_every_share=True)
    assert info.value.culprit == 2


@settings(max_examples=20)
@given(seed=st.integers(0, 2**32), tamper=st.integers(0, 2))
def test_libsodium_fast_verify_agrees_with_the_rfc_equation(seed, tamper):
    from hot.mpc.crypto.suites.base import Ciphersuite

    suite, rng = get_suite("ed25519"), seeded_rng(seed)
    keys, public = trusted_dealer(suite, 2, 3, rng)
    package, shares = _sign(suite, keys, public, [1, 2], b"m", rng)
    sig = frost.aggregate(suite, package, shares, public)
    pk, msg, R, z = public.group_public_key, b"m", sig.R, sig.z
    if tamper == 1:
        z = (z + 1) % suite.order
    elif tamper == 2:
        msg = b"n"
    fast = suite.verify_schnorr(pk, msg, R, z)
    assert fast == Ciphersuite.verify_schnorr(suite, pk, msg, R, z) == (tamper == 0)


@pytest.mark.parametrize("name", SUITES)
def test_signing_package_wire_format(name):
    from hot.wire.errors import WrongLength

    suite, rng = get_suite(name), seeded_rng(9)
    keys, public = trusted_dealer(suite, 3, 3, rng)
    package, _ = _sign(suite, keys, public, [1, 2, 3], b"message", rng)
    data = package.to_bytes(suite)
    decoded = frost.SigningPackage.from_bytes(suite, data)
    assert decoded == package and decoded.to_bytes(suite) == data
    reused = frost.SigningPackage.from_bytes(suite, data, known=[package.commitments[1]])
    assert reused.commitments[1] is package.commitments[1] and reused == package
    for bad in (data[:1], data[:-1], data + b"x", data[:2] + data[2 + 10 :]):
        with pytest.raises(WrongLength):
            frost.SigningPackage.from_bytes(suite, bad)
    with pytest.raises(InvalidParameters):  # zero commitments
        frost.SigningPackage.from_bytes(suite, bytes(2) + bytes(4))
    item = suite.scalar_size + 2 * suite.element_size
    swapped = data[:2] + data[2 + item : 2 + 2 * item] + data[2 : 2 + item] + data[2 + 2 * item :]
    with pytest.raises(InvalidParameters):  # unsorted list
        frost.SigningPackage.from_bytes(suite, swapped)


def test_packages_of_another_suite_are_refused():
    ed, k1 = get_suite("ed25519"), get_suite("secp256k1")
    rng = seeded_rng(10)
    keys, public = trusted_dealer(ed, 2, 3, rng)
    package, shares = _sign(ed, keys, public, [1, 2], b"m", rng)
    nonces, _ = frost.commit(ed, keys[1], rng)
    with pytest.raises(InvalidParameters):
        frost.sign(k1, package, nonces, keys[1])
    with pytest.raises(InvalidParameters):
        frost.aggregate(k1, package, shares, public)
