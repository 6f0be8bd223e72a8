"""FROST(secp256k1, SHA-256): RFC 9591 §6.5 over libsecp256k1 (coincurve's cffi bindings).

libsecp256k1 has no point at infinity, so a point here is a small wrapper: the library's
`secp256k1_pubkey` structure, or `None` for the identity. Each point carries its 33-byte
compressed encoding (computed on first use), which is what `==` and `hash` compare. The
identity's encoding is 33 zero bytes (SEC1 has no compressed form for it); it is refused on the
wire unless asked for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, cast

from coincurve._libsecp256k1 import ffi, lib  # type: ignore[import-not-found, unused-ignore]
from coincurve.context import GLOBAL_CONTEXT
from hot.wire.errors import IdentityElement, InvalidPoint, NonCanonicalEncoding, WrongLength
from hot.mpc.crypto.suites.base import Ciphersuite, Point

P_FIELD = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_CTX = GLOBAL_CONTEXT.ctx
_COMPRESSED = 1 << 1 | 1 << 8  # SECP256K1_EC_COMPRESSED
_ZERO33 = bytes(33)
# `evaluate_in_exponent` crossovers, measured against `mul` (coincurve 21): a combine costs
# ~3 µs plus ~0.2 µs a term, and `mul` (variable-time ecmult) by a small scalar ~6-10 µs.
# Horner by additions breaks even near x = 28 for degrees 1..6; 12..24 terms a combine is best.
_HORNER_MAX_X = 24
_HORNER_MAX_TERMS = 16


class Secp256k1Point:
    """A secp256k1 group element: a libsecp256k1 pubkey structure, or None for the identity.

    The encoding is computed on first use: most intermediate points (terms of a sum, Horner
    steps) are never compared or sent. `raw` is never mutated once wrapped, so it cannot change.
    """

    __slots__ = ("_encoded", "raw")

    def __init__(self, raw: Any, encoded: bytes | None) -> None:
        self.raw = raw
        self._encoded = encoded

    @classmethod
    def from_raw(cls, raw: Any) -> Secp256k1Point:
        return cls(raw, None)

    @property
    def encoded(self) -> bytes:
        """The 33-byte compressed SEC1 encoding (33 zero bytes for the identity)."""
        if self._encoded is None:
            out = ffi.new("unsigned char[33]")
            size = ffi.new("size_t *", 33)
            lib.secp256k1_ec_pubkey_serialize(_CTX, out, size, self.raw, _COMPRESSED)
            self._encoded = bytes(ffi.buffer(out, 33))
        return self._encoded

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secp256k1Point) and self.encoded == other.encoded

    def __hash__(self) -> int:
        return hash(self.encoded)

    def __repr__(self) -> str:
        return f"Secp256k1Point({self.encoded.hex()})"


IDENTITY = Secp256k1Point(None, _ZERO33)


def _point(p: Point) -> Secp256k1Point:
    return cast(Secp256k1Point, p)


class Secp256k1Suite(Ciphersuite):
    """RFC 9591 §6.5: Group secp256k1, Hash SHA-256, contextString "FROST-secp256k1-SHA256-v1"."""

    name = "secp256k1"
    context_string = b"FROST-secp256k1-SHA256-v1"
    order = N
    element_size = 33
    scalar_size = 32
    scalar_byteorder = "big"

    def __init__(self) -> None:
        self._generator = self.base_mul(1)

    def identity(self) -> Point:
        return IDENTITY

    def is_identity(self, p: Point) -> bool:
        return _point(p).raw is None

    def generator(self) -> Point:
        return self._generator

    def base_mul(self, k: int) -> Point:
        k %= N
        if k == 0:
            return IDENTITY
        raw = ffi.new("secp256k1_pubkey *")
        lib.secp256k1_ec_pubkey_create(_CTX, raw, k.to_bytes(32, "big"))
        return Secp256k1Point.from_raw(raw)

    def mul(self, p: Point, k: int) -> Point:
        k %= N
        pt = _point(p)
        if k == 0 or pt.raw is None:
            return IDENTITY
        if k == 1:
            return pt
        raw = ffi.new("secp256k1_pubkey *", pt.raw[0])
        lib.secp256k1_ec_pubkey_tweak_mul(_CTX, raw, k.to_bytes(32, "big"))
        return Secp256k1Point.from_raw(raw)

    def mul_secret(self, p: Point, k: int) -> Point:
        """k·P through `secp256k1_ecdh`, whose `secp256k1_ecmult_const` runs in time independent of k.

        `mul` (`secp256k1_ec_pubkey_tweak_mul`) uses the variable-time `secp256k1_ecmult`: measured
        here, 5 µs for k = 3 and 19 µs for a 256-bit k. The ECDH hash callback hands back the
        point's x and y unhashed; a non-zero k times a non-identity point is never the identity.
        """
        k %= N
        pt = _point(p)
        if k == 0 or pt.raw is None:
            return IDENTITY
        out = ffi.new("unsigned char[65]")
        out[0] = 4  # SEC1 uncompressed: 0x04 || x || y
        if not lib.secp256k1_ecdh(_CTX, out + 1, pt.raw, k.to_bytes(32, "big"), _ecdh_copy_xy, ffi.NULL):
            raise InvalidPoint("secp256k1_ecdh refused the scalar or point")
        raw = ffi.new("secp256k1_pubkey *")
        if not lib.secp256k1_ec_pubkey_parse(_CTX, raw, out, 65):
            raise InvalidPoint("secp256k1_ecdh returned a point that does not parse")
        return Secp256k1Point.from_raw(raw)

    def add(self, p: Point, q: Point) -> Point:
        return self.sum((p, q))

    def sum(self, points: Any) -> Point:
        return _sum_raws([pt.raw for pt in map(_point, points) if pt.raw is not None])

    def multi_mul(self, pairs: Sequence[tuple[Point, int]]) -> Point:
        return self.sum([self.mul(p, k) for p, k in pairs])

    def evaluate_in_exponent(self, points: Sequence[Point], x: int) -> Point:
        """Σ_k x^k·P_k by Horner's rule, with x·acc done as additions for small x.

        The accumulator is kept as a list of terms whose sum it is: x·acc + P_k is the list
        repeated x times plus P_k, and one `secp256k1_ec_pubkey_combine` adds a whole list. Its
        group law (`secp256k1_gej_add_ge`, Brier-Joye unified formulas) is complete for doubling,
        for a running sum at infinity and for P + (-P), so only the final result's infinity needs
        handling. Past `_HORNER_MAX_X` the list grows too long and scalar multiplication wins.
        """
        if not 1 <= x <= _HORNER_MAX_X:
            return super().evaluate_in_exponent(points, x)
        terms: list[Any] = []
        for pt in map(_point, reversed(points)):
            if len(terms) * x > _HORNER_MAX_TERMS:
                terms = _combine(terms)
            terms = terms * x
            if pt.raw is not None:
                terms.append(pt.raw)
        return _sum_raws(terms)

    def neg(self, p: Point) -> Point:
        pt = _point(p)
        if pt.raw is None:
            return IDENTITY
        raw = ffi.new("secp256k1_pubkey *", pt.raw[0])
        lib.secp256k1_ec_pubkey_negate(_CTX, raw)
        return Secp256k1Point.from_raw(raw)

    def serialize_element(self, p: Point) -> bytes:
        return _point(p).encoded

    def deserialize_element(self, data: bytes, *, allow_identity: bool = False) -> Point:
        """RFC 9591 §6.5 DeserializeElement: 33-byte compressed SEC1, x < p, on the curve."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != 33:
            got = len(data) if isinstance(data, (bytes, bytearray)) else -1
            raise WrongLength(f"secp256k1 element must be 33 bytes, got {got}")
        data = bytes(data)
        if data == _ZERO33:
            if allow_identity:
                return IDENTITY
            raise IdentityElement("secp256k1 identity element is not allowed here")
        if data[0] not in (2, 3):
            raise InvalidPoint(f"unknown SEC1 compressed prefix 0x{data[0]:02x}")
        if int.from_bytes(data[1:], "big") >= P_FIELD:
            raise NonCanonicalEncoding("secp256k1 x coordinate is not reduced mod p")
        raw = ffi.new("secp256k1_pubkey *")
        if not lib.secp256k1_ec_pubkey_parse(_CTX, raw, data, 33):
            raise InvalidPoint("x coordinate is not on secp256k1")
        return Secp256k1Point(raw, data)

    def hash_to_scalar(self, tag: bytes, msg: bytes) -> int:
        """hash_to_field(msg, 1) of RFC 9380 §5.2 with expand_message_xmd(SHA-256), L = 48."""
        dst_prime = _dst_prime(self.context_string + tag)
        b0 = hashlib.sha256(bytes(64) + msg + b"\x00\x30\x00" + dst_prime).digest()
        return _xmd_finish(b0, dst_prime)

    def hash_to_digest(self, tag: bytes, msg: bytes) -> bytes:
        return hashlib.sha256(self.context_string + tag + msg).digest()

    def H2(self, msg: bytes) -> int:
        """RFC 9591 §6.5 H2: hash_to_field with DST contextString || "chal"."""
        return self.hash_to_scalar(b"chal", msg)

    def binding_factor_hasher(self, prefix: bytes) -> Callable[[bytes], int]:
        dst_prime = _dst_prime(self.context_string + b"rho")
        state = hashlib.sha256(bytes(64) + prefix)
        trailer = b"\x00\x30\x00" + dst_prime

        def h1(suffix: bytes) -> int:
            h = state.copy()
            h.update(suffix + trailer)
            return _xmd_finish(h.digest(), dst_prime)

        return h1


