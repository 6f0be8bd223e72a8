"""Typed errors of the gatekeeper's public API, each with its HTTP status and stable `code`.

Denials are 4xx with a code a client can act on (issue 8): `unauthorized`, `quota_exceeded`,
`authorization_denied`, `unknown_key`, `bad_request`; node failures the gatekeeper could not route
around are 503 `nodes_unavailable`. `hot.wire.errors.QuotaExceeded` and `AuthorizationDenied` are
reused so callers elsewhere catch the same classes.
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

__all__ = [
    "AuthorizationDenied",
    "BadRequest",
    "NodesUnavailable",
    "QuotaExceeded",
    "Unauthorized",
    "UnknownKey",
    "http_status",
]


_STATUS: dict[type[HotError], int] = {
    BadRequest: 400,
    Unauthorized: 401,
    AuthorizationDenied: 403,
    UnknownKey: 404,
    QuotaExceeded: 429,
    NodesUnavailable: 503,
}


def http_status(error: HotError) -> int:
    """The status of a gatekeeper error; anything unexpected is a 503 (a node-side failure)."""
    for cls, status in _STATUS.items():
        if isinstance(error, cls):
            return status
    return 503
