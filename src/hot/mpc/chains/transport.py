"""One HTTP transport for every chain adapter: https only, a short timeout, no retries, no cache.

hot-validation-sdk's rules: an endpoint is asked once per verification; whatever goes wrong
(timeout, refused connection, HTTP error, non-JSON body) is a failed vote, raised as a typed
`ChainError`. Plain http is accepted only for loopback hosts so the localnet and tests can run
without certificates; production endpoints must be https.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import json
from typing import Any
from urllib.parse import urlsplit

from hot.mpc.chains.base import DEFAULT_TIMEOUT_S, ChainVerifier
from hot.wire.errors import ChainUnavailable, InsecureEndpoint, MalformedAnswer, PolicyCallFailed
from hot.mpc.http11 import AnswerTooLarge, Endpoint, KeepAliveClient

_LOOPBACK_NAMES = {"localhost"}
MAX_ANSWER_BYTES = 1 << 20  # every answer we read is a few hundred bytes; 1 MiB is generous


def check_endpoint_url(url: str) -> str:
    """The URL unchanged if it is https, or http to a loopback address; else `InsecureEndpoint`."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url
    raise InsecureEndpoint(f"endpoint {url!r} must be https (plain http only to 127.0.0.1/::1/localhost)")


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class HttpEndpoint:
    """One endpoint: POSTs JSON with a per-call deadline over its own keep-alive connections."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.url = check_endpoint_url(url)
        self.timeout = timeout
        self._target = Endpoint.parse(self.url)
        # One small HTTP/1.1 client (hot.mpc.http11): every node request reads the Registry and asks
        # each hot_verify, and httpx's per-request cost was a third of a node's CPU under load.
        self._http = KeepAliveClient(max_answer_bytes=MAX_ANSWER_BYTES)
        self._ids = itertools.count(1)

    async def post_json(self, path: str, body: Any) -> Any:
        """POST `body` to url+path and return the decoded JSON; transport failures are typed."""
        payload = json.dumps(body, separators=(",", ":")).encode()
        try:
            status, raw = await self._http.request(self._target, "POST", path, payload, self.timeout)
        except TimeoutError as exc:
            raise ChainUnavailable(f"{self.url}: no answer within {self.timeout}s") from exc
        except AnswerTooLarge as exc:
            raise MalformedAnswer(f"{self.url}: answer larger than {MAX_ANSWER_BYTES} bytes") from exc
        except (OSError, EOFError, asyncio.IncompleteReadError, ValueError) as exc:
            raise ChainUnavailable(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        if status >= 500 or status in (404, 405, 429):
            raise ChainUnavailable(f"{self.url}: HTTP {status}")
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise MalformedAnswer(f"{self.url}: body is not JSON") from exc

    async def json_rpc(self, method: str, params: Any) -> Any:
        """A JSON-RPC 2.0 call; an `error` object is `PolicyCallFailed`, a missing `result` malformed."""
        request_id = next(self._ids)
        answer = await self.post_json("", {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        if not isinstance(answer, dict) or answer.get("jsonrpc") != "2.0":
            raise MalformedAnswer(f"{self.url}: {method}: not a JSON-RPC 2.0 response")
        if answer.get("id") != request_id:
            raise MalformedAnswer(f"{self.url}: {method}: response id does not match the request")
        if "error" in answer:
            error = answer["error"]
            message = error.get("message") if isinstance(error, dict) else error
            raise PolicyCallFailed(f"{self.url}: {method}: {message}")
        if "result" not in answer:
            raise MalformedAnswer(f"{self.url}: {method}: response has neither result nor error")
        return answer["result"]

    async def aclose(self) -> None:
        await self._http.aclose()


class EndpointVerifier(ChainVerifier):
    """A `ChainVerifier` that asks one HTTP endpoint; each chain module adds only `verify`."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.endpoint = HttpEndpoint(url, timeout=timeout)

    @property
    def name(self) -> str:
        return self.endpoint.url

    async def aclose(self) -> None:
        await self.endpoint.aclose()
