"""One byte encoding for every ECDSA message: fixed-size big-endian fields, checked on decode.

Integers are 4-byte (identifiers, counts) or 8-byte (epochs); scalars and points use the suite's
canonical encodings, so a decoded message is always in range and on the curve; leftover or
missing bytes are a `WrongLength`.
"""

from __future__ import annotations

from collections.abc import Iterable

from hot.wire.errors import WrongLength
from hot.mpc.crypto.suites.base import Ciphersuite, Point

MAX_COUNT = 4096  # no party set or polynomial is larger; bounds allocation on hostile input


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def var(data: bytes) -> bytes:
    return u32(len(data)) + data


def elements(suite: Ciphersuite, points: Iterable[Point]) -> bytes:
    encoded = [suite.serialize_element(p) for p in points]
    return u32(len(encoded)) + b"".join(encoded)


class Reader:
    """Reads fields off the front of a message; `finish` insists that nothing is left."""

    def __init__(self, suite: Ciphersuite, data: bytes) -> None:
        if not isinstance(data, (bytes, bytearray)):
            raise WrongLength("a message must be bytes")
        self.suite = suite
        self._data = bytes(data)
        self._at = 0

    def raw(self, size: int) -> bytes:
        if size < 0 or self._at + size > len(self._data):
            raise WrongLength("message truncated")
        out = self._data[self._at : self._at + size]
        self._at += size
        return out

    def u32(self) -> int:
        return int.from_bytes(self.raw(4), "big")

    def u64(self) -> int:
        return int.from_bytes(self.raw(8), "big")

    def count(self) -> int:
        n = self.u32()
        if n > MAX_COUNT:
            raise WrongLength(f"a count of {n} exceeds {MAX_COUNT}")
        return n

    def var(self) -> bytes:
        return self.raw(self.count())

    def scalar(self) -> int:
        return self.suite.deserialize_scalar(self.raw(self.suite.scalar_size))

    def element(self) -> Point:
        return self.suite.deserialize_element(self.raw(self.suite.element_size))

    def elements(self) -> tuple[Point, ...]:
        return tuple(self.element() for _ in range(self.count()))

    def finish(self) -> None:
        if self._at != len(self._data):
            raise WrongLength(f"{len(self._data) - self._at} trailing bytes")
