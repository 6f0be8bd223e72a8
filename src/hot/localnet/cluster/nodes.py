"""The localnet's MPC nodes: data dirs, identities, NEAR accounts, Controller registration, configs.

Node `i` (participant id 1..n) lives in `<data_dir>/nodes/node-i/` with its identity keys
(`NodeIdentity`), its NEAR account key (`near_key.json`, account `node<i>.<root>`), its ports
(`ports.json`, reused by the next `up` while free) and its `hot node run` config (`config.json`).
Everything is created once and reused, so a second `up` brings back the same keys and shares.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hot.near.signer import KeyPair, read_key_file, write_key_file
from hot.localnet.cluster.config import ClusterPaths
from hot.localnet.cluster.deploy import ProtocolDeployer, call_as
from hot.wire.errors import ClusterError
from hot.localnet.serve import bind_socket, pick_listen_port
from hot.mpc.node.identity import NodeIdentity

# chain id -> status.json URL key (docs/chains.md ids; the EVM id is asked from the endpoint)
ADAPTER_CHAIN_IDS = {1010: "near_rpc", 1001: "solana_rpc", 1100: "soroban_rpc", 1111: "ton_api"}


def pick_port(preferred: int) -> int:
    """`preferred` if it can be bound now, else a free port below the ephemeral range.

    The node binds it a moment later (ports must be known before the node runs: they are registered
    on the Controller and written into its peers' view); `pick_listen_port` says why the port comes
    from below the ephemeral range.
    """
    if preferred:
        try:
            bind_socket(preferred).close()
            return preferred
        except OSError:
            pass
    return pick_listen_port()


@dataclass(frozen=True)
class NodeSetup:
    """One participant's files, account and addresses."""

    participant_id: int
    account_id: str
    data_dir: Path
    http_port: int
    p2p_port: int
    p2p_public_key: str
    signing_public_key: str

    @property
    def key_file(self) -> Path:
        return self.data_dir / "near_key.json"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "config.json"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def p2p_address(self) -> str:
        return f"127.0.0.1:{self.p2p_port}"


def prepare_node(paths: ClusterPaths, participant_id: int, root_account: str) -> NodeSetup:
    """Create (first time) or load node `participant_id`'s identity, NEAR key and ports."""
    data_dir = paths.root / "nodes" / f"node-{participant_id}"
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    identity = NodeIdentity.load_or_create(data_dir)
    account_id = f"node{participant_id}.{root_account}"
    key_file = data_dir / "near_key.json"
    if not key_file.exists():
        write_key_file(key_file, account_id, KeyPair.generate())
    ports_file = data_dir / "ports.json"
    previous = json.loads(ports_file.read_text()) if ports_file.exists() else {}
    http_port, p2p_port = pick_port(int(previous.get("http", 0))), pick_port(int(previous.get("p2p", 0)))
    ports_file.write_text(json.dumps({"http": http_port, "p2p": p2p_port}))
    return NodeSetup(participant_id, account_id, data_dir, http_port, p2p_port, identity.p2p_public_key.hex(),
                     identity.signing_public_key.hex())


def ensure_registered(deployer: ProtocolDeployer, node: NodeSetup, controller: str) -> None:
    """Create the node's NEAR account (first time) and register its URL, p2p address and keys on the Controller.

    The Controller numbers nodes in registration order; `up` registers node-1..n in order, so
    node i is participant i (checked: the node's config and the gatekeeper's both say i).
    """
    _, key = read_key_file(node.key_file)
    if deployer.has_code(node.account_id) is None:
        deployer.create_account(node.account_id, key=key)
    call_as(deployer.client, node.account_id, key, controller, "register_node",
            {"url": node.http_url, "p2p_public_key": node.p2p_public_key,
             "signing_public_key": node.signing_public_key, "p2p_address": node.p2p_address})
    registered = deployer.client.view(controller, "get_node", {"account_id": node.account_id})
    if registered["participant_id"] != node.participant_id:
        raise ClusterError(f"the Controller numbered {node.account_id} participant {registered['participant_id']}, "
                           f"not {node.participant_id}; use a fresh --data-dir")


def chain_endpoints(urls: dict[str, str | None], evm_chain_id: int) -> dict[str, list[str]]:
    """The node's `chain_endpoints`: one local endpoint per chain its hot_verify adapters ask."""
    found = {str(chain_id): [urls[key] or ""] for chain_id, key in ADAPTER_CHAIN_IDS.items() if urls.get(key)}
    if urls.get("evm_rpc"):
        found[str(evm_chain_id)] = [urls["evm_rpc"] or ""]
    return found


def write_node_config(node: NodeSetup, urls: dict[str, str | None], contracts: dict[str, str],
                      evm_chain_id: int, presign_pool: tuple[int, int]) -> Path:
    """The `hot node run --config` file (mpc/node/config.py `NodeConfig`): the node reads the Controller itself.

    `presign_pool` is (low, high) water from `ClusterOptions`."""
    config = {
        "participant_id": node.participant_id, "data_dir": str(node.data_dir),
        "http_port": node.http_port, "p2p_port": node.p2p_port,
        "controller": {"kind": "near", "rpc_url": urls["near_rpc"], "account_id": contracts["controller"],
                       "near_account_id": node.account_id, "near_key_file": str(node.key_file), "poll_seconds": 0.25},
        "registry": {"rpc_url": urls["near_rpc"], "account_id": contracts["registry"]},
        "chain_endpoints": chain_endpoints(urls, evm_chain_id),
        # A pool deep enough for bursts (a Bitcoin spend signs every input at once; the demo signs
        # back to back): refilled in the background, in batches, below the low-water mark.
        "presign": {"low_water": presign_pool[0], "high_water": presign_pool[1], "max_sets": 4},
        "round_timeout_seconds": 10.0,
    }
    node.config_file.write_text(json.dumps(config, indent=2))
    return node.config_file


def node_ready(node: NodeSetup, pid: int) -> dict[str, Any] | None:
    """The node's `ready.json` once the process `pid` wrote it (the node's readiness signal)."""
    try:
        ready: dict[str, Any] = json.loads((node.data_dir / "ready.json").read_text())
    except (OSError, ValueError):
        return None
    return ready if ready.get("pid") == pid else None
