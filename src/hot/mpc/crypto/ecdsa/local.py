"""Run the ECDSA protocols among in-process parties: for tests, benchmarks and the localnet.

The node's protocol runner moves the same messages over the network; here every round is a
plain loop, with an optional `tamper` hook that may replace any message in flight (how the tests
play a malicious party).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hot.mpc.crypto.ecdsa.presign import presign_finish, presign_round1, presign_round2
from hot.mpc.crypto.ecdsa.presignature import PresignatureShare
from hot.mpc.crypto.ecdsa.agreement import SignIntent, sign_intent
from hot.mpc.crypto.ecdsa.request import SignRequest
from hot.mpc.crypto.ecdsa.sign import SignatureShare, combine_signature, sign_share
from hot.mpc.crypto.ecdsa.signature import EcdsaSignature
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites.base import Rng

Tamper = Callable[[str, int, int, Any], Any]
"""tamper(kind, sender, recipient, message) -> message, or None to drop it; recipient 0: to the combiner."""


def _keep(kind: str, sender: int, recipient: int, message: Any) -> Any:
    return message


def run_presign(
    keys: Mapping[int, KeyShare],
    participants: Sequence[int],
    session_id: bytes,
    rng: Rng,
    tamper: Tamper = _keep,
) -> dict[int, PresignatureShare]:
    """All three steps of presigning for `participants`; returns each party's presignature."""
    parts = tuple(participants)
    r1 = {i: presign_round1(keys[i], parts, session_id, rng) for i in parts}
    states2 = {}
    products, reshares = {}, {}
    for i in parts:
        commitments = _deliver(tamper, "commitments", i, {j: r1[j][1] for j in parts})
        dealings = _deliver(tamper, "dealing", i, {j: r1[j][2][i] for j in parts})
        states2[i], products[i], reshares[i] = presign_round2(r1[i][0], commitments, dealings, rng)
    out = {}
    for i in parts:
        seen_products = _deliver(tamper, "product", i, products)
        seen_reshares = _deliver(tamper, "reshare", i, {j: reshares[j][i] for j in parts})
        out[i] = presign_finish(states2[i], seen_products, seen_reshares)
    return out


def _deliver(tamper: Tamper, kind: str, recipient: int, sent: Mapping[int, Any]) -> dict[int, Any]:
    """What `recipient` receives of the messages `sent` (by sender), after the tamper hook."""
    received = {j: tamper(kind, j, recipient, message) for j, message in sent.items()}
    return {j: message for j, message in received.items() if message is not None}


def run_sign(
    presignatures: Mapping[int, PresignatureShare],
    requests: Mapping[int, SignRequest],
    combiner_request: SignRequest,
    *,
    current_epoch: int,
    tamper: Tamper = _keep,
) -> EcdsaSignature:
    """Each party announces its intent for its own view of the request, then signs; one combiner."""
    intents = {i: sign_intent(p, requests[i], current_epoch=current_epoch) for i, p in presignatures.items()}
    shares: dict[int, SignatureShare] = {}
    for i, p in presignatures.items():
        seen = _deliver(tamper, "intent", i, intents)
        shares[i] = sign_share(p, requests[i], seen, current_epoch=current_epoch)
    shares = _deliver(tamper, "signature_share", 0, shares)
    public = next(iter(presignatures.values())).public
    return combine_signature(public, combiner_request, shares, current_epoch=current_epoch)


def intents_for(
    presignatures: Mapping[int, PresignatureShare], request: SignRequest, *, current_epoch: int
) -> dict[int, SignIntent]:
    """Every party's intent for one shared view of the request (what honest agreement yields)."""
    return {i: sign_intent(p, request, current_epoch=current_epoch) for i, p in presignatures.items()}
