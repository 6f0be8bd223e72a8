"""The runner's protocols over real mutual-TLS transports in one event loop: DKG, presign batches, culprits named."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Self

import coincurve
import pytest
from hot.mpc.crypto.derivation import derive_public_key
from hot.mpc.crypto.dkg_local import run_local_dkg
from hot.mpc.crypto.ecdsa import (
    SignRequest,
    combine_signature,
    presign_round1,
    sign_intent,
    sign_share,
)
from hot.mpc.crypto.ecdsa.messages import PresignDealing
from hot.mpc.crypto.ecdsa.presignature import PresignatureShare
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites import get_suite
from hot.mpc.node.identity import NodeIdentity
from hot.mpc.node.runner.dkg import run_dkg
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.runner.packing import pack, unpack
from hot.mpc.node.runner.presign import instance_session, run_presign, session_name
from hot.mpc.node.signed_log import SignedLog
from hot.mpc.node.transport import PeerTransport
from hot.mpc.node.transport.frames import Frame

from hot.wire.errors import EncodingError, InvalidShare, PeerTimeout, ProtocolError

SIGNERS = (1, 2, 3)


class Mesh:
    """n meshes on 127.0.0.1, each pinned to the others' p2p keys."""

    def __init__(self, root: Path, n: int) -> None:
        self.ids = list(range(1, n + 1))
        self.identities = {i: NodeIdentity.load_or_create(root / f"n{i}") for i in self.ids}
        self.keys = {str(i): self.identities[i].p2p_public_key for i in self.ids}
        self.addresses: dict[int, tuple[str, int]] = {}
        self.transports = {i: PeerTransport(str(i), self.identities[i].p2p_key, lambda: self.keys) for i in self.ids}
        self.meshes = {i: PeerMesh(i, self.transports[i], lambda: self.addresses, retry_seconds=0.5) for i in self.ids}
        self.logs = {i: SignedLog(root / f"n{i}" / "node.log", self.identities[i].signing_key) for i in self.ids}

    async def __aenter__(self) -> Self:
        for i in self.ids:
            self.addresses[i] = await self.transports[i].listen("127.0.0.1", 0)
            self.meshes[i].start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for i in self.ids:
            await self.meshes[i].close()
            await self.transports[i].close()
            self.logs[i].close()


