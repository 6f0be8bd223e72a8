"""The passkey key-owner contract of whitepaper Appendix A: key_id -> passkey, and its hot_verify.

Deployed on the NEAR localnet next to the Key Registry. A key's access list names this contract
(`{"chain_id": 1010, "contract_id": <this account>}`); the MPC nodes then call `hot_verify` with
HOT's NEAR arguments and sign only when it answers `true` (whitepaper §2.1, §2.2.6).

Binding (Appendix A, step 3): the first `bind_passkey` for a key_id must come from the account
that reserved the key in the Registry (`get_key(key_id).owner`), so nobody can bind a passkey to
someone else's key. After that only the current passkey can move the key to another one:
`rebind_passkey` carries a `PasskeyProof` whose assertion approves
`rebind_challenge(key_id, credential)` = SHA-256(REBIND_TAG || canonical JSON of {contract,
key_id, nonce, credential}). The contract account and nonce make each approval single-use and
valid only here; the new credential inside it means an approval cannot install another key; and
the assertion must approve that challenge alone (not as one item of a batch), so a rebinding
cannot be slipped into the approval of a transaction's sighashes.

hot_verify: `msg_hash` is base58 of the 32-byte message; `user_payload` is the UTF-8 JSON of a
`PasskeyProof` (hot.sdk.policies.passkey). A batch (every input of a Bitcoin spend) is one
passkey approval: the proof's `messages` lists every sighash, the assertion's challenge is
`batch_challenge(messages)`, and each per-message hot_verify call carries the same payload and
is allowed iff its msg_hash is one of `messages`. Every denial is `false`, never a panic: a
panic could be read by a node as "RPC failed, try elsewhere" rather than "no".
"""

from __future__ import annotations

import hashlib
from typing import Any

import base58
from hot.wire.encoding import canonical_json
from hot.sdk.contract import (
    ContractPanic,
    Map,
    Value,
    call,
    contract,
    emit_event,
    env,
    init,
    require,
    view,
)
from hot.sdk.policies.passkey import PasskeyCredential, PasskeyProof, verify_message

from hot.wire.errors import ContractCode as E, HotError

REBIND_TAG = b"HOT/passkey/rebind/v1"


def _credential(data: dict[str, Any]) -> PasskeyCredential:
    """The credential a bind or rebind installs, checked (E_BAD_CREDENTIAL names what is wrong)."""
    require(isinstance(data.get("allowed_origins"), list) and len(data["allowed_origins"]) > 0,
            E.BAD_CREDENTIAL, "allowed_origins is a non-empty list")
    try:
        credential = PasskeyCredential.from_json(data)
    except HotError as exc:
        raise ContractPanic(E.BAD_CREDENTIAL, str(exc)) from exc
    require(len(credential.credential_id) > 0, E.BAD_CREDENTIAL, "credential_id is empty")
    require(len(credential.public_key) in (33, 65) and credential.public_key[0] in (2, 3, 4),
            E.BAD_CREDENTIAL, "public_key is a SEC1 P-256 point")
    require(bool(credential.rp_id), E.BAD_CREDENTIAL, "rp_id is required")
    return credential


def rebind_challenge_for(contract_id: str, key_id: str, nonce: int, credential: dict[str, Any]) -> bytes:
    """The 32-byte challenge the current passkey signs to move `key_id` to `credential`."""
    body = {"contract": contract_id, "credential": credential, "key_id": key_id, "nonce": nonce}
    return hashlib.sha256(REBIND_TAG + canonical_json(body)).digest()


@contract
class PasskeyWallets:
    registry = Value(str)
    credentials = Map(str, dict[str, Any])  # key_id -> PasskeyCredential.to_json()
    nonces = Map(str, int)  # key_id -> rebinds so far

    @init
    def new(self, registry: str) -> None:
        self.registry.set(registry)

    @call
    def bind_passkey(self, key_id: str, credential: dict[str, Any]) -> None:
        """First binding of key_id, by the account that reserved it in the Registry."""
        require(key_id not in self.credentials, E.ALREADY_BOUND, f"{key_id} has a passkey; use rebind_passkey")
        record = env.view(self.registry.get(), "get_key", {"key_id": key_id})
        require(isinstance(record, dict), E.UNKNOWN_KEY, f"{key_id} is not reserved in the registry")
        require(env.predecessor == record["owner"], E.NOT_OWNER, "only the account that reserved the key binds it")
        stored = _credential(credential).to_json()
        self.credentials[key_id] = stored
        self.nonces[key_id] = 0
        emit_event("hot-passkey", "1.0.0", "bind", {"key_id": key_id, "credential_id": stored["credential_id"]})

    @call
    def rebind_passkey(self, key_id: str, credential: dict[str, Any], user_payload: str) -> int:
        """Move key_id to `credential`, approved by the current passkey; returns the new nonce."""
        current = self.credentials.get(key_id)
        require(current is not None, E.NOT_BOUND, f"{key_id} has no passkey")
        stored = _credential(credential).to_json()
        nonce = self.nonces.get(key_id, 0)
        challenge = rebind_challenge_for(env.current_account_id, key_id, nonce, stored)
        require(_approves(current, challenge, user_payload, alone=True),
                E.UNAUTHORIZED, "the current passkey did not approve exactly this rebinding")
        self.credentials[key_id] = stored
        self.nonces[key_id] = nonce + 1
        emit_event("hot-passkey", "1.0.0", "rebind", {"key_id": key_id, "credential_id": stored["credential_id"]})
        return nonce + 1

    @view
    def rebind_challenge(self, key_id: str, credential: dict[str, Any]) -> str:
        """Hex of the challenge the current passkey must sign for `rebind_passkey(key_id, credential)`."""
        require(key_id in self.credentials, E.NOT_BOUND, f"{key_id} has no passkey")
        stored = _credential(credential).to_json()
        return rebind_challenge_for(env.current_account_id, key_id, self.nonces.get(key_id, 0), stored).hex()

    @view
    def get_passkey(self, key_id: str) -> dict[str, Any] | None:
        """The passkey bound to key_id (public: anyone can check who controls the key, §2.1)."""
        return self.credentials.get(key_id)

    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "",
                   metadata: str = "") -> bool:
        """True iff the bound passkey approved msg_hash (alone or in a batch); every denial is false."""
        stored = self.credentials.get(wallet_id)
        if stored is None:
            return False
        try:
            message = base58.b58decode(msg_hash)
        except ValueError:
            return False
        return len(message) == 32 and _approves(stored, message, user_payload)


def _approves(stored: dict[str, Any], message: bytes, user_payload: str, *, alone: bool = False) -> bool:
    """The policy core (hot.sdk.policies.passkey.verify_message); any HotError is a denial.

    `alone`: the assertion must approve `message` by itself, not as one item of a batch, so a
    rebinding cannot ride along inside an approval the user gave for a transaction's sighashes.
    """
    try:
        proof = PasskeyProof.from_user_payload(user_payload.encode("utf-8"))
        if alone and proof.messages not in ((), (message,)):
            return False
        verify_message(PasskeyCredential.from_json(stored), proof, message)
    except (HotError, ValueError):  # ValueError: a payload with unpaired surrogates is not UTF-8
        return False
    return True
