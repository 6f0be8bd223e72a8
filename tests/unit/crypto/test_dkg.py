"""DKG: honest runs agree; cheating dealers are named (InvalidProof / InvalidShare) and excluded,
and the honest participants still agree on the group key and every verification share."""

from __future__ import annotations

import dataclasses

import pytest
from hot.mpc.crypto import dkg, frost
from hot.mpc.crypto.dkg_local import run_local_dkg
from hot.mpc.crypto.polynomial import interpolate_at_zero
from hot.mpc.crypto.proofs import SchnorrProof
from hot.mpc.crypto.suites import get_suite
from hot.mpc.crypto.vss import VssCommitment
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.wire.errors import CulpritError, InvalidParameters, InvalidProof, InvalidShare, ProtocolError

from .crypto_testkit import seeded_rng
from .independent_verify import verifies

SUITES = ["ed25519", "secp256k1"]


def _assert_consistent(suite, result, t):
    """Everyone holds the same public data; any t shares interpolate to the group secret."""
    public = result.public_key_package  # raises if two participants disagree
    for i, key in result.key_packages.items():
        assert key.group_public_key == public.group_public_key
        assert suite.base_mul(key.secret_share) == public.verification_shares[i]
    ids = sorted(result.key_packages)
    for subset in (ids[:t], ids[-t:]):
        secret = interpolate_at_zero(suite.order, {i: result.key_packages[i].secret_share for i in subset})
        assert suite.base_mul(secret) == public.group_public_key
    return public


def _signs(suite, result, signers, rng):
    public = result.public_key_package
    rounds = {i: frost.commit(suite, result.key_packages[i], rng) for i in signers}
    package = frost.SigningPackage.create(suite, [c for _, c in rounds.values()], b"dkg key works")
    shares = [frost.sign(suite, package, rounds[i][0], result.key_packages[i]) for i in signers]
    signature = frost.aggregate(suite, package, shares, public)
    return verifies(suite.name, suite.serialize_element(public.group_public_key), b"dkg key works", signature.to_bytes(suite))


@pytest.mark.parametrize("name", SUITES)
def test_honest_dkg(name):
    suite, rng = get_suite(name), seeded_rng(1)
    result = run_local_dkg(suite, 3, range(1, 6), rng)
    assert result.excluded == {}
    _assert_consistent(suite, result, 3)
    assert _signs(suite, result, [1, 4, 5], rng)


def _bad_proof(suite):
    def tamper(package):
        if package.identifier != 2:
            return package
        return dataclasses.replace(package, proof=SchnorrProof(package.proof.R, (package.proof.mu + 1) % suite.order))

    return tamper


@pytest.mark.parametrize("name", SUITES)
def test_dealer_with_bad_proof_is_named_and_excluded(name):
    suite, rng = get_suite(name), seeded_rng(2)
    result = run_local_dkg(suite, 2, range(1, 5), rng, tamper_round1=_bad_proof(suite))
    assert set(result.excluded) == {2}
    assert isinstance(result.excluded[2], InvalidProof) and result.excluded[2].culprit == 2
    _assert_consistent(suite, result, 2)
    assert _signs(suite, result, [2, 3], rng)  # the excluded dealer still holds a valid share


@pytest.mark.parametrize("name", SUITES)
def test_proof_bound_to_identifier_cannot_be_replayed(name):
    """A rogue dealer copying another's commitment and proof under its own id is caught."""
    suite, rng = get_suite(name), seeded_rng(3)
    params = dkg.DkgParameters(name, 2, (1, 2, 3))
    packages = {i: dkg.round1(suite, i, params, rng)[1] for i in params.participants}
    packages[3] = dataclasses.replace(packages[1], identifier=3)
    qualified, excluded = dkg.check_round1(suite, params, packages)
    assert set(qualified) == {1, 2}
    assert isinstance(excluded[3], InvalidProof) and excluded[3].culprit == 3


@pytest.mark.parametrize("name", SUITES)
def test_bad_share_with_bad_answer_is_named_and_excluded(name):
    suite, rng = get_suite(name), seeded_rng(4)
    corrupt = lambda dealer, recipient, share: (share + 1) if dealer == 3 and recipient == 1 else share
    lie = lambda response: dataclasses.replace(response, share=response.share + 5)
    result = run_local_dkg(suite, 3, range(1, 6), rng, tamper_share=corrupt, tamper_answer=lie)
    assert set(result.excluded) == {3}
    assert isinstance(result.excluded[3], InvalidShare) and result.excluded[3].culprit == 3
    _assert_consistent(suite, result, 3)


