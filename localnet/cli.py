"""`hot localnet ...`: run local networks. For now: `hot localnet chain`, the NEAR-compatible chain alone."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import typer

app = typer.Typer(help="Local networks for development and tests.", no_args_is_help=True)


@app.callback()
def localnet() -> None:
    """Local networks for development and tests."""


@app.command("chain")
def chain(
    port: int = typer.Option(3030, help="RPC port on 127.0.0.1 (0 picks a free one)."),
    data_dir: Path = typer.Option(Path(".localnet/chain"), help="Where the chain keeps its SQLite state and keys."),
    chain_id: str = typer.Option("localnet", help="chain_id reported by `status` (only for a new chain)."),
    epoch_length: int = typer.Option(100, min=1, help="Blocks per epoch (only for a new chain)."),
    block_interval: float = typer.Option(0.0, min=0.0, help="Also produce empty blocks every N seconds (0: only "
                                                             "when transactions arrive)."),
) -> None:
    """Run the NEAR JSON-RPC chain alone until Ctrl-C; prints its RPC URL and the root key file."""
    from hot.localnet.chain.chain import ChainConfig
    from hot.localnet.rpc.near.server import RpcNode

    config = ChainConfig(chain_id=chain_id, epoch_length=epoch_length)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with RpcNode(data_dir, port=port, config=config, block_interval_s=block_interval or None) as node:
        # Flushed line by line: scripts and tests read the URL from a pipe.
        print(f"NEAR RPC: {node.url}", flush=True)
        print(f"root account: {node.root_account} (key file: {node.root_key_file})", flush=True)
        print("ready", flush=True)
        while not stop.wait(0.5):
            pass
    print("stopped", flush=True)


if __name__ == "__main__":
    app()
