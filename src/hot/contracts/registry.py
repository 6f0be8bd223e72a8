"""The Key Registry: key_id reservation and access lists gated by their own methods (whitepaper §2.1, §2.2.6).

The MPC nodes read a key's access list here before signing (§2.2.6 a). Keys are reserved by
proving possession of a root Ed25519 key (HOT's key_id scheme, hot.wire.access.key_id_of), so no
one can squat another's key_id. Changing the list is itself authorized by the current methods:
a signature by the root key, or a request that every current method's `hot_verify` approves.
Every change is appended to the key's history. No owner key can change a list (§4.2.3).
"""

from __future__ import annotations

from typing import Any

from hot.contracts.registry_access import methods_authorize
from hot.sdk.contract import (
    Map,
    Set,
    Value,
    Vector,
    call,
    contract,
    emit_event,
    env,
    init,
    require,
    view,
)
from hot.sdk.hostcrypto import ed25519_verify
from hot.wire.access import key_id_of, normalize_access_list, reserve_message, to_hot_wire, update_message
from hot.wire.errors import BadAccessList, ContractCode as E

NEAR_CHAIN_ID = 1010  # hot.mpc.chains.base.NEAR_CHAIN_ID
KEY_GEN = 0  # one root key per domain, never regenerated (resharing keeps it): every key derives from gen 0


def _hex(value: str, size: int, field: str) -> bytes:
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raw = b""
    require(len(raw) == size, E.BAD_KEY, f"{field} must be {size} bytes of hex")
    return raw


def _normal(access_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list in the Registry's normal form; the call fails with E_BAD_ACCESS_LIST otherwise."""
    try:
        return normalize_access_list(access_list)
    except BadAccessList as exc:
        require(False, str(exc))
        raise  # require(False, ...) has raised already


@contract
class KeyRegistry:
    near_chain_id = Value(int, default=NEAR_CHAIN_ID)
    wallets = Map(str, dict[str, Any])
    history = Map(str, Vector(dict[str, Any]))
    keys_by_owner = Map(str, Set(str))

    @init
    def new(self, near_chain_id: int = NEAR_CHAIN_ID) -> None:
        self.near_chain_id.set(near_chain_id)

    @call
    def reserve_key(self, root_public_key: str, access_list: list[dict[str, Any]], signature: str) -> str:
        """Reserve key_id = base58(sha256(sha256(root_public_key))) for the caller, with its first access list.

        `signature` is the root key's Ed25519 signature over hot.wire.access.reserve_message.
        """
        root = _hex(root_public_key, 32, "root_public_key")
        methods = _normal(access_list)
        key_id = key_id_of(root)
        require(key_id not in self.wallets, E.KEY_RESERVED, f"{key_id} is already reserved")
        owner = env.predecessor
        message = reserve_message(root.hex(), owner, env.current_account_id, methods)
        require(ed25519_verify(root, message, _hex(signature, 64, "signature")),
                E.BAD_SIGNATURE, "the reservation is not signed by the root key")
        self.wallets[key_id] = {"key_id": key_id, "owner": owner, "root_public_key": root.hex(), "access_list": methods,
                                "key_gen": KEY_GEN, "block_height": env.block_height, "nonce": 0}
        self.keys_by_owner[owner].add(key_id)
        self._record(key_id, "reserve", owner, methods)
        return key_id

    @call
    def update_access_list(self, key_id: str, access_list: list[dict[str, Any]],
                           authorization: dict[str, Any]) -> int:
        """Replace the access list, authorized by `{"root_signature": hex}` over update_message(key_id,
        nonce, list) or by `{"user_payloads": [...]}` that every current method's hot_verify approves.
        Returns the new nonce (each change consumes one, so an authorization cannot be replayed)."""
        wallet = self.wallets.get(key_id)
        require(wallet is not None, E.UNKNOWN_KEY, f"{key_id} is not reserved")
        methods = _normal(access_list)
        message = update_message(env.current_account_id, key_id, wallet["nonce"], methods)
        require(isinstance(authorization, dict) and len(authorization) == 1,
                E.BAD_AUTHORIZATION, "give root_signature or user_payloads")
        if "root_signature" in authorization:
            signature = _hex(str(authorization["root_signature"]), 64, "root_signature")
            require(ed25519_verify(bytes.fromhex(wallet["root_public_key"]), message, signature),
                    E.BAD_SIGNATURE, "the change is not signed by the root key")
            how = "root_signature"
        else:
            payloads = authorization.get("user_payloads")
            require(isinstance(payloads, list) and all(isinstance(p, str) for p in payloads),
                    E.BAD_AUTHORIZATION, "user_payloads is a list of strings")
            methods_authorize(key_id, wallet["access_list"], message, payloads, self.near_chain_id.get())
            how = "access_list"
        self.wallets[key_id] = {**wallet, "access_list": methods, "block_height": env.block_height,
                                "nonce": wallet["nonce"] + 1}
        self._record(key_id, f"update:{how}", env.predecessor, methods)
        return wallet["nonce"] + 1

    def _record(self, key_id: str, action: str, by: str, methods: list[dict[str, Any]]) -> None:
        entry = {"action": action, "by": by, "block_height": env.block_height, "access_list": methods}
        self.history[key_id].append(entry)
        emit_event("hot-registry", "1.0.0", "access_list_changed", {"key_id": key_id, **entry})

    @view
    def get_wallet(self, wallet_id: str) -> dict[str, Any] | None:
        """HOT's wire shape: {"access_list": [{"account_id", "chain_id", "metadata"}], "key_gen", "block_height"}."""
        wallet = self.wallets.get(wallet_id)
        if wallet is None:
            return None
        return {"access_list": [to_hot_wire(m) for m in wallet["access_list"]], "key_gen": wallet["key_gen"],
                "block_height": wallet["block_height"]}

    @view
    def get_key(self, key_id: str) -> dict[str, Any] | None:
        """The full record: owner, root key, access list with method names, nonce for the next change."""
        return self.wallets.get(key_id)

    @view
    def get_history(self, key_id: str) -> list[dict[str, Any]]:
        return list(self.history[key_id]) if key_id in self.wallets else []

    @view
    def keys_of(self, owner: str) -> list[str]:
        return sorted(self.keys_by_owner[owner])

    @view
    def key_id_for(self, root_public_key: str) -> str:
        return key_id_of(_hex(root_public_key, 32, "root_public_key"))
