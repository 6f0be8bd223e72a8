"""Timelocks: a request approved now becomes valid for signing only after a delay.

Why: a stolen key can approve at once, but the owner (or a watcher) sees the queued request
during the delay and cancels it before the network will sign. Like limits, queuing is a `@call`
(hot_verify is read-only) and `hot_verify` checks the record against `env.block_timestamp`:

    queued = Map(str, QueuedRequest)          # base58 msg_hash -> when it becomes valid

    @call queue(msg_hash, signature):  owner signs msg_hash; queued[msg_hash] = TIMELOCK.queue(now)
    @call cancel(msg_hash, signature): owner signs cancel_digest; queued.remove(msg_hash)
    @view hot_verify: Fact("queued and the delay passed", lambda: ready(queued.get(msg_hash), now))

MPC nodes evaluate hot_verify at about the same block, so a request right at its boundary may
be judged differently by different nodes; the signing threshold decides, as for any view.
"""

from __future__ import annotations

from dataclasses import dataclass

from hot.wire.errors import TimelockDefinitionError, TimelockNotReady
from hot.sdk.hostcrypto import sha256

NS_PER_S = 1_000_000_000
MAX_DELAY_S = 365 * 86_400
CANCEL_TAG = b"hot/timelock/cancel/v1"


@dataclass(frozen=True)
class QueuedRequest:
    """A request queued at `queued_at_ns` that becomes valid at `ready_at_ns` (block time, ns)."""

    queued_at_ns: int
    ready_at_ns: int

    def is_ready(self, now_ns: int) -> bool:
        return now_ns >= self.ready_at_ns

    def require_ready(self, now_ns: int) -> None:
        if not self.is_ready(now_ns):
            raise TimelockNotReady(f"valid in {(self.ready_at_ns - now_ns + NS_PER_S - 1) // NS_PER_S} s")


@dataclass(frozen=True)
class Timelock:
    """A fixed delay between approval and validity."""

    delay_s: int

    def __post_init__(self) -> None:
        if isinstance(self.delay_s, bool) or not isinstance(self.delay_s, int) or not 1 <= self.delay_s <= MAX_DELAY_S:
            raise TimelockDefinitionError(f"delay_s is 1..{MAX_DELAY_S}, got {self.delay_s!r}")

    def queue(self, now_ns: int) -> QueuedRequest:
        """The record of a request approved at now_ns."""
        return QueuedRequest(now_ns, now_ns + self.delay_s * NS_PER_S)


def ready(entry: QueuedRequest | None, now_ns: int) -> bool:
    """True iff a request was queued and its delay has passed (hot_verify's read-only check)."""
    return entry is not None and entry.is_ready(now_ns)


def cancel_digest(account_id: str, msg_hash_b58: str, entry: QueuedRequest) -> bytes:
    """What the owner signs to cancel one queued request on this contract.

    The account and the queue time bind it: a cancel cannot be replayed on another wallet, nor
    on the same request queued again later.
    """
    body = f"{account_id}\x00{msg_hash_b58}\x00{entry.queued_at_ns}".encode()
    return sha256(CANCEL_TAG + body)
