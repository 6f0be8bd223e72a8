"""The shared JSON-RPC envelope of the foreign-chain endpoints: errors are objects, never 500s."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hot.localnet.rpc.jsonrpc import RpcFailure, mount_json_rpc
from hot.localnet.serve import ServerThread


def _handler(method: str, params: Any) -> Any:
    if method == "echo":
        return params
    if method == "first":
        return params[0]  # IndexError on [] is a parameter error
    raise RpcFailure(-32601, "method not found", data={"method": method})


@pytest.fixture(scope="module")
def url() -> Any:
    app = FastAPI()
    mount_json_rpc(app, _handler)
    with ServerThread(app) as server:
        yield server.url


def _post(url: str, body: Any) -> Any:
    response = httpx.post(url + "/", content=body if isinstance(body, bytes) else None,
                          json=None if isinstance(body, bytes) else body)
    assert response.status_code == 200
    return response.json()


def test_result_and_batch(url: str) -> None:
    assert _post(url, {"jsonrpc": "2.0", "id": 7, "method": "echo", "params": [1]}) == {
        "jsonrpc": "2.0", "id": 7, "result": [1]}
    batch = _post(url, [{"id": 1, "method": "echo", "params": "a"}, {"id": 2, "method": "nope"}])
    assert [item["id"] for item in batch] == [1, 2]
    assert batch[1]["error"] == {"code": -32601, "message": "method not found", "data": {"method": "nope"}}


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", -32700),
    ({"id": 1}, -32600),
    ({"id": 1, "method": 5}, -32600),
    ({"id": 1, "method": "first", "params": []}, -32602),
])
def test_malformed_requests_get_their_error_code(url: str, body: Any, code: int) -> None:
    assert _post(url, body)["error"]["code"] == code
