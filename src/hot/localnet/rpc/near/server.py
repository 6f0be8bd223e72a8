"""`RpcNode`: a durable chain, its block producer and the NEAR JSON-RPC server, as one context manager.

    with RpcNode(data_dir, port=0) as node:      # port 0: a free port
        node.url, node.root_account, node.root_key_file

The root account's key is written to `<data_dir>/validator_key.json` (NEAR's key file format), so
clients can sign as the root account and create their own accounts.
"""

from __future__ import annotations

import socket
from pathlib import Path
from types import TracebackType
from typing import Self

from hot.localnet.chain.chain import Chain, ChainConfig
from hot.near.signer import write_key_file
from hot.localnet.rpc.near.app import create_app
from hot.localnet.rpc.near.handlers import NearRpcMethods
from hot.localnet.rpc.near.producer import BlockProducer
from hot.localnet.serve import ServerThread

KEY_FILE = "validator_key.json"


def _enable_nodelay(server: ServerThread) -> None:
    """Set TCP_NODELAY on the listening socket (accepted connections inherit it on Linux).

    serve.bind_socket creates its socket with protocol 0, and asyncio only sets TCP_NODELAY when
    `sock.proto == IPPROTO_TCP`; without it every response stalls ~40 ms (Nagle + delayed ACK),
    capping the RPC at ~25 requests/s per connection. Remove once bind_socket passes IPPROTO_TCP.
    """
    sock = getattr(server, "_sock", None)
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class RpcNode:
    def __init__(self, data_dir: Path, port: int = 0, config: ChainConfig | None = None,
                 block_interval_s: float | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port
        self.config = config
        self.block_interval_s = block_interval_s
        self.chain: Chain | None = None
        self._producer: BlockProducer | None = None
        self._server: ServerThread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return self._server.url

    @property
    def root_account(self) -> str:
        assert self.chain is not None
        return self.chain.config.root_account

    @property
    def root_key_file(self) -> Path:
        return self.data_dir / KEY_FILE

    @property
    def root_secret_key(self) -> str:
        assert self.chain is not None
        return self.chain.root_key.secret

    def start(self) -> RpcNode:
        self.chain = Chain.open(self.data_dir, self.config)
        try:
            write_key_file(self.root_key_file, self.chain.config.root_account, self.chain.root_key)
            self._producer = BlockProducer(self.chain, self.block_interval_s).start()
            server = ServerThread(create_app(NearRpcMethods(self.chain, self._producer)), port=self.port)
            _enable_nodelay(server)
            self._server = server.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop serving, finish the block in progress, close the database. Safe to call twice."""
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._producer is not None:
            self._producer.stop()
            self._producer = None
        if self.chain is not None:
            self.chain.close()
            self.chain = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
