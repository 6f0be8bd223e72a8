"""Node health and signer selection: pick a threshold subset of responsive nodes, rest the rest.

whitepaper §4.1.1 (uncooperative node), operational mitigation: the "Gatekeeper selects any
threshold of responsive nodes; can blacklist slow nodes". A node that timed out, was unreachable,
answered garbage or was named by identifiable abort is rested for `rest_s` seconds: no selection
includes it until then. Selection is random among the healthy nodes so load spreads and one slow
node cannot pin every request.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RestRecord:
    """Why and until when a node is rested (monotonic seconds)."""

    until: float
    reason: str


@dataclass
class NodeHealth:
    """The rested set; thread-safe. `clock` is injectable for tests."""

    participants: tuple[int, ...]
    rest_s: float
    clock: Callable[[], float] = time.monotonic
    on_rest: Callable[[int], None] | None = None  # metrics hook
    _rested: dict[int, RestRecord] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def rest(self, participant: int, reason: str) -> None:
        """Keep `participant` out of every selection for the next `rest_s` seconds."""
        with self._lock:
            self._rested[participant] = RestRecord(self.clock() + self.rest_s, reason)
        if self.on_rest is not None:
            self.on_rest(participant)

    def healthy(self) -> tuple[int, ...]:
        now = self.clock()
        with self._lock:
            for pid in [p for p, r in self._rested.items() if r.until <= now]:
                del self._rested[pid]
            return tuple(p for p in self.participants if p not in self._rested)

    def rested(self) -> dict[int, RestRecord]:
        self.healthy()
        with self._lock:
            return dict(self._rested)


class SignerSelection:
    """Choose signer sets from healthy nodes: any t for FROST, a presigned 2t-1 set for ECDSA."""

    def __init__(self, threshold: int, rng: random.Random | None = None) -> None:
        self.threshold = threshold
        self._rng = rng or random.SystemRandom()
        self._lock = threading.Lock()

    def frost_signers(self, healthy: Sequence[int]) -> tuple[int, ...] | None:
        """A random t-subset of the healthy nodes, or None if fewer than t are healthy."""
        if len(healthy) < self.threshold:
            return None
        with self._lock:
            return tuple(sorted(self._rng.sample(list(healthy), self.threshold)))

    @property
    def ecdsa_set_size(self) -> int:
        """2t-1: the exact size of an ECDSA signer set (presign and sign use the same parties)."""
        return 2 * self.threshold - 1

    def ecdsa_signers(
        self, healthy: Sequence[int], presigned_sets: dict[tuple[int, ...], int], needed: int
    ) -> tuple[int, ...] | None:
        """The 2t-1 set of healthy nodes with the most common presignatures (at least `needed`).

        `presigned_sets` maps a sorted signer set to how many presignatures all its members hold
        (the minimum over the members' /health reports). Ties break at random.
        """
        size = self.ecdsa_set_size
        live = set(healthy)
        candidates = [
            (count, signers)
            for signers, count in presigned_sets.items()
            if len(signers) == size and set(signers) <= live and count >= needed
        ]
        if not candidates:
            return None
        best = max(count for count, _ in candidates)
        with self._lock:
            return self._rng.choice([s for c, s in candidates if c == best])


def common_presignature_counts(reports: Iterable[tuple[int, dict[str, int]]]) -> dict[tuple[int, ...], int]:
    """Combine nodes' /health `presignatures` maps into {signer set: count all its members hold}.

    A set counts only if every one of its members reported it; the count is their minimum.
    """
    seen: dict[tuple[int, ...], dict[int, int]] = {}
    for participant, pools in reports:
        for key, count in pools.items():
            try:
                signers = tuple(sorted(int(x) for x in key.split(",")))
            except ValueError:
                continue  # a malformed pool key from one node cannot break selection
            if participant in signers and isinstance(count, int) and count > 0:
                seen.setdefault(signers, {})[participant] = count
    return {s: min(by_node.values()) for s, by_node in seen.items() if set(by_node) == set(s)}
