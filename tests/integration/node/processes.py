"""Node processes for integration tests: `hot node run --config FILE`, always stopped (terminate, then kill)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.cluster import ControllerFile

HOT = str(Path(sys.executable).parent / "hot")
PATCHED_NODE = [sys.executable, str(Path(__file__).with_name("patched_node.py"))]  # sends bad FROST shares
START_TIMEOUT = 30.0

POLICY_SOURCE = '''
from hot.sdk.contract import contract, view


@contract
class PayloadPolicy:
    """hot_verify: allow iff the user_payload is the text "ok"."""

    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "",
                   metadata: str = "") -> bool:
        return user_payload == "ok"
'''

class NodeProcesses:
    def __init__(self, cluster: ControllerFile, extra_config: dict[str, Any]) -> None:
        self.cluster = cluster
        self.extra = extra_config
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.exit_codes: dict[int, int] = {}

    def start(self, ids: list[int], *, launcher: dict[int, list[str]] | None = None) -> None:
        """Start nodes `ids` with `hot node run`, or with `launcher[i]` (argv before `--config FILE`)."""
        for i in ids:
            ready = self.cluster.nodes[i]["data_dir"] / "ready.json"
            ready.unlink(missing_ok=True)
            config = self.cluster.write_config(i, **self.extra)
            argv = (launcher or {}).get(i, [HOT, "node", "run"])
            with open(self.cluster.nodes[i]["data_dir"] / "stderr.txt", "ab") as log:
                self.procs[i] = subprocess.Popen([*argv, "--config", str(config)], stdout=log, stderr=log)
        for i in ids:
            self.wait_ready(i)

    def wait_ready(self, i: int) -> None:
        ready = self.cluster.nodes[i]["data_dir"] / "ready.json"
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if ready.exists() and json.loads(ready.read_text()).get("pid") == self.procs[i].pid:
                return
            if self.procs[i].poll() is not None:
                raise AssertionError(f"node {i} exited with {self.procs[i].returncode}: {self.stderr(i)}")
            if time.monotonic() > deadline:
                raise AssertionError(f"node {i} not ready after {START_TIMEOUT}s: {self.stderr(i)}")
            time.sleep(0.05)  # polling a readiness file under a deadline

    def stderr(self, i: int) -> str:
        return (self.cluster.nodes[i]["data_dir"] / "stderr.txt").read_text()[-3000:]

    def logged_errors(self) -> dict[int, list[Any]]:
        """The last `error` entries of every node's signed log (what went wrong, for a failing test)."""
        out = {}
        for i, node in self.cluster.nodes.items():
            path = node["data_dir"] / "node.log"
            if path.exists():
                entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
                out[i] = [e["body"] for e in entries if e["kind"] == "error"][-3:]
        return out

    def kill(self, i: int) -> None:
        proc = self.procs.pop(i)
        proc.kill()
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for i, proc in list(self.procs.items()):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
            self.exit_codes[i] = proc.returncode
        self.procs.clear()

    def health(self, i: int) -> dict[str, Any]:
        return httpx.get(self.cluster.nodes[i]["http_url"] + "/health", timeout=5).json()

    def wait_for(self, condition: Any, what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            for i, proc in self.procs.items():
                if proc.poll() is not None:
                    raise AssertionError(f"node {i} died while waiting for {what}: {self.stderr(i)}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; node errors: {self.logged_errors()}")
            time.sleep(0.1)  # polling a condition under a deadline
