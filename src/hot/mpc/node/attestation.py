"""Attestation quotes and their verification (pure: no I/O, no clock; the Controller imports this).

Whitepaper §2.2.7: "each MPC node periodically provides an attestation to the Controller
Contract", and §4.2.1: "Time-bound remote attestation, periodic re-attestation, code-identity
checks pinned in Coordinator; nodes failing re-attestation are disabled before protocol rounds."

A quote says: code with `measurement` runs with `node_signing_public_key` (the key that signs the
node's log and its Controller messages), valid in [issued_at, expires_at) (Unix seconds). On a
real TEE the hardware vendor signs it (TDX/SEV quote with the key in REPORTDATA); on localnet a
software "test vendor" key signs it. That gives no security, only the same wiring and checks;
`QuoteVerifier` is the seam where a TDX verifier plugs in.

Signed bytes (docs/node.md, "Attestation"):
    b"hot-protocol/attestation/software-quote/v1\\n" || measurement (32) || node_signing_public_key (32)
    || issued_at (u64 BE) || expires_at (u64 BE)
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from hot.wire.errors import (
    MeasurementNotAllowed,
    NotAttested,
    QuoteExpired,
    QuoteKeyMismatch,
    QuoteMalformed,
    QuoteSignatureInvalid,
)

QUOTE_TAG = b"hot-protocol/attestation/software-quote/v1\n"
MEASUREMENT_TAG = b"hot-protocol/attestation/measurement/v1\n"
# The localnet test vendor's seed is public on purpose: software quotes prove wiring, not integrity.
TEST_VENDOR_SEED = b"hot-protocol/localnet/vendor/v1!"
DEFAULT_MAX_VALIDITY = 24 * 3600
MAX_CLOCK_SKEW = 300
_MAX_U64 = 2**64 - 1


def _u64(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_U64:
        raise QuoteMalformed(f"{field} must be an integer in [0, 2^64)")
    return value


def _bytes32(value: Any, field: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise QuoteMalformed(f"{field} must be 32 bytes")
    return value


@dataclass(frozen=True)
class SoftwareQuote:
    """A vendor-signed statement binding a code measurement to a node signing key."""

    measurement: bytes
    node_signing_public_key: bytes
    issued_at: int
    expires_at: int
    signature: bytes

    def __post_init__(self) -> None:
        _bytes32(self.measurement, "measurement")
        _bytes32(self.node_signing_public_key, "node_signing_public_key")
        _u64(self.issued_at, "issued_at")
        _u64(self.expires_at, "expires_at")
        if self.expires_at <= self.issued_at:
            raise QuoteMalformed("expires_at must be after issued_at")
        if not isinstance(self.signature, bytes) or len(self.signature) != 64:
            raise QuoteMalformed("signature must be 64 bytes")

    def signed_bytes(self) -> bytes:
        """The exact message the vendor signs."""
        return (
            QUOTE_TAG
            + self.measurement
            + self.node_signing_public_key
            + struct.pack(">QQ", self.issued_at, self.expires_at)
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the Controller call and the signed log (bytes as hex)."""
        return {
            "measurement": self.measurement.hex(),
            "node_signing_public_key": self.node_signing_public_key.hex(),
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SoftwareQuote:
        """Parse `to_dict` output; any missing or malformed field is QuoteMalformed."""
        try:
            return cls(
                measurement=bytes.fromhex(data["measurement"]),
                node_signing_public_key=bytes.fromhex(data["node_signing_public_key"]),
                issued_at=data["issued_at"],
                expires_at=data["expires_at"],
                signature=bytes.fromhex(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise QuoteMalformed(f"quote is not a well-formed object: {exc!r}") from exc


@dataclass(frozen=True)
class VerifiedAttestation:
    """What a verifier vouches for after accepting a quote."""

    measurement: bytes
    node_signing_public_key: bytes
    expires_at: int


class QuoteVerifier(Protocol):
    """The pluggable check the Controller runs on a node's quote (software now, TDX later)."""

    def verify(
        self, quote: Mapping[str, Any], *, node_signing_public_key: bytes, now: int
    ) -> VerifiedAttestation: ...


class SoftwareQuoteVerifier:
    """Accepts a software quote signed by a trusted vendor key, bound to the node, fresh, pinned."""

    def __init__(
        self,
        vendor_public_keys: Iterable[bytes],
        allowed_measurements: Iterable[bytes],
        *,
        max_validity: int = DEFAULT_MAX_VALIDITY,
    ) -> None:
        self._vendors = [Ed25519PublicKey.from_public_bytes(_bytes32(k, "vendor key")) for k in vendor_public_keys]
        self._allowed = frozenset(_bytes32(m, "allowed measurement") for m in allowed_measurements)
        self._max_validity = max_validity

    def verify(self, quote: Mapping[str, Any], *, node_signing_public_key: bytes, now: int) -> VerifiedAttestation:
        """Check, in order: shape, vendor signature, key binding, validity window, measurement pin."""
        parsed = SoftwareQuote.from_dict(quote)
        if not any(_signed_by(vendor, parsed) for vendor in self._vendors):
            raise QuoteSignatureInvalid("quote is not signed by a trusted vendor key")
        if parsed.node_signing_public_key != node_signing_public_key:
            raise QuoteKeyMismatch("quote attests a different node signing key")
        if parsed.expires_at - parsed.issued_at > self._max_validity:
            raise QuoteMalformed(f"quote validity exceeds {self._max_validity} s")
        if not parsed.issued_at - MAX_CLOCK_SKEW <= now < parsed.expires_at:
            raise QuoteExpired(f"quote valid in [{parsed.issued_at}, {parsed.expires_at}), now is {now}")
        if parsed.measurement not in self._allowed:
            raise MeasurementNotAllowed(f"measurement {parsed.measurement.hex()} is not pinned")
        return VerifiedAttestation(parsed.measurement, parsed.node_signing_public_key, parsed.expires_at)


def _signed_by(vendor: Ed25519PublicKey, quote: SoftwareQuote) -> bool:
    try:
        vendor.verify(quote.signature, quote.signed_bytes())
    except InvalidSignature:
        return False
    return True


class SoftwareVendor:
    """The localnet stand-in for a TEE vendor's quoting service."""

    def __init__(self, vendor_key: Ed25519PrivateKey) -> None:
        self._key = vendor_key

    @classmethod
    def test_vendor(cls) -> SoftwareVendor:
        """The well-known localnet test vendor (its key is public: never trust it off localnet)."""
        return cls(Ed25519PrivateKey.from_private_bytes(TEST_VENDOR_SEED))

    @property
    def public_key(self) -> bytes:
        return self._key.public_key().public_bytes_raw()

    def issue(self, measurement: bytes, node_signing_public_key: bytes, *, now: int, ttl: int) -> SoftwareQuote:
        """A quote valid from `now` for `ttl` seconds."""
        unsigned = SoftwareQuote(measurement, node_signing_public_key, now, now + ttl, bytes(64))
        return SoftwareQuote(
            measurement, node_signing_public_key, now, now + ttl, self._key.sign(unsigned.signed_bytes())
        )


def measure_sources(files: Iterable[tuple[str, bytes]]) -> bytes:
    """The code measurement: SHA-256 over (path, SHA-256(content)) of every file, sorted by path.

    Paths are logical (`hot/mpc/node/keystore.py`), so the measurement does not depend on where
    the package is installed. Each path is length-prefixed so the encoding is unambiguous.
    """
    digest = hashlib.sha256(MEASUREMENT_TAG)
    for path, content in sorted(files):
        raw = path.encode()
        digest.update(struct.pack(">I", len(raw)) + raw + hashlib.sha256(content).digest())
    return digest.digest()


class AttestationGuard:
    """The node's own view: it refuses to sign while its accepted attestation is missing or expired.

    Pure state; the runner feeds it the quote the Controller accepted and the current time, and
    asks `renewal_due` on its schedule (re-attest before expiry, whitepaper §4.2.1).
    """

    def __init__(self, node_signing_public_key: bytes) -> None:
        self._node_key = _bytes32(node_signing_public_key, "node_signing_public_key")
        self._current: SoftwareQuote | None = None

    def accept(self, quote: SoftwareQuote) -> None:
        """Record a quote the Controller accepted for this node."""
        if quote.node_signing_public_key != self._node_key:
            raise QuoteKeyMismatch("quote attests a different node signing key")
        self._current = quote

    def require_valid(self, now: int) -> SoftwareQuote:
        """The current quote, or NotAttested/QuoteExpired: call before every signing round."""
        if self._current is None:
            raise NotAttested("no accepted attestation yet: refusing to sign")
        if now >= self._current.expires_at:
            raise QuoteExpired(f"attestation expired at {self._current.expires_at}: refusing to sign")
        return self._current

    def renewal_due(self, now: int, margin: int) -> bool:
        """True when there is no quote or it expires within `margin` seconds."""
        return self._current is None or now + margin >= self._current.expires_at
