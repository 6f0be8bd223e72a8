"""Receipts and their outcomes in NEAR's JSON shapes.

A transaction becomes one receipt; each promise a contract creates becomes another, run later in
the same block (this chain executes receipts to completion inside the block that includes the
transaction, so `broadcast_tx_commit` returns the whole tree). Receipt ids are
SHA-256(tx hash || index), deterministic.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from typing import Any

import base58
from hot.near.actions import Action, action_json


@dataclasses.dataclass
class Receipt:
    receipt_id: str
    predecessor_id: str
    receiver_id: str
    signer_id: str
    signer_public_key: str
    actions: list[Action]
    callback: Any = None  # hot.sdk.contract.PromiseCall to schedule with this receipt's result
    promise_results: list[tuple[bool, Any]] = dataclasses.field(default_factory=list)
    callback_receipt_id: str | None = None  # set when this receipt's callback is scheduled

    def to_json(self) -> dict[str, Any]:
        return {"predecessor_id": self.predecessor_id, "receiver_id": self.receiver_id,
                "receipt_id": self.receipt_id, "receipt": {"Action": {
                    "signer_id": self.signer_id, "signer_public_key": self.signer_public_key,
                    "gas_price": "0", "output_data_receivers": [], "input_data_ids": [],
                    "actions": [action_json(a) for a in self.actions]}}}


def receipt_id(tx_hash: bytes, index: int) -> str:
    return base58.b58encode(hashlib.sha256(tx_hash + index.to_bytes(4, "little")).digest()).decode()


def success_value(value: bytes) -> dict[str, str]:
    return {"SuccessValue": base64.b64encode(value).decode()}


def execution_outcome(outcome_id: str, block_hash: str, executor_id: str, status: dict[str, Any], *,
                      logs: list[str] | None = None, receipt_ids: list[str] | None = None,
                      gas_burnt: int = 0, gas_price: int = 0, version: int = 3) -> dict[str, Any]:
    return {"proof": [], "block_hash": block_hash, "id": outcome_id, "outcome": {
        "logs": list(logs or []), "receipt_ids": list(receipt_ids or []), "gas_burnt": gas_burnt,
        "tokens_burnt": str(gas_burnt * gas_price), "executor_id": executor_id, "status": status,
        "metadata": {"version": version, "gas_profile": []}}}
