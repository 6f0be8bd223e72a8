"""Distributed key generation between node processes over the peer mesh (whitepaper §2.2.3).

The rounds of `hot.mpc.crypto.dkg` (Pedersen/GJKR with Feldman commitments, proofs of knowledge
and complaints) as frames, session `dkg/<domain>/<epoch>/<attempt>/<nonce>`: the Controller's
key-event attempt (a restarted key event never mixes with the stalled one's messages) and a fresh
nonce per run. The participant with the smallest id leads: it opens each run with a round-0
frame and the others join it (`ProtocolRunner._join_dkg`); a failed run is retried by the leader
under a new nonce, so leftovers of the failed run (first frame wins in the mailbox) can never make
the retry fail with `broadcast_mismatch`. Rounds:

1. broadcast the round-one package (commitment + proof of knowledge);
2. broadcast `transcript_digest` of every round-one package received (echo: the DKG's agreement on
   QUAL assumes a broadcast channel; a dealer that showed peers different packages is caught here);
3. send each participant its share f_i(j), privately (the channel is mutually authenticated TLS);
4. broadcast complaints (accused dealer ids) against missing or bad shares;
5. broadcast answers to complaints against this dealer; resolve, finalize.

Every round is logged (no secrets). A silent participant is named by `PeerTimeout`.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hot.mpc.crypto import dkg
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites import get_suite
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.signed_log import SignedLog

from hot.wire.errors import BroadcastMismatch, CulpritError, PeerTimeout, ProtocolError

PREFIX = "dkg/"


def session_name(domain: str, epoch: int, attempt: int) -> str:
    """A fresh run's session id (the leader picks the nonce)."""
    return f"{PREFIX}{domain}/{epoch}/{attempt}/{os.urandom(8).hex()}"


def parse_session(session: str) -> tuple[str, int, int]:
    """(domain, epoch, attempt) of a DKG session id; ValueError if malformed."""
    _, domain, epoch, attempt, nonce = session.split("/")
    if not nonce:
        raise ValueError("a DKG session id needs a nonce")
    return domain, int(epoch), int(attempt)


def _require_all(got: dict[int, bytes], expected: list[int], what: str) -> None:
    missing = [j for j in expected if j not in got]
    if missing:
        raise PeerTimeout(missing, f"{what}: no message from participant(s) {missing}")


async def _complaint_rounds(
    mesh: PeerMesh,
    session: str,
    others: list[int],
    secret: dkg.Round1Secret,
    qualified: dict[int, dkg.Round1Package],
    received: dict[int, int],
    timeout: float,
) -> tuple[dict[int, dkg.Round1Package], dict[int, CulpritError], dict[tuple[int, int], int]]:
    """Rounds 4-5 (GJKR 1(c)-(d)): broadcast complaints, answer those against this dealer, resolve."""
    suite, me = get_suite(secret.parameters.suite), mesh.participant_id
    mine = dkg.verify_received_shares(suite, me, qualified, received)
    await mesh.broadcast(others, session, 4, json.dumps([c.accused for c in mine]).encode())
    raw_complaints = await mesh.collect(session, 4, others, timeout)
    _require_all(raw_complaints, others, "dkg complaints")
    complaints = list(mine)
    for j, data in raw_complaints.items():
        complaints += [dkg.Complaint(j, int(accused)) for accused in json.loads(data)]
    answers = [dkg.answer_complaint(secret, c) for c in complaints if c.accused == me and me in qualified]
    await mesh.broadcast(others, session, 5, json.dumps([[a.accuser, a.share] for a in answers]).encode())
    raw_answers = await mesh.collect(session, 5, others, timeout)
    responses = list(answers)
    for j, data in raw_answers.items():
        responses += [dkg.ComplaintResponse(j, int(accuser), int(share)) for accuser, share in json.loads(data)]
    return dkg.resolve_complaints(suite, qualified, complaints, responses)


async def run_dkg(
    mesh: PeerMesh, domain: str, participants: list[int], threshold: int, epoch: int, log: SignedLog, *, timeout: float,
    attempt: int = 0, session: str | None = None,
) -> KeyShare:
    """One participant's side of the DKG; returns its root key share of `epoch`.

    Every participant must use the same `session` (the leader's; default: one without a nonce).
    """
    suite, me = get_suite(domain), mesh.participant_id
    session = session or f"{PREFIX}{domain}/{epoch}/{attempt}"
    others = [j for j in participants if j != me]
    params = dkg.DkgParameters(domain, threshold, tuple(participants), session.encode())
    mesh.open(session)
    try:
        return await _run(mesh, suite, session, params, others, log, epoch, timeout)
    finally:
        mesh.forget(session)  # a failed run's frames are dropped; a retry has another session id


async def _run(mesh: PeerMesh, suite: Any, session: str, params: dkg.DkgParameters, others: list[int], log: SignedLog,
               epoch: int, timeout: float) -> KeyShare:
    me, threshold = mesh.participant_id, params.threshold
    secret, package = dkg.round1(suite, me, params, os.urandom)
    await mesh.broadcast(others, session, 1, package.to_bytes(suite))
    raw = await mesh.collect(session, 1, others, timeout)
    packages = {me: package}
    for j, data in raw.items():
        try:
            packages[j] = dkg.Round1Package.from_bytes(suite, data, threshold)
        except (ProtocolError, ValueError):
            pass  # malformed: check_round1 excludes and names the dealer
    qualified, excluded = dkg.check_round1(suite, params, packages)
    log.append("protocol", {"event": "dkg_round1", "session": session, "qualified": sorted(qualified), "excluded": sorted(excluded)})

    digest = dkg.transcript_digest(suite, params, packages)
    await mesh.broadcast(others, session, 2, digest)
    echoes = await mesh.collect(session, 2, others, timeout)
    _require_all(echoes, others, "dkg echo")
    liars = sorted(j for j, d in echoes.items() if d != digest)
    if liars:
        raise BroadcastMismatch(f"participants {liars} saw other round-one broadcasts")

    shares = dkg.round2(secret, qualified)
    await mesh.send_each({j: suite.serialize_scalar(s) for j, s in shares.items()}, session, 3)
    dealers = [j for j in qualified if j != me]
    got = await mesh.collect(session, 3, dealers, timeout)
    received = {me: shares[me]}
    for j, data in got.items():
        try:
            received[j] = suite.deserialize_scalar(data)
        except ValueError:
            pass  # a complaint follows
    final, late, revealed = await _complaint_rounds(mesh, session, others, secret, qualified, received, timeout)
    key, public = dkg.finalize(suite, me, params, final, received, revealed)
    log.append("protocol", {"event": "dkg_done", "session": session, "qualified": sorted(final),
                            "excluded": sorted(set(excluded) | set(late)),
                            "public_key": suite.serialize_element(public.group_public_key).hex()})
    return KeyShare.from_packages(key, public, epoch=epoch)
