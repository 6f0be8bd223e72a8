"""Each rule that stops a known attack on presignature ECDSA, tried and refused.

Split view (different signer sets, message hashes or tweaks across parties), presignature reuse,
the zero hash, stale presignatures after a reshare, and malformed input: all typed errors, and a
refused request leaves the presignature unused.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.wire.errors import (
    BroadcastMismatch,
    EncodingError,
    InvalidMessageHash,
    InvalidShare,
    MissingMessage,
    ParticipantMismatch,
    PresignatureReused,
    ProtocolError,
    ScalarOutOfRange,
    StalePresignature,
    TranscriptMismatch,
    WrongLength,
)
from hot.mpc.crypto.ecdsa import SignIntent, SignRequest, combine_signature, presign_round1, sign_intent, sign_share
from hot.mpc.crypto.ecdsa.local import intents_for, run_presign, run_sign
from hot.mpc.crypto.ecdsa.request import rerandomize
from hot.mpc.crypto.polynomial import lagrange_coefficient
from hot.mpc.crypto.ecdsa.messages import PresignCommitments
from hot.mpc.crypto.reshare import ReshareParameters, reshare_deal, reshare_receive, trusted_dealer_key_shares
from hot.mpc.crypto.suites import SECP256K1
from hot.mpc.crypto.vss import VssCommitment

from .crypto_testkit import seeded_rng

N = SECP256K1.order
KEYS = trusted_dealer_key_shares(SECP256K1, 777, range(1, 5), 2, seeded_rng(1))
PARTS = (1, 2, 3)
HASH = hashlib.sha256(b"msg").digest()


def presign(seed: int = 2, parts: tuple[int, ...] = PARTS, keys=KEYS):
    return run_presign(keys, parts, b"attack-%d" % seed, seeded_rng(seed))


def request(message_hash: bytes = HASH, tweak: int = 11, parts: tuple[int, ...] = PARTS) -> SignRequest:
    return SignRequest(message_hash, tweak, parts, bytes(32))


def test_signing_with_a_different_participant_set_is_refused_and_keeps_the_presignature() -> None:
    presignatures = presign()
    with pytest.raises(ParticipantMismatch):
        sign_share(presignatures[1], request(parts=(1, 2, 4)), {}, current_epoch=0)
    with pytest.raises(ParticipantMismatch):
        sign_share(presignatures[1], request(parts=(1, 2)), {}, current_epoch=0)
    assert not presignatures[1].consumed
    agreed = intents_for(presignatures, request(), current_epoch=0)
    shares = {i: sign_share(presignatures[i], request(), agreed, current_epoch=0) for i in (1, 2)}
    with pytest.raises(MissingMessage) as caught:  # a share missing: named, so the rerun can drop it
        combine_signature(presignatures[1].public, request(), shares, current_epoch=0)
    assert caught.value.culprit == 3


@pytest.mark.parametrize(
    "other",
    [
        request(message_hash=hashlib.sha256(b"other").digest()),
        request(tweak=12),
        dataclasses.replace(request(), entropy=b"\x01" * 32),
    ],
    ids=["message hash", "tweak", "entropy"],
)
def test_parties_that_disagree_on_the_request_are_caught_and_named(other: SignRequest) -> None:
    presignatures = presign()
    views = {1: request(), 2: other, 3: request()}
    with pytest.raises(TranscriptMismatch) as caught:
        run_sign(presignatures, views, request(), current_epoch=0)
    assert caught.value.culprit == 2


def test_a_party_that_claims_the_agreed_transcript_but_signs_another_tweak_is_named() -> None:
    presignatures = presign()
    agreed_request, other = request(), request(tweak=12)
    agreed = intents_for(presignatures, agreed_request, current_epoch=0)
    shares = {i: sign_share(presignatures[i], agreed_request, agreed, current_epoch=0) for i in (1, 2)}
    # Party 3 runs no honest code: it signs the other tweak and labels the share with the agreed transcript.
    own_view = intents_for({3: presignatures[3]}, other, current_epoch=0)[3]
    forged_intents = {j: dataclasses.replace(own_view, sender=j) for j in PARTS}
    lie = sign_share(presignatures[3], other, forged_intents, current_epoch=0)
    shares[3] = dataclasses.replace(lie, transcript_hash=agreed[1].transcript_hash)
    with pytest.raises(InvalidShare) as caught:
        combine_signature(presignatures[1].public, agreed_request, shares, current_epoch=0)
    assert caught.value.culprit == 3


def test_why_agreement_comes_first_two_transcripts_reveal_the_root_key() -> None:
    """The attack the intent check stops: a coordinator with t-1 parties and a split view.

    Honest parties 1 and 2 each release one share of the same presignature, under transcripts A
    and B; with corrupted party 3's own shares that is two linear equations in (k^-1, k^-1·x).
    Here the intents are forged (as if peer channels were not authenticated) to show the algebra.
    """
    presignatures = presign(seed=20)
    views = {1: request(), 2: request(message_hash=hashlib.sha256(b"B").digest(), tweak=99)}
    coefficients, released = {}, {}
    for i, view in views.items():
        values = rerandomize(presignatures[i].public, view)
        forged = {j: SignIntent(j, presignatures[i].presignature_id, values.transcript_hash) for j in PARTS}
        released[i] = sign_share(presignatures[i], view, forged, current_epoch=0).s_share
        rho_inv = pow(values.rho, -1, N)
        coefficients[i] = (rho_inv * (values.h + values.r * view.tweak) % N, rho_inv * values.r % N)
    kinv3, sigma3 = presignatures[3].consume()  # the corrupted party's own secrets
    # f(i) = L0(i)·f(0) + L3(i)·f(3) for the degree-1 sharings f = k^-1(X) and σ(X).
    rows = []
    for i in (1, 2):
        l0, l3 = (lagrange_coefficient(N, [0, 3], j, x=i) for j in (0, 3))
        c1, c2 = coefficients[i]
        rows.append((c1 * l0 % N, c2 * l0 % N, (released[i] - c1 * l3 * kinv3 - c2 * l3 * sigma3) % N))
    (a1, b1, e1), (a2, b2, e2) = rows
    det = (a1 * b2 - a2 * b1) % N
    kinv = (e1 * b2 - e2 * b1) * pow(det, -1, N) % N
    sigma = (a1 * e2 - a2 * e1) * pow(det, -1, N) % N
    root_secret = sigma * pow(kinv, -1, N) % N
    assert SECP256K1.base_mul(root_secret) == KEYS[1].group_public_key


def test_honest_parties_refuse_before_consuming_when_an_intent_differs() -> None:
    presignatures = presign()
    views = {1: request(), 2: request(), 3: request(message_hash=hashlib.sha256(b"split").digest())}
    with pytest.raises(TranscriptMismatch) as caught:
        run_sign(presignatures, views, request(), current_epoch=0)
    assert caught.value.culprit == 3 and not presignatures[1].consumed
    intents = {i: sign_intent(p, views[i], current_epoch=0) for i, p in presignatures.items()}
    for i in (1, 2, 3):
        with pytest.raises(TranscriptMismatch):
            sign_share(presignatures[i], views[i], intents, current_epoch=0)
    assert not any(p.consumed for p in presignatures.values())


def test_a_presignature_is_single_use() -> None:
    presignatures = presign()
    sign_share(presignatures[1], request(), intents_for(presignatures, request(), current_epoch=0), current_epoch=0)
    second = request(message_hash=hashlib.sha256(b"second").digest())
    with pytest.raises(PresignatureReused):
        sign_intent(presignatures[1], second, current_epoch=0)
    with pytest.raises(PresignatureReused):
        sign_share(presignatures[1], second, {}, current_epoch=0)
    with pytest.raises(PresignatureReused):
        presignatures[1].consume()


def test_a_presignature_cannot_be_duplicated_in_memory() -> None:
    import copy
    import pickle

    presignature = presign(seed=31)[1]
    for duplicate in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError):
            duplicate(presignature)
    assert not presignature.consumed


def test_concurrent_consumers_get_the_secrets_exactly_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    presignature = presign(seed=30)[1]

    def try_consume(_: int) -> bool:
        try:
            presignature.consume()
        except PresignatureReused:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(try_consume, range(64)))
    assert outcomes.count(True) == 1


def test_the_durable_erase_hook_runs_before_the_share_exists() -> None:
    presignatures = presign()
    erased: list[bytes] = []
    agreed = intents_for(presignatures, request(), current_epoch=0)
    share = sign_share(presignatures[1], request(), agreed, current_epoch=0, on_consumed=erased.append)
    assert erased == [presignatures[1].presignature_id] and share.sender == 1

    def failing_store(presignature_id: bytes) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        sign_share(presignatures[2], request(), agreed, current_epoch=0, on_consumed=failing_store)
    # The store could not record the erase: no share left, and the presignature is burned anyway.
    assert presignatures[2].consumed
    with pytest.raises(PresignatureReused):
        sign_share(presignatures[2], request(), agreed, current_epoch=0)


@pytest.mark.parametrize("message_hash", [bytes(32), N.to_bytes(32, "big")], ids=["zero", "order"])
def test_a_zero_message_hash_is_refused_before_the_presignature_is_touched(message_hash: bytes) -> None:
    presignatures = presign()
    with pytest.raises(InvalidMessageHash):
        sign_share(presignatures[1], SignRequest(message_hash, 0, PARTS, bytes(32)), {}, current_epoch=0)
    assert not presignatures[1].consumed


def test_a_presignature_from_before_a_reshare_is_refused() -> None:
    presignatures = presign()
    params = ReshareParameters(KEYS[1].public(), (1, 2, 3, 4), (1, 2, 3, 4), 2, b"refresh")
    dealt = {i: reshare_deal(KEYS[i], params, seeded_rng(100 + i)) for i in params.dealers}
    new_keys = {
        j: reshare_receive(params, j, {i: d[0] for i, d in dealt.items()}, {i: d[1][j] for i, d in dealt.items()})
        for j in params.new_participants
    }
    epoch = new_keys[1].epoch
    assert epoch == 1
    with pytest.raises(StalePresignature):
        sign_share(presignatures[1], request(), {}, current_epoch=epoch)
    assert not presignatures[1].consumed
    with pytest.raises(StalePresignature):
        combine_signature(presignatures[1].public, request(), {}, current_epoch=epoch)
    fresh = presign(seed=3, keys=new_keys)
    assert fresh[1].public.epoch == epoch
    sig = run_sign(fresh, {i: request() for i in PARTS}, request(), current_epoch=epoch)
    assert sig.r


def test_a_split_view_in_presigning_is_refused_without_blaming_an_honest_party() -> None:
    """Dealer 3 shows party 1 a second, self-consistent dealing (commitments and shares)."""
    _, other_commitments, other_dealings = presign_round1(KEYS[3], PARTS, b"attack-9", seeded_rng(99))

    def split(kind: str, sender: int, recipient: int, message: Any) -> Any:
        if sender == 3 and recipient == 1 and kind == "commitments":
            return other_commitments
        if sender == 3 and recipient == 1 and kind == "dealing":
            return other_dealings[1]
        return message

    with pytest.raises(BroadcastMismatch):
        run_presign(KEYS, PARTS, b"attack-9", seeded_rng(9), tamper=split)


def test_a_split_view_of_mismatched_shares_names_the_dealer() -> None:
    _, other_commitments, _ = presign_round1(KEYS[3], PARTS, b"attack-10", seeded_rng(98))

    def split(kind: str, sender: int, recipient: int, message: Any) -> Any:
        if kind == "commitments" and sender == 3 and recipient == 1:
            assert isinstance(message, PresignCommitments)
            return dataclasses.replace(message, k_commitment=other_commitments.k_commitment)
        return message

    with pytest.raises(InvalidShare) as caught:
        run_presign(KEYS, PARTS, b"attack-10", seeded_rng(10), tamper=split)
    assert caught.value.culprit == 3


def test_a_zero_sharing_cannot_carry_a_constant() -> None:
    """The zero-sharing's constant commitment is implicit: a dealer has no field to put a mask in."""
    fields = {f.name for f in dataclasses.fields(PresignCommitments)}
    assert "z_commitment" in fields
    c = presign_round1(KEYS[1], PARTS, b"z", seeded_rng(5))[1]
    assert len(c.z_commitment) == 2 * 2 - 2
    assert isinstance(c.k_commitment, VssCommitment)


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"message_hash": b"\x01" * 31}, InvalidMessageHash),
        ({"message_hash": b"\x01" * 33}, InvalidMessageHash),
        ({"message_hash": "ab" * 16}, InvalidMessageHash),
        ({"message_hash": bytes(32)}, InvalidMessageHash),
        ({"tweak": -1}, ScalarOutOfRange),
        ({"tweak": 1.5}, ScalarOutOfRange),
        ({"entropy": b"short"}, WrongLength),
        ({"participants": (3, 2, 1)}, ParticipantMismatch),
        ({"participants": (1, 1, 2)}, ParticipantMismatch),
        ({"participants": ()}, ParticipantMismatch),
        ({"participants": ("a", 1)}, ParticipantMismatch),
        ({"participants": (0, 1, 2)}, ParticipantMismatch),
    ],
)
def test_malformed_requests_are_typed_errors(kwargs: dict[str, Any], error: type[Exception]) -> None:
    base = {"message_hash": HASH, "tweak": 1, "participants": PARTS, "entropy": bytes(32)}
    with pytest.raises(error):
        SignRequest(**{**base, **kwargs})


def test_a_tweak_out_of_range_is_refused() -> None:
    with pytest.raises(ScalarOutOfRange):
        request(tweak=N)


@settings(max_examples=25)
@given(message_hash=st.binary(min_size=0, max_size=64), tweak=st.integers(-(2**300), 2**300))
def test_every_request_is_either_accepted_or_a_typed_error(message_hash: bytes, tweak: int) -> None:
    presignatures = presign(seed=4)
    try:
        req = SignRequest(message_hash, tweak, PARTS, bytes(32))
        sign_share(presignatures[1], req, intents_for(presignatures, req, current_epoch=0), current_epoch=0)
    except (EncodingError, ProtocolError):
        assert not presignatures[1].consumed
        return
    assert presignatures[1].consumed
    assert len(message_hash) == 32 and 0 <= tweak < N and int.from_bytes(message_hash, "big") % N
