"""Regtest block assembly: coinbase (BIP34 height), witness commitment (BIP141), merkle root, PoW.

python-bitcointx has no block type, so blocks are serialized here by hand. Nothing in this module
decides validity: every block it makes is judged by Bitcoin Core's consensus code (kernel.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from embit.script import Script, Witness
from embit.transaction import Transaction, TransactionInput, TransactionOutput

from hot.localnet.bitcoin.encoding import ParsedTransaction, compact_size, parse_transaction, sha256d

REGTEST_BITS = 0x207FFFFF  # regtest powLimit; fPowNoRetargeting keeps it constant
BLOCK_VERSION = 0x20000000  # BIP9 version bits, no deployment signalled
HALVING_INTERVAL = 150  # regtest nSubsidyHalvingInterval
COINBASE_MATURITY = 100  # consensus: a coinbase output is spendable 100 blocks later
WITNESS_COMMITMENT_HEADER = bytes.fromhex("aa21a9ed")
WITNESS_RESERVED_VALUE = b"\x00" * 32


def block_subsidy(height: int) -> int:
    """New coins a block at `height` may create (GetBlockSubsidy with regtest's halving interval)."""
    halvings = height // HALVING_INTERVAL
    return 0 if halvings >= 64 else (50 * 100_000_000) >> halvings


def script_num_push(n: int) -> bytes:
    """The script that pushes `n` the way `CScript() << n` does (BIP34 compares these bytes)."""
    if n == 0:
        return b"\x00"
    if 1 <= n <= 16:
        return bytes([0x50 + n])
    body = bytearray()
    value = n
    while value:
        body.append(value & 0xFF)
        value >>= 8
    if body[-1] & 0x80:
        body.append(0)
    return bytes([len(body)]) + bytes(body)


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """Bitcoin's merkle root over internal-order hashes (odd levels duplicate the last node)."""
    level = list(leaves)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def witness_commitment_script(transactions: Sequence[ParsedTransaction]) -> bytes:
    """OP_RETURN aa21a9ed || SHA256d(witness root || reserved value) (BIP141, coinbase wtxid = 0)."""
    root = merkle_root([b"\x00" * 32] + [t.wtxid for t in transactions])
    return b"\x6a\x24" + WITNESS_COMMITMENT_HEADER + sha256d(root + WITNESS_RESERVED_VALUE)


def build_coinbase(
    height: int, payout_script: bytes, fees: int, transactions: Sequence[ParsedTransaction]
) -> ParsedTransaction:
    """The coinbase of a block at `height`: subsidy plus fees to `payout_script`.

    scriptSig starts with the BIP34 height push; a tag keeps it within the 2..100 byte rule.
    """
    script_sig = script_num_push(height) + b"\x03hot"
    txin = TransactionInput(b"\x00" * 32, 0xFFFFFFFF, Script(script_sig), 0xFFFFFFFF, Witness([WITNESS_RESERVED_VALUE]))
    outputs = [
        TransactionOutput(block_subsidy(height) + fees, Script(payout_script)),
        TransactionOutput(0, Script(witness_commitment_script(transactions))),
    ]
    tx = Transaction(version=2, vin=[txin], vout=outputs, locktime=0)
    return parse_transaction(tx.serialize())


@dataclass(frozen=True)
class BlockTemplate:
    """What goes into the next block; `mine` turns it into serialized bytes with valid PoW."""

    prev_hash: bytes  # internal byte order
    height: int
    time: int
    coinbase: ParsedTransaction
    transactions: tuple[ParsedTransaction, ...]

    def header(self, nonce: int) -> bytes:
        """The 80-byte header (version, prev, merkle root, time, bits, nonce)."""
        root = merkle_root([bytes.fromhex(t.txid)[::-1] for t in (self.coinbase, *self.transactions)])
        return (
            BLOCK_VERSION.to_bytes(4, "little")
            + self.prev_hash
            + root
            + self.time.to_bytes(4, "little")
            + REGTEST_BITS.to_bytes(4, "little")
            + nonce.to_bytes(4, "little")
        )


def target_from_bits(bits: int) -> int:
    """The compact nBits target as an integer."""
    exponent, mantissa = bits >> 24, bits & 0x7FFFFF
    return mantissa << (8 * (exponent - 3))


def mine(template: BlockTemplate) -> tuple[bytes, bytes]:
    """Grind the nonce until the header meets regtest's target; returns (block hash, raw block).

    At regtest difficulty about one nonce in two succeeds, so this loop ends in a few tries.
    """
    target = target_from_bits(REGTEST_BITS)
    for nonce in range(2**32):
        header = template.header(nonce)
        block_hash = sha256d(header)
        if int.from_bytes(block_hash, "little") <= target:
            txs = (template.coinbase, *template.transactions)
            return block_hash, header + compact_size(len(txs)) + b"".join(t.raw for t in txs)
    raise RuntimeError("nonce space exhausted at regtest difficulty")  # unreachable in practice
