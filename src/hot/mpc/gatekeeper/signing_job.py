"""How a signing attempt fails, shared by the FROST and ECDSA coordinators.

An attempt works on a `hot.wire.requests.SigningRequest` (whose `request_hash` the receipt signs
and the idempotency cache is keyed by) and either returns one `hot.wire.signatures.SignatureResult`
per message or raises `AttemptFailed` with every node failure it saw, so the coordinator can rest
nodes and retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hot.wire.errors import NodeFailure


@dataclass
class AttemptFailed(Exception):
    """A signing attempt could not finish; `failures` names each node that caused it.

    Control flow inside the gatekeeper, not a hot.wire error: the coordinator always catches it
    and answers the user with the refusal the nodes agreed on or NodesUnavailable.
    """

    failures: list[NodeFailure] = field(default_factory=list)
    reason: str = ""

    def __post_init__(self) -> None:
        detail = "; ".join(f.message for f in self.failures) or self.reason
        self.message = f"signing attempt failed: {detail}"
        super().__init__(self.message)
