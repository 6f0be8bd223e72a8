"""One NEAR JSON-RPC endpoint: a JSON-RPC 2.0 POST over a keep-alive httpx connection pool.

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

import httpx

from hot.wire.errors import NearRpcError

UNREACHABLE = "UNREACHABLE"
NO_ANSWER = "NO_ANSWER"
BAD_RESPONSE = "BAD_RESPONSE"
MAX_ANSWER_BYTES = 16 * 1024 * 1024  # a FinalExecutionOutcome with many receipts; far above any real answer


class RpcEndpoint:
    """One URL; `call(method, params)` returns the JSON-RPC `result` or raises NearRpcError."""

    def __init__(self, url: str, *, timeout: float = 10.0, connect_timeout: float = 5.0) -> None:
        self.url = url
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(connect_timeout, timeout)))
        self._ids = itertools.count(1)

    async def call(self, method: str, params: Any) -> Any:
        request_id = next(self._ids)
        body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        try:
            response = await self._http.post(self.url, json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise NearRpcError(f"{self.url}: {method}: cannot connect: {exc}", cause=UNREACHABLE) from exc
        except httpx.HTTPError as exc:
            raise NearRpcError(f"{self.url}: {method}: no answer: {type(exc).__name__}: {exc}", cause=NO_ANSWER) from exc
        return self._result(method, request_id, response)

    def _result(self, method: str, request_id: int, response: httpx.Response) -> Any:
        if len(response.content) > MAX_ANSWER_BYTES:
            raise NearRpcError(f"{self.url}: {method}: answer of {len(response.content)} bytes", cause=BAD_RESPONSE)
        try:
            answer = json.loads(response.content)
        except ValueError as exc:
            cause = NO_ANSWER if response.status_code >= 500 else BAD_RESPONSE
            raise NearRpcError(f"{self.url}: {method}: HTTP {response.status_code}, body is not JSON",
                               cause=cause) from exc
        if not isinstance(answer, dict) or answer.get("id") != request_id:
            raise NearRpcError(f"{self.url}: {method}: not an answer to this JSON-RPC request", cause=BAD_RESPONSE)
        if "error" in answer:
            raise rpc_error(self.url, method, answer["error"])
        if "result" not in answer:
            raise NearRpcError(f"{self.url}: {method}: answer has neither result nor error", cause=BAD_RESPONSE)
        return answer["result"]

    async def aclose(self) -> None:
        await self._http.aclose()


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
