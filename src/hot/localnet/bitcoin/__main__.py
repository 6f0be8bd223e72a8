"""`python -m hot.localnet.bitcoin --data-dir DIR [--port N]`: serve the regtest node's Esplora API.

Prints one JSON line `{"bitcoin_api": "http://127.0.0.1:PORT"}` once it accepts connections, so a
supervisor (`hot localnet up`) can read the URL; SIGINT/SIGTERM stop it and flush the kernel.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from hot.localnet.bitcoin.service import BitcoinService


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hot.localnet.bitcoin", description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="chain + index directory (kept across restarts)")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with BitcoinService(args.data_dir, port=args.port) as service:
        assert service.node is not None
        print(json.dumps({"bitcoin_api": service.url, "height": service.node.height}), flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
