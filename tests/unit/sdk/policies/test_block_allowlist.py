"""Destination allowlists over decoded requests (real EVM pre-images and hand-made requests)."""

from __future__ import annotations

import pytest
from hot.sdk.policies.allowlist import AllowedCall, Allowlist, Destination
from hot.wire.errors import AllowlistDefinitionError, CallNotAllowed, DestinationNotAllowed
from hot.sdk.policies.decode import ContractCall, DecodedRequest, Transfer, decode

from tests.support.evm_tx import (
    ERC20_APPROVE,
    ERC20_TRANSFER,
    RECIPIENT,
    STRANGER,
    TOKEN,
    eip1559,
    erc20_call,
    msg_hash,
)

ALLOWLIST = Allowlist(
    destinations=(Destination("evm", RECIPIENT.lower()), Destination("bitcoin", "bc1qfriend")),
    calls=(AllowedCall("evm", TOKEN, ERC20_TRANSFER),),
)


def evm(payload: bytes) -> DecodedRequest:
    return decode("evm", payload, msg_hash(payload))


def test_native_and_token_transfers_to_an_allowed_destination_pass() -> None:
    assert ALLOWLIST.allows(evm(eip1559(RECIPIENT, 10**17)))  # case-insensitive EVM match
    ALLOWLIST.require_allowed(evm(eip1559(TOKEN, 0, erc20_call(ERC20_TRANSFER, RECIPIENT, 5))))


def test_a_stranger_is_refused_for_native_value_and_for_tokens() -> None:
    with pytest.raises(DestinationNotAllowed):
        ALLOWLIST.require_allowed(evm(eip1559(STRANGER, 1)))
    with pytest.raises(DestinationNotAllowed):
        ALLOWLIST.require_allowed(evm(eip1559(TOKEN, 0, erc20_call(ERC20_TRANSFER, STRANGER, 5))))


def test_calls_not_named_are_refused_even_without_a_transfer() -> None:
    approve = evm(eip1559(TOKEN, 0, erc20_call(ERC20_APPROVE, STRANGER, 2**256 - 1)))
    assert approve.transfers == ()  # an unlimited approve moves nothing yet...
    with pytest.raises(CallNotAllowed):  # ...and is still refused
        ALLOWLIST.require_allowed(approve)
    near = DecodedRequest("near", None, "me.near", (), (ContractCall("me.near", "action:add_key"),))
    assert not ALLOWLIST.allows(near)


def test_change_and_zero_value_op_return_pass_but_valued_unaddressed_outputs_do_not() -> None:
    change = DecodedRequest("bitcoin", "main", "bc1qme", (Transfer("bc1qfriend", 5), Transfer("bc1qme", 9)))
    assert ALLOWLIST.allows(change)
    assert ALLOWLIST.allows(DecodedRequest("bitcoin", "main", "bc1qme", (Transfer(None, 0),)))
    assert not ALLOWLIST.allows(DecodedRequest("bitcoin", "main", "bc1qme", (Transfer(None, 1),)))
    # the same address string on another chain family is not allowed
    assert not ALLOWLIST.allows(DecodedRequest("solana", None, "me", (Transfer("bc1qfriend", 1),)))


def test_an_empty_allowlist_allows_nothing_but_change_and_bad_entries_are_refused() -> None:
    assert not Allowlist().allows(evm(eip1559(RECIPIENT, 1)))
    with pytest.raises(AllowlistDefinitionError):
        Allowlist((Destination("evm", ""),))
    with pytest.raises(AllowlistDefinitionError):
        Allowlist(calls=(AllowedCall("evm", TOKEN, ""),))
    with pytest.raises(AllowlistDefinitionError):
        Allowlist(tuple(Destination("near", f"a{i}.near") for i in range(257)))
