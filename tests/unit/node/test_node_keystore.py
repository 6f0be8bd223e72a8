"""Keystore: AEAD with the record identity as associated data, single-use presignatures, 0600 files.

ARCHITECTURE.md, Security promises; near-mpc-security-review-notes ToB #4 (ciphertext swapping),
#5 (hash as KDF), #10 (nonce reuse).
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
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
from hot.mpc.node.keystore import (
    NONCE_BYTES,
    Keystore,
    RecordId,
    RecordKind,
    derive_record_key,
    load_or_create_master_key,
)

MASTER = bytes(range(32))


def share(record_id: str, epoch: int = 1, participant: str = "node-a") -> RecordId:
    return RecordId(participant, "secp256k1", epoch, RecordKind.KEY_SHARE, record_id)


def presig(record_id: str, epoch: int = 1) -> RecordId:
    return RecordId("node-a", "secp256k1", epoch, RecordKind.PRESIGNATURE, record_id)


@pytest.fixture
def store(tmp_path: Path) -> Keystore:
    with Keystore(tmp_path / "keystore.db", MASTER) as keystore:
        yield keystore


def raw_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT participant, domain, epoch, kind, record_id, nonce, ciphertext FROM records").fetchall()


def test_put_get_round_trip_and_ciphertext_hides_plaintext(store: Keystore) -> None:
    secret = b"share-scalar-" + bytes(19)
    store.put(share("root"), secret)
    assert store.get(share("root")) == secret
    [row] = raw_rows(store.path)
    assert secret not in row[6] and len(row[5]) == NONCE_BYTES


def test_record_moved_to_another_rows_place_fails_to_decrypt(store: Keystore) -> None:
    """Issue 7: a ciphertext copied into another record's row is rejected (associated data)."""
    store.put(share("alpha"), b"secret alpha")
    store.put(share("beta"), b"secret beta")
    with sqlite3.connect(store.path) as db:
        nonce, ciphertext = db.execute("SELECT nonce, ciphertext FROM records WHERE record_id = 'alpha'").fetchone()
        db.execute("UPDATE records SET nonce = ?, ciphertext = ? WHERE record_id = 'beta'", (nonce, ciphertext))
    with pytest.raises(RecordCorrupt):
        store.get(share("beta"))
    assert store.get(share("alpha")) == b"secret alpha"


@pytest.mark.parametrize(
    "moved_to",
    [
        RecordId("node-b", "secp256k1", 1, RecordKind.KEY_SHARE, "alpha"),
        RecordId("node-a", "ed25519", 1, RecordKind.KEY_SHARE, "alpha"),
        RecordId("node-a", "secp256k1", 2, RecordKind.KEY_SHARE, "alpha"),
    ],
    ids=["participant", "domain", "epoch"],
)
def test_every_identity_field_is_bound(store: Keystore, moved_to: RecordId) -> None:
    store.put(share("alpha"), b"secret alpha")
    with sqlite3.connect(store.path) as db:
        db.execute(
            "UPDATE records SET participant = ?, domain = ?, epoch = ?", (moved_to.participant, moved_to.domain, moved_to.epoch)
        )
    with pytest.raises(RecordCorrupt):
        store.get(moved_to)


def test_kind_is_bound_a_presignature_relabelled_as_key_share_fails(store: Keystore) -> None:
    store.put(presig("p1"), b"presignature one")
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE records SET kind = 'key_share'")
    with pytest.raises(RecordCorrupt):
        store.get(RecordId("node-a", "secp256k1", 1, RecordKind.KEY_SHARE, "p1"))


def test_flipped_ciphertext_bit_is_corrupt(store: Keystore) -> None:
    store.put(share("alpha"), b"secret alpha")
    with sqlite3.connect(store.path) as db:
        (ciphertext,) = db.execute("SELECT ciphertext FROM records").fetchone()
        db.execute("UPDATE records SET ciphertext = ?", (bytes([ciphertext[0] ^ 1]) + ciphertext[1:],))
    with pytest.raises(RecordCorrupt):
        store.get(share("alpha"))


