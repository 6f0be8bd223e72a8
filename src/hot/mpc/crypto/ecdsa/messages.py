"""Typed round messages of the presignature protocol (Damgård et al. 2020, preprocessing; ARCHITECTURE.md).

Round 1 (dealing): every party deals random degree-(t-1) sharings of k and a and a degree-(2t-2)
sharing of zero, with Feldman commitments (broadcast) and one private share triple per party.
Round 2 (products): every party opens its masked product share w_i = a_i·k_i + z_i with a DLEQ
proof and reshares u_i = a_i·x_i at degree t-1 (degree reduction), again with commitments.
Private messages carry secret scalars: their `repr` hides them (never log a share).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hot.mpc.crypto.ecdsa.codec import Reader, elements, u32
from hot.mpc.crypto.proofs_dleq import DleqProof
from hot.mpc.crypto.suites.base import Ciphersuite, Point
from hot.mpc.crypto.vss import VssCommitment

TRANSCRIPT_SIZE = 32


@dataclass(frozen=True)
class PresignCommitments:
    """Round-1 broadcast of dealer `sender`: Feldman commitments to its k, a and zero polynomials.

    `z_commitment` omits the constant term: the zero-sharing's f(0) = 0 holds by construction, so a
    dealer cannot smuggle a non-zero mask into the opened product w.
    """

    sender: int
    k_commitment: VssCommitment
    a_commitment: VssCommitment
    z_commitment: tuple[Point, ...]

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return (
            u32(self.sender)
            + elements(suite, self.k_commitment.points)
            + elements(suite, self.a_commitment.points)
            + elements(suite, self.z_commitment)
        )

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> PresignCommitments:
        r = Reader(suite, data)
        out = cls(r.u32(), VssCommitment(r.elements()), VssCommitment(r.elements()), r.elements())
        r.finish()
        return out


@dataclass(frozen=True)
class PresignDealing:
    """Round-1 private message from dealer `sender` to `recipient`: k_s(r), a_s(r), z_s(r)."""

    sender: int
    recipient: int
    k_share: int = field(repr=False)
    a_share: int = field(repr=False)
    z_share: int = field(repr=False)

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        shares = (self.k_share, self.a_share, self.z_share)
        return u32(self.sender) + u32(self.recipient) + b"".join(suite.serialize_scalar(s) for s in shares)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> PresignDealing:
        r = Reader(suite, data)
        out = cls(r.u32(), r.u32(), r.scalar(), r.scalar(), r.scalar())
        r.finish()
        return out


@dataclass(frozen=True)
class PresignProduct:
    """Round-2 broadcast of `sender`: opened w_i, commitment to its u_i-resharing, and the proof.

    `transcript1` echoes the hash of the round-1 broadcasts the sender saw (split-view check).
    The proof shows one a_i with A_i = a_i·G, w_i·G - Z_i = a_i·K_i and U_i = a_i·X_i, so both the
    opened product and the resharing's constant are checkable against round-1 and key commitments.
    """

    sender: int
    transcript1: bytes
    w_share: int
    u_commitment: VssCommitment
    proof: DleqProof

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return (
            u32(self.sender)
            + self.transcript1
            + suite.serialize_scalar(self.w_share)
            + elements(suite, self.u_commitment.points)
            + self.proof.to_bytes(suite)
        )

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> PresignProduct:
        r = Reader(suite, data)
        sender, transcript1, w_share = r.u32(), r.raw(TRANSCRIPT_SIZE), r.scalar()
        out = cls(sender, transcript1, w_share, VssCommitment(r.elements()), DleqProof(r.scalar(), r.scalar()))
        r.finish()
        return out


@dataclass(frozen=True)
class PresignReshare:
    """Round-2 private message from `sender` to `recipient`: g_s(r), its share of u_s = a_s·x_s."""

    sender: int
    recipient: int
    u_share: int = field(repr=False)

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return u32(self.sender) + u32(self.recipient) + suite.serialize_scalar(self.u_share)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> PresignReshare:
        r = Reader(suite, data)
        out = cls(r.u32(), r.u32(), r.scalar())
        r.finish()
        return out
