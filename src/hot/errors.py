"""The project's error hierarchy (STYLE.md, habit 5: errors are values with names).

Every failure a user or a peer can cause is one of these, with a message a person can act on.
Protocol errors that can name a misbehaving party carry it as `culprit` (identifiable abort).
"""

from __future__ import annotations


class HotError(Exception):
    """Base of every error this project raises on purpose."""

    code: str = "hot_error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message


class EncodingError(HotError, ValueError):
    """A value's byte encoding is malformed, non-canonical or out of range."""

    code = "bad_encoding"


class ProtocolError(HotError):
    """A cryptographic protocol cannot continue (wrong round, wrong participants, bad input)."""

    code = "protocol_error"


class CulpritError(ProtocolError):
    """A protocol error caused by one identifiable participant (identifiable abort)."""

    code = "culprit"

    def __init__(self, culprit: int | str, message: str = "") -> None:
        super().__init__(message or f"{self.__class__.__name__}: participant {culprit!r} misbehaved")
        self.culprit = culprit


class InvalidShare(CulpritError):
    """A share (secret share, signature share, presignature share) failed its public check."""

    code = "invalid_share"


class InvalidProof(CulpritError):
    """A zero-knowledge proof (e.g. a DKG proof of knowledge) did not verify."""

    code = "invalid_proof"


class AuthorizationDenied(HotError):
    """A key's access list did not authorize the request (a hot_verify said no or failed)."""

    code = "authorization_denied"


class QuotaExceeded(HotError):
    """An API key spent its quota or exceeded its rate limit."""

    code = "quota_exceeded"


class ContractError(HotError):
    """A contract refused a call with a coded failure, e.g. `E_NOT_PARTICIPANT: ...`."""

    code = "contract_error"

    def __init__(self, error_code: str, message: str = "") -> None:
        super().__init__(f"{error_code}: {message}" if message else error_code)
        self.error_code = error_code