def test_dkg_then_presign_then_sign_over_the_mesh(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with Mesh(tmp_path, 3) as net:
            shares = await asyncio.gather(*(run_dkg(net.meshes[i], "secp256k1", net.ids, 2, 0, net.logs[i], timeout=10) for i in net.ids))
            assert len({s.group_public_key for s in shares}) == 1
            keys = {s.identifier: s for s in shares}
            session = session_name(0, (1, 2, 3), 1)
            batches = await asyncio.gather(*(run_presign(net.meshes[i], keys[i], session, (1, 2, 3), timeout=10) for i in net.ids))
            presignatures = [p for batch in batches for p in batch]
            assert len(presignatures) == 3
            by_id = {p.identifier: p for p in presignatures}
            request = SignRequest.for_key_id("k", b"\x01" * 32, (1, 2, 3), b"\x02" * 32)
            intents = {i: sign_intent(p, request, current_epoch=0) for i, p in by_id.items()}
            signature_shares = {i: sign_share(p, request, intents, current_epoch=0) for i, p in by_id.items()}
            assert combine_signature(presignatures[0].public, request, signature_shares, current_epoch=0).s > 0

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_a_silent_participant_is_named_by_the_dkg(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with Mesh(tmp_path, 3) as net:
            with pytest.raises(PeerTimeout) as named:
                await asyncio.gather(*(run_dkg(net.meshes[i], "ed25519", net.ids, 2, 0, net.logs[i], timeout=1.0) for i in (1, 2)))
            assert named.value.missing == [3]

    asyncio.run(asyncio.wait_for(scenario(), 60))


class OpeningFrameLast:
    """Node 3's inbox, reordered: a session's round-0 frame is held until another frame of it was delivered.

    That is the order a slow leader link gives: another member joined first and its round-one
    frame reached this node before the leader's opening frame.
    """

    def __init__(self, inner: asyncio.Queue[Frame]) -> None:
        self.inner = inner
        self.held: dict[bytes, Frame] = {}
        self.delivered: list[tuple[bytes, int, str]] = []

    async def put(self, frame: Frame) -> None:  # the transport's side
        await self.inner.put(frame)

    async def get(self) -> Frame:  # the mesh's side
        while True:
            for session, opening in list(self.held.items()):
                if any(s == session for s, _, _ in self.delivered):
                    del self.held[session]
                    return self._deliver(opening)
            frame = await self.inner.get()
            if frame.round == 0:
                self.held[frame.session_id] = frame
                continue
            return self._deliver(frame)

    def _deliver(self, frame: Frame) -> Frame:
        self.delivered.append((frame.session_id, frame.round, frame.sender_id))
        return frame


def test_a_member_joins_when_another_members_frame_beats_the_leaders_opening_frame(tmp_path: Path) -> None:
    async def scenario() -> None:
        net = Mesh(tmp_path, 3)
        reorder = OpeningFrameLast(net.transports[3].inbox)
        net.transports[3].inbox = reorder  # type: ignore[assignment]  # before node 3's pump starts reading
        async with net:
            shares = await asyncio.gather(*(run_dkg(net.meshes[i], "secp256k1", net.ids, 2, 0, net.logs[i], timeout=10) for i in net.ids))
            keys = {s.identifier: s for s in shares}
            joined: asyncio.Future[list[PresignatureShare]] = asyncio.get_running_loop().create_future()

            async def join(session: str, sender: int, payload: bytes) -> None:
                joined.set_result(await run_presign(net.meshes[3], keys[3], session, (1, 2, 3), timeout=10))

            net.meshes[3].on_new_session("presign/", join)
            session = session_name(0, (1, 2, 3), 1)
            await net.meshes[1].send(2, session, 0, b"")  # node 2 hears the leader and starts at once
            member = asyncio.create_task(run_presign(net.meshes[2], keys[2], session, (1, 2, 3), timeout=10))
            await net.meshes[1].send(3, session, 0, b"")  # node 3's inbox holds this until a later frame came
            leader = await run_presign(net.meshes[1], keys[1], session, (1, 2, 3), timeout=3)
            third = await asyncio.wait_for(joined, 5)
            second = await member
            assert [p.public for p in leader] == [p.public for p in second] == [p.public for p in third]
            first_round = next(r for s, r, _ in reorder.delivered if s == session.encode())
            assert first_round != 0 and (session.encode(), 0, "1") in reorder.delivered  # the bad order happened

    asyncio.run(asyncio.wait_for(scenario(), 60))


def local_keys() -> dict[int, KeyShare]:
    """secp256k1 shares of a 2-of-3 key made in-process (the mesh DKG is tested above)."""
    result = run_local_dkg(get_suite("secp256k1"), 2, list(SIGNERS), os.urandom)
    return {i: KeyShare.from_packages(result.key_packages[i], result.public_key_package) for i in SIGNERS}


def sign_with(batch: dict[int, PresignatureShare], digest: bytes) -> bytes:
    """One ECDSA signature from one instance's presignature shares, as coincurve's recoverable bytes."""
    request = SignRequest.for_key_id("k", digest, SIGNERS, os.urandom(32))
    intents = {i: sign_intent(p, request, current_epoch=0) for i, p in batch.items()}
    shares = {i: sign_share(p, request, intents, current_epoch=0) for i, p in batch.items()}
    return combine_signature(batch[1].public, request, shares, current_epoch=0).to_recoverable()


def test_one_session_makes_a_batch_of_distinct_presignatures_that_each_sign(tmp_path: Path) -> None:
    count = 4
    keys = local_keys()

    async def scenario() -> list[list[PresignatureShare]]:
        async with Mesh(tmp_path, 3) as net:
            session = session_name(0, SIGNERS, count)
            return list(await asyncio.gather(*(run_presign(net.meshes[i], keys[i], session, SIGNERS, timeout=10) for i in SIGNERS)))

    batches = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert [len(b) for b in batches] == [count] * 3
    instances = [{batch[n].identifier: batch[n] for batch in batches} for n in range(count)]
    assert all(inst[1].public == inst[2].public == inst[3].public for inst in instances)  # members agree per instance
    assert len({inst[1].presignature_id for inst in instances}) == count  # each instance its own transcript
    suite = get_suite("secp256k1")
    expected = suite.serialize_element(derive_public_key(suite, keys[1].group_public_key, "k"))
    for n, inst in enumerate(instances):
        digest = hashlib.sha256(b"pay bob %d" % n).digest()
        recovered = coincurve.PublicKey.from_signature_and_message(sign_with(inst, digest), digest, hasher=None)
        assert recovered.format() == expected


def _cheat(session: str, key: KeyShare, commitments: Callable[[list[bytes]], bytes]) -> tuple[bytes, dict[int, bytes]]:
    """Participant 3's round-1 frames for a batch of 3, its commitments frame rewritten by `commitments`."""
    suite = key.suite
    round1 = [presign_round1(key, SIGNERS, instance_session(session, n), os.urandom) for n in range(3)]
    dealings = {j: pack([dealt[j].to_bytes(suite) for _, _, dealt in round1]) for j in (1, 2)}
    return commitments([c.to_bytes(suite) for _, c, _ in round1]), dealings


async def _honest_against(net: Mesh, keys: dict[int, KeyShare], session: str, frames: tuple[bytes, dict[int, bytes]],
                          timeout: float) -> list[object]:
    """Nodes 1 and 2 run the batch; node 3 sends `frames` instead of taking part."""
    broadcast, dealings = frames
    net.meshes[3].open(session)
    await net.meshes[3].broadcast([1, 2], session, 1, broadcast)
    await net.meshes[3].send_each(dealings, session, 2)
    runs = (run_presign(net.meshes[i], keys[i], session, SIGNERS, timeout=timeout) for i in (1, 2))
    return list(await asyncio.gather(*runs, return_exceptions=True))


@pytest.mark.parametrize("commitments", [
    lambda parts: pack(parts[:-1]),  # one instance short
    lambda parts: pack([*parts, parts[0]]),  # one instance too many
    lambda parts: pack(parts)[:-1],  # cut short: the last length prefix overruns
    lambda parts: pack([*parts[:-1], b"\x00" * 5]),  # the right count, one message undecodable
], ids=["too-few", "too-many", "cut-short", "undecodable"])
def test_a_malformed_batch_frame_names_its_sender(tmp_path: Path, commitments: Callable[[list[bytes]], bytes]) -> None:
    keys = local_keys()

    async def scenario() -> list[object]:
        async with Mesh(tmp_path, 3) as net:
            session = session_name(0, SIGNERS, 3)
            return await _honest_against(net, keys, session, _cheat(session, keys[3], commitments), timeout=10)

    for outcome in asyncio.run(asyncio.wait_for(scenario(), 60)):
        assert isinstance(outcome, PeerTimeout) and outcome.missing == [3]


def test_a_bad_dealing_in_one_instance_of_a_batch_names_its_dealer(tmp_path: Path) -> None:
    keys = local_keys()
    suite = get_suite("secp256k1")

    async def scenario() -> list[object]:
        async with Mesh(tmp_path, 3) as net:
            session = session_name(0, SIGNERS, 3)
            broadcast, dealings = _cheat(session, keys[3], pack)
            parts = unpack(dealings[1])
            last = PresignDealing.from_bytes(suite, parts[-1])
            parts[-1] = dataclasses.replace(last, k_share=(last.k_share + 1) % suite.order).to_bytes(suite)
            return await _honest_against(net, keys, session, (broadcast, {**dealings, 1: pack(parts)}), timeout=2)

    first, _second = asyncio.run(asyncio.wait_for(scenario(), 60))  # node 2 then waits for node 1 in vain
    assert isinstance(first, InvalidShare) and first.culprit == 3


def test_run_presign_refuses_a_session_whose_batch_is_out_of_bounds() -> None:
    keys = local_keys()
    for count in ("0", "33", "08"):
        with pytest.raises(ProtocolError, match="presign session"):
            asyncio.run(run_presign(None, keys[1], f"presign/0/1,2,3/{count}/00", SIGNERS, timeout=1))  # type: ignore[arg-type]
    with pytest.raises(ProtocolError):
        session_name(0, SIGNERS, 33)


def test_unpack_refuses_a_cut_short_frame() -> None:
    assert unpack(pack([b"a", b"", b"bc"])) == [b"a", b"", b"bc"]
    for bad in (pack([b"abc"])[:-1], pack([b"a"]) + b"\x00\x00"):
        with pytest.raises(EncodingError):
            unpack(bad)
