"""Identifiable abort: every value a party sends is checked, a bad one names its sender, and a
rerun without that party succeeds (the gap the NEAR review notes in Cait-Sith, "no identifiable
abort").
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import coincurve
import pytest

from hot.wire.errors import CulpritError, InvalidProof, InvalidShare, MissingMessage
from hot.mpc.crypto.ecdsa import SignRequest, derived_public_key
from hot.mpc.crypto.ecdsa.local import run_presign, run_sign
from hot.mpc.crypto.proofs_dleq import DleqProof
from hot.mpc.crypto.reshare import KeyShare, trusted_dealer_key_shares
from hot.mpc.crypto.suites import SECP256K1
from hot.mpc.crypto.vss import VssCommitment

from .crypto_testkit import seeded_rng

N = SECP256K1.order
T = 2
KEYS: dict[int, KeyShare] = trusted_dealer_key_shares(SECP256K1, 424242, range(1, 5), T, seeded_rng(1))
FIRST, SECOND = (1, 2, 3), (1, 2, 4)
BAD = 3


def only_from(sender: int, kind: str, change: Any, recipient: int | None = None):
    def tamper(k: str, s: int, r: int, message: Any) -> Any:
        if k == kind and s == sender and (recipient is None or r == recipient):
            return change(message)
        return message

    return tamper


def plus_one(field: str):
    return lambda m: dataclasses.replace(m, **{field: (getattr(m, field) + 1) % N})


CHEATS = {
    "k dealing": ("dealing", plus_one("k_share"), InvalidShare),
    "a dealing": ("dealing", plus_one("a_share"), InvalidShare),
    "zero-sharing dealing": ("dealing", plus_one("z_share"), InvalidShare),
    "out-of-range dealing": ("dealing", lambda m: dataclasses.replace(m, k_share=N + 5), InvalidShare),
    "short commitment": (
        "commitments",
        lambda m: dataclasses.replace(m, k_commitment=VssCommitment(m.k_commitment.points[:1])),
        InvalidShare,
    ),
    "opened product w_i": ("product", plus_one("w_share"), InvalidProof),
    "resharing constant": (
        "product",
        lambda m: dataclasses.replace(
            m, u_commitment=VssCommitment((SECP256K1.base_mul(7),) + m.u_commitment.points[1:])
        ),
        InvalidProof,
    ),
    "forged proof": ("product", lambda m: dataclasses.replace(m, proof=DleqProof(1, 2)), InvalidProof),
    "resharing share": ("reshare", plus_one("u_share"), InvalidShare),
    "mislabelled sender": ("product", lambda m: dataclasses.replace(m, sender=1), InvalidShare),
}


@pytest.mark.parametrize("cheat", sorted(CHEATS))
def test_a_bad_presign_message_names_its_sender_and_a_rerun_without_it_succeeds(cheat: str) -> None:
    kind, change, error = CHEATS[cheat]
    with pytest.raises(error) as caught:
        run_presign(KEYS, FIRST, b"abort", seeded_rng(2), tamper=only_from(BAD, kind, change, recipient=1))
    assert caught.value.culprit == BAD
    presignatures = run_presign(KEYS, SECOND, b"abort-rerun", seeded_rng(3))
    message_hash = hashlib.sha256(cheat.encode()).digest()
    request = SignRequest(message_hash, 99, SECOND, bytes(32))
    sig = run_sign(presignatures, {i: request for i in SECOND}, request, current_epoch=0)
    pub = coincurve.PublicKey(SECP256K1.serialize_element(derived_public_key(SECP256K1, KEYS[1].group_public_key, 99)))
    assert pub.verify(sig.to_der(), message_hash, hasher=None)


def test_a_proof_replayed_into_another_session_is_refused() -> None:
    """DLEQ challenges bind the session transcript: last session's proof does not verify now."""
    recorded: dict[str, Any] = {}

    def record(k: str, s: int, r: int, m: Any) -> Any:
        if k == "product" and s == BAD:
            recorded["proof"] = m.proof
        return m

    run_presign(KEYS, FIRST, b"session-a", seeded_rng(4), tamper=record)
    replay = only_from(BAD, "product", lambda m: dataclasses.replace(m, proof=recorded["proof"]))
    with pytest.raises(InvalidProof) as caught:
        run_presign(KEYS, FIRST, b"session-b", seeded_rng(5), tamper=replay)
    assert caught.value.culprit == BAD


@pytest.mark.parametrize("change", ["plus_one", "zero", "out_of_range"])
def test_a_bad_signature_share_names_its_sender_and_the_others_sign_again(change: str) -> None:
    presignatures = run_presign(KEYS, FIRST, b"sign-abort", seeded_rng(6))
    message_hash = hashlib.sha256(b"pay").digest()
    request = SignRequest(message_hash, 5, FIRST, bytes(32))
    new_value = {"plus_one": lambda s: (s + 1) % N, "zero": lambda s: 0, "out_of_range": lambda s: N}[change]
    tamper = only_from(BAD, "signature_share", lambda m: dataclasses.replace(m, s_share=new_value(m.s_share)))
    with pytest.raises(InvalidShare) as caught:
        run_sign(presignatures, {i: request for i in FIRST}, request, current_epoch=0, tamper=tamper)
    assert caught.value.culprit == BAD
    fresh = run_presign(KEYS, SECOND, b"sign-abort-rerun", seeded_rng(7))
    request = SignRequest(message_hash, 5, SECOND, bytes(32))
    sig = run_sign(fresh, {i: request for i in SECOND}, request, current_epoch=0)
    assert sig.r and sig.s


def test_culprit_errors_are_typed() -> None:
    with pytest.raises(CulpritError):
        run_presign(KEYS, FIRST, b"typed", seeded_rng(8), tamper=only_from(2, "reshare", plus_one("u_share")))


@pytest.mark.parametrize("kind", ["commitments", "dealing", "product", "reshare", "intent", "signature_share"])
def test_a_silent_party_is_named_and_the_others_finish_without_it(kind: str) -> None:
    drop = only_from(BAD, kind, lambda m: None)
    with pytest.raises(MissingMessage) as caught:
        presignatures = run_presign(KEYS, FIRST, b"silent", seeded_rng(9), tamper=drop)
        request = SignRequest(hashlib.sha256(b"silent").digest(), 1, FIRST, bytes(32))
        run_sign(presignatures, {i: request for i in FIRST}, request, current_epoch=0, tamper=drop)
    assert caught.value.culprit == BAD
    presignatures = run_presign(KEYS, SECOND, b"silent-rerun", seeded_rng(10))
    request = SignRequest(hashlib.sha256(b"silent").digest(), 1, SECOND, bytes(32))
    assert run_sign(presignatures, {i: request for i in SECOND}, request, current_epoch=0).s <= N // 2
