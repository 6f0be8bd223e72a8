"""Test Bitcoin pre-images (not a contract): a one-input P2WPKH PSBT with change, and its sighash."""

from __future__ import annotations

from embit import ec, script
from embit.networks import NETWORKS
from embit.psbt import PSBT
from embit.transaction import SIGHASH, Transaction, TransactionInput, TransactionOutput

WALLET_KEY = ec.PrivateKey(b"\x31" * 32)
FRIEND_KEY = ec.PrivateKey(b"\x32" * 32)
WALLET_SPK = script.p2wpkh(WALLET_KEY.get_public_key())
FRIEND_SPK = script.p2wpkh(FRIEND_KEY.get_public_key())
WALLET_ADDRESS = WALLET_SPK.address(NETWORKS["regtest"])
FRIEND_ADDRESS = FRIEND_SPK.address(NETWORKS["regtest"])
FUNDING = 100_000


def spend_psbt(to_friend: int, fee: int = 1_000, funding_txid: bytes = b"\xaa" * 32) -> tuple[bytes, bytes]:
    """(PSBT bytes, sighash of input 0): `to_friend` sats out, the rest minus fee back as change."""
    tx = Transaction(
        vin=[TransactionInput(funding_txid, 0)],
        vout=[TransactionOutput(to_friend, FRIEND_SPK), TransactionOutput(FUNDING - to_friend - fee, WALLET_SPK)],
    )
    psbt = PSBT(tx)
    psbt.inputs[0].witness_utxo = TransactionOutput(FUNDING, WALLET_SPK)
    sighash = tx.sighash_segwit(0, script.p2pkh_from_p2wpkh(WALLET_SPK), FUNDING, SIGHASH.ALL)
    return psbt.serialize(), sighash
