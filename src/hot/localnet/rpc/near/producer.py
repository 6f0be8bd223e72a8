"""The block producer: one thread turns queued transactions into blocks, a batch per block.

RPC handlers enqueue a decoded transaction and await its future; the thread drains everything
waiting (up to `MAX_BATCH`), executes it as one block and resolves the futures. Batching is what
lets many concurrent clients reach hundreds of committed transactions per second with one SQLite
commit per block. With `block_interval_s`, empty blocks are produced on a timer as well.
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
import time
from typing import Any

from hot.localnet.chain.chain import Chain, TxResult
from hot.near.transaction import SignedTransaction

MAX_BATCH = 256


class BlockProducer:
    def __init__(self, chain: Chain, block_interval_s: float | None = None) -> None:
        self.chain = chain
        self.block_interval_s = block_interval_s
        self._queue: queue.Queue[tuple[SignedTransaction, concurrent.futures.Future[TxResult]] | None] = queue.Queue()
        self._pending: dict[str, concurrent.futures.Future[TxResult]] = {}
        self._pending_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="block-producer", daemon=True)
        self._stopped = threading.Event()

    def start(self) -> BlockProducer:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        self._queue.put(None)
        self._thread.join(timeout)

    def submit(self, stx: SignedTransaction) -> concurrent.futures.Future[TxResult]:
        """Queue a transaction for the next block; the future resolves with its result."""
        future: concurrent.futures.Future[TxResult] = concurrent.futures.Future()
        with self._pending_lock:
            existing = self._pending.get(stx.hash_b58)
            if existing is not None:
                return existing
            self._pending[stx.hash_b58] = future
        self._queue.put((stx, future))
        return future

    def pending(self, tx_hash: str) -> concurrent.futures.Future[TxResult] | None:
        with self._pending_lock:
            return self._pending.get(tx_hash)

    def _next_batch(self) -> list[tuple[SignedTransaction, Any]] | None:
        timeout = self.block_interval_s
        try:
            first = self._queue.get(timeout=timeout)
        except queue.Empty:
            return []
        if first is None:
            return None
        batch = [first]
        while len(batch) < MAX_BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._stopped.set()
                break
            batch.append(item)
        return batch

    def _run(self) -> None:
        while not self._stopped.is_set():
            batch = self._next_batch()
            if batch is None:
                break
            if not batch and self.block_interval_s is None:
                continue
            try:
                results = self.chain.produce_block([stx for stx, _ in batch])
            except BaseException as exc:  # noqa: BLE001 -- a chain bug must reach the waiting callers, not kill the thread silently
                results = [exc] * len(batch)  # type: ignore[list-item]
            for (stx, future), result in zip(batch, results):
                with self._pending_lock:
                    self._pending.pop(stx.hash_b58, None)
                if future.done():  # cancelled by a caller that stopped waiting; the block stands
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
        self._fail_remaining()

    def _fail_remaining(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None and not item[1].done():
                item[1].set_exception(RuntimeError("the chain stopped before this transaction was executed"))


def wait_deadline(seconds: float) -> float:
    return time.monotonic() + seconds
