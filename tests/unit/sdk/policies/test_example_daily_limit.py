"""The daily-limit-with-allowlist example on the in-process chain: approve-then-sign over EVM pre-images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hot.examples.policies.daily_limit
import pytest
from hot.sdk import hostcrypto
from hot.sdk.testing import LocalAccount, TestChain, reverts
from py_near import transactions as near_actions
from py_near_primitives import Transaction

from .contracts.bitcoin_tx import FRIEND_ADDRESS, spend_psbt
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
from tests.support.signers import Member, b58, payload, verify_args

CONTRACT = Path(hot.examples.policies.daily_limit.__file__).parent / "contract.py"
OWNER, THIEF = Member("owner", "ed25519", 51), Member("owner", "ed25519", 52)
ETH = 10**18
NEAR = 10**24
TOKEN_ASSET = f"erc20:{TOKEN}"


@pytest.fixture
def wallet(hot_chain: TestChain) -> LocalAccount:
    app = hot_chain.create_account("daily")
    app.deploy(CONTRACT, init="new", args={
        "owner": OWNER.json(),
        "limits": [
            {"chain": "evm", "network": "1", "asset": "native", "amount": ETH, "period_s": 86_400},
            {"chain": "evm", "network": "1", "asset": TOKEN_ASSET, "amount": 500, "period_s": 86_400},
            {"chain": "near", "network": None, "asset": "native", "amount": 5 * NEAR, "period_s": 86_400},
            {"chain": "bitcoin", "network": "regtest", "asset": "native", "amount": 50_000, "period_s": 86_400},
        ],
        "destinations": [
            {"chain": "evm", "address": RECIPIENT},
            {"chain": "near", "address": "bob.near"},
            {"chain": "bitcoin", "address": FRIEND_ADDRESS},
        ],
        "calls": [{"chain": "evm", "target": TOKEN, "method": ERC20_TRANSFER}],
    })
    return app


@pytest.fixture
def relayer(hot_chain: TestChain) -> LocalAccount:
    return hot_chain.create_account("relayer")  # anyone may submit: the owner's signature is the authority


def approve_args(
    preimage: bytes, digest: bytes | None = None, signer: Member = OWNER, chain: str = "evm"
) -> dict[str, Any]:
    digest = msg_hash(preimage) if digest is None else digest
    return {"chain": chain, "preimage": preimage.hex(), "msg_hash": b58(digest),
            "owner_signature": signer.sign(digest).hex()}


def verifies(wallet: LocalAccount, preimage: bytes, *signers: Member) -> bool:
    digest = msg_hash(preimage)
    return wallet.view("hot_verify", verify_args(digest, payload(digest, *signers))) is True


def test_an_approved_spend_within_the_limit_verifies_with_the_owner_signature(wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    tx = eip1559(RECIPIENT, 6 * 10**17)
    assert not verifies(wallet, tx, OWNER)  # not approved yet: hot_verify alone never allows
    result = relayer.call(wallet, "approve", approve_args(tx))
    assert result.value["spent"] == {"native": 6 * 10**17}
    assert result.events[0]["data"]["msg_hash"] == b58(msg_hash(tx))
    assert verifies(wallet, tx, OWNER)
    assert not verifies(wallet, tx)  # the owner's signature is still required
    assert not verifies(wallet, tx, THIEF)
    assert wallet.view("remaining", {"chain": "evm", "network": "1", "asset": "native"}) == 4 * 10**17


def test_over_the_limit_is_refused_and_charges_nothing_until_the_next_day(hot_chain, wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    relayer.call(wallet, "approve", approve_args(eip1559(RECIPIENT, 7 * 10**17)))
    second = eip1559(RECIPIENT, 4 * 10**17, nonce=8)
    with reverts("E_LIMIT_EXCEEDED"):
        relayer.call(wallet, "approve", approve_args(second))
    assert not verifies(wallet, second, OWNER)
    assert wallet.view("remaining", {"chain": "evm", "network": "1", "asset": "native"}) == 3 * 10**17
    hot_chain.time_travel(86_400)  # the next aligned day
    relayer.call(wallet, "approve", approve_args(second))
    assert verifies(wallet, second, OWNER)


def test_tokens_are_limited_from_the_decoded_calldata(wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    small = eip1559(TOKEN, 0, erc20_call(ERC20_TRANSFER, RECIPIENT, 500))
    relayer.call(wallet, "approve", approve_args(small))
    with reverts("E_LIMIT_EXCEEDED"):
        relayer.call(wallet, "approve", approve_args(eip1559(TOKEN, 0, erc20_call(ERC20_TRANSFER, RECIPIENT, 1), 9)))


@pytest.mark.parametrize(
    ("preimage", "code"),
    [
        (eip1559(STRANGER, 1), "E_DESTINATION_NOT_ALLOWED"),
        (eip1559(TOKEN, 0, erc20_call(ERC20_TRANSFER, STRANGER, 1)), "E_DESTINATION_NOT_ALLOWED"),
        (eip1559(TOKEN, 0, erc20_call(ERC20_APPROVE, STRANGER, 2**256 - 1)), "E_CALL_NOT_ALLOWED"),
        (eip1559(RECIPIENT, 1, chain_id=137), "E_NO_LIMIT"),  # a chain without a limit: refused
        (b"\x02\xc0\x01", "E_MALFORMED_TRANSACTION"),
    ],
)
def test_requests_outside_the_policy_are_refused_with_a_code(wallet, relayer, preimage: bytes, code: str) -> None:  # type: ignore[no-untyped-def]
    with reverts(code):
        relayer.call(wallet, "approve", approve_args(preimage))
    assert not verifies(wallet, preimage, OWNER)


def test_a_preimage_of_another_transaction_is_refused(wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    """The classic attack: show a small harmless transaction, get the big one signed."""
    big, harmless = eip1559(STRANGER, 100 * ETH), eip1559(RECIPIENT, 1)
    with reverts("E_PREIMAGE_MISMATCH"):
        relayer.call(wallet, "approve", approve_args(harmless, digest=msg_hash(big)))
    assert not verifies(wallet, big, OWNER)


def test_only_the_owner_approves_once_and_a_client_amount_is_not_an_argument(wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    tx = eip1559(RECIPIENT, 10**17)
    with reverts("E_NOT_OWNER"):
        relayer.call(wallet, "approve", approve_args(tx, signer=THIEF))
    with reverts("E_BAD_REQUEST"):
        relayer.call(wallet, "approve", {**approve_args(tx), "msg_hash": "0OIl"})
    with reverts("E_BAD_ARGS"):  # there is no way to tell the contract an amount
        relayer.call(wallet, "approve", {**approve_args(tx), "amount": 1})
    relayer.call(wallet, "approve", approve_args(tx))
    with reverts("E_ALREADY_APPROVED"):  # charging the same spend twice
        relayer.call(wallet, "approve", approve_args(tx))


def test_malformed_hot_verify_arguments_are_denials(wallet) -> None:  # type: ignore[no-untyped-def]
    digest = msg_hash(eip1559(RECIPIENT, 1))
    for user_payload in ("", "null", "[]", '{"signatures": {"owner": "zz"}}'):
        assert wallet.view("hot_verify", verify_args(digest, user_payload)) is False
    assert wallet.view("hot_verify", {**verify_args(digest, payload(digest, OWNER)), "msg_hash": "x"}) is False


def near_tx(*actions: object) -> bytes:
    """A borsh NEAR transaction from the wallet's NEAR account; msg_hash = sha256(borsh)."""
    return bytes(Transaction("me.near", bytes(32), 3, "bob.near", b"\x0b" * 32, list(actions)).serialize())


