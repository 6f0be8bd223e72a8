"""One entry of a node's signed log: its canonical bytes, hash and signature (pure, no I/O).

Whitepaper §3.2.3: "Dispute resolution relies on TEE-signed MPC node logs" with timestamps,
gatekeeper requests, validation outcomes, protocol round statuses and errors. A fisherman hands
one entry (its JSON line) and the node's attested signing key to the Controller; the Controller
recomputes the hash with `entry_hash` and checks the signature with `LogEntry.verify`. The node
writes with this module and the Controller's evidence check reads with it (hot.wire: one
definition of the bytes).

Exact bytes (docs/node.md, "Signed log"):
    hashed  = b"hot-protocol/node-log/entry/v1\\n" || canonical_json({"body", "kind", "prev_hash", "seq", "time"})
    hash    = SHA-256(hashed)
    signed  = b"hot-protocol/node-log/signature/v1\\n" || hash          (Ed25519, the node's signing key)
canonical_json is hot.wire.encoding's (ASCII only, no floats, integers within ±(2^53-1)); prev_hash
is lowercase hex; the genesis prev_hash is 32 zero bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from hot.wire.encoding import canonical_json, check_portable, hex_field, parse_strict
from hot.wire.errors import LogEntryInvalid

HASH_TAG = b"hot-protocol/node-log/entry/v1\n"
SIGNATURE_TAG = b"hot-protocol/node-log/signature/v1\n"
GENESIS_PREV_HASH = bytes(32)
MAX_BODY_BYTES = 1 << 20
_LINE_FIELDS = frozenset({"seq", "time", "kind", "body", "prev_hash", "hash", "signature"})


class EntryKind(StrEnum):
    """What a log entry records (whitepaper §3.2.3)."""

    REQUEST = "request"
    DECISION = "decision"
    PROTOCOL = "protocol"
    ERROR = "error"
    ATTESTATION = "attestation"


def check_body(value: Any) -> None:
    """Refuse values whose JSON encoding is not canonical across languages (floats, huge ints)."""
    check_portable(value, error=LogEntryInvalid)


def entry_hash(seq: int, time_ms: int, kind: EntryKind | str, body: Any, prev_hash: bytes) -> bytes:
    """SHA-256 over the tagged canonical encoding of (seq, time, kind, body, prev_hash)."""
    check_body(body)
    hashed = canonical_json(
        {"body": body, "kind": EntryKind(kind).value, "prev_hash": prev_hash.hex(), "seq": seq, "time": time_ms}
    )
    if len(hashed) > MAX_BODY_BYTES:
        raise LogEntryInvalid(f"log entry exceeds {MAX_BODY_BYTES} bytes")
    return hashlib.sha256(HASH_TAG + hashed).digest()


@dataclass(frozen=True)
class LogEntry:
    """A signed, hash-chained record of one request, decision, protocol step or error."""

    seq: int
    time: int
    kind: EntryKind
    body: Any
    prev_hash: bytes
    hash: bytes
    signature: bytes

    @classmethod
    def create(
        cls, seq: int, time_ms: int, kind: EntryKind | str, body: Any, prev_hash: bytes, key: Ed25519PrivateKey
    ) -> LogEntry:
        """Hash and sign a new entry with the node's signing key."""
        digest = entry_hash(seq, time_ms, kind, body, prev_hash)
        return cls(seq, time_ms, EntryKind(kind), body, prev_hash, digest, key.sign(SIGNATURE_TAG + digest))

    def signed_bytes(self) -> bytes:
        """The exact message the Ed25519 signature covers."""
        return SIGNATURE_TAG + self.hash

    def hash_holds(self) -> bool:
        """True when `hash` is the hash of this entry's contents."""
        return entry_hash(self.seq, self.time, self.kind, self.body, self.prev_hash) == self.hash

    def signature_holds(self, public_key: bytes | Ed25519PublicKey) -> bool:
        """True when `signature` is the node key's signature over the tagged hash."""
        try:
            key = Ed25519PublicKey.from_public_bytes(public_key) if isinstance(public_key, bytes) else public_key
            key.verify(self.signature, self.signed_bytes())
        except (ValueError, InvalidSignature):
            return False
        return True

    def verify(self, public_key: bytes | Ed25519PublicKey) -> None:
        """Recompute the hash and check the signature; raise LogEntryInvalid with the reason."""
        if not self.hash_holds():
            raise LogEntryInvalid("hash does not match the entry's contents")
        if not self.signature_holds(public_key):
            raise LogEntryInvalid("signature does not verify under the node's public key")

    def to_json_line(self) -> bytes:
        """The stored form: canonical JSON of all fields (hex for bytes) and a newline."""
        return (
            canonical_json(
                {
                    "body": self.body,
                    "hash": self.hash.hex(),
                    "kind": self.kind.value,
                    "prev_hash": self.prev_hash.hex(),
                    "seq": self.seq,
                    "signature": self.signature.hex(),
                    "time": self.time,
                }
            )
            + b"\n"
        )

    @classmethod
    def from_json_line(cls, line: bytes) -> LogEntry:
        """Parse one stored line strictly: exact fields, no duplicates, canonical bytes."""
        data = parse_strict(line, error=LogEntryInvalid)
        if not isinstance(data, dict) or set(data) != _LINE_FIELDS:
            raise LogEntryInvalid(f"a log line is an object with exactly the fields {sorted(_LINE_FIELDS)}")
        for field in ("seq", "time"):
            if isinstance(data[field], bool) or not isinstance(data[field], int) or data[field] < 0:
                raise LogEntryInvalid(f"{field} must be a non-negative integer")
        try:
            kind = EntryKind(data["kind"])
        except ValueError as exc:
            raise LogEntryInvalid(f"unknown entry kind {data['kind']!r}") from exc
        check_body(data["body"])
        entry = cls(
            seq=data["seq"],
            time=data["time"],
            kind=kind,
            body=data["body"],
            prev_hash=hex_field(data["prev_hash"], 32, "prev_hash", error=LogEntryInvalid),
            hash=hex_field(data["hash"], 32, "hash", error=LogEntryInvalid),
            signature=hex_field(data["signature"], 64, "signature", error=LogEntryInvalid),
        )
        if entry.to_json_line() != line.rstrip(b"\n") + b"\n":
            raise LogEntryInvalid("line is not in canonical encoding")
        return entry


def verify_equivocation(first: LogEntry, second: LogEntry, public_key: bytes) -> None:
    """Accept only a proof that the node signed two different entries at the same position.

    Each entry must verify under the node's key, share `seq`, and differ in hash: an honest,
    append-only log never does that, so the pair is dispute evidence on its own (whitepaper
    §3.2.3). Raises LogEntryInvalid when the pair proves nothing.
    """
    first.verify(public_key)
    second.verify(public_key)
    if first.seq != second.seq:
        raise LogEntryInvalid(f"entries are at different positions ({first.seq} and {second.seq})")
    if first.hash == second.hash:
        raise LogEntryInvalid("the two entries are the same entry")
