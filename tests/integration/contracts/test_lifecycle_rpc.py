"""One full lifecycle through the real NEAR JSON-RPC server (the issue's acceptance test).

Deploy DAO, gTOKEN, Controller and Registry; DAO pins a measurement and starts key generation;
nodes attest and vote keys (Running); a node is added and the reshare confirmed (Running, epoch 1);
a fisherman's dispute slashes a node and rewards him; an attestation expires and flags its node;
in every state an illegal call is refused. Every step is a signed transaction over HTTP.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from hot.localnet.chain.chain import NEAR
from hot.near import (
    AccessKey,
    AddKey,
    BlockingNearRpc,
    CreateAccount,
    DeployContract,
    FunctionCall,
    KeyPair,
    Transfer,
)
from hot.mpc.node.attestation import SoftwareVendor
from hot.wire.access import RESERVE_TAG
from hot.wire.encoding import canonical_json
from hot.wire.log import GENESIS_PREV_HASH, LogEntry
from hot.sdk.testing import failure_code

from tests.support.protocol_contracts import CONTRACTS, STORAGE, TOKEN, ed25519_key, public_hex

pytestmark = pytest.mark.integration
GAS = 300 * 10**12
MEASUREMENT = bytes.fromhex("4d" * 32)
VENDOR = SoftwareVendor.test_vendor()


class Actor:
    """An account on the RPC chain that signs its own transactions."""

    def __init__(self, rpc: BlockingNearRpc, account_id: str, key: KeyPair) -> None:
        self.rpc, self.account_id, self.key = rpc, account_id, key

    def call(self, contract: Actor, method: str, args: dict[str, Any] | None = None, deposit: int = 0) -> Any:
        outcome = self.rpc.sign_and_send(self.account_id, self.key, contract.account_id,
                                [FunctionCall(method, json.dumps(args or {}).encode(), GAS, deposit)])
        if "Failure" in outcome["status"]:
            kind = outcome["status"]["Failure"].get("ActionError", {}).get("kind")
            raise CallRefused(failure_code(kind)[0])
        failures = [r for r in outcome["receipts_outcome"] if "Failure" in r["outcome"]["status"]]
        assert not failures or method in ("ft_transfer_call",), failures
        raw = outcome["status"].get("SuccessValue", "")
        decoded = base64.b64decode(raw)
        return json.loads(decoded) if decoded else None

    def refused(self, code: str, contract: Actor, method: str, args: dict[str, Any] | None = None) -> None:
        with pytest.raises(CallRefused) as caught:
            self.call(contract, method, args)
        assert caught.value.code == code, caught.value.code

    def view(self, method: str, args: dict[str, Any] | None = None) -> Any:
        return self.rpc.view(self.account_id, method, args)


class CallRefused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def create(rpc: BlockingNearRpc, root: Actor, name: str, code: bytes | None = None,
           init: dict[str, Any] | None = None) -> Actor:
    account_id = f"{name}.{root.account_id}"
    key = KeyPair.from_seed(account_id.encode())
    actions: list[Any] = [CreateAccount(), Transfer(30 * NEAR), AddKey(key.public_key, AccessKey(0, None))]
    if code is not None:
        actions += [DeployContract(code), FunctionCall("new", json.dumps(init or {}).encode(), GAS, 0)]
    outcome = rpc.sign_and_send(root.account_id, root.key, account_id, actions)
    assert "SuccessValue" in outcome["status"], outcome["status"]
    return Actor(rpc, account_id, key)


def now_s(rpc: BlockingNearRpc) -> int:
    return int(rpc.call("block", {"finality": "final"})["header"]["timestamp"]) // 10**9


@dataclass
class Net:
    """The deployed protocol on the RPC chain and the accounts that drive it."""

    rpc: BlockingNearRpc
    root: Actor
    members: list[Actor]
    dao: Actor
    treasury: Actor
    gtoken: Actor
    controller: Actor
    registry: Actor
    nodes: list[Actor] = field(default_factory=list)
    signing: list[Any] = field(default_factory=list)

    def dao_decides(self, kind: str, args: dict[str, Any]) -> None:
        pid = self.members[0].call(self.dao, "propose", {"kind": kind, "args": args})
        self.members[0].call(self.dao, "vote", {"proposal_id": pid, "approve": True})
        assert self.members[1].call(self.dao, "vote", {"proposal_id": pid, "approve": True}) == "approved"
        self.members[2].call(self.dao, "execute", {"proposal_id": pid})
        assert self.dao.view("get_proposal", {"proposal_id": pid})["status"] == "executed"


def deploy(rpc: BlockingNearRpc, root: Actor) -> Net:
    """Deploy and initialize the four contracts (each `new` runs in its deploy transaction)."""
    suffix = root.account_id
    members = [create(rpc, root, f"lc-member{i}") for i in range(3)]
    dao = create(rpc, root, "lc-dao", (CONTRACTS / "dao.py").read_bytes(), {
        "members": [m.account_id for m in members], "controller": f"lc-controller.{suffix}",
        "gtoken": f"lc-gtoken.{suffix}", "voting_period_blocks": 50, "veto_window_blocks": 1})
    treasury = create(rpc, root, "lc-treasury")
    gtoken = create(rpc, root, "lc-gtoken", (CONTRACTS / "gtoken.py").read_bytes(), {
        "owner_id": treasury.account_id, "total_supply": str(10**6 * TOKEN),
        "controller_id": f"lc-controller.{suffix}", "dao_id": dao.account_id, "unstake_delay_blocks": 100})
    controller = create(rpc, root, "lc-controller", (CONTRACTS / "controller.py").read_bytes(), {
        "dao": dao.account_id, "gtoken": gtoken.account_id, "vendor_public_keys": [VENDOR.public_key.hex()],
        "key_event_timeout_blocks": 50, "economics": {"dispute_fee": str(10 * TOKEN), "veto_window_blocks": 1,
                                                       "slash_bps": 5000, "fisherman_share_bps": 2000}})
    registry = create(rpc, root, "lc-registry", (CONTRACTS / "registry.py").read_bytes(), {})
    return Net(rpc, root, members, dao, treasury, gtoken, controller, registry)


def keygen(net: Net) -> None:
    """NotInitialized -> Initializing -> Running, with an illegal call refused in each state."""
    net.nodes = [create(net.rpc, net.root, f"lc-node{i}") for i in range(4)]
    net.signing = [ed25519_key(f"lc-node{i}/signing") for i in range(4)]
    for i, node in enumerate(net.nodes):
        node.call(net.controller, "register_node", {
            "url": f"http://127.0.0.1:{4000 + i}", "p2p_public_key": public_hex(ed25519_key(f"lc-node{i}/p2p")),
            "signing_public_key": public_hex(net.signing[i])})
    assert net.controller.view("get_state")["state"] == "NotInitialized"
    net.nodes[0].refused("E_WRONG_STATE", net.controller, "vote_pk", {"domain_id": 0, "public_key": "ab" * 32})
    net.dao_decides("approve_measurement", {"measurement": MEASUREMENT.hex(), "expires_at": now_s(net.rpc) + 10**6})
    for i, node in enumerate(net.nodes):
        quote = VENDOR.issue(MEASUREMENT, net.signing[i].public_key().public_bytes_raw(), now=now_s(net.rpc), ttl=3600)
        node.call(net.controller, "submit_attestation", {"quote": quote.to_dict()})
    net.dao_decides("begin_keygen", {"participants": [n.account_id for n in net.nodes[:3]], "threshold": 2,
                                     "schemes": ["ed25519", "secp256k1"]})
    assert net.controller.view("get_state")["state"] == "Initializing"
    net.nodes[0].refused("E_WRONG_STATE", net.controller, "vote_add_participant",
                         {"account_id": net.nodes[3].account_id})
    for domain_id, key in ((0, "ed" * 32), (1, "02" + "5c" * 32)):
        assert net.controller.view("get_key_event")["domain_id"] == domain_id
        for node in net.nodes[:3]:
            node.call(net.controller, "vote_pk", {"domain_id": domain_id, "public_key": key})
    state = net.controller.view("get_state")
    assert state["state"] == "Running"
    assert [d["public_key"] for d in state["domains"]] == ["ed" * 32, "02" + "5c" * 32]


def add_node(net: Net) -> None:
    """Running -> Resharing -> Running (epoch 1) with node3 added; illegal calls refused."""
    net.nodes[0].refused("E_WRONG_STATE", net.controller, "vote_reshared", {"epoch": 1})
    for node in net.nodes[:2]:
        node.call(net.controller, "vote_add_participant", {"account_id": net.nodes[3].account_id})
    assert net.controller.view("get_state")["state"] == "Resharing"
    net.nodes[0].refused("E_WRONG_STATE", net.controller, "vote_pk", {"domain_id": 0, "public_key": "ed" * 32})
    for node in net.nodes:
        node.call(net.controller, "vote_reshared", {"epoch": 1})
    state = net.controller.view("get_state")
    assert state["state"] == "Running" and state["epoch"] == 1 and len(state["participants"]) == 4


def dispute(net: Net) -> None:
    """Self-proving evidence against node0: slashed by half, the fisherman gets 20% of it and his fee back."""
    fisher, node0, controller, gtoken = create(net.rpc, net.root, "lc-fisher"), net.nodes[0], net.controller, net.gtoken
    for account in (node0, fisher, controller):
        account.call(gtoken, "storage_deposit", {}, deposit=STORAGE)
    for account, amount in ((node0, 1000 * TOKEN), (fisher, 100 * TOKEN)):
        net.treasury.call(gtoken, "ft_transfer", {"receiver_id": account.account_id, "amount": str(amount)}, deposit=1)
    node0.call(gtoken, "stake", {"amount": str(1000 * TOKEN)}, deposit=1)
    entry = LogEntry.create(7, 1_764_000_000_000, "decision", {
        "event": "signature_released", "key_id": "k", "request_hash": "ab", "authorization": "denied"},
        GENESIS_PREV_HASH, net.signing[0]).to_json_line().decode()
    msg = {"dispute": {"accused": node0.account_id, "kind": "unauthorized_signature", "evidence": {"entry": entry}}}
    fisher.call(gtoken, "ft_transfer_call", {"receiver_id": controller.account_id, "amount": str(10 * TOKEN),
                                             "msg": json.dumps(msg)}, deposit=1)
    assert controller.view("get_dispute", {"dispute_id": 0})["status"] == "upheld"
    fisher.call(controller, "execute_dispute", {"dispute_id": 0})
    assert gtoken.view("staked_of", {"account_id": node0.account_id}) == str(500 * TOKEN)
    assert gtoken.view("ft_balance_of", {"account_id": fisher.account_id}) == str(200 * TOKEN)


def attestation_expires(net: Net) -> None:
    """node3 re-attests with a 4 s quote; once block time passes it, node3 is flagged.

    Block time on the RPC chain is wall time, so the quote is issued at wall time (the head block
    may be older) and the loop waits on the condition with a deadline, producing blocks, not sleeping.
    """
    quote = VENDOR.issue(MEASUREMENT, net.signing[3].public_key().public_bytes_raw(), now=int(time.time()), ttl=4)
    net.nodes[3].call(net.controller, "submit_attestation", {"quote": quote.to_dict()})
    assert net.controller.view("flagged_participants") == []
    deadline = time.monotonic() + 20
    while not net.controller.view("flagged_participants"):
        assert time.monotonic() < deadline, "the attestation never expired"
        net.nodes[1].call(net.controller, "report_work", {"units": 1})  # a block: block (wall) time moves
    assert net.controller.view("flagged_participants") == [
        {"account_id": net.nodes[3].account_id, "attestation": "expired"}]


def registry_answers(net: Net) -> None:
    owner, root_key = create(net.rpc, net.root, "lc-owner"), ed25519_key("lc-root")
    methods = [{"chain_id": 1010, "contract_id": "policy.test.near", "method": "hot_verify", "metadata": ""}]
    message = RESERVE_TAG + canonical_json({"access_list": methods, "owner": owner.account_id,
                                            "registry": net.registry.account_id, "root_public_key": public_hex(root_key)})
    key_id = owner.call(net.registry, "reserve_key", {"root_public_key": public_hex(root_key), "access_list": methods,
                                                      "signature": root_key.sign(message).hex()})
    wallet = net.registry.view("get_wallet", {"wallet_id": key_id})
    assert wallet["access_list"] == [{"account_id": "policy.test.near", "chain_id": 1010, "metadata": None}]


def test_full_lifecycle_over_rpc(near_rpc) -> None:  # type: ignore[no-untyped-def]
    with BlockingNearRpc(near_rpc.url) as rpc:
        net = deploy(rpc, Actor(rpc, near_rpc.root_account, KeyPair.from_secret(near_rpc.root_secret_key)))
        keygen(net)
        add_node(net)
        dispute(net)
        attestation_expires(net)
        registry_answers(net)
