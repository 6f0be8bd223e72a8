"""Several protocol messages in one mesh frame: each part is a u32 big-endian length, then its bytes.

Used where one frame carries a batch (a signing session's intents, one per message; a presign
session's round messages, one per instance) or a pair (a reshare dealing's package and
commitment). `unpack` is strict: a length that runs past the end is an `EncodingError`, so a
truncated frame is refused whole and its sender named by the caller, never half-read.
"""

from __future__ import annotations

from collections.abc import Sequence

from hot.wire.errors import EncodingError

LENGTH_BYTES = 4


def pack(parts: Sequence[bytes]) -> bytes:
    """Length-prefix every part and concatenate them."""
    return b"".join(len(p).to_bytes(LENGTH_BYTES, "big") + p for p in parts)


def unpack(data: bytes) -> list[bytes]:
    """The parts of a `pack`ed frame; EncodingError if a length prefix or a part is cut short."""
    out, pos = [], 0
    while pos < len(data):
        if pos + LENGTH_BYTES > len(data):
            raise EncodingError(f"packed frame: a length prefix is cut short at byte {pos}")
        length = int.from_bytes(data[pos : pos + LENGTH_BYTES], "big")
        pos += LENGTH_BYTES
        if pos + length > len(data):
            raise EncodingError(f"packed frame: part {len(out)} claims {length} bytes, {len(data) - pos} remain")
        out.append(data[pos : pos + length])
        pos += length
    return out
