"""The node's NEAR Controller client without a chain: `get_state` mapped for the runner, and vote gating."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from hot.near import KeyPair, outcome_value, write_key_file
from hot.mpc.node.config import NodeConfig
from hot.wire.errors import ConfigError, ControllerUnavailable
from hot.mpc.node.controller_near import NearControllerView
from hot.mpc.node.service import controller_view

ACCOUNTS = ["node1.test.near", "node2.test.near", "node3.test.near", "node4.test.near"]


def node(i: int) -> dict[str, Any]:
    return {"account_id": ACCOUNTS[i - 1], "url": f"http://127.0.0.1:{4000 + i}", "p2p_public_key": f"{i:02x}" * 32,
            "signing_public_key": f"{i + 16:02x}" * 32, "participant_id": i, "p2p_address": f"127.0.0.1:{5000 + i}",
            "attestation": "valid", "attestation_expires_at": 1, "stake": None}


class RecordingRpc:
    """Stands in for hot.near.NearRpc: answers views from `views`, records function calls."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.views: dict[str, Any] = {"get_state": state, "get_gatekeepers": [
            {"gatekeeper_id": "gk", "public_key": "ab" * 32, "status": "active"},
            {"gatekeeper_id": "old", "public_key": "cd" * 32, "status": "removed"}]}
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.node_reads: list[str] = []

    async def view(self, account_id: str, method: str, args: dict[str, Any] | None = None) -> Any:
        if method == "get_node":
            self.node_reads.append(args["account_id"])  # type: ignore[index]
            return node(ACCOUNTS.index(args["account_id"]) + 1)  # type: ignore[index]
        return self.views[method]

    async def function_call(self, signer_id: str, key: KeyPair, contract_id: str, method: str,
                            args: dict[str, Any] | None = None, **options: Any) -> Any:
        self.sent.append((signer_id, method, args or {}))
        return None


def keygen_state(domain_id: int, votes: dict[str, str], ed_key: str | None = None, attempt: int = 0) -> dict[str, Any]:
    return {"state": "Initializing", "epoch": 0, "threshold": 0, "participants": [],
            "domains": [{"id": 0, "scheme": "ed25519", "public_key": ed_key},
                        {"id": 1, "scheme": "secp256k1", "public_key": None}],
            "key_event": {"kind": "keygen", "domain_id": domain_id, "epoch": 0, "attempt": attempt,
                          "participants": ACCOUNTS[:3], "threshold": 2, "votes": votes}}


def make_view(tmp_path: Path, state: dict[str, Any], participant_id: int = 2) -> tuple[NearControllerView, RecordingRpc]:
    key_file = tmp_path / "near_key.json"
    write_key_file(key_file, ACCOUNTS[participant_id - 1], KeyPair.generate())
    view = NearControllerView("http://127.0.0.1:1", "controller.test.near", key_file, participant_id=participant_id)
    rpc = RecordingRpc(state)
    view.client = rpc  # type: ignore[assignment]
    return view, rpc


def test_keygen_maps_the_key_events_set_threshold_attempt_and_only_its_domain(tmp_path: Path) -> None:
    view, rpc = make_view(tmp_path, keygen_state(0, {}, attempt=2))
    state = asyncio.run(view.state())
    assert state.state == "Initializing" and state.threshold == 2 and state.attempt == 2
    assert sorted(state.participants) == [1, 2, 3] and state.participants[3].p2p_address == ("127.0.0.1", 5003)
    assert state.participants[1].p2p_public_key == bytes.fromhex("01" * 32)
    assert state.domains == ("ed25519",)  # secp256k1's key event has not started: no DKG for it yet
    assert state.gatekeepers == {"gk": bytes.fromhex("ab" * 32)}  # removed gatekeepers are not trusted
    rpc.views["get_state"] = keygen_state(1, {}, ed_key="11" * 32)
    state = asyncio.run(view.state())
    assert state.domains == ("ed25519", "secp256k1") and state.public_keys == {"ed25519": "11" * 32}
    assert sorted(set(rpc.node_reads)) == ACCOUNTS[:3]


def test_resharing_keeps_the_old_set_and_targets_the_new_one(tmp_path: Path) -> None:
    view, _ = make_view(tmp_path, {
        "state": "Resharing", "epoch": 1, "threshold": 2, "participants": [node(1), node(2), node(3)],
        "domains": [{"id": 0, "scheme": "ed25519", "public_key": "11" * 32}],
        "key_event": {"kind": "reshare", "domain_id": None, "epoch": 2, "attempt": 1, "participants": ACCOUNTS,
                      "threshold": 3, "votes": {}}})
    state = asyncio.run(view.state())
    assert (state.epoch, state.threshold, sorted(state.participants)) == (1, 2, [1, 2, 3])
    assert state.resharing is not None and (state.resharing.epoch, state.resharing.threshold) == (2, 3)
    assert sorted(state.resharing.participants) == [1, 2, 3, 4] and state.attempt == 1


