"""The node's durable index in SQLite: blocks, transactions, outputs by address, the mempool.

Everything here is derived from blocks the kernel accepted, written in one SQLite transaction per
block, so a crash leaves either the whole block indexed or none of it. Raw blocks are kept so a
kernel that lost its last unflushed blocks in a crash can be replayed from here (node.py).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hot.localnet.bitcoin.encoding import ParsedTransaction, address_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS blocks (
    height INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, time INTEGER NOT NULL, raw BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS txs (
    txid TEXT PRIMARY KEY, raw BLOB NOT NULL, height INTEGER NOT NULL, fee INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (
    txid TEXT NOT NULL, vout INTEGER NOT NULL, value INTEGER NOT NULL, script BLOB NOT NULL,
    address TEXT, height INTEGER NOT NULL, coinbase INTEGER NOT NULL, spent_by TEXT,
    PRIMARY KEY (txid, vout));
CREATE INDEX IF NOT EXISTS outputs_by_address ON outputs (address, spent_by);
CREATE TABLE IF NOT EXISTS mempool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, txid TEXT NOT NULL UNIQUE, raw BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


@dataclass(frozen=True)
class Coin:
    """An output as the index knows it; `height` is None while it is only in the mempool."""

    txid: str
    vout: int
    value: int
    script: bytes
    height: int | None
    coinbase: bool


@dataclass(frozen=True)
class BlockInfo:
    height: int
    hash: str  # display order
    time: int


@dataclass(frozen=True)
class ConfirmedTx:
    raw: bytes
    fee: int
    block: BlockInfo


class ChainIndex:
    """SQLite-backed index; all methods are safe to call from several threads."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _one(self, sql: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        """One row, read under the lock (one connection is shared by the server's threads)."""
        with self._lock:
            row: tuple[Any, ...] | None = self._db.execute(sql, params).fetchone()
            return row

    def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, params).fetchall())

    # -- blocks -----------------------------------------------------------------------------
    def height(self) -> int:
        """Height of the highest indexed block, -1 for an empty index."""
        row = self._one("SELECT MAX(height) FROM blocks")
        return -1 if row[0] is None else int(row[0])

    def block(self, height: int) -> BlockInfo | None:
        row = self._one("SELECT height, hash, time FROM blocks WHERE height=?", (height,))
        return None if row is None else BlockInfo(*row)

    def raw_blocks_above(self, height: int) -> list[tuple[str, bytes]]:
        """(hash, raw) of indexed blocks above `height`, lowest first: the kernel replay set."""
        rows = self._all("SELECT hash, raw FROM blocks WHERE height>? ORDER BY height", (height,))
        return [(h, bytes(raw)) for h, raw in rows]

    def recent_times(self, count: int) -> list[int]:
        rows = self._all("SELECT time FROM blocks ORDER BY height DESC LIMIT ?", (count,))
        return [int(r[0]) for r in rows]

    def add_block(self, info: BlockInfo, raw: bytes, transactions: list[ParsedTransaction]) -> None:
        """Index one accepted block atomically: spend its inputs, add its outputs and txs."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("INSERT INTO blocks VALUES (?,?,?,?)", (info.height, info.hash, info.time, raw))
                for tx in transactions:
                    self._index_transaction(tx, info.height)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _index_transaction(self, tx: ParsedTransaction, height: int) -> None:
        spent_value = 0
        if not tx.is_coinbase:
            for txin in tx.tx.vin:
                key = (txin.txid.hex(), txin.vout)
                row = self._db.execute("SELECT value FROM outputs WHERE txid=? AND vout=?", key).fetchone()
                spent_value += int(row[0])
                self._db.execute("UPDATE outputs SET spent_by=? WHERE txid=? AND vout=?", (tx.txid, *key))
        out_value = 0
        for vout, txout in enumerate(tx.tx.vout):
            script = bytes(txout.script_pubkey.data)
            out_value += txout.value
            self._db.execute(
                "INSERT INTO outputs VALUES (?,?,?,?,?,?,?,NULL)",
                (tx.txid, vout, txout.value, script, address_of(script), height, int(tx.is_coinbase)),
            )
        fee = 0 if tx.is_coinbase else spent_value - out_value
        self._db.execute("INSERT INTO txs VALUES (?,?,?,?)", (tx.txid, tx.raw, height, fee))

    # -- transactions and outputs ------------------------------------------------------------
    def confirmed_tx(self, txid: str) -> ConfirmedTx | None:
        row = self._one(
            "SELECT t.raw, t.fee, b.height, b.hash, b.time FROM txs t JOIN blocks b ON b.height=t.height"
            " WHERE t.txid=?",
            (txid,),
        )
        return None if row is None else ConfirmedTx(bytes(row[0]), int(row[1]), BlockInfo(*row[2:]))

    def output(self, txid: str, vout: int) -> tuple[Coin, str | None] | None:
        """An output ever confirmed (spent or not) and the txid that spent it, if any."""
        row = self._one(
            "SELECT txid, vout, value, script, height, coinbase, spent_by FROM outputs WHERE txid=? AND vout=?",
            (txid, vout),
        )
        if row is None:
            return None
        return Coin(row[0], row[1], row[2], bytes(row[3]), row[4], bool(row[5])), row[6]

    def unspent_by_address(self, address: str) -> list[Coin]:
        rows = self._all(
            "SELECT txid, vout, value, script, height, coinbase FROM outputs"
            " WHERE address=? AND spent_by IS NULL ORDER BY height, txid, vout",
            (address,),
        )
        return [Coin(r[0], r[1], r[2], bytes(r[3]), r[4], bool(r[5])) for r in rows]

    # -- mempool persistence -----------------------------------------------------------------
    def mempool_raw(self) -> list[bytes]:
        return [bytes(r[0]) for r in self._all("SELECT raw FROM mempool ORDER BY seq")]

    def put_mempool(self, txid: str, raw: bytes) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO mempool (txid, raw) VALUES (?,?)", (txid, raw))

    def drop_mempool(self, txids: list[str]) -> None:
        with self._lock:
            self._db.executemany("DELETE FROM mempool WHERE txid=?", [(t,) for t in txids])

    # -- small settings (the faucet key) -----------------------------------------------------
    def meta(self, key: str) -> bytes | None:
        row = self._one("SELECT value FROM meta WHERE key=?", (key,))
        return None if row is None else bytes(row[0])

    def set_meta(self, key: str, value: bytes) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))
