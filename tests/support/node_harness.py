"""A small but real signer node speaking docs/node-api.md, for testing the gatekeeper alone.

A stand-in for the node service (src/hot/mpc/node, built separately): real key shares (trusted dealer),
real FROST (`hot.mpc.crypto.frost`) and real threshold-ECDSA presignatures
(`hot.mpc.crypto.ecdsa.local.run_presign`), real receipt checks with the gatekeeper's own
`verify_receipt`, and a `HarnessPolicy` in place of the Key Registry plus `hot_verify`. Switches
make a node misbehave: `deny`, `corrupt_shares`, `hang_s` (stall past the gatekeeper's timeout),
`crash_after_commit` (the process "dies" between rounds: it stops listening).

One shortcut, by design: a real node exchanges ECDSA `SignIntent`s with its peers over the
mutual-TLS transport before releasing a share (hot.mpc.crypto.ecdsa.agreement). Harness nodes all
receive the same package, so each derives its peers' intents from the presignature's public values,
which is what honest peers would send. End-to-end tests against real node processes come with
`hot localnet up`.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from hot.localnet.serve import ServerThread
from hot.mpc.crypto import frost
from hot.mpc.crypto.dealer import trusted_dealer_keygen
from hot.mpc.crypto.derivation import derive_key_package
from hot.mpc.crypto.ecdsa import SignIntent, SignRequest, sign_share
from hot.mpc.crypto.ecdsa.local import run_presign
from hot.mpc.crypto.ecdsa.presignature import PresignatureShare
from hot.mpc.crypto.ecdsa.request import rerandomize
from hot.mpc.crypto.frost_messages import (
    SigningCommitments,
    SigningNonces,
    SigningPackage,
)
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.reshare import KeyShare, trusted_dealer_key_shares
from hot.mpc.crypto.suites import ED25519, SECP256K1
from hot.mpc.gatekeeper.config import GatekeeperConfig, api_key_digest
from hot.mpc.crypto.ecdsa.presignature import encode_presignature_public
from hot.wire.receipts import GatekeeperReceipt, verify_receipt
from nacl.signing import SigningKey

from hot.wire.errors import HotError

HANG_S = 10.0  # a hanging node stalls this long (past any gatekeeper timeout the tests use)


class NodeRefusal(Exception):
    """A coded refusal of docs/node-api.md: `{"code", "message"}` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.status, self.code, self.message = status, code, message or code


@dataclass
class HarnessPolicy:
    """Stands in for the Key Registry (is the key_id registered?) and every method's hot_verify."""

    unregistered: set[str] = field(default_factory=lambda: {"unregistered-key"})
    denied: set[str] = field(default_factory=lambda: {"policy-says-no"})
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key_id: str, message: bytes, user_payloads: list[bytes]) -> None:
        with self._lock:  # nodes call from their own threads
            self.calls += 1
        if key_id in self.unregistered:
            raise NodeRefusal(404, "unknown_key", f"no key {key_id!r} in the registry")
        if key_id in self.denied:
            raise NodeRefusal(403, "authorization_denied", "hot_verify returned false")


@dataclass
class Session:
    """One signing session on one node, between /commit and /share."""

    request: dict[str, Any]
    signers: tuple[int, ...]
    nonces: list[SigningNonces] = field(default_factory=list)


