"""Coded contract failures: what a contract refuses with, and how callers see it again.

A coded failure keeps its code end to end: `require(ok, ContractCode.NOT_OWNER, "only the owner")`
raises `ContractPanic("E_NOT_OWNER", ...)`, which the chain reports as NEAR's
`FunctionCallError.ExecutionError "Smart contract panicked: E_NOT_OWNER: only the owner"`, and a
client reading it back (`split_code`) raises `ContractError` with the same `error_code`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from hot.wire.errors.base import HotError
from hot.wire.errors.codes import ContractCode, split_code


class ContractError(HotError):
    """A contract refused a call with a coded failure, e.g. `E_NOT_PARTICIPANT: ...`."""

    code = "contract_error"
    status = 400

    def __init__(self, error_code: str, message: str = "") -> None:
        error_code = str(error_code)  # a ContractCode member becomes its plain "E_..." string
        super().__init__(f"{error_code}: {message}" if message else error_code)
        self.error_code = error_code

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Self:
        error = super().from_body(body)
        error.error_code = split_code(error.message)[0]
        return error


class ContractPanic(ContractError):
    """A contract refused the call; `error_code` is the stable code (e.g. `E_NOT_OWNER`)."""

    code = "contract_panic"

    @property
    def panic_message(self) -> str:
        """The text NEAR shows after "Smart contract panicked: "."""
        return str(self)


class ProhibitedInView(ContractPanic):
    """A `@view` tried to write storage, emit a promise or move tokens; nothing was changed."""

    contract_code = ContractCode.PROHIBITED_IN_VIEW

    def __init__(self, operation: str) -> None:
        super().__init__(self.contract_code, f"{operation} is not allowed in a view call")
        self.operation = operation


class MethodNotFound(ContractError):
    """The contract has no public method of that name (NEAR: MethodResolveError::MethodNotFound)."""

    code = "method_not_found"
    status = 404
    contract_code = ContractCode.METHOD_NOT_FOUND

    def __init__(self, method_name: str) -> None:
        super().__init__(self.contract_code, f"method {method_name!r} not found")
        self.method_name = method_name


class ContractDefinitionError(ContractError):
    """Deployed source does not define exactly one valid `@contract` class, or imports a forbidden module."""

    code = "contract_definition"
    contract_code = ContractCode.BAD_CONTRACT

    def __init__(self, message: str) -> None:
        super().__init__(self.contract_code, message)


class TransactionFailed(ContractError):
    """A transaction executed and failed; `error_code` is the contract's panic code (`E_NOT_OWNER`)
    when it panicked, else NEAR's failure variant. `kind` is NEAR's `ActionError.kind`."""

    code = "transaction_failed"
    contract_code = ContractCode.TRANSACTION_FAILED

    def __init__(self, error_code: str, message: str = "", *, kind: object = None,
                 outcome: dict[str, object] | None = None, logs: tuple[str, ...] = ()) -> None:
        super().__init__(error_code, message)
        self.kind, self.outcome, self.logs = kind, outcome or {}, list(logs)


class ViewFailed(ContractError):
    """A view call failed on the contract (panic, missing method); `error_code` is the panic's code."""

    code = "view_failed"
    contract_code = ContractCode.VIEW_FAILED


class BadAccessList(ContractError):
    """An access list breaks the Key Registry's rules (hot.wire.access): the Registry refuses it.

    A ContractError with its code fixed, so the SDK's client-side check and the contract's own
    refusal read the same (`reverts("E_BAD_ACCESS_LIST")` matches either).
    """

    code = "bad_access_list"
    contract_code = ContractCode.BAD_ACCESS_LIST

    def __init__(self, message: str = "") -> None:
        super().__init__(self.contract_code, message)


class CodedPanic(ContractPanic):
    """A refusal whose class fixes its E_ code (the ready-made policies': hot.sdk.policies)."""

    def __init__(self, message: str) -> None:
        super().__init__(self.contract_code, message)


class HostCryptoTypeError(HotError, TypeError):
    """A host crypto function got a value that is not bytes (a contract bug, not bad input)."""

    code = "host_crypto_type"
