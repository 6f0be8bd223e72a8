"""The execution context of one contract call, and `env`, the contract's window onto it.

The chain builds an `ExecutionContext` per call and activates it; contract code reads it through
the module-level `env` proxy (NEAR's `env::predecessor_account_id()` and friends). Keeping the
context in a ContextVar means a nested synchronous view call gets its own context and the outer
one comes back afterwards, and threads never see each other's calls.
"""

from __future__ import annotations

import contextvars
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from hot.wire.errors import ContractCode as E, ContractPanic, ProhibitedInView, split_code
from hot.wire.encoding import canonical_json


class StorageBackend(Protocol):
    """Key-value storage of the current contract account (the chain supplies it)."""

    def read(self, key: bytes) -> bytes | None: ...

    def write(self, key: bytes, value: bytes) -> None: ...

    def remove(self, key: bytes) -> None: ...

    def keys(self, prefix: bytes) -> list[bytes]: ...


class ChainHost(Protocol):
    """What the chain offers a running contract beyond its own storage."""

    def view_call(self, account_id: str, method_name: str, args: bytes) -> bytes: ...

    def account_balance(self, account_id: str) -> int: ...


@dataclasses.dataclass(frozen=True)
class BlockInfo:
    """The block a call executes in: its height, timestamp (ns), epoch and per-block random seed."""

    height: int
    timestamp_ns: int
    epoch_height: int
    random_seed: bytes


@dataclasses.dataclass
class PromiseCall:
    """A function call on another contract that runs after this call succeeds (a NEAR receipt)."""

    receiver_id: str
    method_name: str
    args: bytes
    deposit: int = 0
    gas: int = 30 * 10**12
    callback: PromiseCall | None = None

    def then(self, method_name: str, args: dict[str, Any] | None = None, *, gas: int = 10 * 10**12) -> PromiseCall:
        """Run `method_name` on the calling contract afterwards; it reads the outcome from
        `env.promise_results` (a list of `(succeeded, json_value)`)."""
        require(self.callback is None, E.PROMISE, "a promise has one callback")
        self.callback = PromiseCall(env.current_account_id, method_name, canonical_json(args or {}), 0, gas)
        return self


@dataclasses.dataclass
class ExecutionContext:
    """Everything one call can observe or produce; the chain reads `logs` and `promises` afterwards."""

    current_account_id: str
    predecessor_account_id: str
    signer_account_id: str
    signer_account_pk: str
    attached_deposit: int
    prepaid_gas: int
    account_balance: int
    block: BlockInfo
    storage: StorageBackend
    host: ChainHost
    read_only: bool
    method_name: str = ""
    promise_results: list[tuple[bool, Any]] = dataclasses.field(default_factory=list)
    logs: list[str] = dataclasses.field(default_factory=list)
    promises: list[PromiseCall] = dataclasses.field(default_factory=list)
    returned_promise: PromiseCall | None = None  # a @call that returns a promise: its result is the call's
    gas_used: int = 0

    def ensure_writable(self, operation: str) -> None:
        """Views are read-only by construction: every mutating host call passes through here."""
        if self.read_only:
            raise ProhibitedInView(operation)


_current: contextvars.ContextVar[ExecutionContext] = contextvars.ContextVar("hot_contract_context")