class HarnessNode:
    """One participant: its shares, its presignature pool, its sessions and its switches."""

    def __init__(self, network: HarnessNetwork, participant: int) -> None:
        self.network, self.participant = network, participant
        self.ed_key: KeyPackage = network.ed_keys[participant]
        self.secp_key: KeyPackage = network.secp_keys[participant].to_packages()[0]
        self.presignatures: dict[str, PresignatureShare] = network.presignatures[participant]
        self.sessions: dict[str, Session] = {}
        self.seen_receipts: set[bytes] = set()
        self.lock = threading.Lock()
        self.deny = self.corrupt_shares = self.crash_after_commit = False
        self.hang_s = 0.0
        self.release = threading.Event()  # ends a hang early (teardown)
        self.server: ServerThread | None = None
        self.commits = self.shares = self.health_reads = 0

    # -- the node API -------------------------------------------------------------------------
    def commit(self, body: dict[str, Any]) -> dict[str, Any]:
        session_id, request, signers = body["session_id"], body["request"], tuple(body["signers"])
        self._adopt(self.network.claim_misbehaviour(self.participant))
        self._stall()
        receipt = GatekeeperReceipt.from_json(body["receipt"])
        verify_receipt(receipt, request, self.network.gatekeeper_keys, int(time.time() * 1000))
        with self.lock:
            if receipt.digest in self.seen_receipts or session_id in self.sessions:
                raise NodeRefusal(409, "receipt_replayed")
            self.seen_receipts.add(receipt.digest)
        messages = [bytes.fromhex(m) for m in request["messages"]]
        payloads = [bytes.fromhex(p) for p in request["user_payloads"]]
        for message in messages:  # one authorization pass per message
            if self.deny:
                raise NodeRefusal(403, "authorization_denied", "this node's switch says no")
            self.network.policy.check(request["key_id"], message, payloads)
        if self.participant not in signers:
            raise NodeRefusal(400, "bad_request", "this node is not among the signers")
        session = Session(request, signers)
        answer: dict[str, Any] = {"participant_id": self.participant}
        if request["domain"] == "ed25519":
            pairs = [frost.commit(ED25519, self.ed_key, os.urandom) for _ in messages]
            session.nonces = [n for n, _ in pairs]
            answer["commitments"] = [_commitment_json(c) for _, c in pairs]
        else:
            if len(signers) != 2 * self.network.threshold - 1:
                raise NodeRefusal(400, "bad_request", "ECDSA signs with exactly 2t-1 nodes")
            answer["presignatures"] = sorted(pid for pid, p in self.presignatures.items() if p.public.participants == signers)
        with self.lock:
            self.sessions[session_id] = session
            self.commits += 1
        if self.crash_after_commit:
            self._crash()
        return answer

    def share(self, body: dict[str, Any]) -> dict[str, Any]:
        self._stall()
        with self.lock:
            session = self.sessions.pop(body["session_id"], None)  # a session's /share runs once
        if session is None:
            raise NodeRefusal(404, "unknown_session")
        package, request = body["package"], session.request
        if request["domain"] == "ed25519":
            shares = self._frost_shares(session, package)
        else:
            shares = self._ecdsa_shares(session, package)
        with self.lock:
            self.shares += 1
        return {"participant_id": self.participant, "shares": shares}

    def health(self) -> dict[str, Any]:
        with self.lock:
            self.health_reads += 1
        pools: dict[str, int] = {}
        for p in list(self.presignatures.values()):
            key = ",".join(str(j) for j in p.public.participants)
            pools[key] = pools.get(key, 0) + 1
        return {"participant_id": self.participant, "epoch": 0, "state": "running", "attested": True, "presignatures": pools}

    # -- protocol steps -------------------------------------------------------------------------
    def _frost_shares(self, session: Session, package: dict[str, Any]) -> list[str]:
        key = derive_key_package(ED25519, self.ed_key, session.request["key_id"])
        out = []
        for m, message in enumerate(session.request["messages"]):
            commitments = [
                SigningCommitments(int(p), ED25519.deserialize_element(bytes.fromhex(c[m]["hiding"])), ED25519.deserialize_element(bytes.fromhex(c[m]["binding"])))
                for p, c in package["commitments"].items()
            ]
            signing_package = SigningPackage.create(ED25519, commitments, bytes.fromhex(message))
            share = frost.sign(ED25519, signing_package, session.nonces[m], key)
            if self.corrupt_shares:
                share = frost.SignatureShare(share.identifier, (share.share + 1) % ED25519.order)
            out.append(share.to_bytes(ED25519).hex())
        return out

    def _ecdsa_shares(self, session: Session, package: dict[str, Any]) -> list[dict[str, str]]:
        ids, entropy = package["presignature_ids"], bytes.fromhex(package["entropy"])
        if len(ids) != len(session.request["messages"]) or len(set(ids)) != len(ids):
            raise NodeRefusal(400, "bad_request", "one distinct presignature per message")
        with self.lock:  # single use: taken out of the pool before any share exists
            if not all(pid in self.presignatures for pid in ids):
                raise NodeRefusal(409, "no_presignature")
            taken = [self.presignatures.pop(pid) for pid in ids]
        out = []
        for presignature, message in zip(taken, session.request["messages"], strict=True):
            request = SignRequest.for_key_id(session.request["key_id"], bytes.fromhex(message), session.signers, entropy)
            transcript = rerandomize(presignature.public, request).transcript_hash
            intents = {j: SignIntent(j, presignature.presignature_id, transcript) for j in session.signers}
            share = sign_share(presignature, request, intents, current_epoch=presignature.public.epoch)
            if self.corrupt_shares:
                share = type(share)(share.sender, share.transcript_hash, (share.s_share + 1) % SECP256K1.order)
            out.append({"share": share.to_bytes(SECP256K1).hex(), "presignature": encode_presignature_public(presignature.public).hex()})
        return out

    def _adopt(self, mode: str | None) -> None:
        """Take on a misbehaviour the test armed for whichever node commits first."""
        if mode == "hang":
            self.hang_s = HANG_S
        elif mode == "corrupt":
            self.corrupt_shares = True
        elif mode == "crash":
            self.crash_after_commit = True
        elif mode == "deny":
            self.deny = True

    def _stall(self) -> None:
        if self.hang_s:
            self.release.wait(self.hang_s)

    def _crash(self) -> None:
        """Stop listening before this answer leaves, as if the process died right after it."""
        assert self.server is not None
        uvicorn_server = self.server._server  # the harness owns this server; no public handle exists
        uvicorn_server.should_exit = True
        deadline = time.monotonic() + 5.0
        while any(s.is_serving() for s in uvicorn_server.servers):
            if time.monotonic() > deadline:
                raise RuntimeError("the crashing node did not stop listening")
            time.sleep(0.005)  # waiting on a readiness condition under a deadline