def test_nonces_are_fresh_for_identical_puts(store: Keystore) -> None:
    for index in range(50):
        store.put(share(f"r{index}"), b"same plaintext")
    store.put(share("r0"), b"same plaintext", replace=True)
    nonces = [row[5] for row in raw_rows(store.path)]
    assert len(set(nonces)) == len(nonces) == 50


def test_presignature_taken_once_marks_used_durably_and_drops_ciphertext(tmp_path: Path) -> None:
    path = tmp_path / "keystore.db"
    with Keystore(path, MASTER) as store:
        store.put(presig("p1"), b"k-share|sigma-share")
        store.put(presig("p2"), b"other")
        assert store.take_presignature(presig("p1")) == b"k-share|sigma-share"
        with pytest.raises(PresignatureReused):
            store.take_presignature(presig("p1"))
        assert store.list("secp256k1", 1, RecordKind.PRESIGNATURE) == [presig("p2")]
    # Another connection (a restarted node) sees the committed mark; the ciphertext is gone.
    with sqlite3.connect(path) as db:
        used, ciphertext = db.execute("SELECT used, ciphertext FROM records WHERE record_id = 'p1'").fetchone()
    assert (used, ciphertext) == (1, None)
    with Keystore(path, MASTER) as reopened:
        with pytest.raises(PresignatureReused):
            reopened.take_presignature(presig("p1"))
        with pytest.raises(RecordExists):
            reopened.put(presig("p1"), b"resurrected")


def test_presignatures_only_leave_through_take(store: Keystore) -> None:
    store.put(presig("p1"), b"x")
    with pytest.raises(WrongRecordKind):
        store.get(presig("p1"))
    with pytest.raises(WrongRecordKind):
        store.put(presig("p1"), b"y", replace=True)
    with pytest.raises(WrongRecordKind):
        store.take_presignature(share("root"))


def test_corrupt_presignature_is_not_marked_used(store: Keystore) -> None:
    store.put(presig("p1"), b"x")
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE records SET record_id = 'p9'")
    with pytest.raises(RecordCorrupt):
        store.take_presignature(presig("p9"))
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT used FROM records").fetchone() == (0,)


def test_missing_and_duplicate_records(store: Keystore) -> None:
    with pytest.raises(RecordNotFound):
        store.get(share("nope"))
    with pytest.raises(RecordNotFound):
        store.take_presignature(presig("nope"))
    with pytest.raises(RecordNotFound):
        store.delete(share("nope"))
    store.put(share("root"), b"a")
    with pytest.raises(RecordExists):
        store.put(share("root"), b"b")
    assert store.get(share("root")) == b"a"
    store.put(share("root"), b"b", replace=True)
    assert store.get(share("root")) == b"b"
    store.delete(share("root"))
    with pytest.raises(RecordNotFound):
        store.get(share("root"))


def test_put_many_is_all_or_nothing(store: Keystore) -> None:
    store.put(presig("p2"), b"existing")
    with pytest.raises(RecordExists):
        store.put_many([(presig("p1"), b"a"), (presig("p2"), b"b"), (presig("p3"), b"c")])
    assert store.list("secp256k1", 1, RecordKind.PRESIGNATURE) == [presig("p2")]
    store.put_many([(presig("p1"), b"a"), (presig("p3"), b"c")])
    assert [r.record_id for r in store.list("secp256k1", 1, "presignature")] == ["p1", "p2", "p3"]


def test_erase_epoch_presignatures_keeps_newer_epochs_and_shares(store: Keystore) -> None:
    for epoch in (1, 2, 3):
        store.put(presig(f"p{epoch}", epoch), b"p")
        store.put(share("root", epoch), b"s")
    store.put(RecordId("node-a", "ed25519", 1, RecordKind.PRESIGNATURE, "other-domain"), b"p")
    assert store.erase_epoch_presignatures("secp256k1", before_epoch=3) == 2
    assert store.list("secp256k1", 1, RecordKind.PRESIGNATURE) == []
    assert store.list("secp256k1", 3, RecordKind.PRESIGNATURE) == [presig("p3", 3)]
    assert store.list("secp256k1", 1, RecordKind.KEY_SHARE) == [share("root", 1)]
    assert len(store.list("ed25519", 1, "presignature")) == 1


