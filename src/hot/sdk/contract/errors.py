"""Errors a contract raises or meets; the chain turns each into NEAR's error shape.

A coded failure keeps its code end to end: `require(ok, "E_NOT_OWNER: only the owner")` becomes
`ContractPanic("E_NOT_OWNER", ...)`, which the chain reports as NEAR's
`FunctionCallError.ExecutionError "Smart contract panicked: E_NOT_OWNER: only the owner"`.
"""

from __future__ import annotations

from hot.wire.errors import ContractError, split_code

__all__ = ["ContractDefinitionError", "ContractPanic", "MethodNotFound", "ProhibitedInView", "split_code"]


class ContractPanic(ContractError):
    """A contract refused the call; `error_code` is the stable code (e.g. `E_NOT_OWNER`)."""

    code = "contract_panic"

    @property
    def panic_message(self) -> str:
        """The text NEAR shows after "Smart contract panicked: "."""
        return str(self)


class ProhibitedInView(ContractPanic):
    """A `@view` tried to write storage, emit a promise or move tokens; nothing was changed."""

    def __init__(self, operation: str) -> None:
        super().__init__("E_PROHIBITED_IN_VIEW", f"{operation} is not allowed in a view call")
        self.operation = operation


class MethodNotFound(ContractError):
    """The contract has no public method of that name (NEAR: MethodResolveError::MethodNotFound)."""

    code = "method_not_found"

    def __init__(self, method_name: str) -> None:
        super().__init__("E_METHOD_NOT_FOUND", f"method {method_name!r} not found")
        self.method_name = method_name


class ContractDefinitionError(ContractError):
    """Deployed source does not define exactly one valid `@contract` class, or imports a forbidden module."""

    code = "contract_definition"

    def __init__(self, message: str) -> None:
        super().__init__("E_BAD_CONTRACT", message)
