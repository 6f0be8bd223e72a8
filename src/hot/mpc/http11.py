"""A small keep-alive HTTP/1.1 client on asyncio streams, for the hot paths between our own services.

The gatekeeper calls two to five nodes per signature, and every node reads the Key Registry and
asks each `hot_verify` on every request (whitepaper §2.3 step 3, no cache by HOT's rule). httpx's
per-request machinery (anyio cancel scopes, the connection pool's bookkeeping, h11) cost about
70% of the gatekeeper's CPU and a third of a node's under load (py-spy during `hot bench e2e`), so
both use this instead. It speaks exactly what those calls need: a JSON or empty body, an answer
with `Content-Length`, chunked or read to close, keep-alive reuse, http and https with the system
trust store. It does not follow redirects, retry a request that reached a server, or decompress.

Failures are left to the caller to type: `OSError`/`EOFError`/`asyncio.IncompleteReadError` for a
broken connection, `ValueError` for an answer that is not HTTP/1.x,
`AnswerTooLarge` (a `ValueError`) past `max_answer_bytes`, `TimeoutError` when the whole exchange missed
its deadline.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

KEEPALIVE_S = 4.0  # below uvicorn's 5 s idle timeout, so a reused connection is rarely one the server closed
MAX_ANSWER_BYTES = 16 * 1024 * 1024

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class AnswerTooLarge(ValueError):
    """The server's answer is longer than the client's `max_answer_bytes`: a hostile server cannot exhaust memory."""


@dataclass(frozen=True)
class Endpoint:
    """Where one base URL points: host, port, path prefix, Host header and TLS context."""

    host: str
    port: int
    prefix: str
    host_header: str
    ssl: ssl.SSLContext | None

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"URL must be http(s)://host[:port][/prefix], got {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return cls(parts.hostname, port, parts.path, f"{host}:{port}",
                   ssl.create_default_context() if parts.scheme == "https" else None)


class KeepAliveClient:
    """Idle connections per endpoint, reused within `KEEPALIVE_S`; one instance per event loop user.

    Connections belong to the loop that opened them: when called from another loop (a test's
    `asyncio.run`, a worker thread's loop) the idle set starts over.
    """

    def __init__(self, *, max_answer_bytes: int = MAX_ANSWER_BYTES) -> None:
        self.max_answer_bytes = max_answer_bytes
        self._idle: dict[Endpoint, list[tuple[float, asyncio.StreamReader, asyncio.StreamWriter]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    async def request(self, endpoint: Endpoint, method: str, path: str, payload: bytes, timeout: float) -> tuple[int, bytes]:
        """(status, body) of one exchange, the whole of it bounded by `timeout` seconds."""
        head = (f"{method} {endpoint.prefix + path or '/'} HTTP/1.1\r\nHost: {endpoint.host_header}\r\n"
                f"Content-Type: application/json\r\nAccept: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n").encode()
        return await asyncio.wait_for(self._exchange(endpoint, head + payload), timeout)

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for _, _, writer in connections:
                writer.close()
        self._idle.clear()

    async def _exchange(self, endpoint: Endpoint, request: bytes) -> tuple[int, bytes]:
        reused = self._take(endpoint)
        if reused is not None:
            try:
                return await self._round_trip(endpoint, reused, request)
            except (OSError, EOFError, asyncio.IncompleteReadError):
                pass  # the server closed an idle connection before reading: send once more on a fresh one
        connection = await asyncio.open_connection(endpoint.host, endpoint.port, ssl=endpoint.ssl)
        return await self._round_trip(endpoint, connection, request)

    def _take(self, endpoint: Endpoint) -> Connection | None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._idle, self._loop = {}, loop
        idle, now = self._idle.get(endpoint, []), time.monotonic()
        while idle:
            since, reader, writer = idle.pop()
            if now - since < KEEPALIVE_S and not reader.at_eof():
                return reader, writer
            writer.close()
        return None

    async def _round_trip(self, endpoint: Endpoint, connection: Connection, request: bytes) -> tuple[int, bytes]:
        reader, writer = connection
        try:
            writer.write(request)
            await writer.drain()
            status, length, chunked, close = await _read_head(reader)
            if chunked:
                content = await _read_chunked(reader, self.max_answer_bytes)
            elif length is not None:
                if length > self.max_answer_bytes:
                    raise AnswerTooLarge(f"answer larger than {self.max_answer_bytes} bytes")
                content = await reader.readexactly(length)
            else:
                content, close = await reader.read(self.max_answer_bytes + 1), True
                if len(content) > self.max_answer_bytes:
                    raise AnswerTooLarge(f"answer larger than {self.max_answer_bytes} bytes")
        except BaseException:
            writer.close()
            raise
        if close:
            writer.close()
        else:
            self._idle.setdefault(endpoint, []).append((time.monotonic(), reader, writer))
        return status, content


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, int | None, bool, bool]:
    """(status, content length, chunked, close) from the status line and headers."""
    status_line = await reader.readline()
    if not status_line:
        raise EOFError("connection closed before an answer")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ValueError("not an HTTP/1.x answer")
    status = int(parts[1])
    length, chunked, close = None, False, parts[0] == b"HTTP/1.0"
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n"):
            return status, length, chunked, close
        if not line:
            raise EOFError("connection closed inside the headers")
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            close = value == b"close"


async def _read_chunked(reader: asyncio.StreamReader, limit: int) -> bytes:
    out = bytearray()
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"x", 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            return bytes(out)
        out += await reader.readexactly(size)
        await reader.readexactly(2)
        if len(out) > limit:
            raise AnswerTooLarge(f"answer larger than {limit} bytes")