def _commitment_json(c: SigningCommitments) -> dict[str, str]:
    return {"hiding": ED25519.serialize_element(c.hiding).hex(), "binding": ED25519.serialize_element(c.binding).hex()}


def node_app(node: HarnessNode) -> FastAPI:
    """The node API of docs/node-api.md around one HarnessNode (sync handlers: a threadpool)."""
    app = FastAPI(title=f"harness node {node.participant}")

    @app.exception_handler(NodeRefusal)
    async def refused(_: Request, exc: NodeRefusal) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)

    @app.exception_handler(HotError)
    async def hot_error(_: Request, exc: HotError) -> JSONResponse:
        status = {"bad_receipt": 401, "deadline_expired": 410}.get(exc.code, 400)
        code = exc.code if status != 400 else "bad_request"
        return JSONResponse({"code": code, "message": str(exc)}, status_code=status)

    @app.post("/v1/sign/commit")
    def commit(body: dict[str, Any]) -> dict[str, Any]:
        return node.commit(body)

    @app.post("/v1/sign/share")
    def share(body: dict[str, Any]) -> dict[str, Any]:
        return node.share(body)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return node.health()

    return app


@dataclass
class HarnessNetwork:
    """Key material for n participants at threshold t, a presignature pool per 2t-1 set, a gatekeeper key."""

    threshold: int
    participants: tuple[int, ...]
    ed_keys: dict[int, KeyPackage]
    ed_public: PublicKeyPackage
    secp_keys: dict[int, KeyShare]
    secp_public: PublicKeyPackage
    presignatures: dict[int, dict[str, PresignatureShare]]
    gatekeeper_key: SigningKey
    gatekeeper_id: str = "gatekeeper-test"
    policy: HarnessPolicy = field(default_factory=HarnessPolicy)
    misbehave_next: str | None = None  # "hang" | "corrupt" | "crash" | "deny": the next committer adopts it
    victims: list[int] = field(default_factory=list)
    _claim_lock: threading.Lock = field(default_factory=threading.Lock)

    def claim_misbehaviour(self, participant: int) -> str | None:
        """The armed misbehaviour, handed to exactly one node (the first to commit)."""
        with self._claim_lock:
            mode, self.misbehave_next = self.misbehave_next, None
            if mode is not None:
                self.victims.append(participant)
            return mode

    @property
    def gatekeeper_keys(self) -> dict[str, bytes]:
        """The Controller's gatekeeper registry as the nodes see it."""
        return {self.gatekeeper_id: bytes(self.gatekeeper_key.verify_key)}

    def gatekeeper_config(self, urls: dict[int, str], api_keys: list[dict[str, Any]], **overrides: Any) -> GatekeeperConfig:
        raw: dict[str, Any] = {
            "gatekeeper_id": self.gatekeeper_id,
            "signing_key_hex": bytes(self.gatekeeper_key).hex(),
            "nodes": [{"participant_id": p, "url": u} for p, u in urls.items()],
            "threshold": self.threshold,
            "domains": {
                "ed25519": {"public_key_package": self.ed_public.to_bytes(ED25519).hex()},
                "secp256k1": {"public_key_package": self.secp_public.to_bytes(SECP256K1).hex()},
            },
            "api_keys": [
                {"name": k["name"], "key_sha256": api_key_digest(k["key"]), "quota": k.get("quota", 1000), "rate_per_s": k.get("rate_per_s", 1000.0), "burst": k.get("burst", 1000)}
                for k in api_keys
            ],
            "node_timeout_s": 3.0,  # generous: a loaded 2-core CI box must not look like a slow node
            "rest_s": 60.0,
            **overrides,
        }
        return GatekeeperConfig.model_validate(raw)


