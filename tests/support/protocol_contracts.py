"""Fixtures for the protocol contracts: an in-process chain (reverted per test) and deployed contracts.

A conftest registers them with `from tests.support.protocol_contracts import *`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hot.contracts
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.near.signer import KeyPair
from hot.sdk.testing import LocalAccount, TestChain

CONTRACTS = Path(hot.contracts.__file__).parent
ROOT_KEY_A = "aa" * 32


def ed25519_key(label: str) -> Ed25519PrivateKey:
    """A deterministic Ed25519 key per label (tests only)."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


@dataclass
class Node:
    """A node operator account with its p2p and signing keys."""

    account: LocalAccount
    p2p: Ed25519PrivateKey
    signing: Ed25519PrivateKey

    @property
    def account_id(self) -> str:
        return self.account.account_id

    def register(self, controller: LocalAccount) -> Any:
        return self.account.call(controller, "register_node", {
            "url": f"http://{self.account_id}:3000", "p2p_public_key": public_hex(self.p2p),
            "signing_public_key": public_hex(self.signing)})


def make_node(chain: TestChain, name: str) -> Node:
    return Node(chain.create_account(name), ed25519_key(f"{name}/p2p"), ed25519_key(f"{name}/signing"))


@pytest.fixture
def dao(hot_chain: TestChain) -> LocalAccount:
    """A plain account standing in for the DAO contract (the DAO's own tests use the real one)."""
    return hot_chain.create_account("dao")


@pytest.fixture
def deploy_controller(hot_chain: TestChain, dao: LocalAccount) -> Callable[..., LocalAccount]:
    def deploy(**args: Any) -> LocalAccount:
        controller = hot_chain.create_account("controller")
        controller.deploy(CONTRACTS / "controller.py", init="new",
                          args={"dao": dao.account_id, "require_attestation": False,
                                "key_event_timeout_blocks": 5, **args})
        return controller
    return deploy


@pytest.fixture
def controller(deploy_controller: Callable[..., LocalAccount]) -> LocalAccount:
    return deploy_controller()


@pytest.fixture
def nodes(hot_chain: TestChain, controller: LocalAccount) -> list[Node]:
    """Five registered (not yet participating) nodes."""
    result = [make_node(hot_chain, f"node{i}") for i in range(5)]
    for node in result:
        node.register(controller)
    return result


def pk_hex(label: str, size: int = 32) -> str:
    """A stand-in root public key of `size` bytes (the contract only checks agreement and shape)."""
    raw = hashlib.sha256(label.encode()).digest()
    return (b"\x02" + raw).hex() if size == 33 else raw.hex()


def run_keygen(controller: LocalAccount, dao: LocalAccount, members: list[Node], threshold: int,
               schemes: list[str]) -> None:
    """begin_keygen then every member votes the same key for every domain: ends Running."""
    dao.call(controller, "begin_keygen", {"participants": [n.account_id for n in members],
                                          "threshold": threshold, "schemes": schemes})
    for domain_id, scheme in enumerate(schemes):
        key = pk_hex(f"root{domain_id}", 33 if scheme == "secp256k1" else 32)
        for node in members:
            node.account.call(controller, "vote_pk", {"domain_id": domain_id, "public_key": key})


@pytest.fixture
def running(controller: LocalAccount, dao: LocalAccount, nodes: list[Node]) -> LocalAccount:
    """Epoch 0 Running with nodes 0..2, threshold 2, domains ed25519 and secp256k1."""
    run_keygen(controller, dao, nodes[:3], 2, ["ed25519", "secp256k1"])
    return controller


NEAR_YOCTO = 10**24
STORAGE = 1_250_000_000_000_000_000_000
TOKEN = 10**18


@pytest.fixture
def gtoken(hot_chain: TestChain, dao: LocalAccount) -> LocalAccount:
    """gTOKEN with 1,000,000 tokens minted to `treasury`; the Controller account is `controller`."""
    treasury = hot_chain.create_account("treasury")
    token = hot_chain.create_account("gtoken")
    token.deploy(CONTRACTS / "gtoken.py", init="new", args={
        "owner_id": treasury.account_id, "total_supply": str(10**6 * TOKEN),
        "controller_id": f"controller.{hot_chain.root.account_id}", "dao_id": dao.account_id,
        "unstake_delay_blocks": 10})
    return token


def fund(hot_chain: TestChain, gtoken: LocalAccount, account: LocalAccount, amount: int) -> None:
    """Register `account` with the token and send it `amount` from the treasury."""
    account.call(gtoken, "storage_deposit", {}, deposit=STORAGE)
    treasury_id = f"treasury.{hot_chain.root.account_id}"
    treasury = LocalAccount(hot_chain, treasury_id, KeyPair.from_seed(treasury_id.encode()))
    treasury.call(gtoken, "ft_transfer", {"receiver_id": account.account_id, "amount": str(amount)}, deposit=1)


@dataclass
class Protocol:
    """The four contracts wired together: DAO (3 members), Controller, gTOKEN (Registry apart)."""

    chain: TestChain
    dao: LocalAccount
    members: list[LocalAccount]
    controller: LocalAccount
    gtoken: LocalAccount

    def dao_decides(self, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        """Propose, reach quorum, wait out the veto window and execute; returns the proposal."""
        pid = self.members[0].call(self.dao, "propose", {"kind": kind, "args": args}).value
        for member in self.members:
            if member.call(self.dao, "vote", {"proposal_id": pid, "approve": True}).value == "approved":
                break
        self.chain.advance_blocks(5)
        self.members[2].call(self.dao, "execute", {"proposal_id": pid})
        return self.dao.view("get_proposal", {"proposal_id": pid})


@pytest.fixture
def protocol(hot_chain: TestChain) -> Protocol:
    members = [hot_chain.create_account(f"member{i}") for i in range(3)]
    root = hot_chain.root.account_id
    dao = hot_chain.create_account("governance")
    dao.deploy(CONTRACTS / "dao.py", init="new", args={
        "members": [m.account_id for m in members], "controller": f"controller.{root}", "gtoken": f"gtoken.{root}",
        "quorum_bps": 6000, "voting_period_blocks": 20, "veto_window_blocks": 5})
    treasury = hot_chain.create_account("treasury")
    token = hot_chain.create_account("gtoken")
    token.deploy(CONTRACTS / "gtoken.py", init="new", args={
        "owner_id": treasury.account_id, "total_supply": str(10**6 * TOKEN), "controller_id": f"controller.{root}",
        "dao_id": dao.account_id, "unstake_delay_blocks": 50})
    controller = hot_chain.create_account("controller")
    controller.deploy(CONTRACTS / "controller.py", init="new", args={
        "dao": dao.account_id, "gtoken": token.account_id, "key_event_timeout_blocks": 5,
        "require_attestation": False, "economics": {"dispute_fee": str(10 * TOKEN), "veto_window_blocks": 3,
                                                    "slash_bps": 5000, "fisherman_share_bps": 2000}})
    controller.call(token, "storage_deposit", {}, deposit=STORAGE)
    return Protocol(hot_chain, dao, members, controller, token)
