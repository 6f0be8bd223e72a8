"""NEAR keys in their text forms, key files, and the signature check behind the localnet's validation."""

from __future__ import annotations

import json
from pathlib import Path

import coincurve
import pytest

from hot.near import (
    SECP256K1,
    KeyPair,
    PublicKey,
    Signature,
    read_key_file,
    write_key_file,
)
from hot.near.keys import ED25519
from hot.wire.errors import EncodingError


def test_key_file_round_trip_is_owner_only_and_near_cli_compatible(tmp_path: Path) -> None:
    key = KeyPair.from_seed(b"alice")
    path = tmp_path / "alice.json"
    write_key_file(path, "alice.test.near", key)
    assert path.stat().st_mode & 0o777 == 0o600
    body = json.loads(path.read_text())
    assert body["public_key"] == str(key.public_key) and body["secret_key"] == key.secret
    assert read_key_file(path) == ("alice.test.near", key)
    # near-cli's older files name the secret `private_key` and may omit public_key
    path.write_text(json.dumps({"account_id": "alice.test.near", "private_key": key.secret}))
    assert read_key_file(path)[1].public_key == key.public_key


@pytest.mark.parametrize("body", [
    "not json", "[]", json.dumps({"account_id": "a.near"}),
    json.dumps({"account_id": "a.near", "secret_key": "ed25519:0OIl"}),
    json.dumps({"account_id": "a.near", "secret_key": KeyPair.from_seed(b"a").secret,
                "public_key": str(KeyPair.from_seed(b"b").public_key)}),
])
def test_a_file_that_is_not_a_consistent_key_file_is_an_encoding_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "key.json"
    path.write_text(body)
    with pytest.raises(EncodingError):
        read_key_file(path)


def test_a_secret_whose_public_half_is_another_key_is_refused() -> None:
    a, b = KeyPair.from_seed(b"a"), KeyPair.from_seed(b"b")
    import base58

    mixed = "ed25519:" + base58.b58encode(bytes(a.signing_key) + b.public_key.data).decode()
    with pytest.raises(EncodingError, match="public half"):
        KeyPair.from_secret(mixed)


def test_public_key_text_forms() -> None:
    key = KeyPair.from_seed(b"k").public_key
    assert PublicKey.parse(str(key)) == key
    assert PublicKey.parse(str(key).removeprefix("ed25519:")) == key  # bare base58, as py-near sends it
    for bad in ("rsa:abc", "ed25519:0OIl", "ed25519:" + "1" * 10):
        with pytest.raises(EncodingError):
            PublicKey.parse(bad)


def test_signatures_verify_only_under_their_key_and_digest() -> None:
    digest = bytes(range(32))
    key = KeyPair.from_seed(b"k")
    ed = Signature(ED25519, key.signing_key.sign(digest).signature)
    assert ed.verifies(key.public_key, digest)
    assert not ed.verifies(KeyPair.from_seed(b"other").public_key, digest)
    assert not ed.verifies(key.public_key, bytes(32))
    secret = coincurve.PrivateKey(b"\x07" * 32)
    public = PublicKey(SECP256K1, secret.public_key.format(compressed=False)[1:])
    sig = Signature(SECP256K1, secret.sign_recoverable(digest, hasher=None))
    assert sig.verifies(public, digest)
    assert not sig.verifies(key.public_key, digest)  # another key type
    wrong_v = Signature(SECP256K1, sig.data[:64] + bytes([sig.data[64] ^ 1]))
    assert not wrong_v.verifies(public, digest)  # nearcore recovers with v: the wrong v recovers another key
