"""What a client of HOT's services meets that the services do not send: a gatekeeper that failed
without a coded answer, a key that does not match, and the NEAR client's failures (hot.near,
hot.sdk.client): an RPC that failed, a transaction refused before execution or of unknown outcome.
"""

from __future__ import annotations

from hot.wire.errors.base import EncodingError, HotError
from hot.wire.errors.codes import ContractCode


class GatekeeperError(HotError):
    """The gatekeeper failed in a way without a dedicated class (unknown code, transport, non-JSON).

    `status` is the HTTP status it answered with, or 502 (Bad Gateway) when it gave no usable answer;
    `error_code` is its `code` when the body had one.
    """

    code = "gatekeeper_error"
    status = 502  # what a client reports when the gatekeeper gave no HTTP answer at all
    error_code: str | None = None  # the gatekeeper's code, when it sent one HOT does not define

    def __init__(self, message: str, *, status: int | None = None, error_code: str | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status  # the HTTP status the gatekeeper answered
        self.error_code = error_code


class KeyMismatch(HotError):
    """The gatekeeper's public key for a key_id differs from the one derived from the root keys."""

    code = "key_mismatch"
    status = 502


class NearRpcError(HotError):
    """A NEAR JSON-RPC endpoint could not be reached or answered with an error; `cause` is NEAR's
    cause name (`UNKNOWN_ACCOUNT`, `TIMEOUT_ERROR`, ...; empty when no endpoint answered)."""

    code = "near_rpc_error"
    status = 502
    contract_code = ContractCode.NEAR_RPC

    def __init__(self, message: str = "", *, cause: str = "", error: object = None) -> None:
        super().__init__(message)
        self.cause = cause
        self.error = error


class TransactionRejected(NearRpcError):
    """NEAR refused a transaction before executing it (`InvalidTxError`): nothing changed, not even
    the nonce. `detail` is the variant, e.g. `{"InvalidNonce": {"tx_nonce", "ak_nonce"}}`."""

    code = "transaction_rejected"
    status = 400
    contract_code = ContractCode.INVALID_TX

    def __init__(self, message: str = "", *, detail: object = None, error: object = None) -> None:
        super().__init__(message, cause="INVALID_TRANSACTION", error=error)
        self.detail = detail


class TransactionOutcomeUnknown(NearRpcError):
    """A signed transaction was sent but its outcome was not learned before the deadline. It may
    still execute: look it up by `tx_hash`; signing the same intent again could do it twice."""

    code = "transaction_outcome_unknown"
    status = 504
    contract_code = ContractCode.TX_UNKNOWN

    def __init__(self, message: str = "", *, tx_hash: str = "") -> None:
        super().__init__(message, cause="TIMEOUT_ERROR")
        self.tx_hash = tx_hash


class UnsupportedAction(EncodingError):
    """A NEAR action kind hot.near's decoder knows of but does not read (delegate, global contracts)."""
