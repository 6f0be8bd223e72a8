"""Typed decoding and protocol errors of `hot.mpc.crypto` (STYLE.md habit 5).

Every malformed value a peer can send maps to one named subclass of `hot.wire.errors.EncodingError`
(RFC 9591 §4.1 `DeserializeElement` / `DeserializeScalar` "fail"), so callers can tell a truncated
message from a small-order point without parsing error strings.
"""

from __future__ import annotations

from hot.wire.errors import EncodingError, ProtocolError


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


class InvalidParameters(ProtocolError):
    """Threshold, participant identifiers or signer set are inconsistent (RFC 9591 §5)."""

    code = "invalid_parameters"


class InconsistentKeyMaterial(EncodingError):
    """Decoded key material contradicts itself (e.g. a secret share that is not the stated key's)."""

    code = "inconsistent_key_material"
