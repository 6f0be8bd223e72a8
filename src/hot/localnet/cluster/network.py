"""`up`, second half: the MPC network on the running chain (nodes, key generation, gatekeeper).

Order (docs/contracts.md, the key-generation flow): pin the node software's measurement (DAO),
create and register every node account (`register_node`: URL, keys, p2p address), start the nodes
(each reads the Controller contract over NEAR JSON-RPC, submits its own attestation and sends its
own votes from its NEAR account), open key generation for both domains (`begin_keygen` through
the DAO), wait until the Controller is `Running` (every node voted the same key for every domain),
then approve and start the gatekeeper.
A second `up` on the same data dir finds the Controller `Running` with the same participants and
skips key generation: the nodes load their sealed shares.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import httpx
from hot.localnet.cluster.config import ClusterOptions
from hot.localnet.cluster.deploy import ProtocolDeployer
from hot.localnet.cluster.gatekeeper import (
    ensure_approved,
    load_or_create_signing_key,
    write_gatekeeper_config,
)
from hot.localnet.cluster.nodes import (
    NodeSetup,
    ensure_registered,
    node_ready,
    pick_port,
    prepare_node,
    write_node_config,
)
from hot.localnet.cluster.processes import wait_until
from hot.wire.errors import ClusterError
from hot.mpc.node.measurement import measure_installed
from hot.wire.domains import DOMAIN_NAMES

if TYPE_CHECKING:
    from hot.localnet.cluster.lifecycle import Launcher

SCHEMES = list(DOMAIN_NAMES)
MEASUREMENT_TTL_S = 30 * 24 * 3600
# Nodes and the gatekeeper run as `hot node run` / `hot gatekeeper run` in their own processes. A command
# line, not an import: the localnet sits below the CLI (docs/architecture.md, "Who imports whom").
HOT_COMMAND = (sys.executable, "-m", "hot.cli")


def _check_existing_set(state: dict[str, Any], nodes: list[NodeSetup], threshold: int) -> None:
    """A data dir whose Controller already has a set must be started with that same set."""
    if state["state"] == "NotInitialized":
        return
    event = state.get("key_event") or {}
    current = sorted(p["account_id"] for p in state["participants"]) or sorted(event.get("participants", []))
    current_t = state["threshold"] or event.get("threshold")
    wanted = sorted(n.account_id for n in nodes)
    if current != wanted or current_t != threshold:
        raise ClusterError(f"this data dir's Controller runs {len(current)} nodes with threshold {current_t}; "
                           f"start it with --nodes {len(current)} --threshold {current_t} or use a fresh --data-dir")


def _pin_measurement(deployer: ProtocolDeployer, controller: str, measurement: str) -> None:
    pinned = deployer.client.view(controller, "get_measurements").get(measurement)
    if pinned is None or pinned["revoked"] or pinned["expires_at"] < time.time() + 3600:
        deployer.dao_decides("approve_measurement", {"measurement": measurement,
                                                     "expires_at": int(time.time()) + MEASUREMENT_TTL_S})


def _evm_chain_id(url: str | None) -> int:
    body = httpx.post(url or "", json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}, timeout=10)
    return int(body.json()["result"], 16)


def _start_nodes(launcher: Launcher, nodes: list[NodeSetup]) -> None:
    started = []
    for node in nodes:
        (node.data_dir / "ready.json").unlink(missing_ok=True)
        started.append((node, launcher.spawn(f"node-{node.participant_id}",
                                             [*HOT_COMMAND, "node", "run", "--config", str(node.config_file)])))
    for node, proc in started:
        wait_until(lambda node=node, pid=proc.pid: node_ready(node, pid), [proc], launcher.timeout,
                   f"node {node.participant_id} to listen")
        proc.info["urls"] = {proc.name: node.http_url}
    launcher.save()


def _run_keygen(launcher: Launcher, deployer: ProtocolDeployer, nodes: list[NodeSetup], threshold: int) -> int:
    """Open keygen if needed and wait for Running; returns the Controller's epoch."""
    controller = launcher.record.contracts["controller"]
    if deployer.client.view(controller, "get_state")["state"] == "NotInitialized":
        deployer.dao_decides("begin_keygen", {"participants": [n.account_id for n in nodes], "threshold": threshold,
                                              "schemes": SCHEMES})

    def running() -> dict[str, Any] | None:
        state: dict[str, Any] = deployer.client.view(controller, "get_state")
        return state if state["state"] == "Running" else None
    watched = [p for p in launcher.record.processes if p.name.startswith("node-")]
    state = wait_until(running, watched, max(launcher.timeout, 120.0), "key generation (Controller Running)")
    return int(state["epoch"])


