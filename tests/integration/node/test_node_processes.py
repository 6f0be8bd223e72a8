"""Issue 7 stories with real node processes (`hot node run --config FILE`) against the local NEAR chain.

The Controller is a Controller-shaped state file tallied by the test (the node has no NEAR
Controller client yet, docs/node.md "Controller seam"); the Key Registry is src/hot/contracts/registry.py
and the policy a NEAR contract, both behind the real NEAR JSON-RPC (`near_rpc`); the gatekeeper
is the harness in gatekeeper_harness.py signing receipts with a registered key.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import coincurve
import httpx
import hot.contracts
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.wire.access import RESERVE_TAG, key_id_of
from hot.wire.encoding import canonical_json as registry_json
from hot.mpc.crypto import frost
from hot.mpc.crypto.derivation import derive_public_key
from hot.mpc.crypto.keys import PublicKeyPackage
from hot.mpc.crypto.suites import get_suite
from hot.mpc.node.keystore import (
    Keystore,
    RecordId,
    RecordKind,
    load_or_create_master_key,
)
from hot.wire.log import LogEntry
from hot.mpc.node.runner.keys import ROOT_PUBLIC
from hot.mpc.node.signed_log import verify_log
from hot.sdk.testing import TestChain

from hot.wire.errors import InvalidShare

from tests.support.cluster import ControllerFile
from tests.support.gatekeeper_harness import Gatekeeper, NodeRefused

from .processes import PATCHED_NODE, POLICY_SOURCE, NodeProcesses

pytestmark = pytest.mark.integration
KEY: dict[str, str] = {}  # the key_id reserved in the Registry by `chain_config`
CONTRACTS = Path(hot.contracts.__file__).parent


@pytest.fixture(scope="module")
def chain_config(near_rpc: Any) -> dict[str, Any]:
    """The Key Registry (src/hot/contracts/registry.py) and a NEAR policy, deployed once on the session's localnet.

    The key is reserved the Registry's way: the root Ed25519 key signs the reservation, and
    key_id = base58(sha256(sha256(root key))). Its access list is one NEAR method: the policy.
    """
    chain = TestChain(near_rpc.chain)
    suffix = str(int(time.time() * 1000))
    policy, registry = chain.create_account(f"policy{suffix}"), chain.create_account(f"registry{suffix}")
    owner = chain.create_account(f"owner{suffix}")
    policy.deploy(POLICY_SOURCE)
    registry.deploy(CONTRACTS / "registry.py", init="new", args={})
    root = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(suffix.encode()).digest())
    root_hex = root.public_key().public_bytes_raw().hex()
    methods = [{"chain_id": 1010, "contract_id": policy.account_id, "method": "hot_verify", "metadata": ""}]
    message = RESERVE_TAG + registry_json({"access_list": methods, "owner": owner.account_id,
                                           "registry": registry.account_id, "root_public_key": root_hex})
    key_id = owner.call(registry, "reserve_key", {"root_public_key": root_hex, "access_list": methods,
                                                  "signature": root.sign(message).hex()}).value
    assert key_id == key_id_of(bytes.fromhex(root_hex))
    return {"key_id": key_id, "registry": {"rpc_url": near_rpc.url, "account_id": registry.account_id},
            "chain_endpoints": {"1010": [near_rpc.url]}}


def start_network(root: Path, n: int, t: int, chain_config: dict[str, Any], *, launcher: dict[int, list[str]] | None = None,
                  **config: Any) -> tuple[ControllerFile, NodeProcesses]:
    cluster = ControllerFile(root, n=n, threshold=t)
    nodes = NodeProcesses(cluster, {**{k: v for k, v in chain_config.items() if k != "key_id"}, **config})
    KEY["id"] = chain_config["key_id"]
    try:
        nodes.start(list(cluster.nodes), launcher=launcher)
        cluster.begin_keygen()  # every node listens: the DKG can start
        nodes.wait_for(cluster.tally, "keygen through vote_pk")
    except BaseException:
        nodes.stop_all()  # the caller never gets `nodes` to stop
        raise
    return cluster, nodes


def gatekeeper(cluster: ControllerFile) -> Gatekeeper:
    async def post(i: int, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(cluster.nodes[i]["http_url"] + path, json=body)
        return response.status_code, response.json()
    return Gatekeeper(post)


def request(domain: str, messages: list[bytes], payload: str = "ok") -> dict[str, Any]:
    return {"key_id": KEY["id"], "domain": domain, "messages": [m.hex() for m in messages], "user_payloads": [payload.encode().hex()]}


def ed25519_public(cluster: ControllerFile) -> PublicKeyPackage:
    return ed25519_public_at(cluster, epoch=0, holder=1)


def ed25519_public_at(cluster: ControllerFile, *, epoch: int, holder: int) -> PublicKeyPackage:
    """The public package the gatekeeper aggregates with, read from one node's sealed public record."""
    suite = get_suite("ed25519")
    node = cluster.nodes[holder]
    with Keystore(node["data_dir"] / "keystore.db", load_or_create_master_key(node["data_dir"] / "master_key")) as store:
        public = PublicKeyPackage.from_bytes(suite, store.get(RecordId(str(holder), "ed25519", epoch, RecordKind.KEY_SHARE, ROOT_PUBLIC)))
    assert suite.serialize_element(public.group_public_key).hex() == cluster.state["public_keys"]["ed25519"]
    return public


