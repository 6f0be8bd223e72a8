"""Typed errors of the HOT client: the gatekeeper's error codes as classes, plus local checks.

The gatekeeper answers every 4xx/503 as `{"code", "message"}` (hot.wire.errors); the client
raises the same classes the gatekeeper raises, so one `except AuthorizationDenied` works
in-process and over HTTP: `ERRORS_BY_CODE` is the hierarchy's own code table, so every code a
service sends maps to its class. Codes it does not know become `GatekeeperError` with the code kept.
"""

from __future__ import annotations

from typing import Any

from hot.wire.errors import (
    AuthorizationDenied,
    BadRequest,
    ERRORS_BY_CODE,
    ContractError,
    GatekeeperError,
    HotError,
    InvalidSignature,
    KeyMismatch,
    NodesUnavailable,
    QuotaExceeded,
    Unauthorized,
    UnknownKey,
    error_for_code,
)


def error_from_response(status: int, body: Any, text: str = "") -> HotError:
    """The typed error for a gatekeeper answer `{"code", "message"}` (anything else: GatekeeperError)."""
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        code, message = body["code"], str(body.get("message", ""))
        cls = error_for_code(code)
        if cls is not None:
            return cls.from_body(body)
        return GatekeeperError(f"{code}: {message}", status=status, error_code=code)
    if status == 503:
        return NodesUnavailable(text or "gatekeeper answered 503")
    return GatekeeperError(f"HTTP {status}: {text[:200]}", status=status)


__all__ = [
    "ERRORS_BY_CODE",
    "AuthorizationDenied",
    "BadRequest",
    "ContractError",
    "GatekeeperError",
    "InvalidSignature",
    "KeyMismatch",
    "NodesUnavailable",
    "QuotaExceeded",
    "Unauthorized",
    "UnknownKey",
    "error_from_response",
]
