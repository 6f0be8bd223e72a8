"""A node and a dApp can reach a real NEAR RPC without the chain emulator or py-near installed."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
sys.modules["py_near"] = None  # as if not installed: any import of it fails
sys.modules["py_near_primitives"] = None
import hot.near, hot.mpc.node.service, hot.mpc.node.controller_near
from hot.sdk.client import HotClient, NearSession
loaded = sorted(m for m in sys.modules if m.startswith("hot.localnet"))
assert not loaded, loaded
"""


def test_the_node_and_the_sdk_client_load_neither_the_emulator_nor_py_near() -> None:
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False)
    assert probe.returncode == 0, probe.stderr
