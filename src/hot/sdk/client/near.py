"""NEAR transactions and views for the client, through py-near (`Account`) over JSON-RPC.

py-near is async and binds its HTTP session to an event loop, so each synchronous call opens an
`Account` in a fresh loop (`asyncio.run`, on a worker thread if this one already runs a loop)
and closes it again: the client stays a plain blocking
object usable from CLI commands and FastAPI's worker threads alike. A contract's panic comes back
as `ContractError(error_code)` with NEAR's code (`E_NOT_OWNER`, ...) intact.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from hot.sdk.contract.errors import split_code
from py_near.account import Account, ViewFunctionError
from py_near.exceptions.provider import (
    AccountError,
    InternalError,
    JsonProviderError,
    TransactionError,
)

from hot.wire.errors import ContractError, HotError

PANIC_PREFIX = "Smart contract panicked: "
DEFAULT_GAS = 300 * 10**12
T = TypeVar("T")


class NearRpcError(HotError):
    """The NEAR RPC could not be reached or answered something unexpected."""

    code = "near_rpc_error"


def failure_error(failure: Any) -> ContractError:
    """The ContractError inside a transaction's `Failure` status (the panic's E_ code when there is one)."""
    kind = failure.get("ActionError", {}).get("kind", failure) if isinstance(failure, dict) else failure
    inner = kind.get("FunctionCallError") if isinstance(kind, dict) else None
    text = inner.get("ExecutionError") if isinstance(inner, dict) else None
    if isinstance(text, str) and text.startswith(PANIC_PREFIX):
        code, message = split_code(text[len(PANIC_PREFIX):])
        return ContractError(code, message)
    return ContractError("E_TRANSACTION_FAILED", json.dumps(kind)[:500])


def view_error(error: Any) -> ContractError:
    """A failed view's error text as a ContractError (the panic's code when there is one)."""
    text = str(error)
    marker = PANIC_PREFIX if PANIC_PREFIX in text else 'panic_msg: "'
    if marker in text:
        code, message = split_code(text.split(marker, 1)[1].rstrip('"}) '))
        return ContractError(code, message)
    return ContractError("E_VIEW_FAILED", text[:500])


def _run_blocking(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous code, even when this thread runs an event loop
    (Jupyter, playwright's sync API): then it runs in a fresh loop on a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(scenario())
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(lambda: asyncio.run(scenario())).result()


class NearSession:
    """One NEAR account (id + `ed25519:` secret key) on one RPC endpoint; blocking calls."""

    def __init__(self, rpc_url: str, account_id: str | None = None, private_key: str | None = None) -> None:
        self.rpc_url, self.account_id, self._private_key = rpc_url, account_id, private_key
        # One transaction at a time per account: py-near reads the access key's nonce per call, so
        # two threads sending at once (a web server's workers) would pick the same nonce.
        self._sending = threading.Lock()

    def _run(self, action: Callable[[Account], Awaitable[T]], *, signing: bool) -> T:
        if signing and (self.account_id is None or self._private_key is None):
            raise NearRpcError("this client has no NEAR account: pass near_account_id and near_private_key")

        async def scenario() -> T:
            account = Account(self.account_id, self._private_key, rpc_addr=self.rpc_url)
            try:
                if signing:
                    await account.startup()
                return await action(account)
            finally:
                await account.shutdown()

        try:
            return _run_blocking(scenario)
        except HotError:
            raise
        except ViewFunctionError as exc:
            raise view_error(exc) from exc
        except InternalError as exc:
            raise NearRpcError(f"{self.rpc_url}: internal error: {exc}") from exc
        except (AccountError, TransactionError) as exc:  # unknown account, no code, refused transaction
            raise ContractError(f"E_{type(exc).__name__.upper()}", str(exc)[:500]) from exc
        except JsonProviderError as exc:
            raise NearRpcError(f"{self.rpc_url}: {type(exc).__name__}: {exc}") from exc
        except (OSError, TimeoutError) as exc:
            raise NearRpcError(f"{self.rpc_url}: {exc}") from exc

    def call(self, contract_id: str, method: str, args: dict[str, Any], *, gas: int = DEFAULT_GAS,
             deposit: int = 0) -> Any:
        """Send a FunctionCall transaction and wait for it; the decoded JSON return value."""
        async def send(account: Account) -> Any:
            result = await account.function_call(contract_id, method, args, gas, deposit)
            if "Failure" in result.status:
                raise failure_error(result.status["Failure"])
            raw = base64.b64decode(result.status.get("SuccessValue", ""))
            return json.loads(raw) if raw else None

        with self._sending:
            return self._run(send, signing=True)

    def view(self, contract_id: str, method: str, args: dict[str, Any]) -> Any:
        """A read-only call; its JSON result."""
        async def read(account: Account) -> Any:
            return (await account.view_function(contract_id, method, args)).result

        return self._run(read, signing=False)


__all__ = ["NearRpcError", "NearSession", "failure_error", "view_error"]
