"""Refusals of the node and gatekeeper HTTP APIs (docs/node-api.md, docs/gatekeeper.md).

Each service answers these with `{"code", "message"}` and the class's `status`; the node adds
`culprit` (ProtocolError with a culprit) or `culprits` (PeerTimeout) so the gatekeeper can retry
without the named participants (whitepaper §4.1.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from hot.wire.errors.base import HotError
from hot.wire.errors.codes import ContractCode


class Unauthorized(HotError):
    """No API key, or one this gatekeeper does not know: send `Authorization: Bearer API_KEY`."""

    code = "unauthorized"
    status = 401
    contract_code = ContractCode.UNAUTHENTICATED


class QuotaExceeded(HotError):
    """An API key spent its quota or exceeded its rate limit."""

    code = "quota_exceeded"
    status = 429
    contract_code = ContractCode.QUOTA


class AuthorizationDenied(HotError):
    """A key's access list did not authorize the request (a hot_verify said no or failed)."""

    code = "authorization_denied"
    status = 403
    contract_code = ContractCode.UNAUTHORIZED


class UnknownKey(HotError):
    """No key is reserved under this key_id, or no key of that domain exists yet."""

    code = "unknown_key"
    status = 404
    contract_code = ContractCode.UNKNOWN_KEY


class NodesUnavailable(HotError):
    """Not enough healthy MPC nodes answered correctly to finish the signature; retry later."""

    code = "nodes_unavailable"
    status = 503
    contract_code = ContractCode.UNAVAILABLE


class BadReceipt(HotError):
    """A receipt is malformed, from an unregistered gatekeeper, badly signed or for another request."""

    code = "bad_receipt"
    status = 401
    contract_code = ContractCode.BAD_RECEIPT


class DeadlineExpired(HotError):
    """A receipt's deadline has passed; the gatekeeper must issue a new one."""

    code = "deadline_expired"
    status = 410
    contract_code = ContractCode.EXPIRED


class ReceiptReplayed(HotError):
    """This receipt or session id was already used once."""

    code = "receipt_replayed"
    status = 409
    contract_code = ContractCode.REPLAYED


class UnknownSession(HotError):
    """No open signing session with this id (never opened, expired, or already answered /share)."""

    code = "unknown_session"
    status = 404


class NoPresignature(HotError):
    """No unused presignature for this signer set, or the chosen one is gone."""

    code = "no_presignature"
    status = 409


class PeerTimeout(HotError):
    """A co-signer did not send its message in time; the gatekeeper retries without it."""

    code = "peer_timeout"
    status = 409

    def __init__(self, missing: list[int], message: str = "") -> None:
        super().__init__(message or f"no message from participant(s) {missing}")
        self.missing = missing

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Self:
        error = super().from_body(body)
        culprits = body.get("culprits")
        error.missing = [c for c in culprits if isinstance(c, int)] if isinstance(culprits, list) else []
        return error


class LogEntryInvalid(HotError):
    """A signed-log entry is malformed, non-canonical, or its hash or signature does not check."""

    code = "log_entry_invalid"
    status = 400
    contract_code = ContractCode.BAD_EVIDENCE


class NodeFailure(HotError):
    """A node did not answer as the protocol requires (the gatekeeper's view); `rest` says whether to rest it."""

    code = "node_failure"
    status = 502

    def __init__(
        self, participant: int, reason: str, *, rest: bool, node_code: str | None = None, culprits: tuple[int, ...] = ()
    ) -> None:
        super().__init__(f"node {participant}: {reason}")
        self.participant = participant
        self.reason = reason
        self.rest = rest
        self.node_code = node_code
        self.culprits = culprits  # peers this node blames (a `culprit` / `culprits` field of its refusal)
