"""The runner's protocols over real mutual-TLS transports in one event loop: DKG, presign, silence named."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Self

import pytest
from hot.mpc.crypto.ecdsa import SignRequest, combine_signature, sign_intent, sign_share
from hot.mpc.node.identity import NodeIdentity
from hot.mpc.node.runner.dkg import run_dkg
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.runner.presign import run_presign, session_name
from hot.mpc.node.runner.signing import PeerTimeout
from hot.mpc.node.signed_log import SignedLog
from hot.mpc.node.transport import PeerTransport


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