def _wait_nodes_serving(launcher: Launcher, nodes: list[NodeSetup]) -> None:
    """Every node reports Running and holds presignatures: a secp256k1 request can be served at once."""
    def serving() -> bool:
        for node in nodes:
            try:
                health = httpx.get(node.http_url + "/health", timeout=2).json()
            except (httpx.HTTPError, ValueError):
                return False
            if health.get("state") != "Running" or not any(health.get("presignatures", {}).values()):
                return False
        return True
    watched = [p for p in launcher.record.processes if p.name.startswith("node-")]
    wait_until(serving, watched, max(launcher.timeout, 120.0), "the nodes' presignature pools")


def _start_gatekeeper(launcher: Launcher, nodes: list[NodeSetup], threshold: int, epoch: int) -> None:
    paths, record = launcher.paths, launcher.record
    key = load_or_create_signing_key(paths)
    config = write_gatekeeper_config(paths, nodes, threshold, epoch, key, record.api_key)
    port = pick_port(int(record.options.get("gatekeeper_port", 0)))
    proc = launcher.spawn("gatekeeper", [*HOT_COMMAND, "gatekeeper", "run", "--config", str(config),
                                         "--port", str(port), "--no-access-log"])
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(url + "/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
    wait_until(healthy, [proc], launcher.timeout, "the gatekeeper's /health")
    proc.info["urls"] = {"gatekeeper": url}
    record.urls["gatekeeper"] = url
    record.options["gatekeeper_port"] = port
    launcher.save()


def start_network(launcher: Launcher, options: ClusterOptions) -> None:
    """Nodes, keygen through Controller votes, gatekeeper; each step recorded as it completes."""
    record = launcher.record
    deployer = ProtocolDeployer(record.urls["near_rpc"] or "", launcher.paths.root_key_file)
    try:
        controller = record.contracts["controller"]
        nodes = [prepare_node(launcher.paths, i, deployer.root_id) for i in range(1, options.nodes + 1)]
        _check_existing_set(deployer.client.view(controller, "get_state"), nodes, options.threshold)
        measurement = measure_installed().hex()
        _pin_measurement(deployer, controller, measurement)
        evm_chain_id = _evm_chain_id(record.urls.get("evm_rpc"))
        for node in nodes:
            ensure_registered(deployer, node, controller)
            write_node_config(node, record.urls, record.contracts, evm_chain_id,
                              (options.presign_low_water, options.presign_high_water))
        record.nodes = [{"participant_id": n.participant_id, "account_id": n.account_id, "url": n.http_url,
                         "data_dir": str(n.data_dir)} for n in nodes]
        # Approved before the nodes start, so every node accepts its receipts from the first request.
        ensure_approved(deployer, controller, bytes(load_or_create_signing_key(launcher.paths).verify_key).hex())
        _start_nodes(launcher, nodes)
        epoch = _run_keygen(launcher, deployer, nodes, options.threshold)
        _wait_nodes_serving(launcher, nodes)
        _start_gatekeeper(launcher, nodes, options.threshold, epoch)
    finally:
        deployer.close()
