"""The Controller bridge's two jobs without processes: the state document the nodes read, and vote gating."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hot.localnet.chain.signer import KeyPair, write_key_file
from hot.localnet.cluster.bridge import ControllerBridge
from hot.mpc.node.controller_client import parse_state

ACCOUNTS = ["node1.test.near", "node2.test.near", "node3.test.near"]


class RecordingRpc:
    """Stands in for NearJsonRpcClient: answers views from a dict, records transactions."""

    def __init__(self) -> None:
        self.views: dict[str, Any] = {"get_gatekeepers": [
            {"gatekeeper_id": "gk", "public_key": "ab" * 32, "status": "active"},
            {"gatekeeper_id": "old", "public_key": "cd" * 32, "status": "removed"}]}
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def view(self, account_id: str, method: str, args: dict[str, Any] | None = None) -> Any:
        return self.views[method]

    def send(self, signer_id: str, key: KeyPair, receiver_id: str, actions: list[Any]) -> dict[str, Any]:
        self.sent.append((signer_id, actions[0].method_name, json.loads(actions[0].args)))
        return {"status": {"SuccessValue": base64.b64encode(b"null").decode()}}


@pytest.fixture
def bridge(tmp_path: Path) -> ControllerBridge:
    nodes = []
    for i, account in enumerate(ACCOUNTS, start=1):
        key_file = tmp_path / f"key{i}.json"
        write_key_file(key_file, account, KeyPair.generate())
        nodes.append({"participant_id": i, "key_file": str(key_file), "http_url": f"http://127.0.0.1:{4000 + i}",
                      "p2p_address": f"127.0.0.1:{5000 + i}", "p2p_public_key": f"{i:02x}" * 32,
                      "signing_public_key": f"{i + 16:02x}" * 32})
    made = ControllerBridge({"rpc_url": "http://127.0.0.1:1", "controller": "controller.test.near",
                             "state_path": str(tmp_path / "state.json"), "votes_path": str(tmp_path / "votes.jsonl"),
                             "measurement": "00" * 32, "nodes": nodes})
    made.client = RecordingRpc()  # type: ignore[assignment]
    return made


def keygen_state(domain_id: int, votes: dict[str, str], ed_key: str | None = None) -> dict[str, Any]:
    return {"state": "Initializing", "epoch": 0, "threshold": 0, "participants": [],
            "domains": [{"id": 0, "scheme": "ed25519", "public_key": ed_key},
                        {"id": 1, "scheme": "secp256k1", "public_key": None}],
            "key_event": {"kind": "keygen", "domain_id": domain_id, "epoch": 0, "attempt": 0, "participants": ACCOUNTS,
                          "threshold": 2, "votes": votes}}


def test_before_keygen_every_registered_node_is_listed_so_peers_can_pin_keys(bridge: ControllerBridge) -> None:
    doc = bridge.file_state({"state": "NotInitialized", "epoch": 0, "threshold": 0, "participants": [], "domains": [],
                             "key_event": None})
    state = parse_state(doc)
    assert sorted(state.participants) == [1, 2, 3] and state.state == "NotInitialized"
    assert state.participants[2].p2p_address == ("127.0.0.1", 5002)
    assert state.gatekeepers == {"gk": bytes.fromhex("ab" * 32)}  # removed gatekeepers are not trusted


def test_keygen_document_uses_the_key_events_set_and_threshold(bridge: ControllerBridge) -> None:
    state = parse_state(bridge.file_state(keygen_state(1, {}, ed_key="11" * 32)))
    assert state.state == "Initializing" and state.threshold == 2 and sorted(state.participants) == [1, 2, 3]
    assert state.domains == ("ed25519", "secp256k1") and state.public_keys == {"ed25519": "11" * 32}


def test_a_vote_waits_for_its_domains_turn_and_is_sent_once(bridge: ControllerBridge) -> None:
    rpc: RecordingRpc = bridge.client  # type: ignore[assignment]
    secp_vote = {"kind": "vote_pk", "participant": 2, "epoch": 0, "domain": "secp256k1", "public_key": "02" + "aa" * 32}
    assert bridge._vote(secp_vote, keygen_state(0, {})) is False and rpc.sent == []  # ed25519 is generated first
    assert bridge._vote(secp_vote, keygen_state(1, {}, ed_key="11" * 32)) is True
    assert rpc.sent == [("node2.test.near", "vote_pk", {"domain_id": 1, "public_key": "02" + "aa" * 32})]
    assert bridge._vote(secp_vote, keygen_state(1, {"node2.test.near": "02" + "aa" * 32}, ed_key="11" * 32)) is True
    assert len(rpc.sent) == 1  # already counted by the Controller: not sent again
    ed_vote = {"kind": "vote_pk", "participant": 1, "epoch": 0, "domain": "ed25519", "public_key": "11" * 32}
    assert bridge._vote(ed_vote, keygen_state(1, {}, ed_key="11" * 32)) is True and len(rpc.sent) == 1  # adopted
