"""The roots of the hierarchy: HotError and the broad meanings every area refines.

Each class states, once, the three names it has on the three wires: `code` (the HTTP body's
stable string), `status` (the HTTP status that goes with it) and `contract_code` (the `E_...` code
a contract refuses with for the same meaning, e.g. when a policy turns a decoding error into a
refusal). A subclass that does not restate one inherits its parent's: it is the same meaning on
that wire, told apart only in-process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from hot.wire.errors.codes import ContractCode


class HotError(Exception):
    """Base of every error this project raises on purpose."""

    code: ClassVar[str] = "hot_error"
    status: int = 500  # a class default; GatekeeperError and RpcError keep the status they received
    contract_code: ClassVar[ContractCode] = ContractCode.PANIC

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Self:
        """This error as a client rebuilds it from a service's answer `{"code", "message", ...}`.

        Only what the body carries is restored: the message here, and the fields a subclass
        reads in its own `from_body` (CulpritError's `culprit`, PeerTimeout's `culprits`).
        """
        error = cls.__new__(cls)
        HotError.__init__(error, str(body.get("message") or cls.code))
        return error


class EncodingError(HotError, ValueError):
    """A value's byte encoding is malformed, non-canonical or out of range."""

    code = "bad_encoding"
    status = 400
    contract_code = ContractCode.BAD_ENCODING


class BadRequest(HotError):
    """The request is malformed (shape, hex, lengths, batch size, domain); fix it and resend."""

    code = "bad_request"
    status = 400
    contract_code = ContractCode.BAD_ARGS


class UnknownDomain(BadRequest, EncodingError):
    """The domain is not one of the network's (hot.wire.domains)."""


class ProtocolError(HotError):
    """A cryptographic protocol cannot continue (wrong round, wrong participants, bad input)."""

    code = "protocol_error"
    status = 409
    contract_code = ContractCode.PROTOCOL


class CulpritError(ProtocolError):
    """A protocol error caused by one identifiable participant (identifiable abort)."""

    code = "culprit"

    def __init__(self, culprit: int | str, message: str = "") -> None:
        super().__init__(message or f"{self.__class__.__name__}: participant {culprit!r} misbehaved")
        self.culprit = culprit

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Self:
        error = super().from_body(body)
        error.culprit = body.get("culprit", "")
        return error
