"""`Chain`: accounts, blocks, epochs and transactions over durable state, driven in-process or by RPC.

    chain = Chain.open(data_dir)          # SQLite in data_dir/chain.sqlite3; reopens existing state
    chain = Chain.in_memory()             # no disk: fast unit tests, with snapshot()/revert()
    results = chain.produce_block([signed_tx_bytes, ...])  # one block per batch
    chain.call_function("app.test.near", "hot_verify", b'{"...": ...}')

Determinism: contracts see only the block (height, timestamp, epoch, seed) and state, so the same
transactions on the same state give the same results. One lock serialises block production and
queries, so a query never sees half a block.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hot.localnet.chain import accounts, blocks
from hot.near.actions import AccessKey
from hot.localnet.chain.executor import CallFailed
from hot.localnet.chain.queries import StateQueries
from hot.localnet.chain.runtime import Runtime
from hot.near.signer import KeyPair
from hot.localnet.chain.state import CommittedState, Overlay
from hot.near.transaction import SignedTransaction, decode_signed_transaction
from hot.localnet.chain.validation import GAS_PRICE, MAX_TX_BYTES, put_access_key

from hot.wire.errors import (
    ContractExecutionError,
    EncodingError,
    InvalidTransaction,
    QueryError,
    UnknownBlock,
    UnknownTransaction,
)

DB_FILE = "chain.sqlite3"
VIEW_GAS = 300 * 10**12
NEAR = 10**24


@dataclasses.dataclass(frozen=True)
class ChainConfig:
    chain_id: str = "localnet"
    root_account: str = "test.near"
    root_balance: int = 10**9 * NEAR
    epoch_length: int = 100
    genesis_time_ns: int = 1_700_000_000 * 10**9


TxResult = dict[str, Any] | InvalidTransaction | EncodingError


class Chain(StateQueries):
    """A single-shard NEAR-compatible chain that runs Python contracts."""

    def __init__(self, committed: CommittedState, config: ChainConfig, root_key: KeyPair,
                 clock: Callable[[], int] | None = None) -> None:
        self.committed, self.config, self.root_key = committed, config, root_key
        self.runtime = Runtime(root_account=config.root_account)
        self.lock = threading.RLock()
        self._clock = clock
        self.blocks: list[dict[str, Any]] = committed.load_blocks()
        self.block_by_hash = {b["header"]["hash"]: b for b in self.blocks}
        self.txs: dict[str, dict[str, Any]] = committed.load_txs()
        if not self.blocks:
            self._genesis()

    @classmethod
    def open(cls, data_dir: Path, config: ChainConfig | None = None, root_key: KeyPair | None = None) -> Chain:
        """Open (or create) a durable chain in `data_dir`; an existing chain keeps its own config."""
        data_dir.mkdir(parents=True, exist_ok=True)
        committed = CommittedState(data_dir / DB_FILE)
        meta = committed.load_meta()
        if "config" in meta:
            config = ChainConfig(**json.loads(meta["config"]))
            root_key = KeyPair.from_secret(meta["root_secret"])
        return cls(committed, config or ChainConfig(), root_key or KeyPair.generate())

    @classmethod
    def in_memory(cls, config: ChainConfig | None = None, root_key: KeyPair | None = None,
                  deterministic_time: bool = True) -> Chain:
        """A chain without disk; with deterministic time, block h has timestamp genesis + h seconds."""
        config = config or ChainConfig()
        chain: Chain | None = None

        def clock() -> int:
            assert chain is not None
            return chain.head["header"]["timestamp"] + 10**9

        chain = cls(CommittedState(None), config, root_key or KeyPair.from_seed(b"hot-localnet-root"),
                    clock if deterministic_time else None)
        return chain

    def _genesis(self) -> None:
        state = Overlay(self.committed)
        cfg = self.config
        accounts.put_account(state, cfg.root_account, accounts.new_account(cfg.root_balance))
        put_access_key(state, cfg.root_account, self.root_key.public_key, AccessKey(0, None))
        block = blocks.make_block(None, 0, cfg.genesis_time_ns, cfg.epoch_length, [], cfg.root_account, 0, GAS_PRICE)
        meta = {"config": json.dumps(dataclasses.asdict(cfg)), "root_secret": self.root_key.secret}
        self._commit(state, block, [], meta)

    def _commit(self, state: Overlay, block: dict[str, Any], outcomes: list[tuple[str, dict[str, Any]]],
                meta: dict[str, str] | None = None) -> None:
        self.committed.commit(state.changes, block, outcomes, meta or {})
        self.blocks.append(block)
        self.block_by_hash[block["header"]["hash"]] = block
        self.txs.update(outcomes)

    @property
    def head(self) -> dict[str, Any]:
        return self.blocks[-1]

    def _next_timestamp(self) -> int:
        now = self._clock() if self._clock else time.time_ns()
        return max(now, self.head["header"]["timestamp"] + 1)  # strictly increasing block time

    def produce_block(self, raw_txs: list[bytes | SignedTransaction] | None = None,
                      timestamp_ns: int | None = None) -> list[TxResult]:
        """Execute a batch in one new block and commit it atomically; returns one result per input:
        the FinalExecutionOutcome JSON, or the InvalidTransaction/EncodingError that kept it out.
        `timestamp_ns` sets the block time (tests); it must exceed the previous block's."""
        with self.lock:
            prev = self.head
            height = prev["header"]["height"] + 1
            timestamp = self._next_timestamp() if timestamp_ns is None else timestamp_ns
            if timestamp <= prev["header"]["timestamp"]:
                raise ValueError("block time must increase")
            prev_hash = prev["header"]["hash"]
            this_hash = blocks.block_hash(prev_hash, height, timestamp)
            info = blocks.BlockInfo(height, timestamp, blocks.epoch_height_of(height, self.config.epoch_length),
                                    blocks.random_seed(prev_hash, height))
            state = Overlay(self.committed)
            results: list[TxResult] = []
            included: list[tuple[str, dict[str, Any]]] = []
            seen: set[str] = set()
            for raw in raw_txs or []:
                result = self._apply_one(state, raw, info, this_hash, seen)
                results.append(result)
                if isinstance(result, dict):
                    included.append((result["transaction"]["hash"], result))
            gas = sum(o["transaction_outcome"]["outcome"]["gas_burnt"] for _, o in included)
            block = blocks.make_block(prev, height, timestamp, self.config.epoch_length,
                                      [h for h, _ in included], self.config.root_account, gas, GAS_PRICE)
            assert block["header"]["hash"] == this_hash
            self._commit(state, block, included)
            return results

    def _apply_one(self, state: Overlay, raw: bytes | SignedTransaction, info: blocks.BlockInfo,
                   this_hash: str, seen: set[str]) -> TxResult:
        try:
            stx = raw if isinstance(raw, SignedTransaction) else self.decode_transaction(raw)
            if stx.hash_b58 in self.txs or stx.hash_b58 in seen:
                # A replayed transaction has a used nonce; NEAR reports it the same way.
                raise InvalidTransaction({"InvalidNonce": {"tx_nonce": stx.transaction.nonce,
                                                           "ak_nonce": stx.transaction.nonce}})
            known = blocks.b58(stx.transaction.block_hash) in self.block_by_hash
            outcome = self.runtime.apply_transaction(state, stx, info, this_hash, known)
            seen.add(stx.hash_b58)
            return outcome
        except (InvalidTransaction, EncodingError) as exc:
            return exc

    @staticmethod
    def decode_transaction(raw: bytes) -> SignedTransaction:
        if len(raw) > MAX_TX_BYTES:
            raise InvalidTransaction({"TransactionSizeExceeded": {"size": len(raw), "limit": MAX_TX_BYTES}})
        return decode_signed_transaction(raw)

    def submit(self, raw_tx: bytes | SignedTransaction) -> dict[str, Any]:
        """Execute one transaction in its own block; raise if it is invalid."""
        result = self.produce_block([raw_tx])[0]
        if isinstance(result, Exception):
            raise result
        return result

    # ---- blocks and transactions -------------------------------------------------------------
    def block(self, height: int | None = None, block_hash: str | None = None) -> dict[str, Any]:
        with self.lock:
            if block_hash is not None:
                found = self.block_by_hash.get(block_hash)
            elif height is not None:
                found = self.blocks[height] if 0 <= height < len(self.blocks) else None
            else:
                found = self.head
        if found is None:
            raise UnknownBlock(f"block {block_hash or height} is not known")
        return found

    def transaction(self, tx_hash: str) -> dict[str, Any]:
        outcome = self.txs.get(tx_hash)
        if outcome is None:
            raise UnknownTransaction(f"transaction {tx_hash} does not exist")
        return outcome

    def block_info(self) -> blocks.BlockInfo:
        return blocks.block_info(self.head, self.config.epoch_length)

    # ---- views --------------------------------------------------------------------------------
    def call_function(self, account_id: str, method_name: str, args: bytes) -> dict[str, Any]:
        """Run a `@view` against committed state: `{"result": [bytes], "logs": [...]}`."""
        with self.lock:
            self._require_account(account_id)
            scratch = Overlay(self.committed)
            try:
                result = self.runtime.executor.run(
                    scratch, account_id=account_id, method=method_name, args=args, predecessor=account_id,
                    signer=account_id, signer_pk="", deposit=0, gas=VIEW_GAS, block=self.block_info(),
                    read_only=True)
            except CallFailed as failed:
                raise ContractExecutionError(failed.vm_error, failed.logs) from failed
            return {"result": list(result.value), "logs": result.logs}

    def view(self, account_id: str, method_name: str, args: dict[str, Any] | None = None) -> Any:
        """Convenience: call a view with JSON args and decode its JSON result."""
        raw = bytes(self.call_function(account_id, method_name, json.dumps(args or {}).encode())["result"])
        return json.loads(raw) if raw else None

    # ---- testing support ----------------------------------------------------------------------
    def snapshot(self) -> tuple[Any, ...]:
        """Capture state for `revert` (in-memory chains only: titanoboa's anchor())."""
        if self.committed.db is not None:
            raise QueryError("SNAPSHOT_UNSUPPORTED", {}, "snapshot/revert works on in-memory chains only")
        with self.lock:
            return dict(self.committed.data), len(self.blocks), dict(self.txs)

    def revert(self, snap: tuple[Any, ...]) -> None:
        data, n_blocks, txs = snap
        with self.lock:
            self.committed.data = dict(data)
            for dropped in self.blocks[n_blocks:]:
                self.block_by_hash.pop(dropped["header"]["hash"], None)
            del self.blocks[n_blocks:]
            self.txs = dict(txs)

    def close(self) -> None:
        with self.lock:
            self.committed.close()
