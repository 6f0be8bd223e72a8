"""Whole node services in one event loop: DKG over real mutual-TLS transport, votes, pools, signing.

Fast path for the runner (no process start-up); the process-level stories are in
test_node_processes.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import coincurve
import httpx
from hot.mpc.crypto import frost
from hot.mpc.crypto.derivation import derive_public_key
from hot.mpc.crypto.suites import get_suite
from hot.mpc.node.config import NodeConfig
from hot.mpc.node.controller_client import read_votes
from hot.mpc.node.registry_client import StaticAccessLists
from hot.mpc.node.service import NodeService
from hot.wire.errors import BroadcastMismatch

from tests.support.cluster import ControllerFile
from tests.support.gatekeeper_harness import Gatekeeper
from tests.support.inprocess import KEY_ID, POLICY, PayloadPolicy, request

DEADLINE = 60.0


async def wait_for(condition, what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)  # polling a readiness condition under a deadline


def http_post(urls: dict[int, str]):
    async def post(i: int, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        async with httpx.AsyncClient(timeout=20) as client:
            response = await client.post(urls[i] + path, json=body)
        return response.status_code, response.json()
    return post


async def _scenario(root: Path) -> None:
    cluster = ControllerFile(root, n=3, threshold=2)
    cluster.begin_keygen()
    policy = PayloadPolicy()
    services = {}
    for i in cluster.nodes:
        services[i] = NodeService(NodeConfig.model_validate(cluster.config(i)), access_lists=StaticAccessLists({KEY_ID: [POLICY]}), verifier=policy)
    stop = asyncio.Event()
    try:
        await asyncio.gather(*(s.start() for s in services.values()))
        runs = [asyncio.create_task(s.serve_until(stop)) for s in services.values()]
        await wait_for(cluster.tally, "keygen votes")
        await wait_for(lambda: all(s.runner.pool.counts(0).get("1,2,3", 0) >= 2 for s in services.values()), "presignature pools")
        gk = Gatekeeper(http_post({i: n["http_url"] for i, n in cluster.nodes.items()}))
        ed_root = get_suite("ed25519").deserialize_element(bytes.fromhex(cluster.state["public_keys"]["ed25519"]))
        public = services[1].runner.key_share("ed25519").to_packages()[1]
        [signature] = await gk.sign_ed25519([1, 3], request("ed25519", [b"hello"]), public)
        assert frost.verify_signature(get_suite("ed25519"), derive_public_key(get_suite("ed25519"), ed_root, KEY_ID), b"hello", signature)
        digest = hashlib.sha256(b"pay").digest()
        [ecdsa] = await gk.sign_secp256k1([1, 2, 3], request("secp256k1", [digest]), epoch=0)
        secp = get_suite("secp256k1")
        root_key = secp.deserialize_element(bytes.fromhex(cluster.state["public_keys"]["secp256k1"]))
        recovered = coincurve.PublicKey.from_signature_and_message(ecdsa.to_recoverable(), digest, hasher=None)
        assert recovered.format() == secp.serialize_element(derive_public_key(secp, root_key, KEY_ID))
        stop.set()
        await asyncio.gather(*runs)
    finally:
        stop.set()
        await asyncio.gather(*(s.close() for s in services.values()), return_exceptions=True)


def test_services_generate_keys_vote_fill_pools_and_sign(tmp_path: Path) -> None:
    asyncio.run(asyncio.wait_for(_scenario(tmp_path), 120))


async def _restarted_key_event(root: Path) -> None:
    cluster = ControllerFile(root, n=3, threshold=2)
    cluster.state["domains"] = ["ed25519"]
    cluster.begin_keygen()
    services = {i: NodeService(NodeConfig.model_validate(cluster.config(i)), access_lists=StaticAccessLists({}),
                               verifier=PayloadPolicy()) for i in cluster.nodes}
    stop = asyncio.Event()
    try:
        await asyncio.gather(*(s.start() for s in services.values()))
        runs = [asyncio.create_task(s.serve_until(stop)) for s in services.values()]
        await wait_for(lambda: len(read_votes(cluster.votes_path)) == 3, "attempt-0 votes")
        first = {v["participant"]: v["public_key"] for v in read_votes(cluster.votes_path)}
        cluster.state["attempt"] = 1  # cancel_stalled_key_event: votes cleared, attempt + 1
        cluster.write()
        await wait_for(lambda: len(read_votes(cluster.votes_path)) == 6, "attempt-1 votes")
        second = {v["participant"]: v["public_key"] for v in read_votes(cluster.votes_path)[3:]}
        assert len(set(first.values())) == 1 and len(set(second.values())) == 1
        assert set(first.values()) != set(second.values())  # a fresh DKG, not the stale share re-voted
        assert cluster.tally() and cluster.state["public_keys"]["ed25519"] == second[1]
        stop.set()
        await asyncio.gather(*runs)
    finally:
        stop.set()
        await asyncio.gather(*(s.close() for s in services.values()), return_exceptions=True)


def test_a_restarted_key_event_generates_and_votes_a_fresh_key(tmp_path: Path) -> None:
    asyncio.run(asyncio.wait_for(_restarted_key_event(tmp_path), 120))


async def _dkg_retried_after_a_failed_run(root: Path) -> None:
    """Node 3 ignores the first run of the key event (same attempt): the leader's retry still succeeds.

    Without a fresh session per run, the frames nodes 1 and 2 left from the failed run made every
    retry fail with a BroadcastMismatch (the parties saw different round-one broadcasts).
    """
    cluster = ControllerFile(root, n=3, threshold=2)
    cluster.state["domains"] = ["ed25519"]
    cluster.begin_keygen()
    services = {i: NodeService(NodeConfig.model_validate(cluster.config(i, round_timeout_seconds=1.0)),
                               access_lists=StaticAccessLists({}), verifier=PayloadPolicy()) for i in cluster.nodes}
    stop = asyncio.Event()

    def failed_runs(i: int) -> list[Any]:
        entries = [json.loads(line) for line in (cluster.nodes[i]["data_dir"] / "node.log").read_text().splitlines()]
        return [e["body"] for e in entries if e["kind"] == "error" and e["body"]["event"] in ("runner_step_failed", "dkg_failed")]
    try:
        await asyncio.gather(*(s.start() for s in services.values()))
        join = services[3].mesh._handlers.pop("dkg/")  # node 3 listens but does not join DKG runs yet
        runs = [asyncio.create_task(s.serve_until(stop)) for s in services.values()]
        await wait_for(lambda: failed_runs(1) and failed_runs(2), "a DKG run that fails without node 3")
        services[3].mesh.on_new_session("dkg/", join)
        await wait_for(cluster.tally, "keygen votes once node 3 joins")
        assert cluster.state.get("attempt", 0) == 0  # the same key event attempt: no Controller restart needed
        sessions = {b["session"] for i in (1, 2) for b in failed_runs(i) if "session" in b}
        assert all(s.startswith("dkg/ed25519/0/0/") for s in sessions)
        assert not [b for i in (1, 2, 3) for b in failed_runs(i) if b["code"] == BroadcastMismatch.code]
        stop.set()
        await asyncio.gather(*runs)
    finally:
        stop.set()
        await asyncio.gather(*(s.close() for s in services.values()), return_exceptions=True)


def test_a_failed_dkg_run_is_retried_under_a_fresh_session(tmp_path: Path) -> None:
    asyncio.run(asyncio.wait_for(_dkg_retried_after_a_failed_run(tmp_path), 60))
