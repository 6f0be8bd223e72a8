"""The HTTP status of a gatekeeper refusal (docs/gatekeeper.md, "Errors").

Denials are 4xx with a code a client can act on (issue 8): `unauthorized`, `quota_exceeded`,
`authorization_denied`, `unknown_key`, `bad_request`; node failures the gatekeeper could not route
around are 503 `nodes_unavailable`. Each class states its own status (hot.wire.errors); what this
module adds is which classes the gatekeeper answers with as themselves: any other error is a
node-side failure the client sees as 503.
"""

from __future__ import annotations

from hot.wire.errors import (
    AuthorizationDenied,
    BadRequest,
    HotError,
    NodesUnavailable,
    QuotaExceeded,
    Unauthorized,
    UnknownKey,
)

# The refusals docs/gatekeeper.md documents (a subclass answers as its documented parent's status).
ANSWERED: tuple[type[HotError], ...] = (BadRequest, Unauthorized, AuthorizationDenied, UnknownKey, QuotaExceeded,
                                        NodesUnavailable)


def http_status(error: HotError) -> int:
    """The status of a gatekeeper error; anything unexpected is a 503 (a node-side failure)."""
    answered = next((cls for cls in ANSWERED if isinstance(error, cls)), NodesUnavailable)
    return answered.status
