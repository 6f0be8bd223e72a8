"""Mempool acceptance: each rule has a transaction that breaks it, and a refusal changes nothing."""

from __future__ import annotations

import coincurve
import pytest
from embit.script import Script
from embit.transaction import Transaction, TransactionOutput

from hot.localnet.bitcoin import BitcoinNode
from hot.wire import errors
from hot.localnet.bitcoin.encoding import parse_transaction

from tests.support.bitcoin_fixtures import StandInKey

OTHER = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def _state(node: BitcoinNode, key: StandInKey) -> tuple[object, ...]:
    return (node.height, tuple(node.mempool.entries), tuple(node.utxos(key.address)), node.index.mempool_raw())


def test_a_signed_spend_is_accepted_with_its_fee_and_mined(node: BitcoinNode, funded_key: StandInKey) -> None:
    raw = bytes.fromhex(funded_key.spend(node, OTHER, 30_000, fee_rate=3))
    entry = node.submit_transaction(raw)
    assert entry.fee == 100_000 - 30_000 - sum(o.value for o in entry.tx.tx.vout[1:])
    assert entry.fee >= 3 * entry.tx.vsize
    assert node.transaction(entry.tx.txid).block is None
    node.mine(1)
    assert node.transaction(entry.tx.txid).block is not None
    assert [c.value for c in node.utxos(OTHER)] == [30_000]


def test_chained_unconfirmed_spends_are_accepted_and_mined_in_order(node: BitcoinNode, funded_key: StandInKey) -> None:
    first = node.submit_transaction(bytes.fromhex(funded_key.spend(node, OTHER, 20_000)))
    second = node.submit_transaction(bytes.fromhex(funded_key.spend(node, OTHER, 20_000)))
    assert second.spent[0].txid == first.tx.txid and second.spent[0].height is None
    node.mine(1)
    assert len(node.utxos(OTHER)) == 2 and not node.mempool.entries


def _tamper_signature(raw: bytes) -> bytes:
    tx = Transaction.parse(raw)
    sig = bytearray(tx.vin[0].witness.items[0])
    sig[10] ^= 1
    tx.vin[0].witness.items[0] = bytes(sig)
    return bytes(tx.serialize())


def _tamper_amount(raw: bytes) -> bytes:
    tx = Transaction.parse(raw)
    tx.vout[0].value -= 1  # the signature no longer commits to the outputs
    return bytes(tx.serialize())


def _nonstandard_output(raw: bytes) -> bytes:
    tx = Transaction.parse(raw)
    tx.vout.append(TransactionOutput(0, Script(b"\x51")))  # bare OP_TRUE
    return bytes(tx.serialize())


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (_tamper_signature, errors.ScriptVerificationFailed),
        (_tamper_amount, errors.ScriptVerificationFailed),
        (_nonstandard_output, errors.NonStandard),
        (lambda raw: raw[:-1], errors.MalformedBitcoinTransaction),
        (lambda raw: raw + b"\x00", errors.MalformedBitcoinTransaction),
        (lambda raw: b"junk", errors.MalformedBitcoinTransaction),
    ],
)
def test_broken_transactions_are_refused_and_change_nothing(
    node: BitcoinNode, funded_key: StandInKey, mutate: object, error: type[Exception]
) -> None:
    raw = bytes.fromhex(funded_key.spend(node, OTHER, 30_000))
    before = _state(node, funded_key)
    with pytest.raises(error):
        node.submit_transaction(mutate(raw))  # type: ignore[operator]
    assert _state(node, funded_key) == before


def test_double_spend_in_the_mempool_is_refused(node: BitcoinNode, funded_key: StandInKey) -> None:
    first = funded_key.spend(node, OTHER, 30_000)
    node.submit_transaction(bytes.fromhex(first))
    tx = Transaction.parse(bytes.fromhex(first))
    tx.vout[0].value -= 500  # the same coin, a different payment
    with pytest.raises(errors.DoubleSpend):
        node.submit_transaction(_resign(funded_key, node, tx))
    assert list(node.mempool.entries) == [parse_transaction(bytes.fromhex(first)).txid]


