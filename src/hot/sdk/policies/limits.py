"""Spending limits per period, charged by a `@call` that records the approval (approve-then-sign).

Why a `@call`: `hot_verify` is a read-only view (writes raise E_PROHIBITED_IN_VIEW), so it cannot
add a spend to a running total. The pattern is therefore two steps:

1. `@call approve(chain, preimage, msg_hash, ...)`: authenticate the owner, decode the pre-image
   (`decode_or_refuse` checks its hash equals msg_hash), check the allowlist, **charge** the decoded
   amounts to the current period's spent total (refusing with E_LIMIT_EXCEEDED), and record the
   approval under msg_hash.
2. `@view hot_verify(msg_hash, ...)`: allow iff an approval for msg_hash is recorded (plus any
   signature the policy also wants). It only reads.

The amounts come from the decoded transaction only, never from a client-supplied field: the
`approve` call takes the pre-image, not an amount.

Periods are aligned windows: period index = block_timestamp // period, so a daily limit
(period_s=86400) resets at 00:00 UTC and two spends either side of midnight count in different
days. A limit is per (chain, network, asset); an asset without a limit is refused (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hot.wire.errors import LimitDefinitionError, LimitExceeded, NoLimitForAsset
from hot.sdk.policies.decode import DecodedRequest
from hot.sdk.policies.timelock import NS_PER_S

DAY_S = 86_400


class SpentTotals(Protocol):
    """Where spent totals are read from: a dict, or the contract's `Map(str, SpentInPeriod)` itself."""

    def get(self, key: str) -> SpentInPeriod | None: ...


def limit_key(chain: str, network: str | None, asset: str) -> str:
    """The storage key of a limit and its spent total: `chain:network:asset` (network may be '').

    Unambiguous because chain and network never contain ':' (assets may: `erc20:0x..`).
    """
    return f"{chain}:{network or ''}:{asset}"


@dataclass(frozen=True)
class SpentInPeriod:
    """How much was charged in period number `period` (block_timestamp // period length)."""

    period: int
    spent: int


@dataclass(frozen=True)
class SpendingLimit:
    """At most `amount` (smallest unit) of `asset` on (chain, network) per `period_s` seconds."""

    chain: str
    network: str | None
    asset: str
    amount: int
    period_s: int = DAY_S

    def __post_init__(self) -> None:
        for name in ("amount", "period_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise LimitDefinitionError(f"{name} is an integer, got {value!r}")
        if self.amount < 0 or self.period_s <= 0:
            raise LimitDefinitionError("a limit has amount >= 0 and period_s > 0")
        if not self.chain or not self.asset:
            raise LimitDefinitionError("a limit names its chain and asset")
        if ":" in self.chain or ":" in (self.network or ""):
            raise LimitDefinitionError("chain and network contain no ':' (it separates the parts of a limit key)")

    @property
    def key(self) -> str:
        return limit_key(self.chain, self.network, self.asset)

    def period_at(self, now_ns: int) -> int:
        """The aligned period a block timestamp (ns) falls in."""
        return now_ns // (self.period_s * NS_PER_S)

    def spent_at(self, state: SpentInPeriod | None, now_ns: int) -> int:
        """Spent so far in the period containing now (0 once a new period has started)."""
        return state.spent if state is not None and state.period == self.period_at(now_ns) else 0

    def remaining(self, state: SpentInPeriod | None, now_ns: int) -> int:
        return self.amount - self.spent_at(state, now_ns)

    def charged(self, state: SpentInPeriod | None, now_ns: int, amount: int) -> SpentInPeriod:
        """The new spent total after charging `amount` now, or LimitExceeded (state unchanged)."""
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise LimitExceeded(f"amount must be a non-negative integer, got {amount!r}")
        spent = self.spent_at(state, now_ns)
        if spent + amount > self.amount:
            raise LimitExceeded(
                f"{self.key}: {amount} more would make {spent + amount} of {self.amount} per {self.period_s}s"
            )
        return SpentInPeriod(self.period_at(now_ns), spent + amount)


@dataclass(frozen=True)
class SpendingLimits:
    """The wallet's limits, at most one per (chain, network, asset)."""

    limits: tuple[SpendingLimit, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "limits", tuple(self.limits))
        keys = [limit.key for limit in self.limits]
        if len(set(keys)) != len(keys):
            raise LimitDefinitionError("one limit per (chain, network, asset)")

    def for_key(self, key: str) -> SpendingLimit | None:
        return next((limit for limit in self.limits if limit.key == key), None)

    def charges(
        self, request: DecodedRequest, spent: SpentTotals, now_ns: int
    ) -> dict[str, SpentInPeriod]:
        """New spent totals for every asset the request moves; all-or-nothing.

        Every transfer counts except change back to the sender. An asset without a limit is
        refused (E_NO_LIMIT) and so is any amount over the remaining allowance (E_LIMIT_EXCEEDED);
        nothing is returned in either case, so the caller writes nothing.
        """
        updates: dict[str, SpentInPeriod] = {}
        for asset, amount in spends_by_asset(request).items():
            key = limit_key(request.chain, request.network, asset)
            limit = self.for_key(key)
            if limit is None:
                raise NoLimitForAsset(f"no spending limit for {key}")
            updates[key] = limit.charged(spent.get(key), now_ns, amount)
        return updates


def spends_by_asset(request: DecodedRequest) -> dict[str, int]:
    """Decoded amounts leaving the signer per asset, not counting change to the sender itself."""
    totals: dict[str, int] = {}
    for transfer in request.transfers:
        if request.sender is not None and transfer.to == request.sender:
            continue
        totals[transfer.asset] = totals.get(transfer.asset, 0) + transfer.amount
    return totals


@dataclass(frozen=True)
class SpendApproval:
    """What approve recorded for one msg_hash: the decoded spend and when it was charged."""

    chain: str
    network: str | None
    spent: dict[str, int]
    approved_at_ns: int
