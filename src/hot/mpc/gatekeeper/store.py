"""The gatekeeper's durable state in SQLite: quota usage per API key and the idempotency cache.

Both must survive a restart: a restart must not hand a user a fresh quota (whitepaper §3.2.2:
the gatekeeper allocates leased capacity), and a repeated request must return the signature it
already got instead of spending a second presignature (ARCHITECTURE.md, Security promises).
Every write is one transaction; quota spending is check-and-increment in one statement. The
database runs in WAL mode with `synchronous=NORMAL`: committed state survives a gatekeeper
restart or crash; an OS crash may lose the last few commits (a little quota, a cache entry).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any
from hot.wire.encoding import canonical_text

_SCHEMA = """
CREATE TABLE IF NOT EXISTS quota_usage (api_key TEXT PRIMARY KEY, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS signed_requests (
    request_hash BLOB PRIMARY KEY, response TEXT NOT NULL, created_ms INTEGER NOT NULL
);
"""


class GatekeeperStore:
    """SQLite file (or ":memory:") shared by the request handlers; safe across threads."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            # WAL + NORMAL: a commit is durable once the process returns from it, across a process
            # crash or restart; only an OS crash or power loss can lose the last commits (no fsync
            # per request: a full fsync per quota spend and per cache write blocked the event loop).
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def quota_used(self, api_key: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT used FROM quota_usage WHERE api_key = ?", (api_key,)).fetchone()
        return int(row[0]) if row else 0

    def try_spend_quota(self, api_key: str, amount: int, quota: int) -> bool:
        """Add `amount` to the key's usage iff the total stays within `quota`; atomic and durable."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT used FROM quota_usage WHERE api_key = ?", (api_key,)).fetchone()
                used = int(row[0]) if row else 0
                if used + amount > quota:
                    self._db.execute("ROLLBACK")
                    return False
                self._db.execute(
                    "INSERT INTO quota_usage (api_key, used) VALUES (?, ?) "
                    "ON CONFLICT(api_key) DO UPDATE SET used = excluded.used",
                    (api_key, used + amount),
                )
                self._db.execute("COMMIT")
                return True
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def refund_quota(self, api_key: str, amount: int) -> None:
        """Give back quota for a request the network did not serve (a 503 is not the user's spend)."""
        with self._lock:
            self._db.execute(
                "UPDATE quota_usage SET used = MAX(0, used - ?) WHERE api_key = ?", (amount, api_key)
            )

    def cached_response(self, request_hash: bytes) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT response FROM signed_requests WHERE request_hash = ?", (request_hash,)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def cache_response(self, request_hash: bytes, response: dict[str, Any], now_ms: int) -> None:
        """Remember a verified result; the first one stored wins (a signature never changes)."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO signed_requests (request_hash, response, created_ms) VALUES (?, ?, ?)",
                (request_hash, canonical_text(response), now_ms),
            )
