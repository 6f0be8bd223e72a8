"""The Key Registry's call shapes, built client-side (contracts/registry.py; the rules: hot.wire.access).

`reserve_key(root_public_key, access_list, signature)`: the key_id is
base58(SHA-256(SHA-256(root Ed25519 public key))); the root key signs RESERVE_TAG || canonical
JSON of {access_list, owner, registry, root_public_key}, so a reservation cannot be replayed by
another account or on another registry. `update_access_list(key_id, access_list, authorization)`:
either `{"root_signature": hex}` over UPDATE_TAG || canonical JSON of {access_list, key_id,
nonce, registry}, or `{"user_payloads": [...]}` that every current method's hot_verify approves
for msg_hash = SHA-256 of that same message. These functions only build arguments; no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hot.wire.access import key_id_of, normalize_access_list, reserve_message
from hot.wire.access import update_message as registry_update_message
from nacl.signing import SigningKey

NEAR_CHAIN_ID = 1010

AccessList = Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class ReservedKey:
    """A reserved key_id and the root Ed25519 key that reserved it (keep it to change the list)."""

    key_id: str
    root_key: SigningKey

    @property
    def root_public_key(self) -> bytes:
        return bytes(self.root_key.verify_key)


def access_method(contract_id: str, *, chain_id: int = NEAR_CHAIN_ID, method: str = "hot_verify",
                  metadata: str = "") -> dict[str, Any]:
    """One authorization method of an access list, in the Registry's full form."""
    return {"chain_id": chain_id, "contract_id": contract_id, "method": method, "metadata": metadata}


def normalized(access_list: AccessList) -> list[dict[str, Any]]:
    """The list as the Registry stores it (defaults filled); BadAccessList (E_BAD_ACCESS_LIST) if malformed."""
    return normalize_access_list([dict(m) for m in access_list])


def reserve_args(root_key: SigningKey, owner: str, registry_id: str, access_list: AccessList) -> dict[str, Any]:
    """Arguments of `reserve_key` sent by `owner`, signed by `root_key`."""
    methods = normalized(access_list)
    root_hex = bytes(root_key.verify_key).hex()
    message = reserve_message(root_hex, owner, registry_id, methods)
    return {"root_public_key": root_hex, "access_list": methods, "signature": root_key.sign(message).signature.hex()}


def update_message(registry_id: str, key_id: str, nonce: int, access_list: AccessList) -> bytes:
    """What authorizes changing key_id's list to `access_list` at `nonce` (hot.wire.access.update_message)."""
    return registry_update_message(registry_id, key_id, nonce, normalized(access_list))


def update_msg_hash(registry_id: str, key_id: str, nonce: int, access_list: AccessList) -> bytes:
    """The 32-byte msg_hash each current method's hot_verify sees for that change."""
    return hashlib.sha256(update_message(registry_id, key_id, nonce, access_list)).digest()


def update_args(registry_id: str, key_id: str, nonce: int, access_list: AccessList, *,
                root_key: SigningKey | None = None, user_payloads: Sequence[str] | None = None) -> dict[str, Any]:
    """Arguments of `update_access_list`, authorized by the root key or by the current methods' payloads."""
    if (root_key is None) == (user_payloads is None):
        raise ValueError("authorize the change with exactly one of root_key or user_payloads")
    if root_key is not None:
        signature = root_key.sign(update_message(registry_id, key_id, nonce, access_list)).signature
        authorization: dict[str, Any] = {"root_signature": signature.hex()}
    else:
        authorization = {"user_payloads": list(user_payloads or [])}
    return {"key_id": key_id, "access_list": normalized(access_list), "authorization": authorization}


__all__ = [
    "NEAR_CHAIN_ID",
    "AccessList",
    "ReservedKey",
    "access_method",
    "key_id_of",
    "normalized",
    "reserve_args",
    "update_args",
    "update_message",
    "update_msg_hash",
]
