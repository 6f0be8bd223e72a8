"""The node's keystore: key shares and presignatures, AEAD-encrypted at rest in SQLite.

Promises (ARCHITECTURE.md, Security promises; near-mpc-security-review-notes, ToB #4 and #10):
- every record is sealed with XChaCha20-Poly1305 under a key derived by HKDF-SHA256 from the
  node's master key (never a bare hash: ToB #5), with the record's identity
  (participant, domain, epoch, kind, record_id) as associated data, so a ciphertext copied into
  another row does not decrypt (ToB #4, "ciphertext swapping");
- nonces are 192 random bits per encryption: no counter to persist or roll back, and the chance
  of any collision among 2^48 records is below 2^-96 (ToB #10 was a 96-bit random nonce);
- a presignature leaves the store only through `take_presignature`, which durably marks it used
  (and drops its ciphertext) in a committed, fsync'ed transaction before the plaintext is
  returned: a crash after that can lose a presignature but never reuse one (ARCHITECTURE.md,
  Protocol choices: "single-use and erased durably before its share is sent");
- the database (and its -wal/-shm files, which SQLite creates with the database's mode) is 0600.

In a TEE the master key would be sealed to the enclave measurement (tee-keystore-and-ckd-notes,
"Sealed storage") or re-derived by CKD; on localnet it is a 0600 file in the data directory.
"""

from __future__ import annotations

import builtins
import os
import sqlite3
import stat
import struct
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Self

import nacl.bindings as sodium
import nacl.exceptions
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hot.mpc.node.identity import load_or_create_secret

from hot.wire.errors import (
    InsecureKeyFile,
    InvalidRecordId,
    KeystoreError,
    PresignatureReused,
    RecordCorrupt,
    RecordExists,
    RecordNotFound,
    WrongMasterKey,
    WrongRecordKind,
)

MASTER_KEY_BYTES = 32
NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24 bytes = 192 bits
_RECORD_KEY_INFO = b"hot-protocol/node/keystore/record-key/v1"
_RECORD_KEY_SALT = b"hot-protocol/node/keystore/salt/v1"
_RECORD_AD_TAG = b"hot-protocol/node/keystore/record/v1"
_KEY_CHECK_AD = b"hot-protocol/node/keystore/key-check/v1"
_KEY_CHECK_PLAINTEXT = b"hot-protocol keystore key check"
_SCHEMA_VERSION = "1"
_MAX_NAME_BYTES = 256
_MAX_EPOCH = 2**63 - 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    participant TEXT NOT NULL, domain TEXT NOT NULL, epoch INTEGER NOT NULL,
    kind TEXT NOT NULL, record_id TEXT NOT NULL,
    nonce BLOB, ciphertext BLOB, used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (participant, domain, epoch, kind, record_id)
);
CREATE INDEX IF NOT EXISTS records_by_slot ON records (domain, epoch, kind);
-- Live records by owner and slot: used presignatures stay as markers (never reused), so a scan of
-- a slot grows with every signature; the pool's per-request lookups read this index only.
CREATE INDEX IF NOT EXISTS live_records ON records (participant, domain, epoch, kind, used, record_id);
"""


class RecordKind(StrEnum):
    """What a record holds; part of the associated data, so kinds cannot be swapped."""

    KEY_SHARE = "key_share"
    PRESIGNATURE = "presignature"


@dataclass(frozen=True)
class RecordId:
    """A record's identity, bound into its ciphertext as associated data."""

    participant: str
    domain: str
    epoch: int
    kind: RecordKind
    record_id: str

    def __post_init__(self) -> None:
        for field in ("participant", "domain", "record_id"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value or len(value.encode()) > _MAX_NAME_BYTES:
                raise InvalidRecordId(f"{field} must be a non-empty string of at most {_MAX_NAME_BYTES} bytes")
        if isinstance(self.epoch, bool) or not isinstance(self.epoch, int) or not 0 <= self.epoch <= _MAX_EPOCH:
            raise InvalidRecordId(f"epoch must be an integer in [0, 2^63), got {self.epoch!r}")
        try:
            object.__setattr__(self, "kind", RecordKind(self.kind))
        except ValueError as exc:
            raise InvalidRecordId(f"unknown record kind {self.kind!r}") from exc

    def associated_data(self) -> bytes:
        """The AEAD associated data: a versioned tag and each field length-prefixed (unambiguous)."""
        parts = [_RECORD_AD_TAG]
        for text in (self.participant, self.domain, self.kind.value, self.record_id):
            raw = text.encode()
            parts.append(struct.pack(">H", len(raw)) + raw)
        parts.append(struct.pack(">Q", self.epoch))
        return b"".join(parts)

    def _key(self) -> tuple[str, str, int, str, str]:
        return (self.participant, self.domain, self.epoch, self.kind.value, self.record_id)


def derive_record_key(master_key: bytes) -> bytes:
    """HKDF-SHA256(master_key) with a versioned info label: the record-encryption key.

    A separate derived key (not the master key itself) lets the master key serve other purposes
    later under other labels, and rotating the label version re-keys the store.
    """
    if len(master_key) != MASTER_KEY_BYTES:
        raise KeystoreError(f"the master key is {MASTER_KEY_BYTES} bytes, got {len(master_key)}")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_RECORD_KEY_SALT, info=_RECORD_KEY_INFO)
    return hkdf.derive(master_key)


