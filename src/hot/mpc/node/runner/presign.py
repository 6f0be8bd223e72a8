"""ECDSA presigning among one exact set of 2t-1 nodes over the peer mesh (Damgård et al. 2020).

Session `presign/<epoch>/<set label>/<count>/<nonce>`, opened by the set's leader (its smallest
id) with a round-0 frame; members join when they see it, check that they are in the set, that
the leader is its smallest member, that the epoch is current and that `count` is within
1..`MAX_PRESIGN_BATCH` (a peer must not make us do unbounded work). One session makes a batch of
`count` independent presignatures: instance i runs the unchanged crypto bound to its own session
id `<session>/<i>`, so instances get distinct presignature ids and their transcripts cannot be
mixed. Rounds: 1 commitments (broadcast), 2 dealings (private), 3 products (broadcast), 4
reshares (private); then `presign_finish` per instance. Each round sends one frame per peer
carrying every instance's message in instance order (`packing.pack`). A silent member, or one
whose frame does not unpack into exactly `count` well-formed messages, is named by `PeerTimeout`;
a bad message by the crypto layer's `InvalidShare`/`InvalidProof`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from hot.mpc.crypto.ecdsa import presign_finish, presign_round1, presign_round2
from hot.mpc.crypto.ecdsa.messages import (
    PresignCommitments,
    PresignDealing,
    PresignProduct,
    PresignReshare,
)
from hot.mpc.crypto.ecdsa.presignature import PresignatureShare
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites.base import Ciphersuite
from hot.mpc.node.presign_pool import parse_label, set_label
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.runner.packing import pack, unpack

from hot.wire.errors import PeerTimeout, ProtocolError

PREFIX = "presign/"
MAX_PRESIGN_BATCH = 32  # presignatures one session may ask of a member: bounds a peer's claim on our CPU

Message = TypeVar("Message")


def session_name(epoch: int, signers: tuple[int, ...], count: int) -> str:
    """A fresh session for a batch of `count` presignatures of `signers` in `epoch`."""
    check_batch_size(count, "a new presign session")
    return f"{PREFIX}{epoch}/{set_label(signers)}/{count}/{os.urandom(8).hex()}"


def parse_session(session: str) -> tuple[int, tuple[int, ...], int]:
    """(epoch, signers, count) of a presign session name; ValueError if malformed.

    The count is not bounded here: a joiner checks it with `check_batch_size` and logs a refusal.
    """
    _, epoch, label, count, _nonce = session.split("/")
    if str(int(count)) != count:  # one spelling per batch size: "8", never "+8" or "08"
        raise ValueError(f"presign session {session!r}: batch size {count!r} is not canonical")
    return int(epoch), parse_label(label), int(count)


def check_batch_size(count: int, where: str) -> None:
    """ProtocolError unless 1 <= count <= MAX_PRESIGN_BATCH."""
    if not 1 <= count <= MAX_PRESIGN_BATCH:
        raise ProtocolError(f"{where}: batch of {count} presignatures, allowed 1..{MAX_PRESIGN_BATCH}")


def instance_session(session: str, instance: int) -> bytes:
    """The crypto's session id for one instance of a batch: binds it to the session and its index."""
    return f"{session}/{instance}".encode()


def _batch_of(session: str, signers: tuple[int, ...]) -> int:
    """The batch size `session` names, refused if out of range or if it names another signer set."""
    try:
        _, named, count = parse_session(session)
    except ValueError as exc:
        raise ProtocolError(f"malformed presign session {session!r}") from exc
    if named != tuple(signers):
        raise ProtocolError(f"presign session {session!r} names signers {named}, not {tuple(signers)}")
    check_batch_size(count, f"presign session {session!r}")
    return count


async def _send_batches(mesh: PeerMesh, session: str, round: int, batches: Mapping[int, Sequence[bytes]]) -> None:
    """One frame per peer carrying that peer's messages of every instance."""
    await mesh.send_each({j: pack(parts) for j, parts in batches.items()}, session, round)


async def _collect_batches(
    mesh: PeerMesh,
    session: str,
    round: int,
    others: list[int],
    count: int,
    decode: Callable[[Ciphersuite, bytes], Message],
    suite: Ciphersuite,
    timeout: float,
    what: str,
) -> list[dict[int, Message]]:
    """Per instance, every other member's decoded message of `round`; PeerTimeout names a silent or malformed sender."""
    raw = await mesh.collect(session, round, others, timeout)
    missing = [j for j in others if j not in raw]
    if missing:
        raise PeerTimeout(missing, f"{what}: no message from participant(s) {missing}")
    out: list[dict[int, Message]] = [{} for _ in range(count)]
    for j in others:
        try:
            parts = unpack(raw[j])
            if len(parts) != count:
                raise ValueError(f"{len(parts)} messages for a batch of {count}")
            for instance, part in enumerate(parts):
                out[instance][j] = decode(suite, part)
        except (ProtocolError, ValueError) as exc:
            raise PeerTimeout([j], f"{what}: participant {j} sent a malformed message ({exc})") from exc
    return out


async def run_presign(mesh: PeerMesh, key: KeyShare, session: str, signers: tuple[int, ...], *, timeout: float) -> list[PresignatureShare]:
    """This node's side of a batch of presignatures, in instance order; the leader must have sent round 0 first.

    Damgård et al. 2020, preprocessing, run `count` times side by side (count from the session name).
    """
    count = _batch_of(session, signers)
    suite, me = key.suite, mesh.participant_id
    others = [j for j in signers if j != me]

    async def exchange(first: int, broadcast: list[bytes], private: Mapping[int, Sequence[bytes]],
                       decode: tuple[Callable[[Ciphersuite, bytes], Any], Callable[[Ciphersuite, bytes], Any]],
                       what: tuple[str, str]) -> tuple[list[dict[int, Any]], list[dict[int, Any]]]:
        """Round `first` broadcasts, round `first + 1` sends privately; both collected per instance."""
        await mesh.broadcast(others, session, first, pack(broadcast))
        await _send_batches(mesh, session, first + 1, private)
        return (await _collect_batches(mesh, session, first, others, count, decode[0], suite, timeout, what[0]),
                await _collect_batches(mesh, session, first + 1, others, count, decode[1], suite, timeout, what[1]))

    mesh.open(session)
    try:
        round1 = [presign_round1(key, signers, instance_session(session, i), os.urandom) for i in range(count)]
        commitments, dealings = await exchange(
            1, [c.to_bytes(suite) for _, c, _ in round1], {j: [d[j].to_bytes(suite) for _, _, d in round1] for j in others},
            (PresignCommitments.from_bytes, PresignDealing.from_bytes), ("presign commitments", "presign dealings"))
        round2 = []
        for (state1, mine, dealt), theirs, dealt_to_me in zip(round1, commitments, dealings, strict=True):
            round2.append(presign_round2(state1, {me: mine, **theirs}, {me: dealt[me], **dealt_to_me}, os.urandom))
            await asyncio.sleep(0)  # the batch's crypto runs on the event loop: let other sessions in between
        products, reshares = await exchange(
            3, [p.to_bytes(suite) for _, p, _ in round2], {j: [r[j].to_bytes(suite) for _, _, r in round2] for j in others},
            (PresignProduct.from_bytes, PresignReshare.from_bytes), ("presign products", "presign reshares"))
        shares = []
        for (state2, product, reshared), theirs_p, theirs_r in zip(round2, products, reshares, strict=True):
            shares.append(presign_finish(state2, {me: product, **theirs_p}, {me: reshared[me], **theirs_r}))
            await asyncio.sleep(0)
        return shares
    finally:
        mesh.forget(session)
