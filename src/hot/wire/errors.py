"""The project's one error hierarchy (STYLE.md habit 5; issue 16: one entry per meaning).

Every failure a user, a peer or a contract caller can cause is one of these classes, with a
message a person can act on. Each class states, once, the three names it has on the three wires:

- `code`: the stable string in HTTP error bodies `{"code", "message"}` (node and gatekeeper APIs);
- `status`: the HTTP status that goes with it;
- `contract_code`: the `E_...` code a contract panics with for the same meaning.

docs/errors.md is generated from this module (`python -m hot.wire.errors`), so the table and the
code cannot drift. Protocol errors that can name a misbehaving party carry it as `culprit`
(identifiable abort).
"""

from __future__ import annotations

from typing import ClassVar


class HotError(Exception):
    """Base of every error this project raises on purpose."""

    code: ClassVar[str] = "hot_error"
    # Not a ClassVar: a client-side error may carry the status it was actually answered with (GatekeeperError).
    status: int = 500
    contract_code: ClassVar[str] = "E_INTERNAL"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message


class EncodingError(HotError, ValueError):
    """A value's byte encoding is malformed, non-canonical or out of range."""

    code = "bad_encoding"
    status = 400
    contract_code = "E_BAD_ENCODING"


class ProtocolError(HotError):
    """A cryptographic protocol cannot continue (wrong round, wrong participants, bad input)."""

    code = "protocol_error"
    status = 409
    contract_code = "E_PROTOCOL"


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
    status = 403
    contract_code = "E_DENIED"


class QuotaExceeded(HotError):
    """An API key spent its quota or exceeded its rate limit."""

    code = "quota_exceeded"
    status = 429
    contract_code = "E_QUOTA"


class ContractError(HotError):
    """A contract refused a call with a coded failure, e.g. `E_NOT_PARTICIPANT: ...`."""

    code = "contract_error"
    status = 400

    def __init__(self, error_code: str, message: str = "") -> None:
        super().__init__(f"{error_code}: {message}" if message else error_code)
        self.error_code = error_code


class BadRequest(HotError):
    """The request is malformed (shape, hex, lengths, batch size, domain); fix it and resend."""

    code = "bad_request"
    status = 400
    contract_code = "E_BAD_ARGS"


class UnknownDomain(BadRequest, EncodingError):
    """The domain is not one of the network's (hot.wire.domains)."""


class BadAccessList(ContractError):
    """An access list breaks the Key Registry's rules (hot.wire.access): the Registry refuses it.

    A ContractError with its code fixed, so the SDK's client-side check and the contract's own
    refusal read the same (`reverts("E_BAD_ACCESS_LIST")` matches either).
    """

    code = "bad_access_list"
    contract_code = "E_BAD_ACCESS_LIST"

    def __init__(self, message: str = "") -> None:
        super().__init__(self.contract_code, message)


class InvalidSignature(ProtocolError):
    """A signature does not verify under the key it is reported for: it is never returned or accepted."""

    code = "invalid_signature"
    contract_code = "E_BAD_SIGNATURE"


class BadReceipt(HotError):
    """A receipt is malformed, from an unregistered gatekeeper, badly signed or for another request."""

    code = "bad_receipt"
    status = 401
    contract_code = "E_BAD_RECEIPT"


class DeadlineExpired(HotError):
    """A receipt's deadline has passed; the gatekeeper must issue a new one."""

    code = "deadline_expired"
    status = 410
    contract_code = "E_EXPIRED"


class LogEntryInvalid(HotError):
    """A signed-log entry is malformed, non-canonical, or its hash or signature does not check."""

    code = "log_entry_invalid"
    status = 400
    contract_code = "E_BAD_EVIDENCE"


class UnknownKey(HotError):
    """No key is reserved under this key_id in the Key Registry, or no key of that domain exists yet."""

    code = "unknown_key"
    status = 404
    contract_code = "E_UNKNOWN_KEY"


class ReceiptReplayed(HotError):
    """This receipt or session id was already used once."""

    code = "receipt_replayed"
    status = 409
    contract_code = "E_REPLAYED"


class NotAttested(HotError):
    """The node has no valid attestation and refuses to sign."""

    code = "not_attested"
    status = 503
    contract_code = "E_NOT_ATTESTED"


class Unauthorized(HotError):
    """No API key, or one this gatekeeper does not know: send `Authorization: Bearer API_KEY`."""

    code = "unauthorized"
    status = 401
    contract_code = "E_UNAUTHORIZED"


class NodesUnavailable(HotError):
    """Not enough healthy MPC nodes answered correctly to finish the signature; retry later."""

    code = "nodes_unavailable"
    status = 503
    contract_code = "E_UNAVAILABLE"


class NearRpcError(HotError):
    """A NEAR JSON-RPC endpoint could not be reached or answered with an error; `cause` is NEAR's
    cause name (`UNKNOWN_ACCOUNT`, `TIMEOUT_ERROR`, ...; empty when no endpoint answered)."""

    code = "near_rpc_error"
    status = 502
    contract_code = "E_NEAR_RPC"

    def __init__(self, message: str = "", *, cause: str = "", error: object = None) -> None:
        super().__init__(message)
        self.cause = cause
        self.error = error


class TransactionRejected(NearRpcError):
    """NEAR refused a transaction before executing it (`InvalidTxError`): nothing changed, not even
    the nonce. `detail` is the variant, e.g. `{"InvalidNonce": {"tx_nonce", "ak_nonce"}}`."""

    code = "transaction_rejected"
    status = 400
    contract_code = "E_INVALID_TX"

    def __init__(self, message: str = "", *, detail: object = None, error: object = None) -> None:
        super().__init__(message, cause="INVALID_TRANSACTION", error=error)
        self.detail = detail


class TransactionOutcomeUnknown(NearRpcError):
    """A signed transaction was sent but its outcome was not learned before the deadline. It may
    still execute: look it up by `tx_hash`; signing the same intent again could do it twice."""

    code = "transaction_outcome_unknown"
    status = 504
    contract_code = "E_TX_UNKNOWN"

    def __init__(self, message: str = "", *, tx_hash: str = "") -> None:
        super().__init__(message, cause="TIMEOUT_ERROR")
        self.tx_hash = tx_hash


class TransactionFailed(ContractError):
    """A transaction executed and failed; `error_code` is the contract's panic code (`E_NOT_OWNER`)
    when it panicked, else NEAR's failure variant. `kind` is NEAR's `ActionError.kind`."""

    code = "transaction_failed"

    def __init__(self, error_code: str, message: str = "", *, kind: object = None,
                 outcome: dict[str, object] | None = None, logs: tuple[str, ...] = ()) -> None:
        super().__init__(error_code, message)
        self.kind, self.outcome, self.logs = kind, outcome or {}, list(logs)


class ViewFailed(ContractError):
    """A view call failed on the contract (panic, missing method); `error_code` is the panic's code."""

    code = "view_failed"


def split_code(text: str) -> tuple[str, str]:
    """Split a contract's panic text "E_CODE: message" into code and message (no code: E_PANIC).

    The convention by which a contract's `E_...` code crosses NEAR's error text unchanged
    (docs/errors.md); contracts write it, clients and the chain read it back with this.
    """
    head, sep, rest = text.partition(":")
    if sep and head and head.replace("_", "").isalnum() and head.upper() == head and " " not in head:
        return head, rest.strip()
    return "E_PANIC", text
