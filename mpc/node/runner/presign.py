"""ECDSA presigning among one exact set of 2t-1 nodes over the peer mesh (Damgård et al. 2020).

Session `presign/<epoch>/<set label>/<nonce>`, opened by the set's leader (its smallest id) with a
round-0 frame; members join when they see it, check that they are in the set, that the leader is
its smallest member and that the epoch is current. Rounds: 1 commitments (broadcast), 2 dealings
(private), 3 products (broadcast), 4 reshares (private); then `presign_finish`. A silent member
is named by `PeerTimeout`; a bad message by the crypto layer's `InvalidShare`/`InvalidProof`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from hot.mpc.crypto.ecdsa import presign_finish, presign_round1, presign_round2
from hot.mpc.crypto.ecdsa.messages import (
    PresignCommitments,
    PresignDealing,
    PresignProduct,
    PresignReshare,
)
from hot.mpc.crypto.ecdsa.presignature import PresignatureShare
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.node.presign_pool import parse_label, set_label
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.runner.signing import PeerTimeout

from hot.errors import ProtocolError

PREFIX = "presign/"


def session_name(epoch: int, signers: tuple[int, ...]) -> str:
    return f"{PREFIX}{epoch}/{set_label(signers)}/{os.urandom(8).hex()}"


def parse_session(session: str) -> tuple[int, tuple[int, ...]]:
    """(epoch, signers) of a presign session name; ValueError if malformed."""
    _, epoch, label, _nonce = session.split("/")
    return int(epoch), parse_label(label)


def _decode(cls: Callable[..., object], suite: object, raw: dict[int, bytes], expected: list[int], what: str) -> dict[int, object]:
    missing = [j for j in expected if j not in raw]
    if missing:
        raise PeerTimeout(missing, f"{what}: no message from participant(s) {missing}")
    out = {}
    for j, data in raw.items():
        try:
            out[j] = cls(suite, data)
        except (ProtocolError, ValueError) as exc:
            raise PeerTimeout([j], f"{what}: participant {j} sent a malformed message ({exc})") from exc
    return out


async def run_presign(mesh: PeerMesh, key: KeyShare, session: str, signers: tuple[int, ...], *, timeout: float) -> PresignatureShare:
    """This node's side of one presignature; the leader must have sent round 0 first."""
    suite, me = key.suite, mesh.participant_id
    others = [j for j in signers if j != me]
    mesh.open(session)
    try:
        state1, commitments, dealings = presign_round1(key, signers, session.encode(), os.urandom)
        await mesh.broadcast(others, session, 1, commitments.to_bytes(suite))
        await mesh.send_each({j: d.to_bytes(suite) for j, d in dealings.items()}, session, 2)
        all_commitments = {me: commitments, **_decode(PresignCommitments.from_bytes, suite, await mesh.collect(session, 1, others, timeout), others, "presign commitments")}
        all_dealings = {me: dealings[me], **_decode(PresignDealing.from_bytes, suite, await mesh.collect(session, 2, others, timeout), others, "presign dealings")}
        state2, product, reshares = presign_round2(state1, all_commitments, all_dealings, os.urandom)  # type: ignore[arg-type]
        await mesh.broadcast(others, session, 3, product.to_bytes(suite))
        await mesh.send_each({j: r.to_bytes(suite) for j, r in reshares.items()}, session, 4)
        products = {me: product, **_decode(PresignProduct.from_bytes, suite, await mesh.collect(session, 3, others, timeout), others, "presign products")}
        received = {me: reshares[me], **_decode(PresignReshare.from_bytes, suite, await mesh.collect(session, 4, others, timeout), others, "presign reshares")}
        return presign_finish(state2, products, received)  # type: ignore[arg-type]
    finally:
        mesh.forget(session)