def load_or_create_master_key(path: Path) -> bytes:
    """The node's keystore master key from a 0600 file, generated on first start."""
    return load_or_create_secret(Path(path), MASTER_KEY_BYTES)


def _seal(key: bytes, plaintext: bytes, associated_data: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associated_data, nonce, key)
    return nonce, ciphertext


def _open(key: bytes, nonce: bytes, ciphertext: bytes, associated_data: bytes, what: str) -> bytes:
    if not isinstance(nonce, bytes) or len(nonce) != NONCE_BYTES or not isinstance(ciphertext, bytes):
        raise RecordCorrupt(f"{what}: stored nonce or ciphertext is malformed")
    try:
        return bytes(sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, associated_data, nonce, key))
    except nacl.exceptions.CryptoError as exc:
        raise RecordCorrupt(f"{what}: authentication failed (tampered, moved or wrong master key)") from exc


def _create_private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite opens it; refuse an existing file others can read."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise InsecureKeyFile(f"keystore {path} has mode {stat.S_IMODE(mode):o}; run `chmod 600 {path}`")


class Keystore:
    """Encrypted records in one SQLite file; safe to share between threads of one process."""

    def __init__(self, path: Path | str, master_key: bytes) -> None:
        self.path = Path(path)
        self._key = derive_record_key(master_key)
        _create_private_file(self.path)
        self._lock = threading.RLock()
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) below.
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # a COMMIT is on disk when it returns
            self._db.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed, not left behind
            self._db.executescript(_SCHEMA)
            self._check_master_key()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise KeystoreError(f"{self.path} is not a usable keystore database: {exc}") from exc
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _check_master_key(self) -> None:
        """Fail fast with WrongMasterKey rather than calling every record corrupt."""
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
            if row is None:
                nonce, ciphertext = _seal(self._key, _KEY_CHECK_PLAINTEXT, _KEY_CHECK_AD)
                db.execute("INSERT INTO meta VALUES ('key_check', ?)", (nonce + ciphertext,))
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (_SCHEMA_VERSION,))
                return
            version = db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
            if version is None or version[0] != _SCHEMA_VERSION:
                raise KeystoreError(f"keystore {self.path} has schema {version!r}, this node reads {_SCHEMA_VERSION}")
        blob = bytes(row[0])
        try:
            _open(self._key, blob[:NONCE_BYTES], blob[NONCE_BYTES:], _KEY_CHECK_AD, "key check")
        except RecordCorrupt as exc:
            raise WrongMasterKey(f"keystore {self.path} was created under a different master key") from exc

    def put(self, record: RecordId, secret: bytes, *, replace: bool = False) -> None:
        """Store `secret` sealed under `record`'s identity; `replace` only for non-presignatures."""
        self.put_many([(record, secret)], replace=replace)

    def put_many(self, records: Iterable[tuple[RecordId, bytes]], *, replace: bool = False) -> None:
        """Store a batch (e.g. a fresh presignature pool) in one transaction: all or nothing."""
        sealed = []
        for record, secret in records:
            if replace and record.kind is RecordKind.PRESIGNATURE:
                raise WrongRecordKind("a presignature is never replaced: its identity is single-use")
            sealed.append((record, *_seal(self._key, bytes(secret), record.associated_data())))
        with self._transaction() as db:
            for record, nonce, ciphertext in sealed:
                exists = db.execute(_SELECT_ROW, record._key()).fetchone() is not None
                if exists and not replace:
                    raise RecordExists(f"record {record} already exists (or was a used presignature)")
                db.execute(
                    "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                    (*record._key(), nonce, ciphertext),
                )

    def get(self, record: RecordId) -> bytes:
        """The plaintext of a key share (presignatures leave only through `take_presignature`)."""
        if record.kind is RecordKind.PRESIGNATURE:
            raise WrongRecordKind("read a presignature with take_presignature, which marks it used")
        with self._lock:
            row = self._db.execute(_SELECT_ROW, record._key()).fetchone()
        if row is None:
            raise RecordNotFound(f"no record {record}")
        return _open(self._key, row[0], row[1], record.associated_data(), str(record))

    def take_presignature(self, record: RecordId) -> bytes:
        """Mark a presignature used and drop its ciphertext, commit (fsync), then return it.

        The order is the point: if the node crashes after the commit the presignature is gone
        (lost, never reused); if it crashes before, nothing left the node. A second take raises
        PresignatureReused. A ciphertext that fails authentication is left untouched.
        """
        if record.kind is not RecordKind.PRESIGNATURE:
            raise WrongRecordKind(f"take_presignature needs a presignature record, got {record.kind}")
        with self._transaction() as db:
            row = db.execute(_SELECT_ROW, record._key()).fetchone()
            if row is None:
                raise RecordNotFound(f"no presignature {record}")
            if row[2]:
                raise PresignatureReused(f"presignature {record} was already used")
            plaintext = _open(self._key, row[0], row[1], record.associated_data(), str(record))
            db.execute(
                "UPDATE records SET used = 1, nonce = NULL, ciphertext = NULL WHERE participant = ? "
                "AND domain = ? AND epoch = ? AND kind = ? AND record_id = ?",
                record._key(),
            )
        return plaintext

    def delete(self, record: RecordId) -> None:
        """Erase one record (or a used presignature's marker)."""
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM records WHERE participant = ? AND domain = ? AND epoch = ? AND kind = ? "
                "AND record_id = ?",
                record._key(),
            )
            if cursor.rowcount == 0:
                raise RecordNotFound(f"no record {record}")

    def list(self, domain: str, epoch: int, kind: RecordKind | str) -> builtins.list[RecordId]:
        """Identities of the live (not yet used) records of one (domain, epoch, kind), sorted."""
        kind = RecordKind(kind)
        with self._lock:
            rows = self._db.execute(
                "SELECT participant, record_id FROM records WHERE domain = ? AND epoch = ? AND kind = ? "
                "AND used = 0 ORDER BY participant, record_id",
                (domain, epoch, kind.value),
            ).fetchall()
        return [RecordId(participant, domain, epoch, kind, record_id) for participant, record_id in rows]

    def live_record_ids(self, participant: str, domain: str, epoch: int, kind: RecordKind | str, *,
                        prefix: str = "", limit: int = -1) -> builtins.list[str]:
        """`record_id`s of one owner's live records in a slot that start with `prefix`, sorted, at most `limit`.

        One index range scan (`live_records`); `list` builds a `RecordId` per row, which costs a
        signing request too much once a pool is deep.
        """
        kind = RecordKind(kind)
        with self._lock:
            rows = self._db.execute(
                "SELECT record_id FROM records WHERE participant = ? AND domain = ? AND epoch = ? AND kind = ? "
                "AND used = 0 AND record_id >= ? AND substr(record_id, 1, ?) = ? ORDER BY record_id LIMIT ?",
                (participant, domain, epoch, kind.value, prefix, len(prefix), prefix, limit),
            ).fetchall()
        return [row[0] for row in rows]

    def live_counts_by_label(self, participant: str, domain: str, epoch: int, kind: RecordKind | str,
                             separator: str = "/") -> dict[str, int]:
        """How many live records of one owner's slot share each `record_id` label (the part before `separator`)."""
        kind = RecordKind(kind)
        with self._lock:
            rows = self._db.execute(
                "SELECT substr(record_id, 1, instr(record_id, ?) - 1) AS label, count(*) FROM records "
                "WHERE participant = ? AND domain = ? AND epoch = ? AND kind = ? AND used = 0 GROUP BY label",
                (separator, participant, domain, epoch, kind.value),
            ).fetchall()
        return {label: count for label, count in rows}

    def erase_epoch_presignatures(self, domain: str, before_epoch: int) -> int:
        """Erase every presignature of `domain` made before `before_epoch`; returns how many.

        Called on every reshare and refresh: a presignature share of an old epoch, together with
        t-1 others, reveals the key (near-mpc-security-review-notes, "Why no proactive refresh?").
        """
        return self.erase_epoch_records(domain, before_epoch, RecordKind.PRESIGNATURE)

    def erase_epoch_records(self, domain: str, before_epoch: int, kind: RecordKind | str) -> int:
        """Erase all records of one kind and domain with epoch < `before_epoch`, then checkpoint.

        secure_delete zeroes freed database pages; the TRUNCATE checkpoint removes the old pages
        from the write-ahead log too, so erased ciphertexts do not linger in the -wal file.
        """
        kind = RecordKind(kind)
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM records WHERE domain = ? AND kind = ? AND epoch < ?",
                (domain, kind.value, before_epoch),
            )
            erased = cursor.rowcount
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return erased


_SELECT_ROW = (
    "SELECT nonce, ciphertext, used FROM records WHERE participant = ? AND domain = ? AND epoch = ? "
    "AND kind = ? AND record_id = ?"
)
