"""`BlockingNearRpc`: `NearRpc` for synchronous callers (the `hot contract` CLI, `HotClient`, tools, tests).

The async client runs on its own event loop in its own thread, so a blocking call works the same
from a plain script, a FastAPI worker thread or a thread that already runs a loop (Jupyter,
playwright's sync API), and the nonce counter and connection pool live as long as the object.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

from hot.near.actions import AccessKey, Action
from hot.near.client import DEFAULT_GAS, DEFAULT_WAIT_UNTIL, NearRpc
from hot.near.keys import PublicKey
from hot.near.queries import FINAL, BlockRef
from hot.near.signer import KeyPair
from hot.near.transaction import SignedTransaction

T = TypeVar("T")


class BlockingNearRpc:
    """The same methods as `NearRpc`, blocking; `close()` (or `with`) stops its loop thread."""

    def __init__(self, urls: str | Sequence[str], **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="near-rpc", daemon=True)
        self._thread.start()
        self.rpc: NearRpc = self._run(self._open(urls, options))

    @staticmethod
    async def _open(urls: str | Sequence[str], options: dict[str, Any]) -> NearRpc:
        return NearRpc(urls, **options)  # made on its loop: its connection pool belongs there

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if not self._thread.is_alive():
            coroutine.close()
            raise RuntimeError("this BlockingNearRpc is closed")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    @property
    def url(self) -> str:
        return self.rpc.url

    def call(self, method: str, params: Any) -> Any:
        return self._run(self.rpc.call(method, params))

    def status(self) -> dict[str, Any]:
        return self._run(self.rpc.status())

    def block(self, at: BlockRef = FINAL) -> dict[str, Any]:
        return self._run(self.rpc.block(at))

    def view(self, account_id: str, method: str, args: dict[str, Any] | None = None, *, at: BlockRef = FINAL) -> Any:
        return self._run(self.rpc.view(account_id, method, args, at=at))

    def view_account(self, account_id: str, at: BlockRef = FINAL) -> dict[str, Any]:
        return self._run(self.rpc.view_account(account_id, at))

    def view_access_key(self, account_id: str, public_key: PublicKey | str, at: BlockRef = FINAL) -> AccessKey | None:
        return self._run(self.rpc.view_access_key(account_id, public_key, at))

    def send_tx(self, signed: SignedTransaction, *, wait_until: str = DEFAULT_WAIT_UNTIL) -> dict[str, Any]:
        return self._run(self.rpc.send_tx(signed, wait_until=wait_until))

    def tx_status(self, tx_hash: str, sender_id: str, *, wait_until: str = DEFAULT_WAIT_UNTIL) -> dict[str, Any]:
        return self._run(self.rpc.tx_status(tx_hash, sender_id, wait_until=wait_until))

    def sign_and_send(self, signer_id: str, key: KeyPair, receiver_id: str, actions: Sequence[Action], *,
                      wait_until: str = DEFAULT_WAIT_UNTIL) -> dict[str, Any]:
        return self._run(self.rpc.sign_and_send(signer_id, key, receiver_id, actions, wait_until=wait_until))

    def function_call(self, signer_id: str, key: KeyPair, contract_id: str, method: str,
                      args: dict[str, Any] | None = None, *, gas: int = DEFAULT_GAS, deposit: int = 0,
                      wait_until: str = DEFAULT_WAIT_UNTIL) -> Any:
        return self._run(self.rpc.function_call(signer_id, key, contract_id, method, args, gas=gas, deposit=deposit,
                                                wait_until=wait_until))

    def close(self) -> None:
        """Close the connections and stop the loop thread; safe to call twice."""
        if not self._thread.is_alive():
            return
        try:
            self._run(self.rpc.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
