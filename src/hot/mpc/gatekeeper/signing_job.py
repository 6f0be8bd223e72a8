"""How a signing attempt fails, shared by the FROST and ECDSA coordinators.

An attempt works on a `hot.wire.requests.SigningRequest` (whose `request_hash` the receipt signs
and the idempotency cache is keyed by) and either returns one `hot.wire.signatures.SignatureResult`
per message or raises `AttemptFailed` with every node failure it saw, so the coordinator can rest
nodes and retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hot.mpc.gatekeeper.node_client import NodeFailure

from hot.wire.errors import HotError


@dataclass
class AttemptFailed(HotError):
    """A signing attempt could not finish; `failures` names each node that caused it."""

    failures: list[NodeFailure] = field(default_factory=list)
    reason: str = ""

    def __post_init__(self) -> None:
        detail = "; ".join(f.message for f in self.failures) or self.reason
        super().__init__(f"signing attempt failed: {detail}")
