"""The node's append-only, hash-chained, signed log (JSON lines) and its end-to-end verifier.

ARCHITECTURE.md, Security promises: "Every request, validation outcome, protocol round and error
is in a hash-chained log signed by the node's attested key; fishermen can turn a log entry into a
dispute" (whitepaper §2.2.7, §3.2.3). Entry format and signed bytes: `hot.mpc.node.log_entry`.

Durability: `append` returns only after the line is fsync'ed, so an acknowledged entry survives a
crash (power loss included). The signing path uses group commit instead, so the event loop never
waits on the disk: `write` appends the line to the file (in the page cache at once, so it survives
a crash of the process) and `durable()` awaits one fsync, run in a worker thread, that covers every
line written before it; concurrent requests share that fsync. A caller awaits `durable()` before
the action the entry records becomes visible where that matters (a decision before a share is
released). A crash in the middle of a write leaves a partial last line; the writer refuses to append
after it unless asked to `repair`, which cuts the unacknowledged tail and records that it did so
in a signed `error` entry (the cut is visible in the log, never silent). One writer per file,
enforced with an exclusive lock, because two writers would fork the chain.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.identity import fsync_dir
from hot.wire.log import (
    GENESIS_PREV_HASH,
    EntryKind,
    LogEntry,
    LogEntryInvalid,
)

from hot.wire.errors import LogCorrupt, LogLocked, LogTruncated, SignedLogError

_TAIL_CHUNK = 1 << 16


@dataclass(frozen=True)
class LogReport:
    """The outcome of `verify_log`: how many entries verified and the first bad one, if any."""

    ok: bool
    entries: int
    first_bad_index: int | None = None
    reason: str | None = None
    head_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def verify_log(path: Path | str, public_key: bytes) -> LogReport:
    """Check a log file end to end: encoding, seq continuity, time order, chain, hashes, signatures.

    Returns at the first bad entry with its 0-based index and the reason; `head_hash` is the hash
    of the last good entry (what a monitor pins to detect later rewriting).
    """
    prev_hash, last_time, count = GENESIS_PREV_HASH, 0, 0
    try:
        with open(path, "rb") as handle:
            for index, line in enumerate(handle):
                checked = _check_line(line, index, prev_hash, last_time, public_key)
                if isinstance(checked, str):
                    return LogReport(False, index, index, checked, prev_hash.hex() if index else None)
                prev_hash, last_time, count = checked.hash, checked.time, index + 1
    except OSError as exc:
        return LogReport(False, count, count, f"cannot read log: {exc}")
    return LogReport(True, count, None, None, prev_hash.hex() if count else None)


def _check_line(line: bytes, index: int, prev_hash: bytes, last_time: int, public_key: bytes) -> LogEntry | str:
    """The parsed entry, or the reason it breaks the log."""
    if not line.endswith(b"\n"):
        return "truncated last line (crash during append, or the file was cut)"
    try:
        entry = LogEntry.from_json_line(line)
    except LogEntryInvalid as exc:
        return f"malformed entry: {exc.message}"
    if entry.seq != index:
        return f"seq {entry.seq} where {index} was expected (entry missing, duplicated or reordered)"
    if entry.prev_hash != prev_hash:
        return "prev_hash does not match the previous entry's hash (chain broken)"
    if entry.time < last_time:
        return f"time {entry.time} is before the previous entry's {last_time}"
    try:
        entry.verify(public_key)
    except LogEntryInvalid as exc:
        return exc.message
    return entry


def _read_tail(handle_fd: int, size: int) -> tuple[bytes, int]:
    """The last complete line of the file (or b"") and the offset where the complete lines end."""
    if size == 0:
        return b"", 0
    data, start = b"", size
    while True:
        start = max(0, start - _TAIL_CHUNK)
        data = os.pread(handle_fd, size - start, start)
        body_end = data.rfind(b"\n") + 1  # complete lines end here (relative to start)
        if body_end:
            line_start = data.rfind(b"\n", 0, body_end - 1) + 1
            if line_start or start == 0:
                return data[line_start:body_end], start + body_end
        elif start == 0:
            return b"", 0


class SignedLog:
    """Appends signed entries to one file; restart continues the chain from the last entry."""

    def __init__(
        self,
        path: Path | str,
        signing_key: Ed25519PrivateKey,
        *,
        repair: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._key = signing_key
        self._clock = clock
        self._lock = threading.Lock()
        self._durable = 0  # entries known to be fsync'ed (every entry before this seq is on disk)
        self._flush_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
        created = not self.path.exists()
        # Logs are public evidence (whitepaper §3.2.3): readable, writable only by the node.
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self._fd)
            raise LogLocked(f"log {self.path} is open by another writer") from exc
        try:
            if created:
                fsync_dir(self.path.parent)
            self._resume(repair)
        except BaseException:
            os.close(self._fd)
            raise

    def _resume(self, repair: bool) -> None:
        size = os.fstat(self._fd).st_size
        last_line, complete_end = _read_tail(self._fd, size)
        self._next_seq, self._prev_hash, self._last_time = 0, GENESIS_PREV_HASH, 0
        if last_line:
            try:
                last = LogEntry.from_json_line(last_line)
                last.verify(self._key.public_key())
            except LogEntryInvalid as exc:
                raise LogCorrupt(f"last entry of {self.path} does not verify: {exc.message}") from exc
            self._next_seq, self._prev_hash, self._last_time = last.seq + 1, last.hash, last.time
        if complete_end < size:
            if not repair:
                raise LogTruncated(f"{self.path} ends in a partial line ({size - complete_end} bytes)")
            dropped = os.pread(self._fd, size - complete_end, complete_end)
            os.ftruncate(self._fd, complete_end)
            os.fsync(self._fd)
            self.append(
                EntryKind.ERROR,
                {
                    "event": "log_repaired",
                    "dropped_bytes": len(dropped),
                    "dropped_sha256": hashlib.sha256(dropped).hexdigest(),
                },
            )

    @property
    def head(self) -> tuple[int, bytes]:
        """(number of entries, hash of the last entry or the genesis zero hash)."""
        return self._next_seq, self._prev_hash

    def append(self, kind: EntryKind | str, body: Any) -> LogEntry:
        """Sign and durably append one entry; returns it once it is on disk.

        Time is Unix milliseconds, never earlier than the previous entry's, so a clock step
        backwards cannot make the node's own log fail verification.
        """
        with self._lock:
            entry = self._write_locked(kind, body)
            os.fsync(self._fd)
            self._durable = max(self._durable, entry.seq + 1)
            return entry

    def write(self, kind: EntryKind | str, body: Any) -> LogEntry:
        """Sign and append one entry without waiting for the disk; `await durable()` before acting on it.

        The line is in the file at once (a crash of the process keeps it); an OS crash or power
        loss keeps it only once a later `durable()` (or `append`) has returned.
        """
        with self._lock:
            return self._write_locked(kind, body)

    def _write_locked(self, kind: EntryKind | str, body: Any) -> LogEntry:
        if self._fd < 0:
            raise SignedLogError(f"log {self.path} is closed")
        now = max(int(self._clock() * 1000), self._last_time)
        entry = LogEntry.create(self._next_seq, now, kind, body, self._prev_hash, self._key)
        line = memoryview(entry.to_json_line())
        while line:
            written = os.write(self._fd, line)
            line = line[written:]
        self._next_seq, self._prev_hash, self._last_time = entry.seq + 1, entry.hash, entry.time
        return entry

    async def durable(self, entry: LogEntry | None = None) -> None:
        """Return once `entry` (default: every entry written so far) is fsync'ed (group commit).

        One fsync at a time runs in a worker thread and covers every line written before it
        started; callers that arrive meanwhile wait for it, then share the next one.
        """
        target = self._next_seq if entry is None else entry.seq + 1
        if self._durable >= target:
            return
        loop = asyncio.get_running_loop()
        flush_lock = self._flush_locks.get(loop)
        if flush_lock is None:
            flush_lock = self._flush_locks[loop] = asyncio.Lock()
        async with flush_lock:
            if self._durable >= target:
                return  # the fsync this caller waited behind covered it
            await asyncio.to_thread(self._fsync_written)

    def _fsync_written(self) -> None:
        """fsync everything written so far, without holding the writers' lock during the fsync."""
        with self._lock:
            if self._fd < 0:
                raise SignedLogError(f"log {self.path} is closed")
            covered = self._next_seq
            fd = os.dup(self._fd)  # close() may run meanwhile; the duplicate keeps the file open
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        with self._lock:
            self._durable = max(self._durable, covered)

    async def append_durable(self, kind: EntryKind | str, body: Any) -> LogEntry:
        """`write` then `durable`: the entry is on disk when this returns, the loop never blocked."""
        entry = self.write(kind, body)
        await self.durable(entry)
        return entry

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                if self._durable < self._next_seq:
                    os.fsync(self._fd)  # entries written with `write` and never awaited
                    self._durable = self._next_seq
                os.close(self._fd)  # releases the flock
                self._fd = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
