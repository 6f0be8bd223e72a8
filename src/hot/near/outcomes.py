"""What NEAR's RPC answers mean: a transaction's outcome, a failure's coded error, a view's error.

A contract's coded failure keeps its code end to end (docs/errors.md): the contract panics with
"E_NOT_OWNER: ...", NEAR reports `FunctionCallError.ExecutionError "Smart contract panicked:
E_NOT_OWNER: ..."` for a transaction and `vm_error "... panic_msg: \"E_NOT_OWNER: ...\""` for a
view, and the client raises `TransactionFailed` / `ViewFailed` with `error_code == "E_NOT_OWNER"`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from hot.wire.errors import ContractCode as E, EncodingError, TransactionFailed, ViewFailed, split_code

PANIC_PREFIX = "Smart contract panicked: "
VIEW_PANIC_MARKER = 'panic_msg: "'


def failure_code(kind: Any) -> tuple[str, str]:
    """The coded error inside NEAR's failure JSON (E_... for panics, the variant name otherwise)."""
    if isinstance(kind, dict) and "FunctionCallError" in kind:
        inner = kind["FunctionCallError"]
        if isinstance(inner, dict) and isinstance(inner.get("ExecutionError"), str):
            text = inner["ExecutionError"]
            if text.startswith(PANIC_PREFIX):
                return split_code(text[len(PANIC_PREFIX):])
            return E.EXECUTION, text
        if isinstance(inner, dict) and inner.get("MethodResolveError") == "MethodNotFound":
            return E.METHOD_NOT_FOUND, "method not found"
        if isinstance(inner, dict) and isinstance(inner.get("CompilationError"), dict):
            compilation = inner["CompilationError"]
            if "CodeDoesNotExist" in compilation:
                return E.CODE_DOES_NOT_EXIST, json.dumps(compilation)
            return E.BAD_CONTRACT, str(compilation.get("PrepareError", compilation))
        return E.FUNCTION_CALL, json.dumps(inner)
    name = next(iter(kind)) if isinstance(kind, dict) and kind else str(kind)
    return name, json.dumps(kind)


def outcome_logs(outcome: dict[str, Any]) -> list[str]:
    """Every log line of every receipt, in execution order."""
    return [line for r in outcome.get("receipts_outcome", []) for line in r["outcome"]["logs"]]


def transaction_failure(outcome: dict[str, Any]) -> TransactionFailed | None:
    """The `TransactionFailed` inside a FinalExecutionOutcome, or None when it succeeded."""
    status = outcome.get("status")
    if not isinstance(status, dict) or "Failure" not in status:
        return None
    failure = status["Failure"]
    kind = failure.get("ActionError", {}).get("kind", failure) if isinstance(failure, dict) else failure
    code, message = failure_code(kind)
    logs = outcome_logs(outcome)
    return TransactionFailed(code, message + (f" (logs: {logs})" if logs else ""), kind=kind, outcome=outcome,
                             logs=tuple(logs))


def outcome_value(outcome: dict[str, Any]) -> Any:
    """The decoded JSON return value of a successful transaction (None for an empty return);
    `TransactionFailed` with the contract's code when it failed."""
    failed = transaction_failure(outcome)
    if failed is not None:
        raise failed
    status = outcome.get("status")
    if not isinstance(status, dict):
        raise EncodingError("a transaction outcome's status must be an object")
    raw = base64.b64decode(status.get("SuccessValue") or "")
    return json.loads(raw) if raw else None


def view_failure_code(vm_error: str) -> tuple[str, str]:
    """The coded error inside a failed view's `vm_error` text (nearcore's Debug form of the panic)."""
    if VIEW_PANIC_MARKER in vm_error:
        quoted = vm_error.split(VIEW_PANIC_MARKER, 1)[1].rsplit('"', 1)[0]
        try:
            text = json.loads('"' + quoted + '"')
        except ValueError:
            text = quoted
        return split_code(text)
    if PANIC_PREFIX in vm_error:
        return split_code(vm_error.split(PANIC_PREFIX, 1)[1])
    if "MethodNotFound" in vm_error:
        return E.METHOD_NOT_FOUND, vm_error
    return E.EXECUTION, vm_error


def view_failed(vm_error: str) -> ViewFailed:
    code, message = view_failure_code(vm_error)
    return ViewFailed(code, message)


def invalid_nonce(detail: Any) -> int | None:
    """The access key's nonce on chain when `detail` (an InvalidTxError) is a nonce conflict."""
    if isinstance(detail, dict) and isinstance(detail.get("InvalidNonce"), dict):
        ak_nonce = detail["InvalidNonce"].get("ak_nonce")
        return ak_nonce if isinstance(ak_nonce, int) and not isinstance(ak_nonce, bool) else None
    return None


def invalid_tx_detail(error: Any) -> Any:
    """The `InvalidTxError` variant inside an INVALID_TRANSACTION error object, wherever nearcore's
    version put it (`cause.info` or the legacy `data`, each `{"TxExecutionError": {"InvalidTxError": ...}}`)."""
    if not isinstance(error, dict):
        return None
    cause = error.get("cause")
    for place in (cause.get("info") if isinstance(cause, dict) else None, error.get("data")):
        if isinstance(place, dict):
            inner = place.get("TxExecutionError", place)
            if isinstance(inner, dict) and "InvalidTxError" in inner:
                return inner["InvalidTxError"]
    return None