@contextmanager
def activate(context: ExecutionContext) -> Iterator[ExecutionContext]:
    """Make `context` the one `env` reads, for the duration of a call (the chain uses this)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_context() -> ExecutionContext:
    try:
        return _current.get()
    except LookupError:
        raise ContractPanic(E.NO_CONTEXT, "contract code ran outside a chain call (use hot.sdk.testing)") from None


class Env:
    """Read-only facts about the current call, block and account (NEAR's `env::*`)."""

    @property
    def current_account_id(self) -> str:
        return current_context().current_account_id

    @property
    def predecessor(self) -> str:
        """The account that called this method directly (a contract, for cross-contract calls)."""
        return current_context().predecessor_account_id

    @property
    def signer(self) -> str:
        """The account that signed the original transaction."""
        return current_context().signer_account_id

    @property
    def signer_public_key(self) -> str:
        return current_context().signer_account_pk

    @property
    def attached_deposit(self) -> int:
        return current_context().attached_deposit

    @property
    def prepaid_gas(self) -> int:
        return current_context().prepaid_gas

    @property
    def account_balance(self) -> int:
        """This contract's balance in yoctoNEAR, including the attached deposit."""
        return current_context().account_balance

    @property
    def block_height(self) -> int:
        return current_context().block.height

    @property
    def block_timestamp(self) -> int:
        """Block time in nanoseconds: the only clock a contract has (determinism)."""
        return current_context().block.timestamp_ns

    @property
    def epoch_height(self) -> int:
        return current_context().block.epoch_height

    @property
    def random_seed(self) -> bytes:
        """32 bytes fixed per block: every call in a block sees the same seed (not secret)."""
        return current_context().block.random_seed

    @property
    def is_view(self) -> bool:
        return current_context().read_only

    @property
    def promise_results(self) -> list[tuple[bool, Any]]:
        """In a promise callback: `(succeeded, json_value)` of each awaited call."""
        return list(current_context().promise_results)

    def balance_of(self, account_id: str) -> int:
        """Another account's balance (yoctoNEAR) as of the current state."""
        return current_context().host.account_balance(account_id)

    def log(self, message: str) -> None:
        """Append a plain log line to the call's outcome."""
        current_context().logs.append(str(message))

    def view(self, account_id: str, method_name: str, args: dict[str, Any] | None = None) -> Any:
        """Synchronously call another contract's `@view` and return its JSON result.

        Allowed in views and calls alike: a `hot_verify` may consult another contract. The callee
        runs read-only against the current state.
        """
        raw = current_context().host.view_call(account_id, method_name, canonical_json(args or {}))
        return json.loads(raw) if raw else None

    def promise(self, account_id: str, method_name: str, args: dict[str, Any] | None = None,
                *, deposit: int = 0, gas: int = 30 * 10**12) -> PromiseCall:
        """Schedule a state-changing call on another contract, run after this call commits.

        Like NEAR, the callee runs in its own receipt: if it fails, this call's changes stay.
        """
        ctx = current_context()
        ctx.ensure_writable("promise_create")
        require(deposit >= 0, E.BAD_DEPOSIT, "a promise deposit cannot be negative")
        call = PromiseCall(account_id, method_name, canonical_json(args or {}), deposit, gas)
        ctx.promises.append(call)
        return call

    def transfer(self, account_id: str, amount: int) -> PromiseCall:
        """Send yoctoNEAR from this contract to `account_id` (a Transfer receipt)."""
        return self.promise(account_id, "", None, deposit=amount, gas=0)

    def __getattr__(self, name: str) -> Any:
        # Host cryptography (ed25519_verify, secp256k1/BIP340/P-256 verify, sha256, keccak256)
        # comes from hot.sdk.hostcrypto: C-backed, so it is cheap in metered contract code.
        from hot.sdk import hostcrypto

        try:
            return getattr(hostcrypto, name)
        except AttributeError:
            raise AttributeError(f"env has no attribute {name!r}") from None


env = Env()


def require(condition: object, code_or_message: str, message: str | None = None) -> None:
    """Fail the call with a coded error unless `condition` holds.

    `require(ok, ContractCode.NOT_OWNER, "why")` (the codes defined in hot.wire.errors) or, in
    user code, `require(ok, "E_CODE: why")`: both panic with the text `E_CODE: why`. Nothing the
    call wrote is kept; the code reaches the caller intact in NEAR's panic message.
    """
    if not condition:
        code, text = split_code(code_or_message) if message is None else (code_or_message, message)
        raise ContractPanic(code, text)


def emit_event(standard: str, version: str, event: str, data: Any) -> None:
    """Log a NEP-297 event: `EVENT_JSON:{"standard", "version", "event", "data"}`."""
    payload = {"standard": standard, "version": version, "event": event, "data": data}
    env.log("EVENT_JSON:" + canonical_json(payload).decode())
