"""Resharing and refresh: same group key (and derived keys) for any change of members and threshold;
new and old shares do not combine; a bad dealer is named and the honest dealings still finish;
after a reshare the new set signs ECDSA under the same key and old presignatures are stale.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import coincurve
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.wire.errors import InvalidParameters, InvalidShare, StalePresignature
from hot.mpc.crypto.derivation import derive_public_key, derive_tweak
from hot.mpc.crypto.ecdsa import SignRequest, sign_share
from hot.mpc.crypto.ecdsa.local import run_presign, run_sign
from hot.mpc.crypto.polynomial import interpolate_at_zero
from hot.mpc.crypto.reshare import (
    KeyShare,
    ReshareCommitment,
    ReshareParameters,
    complaint_upheld,
    refresh_parameters,
    reshare_deal,
    reshare_receive,
    trusted_dealer_key_shares,
)
from hot.mpc.crypto.suites import ED25519, SECP256K1, Ciphersuite
from hot.mpc.crypto.vss import VssCommitment

from .crypto_testkit import seeded_rng

SUITES = [SECP256K1, ED25519]
Tamper = Callable[[int, int, Any], Any]


def deal_all(
    keys: dict[int, KeyShare], params: ReshareParameters, seed: int, tamper: Tamper | None = None
) -> tuple[dict[int, ReshareCommitment], dict[int, dict[int, Any]]]:
    """Run every dealer; tamper(dealer, recipient or 0, message) may replace what a dealer sends."""
    rng = seeded_rng(seed)
    commitments, inbox = {}, {j: {} for j in params.new_participants}
    for i in params.dealers:
        commitment, shares = reshare_deal(keys[i], params, rng)
        commitments[i] = tamper(i, 0, commitment) if tamper else commitment
        for j, share in shares.items():
            inbox[j][i] = tamper(i, j, share) if tamper else share
    return commitments, inbox


def receive_all(params: ReshareParameters, commitments, inbox) -> dict[int, KeyShare]:
    return {j: reshare_receive(params, j, commitments, inbox[j]) for j in params.new_participants}


def reshare(keys, dealers, new_participants, new_threshold, seed=7) -> dict[int, KeyShare]:
    params = ReshareParameters(
        next(iter(keys.values())).public(), tuple(dealers), tuple(new_participants), new_threshold, b"r"
    )
    return receive_all(params, *deal_all(keys, params, seed))


def secret_of(suite: Ciphersuite, keys: dict[int, KeyShare], ids: Sequence[int]) -> int:
    return interpolate_at_zero(suite.order, {i: keys[i].secret_share for i in ids})


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
@pytest.mark.parametrize(
    "old_n,old_t,dealers,new_ids,new_t",
    [
        (5, 3, (1, 2, 3), range(1, 8), 4),  # grow 5 -> 7
        (5, 3, (2, 4, 5), (3, 4, 5, 6), 2),  # shrink, overlapping
        (3, 2, (1, 3), (10, 11, 12, 13), 3),  # disjoint
        (4, 2, (1, 2, 3, 4), (1, 2, 3, 4), 2),  # refresh shape, all dealers
    ],
)
def test_reshare_keeps_the_group_key_and_every_new_t_set_reconstructs(
    suite: Ciphersuite, old_n: int, old_t: int, dealers, new_ids, new_t: int
) -> None:
    rng = seeded_rng(3)
    secret = suite.random_scalar(rng)
    keys = trusted_dealer_key_shares(suite, secret, range(1, old_n + 1), old_t, rng)
    new = reshare(keys, dealers, new_ids, new_t)
    for j, key in new.items():
        assert key.group_public_key == keys[1].group_public_key and key.epoch == 1 and key.threshold == new_t
        assert key.verification_shares == new[min(new)].verification_shares
        assert suite.base_mul(key.secret_share) == key.verification_shares[j]
    for ids in itertools.combinations(sorted(new), new_t):
        assert secret_of(suite, new, ids) == secret
    if new_t > 1:
        assert secret_of(suite, new, sorted(new)[: new_t - 1]) != secret
    assert derive_public_key(suite, new[min(new)].group_public_key, "bob") == derive_public_key(
        suite, keys[1].group_public_key, "bob"
    )


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_old_and_new_shares_do_not_reconstruct_together(suite: Ciphersuite) -> None:
    """A thief with t-1 old shares and t-1 new ones holds nothing: no t-mix interpolates to x."""
    rng = seeded_rng(4)
    secret = suite.random_scalar(rng)
    old = trusted_dealer_key_shares(suite, secret, range(1, 6), 3, rng)
    new = reshare(old, (1, 2, 3, 4, 5), range(1, 6), 3)
    for old_ids in itertools.combinations(range(1, 6), 2):
        for new_id in (i for i in range(1, 6) if i not in old_ids):
            mixed = {i: old[i].secret_share for i in old_ids} | {new_id: new[new_id].secret_share}
            assert interpolate_at_zero(suite.order, mixed) != secret
    for new_ids in itertools.combinations(range(1, 6), 2):
        for old_id in (i for i in range(1, 6) if i not in new_ids):
            mixed = {i: new[i].secret_share for i in new_ids} | {old_id: old[old_id].secret_share}
            assert interpolate_at_zero(suite.order, mixed) != secret
    assert all(new[i].secret_share != old[i].secret_share for i in range(1, 6))


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_refresh_same_set_new_shares_same_key_next_epoch(suite: Ciphersuite) -> None:
    rng = seeded_rng(5)
    keys = trusted_dealer_key_shares(suite, suite.random_scalar(rng), range(1, 4), 2, rng)
    params = refresh_parameters(keys[1].public(), b"refresh-1")
    new = receive_all(params, *deal_all(keys, params, 6))
    assert {k.epoch for k in new.values()} == {1}
    assert all(new[i].secret_share != keys[i].secret_share for i in new)
    again = receive_all(
        refresh_parameters(new[1].public(), b"refresh-2"),
        *deal_all(new, refresh_parameters(new[1].public(), b"refresh-2"), 7),
    )
    assert {k.epoch for k in again.values()} == {2}
    assert again[2].group_public_key == keys[2].group_public_key
    assert secret_of(suite, again, (1, 3)) == secret_of(suite, keys, (2, 3))


def wrong_constant(suite: Ciphersuite) -> Tamper:
    return lambda i, j, m: (
        dataclasses.replace(m, commitment=VssCommitment((suite.base_mul(1),) + m.commitment.points[1:]))
        if i == 2 and j == 0
        else m
    )


BAD_DEALERS: dict[str, Callable[[Ciphersuite], Tamper]] = {
    "wrong constant": wrong_constant,
    "bad share": lambda suite: (
        lambda i, j, m: dataclasses.replace(m, share=(m.share + 1) % suite.order) if i == 2 and j == 5 else m
    ),
    "wrong degree": lambda suite: (
        lambda i, j, m: (
            dataclasses.replace(m, commitment=VssCommitment(m.commitment.points[:2])) if i == 2 and j == 0 else m
        )
    ),
    "mislabelled": lambda suite: lambda i, j, m: dataclasses.replace(m, sender=3) if i == 2 and j == 0 else m,
}


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
@pytest.mark.parametrize("cheat", sorted(BAD_DEALERS))
def test_a_bad_dealer_is_named_and_the_honest_dealings_finish(suite: Ciphersuite, cheat: str) -> None:
    rng = seeded_rng(8)
    secret = suite.random_scalar(rng)
    keys = trusted_dealer_key_shares(suite, secret, range(1, 6), 3, rng)
    params = ReshareParameters(keys[1].public(), (1, 2, 3, 4), tuple(range(1, 8)), 4, b"bad-dealer")
    commitments, inbox = deal_all(keys, params, 9, BAD_DEALERS[cheat](suite))
    with pytest.raises(InvalidShare) as caught:
        receive_all(params, commitments, inbox)
    assert caught.value.culprit == 2
    honest = params.with_dealers([i for i in params.dealers if i != caught.value.culprit])
    new = receive_all(honest, commitments, inbox)  # the same messages, no new round
    assert secret_of(suite, new, (1, 3, 5, 7)) == secret
    assert new[1].group_public_key == keys[1].group_public_key
    with pytest.raises(InvalidParameters):  # too few honest dealers left: a typed refusal
        params.with_dealers([1, 3])


def test_typed_errors_for_bad_reshare_input() -> None:
    keys = trusted_dealer_key_shares(SECP256K1, 9, range(1, 4), 2, seeded_rng(1))
    public = keys[1].public()
    for dealers, new_ids, new_t in [
        ((1,), (1, 2), 1),
        ((1, 1), (1, 2), 1),
        ((1, 9), (1, 2), 1),
        ((1, 2), (1, 2), 3),
        ((1, 2), (2, 1), 1),
        ((1, 2), (0, 1), 1),
    ]:
        with pytest.raises(InvalidParameters):
            ReshareParameters(public, dealers, new_ids, new_t, b"x")
    params = ReshareParameters(public, (1, 2), (1, 2, 3), 2, b"x")
    with pytest.raises(InvalidParameters):
        reshare_deal(keys[3], params, seeded_rng(2))  # not a dealer
    with pytest.raises(InvalidParameters):
        reshare_deal(dataclasses.replace(keys[1], epoch=5), params, seeded_rng(2))  # wrong epoch
    commitments, inbox = deal_all(keys, params, 3)
    with pytest.raises(InvalidParameters):
        reshare_receive(params, 9, commitments, inbox[1])
    with pytest.raises(InvalidParameters):
        reshare_receive(params, 1, {2: commitments[2]}, inbox[1])
    assert str(keys[1].secret_share) not in repr(keys[1])


@settings(max_examples=8)
@given(
    old_t=st.integers(1, 3),
    old_extra=st.integers(0, 2),
    new_t=st.integers(1, 3),
    new_extra=st.integers(0, 2),
    shift=st.integers(0, 4),
    seed=st.integers(0, 2**32),
)
def test_after_reshare_the_new_set_signs_ecdsa_under_the_same_address(
    old_t, old_extra, new_t, new_extra, shift, seed
) -> None:
    rng = seeded_rng(seed)
    old_n, new_n = old_t + old_extra, 2 * new_t - 1 + new_extra
    old = trusted_dealer_key_shares(SECP256K1, SECP256K1.random_scalar(rng), range(1, old_n + 1), old_t, rng)
    old_presigs = run_presign(old, tuple(range(1, 2 * old_t)), b"old", rng) if 2 * old_t - 1 <= old_n else None
    new_ids = tuple(range(1 + shift, new_n + 1 + shift))
    new = reshare(old, range(1, old_t + 1), new_ids, new_t, seed)
    parts = new_ids[: 2 * new_t - 1]
    message_hash = hashlib.sha256(b"after reshare %d" % seed).digest()
    tweak = derive_tweak(SECP256K1, "carol")
    presigs = run_presign(new, parts, b"new", rng)
    req = SignRequest(message_hash, tweak, parts, rng(32))
    sig = run_sign(presigs, {i: req for i in parts}, req, current_epoch=1)
    address_key = derive_public_key(SECP256K1, old[1].group_public_key, "carol")
    recovered = coincurve.PublicKey.from_signature_and_message(sig.to_recoverable(), message_hash, hasher=None)
    assert recovered.format() == SECP256K1.serialize_element(address_key)
    if old_presigs:
        old_req = SignRequest(message_hash, tweak, tuple(range(1, 2 * old_t)), rng(32))
        with pytest.raises(StalePresignature):
            sign_share(old_presigs[1], old_req, {}, current_epoch=1)


def test_a_complaint_is_settled_on_public_data() -> None:
    keys = trusted_dealer_key_shares(SECP256K1, 21, range(1, 4), 2, seeded_rng(11))
    params = ReshareParameters(keys[1].public(), (1, 2), (1, 2, 3), 2, b"complaint")
    commitments, inbox = deal_all(keys, params, 12)
    assert not complaint_upheld(params, commitments[2], inbox[3][2])  # a false accusation fails
    forged = dataclasses.replace(inbox[3][2], share=(inbox[3][2].share + 1) % SECP256K1.order)
    assert complaint_upheld(params, commitments[2], forged)


def test_dkg_keys_refresh_and_still_sign_frost_ed25519() -> None:
    """The DKG's packages go through a refresh and back into FROST: same key, valid Ed25519."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from hot.mpc.crypto import frost
    from hot.mpc.crypto.dkg_local import run_local_dkg
    from hot.mpc.crypto.frost_messages import SigningPackage

    rng = seeded_rng(13)
    dkg = run_local_dkg(ED25519, 2, (1, 2, 3), rng)
    keys = {i: KeyShare.from_packages(dkg.key_packages[i], dkg.public_key_package) for i in (1, 2, 3)}
    params = refresh_parameters(keys[1].public(), b"refresh-frost")
    refreshed = receive_all(params, *deal_all(keys, params, 14))
    packages = {i: refreshed[i].to_packages() for i in refreshed}
    signers, message = (1, 3), b"refreshed"
    nonces, commitments = {}, {}
    for i in signers:
        nonces[i], commitments[i] = frost.commit(ED25519, packages[i][0], rng)
    package = SigningPackage("ed25519", tuple(commitments[i] for i in signers), message)
    shares = [frost.sign(ED25519, package, nonces[i], packages[i][0]) for i in signers]
    signature = frost.aggregate(ED25519, package, shares, packages[1][1])
    public_key = ED25519.serialize_element(dkg.public_key_package.group_public_key)
    encoded = ED25519.serialize_element(signature.R) + ED25519.serialize_scalar(signature.z)
    Ed25519PublicKey.from_public_bytes(public_key).verify(encoded, message)  # raises if invalid


@settings(max_examples=10)
@given(
    suite=st.sampled_from(SUITES),
    old_t=st.integers(1, 3),
    old_extra=st.integers(0, 2),
    new_t=st.integers(1, 4),
    new_extra=st.integers(0, 2),
    offset=st.integers(0, 6),
    seed=st.integers(0, 2**32),
)
def test_reshare_keeps_the_key_for_any_sizes(suite, old_t, old_extra, new_t, new_extra, offset, seed) -> None:
    rng = seeded_rng(seed)
    secret = suite.random_scalar(rng)
    old = trusted_dealer_key_shares(suite, secret, range(1, old_t + old_extra + 1), old_t, rng)
    new_ids = tuple(range(1 + offset, new_t + new_extra + 1 + offset))
    new = reshare(old, sorted(old)[old_extra:], new_ids, new_t, seed)
    assert {k.group_public_key for k in new.values()} == {old[1].group_public_key}
    assert secret_of(suite, new, new_ids[-new_t:]) == secret
