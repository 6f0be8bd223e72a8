"""Typed errors of threshold ECDSA and resharing (STYLE.md habit 5).

Every refusal that stops a known attack has its own class, so callers and tests can tell a
split view from a reuse from a stale epoch. Errors that name a misbehaving party are
`CulpritError`s (identifiable abort, Damgård et al. 2020, online phase).
"""

from __future__ import annotations

from hot.wire.errors import CulpritError, EncodingError, ProtocolError


class ParticipantMismatch(ProtocolError):
    """The signing set differs from the presignature's set, or a set is malformed or too small."""

    code = "participant_mismatch"


class MissingMessage(CulpritError):
    """An expected participant sent nothing for this round; rerun without it (it is named)."""

    code = "missing_message"


class TranscriptMismatch(CulpritError):
    """A signer committed to a different transcript (message hash, tweak, presignature, entropy)."""

    code = "transcript_mismatch"


class BroadcastMismatch(ProtocolError):
    """Parties saw different round-1 broadcasts (a split view); needs the transport's echo check.

    Identifiable abort presumes a reliable broadcast channel (Damgård et al. 2020, model); without
    one, the party whose view differs cannot be told from the dealer who equivocated, so no one
    is named here rather than an honest party.
    """

    code = "broadcast_mismatch"


class PresignatureReused(ProtocolError):
    """A presignature share was already consumed; a second use would leak the key."""

    code = "presignature_reused"


class StalePresignature(ProtocolError):
    """A presignature from an epoch before the last reshare or refresh."""

    code = "stale_presignature"


class InvalidMessageHash(EncodingError):
    """A message hash is not 32 bytes, or is zero modulo the group order."""

    code = "invalid_message_hash"


class DegenerateNonce(ProtocolError):
    """The opened product a*k is zero or r is zero; rerun presigning (probability ~2^-256)."""

    code = "degenerate_nonce"


class SignatureInvalid(ProtocolError):
    """The combined signature did not verify under the derived key; nothing is returned."""

    code = "signature_invalid"