def _resign(key: StandInKey, node: BitcoinNode, tx: Transaction) -> bytes:
    from embit.transaction import SIGHASH

    script_code = Script(b"\x76\xa9\x14" + _hash160(key.public) + b"\x88\xac")
    for i, txin in enumerate(tx.vin):
        coin = node.index.output(txin.txid.hex(), txin.vout)
        assert coin is not None
        digest = tx.sighash_segwit(i, script_code, coin[0].value, SIGHASH.ALL)
        txin.witness.items[0] = key.private.sign(digest, hasher=None) + b"\x01"
    return bytes(tx.serialize())


def _hash160(data: bytes) -> bytes:
    from embit.hashes import hash160

    return bytes(hash160(data))


def test_spending_an_output_already_spent_in_a_block_is_refused(node: BitcoinNode, funded_key: StandInKey) -> None:
    raw = bytes.fromhex(funded_key.spend(node, OTHER, 30_000))
    node.submit_transaction(raw)
    node.mine(1)
    with pytest.raises(errors.AlreadyKnown):
        node.submit_transaction(raw)
    tx = Transaction.parse(raw)
    tx.vout[0].value -= 700
    with pytest.raises(errors.MissingInputs):
        node.submit_transaction(_resign(funded_key, node, tx))


def test_resubmitting_a_mempool_transaction_is_refused(node: BitcoinNode, funded_key: StandInKey) -> None:
    raw = bytes.fromhex(funded_key.spend(node, OTHER, 30_000))
    node.submit_transaction(raw)
    with pytest.raises(errors.AlreadyKnown):
        node.submit_transaction(raw)


def test_fee_below_the_relay_minimum_is_refused(node: BitcoinNode, funded_key: StandInKey) -> None:
    tx = Transaction.parse(bytes.fromhex(funded_key.spend(node, OTHER, 30_000)))
    tx.vout[1].value = 100_000 - 30_000 - 50  # 50 sat fee for ~110 vB
    with pytest.raises(errors.InsufficientFee):
        node.submit_transaction(_resign(funded_key, node, tx))


def test_outputs_above_inputs_are_refused(node: BitcoinNode, funded_key: StandInKey) -> None:
    tx = Transaction.parse(bytes.fromhex(funded_key.spend(node, OTHER, 30_000)))
    tx.vout[0].value = 100_001
    with pytest.raises(errors.ValueOutOfRange):
        node.submit_transaction(_resign(funded_key, node, tx))


def test_a_future_lock_time_is_refused(node: BitcoinNode, funded_key: StandInKey) -> None:
    tx = Transaction.parse(bytes.fromhex(funded_key.spend(node, OTHER, 30_000)))
    tx.locktime = node.height + 5
    tx.vin[0].sequence = 0xFFFFFFFE
    with pytest.raises(errors.NotFinal):
        node.submit_transaction(_resign(funded_key, node, tx))


def test_an_immature_coinbase_cannot_be_spent(node: BitcoinNode, key: StandInKey) -> None:
    node.mine(1, address=key.address)  # a fresh coinbase paying the key, 1 confirmation
    with pytest.raises(errors.ImmatureCoinbase):
        node.submit_transaction(bytes.fromhex(key.spend(node, OTHER, 30_000)))
    node.mine(99)
    node.submit_transaction(bytes.fromhex(key.spend(node, OTHER, 30_000)))  # 100 confirmations: mature


def test_a_wrong_key_cannot_spend(node: BitcoinNode, funded_key: StandInKey) -> None:
    thief = StandInKey(coincurve.PrivateKey(b"\x09" * 32))
    tx = Transaction.parse(bytes.fromhex(funded_key.spend(node, OTHER, 30_000)))
    tx.vin[0].witness.items[1] = thief.public
    with pytest.raises(errors.ScriptVerificationFailed):
        node.submit_transaction(_resign(thief, node, tx))