def check_ed25519(cluster: ControllerFile, message: bytes, signature: frost.Signature) -> bool:
    suite = get_suite("ed25519")
    root = suite.deserialize_element(bytes.fromhex(cluster.state["public_keys"]["ed25519"]))
    return frost.verify_signature(suite, derive_public_key(suite, root, KEY["id"]), message, signature)


def check_ecdsa(cluster: ControllerFile, digest: bytes, signature: Any) -> bool:
    suite = get_suite("secp256k1")
    root = suite.deserialize_element(bytes.fromhex(cluster.state["public_keys"]["secp256k1"]))
    recovered = coincurve.PublicKey.from_signature_and_message(signature.to_recoverable(), digest, hasher=None)
    return recovered.format() == suite.serialize_element(derive_public_key(suite, root, KEY["id"]))


def kill_before_first_share(gk: Gatekeeper, nodes: NodeProcesses, victim: int, sign: Any) -> Any:
    """A signing attempt whose first session loses `victim` after /commit and before /share."""
    state = {"killed": False}
    original = gk.call_all

    async def call_all(signers: list[int], path: str, bodies: dict[int, Any]) -> dict[int, Any]:
        if path == "/v1/sign/share" and not state["killed"]:
            state["killed"] = True
            nodes.kill(victim)
        return await original(signers, path, bodies)

    async def attempt(signers: list[int]) -> Any:
        gk.call_all = call_all  # type: ignore[method-assign]
        try:
            return await sign(signers)
        finally:
            gk.call_all = original  # type: ignore[method-assign]

    return attempt


def pools_full(nodes: NodeProcesses, ids: list[int], label: str, count: int) -> bool:
    return all(nodes.health(i)["presignatures"].get(label, 0) >= count for i in ids)


@pytest.fixture
def five_nodes(tmp_path: Path, chain_config: dict[str, Any]) -> Iterator[tuple[ControllerFile, NodeProcesses]]:
    cluster, nodes = start_network(tmp_path, 5, 3, chain_config)
    try:
        yield cluster, nodes
    finally:
        nodes.stop_all()


