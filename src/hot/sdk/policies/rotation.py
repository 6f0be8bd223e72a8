"""Seed rotation: replace the key that controls a HOT key without changing its addresses.

Whitepaper §applications ("if a seed phrase is used to authorize a specific MPC key, this
authorization seed can itself be rotated"). The MPC key, and so every chain address of the
key_id, is derived from the network's root key and the key_id alone; the *controlling* key only
decides what `hot_verify` allows. Rotating it is therefore a state change in the key-owner
contract, and the addresses stay the same.

A rotation needs two signatures over `rotation_digest(account_id, new_key)`:
- the current key's: only the holder of today's seed may hand over control;
- the new key's (proof of possession): a typo or a key nobody holds cannot lock the wallet.
The digest binds the contract account (an approval cannot be replayed on another wallet) and
the next version (nor later, e.g. to roll back to a leaked old seed).

    owner = Value(ControllingKey)
    hot_verify:  owner.get().allows_request(msg_hash, user_payload)   # {"signatures": {"owner": ..}}
    @call rotate(new_key, current_signature, new_signature):
        owner.set(owner.get().rotated_to(env.current_account_id, new_key, current_signature, new_signature))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hot.wire.errors import ControllingKeyError, PolicyDefinitionError, RotationDenied
from hot.sdk.hostcrypto import sha256
from hot.sdk.policies.compose import msg_hash_bytes, signatures_from_payload
from hot.sdk.policies.multisig import SignerKey
from hot.sdk.policies.signatures import Scheme, SignedBy
from hot.wire.encoding import canonical_json

ROTATION_TAG = b"hot/rotation/controlling-key/v1"


def signer_predicate(key: SignerKey) -> SignedBy:
    """The signature predicate of a stored SignerKey (typed failure for a bad key)."""
    try:
        return SignedBy(Scheme(key.scheme), key.public_key, key.label)
    except (PolicyDefinitionError, ValueError) as exc:
        raise ControllingKeyError(str(exc)) from exc


def key_body(key: SignerKey) -> dict[str, str]:
    """A key's canonical JSON form inside signed digests."""
    return {"label": key.label, "scheme": key.scheme, "public_key": key.public_key.hex()}


@dataclass(frozen=True)
class ControllingKey:
    """The one key whose signature over msg_hash authorizes signing, at configuration `version`."""

    key: SignerKey
    version: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.key, SignerKey) or not self.key.label:
            raise ControllingKeyError("the controlling key is a SignerKey with a label")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 0:
            raise ControllingKeyError("version is a non-negative integer")
        signer_predicate(self.key)

    def predicate(self) -> SignedBy:
        return signer_predicate(self.key)

    def allows(self, msg_hash: bytes, signatures: Mapping[str, bytes]) -> bool:
        """The controlling key signed msg_hash (its entry under its label)."""
        return self.predicate().check(msg_hash, signatures)

    def allows_request(self, msg_hash_b58: str, user_payload: str) -> bool:
        """hot_verify over HOT's wire arguments; anything malformed is a denial."""
        msg_hash = msg_hash_bytes(msg_hash_b58)
        signatures = signatures_from_payload(user_payload)
        return msg_hash is not None and signatures is not None and self.allows(msg_hash, signatures)

    def rotation_digest(self, account_id: str, new_key: SignerKey) -> bytes:
        """What both the current and the new key sign to make `new_key` version + 1."""
        body = {"account_id": account_id, "version": self.version + 1, "new_key": key_body(new_key)}
        return sha256(ROTATION_TAG + canonical_json(body))

    def rotated_to(
        self, account_id: str, new_key: SignerKey, current_signature: bytes, new_signature: bytes
    ) -> ControllingKey:
        """The next controlling key, iff both keys signed this exact rotation."""
        proposed = self.replaced_by(new_key)
        digest = self.rotation_digest(account_id, new_key)
        if not self.predicate().check(digest, current_signature):
            raise RotationDenied("the current controlling key did not sign this rotation")
        if not proposed.predicate().check(digest, new_signature):
            raise RotationDenied("the new key did not sign this rotation (proof of possession)")
        return proposed

    def replaced_by(self, new_key: SignerKey) -> ControllingKey:
        """The next version controlled by `new_key` (recovery uses this after its own checks)."""
        if new_key.public_key == self.key.public_key and new_key.scheme == self.key.scheme:
            raise RotationDenied("the new key is the current key")
        return ControllingKey(new_key, self.version + 1)
