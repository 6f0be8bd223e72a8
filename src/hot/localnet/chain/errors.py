"""Chain errors, each carrying the JSON NEAR's RPC would show for it.

`InvalidTransaction`: the transaction is rejected before execution (bad signature, unknown key,
wrong nonce, too large...): nothing changes, not even the nonce. `ActionFailure`: execution
failed; the nonce and gas fee stay spent, everything else is rolled back. `QueryError`: a view
request cannot be answered (unknown account, no code, contract panic...).
"""

from __future__ import annotations

from typing import Any

from hot.wire.errors import HotError


class ChainError(HotError):
    """Base of the localnet chain's errors."""

    code = "chain_error"


class InvalidTransaction(ChainError):
    """NEAR `InvalidTxError`: `detail` is the variant, e.g. {"InvalidNonce": {...}} or "InvalidSignature"."""

    code = "invalid_transaction"

    def __init__(self, detail: Any, message: str = "") -> None:
        super().__init__(message or f"invalid transaction: {detail}")
        self.detail = detail

    def to_json(self) -> dict[str, Any]:
        return {"TxExecutionError": {"InvalidTxError": self.detail}}


class ActionFailure(ChainError):
    """NEAR `ActionError`: `kind` is the variant, e.g. {"FunctionCallError": {"ExecutionError": "..."}}."""

    code = "action_error"

    def __init__(self, kind: Any, message: str = "", index: int | None = None) -> None:
        super().__init__(message or f"action failed: {kind}")
        self.kind = kind
        self.index = index

    def to_json(self) -> dict[str, Any]:
        return {"ActionError": {"index": self.index, "kind": self.kind}}


class QueryError(ChainError):
    """A query cannot be answered; `name` is NEAR's cause name (UNKNOWN_ACCOUNT, NO_CONTRACT_CODE...)."""

    code = "query_error"

    def __init__(self, name: str, info: dict[str, Any], message: str) -> None:
        super().__init__(message)
        self.name = name
        self.info = info


class ContractExecutionError(QueryError):
    """A view call failed (panic, missing method, out of gas); NEAR reports it as `result.error`."""

    def __init__(self, vm_error: str, logs: list[str] | None = None) -> None:
        super().__init__("CONTRACT_EXECUTION_ERROR", {"vm_error": vm_error}, vm_error)
        self.vm_error = vm_error
        self.logs = logs or []


class UnknownBlock(ChainError):
    """The requested block does not exist (yet)."""

    code = "unknown_block"


class UnknownTransaction(ChainError):
    """No transaction with that hash was executed on this chain."""

    code = "unknown_transaction"
