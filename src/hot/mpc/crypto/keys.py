"""Key material produced by the DKG (and by resharing): one private and one public package.

Shapes follow ZF frost's `KeyPackage` / `PublicKeyPackage` (RFC 9591 §5: each signer holds
(i, sk_i), everyone knows PK and every PK_i). A package may be bound to a key derived for a
key_id (`hot.mpc.crypto.derivation`): then `group_public_key` is the derived key and `tweak` is
the offset from the root key, which the FROST aggregator adds once (whitepaper §2.2.5).

Both have one byte encoding (`to_bytes` / `from_bytes`) for the keystore and the wire: a tag,
the suite name, then fixed-size fields. Decoding validates every point and recomputes PK_i from
the secret share; `KeyPackage.check_against(public)` then confirms the share is the one the
public package expects, so corrupted storage is caught before signing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from hot.wire.errors import InconsistentKeyMaterial, InvalidParameters, WrongLength
from hot.mpc.crypto.polynomial import check_identifier
from hot.mpc.crypto.suites import Ciphersuite, Point

_KEY_TAG = b"hot/key-package/v1"
_PUBLIC_TAG = b"hot/public-key-package/v1"


class _Reader:
    """Consumes a byte string field by field; any shortfall or leftover is a WrongLength."""

    def __init__(self, data: bytes, tag: bytes) -> None:
        if not data.startswith(tag):
            raise WrongLength(f"expected a {tag.decode()} encoding")
        self.data, self.pos = data, len(tag)

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise WrongLength("key package encoding is truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "big")

    def suite_name(self, suite: Ciphersuite) -> None:
        name = self.take(self.u16())
        if name != suite.name.encode():
            raise InvalidParameters(f"key material is for {name!r}, not {suite.name}")

    def identifier(self, suite: Ciphersuite) -> int:
        i = suite.deserialize_scalar(self.take(suite.scalar_size))
        check_identifier(i, suite.order)
        return i

    def finish(self) -> None:
        if self.pos != len(self.data):
            raise WrongLength("trailing bytes after key package encoding")


def _header(tag: bytes, suite: Ciphersuite) -> bytes:
    name = suite.name.encode()
    return tag + len(name).to_bytes(2, "big") + name


@dataclass(frozen=True)
class PublicKeyPackage:
    """Public result of a DKG: verification shares by identifier and the group public key."""

    suite: str
    verification_shares: dict[int, Point]
    group_public_key: Point
    threshold: int
    tweak: int = 0

    @property
    def participants(self) -> tuple[int, ...]:
        return tuple(sorted(self.verification_shares))

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        """tag || suite || u16 t || u16 n || (id || PK_id)* || PK || tweak."""
        out = [_header(_PUBLIC_TAG, suite), self.threshold.to_bytes(2, "big"), len(self.participants).to_bytes(2, "big")]
        for i in self.participants:
            out += [suite.serialize_scalar(i), suite.serialize_element(self.verification_shares[i])]
        out += [suite.serialize_element(self.group_public_key), suite.serialize_scalar(self.tweak)]
        return b"".join(out)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> PublicKeyPackage:
        r = _Reader(data, _PUBLIC_TAG)
        r.suite_name(suite)
        threshold, count = r.u16(), r.u16()
        shares: dict[int, Point] = {}
        for _ in range(count):
            i = r.identifier(suite)
            if shares and i <= max(shares):
                raise InconsistentKeyMaterial("participants must be listed once each, in increasing order")
            shares[i] = suite.deserialize_element(r.take(suite.element_size))
        group_public_key = suite.deserialize_element(r.take(suite.element_size))
        tweak = suite.deserialize_scalar(r.take(suite.scalar_size))
        r.finish()
        if not 1 <= threshold <= count:
            raise InconsistentKeyMaterial(f"threshold {threshold} out of range for {count} participants")
        return cls(suite.name, shares, group_public_key, threshold, tweak)


@dataclass(frozen=True)
class KeyPackage:
    """One participant's DKG result. `secret_share` must never be logged (repr hides it)."""

    suite: str
    identifier: int
    secret_share: int = field(repr=False)
    verification_share: Point
    group_public_key: Point
    threshold: int
    participants: tuple[int, ...]
    tweak: int = 0

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        """tag || suite || id || s_i || PK || u16 t || u16 n || ids || tweak (PK_i is recomputed)."""
        return b"".join(
            [
                _header(_KEY_TAG, suite),
                suite.serialize_scalar(self.identifier),
                suite.serialize_scalar(self.secret_share),
                suite.serialize_element(self.group_public_key),
                self.threshold.to_bytes(2, "big"),
                len(self.participants).to_bytes(2, "big"),
                *(suite.serialize_scalar(i) for i in sorted(self.participants)),
                suite.serialize_scalar(self.tweak),
            ]
        )

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> KeyPackage:
        r = _Reader(data, _KEY_TAG)
        r.suite_name(suite)
        identifier = r.identifier(suite)
        secret_share = suite.deserialize_scalar(r.take(suite.scalar_size))
        group_public_key = suite.deserialize_element(r.take(suite.element_size))
        threshold, count = r.u16(), r.u16()
        participants = tuple(r.identifier(suite) for _ in range(count))
        tweak = suite.deserialize_scalar(r.take(suite.scalar_size))
        r.finish()
        if any(a >= b for a, b in pairwise(participants)) or identifier not in participants:
            raise InconsistentKeyMaterial("participants must be increasing and include the holder")
        if not 1 <= threshold <= count:
            raise InconsistentKeyMaterial(f"threshold {threshold} out of range for {count} participants")
        return cls(suite.name, identifier, secret_share, suite.base_mul(secret_share), group_public_key, threshold, participants, tweak)

    def check_against(self, public: PublicKeyPackage) -> None:
        """Raise unless this share is the one `public` expects (same key, same PK_i, same tweak)."""
        if (
            public.suite != self.suite
            or public.group_public_key != self.group_public_key
            or public.verification_shares.get(self.identifier) != self.verification_share
            or public.tweak != self.tweak
        ):
            raise InconsistentKeyMaterial(f"key package of participant {self.identifier} does not match the public package")
