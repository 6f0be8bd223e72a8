"""Typed errors of the HOT client: the gatekeeper's error codes as classes, plus local checks.

The gatekeeper answers every 4xx/503 as `{"code", "message"}` (hot.wire.errors); the client
raises the same classes the gatekeeper raises, so one `except AuthorizationDenied` works
in-process and over HTTP. Codes it does not know become `GatekeeperError` with the code kept.
"""

from __future__ import annotations

from typing import Any

from hot.wire.errors import (
    AuthorizationDenied,
    BadRequest,
    ContractError,
    HotError,
    InvalidSignature,
    NodesUnavailable,
    QuotaExceeded,
    Unauthorized,
    UnknownKey,
)


class GatekeeperError(HotError):
    """The gatekeeper failed in a way without a dedicated class (unknown code, transport, non-JSON).

    `status` is the HTTP status it answered with, or 502 (Bad Gateway) when it gave no usable answer;
    `error_code` is its `code` when the body had one.
    """

    code = "gatekeeper_error"
    status = 502

    def __init__(self, message: str, *, status: int | None = None, error_code: str | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.error_code = error_code


class KeyMismatch(HotError):
    """The gatekeeper's public key for a key_id differs from the one derived from the root keys."""

    code = "key_mismatch"


ERRORS_BY_CODE: dict[str, type[HotError]] = {
    cls.code: cls
    for cls in (Unauthorized, QuotaExceeded, AuthorizationDenied, UnknownKey, BadRequest, NodesUnavailable)
}


def error_from_response(status: int, body: Any, text: str = "") -> HotError:
    """The typed error for a gatekeeper answer `{"code", "message"}` (anything else: GatekeeperError)."""
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        code, message = body["code"], str(body.get("message", ""))
        cls = ERRORS_BY_CODE.get(code)
        if cls is not None:
            return cls(message or code)
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