def _copy_xy(output: Any, x32: Any, y32: Any, data: Any) -> int:
    """secp256k1_ecdh's hash function, replaced by a copy of the shared point's coordinates."""
    ffi.memmove(output, x32, 32)
    ffi.memmove(output + 32, y32, 32)
    return 1


# The C function pointer libsecp256k1 calls back (a module global: it must outlive every call).
_ecdh_copy_xy: Any = ffi.callback("int(unsigned char *, const unsigned char *, const unsigned char *, void *)")(
    _copy_xy)


def _combine(raws: list[Any]) -> list[Any]:
    """The sum of non-identity pubkeys as a list of at most one pubkey (empty: infinity)."""
    if len(raws) <= 1:
        return raws
    out = ffi.new("secp256k1_pubkey *")
    if not lib.secp256k1_ec_pubkey_combine(_CTX, out, raws, len(raws)):
        return []  # the only failure of combine on valid inputs: the sum is infinity
    return [out]


def _sum_raws(raws: list[Any]) -> Secp256k1Point:
    """The sum of non-identity pubkeys as a point."""
    total = _combine(raws)
    return Secp256k1Point.from_raw(total[0]) if total else IDENTITY


def _dst_prime(dst: bytes) -> bytes:
    return dst + bytes([len(dst)])


def _xmd_finish(b0: bytes, dst_prime: bytes) -> int:
    """The rest of expand_message_xmd (RFC 9380 §5.3.1) for 48 bytes, reduced mod n."""
    b1 = hashlib.sha256(b0 + b"\x01" + dst_prime).digest()
    mixed = bytes(x ^ y for x, y in zip(b0, b1))
    b2 = hashlib.sha256(mixed + b"\x02" + dst_prime).digest()
    return int.from_bytes((b1 + b2)[:48], "big") % N


SECP256K1 = Secp256k1Suite()
