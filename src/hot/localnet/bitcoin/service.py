"""BitcoinService: the regtest node plus its Esplora API on 127.0.0.1, as one context manager.

What `hot localnet up` embeds: `with BitcoinService(dir / "bitcoin") as btc: status["bitcoin_api"]
= btc.url`. Leaving the block stops the server, then closes the node (the kernel flushes).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from hot.localnet.bitcoin.esplora import create_app
from hot.localnet.bitcoin.node import BitcoinNode
from hot.localnet.serve import ServerThread


class BitcoinService:
    def __init__(self, datadir: Path | str, *, port: int = 0) -> None:
        self.datadir = Path(datadir)
        self.port = port
        self.node: BitcoinNode | None = None
        self._server: ServerThread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the Bitcoin service is not running")
        return self._server.url

    def start(self) -> "BitcoinService":
        self.node = BitcoinNode(self.datadir)
        try:
            self._server = ServerThread(create_app(self.node), port=self.port).start()
        except BaseException:
            self.node.close()
            raise
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self.node is not None:
            self.node.close()
            self.node = None

    def __enter__(self) -> "BitcoinService":
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
