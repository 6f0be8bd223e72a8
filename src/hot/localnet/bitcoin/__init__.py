"""A regtest Bitcoin chain for the localnet, validated by Bitcoin Core's consensus code (pbk).

`BitcoinNode(datadir)` opens (or creates) the chain; `create_app(node)` serves the Esplora subset;
`BitcoinService(datadir, port=0)` is both together (what `hot localnet up` embeds).
Run standalone with `python -m hot.localnet.bitcoin --data-dir DIR --port PORT`.
See docs/bitcoin-localnet.md.
"""

from hot.localnet.bitcoin.esplora import create_app
from hot.localnet.bitcoin.node import BitcoinNode, TxView
from hot.localnet.bitcoin.service import BitcoinService

__all__ = ["BitcoinNode", "BitcoinService", "TxView", "create_app"]
