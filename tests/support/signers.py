"""Test signers (not a contract): a key of each scheme with its SignerKey and the wire helpers."""

from __future__ import annotations

import json
from typing import Any

import base58
from coincurve import PrivateKey
from coincurve.ecdsa import der_to_cdata, serialize_compact
from hot.sdk.policies.multisig import SignerKey
from nacl.signing import SigningKey


class Member:
    """A signer of one scheme (ed25519, secp256k1 compact low-s, bip340) from a one-byte seed."""

    def __init__(self, label: str, scheme: str, seed: int) -> None:
        secret = bytes([seed]) * 32
        self.scheme = scheme
        if scheme == "ed25519":
            self._nacl = SigningKey(secret)
            public = bytes(self._nacl.verify_key)
        else:
            self._cc = PrivateKey(secret)
            public = self._cc.public_key_xonly.format() if scheme == "bip340" else self._cc.public_key.format()
        self.key = SignerKey(label, scheme, public)

    @property
    def label(self) -> str:
        return self.key.label

    def relabelled(self, label: str) -> Member:
        """The same secret under another label (e.g. a guardian key becoming the owner)."""
        twin = object.__new__(Member)
        twin.__dict__.update(self.__dict__)
        twin.key = SignerKey(label, self.key.scheme, self.key.public_key)
        return twin

    def sign(self, digest: bytes) -> bytes:
        if self.scheme == "ed25519":
            return self._nacl.sign(digest).signature
        if self.scheme == "bip340":
            return self._cc.sign_schnorr(digest)
        return serialize_compact(der_to_cdata(self._cc.sign(digest, hasher=None)))

    def json(self) -> dict[str, Any]:
        """The key as a contract argument."""
        return {"label": self.key.label, "scheme": self.key.scheme, "public_key": self.key.public_key.hex()}


def sigs(digest: bytes, *members: Member) -> dict[str, bytes]:
    return {m.label: m.sign(digest) for m in members}


def sigs_hex(digest: bytes, *members: Member) -> dict[str, str]:
    return {label: sig.hex() for label, sig in sigs(digest, *members).items()}


def payload(digest: bytes, *members: Member) -> str:
    """hot_verify's user_payload carrying these members' signatures over digest."""
    return json.dumps({"signatures": sigs_hex(digest, *members)})


def b58(digest: bytes) -> str:
    return base58.b58encode(digest).decode()


def verify_args(digest: bytes, user_payload: str, wallet_id: str = "key-1") -> dict[str, str]:
    """HOT's hot_verify wire arguments."""
    return {"msg_hash": b58(digest), "wallet_id": wallet_id, "msg_body": "", "user_payload": user_payload,
            "metadata": ""}
