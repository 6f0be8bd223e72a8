"""Seed rotation: the controlling key changes with both keys' signatures; nothing else does."""

from __future__ import annotations

import hashlib

import pytest
from hot.sdk.policies.multisig import SignerKey
from hot.sdk.policies.rotation import ControllingKey
from hot.wire.errors import ControllingKeyError, RotationDenied

from tests.support.signers import Member, b58, payload

OLD, NEW, THIEF = Member("owner", "ed25519", 21), Member("owner", "secp256k1", 22), Member("owner", "bip340", 23)
MSG = hashlib.sha256(b"spend").digest()
OWNER = ControllingKey(OLD.key)


def test_the_controlling_key_allows_its_own_signature_only() -> None:
    assert OWNER.allows_request(b58(MSG), payload(MSG, OLD))
    assert not OWNER.allows_request(b58(MSG), payload(MSG, THIEF))
    assert not OWNER.allows_request(b58(MSG), "{}")


def test_rotation_needs_the_current_and_the_new_key() -> None:
    digest = OWNER.rotation_digest("w.near", NEW.key)
    rotated = OWNER.rotated_to("w.near", NEW.key, OLD.sign(digest), NEW.sign(digest))
    assert (rotated.key, rotated.version) == (NEW.key, 1)
    assert rotated.allows_request(b58(MSG), payload(MSG, NEW))
    assert not rotated.allows_request(b58(MSG), payload(MSG, OLD))  # the old seed no longer signs
    with pytest.raises(RotationDenied):  # the thief's new key, without the current key
        OWNER.rotated_to("w.near", THIEF.key, THIEF.sign(digest), THIEF.sign(digest))
    with pytest.raises(RotationDenied):  # no proof of possession of the new key
        OWNER.rotated_to("w.near", NEW.key, OLD.sign(digest), OLD.sign(digest))


def test_a_rotation_approval_is_bound_to_the_account_and_the_version() -> None:
    digest = OWNER.rotation_digest("w.near", NEW.key)
    with pytest.raises(RotationDenied):
        OWNER.rotated_to("other.near", NEW.key, OLD.sign(digest), NEW.sign(digest))
    rotated = OWNER.rotated_to("w.near", NEW.key, OLD.sign(digest), NEW.sign(digest))
    back = rotated.rotation_digest("w.near", OLD.key)
    restored = rotated.rotated_to("w.near", OLD.key, NEW.sign(back), OLD.sign(back))
    assert restored.version == 2
    with pytest.raises(RotationDenied):  # replaying the first approval after two versions
        restored.rotated_to("w.near", NEW.key, OLD.sign(digest), NEW.sign(digest))


def test_bad_keys_are_refused() -> None:
    with pytest.raises(ControllingKeyError):
        ControllingKey(SignerKey("owner", "ed25519", b"\x01" * 31))
    with pytest.raises(ControllingKeyError):
        ControllingKey(SignerKey("", "ed25519", OLD.key.public_key))
    with pytest.raises(ControllingKeyError):
        ControllingKey(SignerKey("owner", "rsa", b"\x01" * 32))
    with pytest.raises(RotationDenied):
        OWNER.replaced_by(OLD.key)
