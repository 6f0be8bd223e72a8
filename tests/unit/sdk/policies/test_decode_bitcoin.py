"""Bitcoin pre-images (raw transaction + prevouts, or PSBT) decoded; sighashes proven by consensus.

The client side computes sighashes with embit and python-bitcointx; signatures made over the
sighash the decoder accepts are checked by libbitcoinkernel (py-bitcoinkernel), so "accepted
msg_hash" and "what Bitcoin consensus verifies" are shown to be the same thing.
"""

from __future__ import annotations

import pbk
import pytest
from bitcointx.core import CMutableTransaction, CMutableTxIn, CMutableTxOut, COutPoint
from bitcointx.core.script import (
    SIGHASH_ALL,
    SIGVERSION_WITNESS_V0,
    CScript,
    SignatureHash,
)
from embit import ec, script
from embit.psbt import PSBT
from embit.script import Script, Witness
from embit.transaction import SIGHASH, Transaction, TransactionInput, TransactionOutput
from hot.sdk.policies.decode import (
    DecodeError,
    MalformedTransaction,
    PreimageMismatch,
    UnsupportedChain,
    UnsupportedTransaction,
    decode,
)
from hot.sdk.policies.decode.bitcoin import sighash_batch_commitment

KEYS = [ec.PrivateKey(bytes([i + 1]) * 32) for i in range(3)]
SPKS = [
    script.p2wpkh(KEYS[0].get_public_key()),
    script.p2tr(KEYS[1].get_public_key()),
    script.p2pkh(KEYS[2].get_public_key()),
]
AMOUNTS = [50_000, 60_000, 70_000]
DEST = script.address_to_scriptpubkey("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
PREVOUTS = [(spk.data, amount) for spk, amount in zip(SPKS, AMOUNTS)]


def previous_tx(i: int) -> Transaction:
    """A funding transaction whose output i pays SPKS[i] (for the PSBT's non_witness_utxo)."""
    outs = [TransactionOutput(1, Script(b"\x6a")) for _ in range(i)] + [TransactionOutput(AMOUNTS[i], SPKS[i])]
    return Transaction(vin=[TransactionInput(bytes([0xEE]) * 32, i)], vout=outs)


def spend() -> Transaction:
    vin = [TransactionInput(previous_tx(i).txid(), i) for i in range(3)]
    vout = [
        TransactionOutput(100_000, DEST),
        TransactionOutput(79_000, SPKS[0]),
        TransactionOutput(0, Script(b"\x6a\x02hi")),
    ]
    return Transaction(vin=vin, vout=vout)


def client_sighashes(tx: Transaction) -> list[bytes]:
    """What a wallet computes for each input: BIP143, BIP341 key path (DEFAULT), legacy."""
    return [
        tx.sighash_segwit(0, script.p2pkh_from_p2wpkh(SPKS[0]), AMOUNTS[0], SIGHASH.ALL),
        tx.sighash_taproot(1, SPKS, AMOUNTS, SIGHASH.DEFAULT),
        tx.sighash_legacy(2, SPKS[2], SIGHASH.ALL),
    ]


def consensus_accepts(tx: Transaction, sighashes: list[bytes]) -> bool:
    """Sign every input over the given sighashes and let libbitcoinkernel judge the spend."""
    signed = Transaction.parse(tx.serialize())
    der0 = KEYS[0].sign(sighashes[0]).serialize() + b"\x01"
    signed.vin[0].witness = Witness([der0, KEYS[0].get_public_key().serialize()])
    signed.vin[1].witness = Witness([KEYS[1].taproot_tweak(b"").schnorr_sign(sighashes[1]).serialize()])
    der2 = KEYS[2].sign(sighashes[2]).serialize() + b"\x01"
    signed.vin[2].script_sig = Script(bytes([len(der2)]) + der2 + b"\x21" + KEYS[2].get_public_key().serialize())
    flags = pbk.ScriptVerificationFlags
    all_flags = (
        flags.P2SH
        | flags.DERSIG
        | flags.NULLDUMMY
        | flags.CHECKLOCKTIMEVERIFY
        | flags.CHECKSEQUENCEVERIFY
        | flags.WITNESS
        | flags.TAPROOT
    )
    kernel_tx = pbk.Transaction(signed.serialize())
    spent = [pbk.TransactionOutput(pbk.ScriptPubkey(s.data), a) for s, a in zip(SPKS, AMOUNTS)]
    precomputed = pbk.script.PrecomputedTransactionData(kernel_tx, spent)
    return all(
        pbk.ScriptPubkey(SPKS[i].data).verify(AMOUNTS[i], kernel_tx, precomputed, i, all_flags) == 1 for i in range(3)
    )


def test_each_input_sighash_is_accepted_and_is_what_consensus_verifies() -> None:
    tx = spend()
    sighashes = client_sighashes(tx)
    assert consensus_accepts(tx, sighashes)
    for i, sighash in enumerate(sighashes):
        request = decode("bitcoin", tx.serialize(), sighash, input_index=i, prevouts=PREVOUTS, network="regtest")
        assert request.sender == SPKS[i].address(script.NETWORKS["regtest"])
        assert request.raw["signed_inputs"] == [i]
    assert [(t.to, t.amount) for t in request.transfers] == [
        ("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", 100_000),
        (SPKS[0].address(script.NETWORKS["regtest"]), 79_000),
        (None, 0),  # OP_RETURN has no address
    ]
    first = decode("bitcoin", tx.serialize(), sighashes[0], input_index=0, prevouts=PREVOUTS, network="regtest")
    assert first.total(exclude_to=first.sender) == 100_000  # change back to the sender is not spent


def test_bip143_sighash_matches_python_bitcointx() -> None:
    tx = CMutableTransaction([CMutableTxIn(COutPoint(b"\x07" * 32, 0))], [CMutableTxOut(40_000, CScript(DEST.data))])
    script_code = CScript(script.p2pkh_from_p2wpkh(SPKS[0]).data)
    sighash = SignatureHash(script_code, tx, 0, SIGHASH_ALL, amount=AMOUNTS[0], sigversion=SIGVERSION_WITNESS_V0)
    request = decode("bitcoin", tx.serialize(), sighash, input_index=0, prevouts=PREVOUTS[:1], network="main")
    assert (
        request.transfers[0].to == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
        and request.transfers[0].amount == 40_000
    )


def test_batch_commitment_covers_every_input() -> None:
    tx = spend()
    commitment = sighash_batch_commitment(client_sighashes(tx))
    request = decode("bitcoin", tx.serialize(), commitment, prevouts=PREVOUTS, network="regtest")
    assert request.raw["signed_inputs"] == [0, 1, 2] and request.sender is None
    with pytest.raises(PreimageMismatch):
        decode("bitcoin", tx.serialize(), client_sighashes(tx)[0], prevouts=PREVOUTS, network="regtest")


def test_wrong_input_wrong_amount_or_other_outputs_are_refused() -> None:
    tx = spend()
    sighashes = client_sighashes(tx)
    with pytest.raises(PreimageMismatch):
        decode("bitcoin", tx.serialize(), sighashes[0], input_index=1, prevouts=PREVOUTS, network="regtest")
    lying = [(PREVOUTS[0][0], AMOUNTS[0] + 1), *PREVOUTS[1:]]
    with pytest.raises(PreimageMismatch):
        decode("bitcoin", tx.serialize(), sighashes[0], input_index=0, prevouts=lying, network="regtest")
    tx.vout[0].value += 1
    with pytest.raises(PreimageMismatch):
        decode("bitcoin", tx.serialize(), sighashes[0], input_index=0, prevouts=PREVOUTS, network="regtest")


def make_psbt(legacy_prev: Transaction | None = None) -> PSBT:
    psbt = PSBT(spend())
    psbt.inputs[0].witness_utxo = TransactionOutput(AMOUNTS[0], SPKS[0])
    psbt.inputs[1].witness_utxo = TransactionOutput(AMOUNTS[1], SPKS[1])
    psbt.inputs[2].non_witness_utxo = legacy_prev or previous_tx(2)
    return psbt


def test_psbt_decodes_like_the_raw_transaction() -> None:
    psbt = make_psbt()
    sighashes = client_sighashes(spend())
    from_psbt = decode("bitcoin", psbt.serialize(), sighashes[2], input_index=2, network="regtest")
    from_raw = decode("bitcoin", spend().serialize(), sighashes[2], input_index=2, prevouts=PREVOUTS, network="regtest")
    assert from_psbt == from_raw


def test_psbt_refusals() -> None:
    sighashes = client_sighashes(spend())
    forged_prev = previous_tx(2)
    forged_prev.vout[2].value += 1  # the full previous tx no longer hashes to the outpoint
    with pytest.raises(MalformedTransaction):
        decode("bitcoin", make_psbt(forged_prev).serialize(), sighashes[2], input_index=2)
    with pytest.raises(MalformedTransaction):
        decode("bitcoin", make_psbt().serialize(), sighashes[0], input_index=0, prevouts=PREVOUTS)
    single = make_psbt()
    single.inputs[0].sighash_type = SIGHASH.NONE  # would leave outputs uncommitted
    with pytest.raises(UnsupportedTransaction):
        decode("bitcoin", single.serialize(), sighashes[0], input_index=0)
    missing = make_psbt()
    missing.inputs[1].witness_utxo = None
    with pytest.raises(MalformedTransaction):
        decode("bitcoin", missing.serialize(), sighashes[0], input_index=0)


def test_unsupported_script_and_network() -> None:
    p2wsh = script.p2wsh(script.p2pkh(KEYS[0].get_public_key()))
    tx = Transaction(vin=[TransactionInput(b"\x01" * 32, 0)], vout=[TransactionOutput(1, DEST)])
    with pytest.raises(UnsupportedTransaction):
        decode("bitcoin", tx.serialize(), b"\x00" * 32, input_index=0, prevouts=[(p2wsh.data, 5)])
    with pytest.raises(UnsupportedChain):
        decode("bitcoin", tx.serialize(), b"\x00" * 32, input_index=0, prevouts=[(p2wsh.data, 5)], network="litecoin")


def test_bad_context_is_a_typed_error() -> None:
    raw = spend().serialize()
    with pytest.raises(DecodeError):
        decode("bitcoin", raw, b"\x00" * 32, input_index="0", prevouts=PREVOUTS)
    with pytest.raises(UnsupportedChain):
        decode("bitcoin", raw, b"\x00" * 32, input_index=0, prevouts=PREVOUTS, network=["main"])
    for prevouts in (5, [PREVOUTS[0][0], *PREVOUTS[1:]], [(PREVOUTS[0][0], True), *PREVOUTS[1:]]):
        with pytest.raises(MalformedTransaction):
            decode("bitcoin", raw, b"\x00" * 32, input_index=0, prevouts=prevouts)


def signed_spend() -> bytes:
    tx = spend()
    tx.vin[0].witness = Witness([b"\x30" * 71, b"\x02" * 33])
    return tx.serialize()


@pytest.mark.parametrize(
    ("preimage", "prevouts", "index"),
    [
        (b"", PREVOUTS, 0),
        (spend().serialize()[:-3], PREVOUTS, 0),  # truncated
        (spend().serialize() + b"\x00", PREVOUTS, 0),  # trailing byte
        (spend().serialize(), None, 0),  # no prevouts
        (spend().serialize(), PREVOUTS[:2], 0),  # one prevout short
        (spend().serialize(), [("76a9", 5), *PREVOUTS[1:]], 0),  # script as str
        (spend().serialize(), [(PREVOUTS[0][0], -1), *PREVOUTS[1:]], 0),  # negative amount
        (spend().serialize(), PREVOUTS, 3),  # no such input
        (signed_spend(), PREVOUTS, 0),  # already signed: not a signing pre-image
        (b"psbt\xff" + b"\x00" * 10, None, 0),  # broken PSBT
        (PSBT(Transaction(vin=[], vout=[TransactionOutput(1, DEST)])).serialize(), None, None),  # no inputs
    ],
)
def test_malformed_bitcoin_preimages(preimage: bytes, prevouts: list[tuple[bytes, int]] | None, index: int | None) -> None:
    with pytest.raises(MalformedTransaction):
        decode("bitcoin", preimage, b"\x00" * 32, input_index=index, prevouts=prevouts, network="regtest")
