"""Typed failures of the regtest Bitcoin localnet (STYLE.md habit 5).

A rejected transaction or block changes nothing: the mempool, the index and the kernel's chainstate
stay as they were. Every rejection carries a short `reason` code (what Bitcoin Core's
`testmempoolaccept` would call the reject reason) that the Esplora API returns with HTTP 400.
"""

from __future__ import annotations

from hot.wire.errors import EncodingError, HotError


class BitcoinError(HotError):
    """Base of every failure of the localnet Bitcoin node."""

    code = "bitcoin_error"


class InvalidAddress(BitcoinError, EncodingError):
    """An address is malformed or belongs to another network than the node's."""

    code = "invalid_address"


class TransactionRejected(BitcoinError):
    """The mempool refused a transaction; `reason` says which rule it broke."""

    code = "tx_rejected"
    reason = "rejected"

    def __init__(self, message: str = "") -> None:
        super().__init__(f"{self.reason}: {message}" if message else self.reason)


class MalformedTransaction(TransactionRejected, EncodingError):
    """The bytes are not one canonical serialized transaction."""

    reason = "tx-malformed"


class MissingInputs(TransactionRejected):
    """An input spends an output that does not exist or is already spent on chain."""

    reason = "missing-inputs"


class DoubleSpend(TransactionRejected):
    """An input spends an output that another mempool transaction already spends."""

    reason = "txn-mempool-conflict"


class AlreadyKnown(TransactionRejected):
    """The transaction is already in the mempool or in a block."""

    reason = "txn-already-known"


class ImmatureCoinbase(TransactionRejected):
    """A coinbase output is spent before 100 confirmations (consensus, COINBASE_MATURITY)."""

    reason = "bad-txns-premature-spend-of-coinbase"


class NonStandard(TransactionRejected):
    """The transaction is valid by consensus but outside the relay policy (standardness)."""

    reason = "non-standard"


class ValueOutOfRange(TransactionRejected):
    """Outputs spend more than the inputs hold, or an amount is out of range."""

    reason = "bad-txns-in-belowout"


class InsufficientFee(TransactionRejected):
    """The fee is below the minimum relay fee rate (1 sat/vB, Bitcoin Core's default)."""

    reason = "min-relay-fee-not-met"


class ScriptVerificationFailed(TransactionRejected):
    """An input's script (signature, witness) did not verify under libbitcoinkernel."""

    reason = "mandatory-script-verify-flag-failed"


class NotFinal(TransactionRejected):
    """The transaction's lock time is in the future (BIP113 / nLockTime)."""

    reason = "non-final"


class BlockRejected(BitcoinError):
    """Bitcoin Core's consensus code (through py-bitcoinkernel) refused a block."""

    code = "block_rejected"


class KernelUnavailable(BitcoinError):
    """libbitcoinkernel could not open the chainstate (another process holds the data dir)."""

    code = "kernel_unavailable"


class InsufficientFunds(BitcoinError):
    """The faucet's matured coins cannot pay the requested amount."""

    code = "insufficient_funds"


class TransactionNotFound(BitcoinError):
    """No transaction with that txid in the chain or the mempool."""

    code = "tx_not_found"
