"""Durability with real processes: the chain and the index survive a crash, the server flushes on SIGTERM."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from hot.localnet.bitcoin import BitcoinNode
from hot.localnet.bitcoin.kernel import KernelChain

from tests.support.bitcoin_fixtures import StandInKey

OTHER = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


CRASHING_NODE = textwrap.dedent(
    """
    import os, sys
    from hot.localnet.bitcoin import BitcoinNode
    node = BitcoinNode(sys.argv[1])
    print(node.faucet_pay(sys.argv[2], 70_000), flush=True)
    os._exit(0)  # no close(): the kernel never flushes its chainstate
    """
)


@pytest.mark.integration
def test_a_crash_loses_no_block_the_index_committed(tmp_path: Path, key: StandInKey) -> None:
    run = subprocess.run(
        [sys.executable, "-c", CRASHING_NODE, str(tmp_path), key.address],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    txid = run.stdout.strip()
    kernel = KernelChain(tmp_path / "kernel")
    kernel_height_after_crash = kernel.height
    kernel.close()
    assert kernel_height_after_crash < 102  # the kernel itself lost the unflushed blocks
    with BitcoinNode(tmp_path) as node:  # replays them from the index into the kernel
        assert node.height == 102 and node.kernel.height == 102
        assert node.transaction(txid).block is not None
        assert [c.value for c in node.utxos(key.address)] == [70_000]
        node.submit_transaction(bytes.fromhex(key.spend(node, OTHER, 30_000)))
        node.mine(1)
        assert node.height == 103


@pytest.mark.integration
def test_the_server_process_serves_and_flushes_on_sigterm(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "hot.localnet.bitcoin", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)  # readiness line under a deadline
        assert ready, "the server printed no readiness line within 30 s"
        url = json.loads(proc.stdout.readline())["bitcoin_api"]  # type: ignore[union-attr]
        assert httpx.get(url + "/blocks/tip/height").text == "101"
        assert httpx.post(url + "/mine", json={"blocks": 4}).json()["height"] == 105
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    kernel = KernelChain(tmp_path / "kernel")
    try:
        assert kernel.height == 105  # closed cleanly: the kernel flushed every block itself
    finally:
        kernel.close()
