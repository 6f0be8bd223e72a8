"""`hot localnet up/status/down` (issue 8): every component answers, down leaves nothing, state survives."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hot.near import BlockingNearRpc, FunctionCall
from hot.near.signer import read_key_file
from hot.localnet.cluster import down, up
from hot.wire.errors import ClusterError, ComponentStartError
from hot.localnet.cluster.config import ClusterOptions
from hot.localnet.cluster.processes import ProcessRecord, spawn

from .probes import alive, check_every_url, recorded_pids, root_public_keys

HOT = str(Path(sys.executable).parent / "hot")
pytestmark = pytest.mark.integration
STATUS_KEYS = {"near_rpc", "gatekeeper", "api_key", "data_dir", "evm_rpc", "solana_rpc", "soroban_rpc", "ton_api",
               "bitcoin_api", "components"}


def hot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HOT, "localnet", *args], capture_output=True, text=True, timeout=120, check=False)


def propose(status: dict[str, object], data_dir: Path, description: str) -> int:
    """A DAO proposal by the root account: durable contract state written through a transaction."""
    root, key = read_key_file(data_dir / "chain" / "validator_key.json")
    args = {"kind": "set_unstake_delay", "args": {"blocks": 77}, "description": description}
    with BlockingNearRpc(str(status["near_rpc"])) as client:
        outcome = client.sign_and_send(root, key, "dao.test.near", [FunctionCall("propose", json.dumps(args).encode(), 300 * 10**12, 0)])
    assert "SuccessValue" in outcome["status"], outcome["status"]
    return int(json.loads(base64.b64decode(outcome["status"]["SuccessValue"])))


def test_cli_up_status_down_and_second_up_keeps_state(tmp_path: Path) -> None:
    data_dir = tmp_path / "net"
    try:
        first = hot("up", "--data-dir", str(data_dir), "--nodes", "3", "--threshold", "2", "--near-port", "0", "--json")
        assert first.returncode == 0, first.stderr
        status = json.loads(first.stdout)
        assert STATUS_KEYS <= set(status) and status["data_dir"] == str(data_dir.resolve())
        listed = json.loads(hot("status", "--data-dir", str(data_dir), "--json").stdout)
        assert {c["name"] for c in listed["components"]} == {"near_rpc", "evm_rpc", "solana_rpc", "soroban_rpc",
                                                            "ton_api", "bitcoin_api", "node-1", "node-2",
                                                            "node-3", "gatekeeper"}
        assert all(c["healthy"] for c in listed["components"])
        check_every_url(listed)
        table = hot("status", "--data-dir", str(data_dir))
        assert table.returncode == 0 and table.stdout.count("healthy") == len(listed["components"])
        proposal = propose(status, data_dir, "survives a restart")
        again = hot("up", "--data-dir", str(data_dir))
        assert again.returncode == 1 and "already running" in again.stderr
        pids = recorded_pids(data_dir)
        root_key = (data_dir / "chain" / "validator_key.json").read_text()
        domains = root_public_keys(status["near_rpc"])
        identities = [(data_dir / "nodes" / f"node-{i}" / "signing_key").read_bytes() for i in (1, 2, 3)]

        stopped = hot("down", "--data-dir", str(data_dir))
        assert stopped.returncode == 0, stopped.stderr
        assert not [pid for pid in pids if alive(pid)]
        after = hot("status", "--data-dir", str(data_dir), "--json")
        assert after.returncode == 3 and json.loads(after.stdout)["state"] == "down"

        restarted = hot("up", "--data-dir", str(data_dir), "--nodes", "3", "--threshold", "2", "--near-port", "0",
                        "--json")
        assert restarted.returncode == 0, restarted.stderr
        second = json.loads(restarted.stdout)
        assert second["api_key"] == status["api_key"]
        assert (data_dir / "chain" / "validator_key.json").read_text() == root_key
        assert root_public_keys(second["near_rpc"]) == domains  # no second keygen: the nodes kept their shares
        assert [(data_dir / "nodes" / f"node-{i}" / "signing_key").read_bytes() for i in (1, 2, 3)] == identities
        assert second["state"] == "up" and second["gatekeeper"]
        with BlockingNearRpc(second["near_rpc"]) as client:
            kept = client.view("dao.test.near", "get_proposal", {"proposal_id": proposal})
        assert kept["description"] == "survives a restart" and kept["args"] == {"blocks": 77}
        check_every_url(second)
    finally:
        hot("down", "--data-dir", str(data_dir))
    assert not [pid for pid in recorded_pids(data_dir) if alive(pid)]


def test_a_component_that_fails_to_start_fails_up_with_its_log_and_stops_the_rest(tmp_path: Path) -> None:
    data_dir = tmp_path / "broken"
    data_dir.mkdir()
    (data_dir / "bitcoin").write_text("a file where the Bitcoin data dir must be")
    with pytest.raises(ComponentStartError) as failed:
        up(data_dir, ClusterOptions(start_timeout=60, network=False))
    assert failed.value.component == "bitcoin"
    assert "exited before it was ready" in str(failed.value) and "starting bitcoin" in str(failed.value)
    pids = recorded_pids(data_dir)
    assert len(pids) == 3 and not [pid for pid in pids if alive(pid)]
    assert json.loads((data_dir / "status.json").read_text())["state"] == "down"
    assert down(data_dir) == {"bitcoin": "not running", "endpoints": "not running", "chain": "not running"}


def test_a_node_that_fails_to_start_fails_up_with_its_log_and_stops_everything(tmp_path: Path) -> None:
    data_dir = tmp_path / "badnode"
    (data_dir / "nodes" / "node-2" / "keystore.db").mkdir(parents=True)  # the node cannot open its keystore
    with pytest.raises(ComponentStartError) as failed:
        up(data_dir, ClusterOptions(nodes=3, threshold=2, start_timeout=60))
    assert failed.value.component == "node-2" and "logs/node-2.log" in str(failed.value)
    assert "keystore.db" in str(failed.value)  # the node's own error, from its log tail
    pids = recorded_pids(data_dir)
    assert len(pids) >= 6 and not [pid for pid in pids if alive(pid)]


def test_down_never_signals_a_pid_that_is_no_longer_ours(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        mine = spawn("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "sleeper.log")
        assert mine.is_ours()
        impostor = ProcessRecord("recycled", other.pid, mine.argv + ["--different"], mine.start_time, mine.log)
        assert not impostor.is_ours() and impostor.stop() == "not running"
        assert other.poll() is None
        assert mine.stop(grace=5) == "stopped" and not alive(mine.pid)
    finally:
        other.kill()
        other.wait()


def test_bad_options_are_refused_before_anything_starts(tmp_path: Path) -> None:
    with pytest.raises(ClusterError, match="2\\*threshold-1"):
        up(tmp_path / "x", ClusterOptions(nodes=4, threshold=3))
    for low, high in ((65, 64), (-1, 8), (0, 0)):
        with pytest.raises(ClusterError, match="presignature pool marks"):
            up(tmp_path / "x", ClusterOptions(presign_low_water=low, presign_high_water=high))
    assert not (tmp_path / "x").exists()


def test_node_configs_carry_the_presignature_pool_marks(tmp_path: Path) -> None:
    from hot.localnet.cluster.nodes import NodeSetup, write_node_config

    node = NodeSetup(1, "node1.test.near", tmp_path, 1, 2, "00" * 32, "00" * 32)
    urls = {"near_rpc": "http://127.0.0.1:3030"}
    config = json.loads(write_node_config(node, urls, {"controller": "c", "registry": "r"}, 1, (5, 500)).read_text())
    assert (config["presign"]["low_water"], config["presign"]["high_water"]) == (5, 500)


def test_down_kills_a_process_that_ignores_sigterm(tmp_path: Path) -> None:
    from hot.localnet.cluster.processes import wait_for_line

    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('armed', flush=True); time.sleep(60)"
    stubborn = spawn("stubborn", [sys.executable, "-c", code], tmp_path / "stubborn.log")
    try:
        wait_for_line(stubborn, lambda line: {} if line == "armed" else None, 10, 0)
        assert stubborn.stop(grace=0.5) == "killed"
        assert not alive(stubborn.pid)
    finally:
        if alive(stubborn.pid):
            os.kill(stubborn.pid, 9)
