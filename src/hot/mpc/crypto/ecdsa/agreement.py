"""Agreement before the online round: every signer sees every other's transcript hash first.

A linear online round is only safe if no two honest parties release shares of one presignature
under different transcripts: s_i = c1·k^{-1}_i + c2·σ_i for two (c1, c2) gives a coalition of
t-1 parties plus two honest shares two equations in (k^{-1}, k^{-1}·x), hence the root key. A
coordinator that shows parties different message hashes, tweaks or entropy (a split view, the
attack NEAR's review names) is exactly such a coalition. So each party first broadcasts a
`SignIntent` (presignature id and transcript hash, nothing secret) over the authenticated peer
channels, and `sign_share` consumes the presignature only when all 2t-1 intents match its own.
An equivocating party cannot hide a disagreement between two honest parties, since each honest
intent reaches every other honest party unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hot.mpc.crypto.ecdsa.codec import Reader, u32, var
from hot.wire.errors import PresignatureReused, TranscriptMismatch
from hot.mpc.crypto.ecdsa.messages import TRANSCRIPT_SIZE
from hot.mpc.crypto.ecdsa.presign import check_senders
from hot.mpc.crypto.ecdsa.presignature import PresignaturePublic, PresignatureShare
from hot.mpc.crypto.ecdsa.request import Rerandomized, SignRequest, check_signing_set, rerandomize
from hot.mpc.crypto.suites.base import Ciphersuite


@dataclass(frozen=True)
class SignIntent:
    """Party `sender` will sign presignature `presignature_id` under `transcript_hash` only."""

    sender: int
    presignature_id: bytes
    transcript_hash: bytes

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return u32(self.sender) + var(self.presignature_id) + self.transcript_hash

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> SignIntent:
        r = Reader(suite, data)
        out = cls(r.u32(), r.var(), r.raw(TRANSCRIPT_SIZE))
        r.finish()
        return out


def sign_intent(presignature: PresignatureShare, request: SignRequest, *, current_epoch: int) -> SignIntent:
    """The agreement message: checks the request (typed errors) but consumes nothing."""
    public = presignature.public
    check_signing_set(public, request, current_epoch)
    if presignature.consumed:
        raise PresignatureReused(f"presignature {public.presignature_id.hex()} was already used")
    values = rerandomize(public, request)
    return SignIntent(presignature.identifier, public.presignature_id, values.transcript_hash)


def check_intents(public: PresignaturePublic, values: Rerandomized, intents: Mapping[int, SignIntent]) -> None:
    """Every participant, and only they, intends to sign this presignature under this transcript."""
    check_senders(public.participants, intents, "sign intent")
    for j in public.participants:
        intent = intents[j]
        if intent.sender != j:
            raise TranscriptMismatch(j, f"the intent filed under {j} claims sender {intent.sender}")
        if intent.presignature_id != public.presignature_id or intent.transcript_hash != values.transcript_hash:
            raise TranscriptMismatch(j, f"party {j} intends another presignature or transcript")
