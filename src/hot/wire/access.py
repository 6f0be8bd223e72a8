"""Key Registry access lists and key_ids: their shape, HOT's wire form and the messages that change them.

Whitepaper §2.1: an access list is a list of authorization methods `{chain_id, contract_id,
method, metadata}`; the MPC network signs for the key only when *every* method's `hot_verify`
says yes. The Registry contract (hot.contracts.registry) stores lists in the normal form
`normalize_access_list` gives, and the SDK (hot.sdk.client.registry) builds the same form and
the same signed messages client-side; both import them from here, so a client's signature is
over exactly the bytes the contract checks (issue 16: one copy of each rule, below the SDK).

HOT's deployed registry answers `get_wallet` with `{"account_id", "chain_id", "metadata"}` per
method, where a method other than `hot_verify` is named inside the metadata JSON as
`{"method": ...}` (the convention hot.mpc.chains.base.AuthMethod reads); `to_hot_wire` produces
exactly that. Pure: no I/O, nothing from `hot` but `hot.wire`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import base58

from hot.wire.encoding import canonical_json
from hot.wire.errors import BadAccessList

DEFAULT_METHOD = "hot_verify"
MAX_METHODS = 16
MAX_METADATA = 4096
ENTRY_FIELDS = frozenset({"chain_id", "contract_id", "method", "metadata"})
# Domain tags: a reservation signature can never be replayed as an update, nor either as another message.
RESERVE_TAG = b"hot-protocol/registry/reserve/v1\n"
UPDATE_TAG = b"hot-protocol/registry/update/v1\n"


def key_id_of(root_public_key: bytes) -> str:
    """HOT's scheme: uid = SHA-256(root Ed25519 public key); key_id = base58(SHA-256(uid)) (whitepaper §2.1)."""
    uid = hashlib.sha256(root_public_key).digest()
    return base58.b58encode(hashlib.sha256(uid).digest()).decode()


def _check(condition: object, message: str) -> None:
    if not condition:
        raise BadAccessList(message)


def normalize_access_list(access_list: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Check and complete each method: chain_id int, contract_id, method (default hot_verify), metadata str.

    Raises BadAccessList (contract code E_BAD_ACCESS_LIST) naming the first rule a method breaks.
    """
    _check(0 < len(access_list) <= MAX_METHODS, f"1..{MAX_METHODS} methods")
    result = []
    for entry in access_list:
        _check(isinstance(entry, Mapping) and set(entry) <= ENTRY_FIELDS and {"chain_id", "contract_id"} <= set(entry),
               f"a method has {sorted(ENTRY_FIELDS)} (method and metadata optional)")
        method = {"chain_id": entry["chain_id"], "contract_id": entry["contract_id"],
                  "method": entry.get("method", DEFAULT_METHOD), "metadata": entry.get("metadata", "")}
        _check(isinstance(method["chain_id"], int) and not isinstance(method["chain_id"], bool)
               and method["chain_id"] >= 0, "chain_id is a non-negative integer")
        _check(isinstance(method["contract_id"], str) and 0 < len(method["contract_id"]) <= 256,
               "contract_id is a non-empty string")
        _check(isinstance(method["method"], str) and method["method"].isidentifier(), "method is an identifier")
        _check(isinstance(method["metadata"], str) and len(method["metadata"]) <= MAX_METADATA,
               f"metadata is a string of at most {MAX_METADATA} characters")
        if method["method"] != DEFAULT_METHOD and method["metadata"]:
            _check(isinstance(_parse_object(method["metadata"]), dict),
                   "with a custom method, metadata must be a JSON object")
        result.append(method)
    _check(len({canonical_json(m) for m in result}) == len(result), "duplicate methods")
    return result


def _parse_object(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def to_hot_wire(method: Mapping[str, Any]) -> dict[str, Any]:
    """One access-list entry as HOT's get_wallet shows it: {account_id, chain_id, metadata}."""
    metadata = method["metadata"]
    if method["method"] != DEFAULT_METHOD:
        parsed = _parse_object(metadata) if metadata else {}
        metadata = canonical_json({**parsed, "method": method["method"]}).decode()
    return {"account_id": method["contract_id"], "chain_id": method["chain_id"], "metadata": metadata or None}


def reserve_message(root_public_key: str, owner: str, registry: str, access_list: list[dict[str, Any]]) -> bytes:
    """What the root key signs to reserve its key_id: binds registry, owner and the first (normal) access list."""
    return RESERVE_TAG + canonical_json({"access_list": access_list, "owner": owner, "registry": registry,
                                         "root_public_key": root_public_key})


def update_message(registry: str, key_id: str, nonce: int, access_list: list[dict[str, Any]]) -> bytes:
    """What authorizes a change: signed by the root key, or the `msg_body` the current methods verify.

    The nonce is the Registry's count of changes, so one authorization cannot be replayed.
    """
    return UPDATE_TAG + canonical_json({"access_list": access_list, "key_id": key_id, "nonce": nonce,
                                        "registry": registry})