def test_the_same_contract_limits_near_transfers(hot_chain, wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    three = near_tx(near_actions.create_transfer_action(3 * NEAR))
    digest = hostcrypto.sha256(three)
    relayer.call(wallet, "approve", approve_args(three, digest=digest, chain="near"))
    assert wallet.view("hot_verify", verify_args(digest, payload(digest, OWNER))) is True
    again = near_tx(near_actions.create_transfer_action(3 * NEAR), near_actions.create_transfer_action(0))
    with reverts("E_LIMIT_EXCEEDED"):  # 3 + 3 > 5 NEAR today
        relayer.call(wallet, "approve", approve_args(again, digest=hostcrypto.sha256(again), chain="near"))
    takeover = near_tx(near_actions.create_full_access_key_action(bytes(32)))
    with reverts("E_CALL_NOT_ALLOWED"):  # an AddKey hands over the account without a transfer
        relayer.call(wallet, "approve", approve_args(takeover, digest=hostcrypto.sha256(takeover), chain="near"))


def test_why_approve_is_a_call_hot_verify_cannot_record_a_spend(hot_chain: TestChain) -> None:
    naive = hot_chain.create_account("naive")
    naive.deploy(Path(__file__).parent / "contracts" / "naive_limit.py", init="new")
    digest = msg_hash(eip1559(RECIPIENT, 1))
    with reverts("E_PROHIBITED_IN_VIEW"):  # a view that writes fails, so it can never allow
        naive.view("hot_verify", verify_args(digest, ""))


def test_bitcoin_change_is_not_spent_and_the_sighash_must_match(wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    psbt, sighash = spend_psbt(30_000)  # 30k to the friend, 69k change back to the wallet
    args = {**approve_args(psbt, digest=sighash, chain="bitcoin"), "input_index": 0, "network": "regtest"}
    assert relayer.call(wallet, "approve", args).value["spent"] == {"native": 30_000}
    assert wallet.view("hot_verify", verify_args(sighash, payload(sighash, OWNER))) is True
    assert wallet.view("remaining", {"chain": "bitcoin", "network": "regtest", "asset": "native"}) == 20_000
    more, more_sighash = spend_psbt(25_000, funding_txid=b"\xbb" * 32)
    with reverts("E_LIMIT_EXCEEDED"):
        relayer.call(wallet, "approve", {**approve_args(more, digest=more_sighash, chain="bitcoin"),
                                         "input_index": 0, "network": "regtest"})
    small, _ = spend_psbt(1_000, funding_txid=b"\xcc" * 32)
    with reverts("E_PREIMAGE_MISMATCH"):  # a small PSBT shown for the big spend's sighash
        relayer.call(wallet, "approve", {**approve_args(small, digest=more_sighash, chain="bitcoin"),
                                         "input_index": 0, "network": "regtest"})
