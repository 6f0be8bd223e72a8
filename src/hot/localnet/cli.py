"""`hot localnet ...`: run local networks.

`hot localnet chain` runs the NEAR-compatible chain alone in the foreground; `up`, `status` and
`down` run the whole localnet (chain, protocol contracts, foreign-chain endpoints, Bitcoin) as
supervised background processes in one data dir (docs/operator-guide.md).
"""

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


DATA_DIR_OPTION = typer.Option(Path(".localnet"), "--data-dir", help="The localnet's data dir (reused by the next `up`).")


@app.command("up")
def up(
    data_dir: Path = DATA_DIR_OPTION,
    nodes: int = typer.Option(5, "--nodes", min=2, help="MPC nodes to run."),
    threshold: int = typer.Option(3, "--threshold", min=2, help="Signing threshold (nodes >= 2*threshold-1)."),
    timeout: float = typer.Option(60.0, "--timeout", min=1.0, help="Seconds each component has to become ready."),
    near_port: int = typer.Option(3030, "--near-port", min=0, max=65535,
                                  help="NEAR RPC port for a new data dir if free (what `hot contract` expects); "
                                       "a later `up` keeps its port. 0: any free port."),
    network: bool = typer.Option(True, "--network/--no-network", help="Also run the MPC nodes and the gatekeeper "
                                                                      "(--no-network: chain, contracts, endpoints)."),
    presign_low: int = typer.Option(32, "--presign-low", min=0,
                                    help="Each node refills a signer set's ECDSA presignatures below this many."),
    presign_high: int = typer.Option(64, "--presign-high", min=1, help="... up to this many."),
    json_output: bool = typer.Option(False, "--json", help="Print the status document as JSON."),
) -> None:
    """Start the localnet in the background, wait until every component is ready, print its status."""
    from hot.localnet.cluster import ClusterOptions
    from hot.wire.errors import ClusterError
    from hot.localnet.cluster import up as cluster_up

    try:
        status = cluster_up(data_dir, ClusterOptions(nodes=nodes, threshold=threshold, start_timeout=timeout,
                                                        network=network, near_port=near_port,
                                                        presign_low_water=presign_low, presign_high_water=presign_high))
    except ClusterError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    _print_status(status, json_output)


@app.command("status")
def status(
    data_dir: Path = DATA_DIR_OPTION,
    json_output: bool = typer.Option(False, "--json", help="Print JSON (near_rpc, gatekeeper, api_key, data_dir, "
                                                           "evm_rpc, solana_rpc, soroban_rpc, ton_api, bitcoin_api, "
                                                           "components)."),
) -> None:
    """Probe every component and show its URL and health (also written to <data-dir>/status.json)."""
    from hot.localnet.cluster import ClusterPaths, refresh_status
    from hot.wire.errors import ClusterError

    try:
        found = refresh_status(ClusterPaths(data_dir.resolve()))
    except ClusterError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    _print_status(found, json_output)
    if found["state"] != "up":
        raise typer.Exit(3)


@app.command("down")
def down(
    data_dir: Path = DATA_DIR_OPTION,
    grace: float = typer.Option(10.0, "--grace", min=0.0, help="Seconds to wait after SIGTERM before SIGKILL."),
) -> None:
    """Stop every process `up` started in this data dir (SIGTERM, then SIGKILL); keep the data."""
    from hot.wire.errors import ClusterError
    from hot.localnet.cluster import down as cluster_down

    try:
        outcome = cluster_down(data_dir, grace)
    except ClusterError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    if not outcome:
        typer.echo(f"no localnet in {data_dir}")
    for name, what in outcome.items():
        typer.echo(f"{name}: {what}")


def _print_status(found: dict[str, object], json_output: bool) -> None:
    import json

    if json_output:
        typer.echo(json.dumps(found, indent=2))
        return
    from hot.localnet.cluster.status import render_table
    from rich.console import Console

    console = Console(soft_wrap=True)
    if found["state"] == "absent":
        console.print(f"no localnet in {found['data_dir']}: run `hot localnet up`")
        return
    console.print(render_table(found))
    controller = found.get("controller")
    if isinstance(controller, dict):
        console.print(f"Controller: {controller['state']}, epoch {controller['epoch']}, threshold "
                      f"{controller['threshold']}, {len(controller['participants'])} participants")
    console.print(f"API key: {found.get('api_key')}   root account: {found.get('root_account')} "
                  f"(key file {found.get('root_key_file')})")


if __name__ == "__main__":
    app()
