"""One entry of the node's signed log: its canonical bytes, hash and signature (pure, no I/O).

Whitepaper §3.2.3: "Dispute resolution relies on TEE-signed MPC node logs" with timestamps,
gatekeeper requests, validation outcomes, protocol round statuses and errors. A fisherman hands
one entry (its JSON line) and the node's attested signing key to the Controller; the Controller
recomputes the hash with `entry_hash` and checks the signature with `LogEntry.verify`. Both are
pure functions so contracts can import this module.

Exact bytes (docs/node.md, "Signed log"):
    hashed  = b"hot-protocol/node-log/entry/v1\\n" || canonical_json({"body", "kind", "prev_hash", "seq", "time"})
    hash    = SHA-256(hashed)
    signed  = b"hot-protocol/node-log/signature/v1\\n" || hash          (Ed25519, the node's signing key)
canonical_json: keys sorted, separators "," and ":", ASCII only (\\uXXXX escapes), no floats,
integers in (-2^53, 2^53); prev_hash is lowercase hex; genesis prev_hash is 32 zero bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from hot.errors import HotError

HASH_TAG = b"hot-protocol/node-log/entry/v1\n"
SIGNATURE_TAG = b"hot-protocol/node-log/signature/v1\n"
GENESIS_PREV_HASH = bytes(32)
MAX_BODY_BYTES = 1 << 20
_MAX_SAFE_INT = 2**53
_MAX_DEPTH = 32
_LINE_FIELDS = frozenset({"seq", "time", "kind", "body", "prev_hash", "hash", "signature"})


class LogEntryInvalid(HotError):
    """A log entry is malformed, non-canonical, or its hash or signature does not check."""

    code = "log_entry_invalid"


class EntryKind(StrEnum):
    """What a log entry records (whitepaper §3.2.3)."""

    REQUEST = "request"
    DECISION = "decision"
    PROTOCOL = "protocol"
    ERROR = "error"
    ATTESTATION = "attestation"


def check_body(value: Any, depth: int = 0) -> None:
    """Refuse values whose JSON encoding is not canonical across languages (floats, huge ints)."""
    if depth > _MAX_DEPTH:
        raise LogEntryInvalid(f"log body nests deeper than {_MAX_DEPTH}")
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        if not -_MAX_SAFE_INT < value < _MAX_SAFE_INT:
            raise LogEntryInvalid("log body integers must be within ±2^53; encode larger ones as strings")
        return
    if isinstance(value, list):
        for item in value:
            check_body(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise LogEntryInvalid("log body object keys must be strings")
            check_body(item, depth + 1)
        return
    raise LogEntryInvalid(f"log body cannot hold {type(value).__name__} (floats and bytes have no canonical JSON)")


def canonical_json(value: Any) -> bytes:
    """The one canonical JSON encoding used for hashing and for the stored line."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def entry_hash(seq: int, time_ms: int, kind: EntryKind | str, body: Any, prev_hash: bytes) -> bytes:
    """SHA-256 over the tagged canonical encoding of (seq, time, kind, body, prev_hash)."""
    check_body(body)
    hashed = canonical_json(
        {"body": body, "kind": EntryKind(kind).value, "prev_hash": prev_hash.hex(), "seq": seq, "time": time_ms}
    )
    if len(hashed) > MAX_BODY_BYTES:
        raise LogEntryInvalid(f"log entry exceeds {MAX_BODY_BYTES} bytes")
    return hashlib.sha256(HASH_TAG + hashed).digest()


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise LogEntryInvalid(f"duplicate key {key!r} in log line")
        result[key] = value
    return result


def _reject_float(text: str) -> Any:
    raise LogEntryInvalid(f"float {text} in log line")


def _hex(value: Any, length: int, field: str) -> bytes:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != length or raw.hex() != value:
        raise LogEntryInvalid(f"{field} must be {length} bytes of lowercase hex")
    return raw


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

    def verify(self, public_key: bytes | Ed25519PublicKey) -> None:
        """Recompute the hash and check the signature; raise LogEntryInvalid with the reason."""
        if entry_hash(self.seq, self.time, self.kind, self.body, self.prev_hash) != self.hash:
            raise LogEntryInvalid("hash does not match the entry's contents")
        try:
            key = Ed25519PublicKey.from_public_bytes(public_key) if isinstance(public_key, bytes) else public_key
        except ValueError as exc:
            raise LogEntryInvalid(f"not an Ed25519 public key: {exc}") from exc
        try:
            key.verify(self.signature, self.signed_bytes())
        except InvalidSignature as exc:
            raise LogEntryInvalid("signature does not verify under the node's public key") from exc

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
        try:
            data = json.loads(line, object_pairs_hook=_reject_duplicate_keys, parse_float=_reject_float)
        except (ValueError, RecursionError) as exc:
            raise LogEntryInvalid(f"line is not JSON: {exc}") from exc
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
            prev_hash=_hex(data["prev_hash"], 32, "prev_hash"),
            hash=_hex(data["hash"], 32, "hash"),
            signature=_hex(data["signature"], 64, "signature"),
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
