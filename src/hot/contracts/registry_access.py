"""Access lists of the Key Registry: shape, HOT's wire form, and authorization of changes (whitepaper §2.1).

An access list is a list of authorization methods `{chain_id, contract_id, method, metadata}`;
the MPC network signs for the key only when *every* method's `hot_verify` says yes. HOT's
deployed registry answers `get_wallet` with `{"account_id", "chain_id", "metadata"}` per method,
where a method other than `hot_verify` is named inside the metadata JSON as `{"method": ...}`
(the convention hot.mpc.chains.base.AuthMethod reads); `to_hot_wire` produces exactly that.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import base58
from hot.sdk.contract import env, require
from hot.wire.encoding import canonical_json

DEFAULT_METHOD = "hot_verify"
MAX_METHODS = 16
MAX_METADATA = 4096
ENTRY_FIELDS = frozenset({"chain_id", "contract_id", "method", "metadata"})
RESERVE_TAG = b"hot-protocol/registry/reserve/v1\n"
UPDATE_TAG = b"hot-protocol/registry/update/v1\n"


def key_id_of(root_public_key: bytes) -> str:
    """HOT's scheme: uid = SHA-256(root Ed25519 public key); key_id = base58(SHA-256(uid))."""
    uid = hashlib.sha256(root_public_key).digest()
    return base58.b58encode(hashlib.sha256(uid).digest()).decode()


def normalize_access_list(access_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check and complete each method: chain_id int, contract_id, method (default hot_verify), metadata str."""
    require(0 < len(access_list) <= MAX_METHODS, f"E_BAD_ACCESS_LIST: 1..{MAX_METHODS} methods")
    result = []
    for entry in access_list:
        require(isinstance(entry, dict) and set(entry) <= ENTRY_FIELDS and {"chain_id", "contract_id"} <= set(entry),
                f"E_BAD_ACCESS_LIST: a method has {sorted(ENTRY_FIELDS)} (method and metadata optional)")
        method = {"chain_id": entry["chain_id"], "contract_id": entry["contract_id"],
                  "method": entry.get("method", DEFAULT_METHOD), "metadata": entry.get("metadata", "")}
        require(isinstance(method["chain_id"], int) and not isinstance(method["chain_id"], bool)
                and method["chain_id"] >= 0, "E_BAD_ACCESS_LIST: chain_id is a non-negative integer")
        require(isinstance(method["contract_id"], str) and 0 < len(method["contract_id"]) <= 256,
                "E_BAD_ACCESS_LIST: contract_id is a non-empty string")
        require(isinstance(method["method"], str) and method["method"].isidentifier(),
                "E_BAD_ACCESS_LIST: method is an identifier")
        require(isinstance(method["metadata"], str) and len(method["metadata"]) <= MAX_METADATA,
                f"E_BAD_ACCESS_LIST: metadata is a string of at most {MAX_METADATA} characters")
        if method["method"] != DEFAULT_METHOD and method["metadata"]:
            require(isinstance(_parse_object(method["metadata"]), dict),
                    "E_BAD_ACCESS_LIST: with a custom method, metadata must be a JSON object")
        result.append(method)
    require(len({canonical_json(m) for m in result}) == len(result), "E_BAD_ACCESS_LIST: duplicate methods")
    return result


def _parse_object(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def to_hot_wire(method: dict[str, Any]) -> dict[str, Any]:
    """One access-list entry as HOT's get_wallet shows it: {account_id, chain_id, metadata}."""
    metadata = method["metadata"]
    if method["method"] != DEFAULT_METHOD:
        parsed = _parse_object(metadata) if metadata else {}
        metadata = canonical_json({**parsed, "method": method["method"]}).decode()
    return {"account_id": method["contract_id"], "chain_id": method["chain_id"], "metadata": metadata or None}


def reserve_message(root_public_key: str, owner: str, access_list: list[dict[str, Any]]) -> bytes:
    """What the root key signs to reserve its key_id (binds registry, owner and the first access list)."""
    return RESERVE_TAG + canonical_json({"access_list": access_list, "owner": owner,
                                         "registry": env.current_account_id, "root_public_key": root_public_key})


def update_message(key_id: str, nonce: int, access_list: list[dict[str, Any]]) -> bytes:
    """What authorizes a change: signed by the root key, or the `msg_body` the current methods verify."""
    return UPDATE_TAG + canonical_json({"access_list": access_list, "key_id": key_id, "nonce": nonce,
                                        "registry": env.current_account_id})


def methods_authorize(key_id: str, methods: list[dict[str, Any]], message: bytes, user_payloads: list[str],
                      near_chain_id: int) -> None:
    """Every current method's hot_verify (a NEAR view on this chain) must approve the change message.

    Arguments follow HOT's NEAR convention: wallet_id, base58 msg_hash, msg_body, user_payload, metadata.
    Methods on other chains cannot be checked on-chain: such keys change with the root key instead.
    """
    require(len(user_payloads) == len(methods), "E_BAD_AUTHORIZATION: one user_payload per current method")
    msg_hash = base58.b58encode(hashlib.sha256(message).digest()).decode()
    for method, payload in zip(methods, user_payloads):
        require(method["chain_id"] == near_chain_id,
                f"E_UNVERIFIABLE_METHOD: chain {method['chain_id']} cannot be checked on-chain; use the root key")
        allowed = env.view(method["contract_id"], method["method"], {
            "msg_hash": msg_hash, "wallet_id": key_id, "msg_body": message.decode(), "user_payload": payload,
            "metadata": method["metadata"]})
        require(allowed is True, f"E_UNAUTHORIZED: {method['contract_id']}.{method['method']} refused the change")
