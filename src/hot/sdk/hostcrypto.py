"""Host crypto functions a contract calls from `hot_verify` (hashes and signature checks).

Why a host module: a contract must not carry curve code of its own. Every function here hands
the work to a well-kept library (hashlib, eth-hash, PyNaCl/libsodium, coincurve/libsecp256k1,
cryptography/OpenSSL), the way a chain runtime exposes `sha256` or `ed25519_verify` as host calls.

One rule for bad input (the safe reading for an authorization policy):
**malformed = not verified.** A verifier answers `False` for a wrong length, an off-curve or
unparsable key, an unparsable signature or an out-of-range scalar; it never raises for input
values. `secp256k1_ecrecover` answers `None` when no key can be recovered, so
`secp256k1_ecrecover(...) == registered_key` is simply false. Only a value of the wrong Python
type (e.g. a `str` where bytes belong) raises `HostCryptoTypeError`: that is a bug in the
contract, not an attacker's input, and hiding it would make a policy silently deny forever.

ECDSA over secp256k1 accepts **low-s signatures only** (libsecp256k1's rule, Bitcoin's
standardness rule and Ethereum's rule since Homestead). A high-s signature is the malleated
twin of a valid one; refusing it means one (key, message) pair has one accepted signature, so
a policy that remembers spent proofs cannot be replayed with the twin.
"""

from __future__ import annotations

import hashlib

import nacl.bindings
import nacl.exceptions
from coincurve import PublicKey, PublicKeyXOnly
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from eth_hash.auto import keccak as _keccak

from hot.wire.errors import HostCryptoTypeError

__all__ = [
    "HostCryptoTypeError",
    "bip340_verify",
    "ed25519_verify",
    "keccak256",
    "p256_verify",
    "secp256k1_ecdsa_verify",
    "secp256k1_ecrecover",
    "sha256",
]

# secp256k1 group order (SEC 2 §2.4.1); used only to range-check r and s before parsing.
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _require_bytes(name: str, value: object) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise HostCryptoTypeError(f"{name} must be bytes, got {type(value).__name__}")


def sha256(data: bytes) -> bytes:
    """SHA-256 of `data` (32 bytes)."""
    return hashlib.sha256(_require_bytes("data", data)).digest()


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (not NIST SHA3-256: the padding differs)."""
    return bytes(_keccak(_require_bytes("data", data)))


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 8032 Ed25519 verification through libsodium (rejects small-order keys, non-canonical S)."""
    key = _require_bytes("public_key", public_key)
    msg = _require_bytes("message", message)
    sig = _require_bytes("signature", signature)
    if len(key) != 32 or len(sig) != 64:
        return False
    try:
        nacl.bindings.crypto_sign_open(sig + msg, key)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


def _compact_scalars(signature: bytes) -> tuple[int, int] | None:
    """Split a 64-byte compact r||s and range-check both scalars (1 <= r, s < n)."""
    if len(signature) != 64:
        return None
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if not (0 < r < SECP256K1_ORDER and 0 < s < SECP256K1_ORDER):
        return None
    return r, s


def _secp256k1_key(public_key: bytes) -> PublicKey | None:
    if len(public_key) not in (33, 65):
        return None
    try:
        return PublicKey(public_key)
    except ValueError:
        return None


def secp256k1_ecdsa_verify(public_key: bytes, msg_hash: bytes, signature: bytes) -> bool:
    """ECDSA/secp256k1 over a 32-byte hash; `signature` is compact r||s, low-s only (see module doc).

    `public_key` is SEC1: 33 bytes compressed or 65 bytes uncompressed.
    """
    key_bytes = _require_bytes("public_key", public_key)
    digest = _require_bytes("msg_hash", msg_hash)
    sig = _require_bytes("signature", signature)
    scalars = _compact_scalars(sig)
    key = _secp256k1_key(key_bytes)
    if scalars is None or key is None or len(digest) != 32:
        return False
    # libsecp256k1's verify refuses high-s by itself; we never normalize before calling it.
    return key.verify(encode_dss_signature(*scalars), digest, hasher=None)


def secp256k1_ecrecover(msg_hash: bytes, signature: bytes, recovery_id: int) -> bytes | None:
    """The compressed (33-byte) key that made `signature` over `msg_hash`, or None if none can.

    `recovery_id` is 0..3 (Ethereum's `v - 27`). High-s signatures recover nothing (low-s rule).
    """
    digest = _require_bytes("msg_hash", msg_hash)
    sig = _require_bytes("signature", signature)
    if not isinstance(recovery_id, int) or isinstance(recovery_id, bool):
        raise HostCryptoTypeError(f"recovery_id must be int, got {type(recovery_id).__name__}")
    scalars = _compact_scalars(sig)
    if scalars is None or len(digest) != 32 or not 0 <= recovery_id <= 3:
        return None
    if scalars[1] > SECP256K1_ORDER // 2:
        return None
    try:
        key = PublicKey.from_signature_and_message(sig + bytes([recovery_id]), digest, hasher=None)
    except ValueError:
        return None
    return key.format(compressed=True)


def bip340_verify(xonly_public_key: bytes, message: bytes, signature: bytes) -> bool:
    """BIP340 Schnorr verification (libsecp256k1). `message` is signed as given (usually 32 bytes)."""
    key_bytes = _require_bytes("xonly_public_key", xonly_public_key)
    msg = _require_bytes("message", message)
    sig = _require_bytes("signature", signature)
    if len(key_bytes) != 32 or len(sig) != 64:
        return False
    try:
        key = PublicKeyXOnly(key_bytes)
    except ValueError:
        return False
    return key.verify(sig, msg)


def p256_verify(public_key: bytes, message: bytes, signature_der: bytes) -> bool:
    """ECDSA/P-256 with SHA-256 over `message` (hashed here), DER signature: WebAuthn's ES256.

    `public_key` is SEC1 (33 or 65 bytes). OpenSSL accepts either s form, as WebAuthn does.
    """
    key_bytes = _require_bytes("public_key", public_key)
    msg = _require_bytes("message", message)
    sig = _require_bytes("signature_der", signature_der)
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key_bytes)
    except ValueError:
        return False
    try:
        key.verify(sig, msg, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True
