"""Ed25519 key pairs in NEAR's text forms, NEAR key files, and transaction signing.

Secret keys are `ed25519:<base58 of seed||public key>` (64 bytes), as NEAR's key files
(`validator_key.json`, `~/.near-credentials/<network>/<account>.json`) and py-near use. A key file
is `{"account_id", "public_key", "secret_key"}`; near-cli's older files say `private_key`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import base58
from nacl.signing import SigningKey

from hot.near.actions import Action
from hot.near.keys import ED25519, PublicKey, Signature
from hot.near.transaction import SignedTransaction, Transaction
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
        key = cls(SigningKey(raw[:32]))
        if len(raw) == 64 and raw[32:] != key.public_key.data:
            raise EncodingError("the secret key's public half does not match its seed")
        return key

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(ED25519, bytes(self.signing_key.verify_key))

    @property
    def secret(self) -> str:
        return "ed25519:" + base58.b58encode(bytes(self.signing_key) + bytes(self.signing_key.verify_key)).decode()

    def sign(self, tx: Transaction) -> SignedTransaction:
        """Sign SHA-256 of the borsh transaction (nearcore `Transaction::get_hash_and_size`)."""
        signature = Signature(ED25519, self.signing_key.sign(tx.hash()).signature)
        signed = SignedTransaction(tx, signature, 0)
        return dataclasses.replace(signed, size=len(signed.to_bytes()))

    def sign_transaction(self, signer_id: str, receiver_id: str, nonce: int, block_hash: bytes,
                         actions: list[Action]) -> bytes:
        """The borsh bytes of a signed V0 transaction."""
        tx = Transaction(signer_id, self.public_key, nonce, receiver_id, block_hash, tuple(actions))
        return self.sign(tx).to_bytes()


def write_key_file(path: Path, account_id: str, key: KeyPair) -> None:
    """NEAR's key file format (validator_key.json / ~/.near-credentials), readable by its owner only."""
    path.write_text(json.dumps({"account_id": account_id, "public_key": str(key.public_key),
                                "secret_key": key.secret, "private_key": key.secret}, indent=2))
    path.chmod(0o600)


def read_key_file(path: Path) -> tuple[str, KeyPair]:
    """(account_id, key) from a NEAR key file; EncodingError when it is not one."""
    try:
        data = json.loads(Path(path).read_text())
        account_id, secret = data["account_id"], data.get("secret_key") or data["private_key"]
    except (ValueError, KeyError, TypeError) as exc:
        raise EncodingError(f"{path} is not a NEAR key file ({{account_id, public_key, secret_key}})") from exc
    if not isinstance(account_id, str) or not isinstance(secret, str):
        raise EncodingError(f"{path}: account_id and secret_key must be strings")
    key = KeyPair.from_secret(secret)
    public = data.get("public_key")
    if public is not None and public != str(key.public_key):
        raise EncodingError(f"{path}: public_key does not match secret_key")
    return account_id, key
