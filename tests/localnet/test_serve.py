"""ServerThread: the one way localnet endpoints serve HTTP on loopback."""

from __future__ import annotations

import socket

import httpx
import pytest
from fastapi import FastAPI
from hot.localnet.serve import ServerStartError, ServerThread


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    return app


def test_serves_on_loopback_and_releases_the_port() -> None:
    with ServerThread(_app()) as server:
        assert server.host == "127.0.0.1"
        assert httpx.get(server.url + "/health").json() == {"ok": True}
        port = server.port
    # After stop the port is free again: binding it succeeds.
    probe = socket.socket()
    try:
        probe.bind(("127.0.0.1", port))
    finally:
        probe.close()


def test_a_taken_port_is_refused_at_bind_time() -> None:
    with ServerThread(_app()) as server, pytest.raises(OSError):
        ServerThread(_app(), port=server.port)


def test_an_app_that_fails_at_startup_raises() -> None:
    def broken_lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    app = FastAPI(lifespan=broken_lifespan)  # type: ignore[arg-type]
    with pytest.raises(ServerStartError):
        ServerThread(app, start_timeout=5).start()
