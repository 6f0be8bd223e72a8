"""Wire encoding of the ECDSA values a node returns from `/v1/sign/share` (docs/gatekeeper.md).

The gatekeeper is the combiner (docs/node-api.md): to check each signature share against public
values and name a bad sender (Damgård et al. 2020, online phase; `combine_signature`) it needs the
presignature's public part, which only the nodes hold. So each ECDSA share object on the wire is

    {"share": hex(SignatureShare.to_bytes(SECP256K1)),
     "presignature": hex(encode_presignature_public(public))}

The encoding reuses `hot.mpc.crypto.ecdsa.codec` (fixed-size big-endian fields, checked on decode).
It belongs beside `PresignaturePublic` in the ECDSA module; it lives here until that module owns it.
"""

from __future__ import annotations

from hot.mpc.crypto.ecdsa.codec import Reader, elements, u32, u64, var
from hot.mpc.crypto.ecdsa.presignature import PresignaturePublic
from hot.mpc.crypto.errors import InvalidParameters, WrongLength
from hot.mpc.crypto.suites import SECP256K1

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
