"""Records the Controller and the Key Registry keep, as every reader sees them (issue 16).

The contracts write these shapes, and the node, the gatekeeper and the SDK read them; the names
live here once so no reader keeps its own copy of the Controller's state names.
"""

from __future__ import annotations

import enum


class ProtocolState(str, enum.Enum):
    """The Controller's protocol states (NEAR's v1.signer has the same four); whitepaper §2.2.4."""

    NOT_INITIALIZED = "NotInitialized"
    INITIALIZING = "Initializing"  # key generation for one or more domains
    RUNNING = "Running"
    RESHARING = "Resharing"


PROTOCOL_STATES: tuple[str, ...] = tuple(s.value for s in ProtocolState)
