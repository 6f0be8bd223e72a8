"""Test-only launcher: `python tests/integration/node/patched_node.py --config FILE` runs a node whose
FROST shares are bad (processes.py starts it by path, `PATCHED_NODE`).

It patches `SigningSessions._frost_shares` to add one to every signature share the node sends,
then runs the normal service main (`hot.mpc.node.service.run_node`), exactly what `hot node run`
does. The fault lives here, in the tests, never in production code: the node process is real
(HTTP API, peer transport, runner, keystore), only its arithmetic lies.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from hot.mpc.crypto import frost
from hot.mpc.crypto.suites import get_suite
from hot.mpc.node.config import load_config
from hot.mpc.node.runner.signing import SigningSessions
from hot.mpc.node.service import run_node

honest_frost_shares = SigningSessions._frost_shares


def bad_frost_shares(self: SigningSessions, session: Any, package: dict[str, Any]) -> list[str]:
    suite = get_suite("ed25519")
    shares = [frost.SignatureShare.from_bytes(suite, bytes.fromhex(s)) for s in honest_frost_shares(self, session, package)]
    return [frost.SignatureShare(s.identifier, (s.share + 1) % suite.order).to_bytes(suite).hex() for s in shares]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, required=True)
    args = parser.parse_args()
    SigningSessions._frost_shares = bad_frost_shares  # type: ignore[method-assign]
    asyncio.run(run_node(load_config(args.config)))


if __name__ == "__main__":
    main()
