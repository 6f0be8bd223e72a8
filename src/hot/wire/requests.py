"""The signing request every part agrees on, and the hash a receipt signs (issue 16).

docs/node-api.md "Request": `{"key_id", "domain", "messages", "user_payloads"}` with messages and
payloads as lowercase hex; one authorization pass per message. The gatekeeper builds it, signs
`request_hash` in its receipt, and each node decodes the same object with `from_wire` and checks
the hash against the receipt, so one decoder decides what a well-formed request is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from hot.wire.domains import DIGEST_SIZE, Domain, domain_of, spec
from hot.wire.encoding import canonical_json, hex_field
from hot.wire.errors import BadRequest

REQUEST_FIELDS = frozenset({"key_id", "domain", "messages", "user_payloads"})
MAX_KEY_ID_BYTES = 1024
MAX_PAYLOADS = 16


def request_hash(wire: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical encoding of a Request object: what a receipt signs."""
    return hashlib.sha256(canonical_json(wire)).digest()


@dataclass(frozen=True)
class SigningRequest:
    """Sign every message under key_id's derived key in `domain`, if every auth method agrees."""

    key_id: str
    domain: Domain
    messages: tuple[bytes, ...]
    user_payloads: tuple[bytes, ...]

    def __post_init__(self) -> None:
        size = len(self.key_id.encode("utf-8", "replace"))
        if not 0 < size <= MAX_KEY_ID_BYTES or not self.key_id.isprintable():
            raise BadRequest(f"key_id must be 1..{MAX_KEY_ID_BYTES} bytes of printable UTF-8")
        if not self.messages:
            raise BadRequest("a request signs at least one message")
        if len(self.user_payloads) > MAX_PAYLOADS:
            raise BadRequest(f"at most {MAX_PAYLOADS} user payloads (one per auth method)")
        if spec(self.domain).prehashed and any(len(m) != DIGEST_SIZE or not any(m) for m in self.messages):
            raise BadRequest(f"{self.domain} messages are non-zero {DIGEST_SIZE}-byte hashes")

    def to_wire(self) -> dict[str, Any]:
        """The Request object of docs/node-api.md (lowercase hex)."""
        return {"key_id": self.key_id, "domain": self.domain.value, "messages": [m.hex() for m in self.messages],
                "user_payloads": [p.hex() for p in self.user_payloads]}

    @classmethod
    def from_wire(cls, raw: Any) -> SigningRequest:
        """Decode strictly: exactly the four fields, strings, lowercase hex; BadRequest otherwise."""
        if not isinstance(raw, dict) or set(raw) != REQUEST_FIELDS:
            raise BadRequest(f"a request is an object with exactly {sorted(REQUEST_FIELDS)}")
        key_id, messages, payloads = raw["key_id"], raw["messages"], raw["user_payloads"]
        if not isinstance(key_id, str) or not isinstance(messages, list) or not isinstance(payloads, list):
            raise BadRequest("key_id is a string; messages and user_payloads are lists of hex strings")
        return cls(key_id, domain_of(raw["domain"]),
                   tuple(hex_field(m, None, "message", error=BadRequest) for m in messages),
                   tuple(hex_field(p, None, "user_payload", error=BadRequest) for p in payloads))

    @cached_property
    def request_hash(self) -> bytes:
        return request_hash(self.to_wire())


def policy_msg_hash(domain: Domain | str, message: bytes) -> bytes:
    """The 32-byte hash a key's `hot_verify` sees for `message` in `domain` (HOT's `msg_hash`).

    secp256k1 signs a digest, so the policy sees that digest; Ed25519 signs the message itself,
    so the policy sees SHA-256 of it.
    """
    return message if spec(domain).prehashed else hashlib.sha256(message).digest()