def test_a_node_configured_with_another_id_than_the_controllers_is_refused(tmp_path: Path) -> None:
    view, _ = make_view(tmp_path, keygen_state(0, {}))
    view.participant_id = 3  # the key file is node2's
    with pytest.raises(ControllerUnavailable, match="participant id 2"):
        asyncio.run(view.state())


def test_a_vote_is_sent_only_for_the_open_key_event_and_once(tmp_path: Path) -> None:
    view, rpc = make_view(tmp_path, keygen_state(0, {}))
    with pytest.raises(ControllerUnavailable, match="not for secp256k1"):
        asyncio.run(view.vote_pk(2, 0, "secp256k1", "02" + "aa" * 32))
    assert rpc.sent == []
    rpc.views["get_state"] = keygen_state(1, {}, ed_key="11" * 32)
    asyncio.run(view.vote_pk(2, 0, "secp256k1", "02" + "aa" * 32))
    assert rpc.sent == [("node2.test.near", "vote_pk", {"domain_id": 1, "public_key": "02" + "aa" * 32})]
    rpc.views["get_state"] = keygen_state(1, {"node2.test.near": "02" + "aa" * 32}, ed_key="11" * 32)
    asyncio.run(view.vote_pk(2, 0, "secp256k1", "02" + "aa" * 32))  # already counted: not sent again
    asyncio.run(view.vote_pk(2, 0, "ed25519", "11" * 32))  # already adopted: nothing to say
    asyncio.run(view.submit_attestation({"measurement": "00" * 32}))
    assert [m for _, m, _ in rpc.sent] == ["vote_pk", "submit_attestation"]


def test_a_refused_transaction_is_an_error(tmp_path: Path) -> None:
    view, rpc = make_view(tmp_path, keygen_state(0, {}))
    async def refuse(*args: Any, **options: Any) -> Any:  # what NEAR answers when the contract panics
        return outcome_value({"status": {"Failure": {"ActionError": {"index": 0, "kind": {"FunctionCallError": {
            "ExecutionError": "Smart contract panicked: E_NOT_ATTESTED: no valid quote"}}}}}})

    rpc.function_call = refuse  # type: ignore[method-assign]
    with pytest.raises(ControllerUnavailable, match="E_NOT_ATTESTED"):
        asyncio.run(view.vote_pk(2, 0, "ed25519", "11" * 32))


def test_a_near_controller_config_needs_rpc_contract_and_key(tmp_path: Path) -> None:
    base = {"participant_id": 1, "data_dir": str(tmp_path / "n")}
    with pytest.raises(ConfigError, match="near_key_file"):
        controller_view(NodeConfig.model_validate({**base, "controller": {"kind": "near", "rpc_url": "http://x"}}))
    key_file = tmp_path / "key.json"
    write_key_file(key_file, "node1.test.near", KeyPair.generate())
    near = {"kind": "near", "rpc_url": "http://127.0.0.1:1", "account_id": "controller.test.near", "near_key_file": str(key_file)}
    with pytest.raises(ConfigError, match="not of near_account_id"):
        controller_view(NodeConfig.model_validate({**base, "controller": {**near, "near_account_id": "node9.test.near"}}))
    view = controller_view(NodeConfig.model_validate({**base, "controller": {**near, "near_account_id": "node1.test.near"}}))
    assert isinstance(view, NearControllerView) and view.account_id == "node1.test.near"


def test_vote_reshared_only_for_the_open_reshare_and_once(tmp_path: Path) -> None:
    reshare = {"state": "Resharing", "epoch": 1, "threshold": 2, "participants": [node(1), node(2), node(3)],
               "domains": [{"id": 0, "scheme": "ed25519", "public_key": "11" * 32}],
               "key_event": {"kind": "reshare", "domain_id": None, "epoch": 2, "attempt": 0, "participants": ACCOUNTS,
                             "threshold": 2, "votes": {}}}
    view, rpc = make_view(tmp_path, reshare)
    with pytest.raises(ControllerUnavailable, match="not 3"):
        asyncio.run(view.vote_reshared(2, 3, {}))
    asyncio.run(view.vote_reshared(2, 2, {}))
    assert rpc.sent == [("node2.test.near", "vote_reshared", {"epoch": 2})]
    reshare["key_event"]["votes"] = {"node2.test.near": "done"}
    asyncio.run(view.vote_reshared(2, 2, {}))  # counted already
    rpc.views["get_state"] = {**reshare, "state": "Running", "epoch": 2, "key_event": None}
    asyncio.run(view.vote_reshared(2, 2, {}))  # the network moved on: nothing to send
    assert len(rpc.sent) == 1
