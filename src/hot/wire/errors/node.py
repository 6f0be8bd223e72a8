"""Errors of an MPC node's own parts (hot.mpc.node): keystore, signed log, attestation, peer
transport, configuration and key files.

Most never reach the HTTP API: the node logs them in its signed log with their `code`, and the
signing path turns them into the API's refusals (a keystore miss is `no_presignature`, a missing
or expired attestation `not_attested`).
"""

from __future__ import annotations

from hot.wire.errors.base import HotError
from hot.wire.errors.codes import ContractCode


class KeystoreError(HotError):
    """The keystore refused an operation."""

    code = "keystore_error"


class InvalidRecordId(KeystoreError, ValueError):
    """A record identity has an empty, oversized or malformed field."""

    code = "invalid_record_id"
    status = 400


class RecordNotFound(KeystoreError):
    """No record with this identity is stored."""

    code = "record_not_found"
    status = 404


class RecordExists(KeystoreError):
    """A record with this identity is already stored (or, for a presignature, was used)."""

    code = "record_exists"
    status = 409


class RecordCorrupt(KeystoreError):
    """A record failed authentication: tampered, moved to another row, or a different master key."""

    code = "record_corrupt"


class WrongMasterKey(KeystoreError):
    """The keystore was created under a different master key."""

    code = "wrong_master_key"


class WrongRecordKind(KeystoreError):
    """The operation does not apply to this kind of record (e.g. `get` on a presignature)."""

    code = "wrong_record_kind"


class SignedLogError(HotError):
    """The signed log cannot be opened or appended to."""

    code = "signed_log_error"


class LogTruncated(SignedLogError):
    """The log ends in a partial line (a crash during an append); open with repair=True."""

    code = "log_truncated"


class LogLocked(SignedLogError):
    """Another writer holds this log; two writers would fork the hash chain."""

    code = "log_locked"


class LogCorrupt(SignedLogError):
    """The log's last entry does not verify under this node's key; refusing to extend it."""

    code = "log_corrupt"


class AttestationError(HotError):
    """An attestation quote was refused or the node has no valid attestation."""

    code = "attestation_error"


class NotAttested(AttestationError):
    """The node holds no valid attestation (none accepted yet, or it lapsed), so it refuses to sign."""

    code = "not_attested"
    status = 503
    contract_code = ContractCode.NOT_ATTESTED


class QuoteMalformed(AttestationError):
    """The quote's fields are missing, of the wrong size, or inconsistent."""

    code = "quote_malformed"
    status = 400
    contract_code = ContractCode.BAD_QUOTE


class QuoteSignatureInvalid(AttestationError):
    """The quote is not signed by a trusted vendor key."""

    code = "quote_signature_invalid"
    status = 400
    contract_code = ContractCode.QUOTE_SIGNATURE


class QuoteKeyMismatch(AttestationError):
    """The quote binds a different node key than the one being attested."""

    code = "quote_key_mismatch"
    status = 400
    contract_code = ContractCode.QUOTE_KEY_MISMATCH


class QuoteExpired(AttestationError):
    """The quote's validity window is over (or not yet open): re-attest."""

    code = "quote_expired"
    status = 400
    contract_code = ContractCode.QUOTE_EXPIRED


class MeasurementNotAllowed(AttestationError):
    """The quoted code measurement is not in the set the Controller pins."""

    code = "measurement_not_allowed"
    status = 400
    contract_code = ContractCode.MEASUREMENT_NOT_ALLOWED


class MeasurementError(HotError):
    """A package to measure could not be located."""

    code = "measurement_error"


class TransportError(HotError):
    """A peer channel failed or a peer was refused."""

    code = "transport_error"


class FrameMalformed(TransportError):
    """A frame does not parse (bad version, lengths, UTF-8 or truncated)."""

    code = "frame_malformed"


class FrameTooLarge(TransportError):
    """A frame exceeds the maximum frame size; the channel is closed."""

    code = "frame_too_large"


class DuplicatePeerKey(TransportError):
    """Two participants registered the same p2p key; the whole set is refused."""

    code = "duplicate_peer_key"


class PeerAuthenticationFailed(TransportError):
    """The peer's certificate is not the key registered for it (or the TLS handshake failed)."""

    code = "peer_authentication_failed"


class UnknownPeer(TransportError):
    """The participant to dial is not in the current participant set."""

    code = "unknown_peer"


class ChannelClosed(TransportError):
    """The channel was closed (by us, or by the peer refusing us)."""

    code = "channel_closed"


class ConfigError(HotError):
    """The node's configuration file is missing, unreadable or invalid."""

    code = "config_error"


class KeyFileError(HotError):
    """A key file of the node is missing, malformed or not private to its owner."""

    code = "key_file_error"


class InsecureKeyFile(KeyFileError):
    """A secret file is readable or writable by group/others; fix with `chmod 600`."""

    code = "insecure_key_file"


class ControllerUnavailable(HotError):
    """The Controller's state could not be read or a vote could not be sent."""

    code = "controller_unavailable"
    status = 503
