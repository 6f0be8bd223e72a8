"""Plain-HTTP helpers for the RPC tests: JSON-RPC posts as curl would send them."""

from __future__ import annotations

import base64
import itertools
from typing import Any

import base58
import httpx
from hot.near.actions import (
    AccessKey,
    AddKey,
    CreateAccount,
    DeployContract,
    FunctionCall,
    Transfer,
)
from hot.localnet.chain.chain import NEAR
from hot.near.signer import KeyPair

_ids = itertools.count(1)


def rpc(url: str, method: str, params: Any) -> httpx.Response:
    return httpx.post(url, json={"jsonrpc": "2.0", "id": next(_ids), "method": method, "params": params}, timeout=30)


def result(url: str, method: str, params: Any) -> Any:
    response = rpc(url, method, params)
    body = response.json()
    assert response.status_code == 200 and "result" in body, body
    return body["result"]


def next_nonce(url: str, account_id: str, key: KeyPair) -> int:
    found = result(url, "query", {"request_type": "view_access_key", "account_id": account_id,
                                  "public_key": str(key.public_key), "finality": "final"})
    return int(found["nonce"]) + 1


def signed(url: str, signer: str, key: KeyPair, receiver: str, actions: list[Any], nonce: int | None = None) -> str:
    head = base58.b58decode(result(url, "status", [])["sync_info"]["latest_block_hash"])
    nonce = next_nonce(url, signer, key) if nonce is None else nonce
    return base64.b64encode(key.sign_transaction(signer, receiver, nonce, head, actions)).decode()


def create_account_with_contract(url: str, root: str, root_key: KeyPair, account_id: str, code: bytes | None,
                                 init_args: bytes = b"") -> KeyPair:
    key = KeyPair.from_seed(account_id.encode())
    actions: list[Any] = [CreateAccount(), Transfer(50 * NEAR), AddKey(key.public_key, AccessKey(0, None))]
    if code is not None:
        actions.append(DeployContract(code))
        if init_args:
            actions.append(FunctionCall("new", init_args, 10**14, 0))
    outcome = result(url, "broadcast_tx_commit", [signed(url, root, root_key, account_id, actions)])
    assert "SuccessValue" in outcome["status"], outcome["status"]
    return key
