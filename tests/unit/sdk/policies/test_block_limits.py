"""Spending limits per period: allow, deny, period roll-over, fail-closed assets, and properties."""

from __future__ import annotations

import pytest
from hot.sdk.policies.decode import DecodedRequest, Transfer
from hot.sdk.policies.limits import (
    DAY_S,
    NS_PER_S,
    SpendingLimit,
    SpendingLimits,
    SpentInPeriod,
    limit_key,
    spends_by_asset,
)
from hot.wire.errors import LimitDefinitionError, LimitExceeded, NoLimitForAsset
from hypothesis import given
from hypothesis import strategies as st

ETH = SpendingLimit("evm", "1", "native", 10**18)
USDC = SpendingLimit("evm", "1", "erc20:0xA0b8", 1_000 * 10**6)
LIMITS = SpendingLimits((ETH, USDC))
NOON = 20_000 * DAY_S * NS_PER_S + 12 * 3600 * NS_PER_S  # a day boundary is at multiples of DAY_S


def request(*transfers: Transfer, sender: str | None = None, network: str = "1") -> DecodedRequest:
    return DecodedRequest("evm", network, sender, tuple(transfers))


def test_a_spend_within_the_limit_is_charged_and_one_over_is_refused() -> None:
    first = LIMITS.charges(request(Transfer("0xbob", 6 * 10**17)), {}, NOON)
    assert first == {ETH.key: SpentInPeriod(ETH.period_at(NOON), 6 * 10**17)}
    second = LIMITS.charges(request(Transfer("0xbob", 4 * 10**17)), first, NOON + 60 * NS_PER_S)
    assert second[ETH.key].spent == 10**18  # exactly the limit is allowed
    with pytest.raises(LimitExceeded):
        LIMITS.charges(request(Transfer("0xbob", 1)), second, NOON + 120 * NS_PER_S)


def test_the_next_period_starts_from_zero_at_the_aligned_boundary() -> None:
    spent = {ETH.key: SpentInPeriod(ETH.period_at(NOON), 10**18)}
    midnight = (ETH.period_at(NOON) + 1) * DAY_S * NS_PER_S
    with pytest.raises(LimitExceeded):
        LIMITS.charges(request(Transfer("0xbob", 1)), spent, midnight - 1)
    assert LIMITS.charges(request(Transfer("0xbob", 10**18)), spent, midnight)[ETH.key].spent == 10**18
    assert ETH.remaining(spent[ETH.key], midnight) == 10**18


def test_every_asset_of_a_request_is_charged_all_or_nothing() -> None:
    mixed = request(Transfer("0xbob", 10**17), Transfer("0xbob", 2_000 * 10**6, "erc20:0xA0b8"))
    with pytest.raises(LimitExceeded):  # the token part is over its limit: nothing is returned
        LIMITS.charges(mixed, {}, NOON)
    ok = request(Transfer("0xbob", 10**17), Transfer("0xbob", 10**6, "erc20:0xA0b8"))
    assert set(LIMITS.charges(ok, {}, NOON)) == {ETH.key, USDC.key}


def test_an_asset_or_network_without_a_limit_is_refused_not_unlimited() -> None:
    with pytest.raises(NoLimitForAsset):
        LIMITS.charges(request(Transfer("0xbob", 1, "erc20:0xdead")), {}, NOON)
    with pytest.raises(NoLimitForAsset):
        LIMITS.charges(request(Transfer("0xbob", 1), network="137"), {}, NOON)  # another EVM chain


def test_change_back_to_the_sender_is_not_spent() -> None:
    btc = DecodedRequest("bitcoin", "main", "bc1qme", (Transfer("bc1qyou", 700), Transfer("bc1qme", 9_000)))
    assert spends_by_asset(btc) == {"native": 700}
    assert limit_key("near", None, "native") == "near::native"


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": -1}, {"period_s": 0}, {"amount": True}, {"chain": ""}, {"asset": ""}, {"network": "1:x"},
    ],
)
def test_bad_limit_definitions_are_refused(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {"chain": "evm", "network": "1", "asset": "native", "amount": 5, "period_s": 60}
    with pytest.raises(LimitDefinitionError):
        SpendingLimit(**{**fields, **bad})  # type: ignore[arg-type]
    with pytest.raises(LimitDefinitionError):
        SpendingLimits((ETH, ETH))


def test_a_negative_amount_cannot_raise_the_allowance() -> None:
    with pytest.raises(LimitExceeded):
        ETH.charged(None, NOON, -5)


@given(
    limit=st.integers(min_value=0, max_value=10**6),
    period_s=st.integers(min_value=1, max_value=10),
    spends=st.lists(st.tuples(st.integers(0, 25), st.integers(0, 4 * 10**5)), max_size=30),
)
def test_property_no_period_ever_exceeds_its_limit(limit: int, period_s: int,
                                                   spends: list[tuple[int, int]]) -> None:
    """Over any sequence of spends at non-decreasing times, the accepted total per period is
    at most the limit, and a spend is refused exactly when it would exceed what remains."""
    rule = SpendingLimit("near", None, "native", limit, period_s)
    state: SpentInPeriod | None = None
    accepted: dict[int, int] = {}
    now = 0
    for step_s, amount in spends:
        now += step_s * NS_PER_S
        fits = amount <= rule.remaining(state, now)
        try:
            state = rule.charged(state, now, amount)
        except LimitExceeded:
            assert not fits
            continue
        assert fits
        accepted[rule.period_at(now)] = accepted.get(rule.period_at(now), 0) + amount
        assert state.spent == accepted[rule.period_at(now)]
    assert all(total <= limit for total in accepted.values())
