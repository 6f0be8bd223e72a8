"""The address index and the kernel's script checks beyond P2WPKH: P2TR key path and P2PKH."""

from __future__ import annotations

import pytest
from embit.ec import PrivateKey
from embit.script import Script, p2pkh, p2tr
from embit.transaction import SIGHASH, Transaction, TransactionInput, TransactionOutput

from hot.localnet.bitcoin import BitcoinNode
from hot.wire import errors
from hot.localnet.bitcoin.encoding import REGTEST

KEY = PrivateKey(b"\x05" * 32)
OTHER = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def _spend_one(node: BitcoinNode, address: str) -> tuple[Transaction, int, Script]:
    coin = node.utxos(address)[0]
    script = Script(coin.script)
    tx = Transaction(
        version=2,
        vin=[TransactionInput(bytes.fromhex(coin.txid), coin.vout)],
        vout=[TransactionOutput(coin.value - 500, Script.from_address(OTHER))],
    )
    return tx, coin.value, script


def test_p2tr_key_path_spend_is_indexed_and_verified_with_taproot_rules(node: BitcoinNode) -> None:
    address = p2tr(KEY.get_public_key()).address(REGTEST)
    assert address.startswith("bcrt1p")
    node.faucet_pay(address, 40_000)
    assert [c.value for c in node.utxos(address)] == [40_000]
    tx, value, script = _spend_one(node, address)
    digest = tx.sighash_taproot(0, [script], [value], SIGHASH.DEFAULT)
    tweaked = KEY.taproot_tweak(b"")
    good = tweaked.schnorr_sign(digest).serialize()
    tx.vin[0].witness.items = [bytes(64)]  # a zero signature first: BIP340 says no
    with pytest.raises(errors.ScriptVerificationFailed):
        node.submit_transaction(bytes(tx.serialize()))
    tx.vin[0].witness.items = [good]
    node.submit_transaction(bytes(tx.serialize()))
    node.mine(1)
    assert node.utxos(address) == [] and [c.value for c in node.utxos(OTHER)] == [39_500]


def test_p2pkh_legacy_spend_is_indexed_and_verified(node: BitcoinNode) -> None:
    address = p2pkh(KEY.get_public_key()).address(REGTEST)
    assert address[0] in "mn"
    node.faucet_pay(address, 40_000)
    tx, _, script = _spend_one(node, address)
    digest = tx.sighash_legacy(0, script, SIGHASH.ALL)
    signature = KEY.sign(digest).serialize() + bytes([SIGHASH.ALL])
    script_sig = Script()
    script_sig.push(signature)
    script_sig.push(KEY.get_public_key().sec())
    tx.vin[0].script_sig = script_sig
    node.submit_transaction(bytes(tx.serialize()))
    node.mine(1)
    assert node.utxos(address) == []
