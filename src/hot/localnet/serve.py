"""Run an ASGI app (FastAPI/Starlette) on 127.0.0.1 in a background thread, for localnet endpoints.

One way to serve HTTP for every local endpoint (NEAR RPC, EVM, Solana, Soroban, TON, Esplora):
the socket is bound before the server starts, so the port is known and no other process can take it
between "pick a free port" and "listen" (the race a plain free-port helper has).
"""

from __future__ import annotations

import random
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from hot.wire.errors import ComponentStartError

LOOPBACK = "127.0.0.1"


EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_HANDED_OUT: set[int] = set()  # ports this process promised to servers: never promised twice


def ephemeral_port_range() -> tuple[int, int]:
    """The kernel's range for outgoing connections' local ports (Linux default 32768-60999)."""
    try:
        low, high = (int(part) for part in EPHEMERAL_RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        return 32768, 60999
    return low, high


def pick_listen_port(host: str = LOOPBACK, attempts: int = 64) -> int:
    """A free port below the ephemeral range, for a server process that binds it a moment later.

    Why not bind(0) and close: that port is in the ephemeral range, so between the probe's close and
    the server's bind any outgoing connection on the machine may be given it as its local port, and
    the server fails with EADDRINUSE (seen in CI while another localnet was busy). Ports below the
    range are never handed to outgoing connections; the remaining race, another listener drawing the
    same random port, is what the probe bind detects.
    """
    low = ephemeral_port_range()[0]
    floor = 10000 if low > 11000 else 1024
    draw = random.SystemRandom()
    for _ in range(attempts):
        port = draw.randrange(floor, low)
        if port in _HANDED_OUT:  # probed free, but promised to a server that may not have bound it yet
            continue
        try:
            bind_socket(port, host).close()
        except OSError:
            continue
        _HANDED_OUT.add(port)
        return port
    raise OSError(f"no free port between {floor} and {low} after {attempts} draws")


def bind_socket(port: int = 0, host: str = LOOPBACK) -> socket.socket:
    """A listening-ready TCP socket on host:port (port 0: the kernel picks a free one)."""
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only when the listening
    # socket names TCP explicitly; without it every small response waits ~40 ms for delayed ACKs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


class ServerThread:
    """Serve `app` on a bound socket in a daemon thread; a context manager that always stops it.

    Usage::

        with ServerThread(app) as server:
            httpx.get(server.url + "/health")
    """

    def __init__(self, app: Any, *, port: int = 0, host: str = LOOPBACK, start_timeout: float = 10.0) -> None:
        self._sock = bind_socket(port, host)
        self.host, self.port = self._sock.getsockname()[:2]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="auto")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name=f"serve-{self.port}", daemon=True)
        self._start_timeout = start_timeout
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # surfaced to the caller by start()
            self._error = exc

    def start(self) -> ServerThread:
        """Start serving and wait until uvicorn reports it is accepting connections."""
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                raise ComponentStartError(f"server on {self.url}", f"failed to start: {self._error!r}")
            if time.monotonic() > deadline:
                self.stop()
                raise ComponentStartError(f"server on {self.url}", f"not ready after {self._start_timeout}s")
            time.sleep(0.005)  # polling a readiness flag under a deadline, not a synchronising sleep
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit gracefully, then force it; close the socket."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
