"""Bitcoin wire encodings the localnet needs beyond what embit gives: hashes, varints, weights.

Transactions are parsed with embit and accepted only if they re-serialize to the exact same bytes,
so truncated input, trailing garbage and non-canonical varints are all refused the same way.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from embit.networks import NETWORKS
from embit.script import Script, address_to_scriptpubkey
from embit.transaction import Transaction

from hot.wire.errors import InvalidAddress, MalformedBitcoinTransaction

REGTEST = NETWORKS["regtest"]
MAX_MONEY = 21_000_000 * 100_000_000


def sha256d(data: bytes) -> bytes:
    """Bitcoin's double SHA-256 (txids, block hashes, merkle nodes)."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def compact_size(n: int) -> bytes:
    """CompactSize unsigned integer (Bitcoin's varint in transactions and blocks)."""
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


@dataclass(frozen=True)
class ParsedTransaction:
    """A transaction with the identifiers and sizes the node indexes it by."""

    tx: Transaction
    raw: bytes
    txid: str  # display order (big-endian hex), as Esplora shows it
    wtxid: bytes  # internal order, for the BIP141 witness merkle tree
    weight: int

    @property
    def vsize(self) -> int:
        """Virtual size in vbytes, rounded up (BIP141)."""
        return (self.weight + 3) // 4

    @property
    def is_coinbase(self) -> bool:
        first = self.tx.vin[0]
        return len(self.tx.vin) == 1 and first.txid == b"\x00" * 32 and first.vout == 0xFFFFFFFF


def stripped_bytes(tx: Transaction) -> bytes:
    """The serialization without witness data (what the txid commits to)."""
    out = io.BytesIO()
    out.write(tx.version.to_bytes(4, "little"))
    out.write(compact_size(len(tx.vin)))
    for txin in tx.vin:
        txin.write_to(out)
    out.write(compact_size(len(tx.vout)))
    for txout in tx.vout:
        txout.write_to(out)
    out.write(tx.locktime.to_bytes(4, "little"))
    return out.getvalue()


def parse_transaction(raw: bytes) -> ParsedTransaction:
    """Parse one canonical serialized transaction (BIP144 when it carries witnesses)."""
    try:
        tx = Transaction.read_from(io.BytesIO(raw))
        reserialized = tx.serialize()
    except Exception as exc:  # embit raises a variety of types on junk; all mean "malformed"
        raise MalformedBitcoinTransaction(f"cannot parse: {exc}") from exc
    if reserialized != raw:
        raise MalformedBitcoinTransaction("not a canonical serialization (truncated, trailing or odd bytes)")
    if not tx.vin or not tx.vout:
        raise MalformedBitcoinTransaction("a transaction needs at least one input and one output")
    base = stripped_bytes(tx)
    weight = len(base) * 3 + len(raw)
    return ParsedTransaction(tx=tx, raw=raw, txid=tx.txid().hex(), wtxid=sha256d(raw), weight=weight)


def address_of(script_pubkey: bytes) -> str | None:
    """The regtest address of a P2PKH/P2SH/P2WPKH/P2WSH/P2TR output script, None for others."""
    script = Script(script_pubkey)
    if script.script_type() is None:
        return None
    return str(script.address(REGTEST))


def script_for_address(address: str) -> bytes:
    """The output script of a regtest address; refuses other networks' addresses."""
    try:
        script = address_to_scriptpubkey(address)
    except Exception as exc:
        raise InvalidAddress(f"not a Bitcoin address: {address!r}") from exc
    if address_of(script.data) != address:
        raise InvalidAddress(f"not a regtest address (bcrt1.../m.../n.../2...): {address!r}")
    return bytes(script.data)


def script_type(script_pubkey: bytes) -> str:
    """Esplora's `scriptpubkey_type` names: v0_p2wpkh, v1_p2tr, p2pkh, op_return, unknown..."""
    names = {"p2pkh": "p2pkh", "p2sh": "p2sh", "p2wpkh": "v0_p2wpkh", "p2wsh": "v0_p2wsh", "p2tr": "v1_p2tr"}
    kind = Script(script_pubkey).script_type()
    if kind is not None:
        return names[kind]
    if script_pubkey[:1] == b"\x6a":
        return "op_return"
    return "unknown"


def parse_block(raw_block: bytes) -> tuple[bytes, list[ParsedTransaction]]:
    """Split a serialized block into its 80-byte header and its parsed transactions."""
    stream = io.BytesIO(raw_block)
    header = stream.read(80)
    first = stream.read(1)[0]
    count = first if first < 0xFD else int.from_bytes(stream.read({0xFD: 2, 0xFE: 4, 0xFF: 8}[first]), "little")
    transactions = []
    for _ in range(count):
        start = stream.tell()
        Transaction.read_from(stream)
        transactions.append(parse_transaction(raw_block[start : stream.tell()]))
    return header, transactions
