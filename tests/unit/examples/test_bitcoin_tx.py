"""The wallet's Bitcoin spends without a node: every signature checked before use, low-s, refusals.

A coincurve key stands in for the MPC network (tests only). The spend on the regtest localnet, over
its Esplora API, is tests/integration/examples/test_bitcoin_tx.py.
"""

from __future__ import annotations

import coincurve
import pytest
from embit.transaction import Transaction

from hot.wire.errors import EncodingError, InsufficientFunds, InvalidSignature, WalletError
from hot.examples.passkey_wallet.bitcoin_tx import SECP256K1_ORDER, Utxo, build_p2wpkh_spend, to_low_s_der

MPC_STAND_IN = coincurve.PrivateKey(b"\x42" * 32)
WALLET_KEY = MPC_STAND_IN.public_key.format()
MERCHANT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def test_finish_checks_every_signature_before_use() -> None:
    utxos = [Utxo("11" * 32, 0, 50_000), Utxo("22" * 32, 1, 50_000)]
    unsigned = build_p2wpkh_spend(utxos, WALLET_KEY, MERCHANT, 70_000, fee_rate=1)
    good = [MPC_STAND_IN.sign_recoverable(h, hasher=None)[:64] for h in unsigned.sighashes]
    with pytest.raises(InvalidSignature):
        unsigned.finish(good[:1])
    with pytest.raises(InvalidSignature):
        unsigned.finish(list(reversed(good)))  # each signature belongs to its own input
    with pytest.raises(InvalidSignature):
        unsigned.finish([good[0], b"\x30\x01"])
    assert Transaction.parse(bytes.fromhex(unsigned.finish(good))).txid().hex() == unsigned.txid


def test_high_s_signatures_are_normalised_to_low_s() -> None:
    sighash = b"\x01" * 32
    compact = MPC_STAND_IN.sign_recoverable(sighash, hasher=None)[:64]
    r, s = int.from_bytes(compact[:32], "big"), int.from_bytes(compact[32:], "big")
    high = r.to_bytes(32, "big") + (SECP256K1_ORDER - s).to_bytes(32, "big")
    assert to_low_s_der(high) == to_low_s_der(compact)
    assert coincurve.PublicKey(WALLET_KEY).verify(to_low_s_der(high), sighash, hasher=None)
    with pytest.raises(InvalidSignature):
        to_low_s_der(b"\x00" * 64)


def test_building_refuses_what_cannot_be_paid_or_sent() -> None:
    utxos = [Utxo("11" * 32, 0, 10_000)]
    with pytest.raises(InsufficientFunds):
        build_p2wpkh_spend(utxos, WALLET_KEY, MERCHANT, 9_900, fee_rate=2)
    with pytest.raises(EncodingError):  # a mainnet address on a regtest wallet
        build_p2wpkh_spend(utxos, WALLET_KEY, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 1_000, fee_rate=1)
    with pytest.raises(EncodingError):
        build_p2wpkh_spend(utxos, b"\x02" + b"\x00" * 32, MERCHANT, 1_000, fee_rate=1)
    with pytest.raises(WalletError):
        build_p2wpkh_spend(utxos, WALLET_KEY, MERCHANT, 100, fee_rate=1)  # dust
    dust_change = build_p2wpkh_spend(utxos, WALLET_KEY, MERCHANT, 10_000 - 110 - 300, fee_rate=1)
    assert len(dust_change.tx.vout) == 1 and dust_change.fee == 110 + 300
