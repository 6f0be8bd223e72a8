"""HTTP client for the node API (docs/node-api.md), turning every failure into a typed NodeFailure.

The gatekeeper trusts no node: a timeout, a refused connection, a reset mid-request, a body that is
not the documented shape, all become a `NodeFailure` naming the node, which the coordinator uses
to rest it and retry with another subset (whitepaper §4.1.1). A coded refusal (`{"code", "message"}`)
is kept as such, since `authorization_denied` and `unknown_key` are answers for the user.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from hot.errors import EncodingError, HotError

# Refusals that are the key owner's or the user's answer, not the node's fault: never rest for these.
USER_FACING_CODES = frozenset({"authorization_denied", "unknown_key"})


class NodeFailure(HotError):
    """A node did not answer as the protocol requires; `rest` says whether to rest it."""

    code = "node_failure"

    def __init__(
        self, participant: int, reason: str, *, rest: bool, node_code: str | None = None, culprits: tuple[int, ...] = ()
    ) -> None:
        super().__init__(f"node {participant}: {reason}")
        self.participant = participant
        self.reason = reason
        self.rest = rest
        self.node_code = node_code
        self.culprits = culprits  # peers this node blames (a `culprit` / `culprits` field of its refusal)


class NodeClient:
    """One keep-alive HTTP/1.1 connection pool for all nodes; every call is bounded by `timeout_s`.

    A small client on asyncio streams rather than httpx: the gatekeeper makes two calls per signer
    per signature (three to five signers), and httpx's per-request machinery was about 70% of the
    gatekeeper's CPU under load (profiled with py-spy, `hot bench e2e`). It speaks exactly what the
    node API needs: JSON bodies, `Content-Length` or chunked answers, keep-alive, http and https.
    """

    def __init__(self, endpoints: Mapping[int, str], timeout_s: float) -> None:
        self._endpoints = {pid: _Endpoint.parse(url) for pid, url in endpoints.items()}
        self._timeout_s = timeout_s
        self._idle: dict[int, list[tuple[float, asyncio.StreamReader, asyncio.StreamWriter]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for _, _, writer in connections:
                writer.close()
        self._idle.clear()

    async def post(self, participant: int, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call(participant, "POST", path, body)

    async def get(self, participant: int, path: str) -> dict[str, Any]:
        return await self._call(participant, "GET", path, None)

    async def _call(self, participant: int, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        endpoint = self._endpoints[participant]
        payload = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        try:
            status, content = await asyncio.wait_for(self._exchange(participant, endpoint, method, path, payload),
                                                     self._timeout_s)
        except TimeoutError as exc:
            raise NodeFailure(participant, f"timed out on {path}", rest=True) from exc
        except (OSError, EOFError, asyncio.IncompleteReadError, ValueError) as exc:
            raise NodeFailure(participant, f"unreachable on {path}: {type(exc).__name__}", rest=True) from exc
        try:
            answer = json.loads(content)
        except ValueError:
            answer = None
        if status == 200 and isinstance(answer, dict):
            return answer
        if isinstance(answer, dict) and isinstance(answer.get("code"), str) and 400 <= status < 500:
            return _raise_refusal(participant, path, answer)
        raise NodeFailure(participant, f"HTTP {status} without a valid body on {path}", rest=True)

    async def _exchange(self, participant: int, endpoint: _Endpoint, method: str, path: str,
                        payload: bytes) -> tuple[int, bytes]:
        request = (f"{method} {endpoint.prefix}{path} HTTP/1.1\r\nHost: {endpoint.host_header}\r\n"
                   f"Content-Type: application/json\r\nAccept: application/json\r\n"
                   f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
        reused = self._take(participant)
        if reused is not None:
            try:
                return await self._round_trip(participant, reused, request)
            except (OSError, EOFError, asyncio.IncompleteReadError):
                pass  # the node closed an idle connection: send once more on a fresh one
        connection = await asyncio.open_connection(endpoint.host, endpoint.port, ssl=endpoint.ssl)
        return await self._round_trip(participant, connection, request)

    def _take(self, participant: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # connections belong to the loop that opened them
            self._idle, self._loop = {}, loop
        idle, now = self._idle.get(participant, []), time.monotonic()
        while idle:
            since, reader, writer = idle.pop()
            if now - since < KEEPALIVE_S and not reader.at_eof():
                return reader, writer
            writer.close()
        return None

    async def _round_trip(self, participant: int, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter],
                          request: bytes) -> tuple[int, bytes]:
        reader, writer = connection
        try:
            writer.write(request)
            await writer.drain()
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
                    break
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
            if chunked:
                content = await _read_chunked(reader)
            elif length is not None:
                if length > MAX_ANSWER_BYTES:
                    raise ValueError("answer too large")
                content = await reader.readexactly(length)
            else:
                content, close = await reader.read(MAX_ANSWER_BYTES), True
        except BaseException:
            writer.close()
            raise
        if close:
            writer.close()
        else:
            self._idle.setdefault(participant, []).append((time.monotonic(), reader, writer))
        return status, content


KEEPALIVE_S = 4.0  # below uvicorn's 5 s idle timeout, so a reused connection is rarely one the node closed
MAX_ANSWER_BYTES = 16 * 1024 * 1024


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    out = bytearray()
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"x", 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            return bytes(out)
        out += await reader.readexactly(size)
        await reader.readexactly(2)
        if len(out) > MAX_ANSWER_BYTES:
            raise ValueError("answer too large")


@dataclass(frozen=True)
class _Endpoint:
    host: str
    port: int
    prefix: str
    host_header: str
    ssl: ssl.SSLContext | None

    @classmethod
    def parse(cls, url: str) -> _Endpoint:
        parts = urlsplit(url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"node URL must be http(s)://host[:port][/prefix], got {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return cls(parts.hostname, port, parts.path, f"{host}:{port}",
                   ssl.create_default_context() if parts.scheme == "https" else None)


def _raise_refusal(participant: int, path: str, answer: dict[str, Any]) -> dict[str, Any]:
    """A coded 4xx is a deliberate refusal: the node is alive and speaks the protocol, so it is not
    rested; the coordinator decides (denials go to the user, blamed peers sit out the request)."""
    code, message = answer["code"], str(answer.get("message", ""))[:200]
    blamed = answer.get("culprits", [answer["culprit"]] if "culprit" in answer else [])
    culprits = tuple(c for c in blamed if isinstance(c, int) and not isinstance(c, bool)) if isinstance(blamed, list) else ()
    raise NodeFailure(participant, f"refused {path}: {code} {message}", rest=False, node_code=code, culprits=culprits)


async def gather_answers(calls: Mapping[int, Awaitable[dict[str, Any]]]) -> tuple[dict[int, dict[str, Any]], list[NodeFailure]]:
    """Run one call per participant concurrently; return the answers and every NodeFailure."""
    participants = list(calls)
    results = await asyncio.gather(*calls.values(), return_exceptions=True)
    answers: dict[int, dict[str, Any]] = {}
    failures: list[NodeFailure] = []
    for participant, result in zip(participants, results, strict=True):
        if isinstance(result, NodeFailure):
            failures.append(result)
        elif isinstance(result, BaseException):
            raise result
        else:
            answers[participant] = result
    return answers, failures


def parse_answers(answers: dict[int, dict[str, Any]], failures: list[NodeFailure], parse: Callable[[int, dict[str, Any]], Any]) -> dict[int, Any]:
    """Parse every answer; a node whose answer is malformed joins `failures` (and is rested)."""
    parsed = {}
    for p, answer in answers.items():
        try:
            parsed[p] = parse(p, answer)
        except (EncodingError, ValueError, TypeError, KeyError) as exc:
            failures.append(NodeFailure(p, f"malformed answer: {exc}", rest=True))
    return parsed


def answer_items(p: int, answer: dict[str, Any], field: str, count: int) -> list[Any]:
    """The `count` items of `field` in node p's answer, which must be filed under p itself."""
    if answer.get("participant_id") != p:
        raise ValueError(f"answer claims participant {answer.get('participant_id')!r}")
    items = answer[field]
    if not isinstance(items, list) or len(items) != count:
        raise ValueError(f"expected {count} {field}")
    return items
