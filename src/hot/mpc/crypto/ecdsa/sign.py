"""Online phase: one round of linear, checkable signature shares (Damgård et al. 2020, online phase).

With the rerandomized values of `request.py` (R' = ρ·R, r = x(R') mod n, key x' = x + δ), party i
sends

    s_i = ρ^{-1}·((h + r·δ)·k^{-1}_i + r·σ_i),     a degree-(t-1) sharing of s = k'^{-1}(h + r·x'),

and the combiner checks s_i·G == c1·K̂_i + c2·Σ_i (c1 = ρ^{-1}(h + rδ), c2 = ρ^{-1}r) for every i,
so a wrong share names its sender. A share is released only after every participant's
`SignIntent` showed the same transcript (`agreement.py`): shares of one presignature under two
transcripts would give two linear equations in (k^{-1}, k^{-1}·x) and so the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from hot.wire.errors import DegenerateNonce, InvalidShare, InvalidSignature, PresignatureReused, TranscriptMismatch
from hot.mpc.crypto.ecdsa.agreement import SignIntent, check_intents
from hot.mpc.crypto.ecdsa.codec import Reader, u32
from hot.mpc.crypto.ecdsa.messages import TRANSCRIPT_SIZE
from hot.mpc.crypto.ecdsa.presign import check_senders
from hot.mpc.crypto.ecdsa.presignature import PresignaturePublic, PresignatureShare
from hot.mpc.crypto.ecdsa.request import (
    Rerandomized,
    SignRequest,
    check_signing_set,
    derived_public_key,
    rerandomize,
)
from hot.mpc.crypto.ecdsa.signature import EcdsaSignature, low_s, point_x_and_parity, verify_ecdsa
from hot.mpc.crypto.polynomial import lagrange_coefficient
from hot.mpc.crypto.suites.base import Ciphersuite


@dataclass(frozen=True)
class SignatureShare:
    """Party `sender`'s online message: its share s_i and the transcript it signed under."""

    sender: int
    transcript_hash: bytes
    s_share: int

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return u32(self.sender) + self.transcript_hash + suite.serialize_scalar(self.s_share)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> SignatureShare:
        r = Reader(suite, data)
        out = cls(r.u32(), r.raw(TRANSCRIPT_SIZE), r.scalar())
        r.finish()
        return out


def sign_share(
    presignature: PresignatureShare,
    request: SignRequest,
    intents: Mapping[int, SignIntent],
    *,
    current_epoch: int,
    on_consumed: Callable[[bytes], None] | None = None,
) -> SignatureShare:
    """This party's one online message; consumes the presignature (Damgård et al. 2020, online phase).

    Every check (request, epoch, signer set, all 2t-1 intents equal to this party's transcript)
    runs before the presignature is consumed, so refused input changes nothing;
    `on_consumed(presignature_id)` runs before the share exists (durable erase hook).
    """
    public = presignature.public
    if presignature.consumed:
        raise PresignatureReused(f"presignature {public.presignature_id.hex()} was already used")
    check_signing_set(public, request, current_epoch)
    values = rerandomize(public, request)
    check_intents(public, values, intents)
    kinv, sigma = presignature.consume(on_consumed)
    c1, c2 = _coefficients(public.suite, values, request.tweak)
    s_i = (c1 * kinv + c2 * sigma) % public.suite.order
    return SignatureShare(presignature.identifier, values.transcript_hash, s_i)


def combine_signature(
    public: PresignaturePublic,
    request: SignRequest,
    shares: Mapping[int, SignatureShare],
    *,
    current_epoch: int,
) -> EcdsaSignature:
    """Check every share against the public commitments, interpolate, low-s, verify (SEC 1 §4.1.4)."""
    suite = public.suite
    check_signing_set(public, request, current_epoch)
    check_senders(public.participants, shares, "signature share")
    values = rerandomize(public, request)
    c1, c2 = _coefficients(suite, values, request.tweak)
    for j in public.participants:
        _check_share(public, values, c1, c2, j, shares[j])
    parts: Sequence[int] = public.participants
    s = sum(lagrange_coefficient(suite, parts, j) * shares[j].s_share for j in parts) % suite.order
    if s == 0:
        raise DegenerateNonce("s = 0; use another presignature")
    x, parity = point_x_and_parity(suite, values.big_r)
    recovery_id = parity | (2 if x >= suite.order else 0)
    s, recovery_id = low_s(suite, s, recovery_id)
    key = derived_public_key(suite, public.group_public_key, request.tweak)
    if not verify_ecdsa(suite, key, request.message_hash, values.r, s):
        raise InvalidSignature("the combined signature does not verify under the derived key")
    return EcdsaSignature(values.r, s, recovery_id)


def _coefficients(suite: Ciphersuite, values: Rerandomized, tweak: int) -> tuple[int, int]:
    n = suite.order
    rho_inv = pow(values.rho, -1, n)
    return rho_inv * (values.h + values.r * tweak) % n, rho_inv * values.r % n


def _check_share(
    public: PresignaturePublic, values: Rerandomized, c1: int, c2: int, j: int, share: SignatureShare
) -> None:
    suite = public.suite
    if share.sender != j:
        raise InvalidShare(j, f"the share filed under {j} claims sender {share.sender}")
    if share.transcript_hash != values.transcript_hash:
        raise TranscriptMismatch(j, f"party {j} signed another transcript (message, tweak, entropy or presignature)")
    if isinstance(share.s_share, bool) or not isinstance(share.s_share, int) or not 0 <= share.s_share < suite.order:
        raise InvalidShare(j, f"party {j}'s signature share is out of range")
    expected = suite.multi_mul([(public.kinv_commitments[j], c1), (public.sigma_commitments[j], c2)])
    if suite.base_mul(share.s_share) != expected:
        raise InvalidShare(j, f"party {j}'s signature share fails s_j·G == c1·K̂_j + c2·Σ_j")


__all__ = [
    "Rerandomized",
    "SignRequest",
    "SignatureShare",
    "check_signing_set",
    "combine_signature",
    "derived_public_key",
    "rerandomize",
    "sign_share",
]
