"""The Key Registry's on-chain check of an access-list change (whitepaper §2.1).

The shape of access lists, key_ids and the signed reserve/update messages are pure rules the SDK
builds too, so they live in hot.wire.access (issue 16: below the SDK, written once); what stays
here needs the chain: asking each current method's `hot_verify` whether it approves a change.
"""

from __future__ import annotations

import hashlib
from typing import Any

import base58
from hot.sdk.contract import env, require
from hot.wire.errors import ContractCode as E


def methods_authorize(key_id: str, methods: list[dict[str, Any]], message: bytes, user_payloads: list[str],
                      near_chain_id: int) -> None:
    """Every current method's hot_verify (a NEAR view on this chain) must approve the change message.

    Arguments follow HOT's NEAR convention: wallet_id, base58 msg_hash, msg_body, user_payload, metadata.
    Methods on other chains cannot be checked on-chain: such keys change with the root key instead.
    """
    require(len(user_payloads) == len(methods), E.BAD_AUTHORIZATION, "one user_payload per current method")
    msg_hash = base58.b58encode(hashlib.sha256(message).digest()).decode()
    for method, payload in zip(methods, user_payloads):
        require(method["chain_id"] == near_chain_id,
                E.UNVERIFIABLE_METHOD, f"chain {method['chain_id']} cannot be checked on-chain; use the root key")
        allowed = env.view(method["contract_id"], method["method"], {
            "msg_hash": msg_hash, "wallet_id": key_id, "msg_body": message.decode(), "user_payload": payload,
            "metadata": method["metadata"]})
        require(allowed is True, E.UNAUTHORIZED, f"{method['contract_id']}.{method['method']} refused the change")
