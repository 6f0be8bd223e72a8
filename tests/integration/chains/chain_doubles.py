"""Real HTTP test doubles of remote endpoints: a lying proxy, a slow endpoint, a NEAR policy host.

They are servers, not mocks: the adapters under test talk HTTP to them exactly as to a chain.
A lying proxy forwards every request to an honest endpoint and rewrites chosen answers.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

Rewrite = Callable[[dict[str, Any], Any], Any]


def lying_proxy(upstream: str, rewrite: Rewrite) -> FastAPI:
    """Forward every POST to `upstream` (same path); `rewrite(request_json, response_json)` is the lie."""
    app = FastAPI()

    @app.post("/{path:path}")
    async def forward(path: str, request: Request) -> JSONResponse:
        body = await request.json()
        async with httpx.AsyncClient() as client:
            answer = (await client.post(upstream.rstrip("/") + "/" + path, json=body)).json()
        return JSONResponse(rewrite(body, answer))

    return app


def slow_endpoint(delay_s: float) -> FastAPI:
    """An endpoint that answers every POST only after `delay_s` (bounded, so shutdown stays quick)."""
    app = FastAPI()

    @app.post("/{rest:path}")
    async def slow(rest: str) -> JSONResponse:
        await asyncio.sleep(delay_s)  # the slowness under test, not synchronisation
        return JSONResponse({"jsonrpc": "2.0", "id": 1, "result": True})

    return app


NearPolicy = Callable[[dict[str, Any]], Any]


def near_policy_host(policies: dict[tuple[str, str], NearPolicy]) -> FastAPI:
    """A NEAR JSON-RPC `query/call_function` endpoint hosting Python policies by (account, method)."""
    app = FastAPI()

    @app.post("/")
    async def rpc(request: Request) -> JSONResponse:
        body = await request.json()
        params = body["params"]
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": body["id"]}
        policy = policies.get((params["account_id"], params["method_name"]))
        if body["method"] != "query" or params.get("request_type") != "call_function" or params.get("finality") != "final":
            reply["error"] = {"name": "REQUEST_VALIDATION_ERROR", "cause": {"name": "PARSE_ERROR"}, "code": -32700,
                              "message": "Parse error"}
        elif policy is None:
            reply["result"] = {"error": f"wasm execution failed: MethodNotFound {params['method_name']}", "logs": [],
                               "block_height": 7, "block_hash": "11111111111111111111111111111111"}
        else:
            args = json.loads(base64.b64decode(params["args_base64"]))
            answer = json.dumps(policy(args)).encode()
            reply["result"] = {"result": list(answer), "logs": [], "block_height": 7,
                               "block_hash": "11111111111111111111111111111111"}
        return JSONResponse(reply)

    return app
