"""How a Python model of a Soroban contract plugs into the local Soroban RPC.

No embeddable Soroban runtime ships with the packages here, so a contract is a Python class
with the same interface a Soroban contract has on the wire: a function name and `SCVal`
arguments in, one `SCVal` out, persistent storage keyed by `SCVal`. `require_auth(address)` is
satisfied by the transaction's source account (source-account authorization, as in Soroban).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from stellar_sdk import xdr


class ContractTrap(Exception):
    """The contract aborted (Soroban: `panic_with_error!` / failed `require_auth`)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Error(Contract, #{code}): {message}")
        self.code = code


@dataclass
class ContractStorage:
    """Persistent storage of one contract; writes go to an overlay until the ledger commits them."""

    committed: dict[bytes, xdr.SCVal]
    pending: dict[bytes, xdr.SCVal] = field(default_factory=dict)

    def get(self, key: xdr.SCVal) -> xdr.SCVal | None:
        raw = key.to_xdr_bytes()
        return self.pending.get(raw, self.committed.get(raw))

    def set(self, key: xdr.SCVal, value: xdr.SCVal) -> None:
        self.pending[key.to_xdr_bytes()] = value

    def commit(self) -> None:
        self.committed.update(self.pending)
        self.pending.clear()


@dataclass
class Invocation:
    """One contract call as the model sees it."""

    function: str
    args: list[xdr.SCVal]
    source_account: str
    storage: ContractStorage
    ledger_sequence: int

    def require_auth(self, address: str) -> None:
        if address != self.source_account:
            raise ContractTrap(2, f"require_auth failed for {address}")


class SorobanContractModel(Protocol):
    """A contract: `invoke` runs one function and returns its SCVal result or raises ContractTrap."""

    def invoke(self, call: Invocation) -> xdr.SCVal: ...
