"""ECDSA signatures over secp256k1: message-hash checks, low-s form, recovery id, verification.

SEC 1 v2 §4.1.3-4.1.4 (signing and verifying equations), §4.1.6 (public-key recovery, whose
`recovery_id` bit 0 is the parity of R's y and bit 1 says R.x >= n); BIP 62 / EIP-2 low-s rule:
s <= n/2, and negating s flips R's parity. Output is what coincurve, `cryptography` and EVM
`ecrecover` accept.
"""

from __future__ import annotations

from dataclasses import dataclass

from hot.wire.errors import InvalidMessageHash, InvalidParameters
from hot.mpc.crypto.suites.base import Ciphersuite, Point

MESSAGE_HASH_SIZE = 32


@dataclass(frozen=True)
class EcdsaSignature:
    """(r, s) in low-s form with the recovery id of SEC 1 §4.1.6 (0..3)."""

    r: int
    s: int
    recovery_id: int

    def to_compact(self) -> bytes:
        """64 bytes r || s, big-endian (Bitcoin compact / EVM without v)."""
        return self.r.to_bytes(32, "big") + self.s.to_bytes(32, "big")

    def to_recoverable(self) -> bytes:
        """65 bytes r || s || recovery_id (coincurve's `from_signature_and_message` format)."""
        return self.to_compact() + bytes([self.recovery_id])

    @property
    def evm_v(self) -> int:
        """EVM `v` (27 or 28); a recovery id of 2 or 3 cannot occur in practice (R.x >= n)."""
        return 27 + (self.recovery_id & 1)

    def to_der(self) -> bytes:
        """ASN.1 DER SEQUENCE { INTEGER r, INTEGER s } (Bitcoin scripts, X.509, `cryptography`)."""
        body = _der_integer(self.r) + _der_integer(self.s)
        return b"\x30" + _der_length(len(body)) + body


def message_hash_scalar(suite: Ciphersuite, message_hash: bytes) -> int:
    """h = int(hash) mod n (SEC 1 §4.1.3 step 5 for 256-bit hashes); refuse malformed or zero.

    A zero h lets anyone holding one signature forge another for h = 0 under the same key (and
    makes s independent of the message), so it is refused outright.
    """
    if not isinstance(message_hash, (bytes, bytearray)) or len(message_hash) != MESSAGE_HASH_SIZE:
        raise InvalidMessageHash(f"a message hash is {MESSAGE_HASH_SIZE} bytes")
    h = int.from_bytes(message_hash, "big") % suite.order
    if h == 0:
        raise InvalidMessageHash("a message hash that is zero modulo n is refused")
    return h


def point_x_and_parity(suite: Ciphersuite, point: Point) -> tuple[int, int]:
    """(x, y mod 2) of a non-identity secp256k1 point, from its compressed SEC1 encoding."""
    if suite.name != "secp256k1" or suite.is_identity(point):
        raise InvalidParameters("an ECDSA nonce point must be a non-identity secp256k1 point")
    encoded = suite.serialize_element(point)
    return int.from_bytes(encoded[1:], "big"), encoded[0] & 1


def low_s(suite: Ciphersuite, s: int, recovery_id: int) -> tuple[int, int]:
    """BIP 62 low-s: replace s by n - s when s > n/2; R's y parity flips with it (EIP-2)."""
    if s > suite.order // 2:
        return suite.order - s, recovery_id ^ 1
    return s, recovery_id


def verify_ecdsa(suite: Ciphersuite, public_key: Point, message_hash: bytes, r: int, s: int) -> bool:
    """SEC 1 §4.1.4: x(h/s·G + r/s·Q) mod n == r."""
    n = suite.order
    if not (0 < r < n and 0 < s < n) or suite.is_identity(public_key):
        return False
    h = int.from_bytes(message_hash, "big") % n
    s_inv = pow(s, -1, n)
    point = suite.add(suite.base_mul(h * s_inv), suite.mul(public_key, r * s_inv))
    if suite.is_identity(point):
        return False
    x, _ = point_x_and_parity(suite, point)
    return x % n == r


def _der_integer(value: int) -> bytes:
    raw = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")  # leading 0x00 keeps it positive
    return b"\x02" + _der_length(len(raw)) + raw


def _der_length(length: int) -> bytes:
    return bytes([length]) if length < 0x80 else bytes([0x81, length])
