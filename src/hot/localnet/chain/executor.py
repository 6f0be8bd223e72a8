"""Run one contract method against an overlay: the bridge between the chain and hot.sdk.contract.

Every failure of contract code becomes a `CallFailed` with NEAR's `FunctionCallError` JSON and the
`vm_error` text views report; the caller drops the overlay, so a failed or read-only call leaves
no trace in state.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from contextlib import nullcontext
from typing import Any

from hot.localnet.chain.loader import ContractCache
from hot.localnet.chain.metering import GasMeter, OutOfGas
from hot.localnet.chain.state import Overlay, account_key, code_key, data_prefix
from hot.near.outcomes import PANIC_PREFIX, VIEW_PANIC_MARKER
from hot.sdk.contract.context import BlockInfo, ExecutionContext, PromiseCall, activate
from hot.sdk.contract.decorators import dispatch
from hot.wire.errors import ContractCode as E, ContractDefinitionError, ContractPanic, MethodNotFound

MAX_VALUE_BYTES = 4 * 1024 * 1024
MAX_WRITTEN_BYTES_PER_CALL = 8 * 1024 * 1024
MAX_CALL_DEPTH = 8
STORAGE_ENTRY_OVERHEAD = 40  # bytes charged per stored entry, as NEAR's storage accounting does


@dataclasses.dataclass
class CallResult:
    value: bytes
    logs: list[str]
    promises: list[PromiseCall]
    gas_used: int
    storage_delta: int
    returned_promise: PromiseCall | None = None


class CallFailed(Exception):
    """Contract code failed; `kind` is NEAR's FunctionCallError variant, `vm_error` the view text."""

    def __init__(self, kind: dict[str, Any], vm_error: str, logs: list[str], gas_used: int = 0) -> None:
        super().__init__(vm_error)
        self.kind, self.vm_error, self.logs, self.gas_used = kind, vm_error, logs, gas_used


def panic_failure(message: str, logs: list[str], gas_used: int = 0) -> CallFailed:
    # nearcore's two texts for one panic; hot.near.outcomes reads the E_ code back out of each.
    return CallFailed({"FunctionCallError": {"ExecutionError": f"{PANIC_PREFIX}{message}"}},
                      f"wasm execution failed with error: HostError(GuestPanic {{ {VIEW_PANIC_MARKER}{json.dumps(message)[1:]} }})",
                      logs, gas_used)


class AccountStorage:
    """The contract's view of its own key-value storage, with size limits and usage accounting."""

    def __init__(self, overlay: Overlay, account_id: str) -> None:
        self._overlay, self._prefix = overlay, data_prefix(account_id)
        self.usage_delta = 0
        self.bytes_written = 0

    def read(self, key: bytes) -> bytes | None:
        return self._overlay.get(self._prefix + key)

    def write(self, key: bytes, value: bytes) -> None:
        if len(value) > MAX_VALUE_BYTES:
            raise ContractPanic(E.VALUE_TOO_LARGE, f"value of {len(value)} bytes exceeds {MAX_VALUE_BYTES}")
        self.bytes_written += len(key) + len(value)
        if self.bytes_written > MAX_WRITTEN_BYTES_PER_CALL:
            raise ContractPanic(E.STORAGE_LIMIT, f"a call may write at most {MAX_WRITTEN_BYTES_PER_CALL} bytes")
        old = self.read(key)
        self.usage_delta += len(value) - (len(old) if old is not None else -len(key) - STORAGE_ENTRY_OVERHEAD)
        self._overlay.put(self._prefix + key, value)

    def remove(self, key: bytes) -> None:
        old = self.read(key)
        if old is not None:
            self.usage_delta -= len(key) + len(old) + STORAGE_ENTRY_OVERHEAD
            self._overlay.delete(self._prefix + key)

    def keys(self, prefix: bytes) -> list[bytes]:
        cut = len(self._prefix)
        return [k[cut:] for k in self._overlay.keys_with_prefix(self._prefix + prefix)]


_local = threading.local()


