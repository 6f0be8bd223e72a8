"""What one signing session works on and returns, shared by the FROST and ECDSA coordinators.

A `SigningJob` is the node-API Request (docs/node-api.md: key_id, domain, messages, user_payloads;
one authorization pass per message); its `request_hash` is what the receipt signs and what the
idempotency cache is keyed by. An attempt either returns one `SignedMessage` per message or raises
`AttemptFailed` with every node failure it saw, so the coordinator can rest nodes and retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from hot.mpc.gatekeeper.config import Domain
from hot.mpc.gatekeeper.node_client import NodeFailure
from hot.mpc.gatekeeper.receipts import request_hash

from hot.errors import HotError


@dataclass(frozen=True)
class SigningJob:
    """One request to the network: sign every message under key_id's derived key in `domain`."""

    key_id: str
    domain: Domain
    messages: tuple[bytes, ...]
    user_payloads: tuple[bytes, ...]

    def wire(self) -> dict[str, Any]:
        """The Request object of docs/node-api.md (lowercase hex)."""
        return {
            "key_id": self.key_id,
            "domain": self.domain,
            "messages": [m.hex() for m in self.messages],
            "user_payloads": [p.hex() for p in self.user_payloads],
        }

    @cached_property
    def request_hash(self) -> bytes:
        return request_hash(self.wire())


@dataclass(frozen=True)
class SignedMessage:
    """A finished signature in the public API's encodings (issue 8)."""

    signature: bytes
    public_key: bytes
    recovery_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {"signature": self.signature.hex(), "public_key": self.public_key.hex(), "recovery_id": self.recovery_id}


@dataclass
class AttemptFailed(HotError):
    """A signing attempt could not finish; `failures` names each node that caused it."""

    failures: list[NodeFailure] = field(default_factory=list)
    reason: str = ""

    def __post_init__(self) -> None:
        detail = "; ".join(f.message for f in self.failures) or self.reason
        super().__init__(f"signing attempt failed: {detail}")
