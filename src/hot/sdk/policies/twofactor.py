"""Two-factor approval: a device key AND a second-factor key must both sign msg_hash.

Whitepaper §applications ("two-factor (2FA) authorization"). The device key lives with the
user (a phone, a passkey-backed signer); the second factor is an independent key (a hardware
token, or a co-signing service that first asks the user out of band). Either alone is useless.

It is the 2-of-2 case of the multisig block with fixed labels, so replacing either key takes
both current keys' signatures over the multisig change digest (`changed_to`), with the same
account and version binding. A policy that wants "the device alone for small spends" composes:

    any_of(two_factor.predicate(), all_of(two_factor.device(), Fact("within the limit", approved)))

user_payload: `{"signatures": {"device": "<hex>", "second_factor": "<hex>"}}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hot.sdk.policies.compose import msg_hash_bytes, signatures_from_payload
from hot.sdk.policies.multisig import MultisigConfig, SignerKey
from hot.wire.errors import MultisigDefinitionError
from hot.sdk.policies.rotation import signer_predicate
from hot.sdk.policies.signatures import AtLeast, SignedBy

DEVICE = "device"
SECOND_FACTOR = "second_factor"


@dataclass(frozen=True)
class TwoFactor:
    """The device key and the second-factor key, at configuration `version`."""

    device_key: SignerKey
    second_factor_key: SignerKey
    version: int = 0

    def __post_init__(self) -> None:
        if (self.device_key.label, self.second_factor_key.label) != (DEVICE, SECOND_FACTOR):
            raise MultisigDefinitionError(f"two-factor keys are labelled {DEVICE!r} and {SECOND_FACTOR!r}")
        self.as_multisig()  # distinct, well-formed keys (E_BAD_MULTISIG otherwise)

    def as_multisig(self) -> MultisigConfig:
        return MultisigConfig(2, (self.device_key, self.second_factor_key), self.version)

    def device(self) -> SignedBy:
        return signer_predicate(self.device_key)

    def second_factor(self) -> SignedBy:
        return signer_predicate(self.second_factor_key)

    def predicate(self) -> AtLeast:
        """Both keys signed msg_hash."""
        return self.as_multisig().predicate()

    def allows(self, msg_hash: bytes, signatures: Mapping[str, bytes]) -> bool:
        return self.predicate().check(msg_hash, signatures)

    def allows_request(self, msg_hash_b58: str, user_payload: str) -> bool:
        """hot_verify over HOT's wire arguments; anything malformed is a denial."""
        msg_hash = msg_hash_bytes(msg_hash_b58)
        signatures = signatures_from_payload(user_payload)
        return msg_hash is not None and signatures is not None and self.allows(msg_hash, signatures)

    def change_digest(self, account_id: str, device_key: SignerKey, second_factor_key: SignerKey) -> bytes:
        """What both current keys sign to replace the pair (the multisig change digest, k = 2)."""
        return self.as_multisig().change_digest(account_id, 2, (device_key, second_factor_key))

    def changed_to(
        self, account_id: str, device_key: SignerKey, second_factor_key: SignerKey, signatures: Mapping[str, bytes]
    ) -> TwoFactor:
        """The next pair, iff both current keys signed exactly this change (E_MULTISIG_DENIED)."""
        updated = self.as_multisig().changed_to(account_id, 2, (device_key, second_factor_key), signatures)
        return TwoFactor(device_key, second_factor_key, updated.version)