def test_five_nodes_keygen_sign_deny_replay_kill_and_restart(five_nodes: tuple[ControllerFile, NodeProcesses]) -> None:
    cluster, nodes = five_nodes
    gk = gatekeeper(cluster)
    public = ed25519_public(cluster)
    ids = [1, 2, 3, 4, 5]
    # t of n signs, Ed25519, under the derived key; every node answers /health with the Controller's state
    [signature] = asyncio.run(gk.sign_ed25519([1, 3, 5], request("ed25519", [b"hello"]), public))
    assert check_ed25519(cluster, b"hello", signature)
    assert all(nodes.health(i)["state"] == "Running" and nodes.health(i)["attested"] for i in ids)
    metrics = httpx.get(cluster.nodes[1]["http_url"] + "/metrics", timeout=5).text
    assert 'hot_node_requests_total{route="share",outcome="ok"} 1' in metrics and "hot_node_epoch 0" in metrics

    # hot_verify false on the NEAR policy: no share, and a logged denial on every asked node
    with pytest.raises(NodeRefused) as refused:
        asyncio.run(gk.commit([1, 2, 3], request("ed25519", [b"steal"], payload="no")))
    assert refused.value.body["code"] == "authorization_denied"
    for i in (1, 2, 3):
        log_path = cluster.nodes[i]["data_dir"] / "node.log"
        decisions = [LogEntry.from_json_line(line).body for line in log_path.read_bytes().splitlines()]
        assert any(d.get("event") == "denied" and d.get("code") == "authorization_denied" for d in decisions)
        assert verify_log(log_path, cluster.nodes[i]["signing_public_key"]).ok

    # an expired or replayed receipt is refused by every node
    body = request("ed25519", [b"once"])
    receipt = gk.receipt(body, deadline_ms=int(time.time() * 1000) + 600_000)  # still valid after the restart below
    expired = gk.receipt(body, deadline_ms=int(time.time() * 1000) - 1)
    post = gk.post
    for i in ids:
        assert asyncio.run(post(i, "/v1/sign/commit", {"session_id": f"first-{i}", "receipt": receipt, "request": body, "signers": [1, 2, 3]}))[0] in (200, 400)
        status, answer = asyncio.run(post(i, "/v1/sign/commit", {"session_id": f"again-{i}", "receipt": receipt, "request": body, "signers": [1, 2, 3]}))
        assert (status, answer["code"]) == (409, "receipt_replayed")
        status, answer = asyncio.run(post(i, "/v1/sign/commit", {"session_id": f"late-{i}", "receipt": expired, "request": body, "signers": [1, 2, 3]}))
        assert (status, answer["code"]) == (410, "deadline_expired")

    # ECDSA with 5 nodes, threshold 3: every node takes part
    nodes.wait_for(lambda: pools_full(nodes, ids, "1,2,3,4,5", 2), "presignature pools")
    digest = hashlib.sha256(b"pay bob").digest()
    [ecdsa] = asyncio.run(gk.sign_secp256k1(ids, request("secp256k1", [digest]), epoch=0))
    assert check_ecdsa(cluster, digest, ecdsa)

    # a node killed mid-session (after its commitment, before its share): the session completes without it
    sign = kill_before_first_share(gk, nodes, 2, lambda signers: gk.sign_ed25519(signers, request("ed25519", [b"mid"]), public))
    [mid], excluded = asyncio.run(gk.sign_with_retry(sign, [1, 2, 3, 4, 5], 3))
    assert excluded == [2] and check_ed25519(cluster, b"mid", mid)

    # all nodes restarted keep their keys and sign (both domains; presignatures survived on disk)
    nodes.stop_all()
    assert nodes.exit_codes == {i: 0 for i in ids if i != 2}  # SIGTERM: a clean shutdown, not a kill
    nodes.start(ids)
    nodes.wait_for(lambda: all(nodes.health(i)["state"] == "Running" for i in ids), "restart")
    for i in ids:  # the replay set is durable: a restart does not reopen a used receipt
        status, answer = asyncio.run(post(i, "/v1/sign/commit", {"session_id": f"restarted-{i}", "receipt": receipt, "request": body, "signers": [1, 2, 3]}))
        assert (status, answer["code"]) == (409, "receipt_replayed")
    [again] = asyncio.run(gk.sign_ed25519([2, 4, 5], request("ed25519", [b"after restart"]), public))
    assert check_ed25519(cluster, b"after restart", again)
    nodes.wait_for(lambda: pools_full(nodes, ids, "1,2,3,4,5", 1), "presignature pools after restart")
    digest = hashlib.sha256(b"after restart").digest()
    [ecdsa] = asyncio.run(gk.sign_secp256k1(ids, request("secp256k1", [digest]), epoch=0))
    assert check_ecdsa(cluster, digest, ecdsa)


