"""Per-API-key rate limits (token buckets) and total quotas (durable counters).

whitepaper §3.2.2: "Gatekeepers lease a portion of the protocol's capacity, defined by rate
limits, and allocate that capacity to their users"; §4.1.3: a gatekeeper that floods the network
can be slashed from the nodes' logs, so it must enforce what it allocates. Units: one request
takes one rate token; one message sent to the network spends one unit of quota (a batch of k
messages spends k). Idempotent repeats are answered from the cache and spend no quota.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from hot.mpc.gatekeeper.config import ApiKey
from hot.mpc.gatekeeper.store import GatekeeperStore

from hot.wire.errors import QuotaExceeded


@dataclass
class TokenBucket:
    """`capacity` tokens refilled at `rate` per second; `take` fails rather than waits."""

    rate: float
    capacity: float
    tokens: float
    updated: float

    def take(self, now: float, amount: float = 1.0) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < amount:
            return False
        self.tokens -= amount
        return True


class QuotaEnforcer:
    """Rate limit per request and durable quota per message, for each configured ApiKey."""

    def __init__(self, store: GatekeeperStore, clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def check_rate(self, key: ApiKey) -> None:
        """Take one request token; QuotaExceeded if the key is over its rate."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key.name)
            if bucket is None:
                bucket = self._buckets[key.name] = TokenBucket(key.rate_per_s, key.burst, key.burst, now)
            allowed = bucket.take(now)
        if not allowed:
            raise QuotaExceeded(f"API key {key.name!r} exceeds {key.rate_per_s}/s (burst {key.burst})")

    def spend(self, key: ApiKey, messages: int) -> None:
        """Spend `messages` units of the key's total quota, durably; QuotaExceeded if it would overrun."""
        if not self._store.try_spend_quota(key.name, messages, key.quota):
            used = self._store.quota_used(key.name)
            raise QuotaExceeded(f"API key {key.name!r} has used {used} of {key.quota}; {messages} more would overrun it")

    def refund(self, key: ApiKey, messages: int) -> None:
        self._store.refund_quota(key.name, messages)
