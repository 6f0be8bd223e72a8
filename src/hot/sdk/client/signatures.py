"""`SignatureResult` and its local check: no signature leaves the client unverified.

Ed25519: 64-byte R||S under the 32-byte key, checked by libsodium (PyNaCl), which also refuses
non-canonical S and small-order keys. secp256k1: 64-byte r||s in low-s form plus the recovery id;
libsecp256k1 (coincurve) recovers the key from (signature, recovery id, 32-byte hash) and it must
be the expected key, which checks the signature and the recovery id in one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import coincurve
from hot.sdk.client.errors import GatekeeperError, InvalidSignature
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

Domain = Literal["ed25519", "secp256k1"]
DOMAINS: tuple[Domain, ...] = ("ed25519", "secp256k1")
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class SignatureResult:
    """One signature as the gatekeeper returns it, decoded: bytes, the key, the recovery id."""

    signature: bytes
    public_key: bytes
    recovery_id: int | None

    @classmethod
    def from_json(cls, body: Any) -> SignatureResult:
        """From `{"signature": hex, "public_key": hex, "recovery_id": int|null}`."""
        try:
            recovery_id = body["recovery_id"]
            if recovery_id is not None and (not isinstance(recovery_id, int) or isinstance(recovery_id, bool)):
                raise TypeError("recovery_id is an integer or null")
            return cls(bytes.fromhex(body["signature"]), bytes.fromhex(body["public_key"]), recovery_id)
        except (KeyError, TypeError, ValueError) as exc:
            raise GatekeeperError(f"malformed signature result: {exc}") from exc

    def to_json(self) -> dict[str, Any]:
        return {"signature": self.signature.hex(), "public_key": self.public_key.hex(),
                "recovery_id": self.recovery_id}

    @property
    def recoverable(self) -> bytes:
        """secp256k1: r||s||recovery_id (65 bytes), the form coincurve and the wallet accept."""
        if self.recovery_id is None:
            raise ValueError("an Ed25519 signature has no recovery id")
        return self.signature + bytes([self.recovery_id])


def verify_signature(domain: Domain, expected_public_key: bytes, message: bytes, result: SignatureResult) -> None:
    """Return if `result` is a valid signature of `message` by `expected_public_key`; else InvalidSignature."""
    if result.public_key != expected_public_key:
        raise InvalidSignature(f"signed under {result.public_key.hex()}, expected {expected_public_key.hex()}")
    if domain == "ed25519":
        _verify_ed25519(expected_public_key, message, result)
    elif domain == "secp256k1":
        _verify_secp256k1(expected_public_key, message, result)
    else:
        raise InvalidSignature(f"unknown domain {domain!r}")


def _verify_ed25519(public_key: bytes, message: bytes, result: SignatureResult) -> None:
    if len(result.signature) != 64 or result.recovery_id is not None:
        raise InvalidSignature("an Ed25519 signature is 64 bytes with no recovery id")
    try:
        VerifyKey(public_key).verify(message, result.signature)
    except (BadSignatureError, ValueError) as exc:
        raise InvalidSignature("Ed25519 signature does not verify") from exc


def _verify_secp256k1(public_key: bytes, message: bytes, result: SignatureResult) -> None:
    if len(message) != 32:
        raise InvalidSignature("a secp256k1 message is the 32-byte hash that was signed")
    if len(result.signature) != 64 or result.recovery_id not in (0, 1, 2, 3):
        raise InvalidSignature("a secp256k1 signature is 64 bytes r||s with a recovery id 0..3")
    s = int.from_bytes(result.signature[32:], "big")
    if not 0 < s <= SECP256K1_ORDER // 2:
        raise InvalidSignature("s is not in low-s form (BIP 62 / EIP-2)")
    try:
        recovered = coincurve.PublicKey.from_signature_and_message(result.recoverable, message, hasher=None)
    except (ValueError, TypeError) as exc:
        raise InvalidSignature("secp256k1 signature does not recover a key") from exc
    if recovered.format(compressed=True) != coincurve.PublicKey(public_key).format(compressed=True):
        raise InvalidSignature("secp256k1 signature recovers another key (bad signature or recovery id)")


__all__ = ["DOMAINS", "Domain", "SignatureResult", "verify_signature"]
