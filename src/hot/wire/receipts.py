"""Gatekeeper receipts: the one encoding, signing and verification of whitepaper §3.2.2 (issue 16).

"Each Gatekeeper co-signs a user's request (gatekeeper_id, request, deadline) and relays it to the
MPC Network. These signed receipts are publicly available in MPC logs and can serve as evidence
for slashing a Gatekeeper's stake." The gatekeeper signs, every node verifies, and the Controller
checks a receipt given as dispute evidence: all three call this module, so the bytes signed and
the bytes checked are the same function's output (docs/node-api.md):

    request_hash = SHA-256(canonical_json(request))
    signature    = Ed25519(gatekeeper key, b"hot-receipt-v1" || SHA-256(canonical_json(
                       {"deadline_ms", "gatekeeper_id", "request_hash"})))

`verify_receipt` is pure (the caller passes the clock and the registered keys); replay is the
caller's check, because it needs state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from hot.wire.encoding import canonical_json, hex_field
from hot.wire.errors import BadReceipt, DeadlineExpired
from hot.wire.requests import request_hash

RECEIPT_TAG = b"hot-receipt-v1"
RECEIPT_FIELDS = frozenset({"gatekeeper_id", "request_hash", "deadline_ms", "signature"})
HASH_SIZE = 32
SIGNATURE_SIZE = 64
MAX_GATEKEEPER_ID = 256


def receipt_signing_bytes(gatekeeper_id: str, request_hash_: bytes, deadline_ms: int) -> bytes:
    """b"hot-receipt-v1" || SHA-256(canonical_json({deadline_ms, gatekeeper_id, request_hash}))."""
    body = {"gatekeeper_id": gatekeeper_id, "request_hash": request_hash_.hex(), "deadline_ms": deadline_ms}
    return RECEIPT_TAG + hashlib.sha256(canonical_json(body)).digest()


@dataclass(frozen=True)
class GatekeeperReceipt:
    """(gatekeeper_id, request_hash, deadline_ms) and the gatekeeper's Ed25519 signature over it."""

    gatekeeper_id: str
    request_hash: bytes
    deadline_ms: int
    signature: bytes

    def signed_bytes(self) -> bytes:
        return receipt_signing_bytes(self.gatekeeper_id, self.request_hash, self.deadline_ms)

    def to_json(self) -> dict[str, Any]:
        return {"gatekeeper_id": self.gatekeeper_id, "request_hash": self.request_hash.hex(),
                "deadline_ms": self.deadline_ms, "signature": self.signature.hex()}

    @classmethod
    def from_json(cls, value: Any) -> GatekeeperReceipt:
        """Decode the wire object; any missing, mistyped or wrong-length field is a BadReceipt."""
        if not isinstance(value, Mapping) or set(value) != RECEIPT_FIELDS:
            raise BadReceipt("a receipt has exactly gatekeeper_id, request_hash, deadline_ms, signature")
        gatekeeper_id, deadline_ms = value["gatekeeper_id"], value["deadline_ms"]
        if not isinstance(gatekeeper_id, str) or not 0 < len(gatekeeper_id) <= MAX_GATEKEEPER_ID:
            raise BadReceipt(f"gatekeeper_id must be a string of 1..{MAX_GATEKEEPER_ID} characters")
        if isinstance(deadline_ms, bool) or not isinstance(deadline_ms, int) or not 0 <= deadline_ms < 2**53:
            raise BadReceipt("deadline_ms must be a non-negative integer below 2^53")
        return cls(gatekeeper_id, hex_field(value["request_hash"], HASH_SIZE, "request_hash", error=BadReceipt),
                   deadline_ms, hex_field(value["signature"], SIGNATURE_SIZE, "signature", error=BadReceipt))

    @property
    def digest(self) -> bytes:
        """A receipt's identity for replay sets: SHA-256 of its signed bytes and signature."""
        return hashlib.sha256(self.signed_bytes() + self.signature).digest()

    def check_signature(self, public_key: bytes) -> None:
        """BadReceipt unless the signature verifies under the gatekeeper's registered key."""
        try:
            VerifyKey(bytes(public_key)).verify(self.signed_bytes(), self.signature)
        except (BadSignatureError, ValueError, TypeError) as exc:
            raise BadReceipt("the receipt's signature does not verify under the gatekeeper's key") from exc


def sign_receipt(signing_key: SigningKey, gatekeeper_id: str, request_hash_: bytes, deadline_ms: int) -> GatekeeperReceipt:
    """The gatekeeper's co-signature on one request until `deadline_ms` (whitepaper §3.2.2)."""
    if len(request_hash_) != HASH_SIZE:
        raise BadReceipt("request_hash must be 32 bytes")
    signature = signing_key.sign(receipt_signing_bytes(gatekeeper_id, request_hash_, deadline_ms)).signature
    return GatekeeperReceipt(gatekeeper_id, request_hash_, deadline_ms, signature)


def verify_receipt(receipt: GatekeeperReceipt, request: Mapping[str, Any], gatekeeper_keys: Mapping[str, bytes],
                   now_ms: int) -> None:
    """The node's receipt check (docs/node-api.md): registered gatekeeper, signature, request, deadline.

    `gatekeeper_keys` maps each gatekeeper id registered on the Controller to its 32-byte Ed25519
    public key. Raises BadReceipt or DeadlineExpired; returns None when the receipt holds.
    """
    public_key = gatekeeper_keys.get(receipt.gatekeeper_id)
    if public_key is None:
        raise BadReceipt(f"gatekeeper {receipt.gatekeeper_id!r} is not registered")
    receipt.check_signature(public_key)
    if receipt.request_hash != request_hash(dict(request)):
        raise BadReceipt("the receipt is for another request")
    if now_ms > receipt.deadline_ms:
        raise DeadlineExpired(f"the receipt expired at {receipt.deadline_ms} ms, now is {now_ms} ms")
