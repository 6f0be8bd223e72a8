"""Errors of the threshold cryptography (hot.mpc.crypto) and of what peers send it (STYLE.md habit 5).

Every malformed value a peer can send maps to one named EncodingError (RFC 9591 §4.1
`DeserializeElement` / `DeserializeScalar` "fail"), so callers tell a truncated message from a
small-order point without parsing strings; every refusal that stops a known attack has its own
class; errors that name a misbehaving party are CulpritErrors (identifiable abort, Damgård et al.
2020, online phase).
"""

from __future__ import annotations

from hot.wire.errors.base import CulpritError, EncodingError, ProtocolError
from hot.wire.errors.codes import ContractCode


class InvalidShare(CulpritError):
    """A share (secret share, signature share, presignature share) failed its public check."""

    code = "invalid_share"


class InvalidProof(CulpritError):
    """A zero-knowledge proof (e.g. a DKG proof of knowledge) did not verify."""

    code = "invalid_proof"


class InvalidSignature(ProtocolError):
    """A signature does not verify under the key it is reported for: it is never returned or accepted."""

    code = "invalid_signature"
    contract_code = ContractCode.BAD_SIGNATURE


class WrongLength(EncodingError):
    """An encoded element or scalar has the wrong number of bytes (truncated or oversized)."""

    code = "wrong_length"


class NonCanonicalEncoding(EncodingError):
    """A byte string decodes, but is not the unique canonical encoding of its value."""

    code = "non_canonical"


class IdentityElement(EncodingError):
    """The identity element was sent where RFC 9591 §4.1 forbids it (commitments, keys)."""

    code = "identity_element"


class InvalidPoint(EncodingError):
    """The bytes do not encode a point on the curve (or carry an unknown SEC1 prefix)."""

    code = "invalid_point"


class NotInPrimeOrderSubgroup(EncodingError):
    """An ed25519 point has a small-order component (cofactor 8): RFC 9591 §6.1 rejects it."""

    code = "not_in_subgroup"


class ScalarOutOfRange(EncodingError):
    """An encoded scalar is at or above the group order (RFC 9591 §4.1 `DeserializeScalar`)."""

    code = "scalar_out_of_range"


class InconsistentKeyMaterial(EncodingError):
    """Decoded key material contradicts itself (e.g. a secret share that is not the stated key's)."""

    code = "inconsistent_key_material"


class InvalidMessageHash(EncodingError):
    """A message hash is not 32 bytes, or is zero modulo the group order."""

    code = "invalid_message_hash"


class InvalidParameters(ProtocolError):
    """Threshold, participant identifiers or signer set are inconsistent (RFC 9591 §5)."""

    code = "invalid_parameters"


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
    """Parties saw different round-one broadcasts (a split view, or a dealer equivocated): the run aborts.

    Identifiable abort presumes a reliable broadcast channel (Damgård et al. 2020, model); without
    one, the party whose view differs cannot be told from the dealer who equivocated, so no one
    is named here rather than an honest party. Raised by ECDSA presigning and by the node's DKG.
    """

    code = "broadcast_mismatch"


class PresignatureReused(ProtocolError):
    """A presignature was already consumed (in memory or in the node's keystore); a second use would leak the key."""

    code = "presignature_reused"


class StalePresignature(ProtocolError):
    """A presignature from an epoch before the last reshare or refresh."""

    code = "stale_presignature"


class DegenerateNonce(ProtocolError):
    """The opened product a*k is zero or r is zero; rerun presigning (probability ~2^-256)."""

    code = "degenerate_nonce"


class OldKeyDisagreement(ProtocolError):
    """Reshare dealers described the old sharing differently, or not for the Controller's key."""

    code = "reshare_old_key_disagreement"
