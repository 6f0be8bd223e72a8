"""The HTTP face of the NEAR JSON-RPC: POST / with a JSON-RPC 2.0 request, as nearcore serves it.

Bad input never reaches the chain: the body size is capped, JSON is parsed strictly and each
failure becomes NEAR's error shape with nearcore's HTTP status (see errors.py).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from hot.localnet.rpc.near.errors import internal_error, parse_error
from hot.wire.errors import RpcError
from hot.localnet.rpc.near.handlers import NearRpcMethods

MAX_BODY_BYTES = 6 * 1024 * 1024  # a max-size (1.5 MiB) transaction in base64, with room to spare


def _response(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status_code=status, media_type="application/json")


async def handle_body(rpc: NearRpcMethods, raw: bytes) -> tuple[dict[str, Any], int]:
    """One JSON-RPC exchange: request bytes -> (response object, HTTP status)."""
    request_id: Any = None
    try:
        if len(raw) > MAX_BODY_BYTES:
            raise parse_error(f"request body of {len(raw)} bytes exceeds {MAX_BODY_BYTES}")
        try:
            request = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as exc:
            raise parse_error(f"Parse error: {exc}") from exc
        if not isinstance(request, dict):
            raise parse_error("a JSON-RPC request must be an object")
        request_id = request.get("id")
        if not isinstance(request_id, (str, int, type(None))) or isinstance(request_id, bool):
            request_id = None
        if "method" not in request:
            raise parse_error("missing field `method`")
        result = await rpc.dispatch(request["method"], request.get("params"))
        return {"jsonrpc": "2.0", "result": result, "id": request_id}, 200
    except RpcError as err:
        return {"jsonrpc": "2.0", "error": err.body, "id": request_id}, err.status
    except RecursionError:
        err = parse_error("JSON nesting too deep")
        return {"jsonrpc": "2.0", "error": err.body, "id": request_id}, err.status
    except Exception as exc:  # noqa: BLE001 -- a chain bug answers as nearcore's INTERNAL_ERROR, never a dropped connection
        err = internal_error(f"{type(exc).__name__}: {exc}")
        return {"jsonrpc": "2.0", "error": err.body, "id": request_id}, err.status


def create_app(rpc: NearRpcMethods) -> FastAPI:
    app = FastAPI(title="hot localnet NEAR JSON-RPC",
                  description="NEAR's JSON-RPC 2.0 (POST /): status, block, chunk, gas_price, validators, query, "
                              "broadcast_tx_commit, broadcast_tx_async, send_tx, tx, EXPERIMENTAL_tx_status.")

    @app.post("/")
    async def json_rpc(request: Request) -> Response:
        """Answer one NEAR JSON-RPC 2.0 request."""
        body, status = await handle_body(rpc, await request.body())
        return _response(body, status)

    @app.get("/status")
    async def http_status() -> Response:
        """nearcore's plain GET /status (readiness probes use it)."""
        return _response(await rpc.status(None))

    @app.get("/health")
    async def health() -> Response:
        """nearcore's GET /health: 200 while the node serves."""
        return _response({})

    return app
