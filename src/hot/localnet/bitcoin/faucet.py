"""The localnet faucet wallet: a P2WPKH key that receives every coinbase and pays from matured ones.

Coinbase maturity (100 blocks) is handled by set-up: a fresh node mines 101 blocks to this wallet,
so block 1's 50 BTC is spendable at once. A faucet payment is then an ordinary signed transaction
(BIP143 sighash) that goes through the same mempool checks and kernel validation as any other, and
the coins it creates are spendable after one confirmation.
"""

from __future__ import annotations

from collections.abc import Sequence

import coincurve
from embit.script import Script, Witness, p2wpkh
from embit.ec import PublicKey
from embit.transaction import SIGHASH, Transaction, TransactionInput, TransactionOutput

from hot.localnet.bitcoin.encoding import REGTEST
from hot.wire.errors import InsufficientFunds
from hot.localnet.bitcoin.index import Coin

FAUCET_FEE_RATE = 2  # sat/vB: above the 1 sat/vB relay minimum


def p2wpkh_vsize(inputs: int, outputs: int) -> int:
    """Upper bound of a P2WPKH-only transaction's vsize (BIP141 weights, 73-byte DER signatures)."""
    return 11 + 68 * inputs + 31 * outputs


class FaucetWallet:
    """Signs the faucet's payments; the secret lives in the node's index (a regtest-only key)."""

    def __init__(self, secret: bytes) -> None:
        self._key = coincurve.PrivateKey(secret)
        self.public_key = self._key.public_key.format(compressed=True)
        self.script = bytes(p2wpkh(PublicKey.parse(self.public_key)).data)
        self.address = str(Script(self.script).address(REGTEST))

    def pay(self, coins: Sequence[Coin], script_pubkey: bytes, amount: int) -> bytes:
        """A signed transaction paying `amount` to `script_pubkey`, change back to the faucet."""
        chosen: list[Coin] = []
        for coin in coins:
            chosen.append(coin)
            fee = FAUCET_FEE_RATE * p2wpkh_vsize(len(chosen), 2)
            if sum(c.value for c in chosen) >= amount + fee:
                break
        else:
            raise InsufficientFunds(f"the faucet cannot pay {amount} sat from {len(coins)} spendable outputs")
        change = sum(c.value for c in chosen) - amount - fee
        outputs = [TransactionOutput(amount, Script(script_pubkey))]
        if change >= 1000:  # below that the change would cost more than it is worth; it goes to fees
            outputs.append(TransactionOutput(change, Script(self.script)))
        tx = Transaction(version=2, vin=[TransactionInput(bytes.fromhex(c.txid), c.vout) for c in chosen], vout=outputs)
        script_code = Script(b"\x76\xa9\x14" + self.script[2:] + b"\x88\xac")  # BIP143 P2WPKH scriptCode
        for index, coin in enumerate(chosen):
            sighash = tx.sighash_segwit(index, script_code, coin.value, SIGHASH.ALL)
            signature = self._key.sign(sighash, hasher=None) + bytes([SIGHASH.ALL])
            tx.vin[index].witness = Witness([signature, self.public_key])
        return bytes(tx.serialize())