def test_ecdsa_completes_without_a_node_killed_mid_session(tmp_path: Path, chain_config: dict[str, Any]) -> None:
    """6 nodes, threshold 3: a spare lets ECDSA (2t-1 = 5 signers) survive one dead node."""
    nodes = None
    try:
        cluster, nodes = start_network(tmp_path, 6, 3, chain_config, presign={"low_water": 1, "high_water": 1, "max_sets": 8})
        gk = gatekeeper(cluster)
        nodes.wait_for(lambda: pools_full(nodes, [1, 2, 3, 4, 6], "1,2,3,4,6", 1)
                       and pools_full(nodes, [1, 2, 3, 4, 5], "1,2,3,4,5", 1), "presignature pools", timeout=90)
        digest = hashlib.sha256(b"spend").digest()

        sign = kill_before_first_share(gk, nodes, 5, lambda signers: gk.sign_secp256k1(signers, request("secp256k1", [digest]), epoch=0))
        [signature], excluded = asyncio.run(gk.sign_with_retry(sign, [1, 2, 3, 4, 5, 6], 5))
        assert excluded == [5] and check_ecdsa(cluster, digest, signature)
    finally:
        if nodes is not None:
            nodes.stop_all()


def test_reshare_that_adds_a_node_keeps_public_keys_and_erases_presignatures(tmp_path: Path, chain_config: dict[str, Any]) -> None:
    nodes = None
    try:
        cluster, nodes = start_network(tmp_path, 3, 2, chain_config)
        gk = gatekeeper(cluster)
        keys_before = dict(cluster.state["public_keys"])
        nodes.wait_for(lambda: pools_full(nodes, [1, 2, 3], "1,2,3", 2), "presignature pools")
        digest = hashlib.sha256(b"before").digest()
        _, commits = asyncio.run(gk.commit([1, 2, 3], request("secp256k1", [digest])))
        old_ids = commits[1]["presignatures"]
        assert old_ids

        cluster.begin_reshare([1, 2, 3, 4], 2)
        nodes.start([4])
        nodes.wait_for(cluster.tally_reshare, "vote_reshared from every new member")
        assert cluster.state["epoch"] == 1 and cluster.state["public_keys"] == keys_before
        nodes.wait_for(lambda: all(nodes.health(i)["epoch"] == 1 for i in (1, 2, 3, 4)), "nodes in epoch 1")

        # the old epoch's presignatures are gone: the log says so and the old ids are refused
        erased = [LogEntry.from_json_line(line).body for line in (cluster.nodes[1]["data_dir"] / "node.log").read_bytes().splitlines()]
        assert any(b.get("event") == "presignatures_erased" and b.get("count", 0) >= len(old_ids) for b in erased)
        sessions, _ = asyncio.run(gk.commit([1, 2, 3], request("secp256k1", [digest])))
        status, answer = asyncio.run(gk.post(1, "/v1/sign/share", {"session_id": sessions[1], "package": {"presignature_ids": old_ids[:1], "entropy": "11" * 32}}))
        assert (status, answer["code"]) == (409, "no_presignature")

        # the new member signs under the unchanged keys, in both domains
        public = ed25519_public_at(cluster, epoch=1, holder=4)
        [signature] = asyncio.run(gk.sign_ed25519([2, 4], request("ed25519", [b"after reshare"]), public))
        assert check_ed25519(cluster, b"after reshare", signature)
        nodes.wait_for(lambda: pools_full(nodes, [1, 2, 4], "1,2,4", 1), "epoch-1 presignature pools")
        [ecdsa] = asyncio.run(gk.sign_secp256k1([1, 2, 4], request("secp256k1", [digest]), epoch=1))
        assert check_ecdsa(cluster, digest, ecdsa)
    finally:
        if nodes is not None:
            nodes.stop_all()


