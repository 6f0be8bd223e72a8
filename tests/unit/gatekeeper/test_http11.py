"""hot.mpc.http11: the keep-alive client both the gatekeeper and the chain adapters use.

Served by a raw asyncio server so each answer's framing (Content-Length, chunked, read to close,
HTTP/1.0) and each connection's fate (kept, closed by the server while idle) is exact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from hot.mpc.http11 import AnswerTooLarge, Endpoint, KeepAliveClient

Answer = Callable[[bytes], bytes]


async def serve(answer: Answer, scenario: Callable[[str, list[int]], Awaitable[None]], *, close_after: bool = False) -> list[int]:
    """Run `scenario(url, connections)` against a server answering every request with `answer(request)`."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
                request = head + await reader.readexactly(length)
                writer.write(answer(request))
                await writer.drain()
                if close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        await scenario(f"http://127.0.0.1:{port}/base", connections)
    finally:
        server.close()
    return connections


def fixed(body: bytes, *, version: bytes = b"HTTP/1.1", extra: bytes = b"") -> Answer:
    return lambda _: version + b" 200 OK\r\nContent-Length: " + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body


def test_keep_alive_reuses_one_connection_and_sends_the_prefix_and_body() -> None:
    seen: list[bytes] = []

    def answer(request: bytes) -> bytes:
        seen.append(request)
        return fixed(b'{"ok":true}')(request)

    async def scenario(url: str, connections: list[int]) -> None:
        client = KeepAliveClient()
        for _ in range(3):
            assert await client.request(Endpoint.parse(url), "POST", "/x", b'{"a":1}', 2.0) == (200, b'{"ok":true}')
        await client.aclose()

    assert asyncio.run(serve(answer, scenario)) == [1]  # three requests, one connection
    assert seen[0].startswith(b"POST /base/x HTTP/1.1\r\n") and seen[0].endswith(b'\r\n\r\n{"a":1}')


def test_chunked_answers_are_joined() -> None:
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"

    async def scenario(url: str, _: list[int]) -> None:
        client = KeepAliveClient()
        assert await client.request(Endpoint.parse(url), "GET", "/", b"", 2.0) == (200, b"hello world")
        await client.aclose()

    asyncio.run(serve(lambda _: chunked, scenario))


def test_a_connection_the_server_closed_is_redialled() -> None:
    async def scenario(url: str, connections: list[int]) -> None:
        client = KeepAliveClient()
        for _ in range(2):  # HTTP/1.0 and Connection: close answers are not kept
            assert (await client.request(Endpoint.parse(url), "GET", "/", b"", 2.0))[1] == b"{}"
        await client.aclose()

    assert len(asyncio.run(serve(fixed(b"{}", version=b"HTTP/1.0"), scenario, close_after=True))) == 2
    assert len(asyncio.run(serve(fixed(b"{}", extra=b"Connection: close\r\n"), scenario, close_after=True))) == 2


def test_a_server_closing_an_idle_kept_connection_costs_one_redial() -> None:
    async def scenario(url: str, connections: list[int]) -> None:
        client = KeepAliveClient()
        for _ in range(3):  # the server closes after each answer although it promised keep-alive
            assert (await client.request(Endpoint.parse(url), "GET", "/", b"", 2.0))[1] == b"{}"
        await client.aclose()

    assert len(asyncio.run(serve(fixed(b"{}"), scenario, close_after=True))) == 3


@pytest.mark.parametrize("answer", [
    fixed(b"x" * 100),
    lambda _: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + b"x" * 100 + b"\r\n0\r\n\r\n",
])
def test_answers_over_the_limit_are_refused(answer: Answer) -> None:
    async def scenario(url: str, _: list[int]) -> None:
        client = KeepAliveClient(max_answer_bytes=64)
        with pytest.raises(AnswerTooLarge):
            await client.request(Endpoint.parse(url), "GET", "/", b"", 2.0)
        await client.aclose()

    asyncio.run(serve(answer, scenario))


def test_not_http_and_silence_are_typed() -> None:
    async def garbage(url: str, _: list[int]) -> None:
        with pytest.raises(ValueError, match="not an HTTP/1.x answer"):
            await KeepAliveClient().request(Endpoint.parse(url), "GET", "/", b"", 2.0)

    asyncio.run(serve(lambda _: b"SSH-2.0-OpenSSH\r\n\r\n", garbage))

    async def silent(url: str, _: list[int]) -> None:
        with pytest.raises(TimeoutError):
            await KeepAliveClient().request(Endpoint.parse(url), "GET", "/", b"", 0.2)

    async def never(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # reads the request and never answers

    async def run_silent() -> None:
        server = await asyncio.start_server(never, "127.0.0.1", 0)
        try:
            await silent(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", [])
        finally:
            server.close()

    asyncio.run(run_silent())


def test_endpoint_urls_are_checked() -> None:
    assert Endpoint.parse("http://[::1]:8080/p/").host_header == "[::1]:8080"
    assert Endpoint.parse("https://example.org").port == 443 and Endpoint.parse("https://example.org").ssl is not None
    with pytest.raises(ValueError):
        Endpoint.parse("ftp://example.org")
