"""hot.sdk.contract: write NEAR-style smart contracts as typed Python classes.

    from hot.sdk.contract import contract, init, view, call, env, require, Value, Map, Set, Vector, emit_event
    from hot.sdk.contract import ContractCode as E   # require(ok, E.NOT_OWNER, "why")

See docs/contract-guide.md for a complete example, the storage layout and the deploy format.
"""

from hot.sdk.contract.codec import codec_for
from hot.sdk.contract.context import (
    BlockInfo,
    ExecutionContext,
    PromiseCall,
    activate,
    emit_event,
    env,
    require,
)
from hot.sdk.contract.decorators import (
    ContractSpec,
    MethodKind,
    call,
    contract,
    dispatch,
    init,
    spec_of,
    view,
)
from hot.wire.errors import ContractCode, ContractDefinitionError, ContractPanic, MethodNotFound, ProhibitedInView
from hot.sdk.contract.storage import Map, Set, Value, Vector
from hot.wire.encoding import canonical_json

__all__ = [
    "BlockInfo",
    "ContractCode",
    "ContractDefinitionError",
    "ContractPanic",
    "ContractSpec",
    "ExecutionContext",
    "Map",
    "MethodKind",
    "MethodNotFound",
    "ProhibitedInView",
    "PromiseCall",
    "Set",
    "Value",
    "Vector",
    "activate",
    "call",
    "canonical_json",
    "codec_for",
    "contract",
    "dispatch",
    "emit_event",
    "env",
    "init",
    "require",
    "spec_of",
    "view",
]
