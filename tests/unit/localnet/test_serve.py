"""ServerThread: the one way localnet endpoints serve HTTP on loopback."""

from __future__ import annotations

import socket

import httpx
import pytest
from fastapi import FastAPI
from hot.localnet.serve import ServerThread, bind_socket, ephemeral_port_range, pick_listen_port
from hot.wire.errors import ComponentStartError


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
    with pytest.raises(ComponentStartError):
        ServerThread(app, start_timeout=5).start()


def test_listen_ports_come_from_below_the_ephemeral_range() -> None:
    """Outgoing connections never get these ports, so a server binding one later cannot collide with them."""
    low, _ = ephemeral_port_range()
    ports = {pick_listen_port() for _ in range(20)}
    assert all(port < low for port in ports)
    for port in ports:  # each was free when drawn, and still is
        bind_socket(port).close()


def test_a_listen_port_is_never_promised_twice_by_one_process() -> None:
    """Two servers started from one process (a node's HTTP and p2p ports, several nodes) never share a port."""
    ports = [pick_listen_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
