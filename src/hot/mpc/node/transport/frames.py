"""Wire frames between peers: (session_id, round, sender_id, payload), length-prefixed, bounded.

    frame := length (u32 BE) || body,           length <= max_frame_size
    body  := version (u8 = 1) || len (u16 BE) || session_id || round (u32 BE)
             || len (u16 BE) || sender_id (UTF-8) || payload

The length is checked before the body is read, so a peer cannot make the node buffer more than
`max_frame_size` bytes (a memory-exhaustion DoS, whitepaper §4.1.1).
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass

from hot.wire.errors import FrameMalformed, FrameTooLarge

FRAME_VERSION = 1
DEFAULT_MAX_FRAME_SIZE = 8 << 20
MAX_SESSION_ID_BYTES = 256
MAX_SENDER_ID_BYTES = 256
_LENGTH = struct.Struct(">I")


@dataclass(frozen=True)
class Frame:
    """One protocol message from `sender_id` for round `round` of session `session_id`."""

    session_id: bytes
    round: int
    sender_id: str
    payload: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.session_id, bytes) or not 0 < len(self.session_id) <= MAX_SESSION_ID_BYTES:
            raise FrameMalformed(f"session_id must be 1..{MAX_SESSION_ID_BYTES} bytes")
        if isinstance(self.round, bool) or not isinstance(self.round, int) or not 0 <= self.round < 2**32:
            raise FrameMalformed("round must be an integer in [0, 2^32)")
        if not isinstance(self.sender_id, str) or not 0 < len(self.sender_id.encode()) <= MAX_SENDER_ID_BYTES:
            raise FrameMalformed(f"sender_id must be 1..{MAX_SENDER_ID_BYTES} bytes of UTF-8")
        if not isinstance(self.payload, bytes):
            raise FrameMalformed("payload must be bytes")

    def to_bytes(self) -> bytes:
        """The frame body (without the length prefix)."""
        sender = self.sender_id.encode()
        return (
            struct.pack(">BH", FRAME_VERSION, len(self.session_id))
            + self.session_id
            + struct.pack(">IH", self.round, len(sender))
            + sender
            + self.payload
        )

    @classmethod
    def from_bytes(cls, body: bytes) -> Frame:
        """Parse a frame body; any inconsistency is FrameMalformed."""
        try:
            version, session_len = struct.unpack_from(">BH", body, 0)
            if version != FRAME_VERSION:
                raise FrameMalformed(f"unknown frame version {version}")
            offset = 3 + session_len
            session_id = body[3:offset]
            round_, sender_len = struct.unpack_from(">IH", body, offset)
            offset += 6
            sender = body[offset : offset + sender_len]
            if len(session_id) != session_len or len(sender) != sender_len:
                raise FrameMalformed("frame is truncated")
            return cls(session_id, round_, sender.decode("utf-8"), bytes(body[offset + sender_len :]))
        except (struct.error, UnicodeDecodeError) as exc:
            raise FrameMalformed(f"frame does not parse: {exc}") from exc


def encode_frame(frame: Frame, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> bytes:
    """Length prefix and body; refuses to build a frame the receiver would reject."""
    body = frame.to_bytes()
    if len(body) > max_frame_size:
        raise FrameTooLarge(f"frame of {len(body)} bytes exceeds {max_frame_size}")
    return _LENGTH.pack(len(body)) + body


async def read_frame(reader: asyncio.StreamReader, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> Frame | None:
    """The next frame, or None at a clean end of stream between frames."""
    try:
        header = await reader.readexactly(_LENGTH.size)
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise FrameMalformed("stream ended inside a frame header") from exc
        return None
    (length,) = _LENGTH.unpack(header)
    if length > max_frame_size:
        raise FrameTooLarge(f"peer announced a {length}-byte frame; the maximum is {max_frame_size}")
    try:
        body = await reader.readexactly(length)
    except asyncio.IncompleteReadError as exc:
        raise FrameMalformed("stream ended inside a frame") from exc
    return Frame.from_bytes(body)
