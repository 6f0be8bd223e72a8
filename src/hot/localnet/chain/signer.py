"""Ed25519 key pairs in NEAR's text forms, and signing of transactions (for tools and tests).

Secret keys are `ed25519:<base58 of seed||public key>` (64 bytes), as NEAR's key files and py-near use.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import base58
from hot.localnet.chain.actions import Action
from hot.localnet.chain.transaction import (
    ED25519,
    PublicKey,
    Transaction,
    encode_signed_transaction,
)
from nacl.signing import SigningKey

from hot.wire.errors import EncodingError


@dataclasses.dataclass(frozen=True)
class KeyPair:
    signing_key: SigningKey

    @classmethod
    def from_seed(cls, seed: bytes) -> KeyPair:
        """A deterministic key from any seed bytes (hashed to 32 bytes)."""
        return cls(SigningKey(hashlib.sha256(seed).digest()))

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(SigningKey.generate())

    @classmethod
    def from_secret(cls, text: str) -> KeyPair:
        try:
            raw = base58.b58decode(text.removeprefix("ed25519:"))
        except ValueError as exc:
            raise EncodingError("secret key is not base58") from exc
        if len(raw) not in (32, 64):
            raise EncodingError(f"ed25519 secret key must be 32 or 64 bytes, got {len(raw)}")
        return cls(SigningKey(raw[:32]))

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(ED25519, bytes(self.signing_key.verify_key))

    @property
    def secret(self) -> str:
        return "ed25519:" + base58.b58encode(bytes(self.signing_key) + bytes(self.signing_key.verify_key)).decode()

    def sign_transaction(self, signer_id: str, receiver_id: str, nonce: int, block_hash: bytes,
                         actions: list[Action]) -> bytes:
        tx = Transaction(signer_id, self.public_key, nonce, receiver_id, block_hash, tuple(actions))
        return encode_signed_transaction(tx, self.signing_key.sign(tx.hash()).signature)


def write_key_file(path: Path, account_id: str, key: KeyPair) -> None:
    """NEAR's key file format (validator_key.json / ~/.near-credentials)."""
    path.write_text(json.dumps({"account_id": account_id, "public_key": str(key.public_key),
                                "secret_key": key.secret, "private_key": key.secret}, indent=2))
    path.chmod(0o600)


def read_key_file(path: Path) -> tuple[str, KeyPair]:
    data = json.loads(path.read_text())
    return data["account_id"], KeyPair.from_secret(data.get("secret_key") or data["private_key"])
