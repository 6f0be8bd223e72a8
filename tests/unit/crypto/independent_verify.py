"""Signature checks that share no code with hot.mpc.crypto: the tests' independent referees.

Ed25519: `cryptography` (OpenSSL) and PyNaCl. secp256k1 FROST: RFC 9591 §6.5's challenge
(expand_message_xmd, RFC 9380 §5.3.1, written out again here) and the verification equation
z·G == R + c·PK evaluated with coincurve's public API.
"""

from __future__ import annotations

import hashlib

from coincurve import PublicKey
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def ed25519_verifies(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True iff both OpenSSL (via cryptography) and libsodium (via PyNaCl) accept; they must agree."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        by_openssl = True
    except InvalidSignature:
        by_openssl = False
    try:
        VerifyKey(public_key).verify(message, signature)
        by_sodium = True
    except BadSignatureError:
        by_sodium = False
    assert by_openssl == by_sodium
    return by_openssl


def _expand_message_xmd(msg: bytes, dst: bytes, length: int) -> bytes:
    dst_prime = dst + bytes([len(dst)])
    b0 = hashlib.sha256(bytes(64) + msg + length.to_bytes(2, "big") + b"\x00" + dst_prime).digest()
    blocks = [hashlib.sha256(b0 + b"\x01" + dst_prime).digest()]
    for i in range(2, (length + 31) // 32 + 1):
        mixed = bytes(a ^ b for a, b in zip(b0, blocks[-1]))
        blocks.append(hashlib.sha256(mixed + bytes([i]) + dst_prime).digest())
    return b"".join(blocks)[:length]


def secp256k1_frost_verifies(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 9591 §6.5 / §5.3: c = H2(R || PK || msg); accept iff z·G == R + c·PK."""
    if len(signature) != 65 or len(public_key) != 33:
        return False
    r_bytes, z = signature[:33], int.from_bytes(signature[33:], "big")
    if not 0 < z < SECP256K1_N:
        return False
    c = int.from_bytes(
        _expand_message_xmd(r_bytes + public_key + message, b"FROST-secp256k1-SHA256-v1chal", 48), "big"
    ) % SECP256K1_N
    lhs = PublicKey.from_secret(z.to_bytes(32, "big"))
    rhs = PublicKey.combine_keys([PublicKey(r_bytes), PublicKey(public_key).multiply(c.to_bytes(32, "big"))])
    return lhs.format() == rhs.format()


def verifies(suite_name: str, public_key: bytes, message: bytes, signature: bytes) -> bool:
    if suite_name == "ed25519":
        return ed25519_verifies(public_key, message, signature)
    return secp256k1_frost_verifies(public_key, message, signature)
