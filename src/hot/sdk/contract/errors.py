"""The contract SDK's error names, kept at this path for contracts that import them from here.

The classes and `split_code` are defined once in `hot.wire.errors` (issue 16); prefer
`from hot.sdk.contract import ContractPanic, ContractCode` in new code.
"""

from __future__ import annotations

from hot.wire.errors import (
    ContractCode,
    ContractDefinitionError,
    ContractPanic,
    MethodNotFound,
    ProhibitedInView,
    split_code,
)

__all__ = ["ContractCode", "ContractDefinitionError", "ContractPanic", "MethodNotFound", "ProhibitedInView", "split_code"]
