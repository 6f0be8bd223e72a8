"""k-of-m multisig for hot_verify, whose key set changes only with k-of-m of the current keys.

Whitepaper §applications ("Bitcoin-style multi-signature wallets without new on-chain
deployments for each policy"): one key-owner contract stores a `MultisigConfig`; its view
`hot_verify` allows a signature request iff k distinct registered keys signed `msg_hash`; its
call `change_signers` replaces (threshold, signers) iff k of the *current* keys signed the change.

    @contract
    class Wallet:
        config = Value(MultisigConfig)

        @init
        def new(self, threshold: int, signers: list[SignerKey]) -> None:
            self.config.set(MultisigConfig(threshold, tuple(signers)))

        @view
        def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "",
                       user_payload: str = "", metadata: str = "") -> bool:
            return self.config.get().allows_request(msg_hash, user_payload)

        @call
        def change_signers(self, threshold: int, signers: list[SignerKey], signatures: dict[str, bytes]) -> None:
            self.config.set(self.config.get().changed_to(env.current_account_id, threshold, signers, signatures))

Why a change digest with the account and version: a change signed for one wallet must not apply
to another wallet with the same signers, and a change signed once must not be replayed later
(e.g. to undo a removal). `version` increments on every change, so old approvals go stale.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import base58
from hot.wire.errors import (
    MultisigChangeDenied,
    MultisigDefinitionError,
    PolicyDefinitionError,
)
from hot.sdk.hostcrypto import sha256
from hot.sdk.policies.signatures import AtLeast, Scheme, SignedBy, at_least
from hot.wire.encoding import canonical_json

CHANGE_TAG = b"hot/multisig/key-set-change/v1"
MAX_SIGNERS = 16  # bounds the work of one hot_verify (each check is one signature verification)


@dataclass(frozen=True)
class SignerKey:
    """One registered signer: its label in proofs, scheme (ed25519/secp256k1/bip340) and key."""

    label: str
    scheme: str
    public_key: bytes


@dataclass(frozen=True)
class MultisigConfig:
    """The stored policy: `threshold` of `signers`, at configuration `version`."""

    threshold: int
    signers: tuple[SignerKey, ...]
    version: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "signers", tuple(self.signers))
        if not 1 <= len(self.signers) <= MAX_SIGNERS:
            raise MultisigDefinitionError(f"a multisig has 1..{MAX_SIGNERS} signers, got {len(self.signers)}")
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 0:
            raise MultisigDefinitionError("version is a non-negative integer")
        if any(not isinstance(s, SignerKey) or not s.label for s in self.signers):
            raise MultisigDefinitionError("every signer is a SignerKey with a non-empty label")
        self.predicate()  # refuse a bad definition now, not at the first hot_verify

    def predicate(self) -> AtLeast:
        """The pure k-of-m signature check over the registered keys (hot.sdk.policies.signatures)."""
        try:
            members = tuple(SignedBy(Scheme(s.scheme), s.public_key, s.label) for s in self.signers)
            return at_least(self.threshold, *members)
        except (PolicyDefinitionError, ValueError) as exc:
            raise MultisigDefinitionError(str(exc)) from exc

    def allows(self, msg_hash: bytes, signatures: Mapping[str, bytes]) -> bool:
        """k distinct registered signers signed msg_hash (signatures keyed by signer label)."""
        return self.predicate().check(msg_hash, signatures)

    def allows_request(self, msg_hash_b58: str, user_payload: str) -> bool:
        """hot_verify's answer for HOT's wire arguments; anything malformed is a denial."""
        msg_hash = _b58_or_none(msg_hash_b58)
        signatures = signatures_from_payload(user_payload)
        return msg_hash is not None and signatures is not None and self.allows(msg_hash, signatures)

    def change_digest(self, account_id: str, threshold: int, signers: Sequence[SignerKey]) -> bytes:
        """What the current signers sign to approve (threshold, signers) as the next version."""
        body = {
            "account_id": account_id,
            "version": self.version + 1,
            "threshold": threshold,
            "signers": [{"label": s.label, "scheme": s.scheme, "public_key": s.public_key.hex()} for s in signers],
        }
        return sha256(CHANGE_TAG + canonical_json(body))

    def changed_to(
        self, account_id: str, threshold: int, signers: Sequence[SignerKey], signatures: Mapping[str, bytes]
    ) -> MultisigConfig:
        """The next configuration, if k of the current signers approved exactly this change."""
        proposed = MultisigConfig(threshold, tuple(signers), self.version + 1)
        if not self.allows(self.change_digest(account_id, threshold, proposed.signers), signatures):
            raise MultisigChangeDenied(f"needs {self.threshold} signatures of the current signers over the change")
        return proposed


def signatures_from_payload(user_payload: str) -> dict[str, bytes] | None:
    """Parse `{"signatures": {"<label>": "<hex>"}}`; None (deny) for anything else."""
    try:
        parsed = json.loads(user_payload)
        entries = parsed["signatures"]
        if not isinstance(entries, dict):
            return None
        return {str(label): bytes.fromhex(sig) for label, sig in entries.items()}
    except (ValueError, TypeError, KeyError):
        return None


def _b58_or_none(text: str) -> bytes | None:
    try:
        return base58.b58decode(text) if isinstance(text, str) and text else None
    except ValueError:
        return None