def test_the_real_gatekeeper_signs_through_node_processes(tmp_path: Path, chain_config: dict[str, Any]) -> None:
    """hot.mpc.gatekeeper (issue 8) in front of three node processes: both domains, and a denial."""
    from hot.localnet.serve import ServerThread
    from hot.mpc.gatekeeper.app import create_app
    from hot.mpc.gatekeeper.config import GatekeeperConfig, api_key_digest

    from tests.support.gatekeeper_harness import GATEKEEPER_ID, GATEKEEPER_KEY

    nodes = None
    try:
        cluster, nodes = start_network(tmp_path, 3, 2, chain_config)
        nodes.wait_for(lambda: pools_full(nodes, [1, 2, 3], "1,2,3", 2), "presignature pools")
        packages = {}
        for domain in ("ed25519", "secp256k1"):  # what the nodes serve, as `hot localnet up` builds its gatekeeper
            served = {httpx.get(n["http_url"] + "/v1/public_key_package", params={"domain": domain}, timeout=5).json()["public_key_package"]
                      for n in cluster.nodes.values()}
            assert len(served) == 1
            packages[domain] = {"public_key_package": served.pop()}
        config = GatekeeperConfig.model_validate({
            "gatekeeper_id": GATEKEEPER_ID, "signing_key_hex": bytes(GATEKEEPER_KEY).hex(), "threshold": 2,
            "nodes": [{"participant_id": i, "url": n["http_url"]} for i, n in cluster.nodes.items()],
            "domains": packages, "node_timeout_s": 20,
            "api_keys": [{"name": "t", "key_sha256": api_key_digest("secret"), "quota": 100, "rate_per_s": 100, "burst": 100}]})
        with ServerThread(create_app(config)) as gatekeeper_server:
            headers = {"Authorization": "Bearer secret"}

            def sign(domain: str, message: bytes, payload: str = "ok") -> httpx.Response:
                body = {"key_id": KEY["id"], "domain": domain, "message": message.hex(), "user_payloads": [payload.encode().hex()]}
                return httpx.post(gatekeeper_server.url + "/v1/sign", json=body, headers=headers, timeout=60)

            answer = sign("ed25519", b"via gatekeeper").json()
            signature = frost.Signature.from_bytes(get_suite("ed25519"), bytes.fromhex(answer["signature"]))
            assert check_ed25519(cluster, b"via gatekeeper", signature)
            digest = hashlib.sha256(b"via gatekeeper").digest()
            answer = sign("secp256k1", digest).json()
            recovered = coincurve.PublicKey.from_signature_and_message(
                bytes.fromhex(answer["signature"]) + bytes([answer["recovery_id"]]), digest, hasher=None)
            assert recovered.format().hex() == answer["public_key"]
            assert answer["public_key"] == get_suite("secp256k1").serialize_element(derive_public_key(
                get_suite("secp256k1"), get_suite("secp256k1").deserialize_element(bytes.fromhex(cluster.state["public_keys"]["secp256k1"])), KEY["id"])).hex()
            denied = sign("ed25519", b"steal", payload="no")
            assert denied.status_code == 403 and denied.json()["code"] == "authorization_denied"
    finally:
        if nodes is not None:
            nodes.stop_all()


def test_a_node_process_patched_to_send_bad_shares_is_named_and_excluded(tmp_path: Path, chain_config: dict[str, Any]) -> None:
    """Node 2 runs through tests/integration/node/patched_node.py (bad FROST shares); the others are `hot node run`."""
    nodes = None
    try:
        cluster, nodes = start_network(tmp_path, 3, 2, chain_config, launcher={2: PATCHED_NODE})
        gk, public = gatekeeper(cluster), ed25519_public(cluster)
        with pytest.raises(InvalidShare) as named:
            asyncio.run(gk.sign_ed25519([1, 2], request("ed25519", [b"m"]), public))
        assert named.value.culprit == 2
        sign = lambda signers: gk.sign_ed25519(signers, request("ed25519", [b"pay 1"]), public)
        [signature], excluded = asyncio.run(gk.sign_with_retry(sign, [2, 1, 3], 2))
        assert excluded == [2] and check_ed25519(cluster, b"pay 1", signature)
        assert "patched_node.py" in " ".join(nodes.procs[2].args)  # type: ignore[arg-type]  # the real process, patched
    finally:
        if nodes is not None:
            nodes.stop_all()
