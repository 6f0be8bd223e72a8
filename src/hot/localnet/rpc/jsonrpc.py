"""JSON-RPC 2.0 over HTTP POST, the one way the localnet's foreign-chain endpoints speak it.

The EVM, Solana and Soroban endpoints differ only in their methods and parameter shapes; the
envelope (parse error, invalid request, batches, error objects) is the same protocol, so it lives
here once. A handler raises `RpcFailure` for a protocol error with its code; a malformed parameter
that trips a handler's own parsing (KeyError, ValueError, ...) becomes -32602, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
_PARAMETER_ERRORS = (KeyError, ValueError, TypeError, IndexError, AttributeError)

Handler = Callable[[str, Any], Any]
"""handler(method, params) -> JSON-ready result; raises RpcFailure or a parameter error."""


class RpcFailure(Exception):
    """A JSON-RPC error object to return (code, message, optional data)."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def to_error(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


def answer(handler: Handler, request: Any) -> dict[str, Any]:
    """The response object for one request object."""
    if not isinstance(request, dict) or not isinstance(request.get("method"), str):
        return {"jsonrpc": "2.0", "id": None, "error": {"code": INVALID_REQUEST, "message": "invalid request"}}
    request_id = request.get("id")
    try:
        result = handler(request["method"], request.get("params"))
    except RpcFailure as exc:
        return {"jsonrpc": "2.0", "id": request_id, "error": exc.to_error()}
    except _PARAMETER_ERRORS as exc:
        return {"jsonrpc": "2.0", "id": request_id,
                "error": {"code": INVALID_PARAMS, "message": f"invalid params: {exc}"}}
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


def mount_json_rpc(app: FastAPI, handler: Handler, *, batches: bool = True) -> None:
    """Serve `handler` as JSON-RPC at `POST /` of `app` (batches: a JSON array of requests)."""

    @app.post("/")
    async def json_rpc(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"jsonrpc": "2.0", "id": None, "error": {"code": PARSE_ERROR, "message": "parse error"}})
        if batches and isinstance(body, list):
            return JSONResponse([answer(handler, item) for item in body])
        return JSONResponse(answer(handler, body))
