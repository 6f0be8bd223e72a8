"""NodeClient turns every way a node can fail into a typed NodeFailure (whitepaper §4.1.1)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from hot.localnet.serve import ServerThread, bind_socket
from hot.mpc.gatekeeper.node_client import NodeClient
from hot.wire.errors import NodeFailure

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def node_url():
    app = FastAPI()
    release = threading.Event()

    @app.post("/ok")
    def ok() -> dict:
        return {"participant_id": 1}

    @app.post("/blame")
    def blame() -> JSONResponse:
        return JSONResponse({"code": "peer_timeout", "message": "no intent", "culprits": [3, "x", True]}, status_code=409)

    @app.post("/culprit")
    def culprit() -> JSONResponse:
        return JSONResponse({"code": "protocol_error", "message": "bad intent", "culprit": 2}, status_code=409)

    @app.post("/garbage")
    def garbage() -> PlainTextResponse:
        return PlainTextResponse("oops", status_code=200)

    @app.post("/crash")
    def crash() -> PlainTextResponse:
        return PlainTextResponse("internal", status_code=500)

    @app.post("/slow")
    def slow() -> dict:
        release.wait(5)
        return {}

    with ServerThread(app) as server:
        yield server.url
        release.set()


def call(url: str, path: str, timeout: float = 2.0) -> dict:
    async def run() -> dict:
        client = NodeClient({1: url}, timeout)
        try:
            return await client.post(1, path, {})
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_a_good_answer_is_returned(node_url: str) -> None:
    assert call(node_url, "/ok") == {"participant_id": 1}


@pytest.mark.parametrize(
    "path, rest, code, culprits",
    [
        ("/blame", False, "peer_timeout", (3,)),
        ("/culprit", False, "protocol_error", (2,)),
        ("/garbage", True, None, ()),
        ("/crash", True, None, ()),
    ],
)
def test_failures_are_typed(node_url: str, path: str, rest: bool, code: str | None, culprits: tuple) -> None:
    with pytest.raises(NodeFailure) as failure:
        call(node_url, path)
    assert (failure.value.participant, failure.value.rest, failure.value.node_code, failure.value.culprits) == (1, rest, code, culprits)


def test_timeout_and_unreachable_are_rested(node_url: str) -> None:
    with pytest.raises(NodeFailure, match="timed out") as failure:
        call(node_url, "/slow", timeout=0.2)
    assert failure.value.rest
    sock = bind_socket()  # bound, never listening: connections are refused
    try:
        with pytest.raises(NodeFailure, match="unreachable") as failure:
            call(f"http://127.0.0.1:{sock.getsockname()[1]}", "/ok")
        assert failure.value.rest
    finally:
        sock.close()
