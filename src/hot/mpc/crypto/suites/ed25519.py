"""FROST(Ed25519, SHA-512): RFC 9591 §6.1 over libsodium (PyNaCl's low-level bindings).

Points are kept as their canonical 32-byte encodings, libsodium's native form, so a point moves
between rounds and across the wire without re-encoding. libsodium refuses the identity as a
scalar-multiplication input or output, so the identity is handled here before calling it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import cast

from hot.wire.errors import IdentityElement, InvalidPoint, NonCanonicalEncoding, NotInPrimeOrderSubgroup, WrongLength
from hot.mpc.crypto.suites.base import Ciphersuite, Point
from nacl.bindings import (
    crypto_core_ed25519_add,
    crypto_core_ed25519_is_valid_point,
    crypto_core_ed25519_sub,
    crypto_scalarmult_ed25519_base_noclamp,
    crypto_scalarmult_ed25519_noclamp,
    crypto_sign_open,
)
from nacl.exceptions import BadSignatureError

_P = 2**255 - 19
_D = (-121665 * pow(121666, -1, _P)) % _P
_SIGN = 1 << 255
L = 2**252 + 27742317777372353535851937790883648493
IDENTITY = bytes([1]) + bytes(31)
GENERATOR = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")
# `evaluate_in_exponent` crossover, measured (PyNaCl 1.6): a libsodium addition or doubling
# costs ~15 µs, a generic Horner step (`mul` + `add`) ~85 µs. x·acc takes floor(log2 x) doublings
# and popcount(x) - 1 additions, a clear win up to x = 12; 13 <= x <= 20 is about break-even.
_ADDITION_CHAIN_MAX_X = 12


class Ed25519Suite(Ciphersuite):
    """RFC 9591 §6.1: Group edwards25519, Hash SHA-512, contextString "FROST-ED25519-SHA512-v1"."""

    name = "ed25519"
    context_string = b"FROST-ED25519-SHA512-v1"
    order = L
    element_size = 32
    scalar_size = 32
    scalar_byteorder = "little"

    def identity(self) -> Point:
        return IDENTITY

    def is_identity(self, p: Point) -> bool:
        return p == IDENTITY

    def generator(self) -> Point:
        return GENERATOR

    def base_mul(self, k: int) -> Point:
        k %= L
        if k == 0:
            return IDENTITY
        return crypto_scalarmult_ed25519_base_noclamp(k.to_bytes(32, "little"))

    def mul(self, p: Point, k: int) -> Point:
        k %= L
        if k == 0 or p == IDENTITY:
            return IDENTITY
        if k == 1:
            return p
        return crypto_scalarmult_ed25519_noclamp(k.to_bytes(32, "little"), cast(bytes, p))

    def add(self, p: Point, q: Point) -> Point:
        if p == IDENTITY:
            return q
        if q == IDENTITY:
            return p
        return crypto_core_ed25519_add(cast(bytes, p), cast(bytes, q))

    def sub(self, p: Point, q: Point) -> Point:
        if q == IDENTITY:
            return p
        return crypto_core_ed25519_sub(cast(bytes, p), cast(bytes, q))

    def evaluate_in_exponent(self, points: Sequence[Point], x: int) -> Point:
        """Σ_k x^k·P_k by Horner's rule, with x·acc done by doubling and adding for small x.

        A libsodium addition (~15 µs) is far cheaper than its variable-base multiplication
        (~75 µs, which also re-checks the subgroup), so up to `_ADDITION_CHAIN_MAX_X` the
        log2(x) + popcount(x) additions of a step win. The twisted Edwards addition law is
        complete (doubling included); `add` handles the identity, which a running sum may hit.
        """
        if not 1 <= x <= _ADDITION_CHAIN_MAX_X:
            return super().evaluate_in_exponent(points, x)
        acc: Point = IDENTITY
        for point in reversed(points):
            acc = self.add(self._small_multiple(acc, x), point)
        return acc

    def _small_multiple(self, p: Point, x: int) -> Point:
        """x·P for x >= 1 by left-to-right double-and-add."""
        acc = p
        for bit in bin(x)[3:]:
            acc = self.add(acc, acc)
            if bit == "1":
                acc = self.add(acc, p)
        return acc

    def neg(self, p: Point) -> Point:
        # Every subgroup point except the identity has x != 0, so -P flips the sign bit of x.
        if p == IDENTITY:
            return IDENTITY
        raw = bytearray(cast(bytes, p))
        raw[31] ^= 0x80
        return bytes(raw)

    def serialize_element(self, p: Point) -> bytes:
        return cast(bytes, p)

    def deserialize_element(self, data: bytes, *, allow_identity: bool = False) -> Point:
        """RFC 9591 §6.1 DeserializeElement: canonical, on the curve, prime order, not identity."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != 32:
            raise WrongLength(f"ed25519 element must be 32 bytes, got {_length(data)}")
        data = bytes(data)
        n = int.from_bytes(data, "little")
        y = n & (_SIGN - 1)
        if y >= _P:
            raise NonCanonicalEncoding("ed25519 y coordinate is not reduced mod p")
        if n & _SIGN and y in (1, _P - 1):
            # x = 0 for these y; RFC 8032 §5.1.3 rejects the "negative zero" sign bit.
            raise NonCanonicalEncoding("ed25519 encoding sets the sign of x = 0")
        if data == IDENTITY:
            if allow_identity:
                return IDENTITY
            raise IdentityElement("ed25519 identity element is not allowed here")
        if not crypto_core_ed25519_is_valid_point(data):
            if not _on_curve(y):
                raise InvalidPoint("bytes do not encode a point on edwards25519")
            raise NotInPrimeOrderSubgroup("ed25519 point is not in the prime-order subgroup")
        return data

    def verify_schnorr(self, public_key: Point, message: bytes, r: Point, z: int) -> bool:
        """Plain Ed25519 verification by libsodium (RFC 8032 §5.1.7, cofactorless).

        libsodium's double-base multiplication is ~3x cheaper than the generic check; it also
        rejects small-order keys and R, which the cofactored RFC 9591 equation would let pass.
        """
        if z >= L:
            return False
        try:
            crypto_sign_open(cast(bytes, r) + z.to_bytes(32, "little") + message, cast(bytes, public_key))
        except BadSignatureError:
            return False
        return True

    def hash_to_scalar(self, tag: bytes, msg: bytes) -> int:
        digest = hashlib.sha512(self.context_string + tag + msg).digest()
        return int.from_bytes(digest, "little") % L

    def hash_to_digest(self, tag: bytes, msg: bytes) -> bytes:
        return hashlib.sha512(self.context_string + tag + msg).digest()

    def H2(self, msg: bytes) -> int:
        """RFC 9591 §6.1 H2 = SHA-512(m) without a context string, so signatures are plain Ed25519."""
        return int.from_bytes(hashlib.sha512(msg).digest(), "little") % L

    def binding_factor_hasher(self, prefix: bytes) -> Callable[[bytes], int]:
        state = hashlib.sha512(self.context_string + b"rho" + prefix)

        def h1(suffix: bytes) -> int:
            h = state.copy()
            h.update(suffix)
            return int.from_bytes(h.digest(), "little") % L

        return h1


def _length(data: object) -> int:
    return len(data) if isinstance(data, (bytes, bytearray)) else -1


def _on_curve(y: int) -> bool:
    """Whether some x satisfies -x² + y² = 1 + d·x²·y² (x² = (y²-1)/(d·y²+1) is a square)."""
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x2 = u * pow(v, _P - 2, _P) % _P
    return x2 == 0 or pow(x2, (_P - 1) // 2, _P) == 1


ED25519 = Ed25519Suite()