@pytest.mark.parametrize("name", SUITES)
def test_bad_share_with_honest_answer_keeps_dealer(name):
    """GJKR: a dealer who answers a complaint with the right share stays; the accuser uses it."""
    suite, rng = get_suite(name), seeded_rng(5)
    corrupt = lambda dealer, recipient, share: None if dealer == 2 and recipient == 4 else share
    result = run_local_dkg(suite, 3, range(1, 6), rng, tamper_share=corrupt)
    assert result.excluded == {}
    _assert_consistent(suite, result, 3)


@pytest.mark.parametrize("name", SUITES)
def test_missing_round1_package_is_named(name):
    suite, rng = get_suite(name), seeded_rng(6)
    params = dkg.DkgParameters(name, 2, (1, 2, 3))
    packages = {i: dkg.round1(suite, i, params, rng)[1] for i in (1, 2)}
    qualified, excluded = dkg.check_round1(suite, params, packages)
    assert set(qualified) == {1, 2} and isinstance(excluded[3], CulpritError) and excluded[3].culprit == 3


@pytest.mark.parametrize("name", SUITES)
@settings(max_examples=20)
@given(data=st.data())
def test_dkg_with_corrupted_dealers_ends_with_the_honest_ones(name, data):
    suite = get_suite(name)
    n = data.draw(st.integers(3, 6))
    t = data.draw(st.integers(1, (n + 1) // 2))
    cheaters = data.draw(st.lists(st.integers(1, n), max_size=t - 1 if t > 1 else 0, unique=True))
    kinds = {c: data.draw(st.sampled_from(["proof", "share", "silent"])) for c in cheaters}
    rng = seeded_rng(data.draw(st.integers(0, 2**32)))

    def tamper_round1(package):
        if kinds.get(package.identifier) != "proof":
            return package
        return dataclasses.replace(package, proof=SchnorrProof(package.proof.R, (package.proof.mu + 1) % suite.order))

    def tamper_share(dealer, recipient, share):
        if kinds.get(dealer) == "share" and recipient != dealer:
            return (share + recipient) % suite.order
        if kinds.get(dealer) == "silent" and recipient != dealer:
            return None
        return share

    def tamper_answer(response):
        return None if kinds.get(response.dealer) in ("share", "silent") else response

    result = run_local_dkg(suite, t, range(1, n + 1), rng, tamper_round1=tamper_round1,
                           tamper_share=tamper_share, tamper_answer=tamper_answer)
    assert set(result.excluded) == set(cheaters)
    for c, error in result.excluded.items():
        assert error.culprit == c
        assert isinstance(error, InvalidProof if kinds[c] == "proof" else InvalidShare)
    _assert_consistent(suite, result, t)


def test_parameters_are_checked():
    with pytest.raises(InvalidParameters):
        dkg.DkgParameters("ed25519", 4, (1, 2, 3))
    with pytest.raises(InvalidParameters):
        dkg.DkgParameters("ed25519", 2, (1, 1, 3))
    suite = get_suite("ed25519")
    params = dkg.DkgParameters("ed25519", 2, (1, 2, 3))
    with pytest.raises(InvalidParameters):
        dkg.round1(suite, 4, params, seeded_rng(0))


def test_too_few_qualified_dealers_is_an_error():
    suite, rng = get_suite("secp256k1"), seeded_rng(8)
    params = dkg.DkgParameters("secp256k1", 3, (1, 2, 3))
    secrets, packages = zip(*(dkg.round1(suite, i, params, rng) for i in params.participants))
    qualified = {p.identifier: p for p in packages[:2]}
    received = {i: dkg.round2(secrets[i - 1], qualified)[1] for i in qualified}
    with pytest.raises(ProtocolError):
        dkg.finalize(suite, 1, params, qualified, received)


def test_vss_commitment_round_trip():
    suite, rng = get_suite("ed25519"), seeded_rng(9)
    params = dkg.DkgParameters("ed25519", 3, (1, 2, 3))
    _, package = dkg.round1(suite, 1, params, rng)
    data = package.commitment.to_bytes(suite)
    assert VssCommitment.from_bytes(suite, data) == package.commitment
    assert SchnorrProof.from_bytes(suite, package.proof.to_bytes(suite)) == package.proof


@pytest.mark.parametrize("name", SUITES)
def test_group_key_is_the_sum_of_qualified_constant_terms(name):
    """Round by round: the excluded dealer's C_0 does not enter the group key."""
    suite, rng = get_suite(name), seeded_rng(10)
    params = dkg.DkgParameters(name, 2, (1, 2, 3, 4))
    secrets, packages = {}, {}
    for i in params.participants:
        secrets[i], packages[i] = dkg.round1(suite, i, params, rng)
    packages[4] = _bad_proof_package(suite, packages[4])
    qualified, excluded = dkg.check_round1(suite, params, packages)
    assert set(excluded) == {4}
    with pytest.raises(ProtocolError):
        dkg.round2(secrets[4], qualified)
    outgoing = {i: dkg.round2(secrets[i], qualified) for i in qualified}
    inbox = {j: {i: outgoing[i][j] for i in qualified} for j in params.participants}
    assert all(dkg.verify_received_shares(suite, j, qualified, inbox[j]) == [] for j in params.participants)
    results = [dkg.finalize(suite, j, params, qualified, inbox[j]) for j in params.participants]
    expected = suite.sum(packages[i].commitment.constant for i in (1, 2, 3))
    assert all(public.group_public_key == expected for _, public in results)


def _bad_proof_package(suite, package):
    return dataclasses.replace(package, proof=SchnorrProof(package.proof.R, (package.proof.mu + 1) % suite.order))


@pytest.mark.parametrize("name", SUITES)
def test_round1_package_wire_format(name):
    suite, rng = get_suite(name), seeded_rng(11)
    params = dkg.DkgParameters(name, 3, (1, 2, 3, 4))
    _, package = dkg.round1(suite, 2, params, rng)
    data = package.to_bytes(suite)
    assert dkg.Round1Package.from_bytes(suite, data, 3) == package
    from hot.wire.errors import IdentityElement, WrongLength

    for bad in (data[:-1], data + b"\x00", b""):
        with pytest.raises(WrongLength):
            dkg.Round1Package.from_bytes(suite, bad, 3)
    with pytest.raises(WrongLength):  # a package made for another threshold
        dkg.Round1Package.from_bytes(suite, data, 2)
    identity = suite.serialize_element(suite.identity())
    e, s = suite.element_size, suite.scalar_size
    with pytest.raises(IdentityElement):  # an identity coefficient commitment
        dkg.Round1Package.from_bytes(suite, data[: len(data) - e] + identity, 3)
    with pytest.raises(InvalidParameters):  # identifier zero
        dkg.Round1Package.from_bytes(suite, suite.serialize_scalar(0) + data[s:], 3)


@pytest.mark.parametrize("name", SUITES)
def test_transcript_digest_detects_equivocation(name):
    suite, rng = get_suite(name), seeded_rng(12)
    params = dkg.DkgParameters(name, 2, (1, 2, 3))
    packages = {i: dkg.round1(suite, i, params, rng)[1] for i in params.participants}
    seen_by_1 = dict(packages)
    seen_by_2 = {**packages, 3: dkg.round1(suite, 3, params, rng)[1]}  # dealer 3 equivocates
    assert dkg.transcript_digest(suite, params, seen_by_1) == dkg.transcript_digest(suite, params, dict(packages))
    assert dkg.transcript_digest(suite, params, seen_by_1) != dkg.transcript_digest(suite, params, seen_by_2)
    other_context = dkg.DkgParameters(name, 2, (1, 2, 3), context=b"epoch-2")
    assert dkg.transcript_digest(suite, params, seen_by_1) != dkg.transcript_digest(suite, other_context, seen_by_1)


def test_parameters_of_another_suite_are_refused():
    params = dkg.DkgParameters("ed25519", 2, (1, 2, 3))
    with pytest.raises(InvalidParameters):
        dkg.round1(get_suite("secp256k1"), 1, params, seeded_rng(0))
