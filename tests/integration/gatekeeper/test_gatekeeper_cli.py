"""`hot gatekeeper run --config FILE --port 0` serves the API from a config file, as a real process."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

import httpx
import pytest

from tests.support.gatekeeper_testkit import API_KEY, API_KEYS
from tests.support.node_harness import make_network

LISTENING = re.compile(rb"Uvicorn running on http://127\.0\.0\.1:(\d+)")


@pytest.mark.integration
def test_run_serves_the_api_from_a_config_file(tmp_path) -> None:
    network = make_network(threshold=2, n=3, presignatures_per_set=0)
    config = network.gatekeeper_config({p: f"http://127.0.0.1:{9 + p}" for p in (1, 2, 3)}, API_KEYS, database=str(tmp_path / "gk.db"))
    path = tmp_path / "gatekeeper.json"
    path.write_text(config.model_dump_json())
    command = [sys.executable, "-c", "from hot.mpc.gatekeeper.cli import app; app()", "run", "--config", str(path), "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{_wait_for_port(process, deadline=time.monotonic() + 20)}"
        openapi = httpx.get(f"{url}/openapi.json", trust_env=False).json()
        assert {"/v1/sign", "/v1/keys/{key_id}/public_key"} <= set(openapi["paths"])
        answer = httpx.get(f"{url}/v1/keys/w/public_key", params={"domain": "secp256k1"}, headers={"Authorization": f"Bearer {API_KEY}"}, trust_env=False)
        assert answer.status_code == 200 and len(bytes.fromhex(answer.json()["public_key"])) == 33
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_port(process: subprocess.Popen, deadline: float) -> int:
    """Read the server's log until uvicorn says where it listens (a readiness probe with a deadline)."""
    assert process.stderr is not None
    seen = b""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gatekeeper exited: {seen.decode(errors='replace')}")
        ready, _, _ = select.select([process.stderr], [], [], 0.5)
        if ready:
            seen += os.read(process.stderr.fileno(), 4096)  # raw read: select sees no Python buffer
            match = LISTENING.search(seen)
            if match:
                return int(match.group(1))
    raise AssertionError(f"gatekeeper not listening before the deadline: {seen.decode(errors='replace')}")
