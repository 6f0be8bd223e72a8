"""NEAR transactions built and signed with py-near, decoded back; msg_hash = sha256(borsh(tx))."""

from __future__ import annotations

import json

import base58
import pytest
from hot.sdk import hostcrypto
from hot.sdk.policies.decode import (
    MalformedTransaction,
    PreimageMismatch,
    UnsupportedTransaction,
    decode,
)
from nacl.signing import SigningKey
from py_near import transactions as near_tx
from py_near_primitives import DeleteAccountAction, Transaction

KEY = SigningKey(b"\x05" * 32)
PUBLIC = bytes(KEY.verify_key)
BLOCK = b"\x0b" * 32


def build(actions: list[object], receiver: str = "usdt.tether-token.near", signer: str = "alice.near") -> bytes:
    return bytes(Transaction(signer, PUBLIC, 17, receiver, BLOCK, actions).serialize())


def ft_transfer(args: object, deposit: int = 1) -> object:
    return near_tx.create_function_call_action("ft_transfer", json.dumps(args).encode(), 30 * 10**12, deposit)


def test_msg_hash_is_what_py_near_signs() -> None:
    actions = [near_tx.create_transfer_action(10**24)]
    preimage = build(actions)
    secret = base58.b58encode(bytes(KEY) + PUBLIC).decode()
    assert (
        near_tx.calc_trx_hash("alice.near", secret, "usdt.tether-token.near", 17, actions, BLOCK)
        == base58.b58encode(hostcrypto.sha256(preimage)).decode()
    )
    signed = bytes(
        Transaction("alice.near", PUBLIC, 17, "usdt.tether-token.near", BLOCK, actions).to_vec(bytes(KEY) + PUBLIC)
    )
    assert signed[: len(preimage)] == preimage and signed[len(preimage)] == 0  # borsh Signature::ED25519
    assert hostcrypto.ed25519_verify(PUBLIC, hostcrypto.sha256(preimage), signed[len(preimage) + 1 :])


def test_transfers_deposits_and_nep141() -> None:
    preimage = build(
        [near_tx.create_transfer_action(10**24), ft_transfer({"receiver_id": "bob.near", "amount": "2500000"})]
    )
    request = decode("near", preimage, hostcrypto.sha256(preimage))
    assert (request.chain, request.sender) == ("near", "alice.near")
    assert [(t.to, t.amount, t.asset) for t in request.transfers] == [
        ("usdt.tether-token.near", 10**24, "native"),
        ("usdt.tether-token.near", 1, "native"),  # the 1 yocto attached to ft_transfer
        ("bob.near", 2500000, "nep141:usdt.tether-token.near"),
    ]
    assert [(c.target, c.method, c.deposit) for c in request.calls] == [("usdt.tether-token.near", "ft_transfer", 1)]
    assert request.raw["public_key"] == "ed25519:" + base58.b58encode(PUBLIC).decode()
    assert request.raw["nonce"] == 17 and request.raw["block_hash"] == base58.b58encode(BLOCK).decode()


def test_account_actions_are_calls_a_transfer_policy_must_refuse() -> None:
    other = bytes(SigningKey(b"\x06" * 32).verify_key)
    preimage = build(
        [
            near_tx.create_create_account_action(),
            near_tx.create_full_access_key_action(other),
            near_tx.create_function_call_access_key_action(other, 10**24, "app.near", ["play"]),
            near_tx.create_function_call_access_key_action(other, None, "app.near", []),
            near_tx.create_delete_access_key_action(PUBLIC),
            near_tx.create_staking_action(10**24, other),
            near_tx.create_deploy_contract_action(b"\x00asm\x01\x00\x00\x00"),
            DeleteAccountAction("eve.near"),
        ],
        receiver="alice.near",
    )
    request = decode("near", preimage, hostcrypto.sha256(preimage))
    assert request.transfers == ()
    assert [c.method for c in request.calls] == [
        "action:create_account",
        "action:add_key",
        "action:add_key",
        "action:add_key",
        "action:delete_key",
        "action:stake",
        "action:deploy_contract",
        "action:delete_account",
    ]


def test_another_transactions_hash_is_refused() -> None:
    preimage = build([near_tx.create_transfer_action(1)])
    with pytest.raises(PreimageMismatch):
        decode("near", build([near_tx.create_transfer_action(10**27)]), hostcrypto.sha256(preimage))
    with pytest.raises(PreimageMismatch):
        decode("near", preimage, preimage[:32])


def test_delegate_action_is_unsupported() -> None:
    preimage = bytearray(build([near_tx.create_transfer_action(1)]))
    preimage[-17] = 8  # the Transfer tag (3) before its u128 deposit becomes Delegate (8)
    with pytest.raises(UnsupportedTransaction):
        decode("near", bytes(preimage), hostcrypto.sha256(bytes(preimage)))


def with_byte(preimage: bytes, index: int, value: int) -> bytes:
    changed = bytearray(preimage)
    changed[index] = value
    return bytes(changed)


TRANSFER_TX = build([near_tx.create_transfer_action(1)])


@pytest.mark.parametrize(
    "preimage",
    [
        b"",
        TRANSFER_TX[:-1],  # truncated deposit
        TRANSFER_TX + b"\x00",  # trailing byte
        with_byte(TRANSFER_TX, -17, 42),  # no such action
        with_byte(TRANSFER_TX, 4, 0xFF),  # signer id is not UTF-8
        with_byte(TRANSFER_TX, 14, 7),  # no such public key type
        build([ft_transfer({"receiver_id": "bob.near", "amount": 5})]),  # amount must be a string
        build([ft_transfer({"receiver_id": "bob.near", "amount": "-5"})]),
        build([ft_transfer({"amount": "5"})]),
        build([near_tx.create_function_call_action("ft_transfer_call", b"not json", 10**12, 1)]),
    ],
)
def test_malformed_transactions_are_typed_errors(preimage: bytes) -> None:
    with pytest.raises(MalformedTransaction):
        decode("near", preimage, hostcrypto.sha256(preimage))
