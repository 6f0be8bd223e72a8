"""The presignature a party keeps between the offline and the online phase: single use by construction.

A presignature is R = k·G with degree-(t-1) sharings of k^{-1} and σ = k^{-1}·x among exactly the
2t-1 parties that made it, plus public commitments K̂_i = k^{-1}_i·G and Σ_i = σ_i·G to every
party's shares, so each signature share is checkable (Damgård et al. 2020, preprocessing and
online phase). Two signatures from one presignature reveal the key, so a `PresignatureShare`
hands its secrets out once: the first `consume` erases them from the object, runs the caller's
durable-erase hook, and any later call raises `PresignatureReused`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hot.mpc.crypto.ecdsa.codec import Reader, elements, u32, u64, var
from hot.wire.errors import InvalidParameters, PresignatureReused, WrongLength
from hot.mpc.crypto.suites import SECP256K1, get_suite
from hot.mpc.crypto.suites.base import Ciphersuite, Point

STORAGE_VERSION = 1


@dataclass(frozen=True)
class PresignaturePublic:
    """What every participant of a presignature knows, and what the combiner checks shares against."""

    suite: Ciphersuite
    presignature_id: bytes
    participants: tuple[int, ...]
    threshold: int
    epoch: int
    big_r: Point
    group_public_key: Point
    kinv_commitments: Mapping[int, Point]
    sigma_commitments: Mapping[int, Point]


class PresignatureShare:
    """One party's secret part of a presignature; `consume` gives it out exactly once."""

    __slots__ = ("public", "identifier", "_kinv_share", "_sigma_share", "_consumed", "_lock")

    def __init__(self, public: PresignaturePublic, identifier: int, kinv_share: int, sigma_share: int) -> None:
        self.public = public
        self.identifier = identifier
        self._kinv_share = kinv_share
        self._sigma_share = sigma_share
        self._consumed = False
        self._lock = threading.Lock()  # check-and-set must be atomic even across threads

    @property
    def presignature_id(self) -> bytes:
        return self.public.presignature_id

    @property
    def consumed(self) -> bool:
        return self._consumed

    def consume(self, on_consumed: Callable[[bytes], None] | None = None) -> tuple[int, int]:
        """Return (k^{-1}_i, σ_i) once; erase them here and call `on_consumed(id)` first.

        The hook is where a persistence layer marks the presignature used durably: it runs before
        the secrets are returned, so a signature share can never leave for a presignature that a
        crash could bring back unused. If the hook raises, the presignature is still burned.
        """
        with self._lock:
            if self._consumed:
                raise PresignatureReused(f"presignature {self.presignature_id.hex()} was already used")
            self._consumed = True
            secrets_ = (self._kinv_share, self._sigma_share)
            self._kinv_share = self._sigma_share = 0
        if on_consumed is not None:
            on_consumed(self.presignature_id)
        return secrets_

    def __copy__(self) -> PresignatureShare:
        raise TypeError("a presignature share is single-use and cannot be copied")

    def __deepcopy__(self, memo: object) -> PresignatureShare:
        raise TypeError("a presignature share is single-use and cannot be copied")

    def __reduce_ex__(self, protocol: object) -> tuple[object, ...]:
        raise TypeError("pickling would duplicate a single-use secret; store `to_bytes()` encrypted")

    def to_bytes(self) -> bytes:
        """The storage record (secret: store it AEAD-encrypted, keyed by `presignature_id`).

        A consumed presignature has nothing left to store. Loading a record gives an unused
        object again, which is why the store must record the erase in `on_consumed` durably and
        delete or refuse the record afterwards.
        """
        if self._consumed:
            raise PresignatureReused("a consumed presignature cannot be stored")
        p, suite = self.public, self.public.suite
        return (
            bytes([STORAGE_VERSION])
            + var(suite.name.encode())
            + var(p.presignature_id)
            + u32(len(p.participants))
            + b"".join(u32(j) for j in p.participants)
            + u32(p.threshold)
            + u64(p.epoch)
            + suite.serialize_element(p.big_r)
            + suite.serialize_element(p.group_public_key)
            + elements(suite, (p.kinv_commitments[j] for j in p.participants))
            + elements(suite, (p.sigma_commitments[j] for j in p.participants))
            + u32(self.identifier)
            + suite.serialize_scalar(self._kinv_share)
            + suite.serialize_scalar(self._sigma_share)
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> PresignatureShare:
        """Decode a storage record; typed errors for any malformed or inconsistent field."""
        if not data or data[0] != STORAGE_VERSION:
            raise WrongLength("not a presignature record of a known version")
        name_length = int.from_bytes(data[1:5], "big")
        suite = get_suite(data[5 : 5 + name_length].decode("ascii", errors="replace"))
        r = Reader(suite, data[5 + name_length :])
        presignature_id = r.var()
        participants = tuple(r.u32() for _ in range(r.count()))
        threshold, epoch, big_r, group_public_key = r.u32(), r.u64(), r.element(), r.element()
        kinv_points, sigma_points = r.elements(), r.elements()
        identifier, kinv_share, sigma_share = r.u32(), r.scalar(), r.scalar()
        r.finish()
        if len(kinv_points) != len(participants) or len(sigma_points) != len(participants):
            raise InvalidParameters("commitment lists do not match the participants")
        if identifier not in participants:
            raise InvalidParameters("the record's owner is not a participant")
        public = PresignaturePublic(
            suite,
            presignature_id,
            participants,
            threshold,
            epoch,
            big_r,
            group_public_key,
            dict(zip(participants, kinv_points, strict=True)),
            dict(zip(participants, sigma_points, strict=True)),
        )
        return cls(public, identifier, kinv_share, sigma_share)

    def __repr__(self) -> str:
        state = "consumed" if self._consumed else "unused"
        return f"PresignatureShare(id={self.presignature_id.hex()[:16]}, party={self.identifier}, {state})"


# The public record on the wire (docs/gatekeeper.md): the combiner (the gatekeeper) checks each
# signature share against values only the nodes hold, so every ECDSA share answer carries
# {"share": hex(SignatureShare.to_bytes), "presignature": hex(encode_presignature_public(public))}.
PUBLIC_VERSION = 1


def encode_presignature_public(public: PresignaturePublic) -> bytes:
    """version || var(id) || u32 count || u32 ids || u32 t || u64 epoch || R || X || K̂_j... || Σ_j..."""
    suite = public.suite
    if suite.name != SECP256K1.name:
        raise InvalidParameters("ECDSA presignatures are secp256k1")
    return (
        bytes([PUBLIC_VERSION])
        + var(public.presignature_id)
        + u32(len(public.participants))
        + b"".join(u32(j) for j in public.participants)
        + u32(public.threshold)
        + u64(public.epoch)
        + suite.serialize_element(public.big_r)
        + suite.serialize_element(public.group_public_key)
        + elements(suite, (public.kinv_commitments[j] for j in public.participants))
        + elements(suite, (public.sigma_commitments[j] for j in public.participants))
    )


def decode_presignature_public(data: bytes) -> PresignaturePublic:
    """Inverse of `encode_presignature_public`; typed errors (EncodingError) on malformed input."""
    if not data or data[0] != PUBLIC_VERSION:
        raise WrongLength("not a presignature public record of a known version")
    r = Reader(SECP256K1, data[1:])
    presignature_id = r.var()
    participants = tuple(r.u32() for _ in range(r.count()))
    threshold, epoch, big_r, group_public_key = r.u32(), r.u64(), r.element(), r.element()
    kinv_points, sigma_points = r.elements(), r.elements()
    r.finish()
    if len(kinv_points) != len(participants) or len(sigma_points) != len(participants):
        raise WrongLength("commitment lists do not match the participants")
    return PresignaturePublic(
        SECP256K1,
        presignature_id,
        participants,
        threshold,
        epoch,
        big_r,
        group_public_key,
        dict(zip(participants, kinv_points, strict=True)),
        dict(zip(participants, sigma_points, strict=True)),
    )
