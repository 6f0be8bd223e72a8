"""The dispatcher's own refusals, and fuzzing: any bytes give a request or a typed DecodeError."""

from __future__ import annotations

import json

import pytest
import rlp
from embit import ec, script
from embit.psbt import PSBT
from embit.transaction import Transaction, TransactionInput, TransactionOutput
from hot.sdk import hostcrypto
from hot.sdk.policies.decode import (
    DecodedRequest,
    DecodeError,
    MalformedTransaction,
    PreimageMismatch,
    UnsupportedChain,
    decode,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from py_near import transactions as near_tx
from py_near_primitives import Transaction as NearTransaction
from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.system_program import TransferParams, transfer

ALICE = Keypair.from_seed(bytes([1] * 32)).pubkey()
SPK = script.p2wpkh(ec.PrivateKey(b"\x01" * 32).get_public_key())


def near_tx_bytes() -> bytes:
    args = json.dumps({"receiver_id": "bob.near", "amount": "5"}).encode()
    actions = [near_tx.create_transfer_action(7), near_tx.create_function_call_action("ft_transfer", args, 10**13, 1)]
    return bytes(NearTransaction("alice.near", b"\x05" * 32, 1, "usdt.near", b"\x0b" * 32, actions).serialize())


def bitcoin_tx() -> Transaction:
    return Transaction(vin=[TransactionInput(b"\x07" * 32, 0)], vout=[TransactionOutput(5, SPK)])


def bitcoin_psbt_bytes() -> bytes:
    psbt = PSBT(bitcoin_tx())
    psbt.inputs[0].witness_utxo = TransactionOutput(10, SPK)
    return psbt.serialize()


# chain -> (a valid pre-image, how that chain derives msg_hash from the bytes)
SAMPLES = {
    "evm": (
        b"\x02" + rlp.encode([1, 0, 1, 2, 21000, b"\xab" * 20, 5, b"\xa9\x05\x9c\xbb" + bytes(64), []]),
        hostcrypto.keccak256,
    ),
    "solana": (
        bytes(
            Message.new_with_blockhash(
                [transfer(TransferParams(from_pubkey=ALICE, to_pubkey=ALICE, lamports=1))], ALICE, Hash(bytes(32))
            )
        ),
        bytes,
    ),
    "near": (near_tx_bytes(), hostcrypto.sha256),
}


def test_dispatcher_refusals() -> None:
    with pytest.raises(UnsupportedChain):
        decode("dogecoin", b"\x00", b"\x00" * 32)
    with pytest.raises(DecodeError):
        decode("evm", SAMPLES["evm"][0], hostcrypto.keccak256(SAMPLES["evm"][0]), input_index=0)
    with pytest.raises(MalformedTransaction):
        decode("near", "not bytes", b"\x00" * 32)  # type: ignore[arg-type]
    with pytest.raises(PreimageMismatch):
        decode("near", SAMPLES["near"][0], "not bytes")  # type: ignore[arg-type]


def test_samples_decode() -> None:
    for chain, (preimage, hasher) in SAMPLES.items():
        assert decode(chain, preimage, hasher(preimage)).chain == chain


def mutate(data: st.DataObject, preimage: bytes) -> bytes:
    """Flip a few bytes and maybe cut or extend: reaches deeper into the parsers than pure noise."""
    out = bytearray(preimage)
    for _ in range(data.draw(st.integers(0, 4))):
        out[data.draw(st.integers(0, len(out) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(out)))
    return bytes(out[:cut]) + data.draw(st.binary(max_size=4))


def assert_typed(chain: str, preimage: bytes, msg_hash: bytes, **ctx: object) -> None:
    try:
        result = decode(chain, preimage, msg_hash, **ctx)
    except DecodeError:
        return
    assert isinstance(result, DecodedRequest)
    assert all(t.amount >= 0 for t in result.transfers)


@pytest.mark.parametrize("chain", sorted(SAMPLES))
@settings(max_examples=120)
@given(data=st.data())
def test_mutated_preimages_give_typed_results(chain: str, data: st.DataObject) -> None:
    preimage, hasher = SAMPLES[chain]
    mutated = mutate(data, preimage)
    assert_typed(chain, mutated, hasher(mutated))


@settings(max_examples=120)
@given(data=st.data(), use_psbt=st.booleans(), batch=st.booleans())
def test_mutated_bitcoin_preimages_give_typed_results(data: st.DataObject, use_psbt: bool, batch: bool) -> None:
    preimage = bitcoin_psbt_bytes() if use_psbt else bitcoin_tx().serialize()
    mutated = mutate(data, preimage)
    prevouts = None if mutated.startswith(b"psbt\xff") else [(SPK.data, 10)]
    assert_typed("bitcoin", mutated, b"\x00" * 32, input_index=None if batch else 0, prevouts=prevouts)


@settings(max_examples=60)
@given(noise=st.binary(max_size=300), chain=st.sampled_from(["evm", "solana", "near"]))
def test_random_bytes_give_typed_results(noise: bytes, chain: str) -> None:
    assert_typed(chain, noise, SAMPLES[chain][1](noise))
