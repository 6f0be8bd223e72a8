"""A minimal borsh reader/writer: exactly the subset NEAR's transaction format uses.

The reader is strict (hostile input comes from the network): every length is bounds-checked
before allocation, and trailing bytes are an error, so one byte string has one meaning.
"""

from __future__ import annotations

import struct

from hot.wire.errors import EncodingError


class BorshReader:
    """Reads borsh values from a byte string; raises EncodingError on anything malformed."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    @property
    def position(self) -> int:
        return self._pos

    def _take(self, n: int) -> bytes:
        if n < 0 or self._pos + n > len(self._data):
            raise EncodingError(f"borsh: need {n} bytes at offset {self._pos}, have {len(self._data) - self._pos}")
        chunk = bytes(self._data[self._pos:self._pos + n])
        self._pos += n
        return chunk

    def u8(self) -> int:
        return self._take(1)[0]

    def u32(self) -> int:
        return int(struct.unpack("<I", self._take(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self._take(8))[0])

    def u128(self) -> int:
        return int.from_bytes(self._take(16), "little")

    def fixed(self, n: int) -> bytes:
        return self._take(n)

    def bytes_(self) -> bytes:
        return self._take(self.u32())

    def string(self) -> str:
        raw = self.bytes_()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EncodingError(f"borsh: string is not UTF-8 at offset {self._pos}") from exc

    def option(self) -> bool:
        tag = self.u8()
        if tag > 1:
            raise EncodingError(f"borsh: option tag {tag} is not 0 or 1")
        return tag == 1

    def vec_len(self, max_items: int) -> int:
        n = self.u32()
        if n > max_items:
            raise EncodingError(f"borsh: vector of {n} items exceeds {max_items}")
        return n

    def finish(self) -> None:
        if self._pos != len(self._data):
            raise EncodingError(f"borsh: {len(self._data) - self._pos} trailing bytes")


class BorshWriter:
    """Writes borsh values; the inverse of BorshReader."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def u8(self, v: int) -> BorshWriter:
        self._parts.append(bytes([v]))
        return self

    def u32(self, v: int) -> BorshWriter:
        self._parts.append(struct.pack("<I", v))
        return self

    def u64(self, v: int) -> BorshWriter:
        if not 0 <= v < 2**64:
            raise EncodingError(f"borsh: {v} does not fit in u64")
        self._parts.append(struct.pack("<Q", v))
        return self

    def u128(self, v: int) -> BorshWriter:
        if not 0 <= v < 2**128:
            raise EncodingError(f"borsh: {v} does not fit in u128")
        self._parts.append(v.to_bytes(16, "little"))
        return self

    def fixed(self, v: bytes) -> BorshWriter:
        self._parts.append(bytes(v))
        return self

    def bytes_(self, v: bytes) -> BorshWriter:
        return self.u32(len(v)).fixed(v)

    def string(self, v: str) -> BorshWriter:
        return self.bytes_(v.encode())

    def build(self) -> bytes:
        return b"".join(self._parts)
