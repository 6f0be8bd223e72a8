"""BitcoinNode: a regtest chain whose blocks Bitcoin Core's consensus code validates, with an index.

Data dir layout: `kernel/` (libbitcoinkernel's block files and chainstate, the source of truth)
and `index.sqlite3` (blocks, txs, outputs by address, mempool, the faucet key). Opening a data dir
reconciles the two: blocks the kernel lost in a crash (it flushes its chainstate on close) are
replayed into it from the index, blocks the index lacks are read back from the kernel, and the
persisted mempool is re-validated. Mining is on demand (`mine`) except the faucet, which mines the
block that confirms its payment.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from hot.wire import errors
from hot.localnet.bitcoin.blocks import COINBASE_MATURITY, BlockTemplate, build_coinbase, mine
from hot.localnet.bitcoin.encoding import ParsedTransaction, parse_block, parse_transaction, script_for_address
from hot.localnet.bitcoin.faucet import FaucetWallet
from hot.localnet.bitcoin.index import BlockInfo, ChainIndex, Coin
from hot.localnet.bitcoin.kernel import KernelChain
from hot.localnet.bitcoin.mempool import Mempool, MempoolEntry, NextBlock

SETUP_BLOCKS = COINBASE_MATURITY + 1  # block 1's coinbase is mature once the tip is at 101
MAX_MINE_PER_CALL = 1000
MAX_FAUCET_SATS = 50 * 100_000_000


@dataclass(frozen=True)
class TxView:
    """A transaction with what Esplora shows beside it: fee, spent outputs, confirmation."""

    tx: ParsedTransaction
    fee: int
    prevouts: tuple[Coin | None, ...]  # None for the coinbase input
    block: BlockInfo | None  # None while in the mempool


class BitcoinNode:
    """The regtest node: kernel + index + mempool + faucet behind one lock."""

    def __init__(self, datadir: Path | str, *, setup_blocks: int = SETUP_BLOCKS) -> None:
        self.datadir = Path(datadir)
        self.datadir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.index = ChainIndex(self.datadir / "index.sqlite3")
        try:
            self.kernel = KernelChain(self.datadir / "kernel")
        except BaseException:
            self.index.close()
            raise
        try:
            self.mempool = Mempool()
            self.faucet = FaucetWallet(self._faucet_secret())
            self._reconcile()
            self._reload_mempool()
            if self.height < setup_blocks:
                self.mine(setup_blocks - self.height)
        except BaseException:
            self.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        """Flush the kernel's chainstate and close the index (idempotent)."""
        with self._lock:
            self.kernel.close()
            self.index.close()

    def __enter__(self) -> "BitcoinNode":
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _faucet_secret(self) -> bytes:
        secret = self.index.meta("faucet_secret")
        if secret is None:
            secret = os.urandom(32)
            self.index.set_meta("faucet_secret", secret)
        return secret

    def _reconcile(self) -> None:
        """Bring kernel and index to the same tip after a restart or a crash."""
        if self.index.height() < 0:
            self.index.add_block(self._kernel_block_info(0), self.kernel.raw_block_at(0), [])
        for block_hash, raw in self.index.raw_blocks_above(self.kernel.height):
            self.kernel.submit_block(raw, bytes.fromhex(block_hash)[::-1])
        for height in range(self.index.height() + 1, self.kernel.height + 1):
            raw = self.kernel.raw_block_at(height)
            self.index.add_block(self._kernel_block_info(height), raw, parse_block(raw)[1])
        tip = self.index.block(self.height)
        if tip is None or bytes.fromhex(tip.hash)[::-1] != self.kernel.block_hash_at(self.height):
            raise errors.BitcoinError(f"index and kernel disagree at height {self.height}; delete {self.datadir}")

    def _kernel_block_info(self, height: int) -> BlockInfo:
        header = self.kernel.raw_block_at(height)[:80]
        return BlockInfo(height, self.kernel.block_hash_at(height)[::-1].hex(), int.from_bytes(header[68:72], "little"))

    def _reload_mempool(self) -> None:
        dropped = []
        for raw in self.index.mempool_raw():
            tx = parse_transaction(raw)
            try:
                self.mempool.accept(tx, self._unspent_on_chain, self._next_block())
            except errors.MempoolRejected:
                dropped.append(tx.txid)
        self.index.drop_mempool(dropped)

    # -- chain state -------------------------------------------------------------------------
    @property
    def height(self) -> int:
        return self.kernel.height

    def tip(self) -> BlockInfo:
        with self._lock:
            info = self.index.block(self.height)
            assert info is not None  # reconcile guarantees the index holds the kernel's tip
            return info

    def _next_block(self) -> NextBlock:
        times = sorted(self.index.recent_times(11))  # GetMedianTimePast: the middle of the last 11
        return NextBlock(height=self.height + 1, median_time_past=times[len(times) // 2])

    def _unspent_on_chain(self, txid: str, vout: int) -> Coin | None:
        found = self.index.output(txid, vout)
        return found[0] if found is not None and found[1] is None else None

    # -- transactions ------------------------------------------------------------------------
    def submit_transaction(self, raw: bytes) -> MempoolEntry:
        """Accept a raw transaction into the mempool or raise a MempoolRejected subclass."""
        tx = parse_transaction(raw)
        with self._lock:
            if self.index.confirmed_tx(tx.txid) is not None:
                raise errors.AlreadyKnown(f"{tx.txid} is already in a block")
            entry = self.mempool.accept(tx, self._unspent_on_chain, self._next_block())
            self.index.put_mempool(tx.txid, tx.raw)
            return entry

    def transaction(self, txid: str) -> TxView:
        """A confirmed or mempool transaction by txid (display hex), or TransactionNotFound."""
        with self._lock:
            entry = self.mempool.entries.get(txid)
            if entry is not None:
                return TxView(entry.tx, entry.fee, entry.spent, None)
            confirmed = self.index.confirmed_tx(txid)
            if confirmed is None:
                raise errors.UnknownTransaction(f"transaction {txid} not found")
            tx = parse_transaction(confirmed.raw)
            if tx.is_coinbase:
                return TxView(tx, 0, (None,), confirmed.block)
            prevouts = tuple(self._confirmed_output(i.txid.hex(), i.vout) for i in tx.tx.vin)
            return TxView(tx, confirmed.fee, prevouts, confirmed.block)

    def _confirmed_output(self, txid: str, vout: int) -> Coin | None:
        found = self.index.output(txid, vout)
        return None if found is None else found[0]

    def utxos(self, address: str) -> list[Coin]:
        """Unspent outputs paying `address`: confirmed ones not spent in the mempool, then mempool ones."""
        script = script_for_address(address)
        with self._lock:
            coins = [
                c for c in self.index.unspent_by_address(address) if self.mempool.spender_of((c.txid, c.vout)) is None
            ]
            for entry in self.mempool.entries.values():
                for vout, txout in enumerate(entry.tx.tx.vout):
                    if (
                        bytes(txout.script_pubkey.data) == script
                        and self.mempool.spender_of((entry.tx.txid, vout)) is None
                    ):
                        coins.append(Coin(entry.tx.txid, vout, txout.value, script, None, False))
            return coins

    # -- mining and faucet -------------------------------------------------------------------
    def mine(self, blocks: int = 1, address: str | None = None) -> list[str]:
        """Mine `blocks` blocks (the first takes the whole mempool); returns their hashes."""
        if not 1 <= blocks <= MAX_MINE_PER_CALL:
            raise errors.BitcoinError(f"blocks must be 1..{MAX_MINE_PER_CALL}, got {blocks}")
        payout = self.faucet.script if address is None else script_for_address(address)
        with self._lock:
            return [self._mine_one(payout) for _ in range(blocks)]

    def _mine_one(self, payout_script: bytes) -> str:
        entries = list(self.mempool.entries.values())
        transactions = [e.tx for e in entries]
        height = self.height + 1
        tip = self.tip()
        coinbase = build_coinbase(height, payout_script, sum(e.fee for e in entries), transactions)
        template = BlockTemplate(
            prev_hash=bytes.fromhex(tip.hash)[::-1],
            height=height,
            time=max(int(time.time()), tip.time + 1),
            coinbase=coinbase,
            transactions=tuple(transactions),
        )
        block_hash, raw = mine(template)
        self.kernel.submit_block(raw, block_hash)
        info = BlockInfo(height, block_hash[::-1].hex(), template.time)
        self.index.add_block(info, raw, [coinbase, *transactions])
        mined = [t.txid for t in transactions]
        self.mempool.remove(mined)
        self.index.drop_mempool(mined)
        return info.hash

    def faucet_pay(self, address: str, amount_sats: int) -> str:
        """Pay `amount_sats` to `address` from matured faucet coins and mine it; returns the txid."""
        if not 1 <= amount_sats <= MAX_FAUCET_SATS:
            raise errors.BitcoinError(f"amount_sats must be 1..{MAX_FAUCET_SATS}, got {amount_sats}")
        script = script_for_address(address)
        with self._lock:
            next_height = self.height + 1
            spendable = [
                c
                for c in self.index.unspent_by_address(self.faucet.address)
                if self.mempool.spender_of((c.txid, c.vout)) is None
                and not (c.coinbase and c.height is not None and next_height - c.height < COINBASE_MATURITY)
            ]
            entry = self.submit_transaction(self.faucet.pay(spendable, script, amount_sats))
            self.mine(1)
            return entry.tx.txid
