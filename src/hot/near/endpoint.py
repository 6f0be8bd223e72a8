"""One NEAR JSON-RPC endpoint: a JSON-RPC 2.0 POST over a keep-alive aiohttp connection pool.

aiohttp, not httpx: against the localnet's RPC one httpx.AsyncClient request cost 9-13 ms of
client time on this 2-core machine, aiohttp's 2.4 ms (100 sequential `query` requests each, one
run; docs/architecture.md), and the node polls the Controller through this client several times a
second. aiohttp is what py-near runs on, so it was installed with every NEAR setup already.

Every failure is a `NearRpcError` whose `cause` says what a caller may do next:
- `UNREACHABLE`: the request never left (connection refused, DNS, connect timeout): any other
  endpoint may be asked, even for a transaction;
- `NO_ANSWER`: the request may have arrived but no answer came (read timeout, dropped
  connection, a non-JSON 5xx): a transaction's fate is unknown and must be looked up;
- NEAR's own cause names (`UNKNOWN_ACCOUNT`, `INVALID_TRANSACTION`, `TIMEOUT_ERROR`, ...) for
  an answered JSON-RPC error (nearcore sends these with HTTP 200, 400, 408 or 500).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import aiohttp

from hot.wire.errors import NearRpcError

UNREACHABLE = "UNREACHABLE"
NO_ANSWER = "NO_ANSWER"
BAD_RESPONSE = "BAD_RESPONSE"
MAX_ANSWER_BYTES = 16 * 1024 * 1024  # a FinalExecutionOutcome with many receipts; far above any real answer


class RpcEndpoint:
    """One URL; `call(method, params)` returns the JSON-RPC `result` or raises NearRpcError.

    The connection pool is made on first use, on the loop that uses it (aiohttp binds a session
    to its loop), and closed by `aclose()`.
    """

    def __init__(self, url: str, *, timeout: float = 10.0, connect_timeout: float = 5.0) -> None:
        self.url = url
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=min(connect_timeout, timeout))
        self._session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def call(self, method: str, params: Any) -> Any:
        request_id = next(self._ids)
        body = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}).encode()
        try:
            async with self._http().post(self.url, data=body, headers={"Content-Type": "application/json"}) as response:
                status, content = response.status, await _read_limited(response)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError, aiohttp.InvalidURL) as exc:
            raise NearRpcError(f"{self.url}: {method}: cannot connect: {exc}", cause=UNREACHABLE) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise NearRpcError(f"{self.url}: {method}: no answer: {type(exc).__name__}: {exc}", cause=NO_ANSWER) from exc
        return self._result(method, request_id, status, content)

    def _result(self, method: str, request_id: int, status: int, content: bytes) -> Any:
        try:
            answer = json.loads(content)
        except ValueError as exc:
            cause = NO_ANSWER if status >= 500 else BAD_RESPONSE
            raise NearRpcError(f"{self.url}: {method}: HTTP {status}, body is not JSON", cause=cause) from exc
        if not isinstance(answer, dict) or answer.get("id") != request_id:
            raise NearRpcError(f"{self.url}: {method}: not an answer to this JSON-RPC request", cause=BAD_RESPONSE)
        if "error" in answer:
            raise rpc_error(self.url, method, answer["error"])
        if "result" not in answer:
            raise NearRpcError(f"{self.url}: {method}: answer has neither result nor error", cause=BAD_RESPONSE)
        return answer["result"]

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _read_limited(response: aiohttp.ClientResponse) -> bytes:
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(1 << 16):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise aiohttp.ClientPayloadError(f"answer larger than {MAX_ANSWER_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def rpc_error(url: str, method: str, error: Any) -> NearRpcError:
    """NEAR's error object as a NearRpcError: `cause.name` (or the legacy `name`) becomes `cause`."""
    cause = ""
    if isinstance(error, dict):
        inner = error.get("cause")
        cause = str(inner.get("name", "")) if isinstance(inner, dict) else ""
        cause = cause or str(error.get("name", ""))
        data = error.get("data", error.get("message", ""))
    else:
        data = error
    text = data if isinstance(data, str) else json.dumps(data)
    return NearRpcError(f"{url}: {method}: {cause or 'ERROR'}: {text[:500]}", cause=cause or "ERROR", error=error)
