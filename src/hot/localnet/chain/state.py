"""Chain state as one key-value space: committed (durable in SQLite) plus layered overlays.

Keys (bytes):  a:<account> -> account JSON     k:<account>\\0<borsh public key> -> access key JSON
               c:<account> -> contract code    d:<account>\\0<storage key> -> contract value
A transaction or receipt writes into an `Overlay`; success merges it into its parent, failure drops
it, which is how "a failed transaction changes nothing" is enforced in one place. A block's
overlay is written to SQLite in one transaction (WAL), so a crash mid-block leaves the last
committed block intact.
"""

from __future__ import annotations

import bisect
import itertools
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any
from hot.wire.encoding import canonical_json

TOMBSTONE = None


def account_key(account_id: str) -> bytes:
    return b"a:" + account_id.encode()


def access_key_key(account_id: str, public_key_bytes: bytes) -> bytes:
    return b"k:" + account_id.encode() + b"\x00" + public_key_bytes


def code_key(account_id: str) -> bytes:
    return b"c:" + account_id.encode()


def data_prefix(account_id: str) -> bytes:
    return b"d:" + account_id.encode() + b"\x00"


def keys_prefix(account_id: str) -> bytes:
    return b"k:" + account_id.encode() + b"\x00"


class StateReader:
    """Read interface shared by the committed store and overlays."""

    def get(self, key: bytes) -> bytes | None:
        raise NotImplementedError

    def keys_with_prefix(self, prefix: bytes) -> list[bytes]:
        raise NotImplementedError


class Overlay(StateReader):
    """Uncommitted writes over a parent; `merge()` pushes them down, dropping it discards them."""

    def __init__(self, parent: StateReader) -> None:
        self.parent = parent
        self.changes: dict[bytes, bytes | None] = {}

    def get(self, key: bytes) -> bytes | None:
        if key in self.changes:
            return self.changes[key]
        return self.parent.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        self.changes[key] = value

    def delete(self, key: bytes) -> None:
        self.changes[key] = TOMBSTONE

    def keys_with_prefix(self, prefix: bytes) -> list[bytes]:
        found = set(self.parent.keys_with_prefix(prefix))
        for key, value in self.changes.items():
            if key.startswith(prefix):
                if value is None:
                    found.discard(key)
                else:
                    found.add(key)
        return sorted(found)

    def merge(self) -> None:
        """Apply these changes to the parent overlay (not to the committed store)."""
        assert isinstance(self.parent, Overlay), "commit the block overlay through CommittedState"
        self.parent.changes.update(self.changes)

    # JSON helpers for the record types
    def get_json(self, key: bytes) -> Any:
        raw = self.get(key)
        return None if raw is None else json.loads(raw)

    def put_json(self, key: bytes, value: Any) -> None:
        self.put(key, canonical_json(value))


SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, hash TEXT UNIQUE NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS txs (hash TEXT PRIMARY KEY, height INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
"""


class CommittedState(StateReader):
    """The last committed block's state: a dict in memory, mirrored durably in SQLite when a path
    is given (None: memory only, for fast unit tests with snapshot/revert)."""

    def __init__(self, db_path: Path | None) -> None:
        self._data: dict[bytes, bytes] = {}
        self._sorted_keys: list[bytes] = []  # for prefix scans in O(log n + k)
        self.lock = threading.RLock()
        self.db: sqlite3.Connection | None = None
        if db_path is not None:
            self.db = sqlite3.connect(str(db_path), check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            self.data = {bytes(k): bytes(v) for k, v in self.db.execute("SELECT k, v FROM kv")}

    @property
    def data(self) -> dict[bytes, bytes]:
        """The committed key-value state (read-only by convention; assign to replace it whole)."""
        return self._data

    @data.setter
    def data(self, value: dict[bytes, bytes]) -> None:
        self._data = value
        self._sorted_keys = sorted(value)

    def get(self, key: bytes) -> bytes | None:
        return self._data.get(key)

    def keys_with_prefix(self, prefix: bytes) -> list[bytes]:
        start = bisect.bisect_left(self._sorted_keys, prefix)
        found = []
        for key in itertools.islice(self._sorted_keys, start, None):
            if not key.startswith(prefix):
                break
            found.append(key)
        return found

    def commit(self, changes: dict[bytes, bytes | None], block: dict[str, Any] | None,
               txs: list[tuple[str, dict[str, Any]]], meta: dict[str, str]) -> None:
        """Write one block atomically: state changes, the block, its outcomes and metadata."""
        with self.lock:
            if self.db is not None:
                self._write_sqlite(changes, block, txs, meta)
            for key, value in changes.items():
                if value is None:
                    if self._data.pop(key, None) is not None:
                        del self._sorted_keys[bisect.bisect_left(self._sorted_keys, key)]
                else:
                    if key not in self._data:
                        bisect.insort(self._sorted_keys, key)
                    self._data[key] = value

    def _write_sqlite(self, changes: dict[bytes, bytes | None], block: dict[str, Any] | None,
                      txs: list[tuple[str, dict[str, Any]]], meta: dict[str, str]) -> None:
        assert self.db is not None
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)",
                           [(k, v) for k, v in changes.items() if v is not None])
            db.executemany("DELETE FROM kv WHERE k = ?", [(k,) for k, v in changes.items() if v is None])
            if block is not None:
                db.execute("INSERT INTO blocks (height, hash, body) VALUES (?, ?, ?)",
                           (block["header"]["height"], block["header"]["hash"], json.dumps(block)))
                height = block["header"]["height"]
                db.executemany("INSERT OR REPLACE INTO txs (hash, height, body) VALUES (?, ?, ?)",
                               [(h, height, json.dumps(body)) for h, body in txs])
            db.executemany("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", list(meta.items()))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def load_blocks(self) -> list[dict[str, Any]]:
        if self.db is None:
            return []
        return [json.loads(body) for (body,) in self.db.execute("SELECT body FROM blocks ORDER BY height")]

    def load_txs(self) -> dict[str, dict[str, Any]]:
        if self.db is None:
            return {}
        return {h: json.loads(body) for h, body in self.db.execute("SELECT hash, body FROM txs")}

    def load_meta(self) -> dict[str, str]:
        if self.db is None:
            return {}
        return dict(self.db.execute("SELECT k, v FROM meta"))

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
