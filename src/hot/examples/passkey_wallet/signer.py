"""What the wallet needs from HOT: a key per wallet, a passkey binding, batch signing.

The wallet server is written against this protocol so it can be assembled with the real pieces
later: `reserve_key` and `public_key` from the MPC network (key_id reservation, local derivation),
`bind_passkey` as a call to the wallet's key-owner contract (the Registry decides who may bind),
and `sign_batch` as one gatekeeper request whose `user_payload` every node hands to the contract's
`hot_verify` (hot.sdk.policies.passkey.verify_message) before signing (whitepaper §2.3, App. A).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hot.sdk.policies.passkey import PasskeyCredential


class WalletSigner(Protocol):
    def reserve_key(self) -> str:
        """Reserve a fresh key_id for a new wallet."""
        ...

    def public_key(self, key_id: str) -> bytes:
        """The 33-byte compressed secp256k1 key derived for `key_id` (no signing round); UnknownKey."""
        ...

    def bind_passkey(self, key_id: str, credential: PasskeyCredential) -> None:
        """Bind `credential` to `key_id` in the key-owner contract."""
        ...

    def sign_batch(self, key_id: str, messages: Sequence[bytes], user_payload: bytes) -> list[bytes]:
        """Signatures (r||s||recid or DER) over each 32-byte message, if hot_verify allows."""
        ...
