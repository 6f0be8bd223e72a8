"""The runner's protocols over real mutual-TLS transports in one event loop: DKG, presign, silence named."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Self

import pytest
from hot.mpc.crypto.ecdsa import SignRequest, combine_signature, sign_intent, sign_share
from hot.mpc.crypto.ecdsa.presignature import PresignatureShare
from hot.mpc.node.identity import NodeIdentity
from hot.mpc.node.runner.dkg import run_dkg
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.runner.presign import run_presign, session_name
from hot.mpc.node.runner.signing import PeerTimeout
from hot.mpc.node.signed_log import SignedLog
from hot.mpc.node.transport import PeerTransport
from hot.mpc.node.transport.frames import Frame


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
            session = session_name(0, (1, 2, 3))
            presignatures = await asyncio.gather(*(run_presign(net.meshes[i], keys[i], session, (1, 2, 3), timeout=10) for i in net.ids))
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
            joined: asyncio.Future[PresignatureShare] = asyncio.get_running_loop().create_future()

            async def join(session: str, sender: int, payload: bytes) -> None:
                joined.set_result(await run_presign(net.meshes[3], keys[3], session, (1, 2, 3), timeout=10))

            net.meshes[3].on_new_session("presign/", join)
            session = session_name(0, (1, 2, 3))
            await net.meshes[1].send(2, session, 0, b"")  # node 2 hears the leader and starts at once
            member = asyncio.create_task(run_presign(net.meshes[2], keys[2], session, (1, 2, 3), timeout=10))
            await net.meshes[1].send(3, session, 0, b"")  # node 3's inbox holds this until a later frame came
            leader = await run_presign(net.meshes[1], keys[1], session, (1, 2, 3), timeout=3)
            third = await asyncio.wait_for(joined, 5)
            second = await member
            assert leader.public == second.public == third.public
            first_round = next(r for s, r, _ in reorder.delivered if s == session.encode())
            assert first_round != 0 and (session.encode(), 0, "1") in reorder.delivered  # the bad order happened

    asyncio.run(asyncio.wait_for(scenario(), 60))