class ContractExecutor:
    """Loads code (cached by hash) and runs methods under a gas meter, one context per call."""

    def __init__(self, cache: ContractCache | None = None) -> None:
        self.cache = cache or ContractCache()

    def contract_class(self, overlay: Overlay, account_id: str) -> type | None:
        code = overlay.get(code_key(account_id))
        if code is None:
            return None
        return self.cache.get(code, account_id)

    def _load(self, overlay: Overlay, account_id: str) -> type:
        try:
            cls = self.contract_class(overlay, account_id)
        except ContractDefinitionError as exc:
            raise CallFailed({"FunctionCallError": {"CompilationError": {"PrepareError": str(exc)}}},
                             f"wasm execution failed with error: CompilationError({exc})", []) from exc
        if cls is None:
            raise CallFailed({"FunctionCallError": {"CompilationError": {"CodeDoesNotExist": {"account_id": account_id}}}},
                             f"wasm execution failed with error: CompilationError(CodeDoesNotExist {{ account_id: {account_id!r} }})", [])
        return cls

    def run(self, overlay: Overlay, *, account_id: str, method: str, args: bytes, predecessor: str, signer: str,
            signer_pk: str, deposit: int, gas: int, block: BlockInfo, read_only: bool,
            promise_results: list[tuple[bool, Any]] | None = None) -> CallResult:
        """Run `method` with JSON `args`; CallFailed on any failure (the caller drops the overlay)."""
        depth = getattr(_local, "depth", 0)
        if depth >= MAX_CALL_DEPTH:
            raise panic_failure(f"{E.CALL_DEPTH}: cross-contract view depth above {MAX_CALL_DEPTH}", [])
        cls = self._load(overlay, account_id)
        storage = AccountStorage(overlay, account_id)
        record = overlay.get_json(account_key(account_id)) or {"amount": "0"}
        ctx = ExecutionContext(
            current_account_id=account_id, predecessor_account_id=predecessor, signer_account_id=signer,
            signer_account_pk=signer_pk, attached_deposit=deposit, prepaid_gas=gas,
            account_balance=int(record["amount"]), block=block, storage=storage,
            host=_Host(self, overlay, account_id, signer, signer_pk, block), read_only=read_only,
            method_name=method, promise_results=list(promise_results or []))
        # Nested view calls share the outermost call's meter: the callee's lines count against it.
        meter: GasMeter | None = getattr(_local, "meter", None)
        own_meter = meter is None
        if meter is None:
            meter = _local.meter = GasMeter(gas)
        _local.depth = depth + 1
        start_gas = meter.gas_used
        try:
            with activate(ctx), (meter if own_meter else nullcontext()):
                value = dispatch(cls, method, args)
        except BaseException as exc:
            failure = _call_failure(exc, ctx.logs, meter.gas_used - start_gas, gas)
            if failure is exc:
                raise
            raise failure from exc
        finally:
            _local.depth = depth
            if own_meter:
                _local.meter = None
        return CallResult(value, ctx.logs, ctx.promises, meter.gas_used - start_gas, storage.usage_delta,
                          ctx.returned_promise)


def _call_failure(exc: BaseException, logs: list[str], gas_used: int, gas_limit: int) -> BaseException:
    """NEAR's FunctionCallError for whatever contract code raised (other BaseExceptions pass through)."""
    if isinstance(exc, CallFailed):
        return exc
    if isinstance(exc, MethodNotFound):
        return CallFailed({"FunctionCallError": {"MethodResolveError": "MethodNotFound"}},
                          "wasm execution failed with error: MethodResolveError(MethodNotFound)", logs)
    if isinstance(exc, ContractPanic):
        return panic_failure(exc.panic_message, logs, gas_used)
    if isinstance(exc, OutOfGas):
        return CallFailed({"FunctionCallError": {"ExecutionError": "Exceeded the prepaid gas."}},
                          "wasm execution failed with error: FunctionCallError(HostError(GasExceeded))", logs, gas_limit)
    if isinstance(exc, RecursionError):
        return panic_failure(f"{E.RECURSION}: maximum recursion depth exceeded", logs, gas_used)
    if isinstance(exc, Exception):  # a bug in contract code is that contract's panic, never the chain's crash
        return panic_failure(f"{E.PANIC}: {type(exc).__name__}: {exc}", logs, gas_used)
    return exc  # KeyboardInterrupt, SystemExit: not the contract's business


class _Host:
    """What a running contract may ask of the chain: synchronous views and balances."""

    def __init__(self, executor: ContractExecutor, overlay: Overlay, caller: str, signer: str, signer_pk: str,
                 block: BlockInfo) -> None:
        self._executor, self._overlay, self._caller = executor, overlay, caller
        self._signer, self._signer_pk, self._block = signer, signer_pk, block

    def view_call(self, account_id: str, method_name: str, args: bytes) -> bytes:
        # The callee reads the caller's in-flight state, read-only, through a throwaway overlay.
        scratch = Overlay(self._overlay)
        try:
            result = self._executor.run(scratch, account_id=account_id, method=method_name, args=args,
                                        predecessor=self._caller, signer=self._signer, signer_pk=self._signer_pk,
                                        deposit=0, gas=0, block=self._block, read_only=True)
        except CallFailed as exc:
            raise ContractPanic(E.VIEW_CALL_FAILED, f"{account_id}.{method_name}: {exc.vm_error}") from exc
        return result.value

    def account_balance(self, account_id: str) -> int:
        record = self._overlay.get_json(account_key(account_id))
        if record is None:
            raise ContractPanic(E.UNKNOWN_ACCOUNT, f"account {account_id} does not exist")
        return int(record["amount"])
