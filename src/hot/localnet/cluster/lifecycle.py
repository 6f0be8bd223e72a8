"""`hot localnet up` / `down`: start every component detached and ready-checked; stop what was started.

`up` starts the chain, the foreign-chain endpoints and the Bitcoin service in parallel (each its
own process and session, on free ports, preferring the ports of the previous run so wallets keep
working), deploys the protocol contracts once the chain is ready (idempotent), records everything
in `cluster.json` after each step (a failed `up` can always be cleaned by `down`) and writes
`status.json`. Any failure stops what this `up` started and raises with the failing component's
log tail. `down` stops only processes that are provably the ones recorded (pid, start time and
command line), gracefully then by force, and verifies each is gone.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hot.localnet.cluster.config import (
    ClusterOptions,
    ClusterPaths,
    ClusterRecord,
    load_record,
    locked,
    save_record,
    write_json,
)
from hot.localnet.cluster.deploy import ProtocolDeployer
from hot.localnet.cluster.network import start_network
from hot.localnet.cluster.processes import ProcessRecord, spawn, wait_for_line
from hot.wire.errors import ClusterError
from hot.localnet.cluster.status import collect_status
from hot.localnet.serve import bind_socket

ENDPOINT_NAMES = ("evm_rpc", "solana_rpc", "soroban_rpc", "ton_api")


def _free_or_zero(url: str | None) -> int:
    """The port of a previous run's URL if it is free now, else 0 (any free port)."""
    if not url:
        return 0
    port = urlsplit(url).port or 0
    try:
        bind_socket(port).close()
    except OSError:
        return 0
    return port


def _json_line(key: str) -> Callable[[str], dict[str, Any] | None]:
    """Readiness: the first JSON object line holding `key`."""
    def parse(line: str) -> dict[str, Any] | None:
        if not line.startswith("{"):
            return None
        try:
            value = json.loads(line)
        except ValueError:
            return None
        return value if isinstance(value, dict) and key in value else None
    return parse


def _chain_ready() -> Callable[[str], dict[str, Any] | None]:
    """Readiness of `hot localnet chain`: its `NEAR RPC: <url>` line, then `ready`."""
    seen: dict[str, Any] = {}

    def parse(line: str) -> dict[str, Any] | None:
        if line.startswith("NEAR RPC: "):
            seen["near_rpc"] = line.split(": ", 1)[1].strip()
        return seen if line == "ready" and "near_rpc" in seen else None
    return parse


class Launcher:
    """Starts components for one `up`, records each at once, and stops them all on failure."""

    def __init__(self, paths: ClusterPaths, record: ClusterRecord, timeout: float) -> None:
        self.paths, self.record, self.timeout = paths, record, timeout
        self.offsets: dict[str, int] = {}

    def spawn(self, name: str, argv: list[str]) -> ProcessRecord:
        log = self.paths.log(name)
        self.offsets[name] = log.stat().st_size if log.exists() else 0
        proc = spawn(name, argv, log)
        self.record.processes.append(proc)
        save_record(self.paths, self.record)
        return proc

    def wait(self, proc: ProcessRecord, parse: Callable[[str], dict[str, Any] | None]) -> dict[str, Any]:
        found = wait_for_line(proc, parse, self.timeout, self.offsets[proc.name])
        proc.info["urls"] = {k: v for k, v in found.items() if isinstance(v, str) and v.startswith("http")}
        self.record.urls.update(proc.info["urls"])
        save_record(self.paths, self.record)
        return found

    def save(self) -> None:
        save_record(self.paths, self.record)

    def stop_all(self) -> None:
        for proc in reversed(self.record.processes):
            proc.stop()
        save_record(self.paths, self.record)


def _start_base(launcher: Launcher, near_port: int) -> None:
    """Chain, endpoints and Bitcoin; contracts once the chain is ready."""
    paths, urls, py = launcher.paths, launcher.record.urls, sys.executable
    near_url = urls.get("near_rpc") or (f"http://127.0.0.1:{near_port}" if near_port else None)
    chain = launcher.spawn("chain", [py, "-m", "hot.localnet.cli", "chain", "--port", str(_free_or_zero(near_url)),
                                     "--data-dir", str(paths.chain)])
    ports = ",".join(f"{name}={_free_or_zero(urls.get(name))}" for name in ENDPOINT_NAMES)
    endpoints = launcher.spawn("endpoints", [py, "-m", "hot.localnet.cluster.endpoints", "--data-dir",
                                             str(paths.endpoints), "--ports", ports])
    bitcoin = launcher.spawn("bitcoin", [py, "-m", "hot.localnet.bitcoin", "--data-dir", str(paths.bitcoin),
                                         "--port", str(_free_or_zero(urls.get("bitcoin_api")))])
    launcher.wait(chain, _chain_ready())
    deployer = ProtocolDeployer(launcher.record.urls["near_rpc"] or "", paths.root_key_file)
    try:
        launcher.record.contracts = deployer.deploy_all()
        launcher.record.root_account = deployer.root_id
    finally:
        deployer.close()
    save_record(paths, launcher.record)
    launcher.wait(endpoints, _json_line("evm_rpc"))
    launcher.wait(bitcoin, _json_line("bitcoin_api"))


def up(data_dir: Path, options: ClusterOptions | None = None) -> dict[str, Any]:
    """Start the localnet in `data_dir` (reusing its state); returns the status document."""
    options = options or ClusterOptions()
    options.check()
    paths = ClusterPaths(Path(data_dir).resolve())
    with locked(paths):
        record = load_record(paths) or ClusterRecord(str(paths.root))
        alive = [f"{p.name} (pid {p.pid})" for p in record.processes if p.is_ours()]
        if alive:
            raise ClusterError(f"the localnet in {paths.root} is already running: {', '.join(alive)}; "
                               "run `hot localnet down` first")
        record.processes, record.urls["gatekeeper"] = [], None
        record.options.update(nodes=options.nodes if options.network else 0, threshold=options.threshold)
        launcher = Launcher(paths, record, options.start_timeout)
        try:
            _start_base(launcher, options.near_port)
            if options.network:
                start_network(launcher, options)
        except BaseException:
            launcher.stop_all()
            write_json(paths.status_file, collect_status(record, paths))
            raise
        status = collect_status(record, paths)
        write_json(paths.status_file, status)
        return status


def down(data_dir: Path, grace: float = 10.0) -> dict[str, str]:
    """Stop every recorded process of `data_dir`'s localnet; returns name -> stopped|killed|not running."""
    paths = ClusterPaths(Path(data_dir).resolve())
    with locked(paths):
        record = load_record(paths)
        if record is None:
            return {}
        outcome = {proc.name: proc.stop(grace) for proc in reversed(record.processes)}
        save_record(paths, record)
        write_json(paths.status_file, collect_status(record, paths))
        return outcome
