"""The mempool: transactions that pass policy and libbitcoinkernel script verification, in order.

Acceptance mirrors the parts of Bitcoin Core's AcceptToMemoryPool a wallet meets: every input
exists and is unspent (on chain or by an earlier mempool transaction), no input is spent twice,
coinbase outputs are mature, amounts add up, the fee meets 1 sat/vB, outputs are standard, the
lock time has passed, and each input's script verifies under the kernel with all consensus flags
(TAPROOT needs the spent outputs, hence PrecomputedTransactionData). Insertion order is a
topological order, so blocks can take the mempool as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pbk

from hot.wire import errors
from hot.localnet.bitcoin.blocks import COINBASE_MATURITY
from hot.localnet.bitcoin.encoding import MAX_MONEY, ParsedTransaction, script_type
from hot.localnet.bitcoin.index import Coin
from hot.localnet.bitcoin.kernel import SCRIPT_FLAGS

MIN_RELAY_FEE_PER_VB = 1  # sat/vB, Bitcoin Core's default -minrelaytxfee
MAX_STANDARD_WEIGHT = 400_000
MAX_OP_RETURN_BYTES = 83
STANDARD_OUTPUT_TYPES = {"p2pkh", "p2sh", "v0_p2wpkh", "v0_p2wsh", "v1_p2tr"}
LOCKTIME_THRESHOLD = 500_000_000
Outpoint = tuple[str, int]
ChainLookup = Callable[[str, int], Coin | None]  # an unspent confirmed output, or None


@dataclass(frozen=True)
class MempoolEntry:
    tx: ParsedTransaction
    fee: int
    spent: tuple[Coin, ...]


@dataclass(frozen=True)
class NextBlock:
    """What the lock-time and maturity rules are checked against: the block being built."""

    height: int
    median_time_past: int


class Mempool:
    """Unconfirmed transactions, keyed by txid, in acceptance order."""

    def __init__(self) -> None:
        self.entries: dict[str, MempoolEntry] = {}
        self._spenders: dict[Outpoint, str] = {}

    def __contains__(self, txid: str) -> bool:
        return txid in self.entries

    def spender_of(self, outpoint: Outpoint) -> str | None:
        return self._spenders.get(outpoint)

    def created_output(self, outpoint: Outpoint) -> Coin | None:
        """An output of a mempool transaction (unconfirmed: height None)."""
        entry = self.entries.get(outpoint[0])
        if entry is None or outpoint[1] >= len(entry.tx.tx.vout):
            return None
        txout = entry.tx.tx.vout[outpoint[1]]
        return Coin(outpoint[0], outpoint[1], txout.value, bytes(txout.script_pubkey.data), None, False)

    def accept(self, tx: ParsedTransaction, chain: ChainLookup, nxt: NextBlock) -> MempoolEntry:
        """Check every rule; on success add the transaction. A refusal changes nothing."""
        if tx.txid in self.entries:
            raise errors.AlreadyKnown(tx.txid)
        if tx.is_coinbase:
            raise errors.MalformedBitcoinTransaction("a coinbase cannot enter the mempool")
        check_standard(tx)
        check_final(tx, nxt)
        spent = tuple(self._resolve_input(tx, i, chain, nxt) for i in range(len(tx.tx.vin)))
        fee = check_amounts(tx, spent)
        verify_scripts(tx, spent)
        entry = MempoolEntry(tx=tx, fee=fee, spent=spent)
        self.entries[tx.txid] = entry
        for coin in spent:
            self._spenders[(coin.txid, coin.vout)] = tx.txid
        return entry

    def _resolve_input(self, tx: ParsedTransaction, index: int, chain: ChainLookup, nxt: NextBlock) -> Coin:
        txin = tx.tx.vin[index]
        outpoint = (txin.txid.hex(), txin.vout)
        if outpoint in self._spenders:
            raise errors.DoubleSpend(f"input {index} ({outpoint[0]}:{outpoint[1]}) spent by {self._spenders[outpoint]}")
        if outpoint in [(t.txid.hex(), t.vout) for t in tx.tx.vin[:index]]:
            raise errors.MalformedBitcoinTransaction(f"input {index} duplicates an earlier input")
        coin = chain(*outpoint) or self.created_output(outpoint)
        if coin is None:
            raise errors.MissingInputs(f"input {index} ({outpoint[0]}:{outpoint[1]}) is unknown or spent")
        if coin.coinbase and coin.height is not None and nxt.height - coin.height < COINBASE_MATURITY:
            raise errors.ImmatureCoinbase(f"input {index} has {nxt.height - coin.height} of 100 confirmations")
        return coin

    def remove(self, txids: list[str]) -> None:
        """Forget transactions (mined, or evicted because a block spent their inputs)."""
        for txid in txids:
            entry = self.entries.pop(txid, None)
            if entry is not None:
                for coin in entry.spent:
                    self._spenders.pop((coin.txid, coin.vout), None)


def check_standard(tx: ParsedTransaction) -> None:
    """Relay policy: versions 1-2, bounded weight, standard output scripts, no dust-free junk."""
    if tx.tx.version not in (1, 2):
        raise errors.NonStandard(f"version {tx.tx.version}")
    if tx.weight > MAX_STANDARD_WEIGHT:
        raise errors.NonStandard(f"weight {tx.weight} > {MAX_STANDARD_WEIGHT}")
    for vout, txout in enumerate(tx.tx.vout):
        script = bytes(txout.script_pubkey.data)
        kind = script_type(script)
        if kind == "op_return":
            if len(script) > MAX_OP_RETURN_BYTES or txout.value != 0:
                raise errors.NonStandard(f"output {vout}: OP_RETURN too large or carries value")
        elif kind not in STANDARD_OUTPUT_TYPES:
            raise errors.NonStandard(f"output {vout}: script type {kind}")


def check_final(tx: ParsedTransaction, nxt: NextBlock) -> None:
    """IsFinalTx: lock time below the next height (or MTP for time locks, BIP113) or all final."""
    locktime = tx.tx.locktime
    if locktime == 0 or all(txin.sequence == 0xFFFFFFFF for txin in tx.tx.vin):
        return
    limit = nxt.height if locktime < LOCKTIME_THRESHOLD else nxt.median_time_past
    if locktime >= limit:
        raise errors.NotFinal(f"lock time {locktime} not before {limit}")


def check_amounts(tx: ParsedTransaction, spent: tuple[Coin, ...]) -> int:
    """Amounts in range, outputs not above inputs, fee at least the minimum relay fee; the fee."""
    outputs = [txout.value for txout in tx.tx.vout]
    if any(v < 0 or v > MAX_MONEY for v in outputs) or sum(outputs) > MAX_MONEY:
        raise errors.ValueOutOfRange("an output amount is out of range")
    fee = sum(c.value for c in spent) - sum(outputs)
    if fee < 0:
        raise errors.ValueOutOfRange(f"outputs exceed inputs by {-fee} sat")
    if fee < MIN_RELAY_FEE_PER_VB * tx.vsize:
        raise errors.InsufficientFee(f"fee {fee} sat < {MIN_RELAY_FEE_PER_VB * tx.vsize} sat for {tx.vsize} vB")
    return fee


def verify_scripts(tx: ParsedTransaction, spent: tuple[Coin, ...]) -> None:
    """Each input's scriptSig/witness against the output it spends, by Bitcoin Core's interpreter."""
    kernel_tx = pbk.Transaction(tx.raw)
    outputs = [pbk.TransactionOutput(pbk.ScriptPubkey(c.script), c.value) for c in spent]
    precomputed = pbk.script.PrecomputedTransactionData(kernel_tx, outputs)
    for index, coin in enumerate(spent):
        try:
            ok = pbk.ScriptPubkey(coin.script).verify(coin.value, kernel_tx, precomputed, index, SCRIPT_FLAGS)
        except pbk.ScriptVerifyException as exc:
            raise errors.ScriptVerificationFailed(f"input {index}: {exc}") from exc
        if not ok:
            raise errors.ScriptVerificationFailed(f"input {index} does not satisfy its output script")
