"""Typed FROST round messages (RFC 9591 §5.1-§5.3), frozen, with one byte encoding each.

Points inside a message are already decoded and validated (RFC 9591 §4.1 DeserializeElement),
so the rounds never decode twice; `from_bytes` is the one place wire input becomes a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from hot.wire.errors import InvalidParameters, WrongLength
from hot.mpc.crypto.polynomial import check_identifier
from hot.mpc.crypto.suites import Ciphersuite, Point, get_suite
from hot.wire.encoding import hex_field


@dataclass(frozen=True)
class SigningNonces:
    """A signer's secret round-one nonces (d_i, e_i): single use, never sent, never logged."""

    identifier: int
    hiding: int = field(repr=False)
    binding: int = field(repr=False)
    commitments: SigningCommitments


@dataclass(frozen=True)
class SigningCommitments:
    """A signer's public round-one output (i, D_i = d_i·G, E_i = e_i·G), RFC 9591 §5.1."""

    identifier: int
    hiding: Point
    binding: Point

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        """SerializeScalar(i) || SerializeElement(D_i) || SerializeElement(E_i) (RFC 9591 §4.3)."""
        return suite.serialize_scalar(self.identifier) + suite.serialize_element(self.hiding) + suite.serialize_element(self.binding)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> SigningCommitments:
        """Decode; the identifier must be non-zero and both commitments non-identity points."""
        s, e = suite.scalar_size, suite.element_size
        if len(data) != s + 2 * e:
            raise WrongLength(f"signing commitments must be {s + 2 * e} bytes, got {len(data)}")
        identifier = suite.deserialize_scalar(data[:s])
        check_identifier(identifier, suite.order)
        return cls(identifier, suite.deserialize_element(data[s : s + e]), suite.deserialize_element(data[s + e :]))

    def to_wire(self, suite: Ciphersuite) -> dict[str, str]:
        """The node API's JSON form (docs/node-api.md): `{"hiding": hex(D_i), "binding": hex(E_i)}`."""
        return {"hiding": suite.serialize_element(self.hiding).hex(), "binding": suite.serialize_element(self.binding).hex()}

    @classmethod
    def from_wire(cls, suite: Ciphersuite, identifier: int, raw: object) -> SigningCommitments:
        """Inverse of `to_wire` for participant `identifier`; both points decoded and validated (§4.1)."""
        if not isinstance(raw, dict) or set(raw) != {"hiding", "binding"}:
            raise WrongLength("a commitment is an object with exactly hiding and binding")
        hiding, binding = (hex_field(raw[k], suite.element_size, k, error=WrongLength) for k in ("hiding", "binding"))
        return cls(identifier, suite.deserialize_element(hiding), suite.deserialize_element(binding))


@dataclass(frozen=True)
class SigningPackage:
    """What the coordinator sends into round two: the commitment list and the message (§5.2).

    Commitments are sorted by identifier and unique, as `encode_group_commitment_list` requires.
    """

    suite: str
    commitments: tuple[SigningCommitments, ...]
    message: bytes

    def __post_init__(self) -> None:
        ids = [c.identifier for c in self.commitments]
        if not ids or any(a >= b for a, b in pairwise(ids)):
            raise InvalidParameters("commitment list must be non-empty, sorted, with unique identifiers")

    @classmethod
    def create(cls, suite: Ciphersuite, commitments: Iterable[SigningCommitments], message: bytes) -> SigningPackage:
        """Sort the commitments by identifier (RFC 9591 §5.2); duplicates are refused."""
        ordered = tuple(sorted(commitments, key=lambda c: c.identifier))
        return cls(suite.name, ordered, bytes(message))

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        """u16 count || encode_group_commitment_list || u32 message length || message."""
        return (
            len(self.commitments).to_bytes(2, "big")
            + self.encoded_commitment_list
            + len(self.message).to_bytes(4, "big")
            + self.message
        )

    @classmethod
    def from_bytes(
        cls, suite: Ciphersuite, data: bytes, known: Iterable[SigningCommitments] = ()
    ) -> SigningPackage:
        """Decode a signing package; commitments equal to a `known` one reuse its decoded points.

        A signer passes its own round-one commitments as `known`: it already holds them decoded,
        so only the other signers' points pay for validation (RFC 9591 §4.1).
        """
        item = suite.scalar_size + 2 * suite.element_size
        if len(data) < 2:
            raise WrongLength("signing package is truncated")
        count = int.from_bytes(data[:2], "big")
        end = 2 + count * item
        if len(data) < end + 4:
            raise WrongLength("signing package is truncated")
        size = int.from_bytes(data[end : end + 4], "big")
        if len(data) != end + 4 + size:
            raise WrongLength("signing package message length does not match")
        reuse = {c.to_bytes(suite): c for c in known}
        commitments = []
        for offset in range(2, end, item):
            chunk = data[offset : offset + item]
            commitments.append(reuse.get(chunk) or SigningCommitments.from_bytes(suite, chunk))
        return cls(suite.name, tuple(commitments), data[end + 4 :])

    @cached_property
    def signer_ids(self) -> tuple[int, ...]:
        return tuple(c.identifier for c in self.commitments)

    @cached_property
    def encoded_commitment_list(self) -> bytes:
        """RFC 9591 §4.3 encode_group_commitment_list."""
        suite = get_suite(self.suite)
        return b"".join(c.to_bytes(suite) for c in self.commitments)

    def commitment_of(self, identifier: int) -> SigningCommitments:
        for c in self.commitments:
            if c.identifier == identifier:
                return c
        raise InvalidParameters(f"participant {identifier} has no commitment in this signing package")


@dataclass(frozen=True)
class SignatureShare:
    """Signer i's round-two response z_i (RFC 9591 §5.2)."""

    identifier: int
    share: int

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return suite.serialize_scalar(self.identifier) + suite.serialize_scalar(self.share)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> SignatureShare:
        s = suite.scalar_size
        if len(data) != 2 * s:
            raise WrongLength(f"signature share must be {2 * s} bytes, got {len(data)}")
        identifier = suite.deserialize_scalar(data[:s])
        check_identifier(identifier, suite.order)
        return cls(identifier, suite.deserialize_scalar(data[s:]))


@dataclass(frozen=True)
class Signature:
    """A Schnorr signature (R, z); bytes are SerializeElement(R) || SerializeScalar(z) (§5.3)."""

    R: Point
    z: int

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return suite.serialize_element(self.R) + suite.serialize_scalar(self.z)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> Signature:
        e = suite.element_size
        if len(data) != e + suite.scalar_size:
            raise WrongLength(f"signature must be {e + suite.scalar_size} bytes, got {len(data)}")
        return cls(suite.deserialize_element(data[:e]), suite.deserialize_scalar(data[e:]))