def test_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "keystore.db"
    with Keystore(path, MASTER) as store:
        store.put(share("root"), b"a")
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert {"keystore.db", "keystore.db-wal", "keystore.db-shm"} <= set(modes)
    assert set(modes.values()) == {0o600}


def test_group_readable_keystore_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keystore.db"
    Keystore(path, MASTER).close()
    path.chmod(0o640)
    with pytest.raises(InsecureKeyFile):
        Keystore(path, MASTER)


def test_a_file_that_is_not_a_keystore_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "keystore.db"
    path.write_bytes(b"not sqlite at all" * 100)
    path.chmod(0o600)
    with pytest.raises(KeystoreError):
        Keystore(path, MASTER)


def test_wrong_master_key_is_refused_at_open(tmp_path: Path) -> None:
    path = tmp_path / "keystore.db"
    Keystore(path, MASTER).close()
    with pytest.raises(WrongMasterKey):
        Keystore(path, bytes(32))


def test_master_key_file_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    key_path = tmp_path / "master_key"
    first = load_or_create_master_key(key_path)
    assert load_or_create_master_key(key_path) == first and len(first) == 32
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    key_path.chmod(0o644)
    with pytest.raises(InsecureKeyFile):
        load_or_create_master_key(key_path)


def test_record_key_is_hkdf_not_the_master_key_or_its_hash() -> None:
    import hashlib

    derived = derive_record_key(MASTER)
    assert derived not in (MASTER, hashlib.sha256(MASTER).digest())
    assert derive_record_key(MASTER) == derived and derive_record_key(bytes(32)) != derived


@pytest.mark.parametrize(
    "fields",
    [
        ("", "d", 1, "key_share", "r"),
        ("p", "d", -1, "key_share", "r"),
        ("p", "d", True, "key_share", "r"),
        ("p", "d", 1, "triple", "r"),
        ("p", "d", 1, "key_share", "x" * 257),
    ],
)
def test_bad_record_ids_are_typed_errors(fields: tuple) -> None:
    with pytest.raises(InvalidRecordId):
        RecordId(*fields)


def test_associated_data_is_unambiguous() -> None:
    """Length prefixes: ("ab", "c") and ("a", "bc") must not share associated data."""
    left = RecordId("ab", "c", 1, RecordKind.KEY_SHARE, "r").associated_data()
    right = RecordId("a", "bc", 1, RecordKind.KEY_SHARE, "r").associated_data()
    assert left != right


def test_live_record_lookups_skip_used_other_owners_and_near_prefixes(store: Keystore) -> None:
    """What a pool asks per signing request: ids of one set (prefix), counts per set, live only."""
    ids = ["1,2,3/aa", "1,2,3/bb", "1,2,3/cc", "1,2,3,4/dd", "1,2/ee"]
    store.put_many((presig(i), b"p") for i in ids)
    store.put_many([(RecordId("node-b", "secp256k1", 1, RecordKind.PRESIGNATURE, "1,2,3/zz"), b"p"),
                    (presig("1,2,3/ff", epoch=2), b"p")])
    store.take_presignature(presig("1,2,3/bb"))
    live = store.live_record_ids("node-a", "secp256k1", 1, RecordKind.PRESIGNATURE, prefix="1,2,3/")
    assert live == ["1,2,3/aa", "1,2,3/cc"]  # not the used one, not 1,2,3,4's, not node-b's or epoch 2's
    assert store.live_record_ids("node-a", "secp256k1", 1, "presignature", prefix="1,2,3/", limit=1) == ["1,2,3/aa"]
    assert store.live_record_ids("node-a", "secp256k1", 1, "presignature") == ["1,2,3,4/dd", "1,2,3/aa", "1,2,3/cc", "1,2/ee"]
    assert store.live_counts_by_label("node-a", "secp256k1", 1, "presignature") == {"1,2,3": 2, "1,2,3,4": 1, "1,2": 1}
    assert store.live_counts_by_label("node-a", "secp256k1", 3, "presignature") == {}
