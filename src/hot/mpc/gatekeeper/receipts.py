"""Gatekeeper receipts: the one encoding, signing and verification both gatekeeper and node use.

whitepaper §3.2.2: "Each Gatekeeper co-signs a user's request (gatekeeper_id, request, deadline)
and relays it to the MPC Network. These signed receipts are publicly available in MPC logs and can
serve as evidence for slashing a Gatekeeper's stake." The wire shape is fixed in docs/node-api.md:

    request_hash = sha256(canonical_json(request))
    signature    = Ed25519(gatekeeper key, b"hot-receipt-v1" || sha256(canonical_json(
                       {"gatekeeper_id", "request_hash", "deadline_ms"})))

Canonical JSON is sorted keys, no spaces, UTF-8. `verify_receipt` is pure (the caller passes the
clock and the registered keys), so the node imports it and keeps its own replay set.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from hot.errors import HotError

RECEIPT_TAG = b"hot-receipt-v1"
HASH_SIZE = 32
SIGNATURE_SIZE = 64


class BadReceipt(HotError):
    """A receipt is malformed, from an unregistered gatekeeper, badly signed or for another request."""

    code = "bad_receipt"


class DeadlineExpired(HotError):
    """A receipt's deadline has passed; the gatekeeper must issue a new one."""

    code = "deadline_expired"


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 (docs/node-api.md): one byte string per JSON value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def request_hash(request: Mapping[str, Any]) -> bytes:
    """sha256(canonical_json(request)) of a node-API Request {key_id, domain, messages, user_payloads}."""
    return hashlib.sha256(canonical_json(dict(request))).digest()


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
        return {
            "gatekeeper_id": self.gatekeeper_id,
            "request_hash": self.request_hash.hex(),
            "deadline_ms": self.deadline_ms,
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, value: Any) -> GatekeeperReceipt:
        """Decode the wire object; any missing, mistyped or wrong-length field is a BadReceipt."""
        if not isinstance(value, Mapping) or set(value) != {"gatekeeper_id", "request_hash", "deadline_ms", "signature"}:
            raise BadReceipt("a receipt has exactly gatekeeper_id, request_hash, deadline_ms, signature")
        gatekeeper_id, deadline_ms = value["gatekeeper_id"], value["deadline_ms"]
        if not isinstance(gatekeeper_id, str) or not gatekeeper_id:
            raise BadReceipt("gatekeeper_id must be a non-empty string")
        if isinstance(deadline_ms, bool) or not isinstance(deadline_ms, int) or deadline_ms < 0:
            raise BadReceipt("deadline_ms must be a non-negative integer")
        return cls(
            gatekeeper_id,
            _hex_field(value["request_hash"], HASH_SIZE, "request_hash"),
            deadline_ms,
            _hex_field(value["signature"], SIGNATURE_SIZE, "signature"),
        )

    @property
    def digest(self) -> bytes:
        """A receipt's identity for replay sets: sha256 of its signed bytes and signature."""
        return hashlib.sha256(self.signed_bytes() + self.signature).digest()


def _hex_field(value: Any, size: int, name: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size or value != value.lower():
        raise BadReceipt(f"{name} must be {size} bytes of lowercase hex")
    try:
        return bytes.fromhex(value)
    except ValueError as exc:
        raise BadReceipt(f"{name} is not hex") from exc


def receipt_signing_bytes(gatekeeper_id: str, request_hash_: bytes, deadline_ms: int) -> bytes:
    """b"hot-receipt-v1" || sha256(canonical_json({gatekeeper_id, request_hash, deadline_ms}))."""
    body = {"gatekeeper_id": gatekeeper_id, "request_hash": request_hash_.hex(), "deadline_ms": deadline_ms}
    return RECEIPT_TAG + hashlib.sha256(canonical_json(body)).digest()


def sign_receipt(signing_key: SigningKey, gatekeeper_id: str, request_hash_: bytes, deadline_ms: int) -> GatekeeperReceipt:
    """The gatekeeper's co-signature on one request until `deadline_ms` (whitepaper §3.2.2)."""
    if len(request_hash_) != HASH_SIZE:
        raise BadReceipt("request_hash must be 32 bytes")
    signature = signing_key.sign(receipt_signing_bytes(gatekeeper_id, request_hash_, deadline_ms)).signature
    return GatekeeperReceipt(gatekeeper_id, request_hash_, deadline_ms, signature)


def verify_receipt(
    receipt: GatekeeperReceipt,
    request: Mapping[str, Any],
    gatekeeper_keys: Mapping[str, bytes],
    now_ms: int,
) -> None:
    """The node's receipt check (docs/node-api.md): registered gatekeeper, signature, request, deadline.

    `gatekeeper_keys` maps each gatekeeper id registered on the Controller to its 32-byte Ed25519
    public key. Replay (a receipt or session seen before) is the caller's check: it needs state.
    Raises BadReceipt or DeadlineExpired; returns None when the receipt holds.
    """
    public_key = gatekeeper_keys.get(receipt.gatekeeper_id)
    if public_key is None:
        raise BadReceipt(f"gatekeeper {receipt.gatekeeper_id!r} is not registered")
    try:
        VerifyKey(bytes(public_key)).verify(receipt.signed_bytes(), receipt.signature)
    except (BadSignatureError, ValueError, TypeError) as exc:
        raise BadReceipt("the receipt's signature does not verify under the gatekeeper's key") from exc
    if receipt.request_hash != request_hash(request):
        raise BadReceipt("the receipt is for another request")
    if now_ms > receipt.deadline_ms:
        raise DeadlineExpired(f"the receipt expired at {receipt.deadline_ms} ms, now is {now_ms} ms")
