"""Solana messages built with solders, decoded back; the msg_hash is the message bytes themselves."""

from __future__ import annotations

import pytest
from hot.sdk import hostcrypto
from hot.sdk.policies.decode import (
    MalformedTransaction,
    PreimageMismatch,
    UnsupportedTransaction,
    decode,
)
from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.compute_budget import set_compute_unit_limit
from solders.hash import Hash
from solders.instruction import CompiledInstruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.system_program import (
    ID as SYSTEM,
)
from solders.system_program import (
    AssignParams,
    CreateAccountParams,
    TransferParams,
    assign,
    create_account,
    transfer,
)
from solders.transaction import VersionedTransaction

PAYER = Keypair.from_seed(bytes([1] * 32))
ALICE = PAYER.pubkey()
BOB = Keypair.from_seed(bytes([2] * 32)).pubkey()
BLOCKHASH = Hash(bytes([9] * 32))


def pay(lamports: int, to: Pubkey = BOB) -> object:
    return transfer(TransferParams(from_pubkey=ALICE, to_pubkey=to, lamports=lamports))


def test_signed_bytes_are_the_message_and_a_transfer_decodes() -> None:
    message = Message.new_with_blockhash([pay(5000)], ALICE, BLOCKHASH)
    preimage = bytes(message)
    tx = VersionedTransaction(message, [PAYER])
    assert hostcrypto.ed25519_verify(bytes(ALICE), preimage, bytes(tx.signatures[0]))
    request = decode("solana", preimage, preimage)
    assert (request.chain, request.sender) == ("solana", str(ALICE))
    assert [(t.sender, t.to, t.amount, t.asset) for t in request.transfers] == [(str(ALICE), str(BOB), 5000, "native")]
    assert [(c.target, c.method) for c in request.calls] == [(str(SYSTEM), "transfer")]
    assert request.raw["version"] == "legacy"


def test_v0_message_with_other_programs_lists_every_call() -> None:
    new_account = Pubkey(bytes([5] * 32))
    instructions = [
        set_compute_unit_limit(200_000),
        pay(7),
        create_account(
            CreateAccountParams(from_pubkey=ALICE, to_pubkey=new_account, lamports=11, space=0, owner=SYSTEM)
        ),
        assign(AssignParams(pubkey=ALICE, owner=new_account)),
    ]
    message = MessageV0.try_compile(ALICE, instructions, [], BLOCKHASH)
    preimage = to_bytes_versioned(message)
    request = decode("solana", preimage, preimage)
    assert [(t.to, t.amount) for t in request.transfers] == [(str(BOB), 7), (str(new_account), 11)]
    assert [c.method for c in request.calls][1:] == ["transfer", "create_account", "assign"]
    assert request.calls[0].target == "ComputeBudget111111111111111111111111111111"
    assert request.raw["version"] == "v0" and len(request.raw["program_ids"]) == 2


def test_sha256_of_the_message_is_not_the_signed_bytes() -> None:
    preimage = bytes(Message.new_with_blockhash([pay(1)], ALICE, BLOCKHASH))
    with pytest.raises(PreimageMismatch):
        decode("solana", preimage, hostcrypto.sha256(preimage))
    other = bytes(Message.new_with_blockhash([pay(2)], ALICE, BLOCKHASH))
    with pytest.raises(PreimageMismatch):
        decode("solana", other, preimage)


def test_lookup_table_accounts_are_unsupported() -> None:
    table = AddressLookupTableAccount(Pubkey(bytes([7] * 32)), [BOB])
    message = MessageV0.try_compile(ALICE, [pay(3)], [table], BLOCKHASH)
    preimage = to_bytes_versioned(message)
    with pytest.raises(UnsupportedTransaction):
        decode("solana", preimage, preimage)


def compiled_message(program_index: int, accounts: bytes, data: bytes) -> bytes:
    """A legacy message assembled field by field, so a test can put any index in an instruction."""
    instruction = CompiledInstruction(program_index, data, accounts)
    message = Message.new_with_compiled_instructions(1, 0, 1, [ALICE, BOB, SYSTEM], BLOCKHASH, [instruction])
    return bytes(message)


def test_compiled_message_helper_builds_a_decodable_transfer() -> None:
    preimage = compiled_message(2, bytes([0, 1]), bytes(pay(9).data))
    assert decode("solana", preimage, preimage).transfers[0].amount == 9


@pytest.mark.parametrize(
    "preimage",
    [
        b"",
        bytes(Message.new_with_blockhash([pay(1)], ALICE, BLOCKHASH)) + b"\x00",  # trailing byte
        bytes(Message.new_with_blockhash([pay(1)], ALICE, BLOCKHASH))[:-5],  # truncated
        compiled_message(5, bytes([0, 1]), bytes(pay(9).data)),  # program index outside the keys
        compiled_message(2, bytes([0, 9]), bytes(pay(9).data)),  # account index outside the keys
        compiled_message(2, bytes([0]), bytes(pay(9).data)),  # transfer with one account
        compiled_message(2, bytes([0, 1]), bytes(pay(9).data)[:6]),  # transfer data cut short
    ],
)
def test_malformed_messages_are_typed_errors(preimage: bytes) -> None:
    with pytest.raises(MalformedTransaction):
        decode("solana", preimage, preimage)
