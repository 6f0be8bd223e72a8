"""A real HTTP proxy in front of a NEAR JSON-RPC server that can misbehave on cue.

It forwards every JSON-RPC request to the upstream server and relays the answer, except when a
fault is queued for that method. Faults (each used once, in order):
- "timeout": forward the request (the transaction executes), then answer nearcore's
  TIMEOUT_ERROR (HTTP 408) instead of the outcome, as a node does when execution outlasts its wait;
- "lose": answer TIMEOUT_ERROR without forwarding (the transaction never reached the chain);
- "down": answer HTTP 503 with a plain-text body (a load balancer in front of a dead node).
Every request and the HTTP status it got is recorded, so a test can see what a client sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from hot.localnet.rpc.near.errors import handler_error
from hot.localnet.serve import ServerThread


@dataclass
class Exchange:
    method: str
    params: Any
    status: int
    answer: Any


@dataclass
class NearProxy:
    upstream: str
    faults: dict[str, list[str]] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)

    def fail(self, method: str, *faults: str) -> None:
        self.faults.setdefault(method, []).extend(faults)

    def sent(self, method: str) -> list[Any]:
        """The params of every request for `method`, in order."""
        return [e.params for e in self.exchanges if e.method == method]

    def app(self) -> FastAPI:
        app = FastAPI()
        http = httpx.AsyncClient(timeout=30.0)

        @app.post("/")
        async def relay(request: Request) -> Response:
            body = await request.body()
            call = json.loads(body)
            method, params = call.get("method"), call.get("params")
            queued = self.faults.get(method) or []
            fault = queued.pop(0) if queued else None
            if fault == "down":
                self.exchanges.append(Exchange(method, params, 503, None))
                return PlainTextResponse("upstream unavailable", status_code=503)
            if fault != "lose":
                forwarded = await http.post(self.upstream, content=body, headers={"content-type": "application/json"})
            if fault in ("timeout", "lose"):
                error = handler_error("TIMEOUT_ERROR", {}, "Timeout")
                answer = {"jsonrpc": "2.0", "id": call.get("id"), "error": error.body}
                self.exchanges.append(Exchange(method, params, error.status, answer))
                return Response(json.dumps(answer), status_code=error.status, media_type="application/json")
            answer = forwarded.json()
            self.exchanges.append(Exchange(method, params, forwarded.status_code, answer))
            return Response(forwarded.content, status_code=forwarded.status_code, media_type="application/json")

        return app

    def serve(self) -> ServerThread:
        """`with proxy.serve() as server:` ... `server.url`."""
        return ServerThread(self.app())
