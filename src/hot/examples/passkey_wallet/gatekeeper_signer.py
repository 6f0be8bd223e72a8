"""A `WalletSigner` backed by the real HOT pieces, through `HotClient` (whitepaper Appendix A).

- `reserve_key`: a Registry reservation whose access list is the one passkey contract
  (`examples/passkey_wallet/contract.py`), sent from the wallet operator's NEAR account, which
  thereby becomes the key's owner. The reservation's root key is thrown away by default: from then
  on only the passkey can change the access list (the Registry's `user_payloads` path runs the
  passkey contract's hot_verify), so the operator keeps no lever over users' keys.
- `bind_passkey`: the owner's `bind_passkey` call on the passkey contract.
- `public_key`: key_id's secp256k1 key from the gatekeeper, checked against local derivation when
  the root public keys are given.
- `sign_batch`: one gatekeeper request for every sighash with the `PasskeyProof` as the one
  user_payload; every node runs the contract's hot_verify for each sighash before signing, and
  HotClient verifies each signature before it reaches the transaction (r||s||recovery id).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
)
from hot.near.queries import json_args
from hot.sdk.client import Domain, HotClient, access_method
from hot.sdk.client import UnknownKey as GatekeeperUnknownKey
from hot.sdk.policies.passkey import PasskeyCredential

from hot.wire.errors import ContractError, NearRpcError, UnknownKey

CONTRACT_SOURCE = Path(__file__).with_name("contract.py")
DOMAIN: Domain = "secp256k1"  # Bitcoin keys


class GatekeeperSigner:
    """The wallet's HOT: `client` must carry the operator's NEAR account and the Registry id."""

    def __init__(self, client: HotClient, passkey_contract: str, *, keep_root_keys: bool = False) -> None:
        self.client, self.passkey_contract = client, passkey_contract
        self.root_keys: dict[str, bytes] = {}  # key_id -> root secret seed, only with keep_root_keys
        self._keep_root_keys = keep_root_keys

    def reserve_key(self) -> str:
        reserved = self.client.reserve_key([access_method(self.passkey_contract)])
        if self._keep_root_keys:
            self.root_keys[reserved.key_id] = bytes(reserved.root_key)
        return reserved.key_id

    def public_key(self, key_id: str) -> bytes:
        try:
            return self.client.public_key(key_id, DOMAIN)
        except GatekeeperUnknownKey as exc:
            raise UnknownKey(f"no wallet key {key_id!r}") from exc

    def bind_passkey(self, key_id: str, credential: PasskeyCredential) -> None:
        self.client.near.call(self.passkey_contract, "bind_passkey",
                              {"key_id": key_id, "credential": credential.to_json()})

    def sign_batch(self, key_id: str, messages: Sequence[bytes], user_payload: bytes) -> list[bytes]:
        try:
            results = self.client.sign_batch(key_id, DOMAIN, list(messages), [user_payload])
        except GatekeeperUnknownKey as exc:
            raise UnknownKey(f"no wallet key {key_id!r}") from exc
        return [result.recoverable for result in results]


def deploy_passkey_contract(rpc_url: str, owner_id: str, owner_key: str, contract_id: str, registry_id: str) -> bool:
    """Create `contract_id` (a sub-account of `owner_id`) with the passkey contract unless it runs there.

    Returns True if it deployed, False if the contract was already answering.
    """
    owner = KeyPair.from_secret(owner_key)
    with BlockingNearRpc(rpc_url) as rpc:
        try:
            rpc.view(contract_id, "get_passkey", {"key_id": ""})
            return False
        except ContractError:  # not this contract (yet): deploy it
            pass
        except NearRpcError as exc:
            if exc.cause not in ("UNKNOWN_ACCOUNT", "NO_CONTRACT_CODE"):
                raise
        actions = [CreateAccount(), Transfer(5 * 10**24), AddKey(owner.public_key, AccessKey(0, None)),
                   DeployContract(CONTRACT_SOURCE.read_bytes()),
                   FunctionCall("new", json_args({"registry": registry_id}), 10**14, 0)]
        outcome_value(rpc.sign_and_send(owner_id, owner, contract_id, actions))
    return True


def near_public_key(secret_key: str) -> bytes:
    """The raw Ed25519 public key of a NEAR `ed25519:<base58 seed||public>` secret key."""
    return KeyPair.from_secret(secret_key).public_key.data


__all__ = ["CONTRACT_SOURCE", "GatekeeperSigner", "deploy_passkey_contract", "near_public_key"]
