"""The `Ciphersuite` abstraction: a prime-order group plus the RFC 9591 hash functions.

Protocol code (`polynomial`, `vss`, `dkg`, `frost`, `derivation`, threshold ECDSA) is written
once against this class, as in ZF frost; `ed25519.py` and `secp256k1.py` only bind the group and
hashes (RFC 9591 §6: a ciphersuite is a Group, a Hash and a context string).

Points are opaque, hashable, `==`-comparable values owned by the suite (32-byte encodings for
ed25519, wrapped libsecp256k1 structures for secp256k1); scalars are Python ints reduced mod
`order`. The only source of randomness is the `rng` argument (`Callable[[int], bytes]`, e.g.
`secrets.token_bytes`): this package does no I/O and reads no clock.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeAlias

from hot.wire.errors import ScalarOutOfRange, WrongLength

Point: TypeAlias = Hashable
"""A group element of some suite; only that suite's methods may look inside."""

Rng: TypeAlias = Callable[[int], bytes]
"""`rng(n)` returns n uniformly random bytes (the signature of `secrets.token_bytes`)."""


class Ciphersuite(abc.ABC):
    """A FROST ciphersuite (RFC 9591 §4.1 Group, §4.2 hashes) with identity-safe group ops."""

    name: str
    context_string: bytes
    order: int
    element_size: int
    scalar_size: int = 32
    scalar_byteorder: str = "big"

    # --- group (RFC 9591 §4.1) -------------------------------------------------------------
    @abc.abstractmethod
    def identity(self) -> Point:
        """The neutral element (never an accepted encoding on the wire, see `deserialize_element`)."""

    @abc.abstractmethod
    def generator(self) -> Point:
        """The fixed generator G of the prime-order group."""

    @abc.abstractmethod
    def base_mul(self, k: int) -> Point:
        """k·G; a zero scalar gives the identity. Constant time in k: safe for secret scalars."""

    @abc.abstractmethod
    def mul(self, p: Point, k: int) -> Point:
        """k·P; a zero scalar or the identity gives the identity. May take time that depends on k:
        for public scalars only (challenges, binding factors, weights); see `mul_secret`."""

    def mul_secret(self, p: Point, k: int) -> Point:
        """k·P in time independent of the secret k (a share, a nonce, a proof's witness).

        The default is `mul`, for suites whose `mul` is already constant time (libsodium's)."""
        return self.mul(p, k)

    @abc.abstractmethod
    def add(self, p: Point, q: Point) -> Point:
        """P + Q, including P + (-P) = identity."""

    @abc.abstractmethod
    def neg(self, p: Point) -> Point:
        """-P."""

    @abc.abstractmethod
    def serialize_element(self, p: Point) -> bytes:
        """The canonical `element_size`-byte encoding (RFC 9591 §4.1 SerializeElement)."""

    @abc.abstractmethod
    def deserialize_element(self, data: bytes, *, allow_identity: bool = False) -> Point:
        """Decode and validate a point; raises an `EncodingError` subclass on bad input."""

    def is_identity(self, p: Point) -> bool:
        """True iff P is the neutral element."""
        return p == self.identity()

    def sub(self, p: Point, q: Point) -> Point:
        """P - Q."""
        return self.add(p, self.neg(q))

    def sum(self, points: Iterable[Point]) -> Point:
        """Σ points (identity for an empty sum)."""
        total = self.identity()
        for p in points:
            total = self.add(total, p)
        return total

    def multi_mul(self, pairs: Sequence[tuple[Point, int]]) -> Point:
        """Σ k_i·P_i (multi-scalar multiplication; suites may override with a faster one)."""
        return self.sum(self.mul(p, k) for p, k in pairs)

    def evaluate_in_exponent(self, points: Sequence[Point], x: int) -> Point:
        """Σ_k x^k·P_k: a coefficient-wise committed polynomial evaluated at x (RFC 9591 App. C.2).

        This is `vss_verify`'s and `derive_group_info`'s sum, at a participant identifier x.
        Suites override it with a cheaper evaluation at small x; the result is the same point.
        """
        pairs: list[tuple[Point, int]] = []
        power = 1
        for point in points:
            pairs.append((point, power))
            power = power * x % self.order
        return self.multi_mul(pairs)

    def verify_schnorr(self, public_key: Point, message: bytes, r: Point, z: int) -> bool:
        """RFC 9591 prime-order verification: z·G == R + H2(R || PK || msg)·PK."""
        c = self.H2(self.serialize_element(r) + self.serialize_element(public_key) + message)
        return self.base_mul(z) == self.add(r, self.mul(public_key, c))

    # --- scalars (RFC 9591 §4.1) -----------------------------------------------------------
    def serialize_scalar(self, k: int) -> bytes:
        """Fixed-size encoding of k mod order (RFC 9591 §4.1 SerializeScalar)."""
        return (k % self.order).to_bytes(self.scalar_size, self.scalar_byteorder)  # type: ignore[arg-type]

    def deserialize_scalar(self, data: bytes) -> int:
        """Decode a scalar; rejects wrong lengths and values >= order (no silent reduction)."""
        if len(data) != self.scalar_size:
            raise WrongLength(f"{self.name} scalar must be {self.scalar_size} bytes, got {len(data)}")
        k = int.from_bytes(data, self.scalar_byteorder)  # type: ignore[arg-type]
        if k >= self.order:
            raise ScalarOutOfRange(f"{self.name} scalar is not below the group order")
        return k

    def random_scalar(self, rng: Rng) -> int:
        """A uniform non-zero scalar from 64 random bytes (wide reduction: bias below 2^-250)."""
        while True:
            k = int.from_bytes(rng(64), "big") % self.order
            if k:
                return k

    # --- hashes (RFC 9591 §6.x H1..H5, plus HDKG/HID of Appendix C and ZF frost) -----------
    @abc.abstractmethod
    def hash_to_scalar(self, tag: bytes, msg: bytes) -> int:
        """The suite's hash-to-scalar under domain tag `context_string || tag` (H1, H3, HDKG)."""

    @abc.abstractmethod
    def hash_to_digest(self, tag: bytes, msg: bytes) -> bytes:
        """The suite's plain hash under domain tag `context_string || tag` (H4, H5)."""

    def H1(self, msg: bytes) -> int:
        """RFC 9591 H1: binding factors (tag "rho")."""
        return self.hash_to_scalar(b"rho", msg)

    @abc.abstractmethod
    def H2(self, msg: bytes) -> int:
        """RFC 9591 H2: the signature challenge."""

    def H3(self, msg: bytes) -> int:
        """RFC 9591 H3: nonce generation (tag "nonce")."""
        return self.hash_to_scalar(b"nonce", msg)

    def H4(self, msg: bytes) -> bytes:
        """RFC 9591 H4: message hash (tag "msg")."""
        return self.hash_to_digest(b"msg", msg)

    def H5(self, msg: bytes) -> bytes:
        """RFC 9591 H5: commitment-list hash (tag "com")."""
        return self.hash_to_digest(b"com", msg)

    def HDKG(self, msg: bytes) -> int:
        """Challenge of the DKG proof of knowledge (tag "dkg", as ZF frost's `HDKG`)."""
        return self.hash_to_scalar(b"dkg", msg)

    def binding_factor_hasher(self, prefix: bytes) -> Callable[[bytes], int]:
        """H1(prefix || suffix) as a function of suffix; suites reuse the hashed prefix state.

        RFC 9591 §4.4 hashes the same `rho_input_prefix` once per signer; absorbing it once and
        copying the hash state keeps round two at one short hash per signer.
        """
        return lambda suffix: self.H1(prefix + suffix)

    def __repr__(self) -> str:
        return f"<Ciphersuite {self.name}>"
