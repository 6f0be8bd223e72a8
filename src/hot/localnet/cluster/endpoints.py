"""`python -m hot.localnet.cluster.endpoints --data-dir DIR`: the foreign-chain endpoints of the localnet.

One process serves the EVM, Solana, Soroban and TON apps, each on its own port on 127.0.0.1, and
prints one JSON line `{"evm_rpc": url, "solana_rpc": url, "soroban_rpc": url, "ton_api": url}` once
all four accept connections (what `hot localnet up` waits for). SIGTERM/SIGINT stop every server.
`--ports` pins ports (`evm_rpc=8545,ton_api=0`); unnamed ones, or 0, take any free port.
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from hot.localnet.serve import ServerThread

# name in status.json -> module whose `create_app(state_dir)` serves it
ENDPOINT_APPS = {
    "evm_rpc": "hot.localnet.rpc.evm",
    "solana_rpc": "hot.localnet.rpc.solana",
    "soroban_rpc": "hot.localnet.rpc.soroban",
    "ton_api": "hot.localnet.rpc.ton",
}


def parse_ports(text: str) -> dict[str, int]:
    """`evm_rpc=8545,ton_api=0` -> {"evm_rpc": 8545, "ton_api": 0}; unknown names are refused."""
    ports: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        if name not in ENDPOINT_APPS or not value.isdigit():
            raise argparse.ArgumentTypeError(f"bad port assignment {item!r}; names: {', '.join(ENDPOINT_APPS)}")
        ports[name] = int(value)
    return ports


def start_servers(data_dir: Path, ports: dict[str, int]) -> dict[str, ServerThread]:
    """Start every endpoint app; on any failure stop the ones already started and re-raise."""
    servers: dict[str, ServerThread] = {}
    try:
        for name, module in ENDPOINT_APPS.items():
            state_dir = data_dir / name
            state_dir.mkdir(parents=True, exist_ok=True)
            app: Any = importlib.import_module(module).create_app(state_dir)
            servers[name] = ServerThread(app, port=ports.get(name, 0)).start()
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hot.localnet.cluster.endpoints", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="state directory (one subdirectory per app)")
    parser.add_argument("--ports", type=parse_ports, default={}, help="name=port,... (0 or unnamed: any free port)")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    servers = start_servers(args.data_dir, args.ports)
    try:
        print(json.dumps({name: server.url for name, server in servers.items()}), flush=True)
        stop.wait()
    finally:
        for server in servers.values():
            server.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
