"""HTTP client for the node API (docs/node-api.md), turning every failure into a typed NodeFailure.

The gatekeeper trusts no node: a timeout, a refused connection, a reset mid-request, a body that is
not the documented shape, all become a `NodeFailure` naming the node, which the coordinator uses
to rest it and retry with another subset (whitepaper §4.1.1). A coded refusal (`{"code", "message"}`)
is kept as such, since `authorization_denied` and `unknown_key` are answers for the user.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from hot.mpc.http11 import Endpoint, KeepAliveClient

from hot.wire.errors import AuthorizationDenied, EncodingError, NodeFailure, UnknownKey

# Refusals that are the key owner's or the user's answer, not the node's fault: never rest for these.
USER_FACING_CODES = frozenset({AuthorizationDenied.code, UnknownKey.code})


class NodeClient:
    """Calls to the nodes over one keep-alive connection pool (`hot.mpc.http11`), each bounded by `timeout_s`.

    The gatekeeper makes two calls per signer per signature (three to five signers); httpx's
    per-request machinery was about 70% of the gatekeeper's CPU under load (py-spy, `hot bench e2e`).
    """

    def __init__(self, endpoints: Mapping[int, str], timeout_s: float) -> None:
        self._endpoints = {pid: Endpoint.parse(url) for pid, url in endpoints.items()}
        self._timeout_s = timeout_s
        self._http = KeepAliveClient()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def post(self, participant: int, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call(participant, "POST", path, body)

    async def get(self, participant: int, path: str) -> dict[str, Any]:
        return await self._call(participant, "GET", path, None)

    async def _call(self, participant: int, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        payload = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        try:
            status, content = await self._http.request(self._endpoints[participant], method, path, payload, self._timeout_s)
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
