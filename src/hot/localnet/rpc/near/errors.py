"""NEAR JSON-RPC error shapes, with nearcore's HTTP status rules.

nearcore answers REQUEST_VALIDATION_ERROR (parse errors, unknown methods) with HTTP 400,
HANDLER_ERROR with HTTP 200 (408 for TIMEOUT_ERROR), INTERNAL_ERROR with HTTP 500. Each error
carries `name`, `cause: {name, info}`, the JSON-RPC `code`, `message` and a legacy `data` field.
"""

from __future__ import annotations

from typing import Any

from hot.wire.errors import RpcError

PARSE_ERROR_CODE = -32700
METHOD_NOT_FOUND_CODE = -32601
SERVER_ERROR_CODE = -32000


def parse_error(message: str) -> RpcError:
    return RpcError("REQUEST_VALIDATION_ERROR", "PARSE_ERROR", {"error_message": message}, PARSE_ERROR_CODE,
                    "Parse error", message, 400)


def method_not_found(method: str) -> RpcError:
    return RpcError("REQUEST_VALIDATION_ERROR", "METHOD_NOT_FOUND", {"method_name": method},
                    METHOD_NOT_FOUND_CODE, "Method not found", method, 400)


def handler_error(cause: str, info: Any, data: Any) -> RpcError:
    status = 408 if cause == "TIMEOUT_ERROR" else 200
    return RpcError("HANDLER_ERROR", cause, info, SERVER_ERROR_CODE, "Server error", data, status)


def internal_error(message: str) -> RpcError:
    return RpcError("INTERNAL_ERROR", "INTERNAL_ERROR", {"error_message": message}, SERVER_ERROR_CODE,
                    "Server error", message, 500)
