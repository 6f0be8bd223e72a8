"""Deploy and initialize the four protocol contracts on the localnet chain, over its NEAR JSON-RPC.

Accounts are sub-accounts of the chain's root (`test.near`), which is also the DAO's only member:
the localnet operator plays governance. Deployment is idempotent per contract: an account that
already holds code is left alone, so a second `hot localnet up` on the same data dir finds the
state the first one left. Init arguments follow docs/contracts.md and the contract tests
(tests/support/protocol_contracts.py); the DAO has no veto window so a localnet proposal executes
at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hot.contracts
from hot.localnet.chain.accounts import EMPTY_CODE_HASH
from hot.mpc.node.attestation import SoftwareVendor
from hot.near import (
    AccessKey,
    AddKey,
    BlockingNearRpc,
    CreateAccount,
    DeployContract,
    FunctionCall,
    KeyPair,
    Transfer,
    outcome_value,
    read_key_file,
)
from hot.near.queries import json_args
from hot.wire.errors import ClusterError, NearRpcError, TransactionFailed

CONTRACTS_DIR = Path(hot.contracts.__file__).resolve().parent
NEAR = 10**24
GAS = 300 * 10**12
STORAGE_DEPOSIT = 1_250_000_000_000_000_000_000
TOKEN = 10**18


@dataclass(frozen=True)
class ContractPlan:
    """One contract: its account name (under the root), source module, initializer arguments."""

    role: str
    name: str
    source: str
    init_args: dict[str, Any]


def send_checked(client: BlockingNearRpc, signer_id: str, key: KeyPair, receiver_id: str, actions: list[Any]) -> Any:
    """Send a transaction and wait; its decoded result, or ClusterError naming the failure."""
    try:
        return outcome_value(client.sign_and_send(signer_id, key, receiver_id, actions))
    except TransactionFailed as exc:
        raise ClusterError(f"transaction {signer_id} -> {receiver_id} failed: {exc}") from exc
    except NearRpcError as exc:
        raise ClusterError(f"transaction {signer_id} -> {receiver_id} refused: {exc}") from exc


def call_as(client: BlockingNearRpc, signer_id: str, key: KeyPair, contract_id: str, method: str,
            args: dict[str, Any]) -> Any:
    """One function call signed by `signer_id` with `key`."""
    return send_checked(client, signer_id, key, contract_id, [FunctionCall(method, json_args(args), GAS, 0)])


class ProtocolDeployer:
    """Deploys the DAO, gTOKEN, Controller and Key Registry with the root key of the chain."""

    def __init__(self, rpc_url: str, root_key_file: Path) -> None:
        self.root_id, self.key = read_key_file(root_key_file)
        self.client = BlockingNearRpc(rpc_url)

    def account(self, name: str) -> str:
        return f"{name}.{self.root_id}"

    def plans(self) -> list[ContractPlan]:
        dao, gtoken, controller = self.account("dao"), self.account("gtoken"), self.account("controller")
        vendor = SoftwareVendor.test_vendor().public_key.hex()
        return [
            ContractPlan("dao", "dao", "dao.py", {
                "members": [self.root_id], "controller": controller, "gtoken": gtoken,
                "quorum_bps": 6000, "voting_period_blocks": 100, "veto_window_blocks": 0}),
            ContractPlan("gtoken", "gtoken", "gtoken.py", {
                "owner_id": self.root_id, "total_supply": str(10**6 * TOKEN), "controller_id": controller,
                "dao_id": dao, "unstake_delay_blocks": 50}),
            ContractPlan("controller", "controller", "controller.py", {
                "dao": dao, "gtoken": gtoken, "vendor_public_keys": [vendor], "key_event_timeout_blocks": 100,
                "require_attestation": True}),
            ContractPlan("registry", "registry", "registry.py", {}),
        ]

    def has_code(self, account_id: str) -> bool | None:
        """True: holds a contract; False: exists without one; None: no such account."""
        try:
            found = self.client.view_account(account_id)
        except NearRpcError as exc:
            if exc.cause == "UNKNOWN_ACCOUNT":
                return None
            raise
        return bool(found["code_hash"] != EMPTY_CODE_HASH)

    def send(self, signer_id: str, receiver_id: str, actions: list[Any]) -> Any:
        """A transaction signed with the root key (every localnet operator account shares it)."""
        return send_checked(self.client, signer_id, self.key, receiver_id, actions)

    def call(self, signer_id: str, contract_id: str, method: str, args: dict[str, Any], deposit: int = 0) -> Any:
        """A function call signed with the root key (every localnet operator account shares it)."""
        return self.send(signer_id, contract_id, [FunctionCall(method, json_args(args), GAS, deposit)])

    def create_account(self, account_id: str, balance: int = 50 * NEAR, key: KeyPair | None = None) -> None:
        """A sub-account of the root, funded, with `key` (default: the root key) as full access key."""
        public = (key or self.key).public_key
        self.send(self.root_id, account_id, [CreateAccount(), Transfer(balance), AddKey(public, AccessKey(0, None))])

    def deploy(self, plan: ContractPlan) -> bool:
        """Deploy one contract unless its account already holds code; True when it deployed now."""
        account_id = self.account(plan.name)
        existing = self.has_code(account_id)
        if existing:
            return False
        if existing is False:
            raise ClusterError(f"{account_id} exists without a contract: this data dir's chain is not a localnet "
                               "cluster's; use another --data-dir")
        code = (CONTRACTS_DIR / plan.source).read_bytes()
        self.send(self.root_id, account_id, [
            CreateAccount(), Transfer(50 * NEAR), AddKey(self.key.public_key, AccessKey(0, None)),
            DeployContract(code), FunctionCall("new", json_args(plan.init_args), GAS, 0)])
        return True

    def deploy_all(self) -> dict[str, str]:
        """Deploy what is missing and wire the Controller to gTOKEN; returns role -> account id."""
        deployed = {plan.role: self.deploy(plan) for plan in self.plans()}
        if deployed["controller"] or deployed["gtoken"]:
            # The Controller receives dispute fees in gTOKEN (NEP-145 registration).
            self.call(self.account("controller"), self.account("gtoken"), "storage_deposit", {}, STORAGE_DEPOSIT)
        return {plan.role: self.account(plan.name) for plan in self.plans()}

    def dao_decides(self, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        """The root (the DAO's only member) proposes, approves and executes one action."""
        dao = self.account("dao")
        proposal_id = self.call(self.root_id, dao, "propose", {"kind": kind, "args": args})
        self.call(self.root_id, dao, "vote", {"proposal_id": proposal_id, "approve": True})
        self.call(self.root_id, dao, "execute", {"proposal_id": proposal_id})
        proposal: dict[str, Any] = self.client.view(dao, "get_proposal", {"proposal_id": proposal_id})
        if proposal["status"] != "executed":
            raise ClusterError(f"DAO proposal {kind} ended {proposal['status']}: {proposal.get('result')}")
        return proposal

    def close(self) -> None:
        self.client.close()
