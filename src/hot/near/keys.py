"""NEAR public keys and signatures: their borsh enum form and their `ed25519:<base58>` text form.

nearcore `PublicKey` / `Signature` are borsh enums: tag 0 = ED25519 (32-byte key, 64-byte
signature), tag 1 = SECP256K1 (64-byte uncompressed point without SEC1's 0x04, 65-byte r||s||v).
The signature check is hot.wire.signatures' (libsodium for Ed25519; libsecp256k1 for secp256k1,
low s, and v must recover the key, as nearcore's `Signature::verify` recovers it).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Self

import base58

from hot.near.borsh import BorshReader, BorshWriter
from hot.wire.domains import Domain
from hot.wire.errors import EncodingError, InvalidSignature
from hot.wire.signatures import SignatureResult, verify_signature

ED25519, SECP256K1 = 0, 1
KEY_SIZES = {ED25519: 32, SECP256K1: 64}
SIGNATURE_SIZES = {ED25519: 64, SECP256K1: 65}
KEY_NAMES = {ED25519: "ed25519", SECP256K1: "secp256k1"}
_KEY_TYPES = {name: key_type for key_type, name in KEY_NAMES.items()}


@dataclasses.dataclass(frozen=True)
class _Tagged:
    """A borsh enum of key type and fixed-size bytes, written `<type name>:<base58>` in JSON."""

    key_type: int
    data: bytes
    SIZES: ClassVar[dict[int, int]]

    @classmethod
    def read(cls, r: BorshReader) -> Self:
        key_type = r.u8()
        if key_type not in cls.SIZES:
            raise EncodingError(f"unknown {cls.__name__} type {key_type}")
        return cls(key_type, r.fixed(cls.SIZES[key_type]))

    def write(self, w: BorshWriter) -> None:
        w.u8(self.key_type).fixed(self.data)

    def __str__(self) -> str:
        return f"{KEY_NAMES[self.key_type]}:{base58.b58encode(self.data).decode()}"


@dataclasses.dataclass(frozen=True)
class PublicKey(_Tagged):
    """A NEAR public key; its text form is `ed25519:<base58>`."""

    SIZES: ClassVar[dict[int, int]] = KEY_SIZES

    @classmethod
    def parse(cls, text: str) -> PublicKey:
        """Parse `ed25519:<base58>` (or bare base58, as py-near sends it)."""
        name, sep, body = text.partition(":")
        if not sep:
            name, body = "ed25519", text
        key_type = _KEY_TYPES.get(name)
        if key_type is None:
            raise EncodingError(f"unknown key type {name!r}")
        try:
            data = base58.b58decode(body)
        except ValueError as exc:
            raise EncodingError(f"public key is not base58: {body[:60]!r}") from exc
        if len(data) != KEY_SIZES[key_type]:
            raise EncodingError(f"{name} public key must be {KEY_SIZES[key_type]} bytes, got {len(data)}")
        return cls(key_type, data)


@dataclasses.dataclass(frozen=True)
class Signature(_Tagged):
    """A NEAR signature; its text form is `ed25519:<base58>`."""

    SIZES: ClassVar[dict[int, int]] = SIGNATURE_SIZES

    def verifies(self, public_key: PublicKey, digest: bytes) -> bool:
        """True when this signs the 32-byte `digest` under `public_key` (same key type)."""
        if public_key.key_type != self.key_type:
            return False
        if self.key_type == SECP256K1:
            point = b"\x04" + public_key.data  # NEAR drops SEC1's prefix of the uncompressed point
            result = SignatureResult(self.data[:64], point, self.data[64])
            domain = Domain.SECP256K1
        else:
            point, result, domain = public_key.data, SignatureResult(self.data, public_key.data, None), Domain.ED25519
        try:
            verify_signature(domain, point, digest, result)
        except InvalidSignature:
            return False
        return True
