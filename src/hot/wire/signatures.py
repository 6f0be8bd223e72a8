"""A finished signature on the wire, and its one independent check (issue 16).

Every signature the network makes is checked like any wallet would before it is returned or
accepted (ARCHITECTURE.md step 4): Ed25519 by libsodium (PyNaCl), which also refuses
non-canonical S and small-order keys; secp256k1 by libsecp256k1 (coincurve): low s (BIP 62 /
EIP-2), and the recovery id must recover the expected key, as EVM `ecrecover` would, which checks
signature and recovery id in one step. The gatekeeper, the SDK client and the demo call this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import coincurve
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from hot.wire.domains import DIGEST_SIZE, Domain, domain_of
from hot.wire.encoding import hex_field
from hot.wire.errors import EncodingError, InvalidSignature

SECP256K1_HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0


@dataclass(frozen=True)
class SignatureResult:
    """One signature as the gatekeeper returns it: `{"signature", "public_key", "recovery_id"}`.

    Ed25519: 64-byte R||S, 32-byte key, recovery_id null; secp256k1: 64-byte r||s (low s),
    33-byte compressed key, recovery id 0..3.
    """

    signature: bytes
    public_key: bytes
    recovery_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {"signature": self.signature.hex(), "public_key": self.public_key.hex(), "recovery_id": self.recovery_id}

    @classmethod
    def from_json(cls, body: Any) -> SignatureResult:
        """Decode the wire object; a missing or mistyped field is an EncodingError."""
        if not isinstance(body, dict):
            raise EncodingError("a signature result is an object")
        recovery_id = body.get("recovery_id")
        if recovery_id is not None and (isinstance(recovery_id, bool) or not isinstance(recovery_id, int)):
            raise EncodingError("recovery_id is an integer or null")
        return cls(hex_field(body.get("signature"), None, "signature"), hex_field(body.get("public_key"), None, "public_key"),
                   recovery_id)

    @property
    def recoverable(self) -> bytes:
        """secp256k1: r||s||recovery_id (65 bytes), the form coincurve and wallets accept."""
        if self.recovery_id is None:
            raise EncodingError("an Ed25519 signature has no recovery id")
        return self.signature + bytes([self.recovery_id])


def verify_signature(domain: Domain | str, expected_public_key: bytes, message: bytes, result: SignatureResult) -> None:
    """Return when `result` is a valid signature of `message` by `expected_public_key`; else InvalidSignature."""
    if result.public_key != expected_public_key:
        raise InvalidSignature(f"signed under {result.public_key.hex()}, expected {expected_public_key.hex()}")
    if domain_of(domain) is Domain.ED25519:
        _verify_ed25519(expected_public_key, message, result)
    else:
        _verify_secp256k1(expected_public_key, message, result)


def _verify_ed25519(public_key: bytes, message: bytes, result: SignatureResult) -> None:
    if len(result.signature) != 64 or result.recovery_id is not None:
        raise InvalidSignature("an Ed25519 signature is 64 bytes with no recovery id")
    try:
        VerifyKey(public_key).verify(message, result.signature)
    except (BadSignatureError, ValueError, TypeError) as exc:
        raise InvalidSignature("Ed25519 signature does not verify") from exc


def _verify_secp256k1(public_key: bytes, message: bytes, result: SignatureResult) -> None:
    if len(message) != DIGEST_SIZE:
        raise InvalidSignature("a secp256k1 message is the 32-byte hash that was signed")
    if len(result.signature) != 64 or result.recovery_id not in (0, 1, 2, 3):
        raise InvalidSignature("a secp256k1 signature is 64 bytes r||s with a recovery id 0..3")
    if not 0 < int.from_bytes(result.signature[32:], "big") <= SECP256K1_HALF_ORDER:
        raise InvalidSignature("s is not in low-s form (BIP 62 / EIP-2)")
    try:
        recovered = coincurve.PublicKey.from_signature_and_message(result.recoverable, message, hasher=None)
        expected = coincurve.PublicKey(public_key).format(compressed=True)
    except (ValueError, TypeError) as exc:
        raise InvalidSignature("secp256k1 signature does not recover a key") from exc
    if recovered.format(compressed=True) != expected:
        raise InvalidSignature("secp256k1 signature recovers another key (bad signature or recovery id)")
