"""What signers agree on before the online round, and the public values derived from it.

Rerandomization (Groth and Shoup 2021, ePrint 2021/1330, re-randomized presignatures; NEAR's
multiplicative form): the key is x' = x + δ with δ the key_id tweak, and the nonce is k' = ρ·k
with ρ hashed from a transcript binding the presignature id, its participants and epoch, R, the
root key, the message hash, δ and public entropy; R' = ρ·R and r = x(R') mod n. Everything here
is public and checkable by every signer and the combiner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hot.mpc.crypto.derivation import derive_tweak
from hot.mpc.crypto.ecdsa.codec import Reader, u32
from hot.wire.errors import (
    DegenerateNonce,
    InvalidMessageHash,
    ParticipantMismatch,
    ScalarOutOfRange,
    StalePresignature,
    WrongLength,
)
from hot.mpc.crypto.ecdsa.presignature import PresignaturePublic
from hot.mpc.crypto.ecdsa.signature import MESSAGE_HASH_SIZE, message_hash_scalar, point_x_and_parity
from hot.mpc.crypto.proofs_dleq import encode_parts
from hot.mpc.crypto.suites import SECP256K1
from hot.mpc.crypto.suites.base import Ciphersuite, Point

ENTROPY_SIZE = 32


@dataclass(frozen=True)
class SignRequest:
    """What all signers must agree on: message hash, key tweak δ, the signing set, public entropy."""

    message_hash: bytes
    tweak: int
    participants: tuple[int, ...]
    entropy: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.message_hash, bytes) or len(self.message_hash) != MESSAGE_HASH_SIZE:
            raise InvalidMessageHash(f"a message hash is {MESSAGE_HASH_SIZE} bytes")
        if not any(self.message_hash):
            raise InvalidMessageHash("the zero message hash is refused")
        if isinstance(self.tweak, bool) or not isinstance(self.tweak, int) or not 0 <= self.tweak < SECP256K1.order:
            raise ScalarOutOfRange("a tweak is a scalar in [0, n)")
        if not isinstance(self.entropy, bytes) or len(self.entropy) != ENTROPY_SIZE:
            raise WrongLength(f"signing entropy is {ENTROPY_SIZE} bytes")
        parts = tuple(self.participants)
        if not all(isinstance(j, int) and not isinstance(j, bool) and j > 0 for j in parts):
            raise ParticipantMismatch("signers are positive integer identifiers")
        if list(parts) != sorted(set(parts)) or not parts:
            raise ParticipantMismatch("signers must be distinct and in increasing order")
        object.__setattr__(self, "participants", parts)

    @classmethod
    def for_key_id(cls, key_id: str, message_hash: bytes, participants: Sequence[int], entropy: bytes) -> SignRequest:
        """A request under the key derived for `key_id` (tweak from `hot.mpc.crypto.derivation`)."""
        return cls(message_hash, derive_tweak(SECP256K1, key_id), tuple(participants), entropy)

    def to_bytes(self) -> bytes:
        return (
            self.message_hash
            + SECP256K1.serialize_scalar(self.tweak)
            + self.entropy
            + u32(len(self.participants))
            + b"".join(u32(j) for j in self.participants)
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> SignRequest:
        r = Reader(SECP256K1, data)
        message_hash, tweak, entropy = r.raw(MESSAGE_HASH_SIZE), r.scalar(), r.raw(ENTROPY_SIZE)
        participants = tuple(r.u32() for _ in range(r.count()))
        r.finish()
        return cls(message_hash, tweak, participants, entropy)


@dataclass(frozen=True)
class Rerandomized:
    """The public values every signer and the combiner derive from (presignature, request)."""

    transcript_hash: bytes
    rho: int
    big_r: Point
    r: int
    h: int


def derived_public_key(suite: Ciphersuite, root_public_key: Point, tweak: int) -> Point:
    """X' = X + δ·G (additive key derivation, ARCHITECTURE.md "Key derivation")."""
    return suite.add(root_public_key, suite.base_mul(tweak))


def rerandomize(public: PresignaturePublic, request: SignRequest) -> Rerandomized:
    """Bind everything into the transcript and derive ρ, R' = ρ·R and r (Groth and Shoup 2021)."""
    suite = public.suite
    h = message_hash_scalar(suite, request.message_hash)
    if request.tweak >= suite.order:
        raise ScalarOutOfRange("the tweak is not below the group order")
    transcript = suite.hash_to_digest(
        b"ecdsa-sign-transcript",
        encode_parts(
            public.presignature_id,
            b"".join(j.to_bytes(4, "big") for j in request.participants),
            public.epoch.to_bytes(8, "big"),
            suite.serialize_element(public.big_r),
            suite.serialize_element(public.group_public_key),
            request.message_hash,
            suite.serialize_scalar(request.tweak),
            request.entropy,
        ),
    )
    rho = suite.hash_to_scalar(b"ecdsa-rerandomize", transcript)
    if rho == 0:
        raise DegenerateNonce("the rerandomizer is zero")
    big_r = suite.mul(public.big_r, rho)
    x, _ = point_x_and_parity(suite, big_r)
    r = x % suite.order
    if r == 0:
        raise DegenerateNonce("r = 0; use another presignature")
    return Rerandomized(transcript, rho, big_r, r, h)


def check_signing_set(public: PresignaturePublic, request: SignRequest, current_epoch: int) -> None:
    """The rules that stop split-view and stale-presignature attacks (ARCHITECTURE.md, ECDSA)."""
    if request.participants != public.participants:
        raise ParticipantMismatch(
            f"signers {list(request.participants)} differ from the presignature's {list(public.participants)}"
        )
    if public.epoch != current_epoch:
        raise StalePresignature(f"presignature of epoch {public.epoch}, current epoch is {current_epoch}")
