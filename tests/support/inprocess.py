"""In-process nodes for unit tests: real Authorizer, SigningSessions and FastAPI apps, no sockets.

Key material comes from `run_local_dkg`; presignatures from `hot.mpc.crypto.ecdsa.local.run_presign`;
sign intents travel through `LocalIntentExchange` (the peer mesh's job in a real node).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from hot.mpc.chains.base import AuthMethod, ChainVerifier, Verdict
from hot.mpc.crypto.dkg_local import run_local_dkg
from hot.mpc.crypto.ecdsa.local import run_presign
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites import get_suite
from hot.mpc.node.attestation import AttestationGuard, SoftwareVendor
from hot.mpc.node.authorizer import Authorizer, ReplaySet
from hot.mpc.node.http_api import NodeStatus, create_app
from hot.mpc.node.identity import NodeIdentity
from hot.mpc.node.keystore import Keystore, load_or_create_master_key
from hot.mpc.node.presign_pool import PresignaturePool, candidate_sets
from hot.mpc.node.registry_client import StaticAccessLists
from hot.mpc.node.runner.signing import SigningSessions
from hot.mpc.node.signed_log import SignedLog

from .gatekeeper_harness import GATEKEEPER_ID, GATEKEEPER_PUBLIC

POLICY = AuthMethod(chain_id=1010, contract_id="policy.test.near")
KEY_ID = "alice.test.near"


class PayloadPolicy(ChainVerifier):
    """hot_verify stand-in: allow iff user_payload is b"ok"; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes, str, bytes]] = []

    @property
    def name(self) -> str:
        return "payload-policy"

    async def verify(self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = "") -> Verdict:
        self.calls.append((auth_method.contract_id, msg_hash, key_id, user_payload))
        return Verdict.of_bool(user_payload == b"ok", self.name)


class LocalIntentExchange:
    """Every node's view of one shared board, keyed by exchange id."""

    def __init__(self, board: dict[str, dict[int, bytes]], condition: asyncio.Condition, me: int) -> None:
        self.board, self.condition, self.me = board, condition, me
        self.silent = False  # a node that "died" after consuming its presignature

    async def exchange(self, session_id: str, signers: tuple[int, ...], payload: bytes, timeout: float) -> dict[int, bytes]:
        async with self.condition:
            if not self.silent:
                self.board.setdefault(session_id, {})[self.me] = payload
                self.condition.notify_all()
            others = [j for j in signers if j != self.me]
            try:
                await asyncio.wait_for(self.condition.wait_for(lambda: all(j in self.board.get(session_id, {}) for j in others)), timeout)
            except TimeoutError:
                pass
            return {j: p for j, p in self.board.get(session_id, {}).items() if j in others}


@dataclass
class InProcessNode:
    participant_id: int
    app: FastAPI
    sessions: SigningSessions
    log: SignedLog
    identity: NodeIdentity
    exchange: LocalIntentExchange
    guard: AttestationGuard
    store: Keystore


class InProcessNetwork:
    """n nodes sharing one ed25519 and one secp256k1 key, with presignature pools per 2t-1 set."""

    def __init__(self, root: Path, n: int, t: int, *, presignatures_per_set: int = 2, epoch: int = 0) -> None:
        self.n, self.t, self.epoch = n, t, epoch
        self.policy = PayloadPolicy()
        ids = list(range(1, n + 1))
        self.keys: dict[str, dict[int, KeyShare]] = {}
        self.public: dict[str, Any] = {}
        for domain in ("ed25519", "secp256k1"):
            result = run_local_dkg(get_suite(domain), t, ids, os.urandom)
            self.public[domain] = result.public_key_package
            self.keys[domain] = {i: KeyShare.from_packages(result.key_packages[i], result.public_key_package, epoch=epoch) for i in ids}
        board: dict[str, dict[int, bytes]] = {}
        condition = asyncio.Condition()
        self.nodes = {i: self._node(root / f"node-{i}", i, board, condition) for i in ids}
        counter = itertools.count()
        for signers in candidate_sets(ids, t, 8):
            for _ in range(presignatures_per_set):
                made = run_presign(self.keys["secp256k1"], signers, f"presign-{next(counter)}".encode(), os.urandom)
                for i, share in made.items():
                    self.nodes[i].sessions.pool.add(epoch, [share])

    def _node(self, data_dir: Path, i: int, board: dict[str, dict[int, bytes]], condition: asyncio.Condition) -> InProcessNode:
        data_dir.mkdir(parents=True)
        identity = NodeIdentity.load_or_create(data_dir)
        store = Keystore(data_dir / "keystore.db", load_or_create_master_key(data_dir / "master_key"))
        log = SignedLog(data_dir / "node.log", identity.signing_key)
        guard = AttestationGuard(identity.signing_public_key)
        guard.accept(SoftwareVendor.test_vendor().issue(bytes(32), identity.signing_public_key, now=int(time.time()), ttl=3600))
        authorizer = Authorizer(lambda: {GATEKEEPER_ID: GATEKEEPER_PUBLIC}, ReplaySet(data_dir / "replay.db"), guard,
                                StaticAccessLists({KEY_ID: [POLICY]}), self.policy, log)
        exchange = LocalIntentExchange(board, condition, i)
        pool = PresignaturePool(store, i)
        sessions = SigningSessions(i, lambda domain: self.keys[domain][i], lambda: self.epoch, pool, exchange, log, round_timeout=1.0)
        status = NodeStatus(lambda: self.epoch, lambda: "Running", lambda: True, lambda: pool.counts(self.epoch),
                            lambda domain: self.keys.get(domain, {}).get(i))
        return InProcessNode(i, create_app(i, authorizer, sessions, status), sessions, log, identity, exchange, guard, store)

    async def post(self, participant_id: int, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        transport = httpx.ASGITransport(app=self.nodes[participant_id].app)
        async with httpx.AsyncClient(transport=transport, base_url="http://node") as client:
            response = await client.post(path, json=body)
        return response.status_code, response.json()

    async def get(self, participant_id: int, path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.nodes[participant_id].app)
        async with httpx.AsyncClient(transport=transport, base_url="http://node") as client:
            return await client.get(path)

    def close(self) -> None:
        for node in self.nodes.values():
            node.log.close()
            node.store.close()


def request(domain: str, messages: Sequence[bytes], payload: bytes = b"ok") -> dict[str, Any]:
    return {"key_id": KEY_ID, "domain": domain, "messages": [m.hex() for m in messages], "user_payloads": [payload.hex()]}