def make_network(threshold: int, n: int, presignatures_per_set: int) -> HarnessNetwork:
    """Dealer keys for both domains and `presignatures_per_set` ECDSA presignatures per 2t-1 set."""
    participants = tuple(range(1, n + 1))
    ed_keys, ed_public = trusted_dealer_keygen(ED25519, threshold, participants, os.urandom)
    secp_keys = trusted_dealer_key_shares(SECP256K1, SECP256K1.random_scalar(os.urandom), participants, threshold, os.urandom)
    secp_public = secp_keys[1].to_packages()[1]
    pools: dict[int, dict[str, PresignatureShare]] = {p: {} for p in participants}
    for signers in itertools.combinations(participants, 2 * threshold - 1):
        for _ in range(presignatures_per_set):
            made = run_presign(secp_keys, signers, os.urandom(16), os.urandom)
            for p, share in made.items():
                pools[p][share.presignature_id.hex()] = share
    return HarnessNetwork(threshold, participants, ed_keys, ed_public, secp_keys, secp_public, pools, SigningKey.generate())


@contextmanager
def running_nodes(network: HarnessNetwork) -> Iterator[tuple[dict[int, HarnessNode], dict[int, str]]]:
    """Serve every participant on 127.0.0.1; always stopped (hangs released first)."""
    nodes = {p: HarnessNode(network, p) for p in network.participants}
    with ExitStack() as stack:
        urls = {}
        for p, node in nodes.items():
            node.server = stack.enter_context(ServerThread(node_app(node)))
            urls[p] = node.server.url
        stack.callback(_begin_shutdown, nodes)  # LIFO: runs before each server's stop() joins it
        yield nodes, urls


def _begin_shutdown(nodes: dict[int, HarnessNode]) -> None:
    """Release hangs and ask every server to exit at once, so stopping n nodes costs one stop."""
    for node in nodes.values():
        node.release.set()
        if node.server is not None:
            node.server._server.should_exit = True  # the harness owns these servers
