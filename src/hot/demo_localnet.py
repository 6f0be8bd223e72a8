"""The demo's view of a running localnet: its status document plus the few things the demo does with it.

`start_localnet` / `stop_localnet` are `hot localnet up` / `down` (hot.localnet.cluster) called in
process; the components still run as their own detached processes, recorded in the data dir, so
`hot localnet down --data-dir D` stops a localnet the demo left running with `--keep`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from hot.wire.errors import PresignaturesUnavailable


@dataclass(frozen=True)
class LocalnetAccess:
    """A running localnet: its status.json, the operator (root) account, deploy and client helpers."""

    data_dir: Path
    status: dict[str, Any]

    @property
    def near_rpc(self) -> str:
        return str(self.status["near_rpc"])

    @property
    def bitcoin_api(self) -> str:
        return str(self.status["bitcoin_api"])

    @property
    def registry(self) -> str:
        return str(self.status["contracts"]["registry"])

    @property
    def root_key_file(self) -> Path:
        from hot.localnet.cluster import ClusterPaths

        return Path(self.status.get("root_key_file") or ClusterPaths(self.data_dir).root_key_file)

    @cached_property
    def _operator(self) -> tuple[str, str]:
        from hot.near.signer import read_key_file

        account_id, key = read_key_file(self.root_key_file)
        return account_id, key.secret

    @property
    def operator_id(self) -> str:
        """The chain's root account (`test.near`): it deploys the examples and reserves the keys."""
        return self._operator[0]

    @property
    def operator_key(self) -> str:
        return self._operator[1]

    def deploy_contract(self, name: str, source: Path, init: str, args: dict[str, Any]) -> str:
        """Create `<name>.<root>` (or `<name>-2.<root>`... if taken: the data dir may be reused), deploy
        the Python contract `source` and call `init`; its account id."""
        from hot.near.actions import DeployContract, FunctionCall
        from hot.localnet.cluster.deploy import GAS, ProtocolDeployer

        deployer = ProtocolDeployer(self.near_rpc, self.root_key_file)
        try:
            account_id = deployer.account(name)
            suffix = 1
            while deployer.has_code(account_id) is not None:
                suffix += 1
                account_id = deployer.account(f"{name}-{suffix}")
            deployer.create_account(account_id)
            deployer.send(account_id, account_id,
                          [DeployContract(source.read_bytes()), FunctionCall(init, json.dumps(args).encode(), GAS, 0)])
        finally:
            deployer.close()
        return account_id

    def client(self) -> Any:
        """A HotClient for this localnet that signs NEAR transactions as the operator."""
        from hot.sdk.client import HotClient

        return HotClient.from_localnet(self.data_dir, near_account_id=self.operator_id,
                                       near_private_key=self.operator_key)


def common_presignatures(status: dict[str, Any]) -> int:
    """The most ECDSA presignatures one signer set holds on every member (what the gatekeeper can use).

    Read from each node's `/health` `presignatures` map (docs/node-api.md), the way the gatekeeper
    combines them: a set counts only if each of its members reports it; its count is their minimum.
    """
    import httpx

    by_set: dict[str, dict[int, int]] = {}
    for node in status.get("nodes", []):
        try:
            health = httpx.get(f"{node['url']}/health", timeout=2.0).raise_for_status().json()
        except httpx.HTTPError:
            continue
        for label, count in (health.get("presignatures") or {}).items():
            by_set.setdefault(label, {})[int(node["participant_id"])] = int(count)
    return max((min(counts.values()) for label, counts in by_set.items()
                if set(counts) == {int(p) for p in label.split(",")}), default=0)


def wait_for_presignatures(status: dict[str, Any], needed: int, timeout: float = 45.0) -> None:
    """Block until a signer set holds `needed` presignatures; the pools refill in the background.

    A threshold-ECDSA request finds no presignature right after the pools ran low (the gatekeeper
    answers 503 `nodes_unavailable`, "retry later"), so the demo waits for this readiness
    condition, under a deadline, instead of failing or retrying blindly.
    """
    deadline = time.monotonic() + timeout
    while (held := common_presignatures(status)) < needed:
        if time.monotonic() > deadline:
            raise PresignaturesUnavailable(f"the nodes hold {held} common ECDSA presignature(s), {needed} needed, "
                                           f"after {timeout:.0f} s (see the nodes' node.log under {status['data_dir']})")
        time.sleep(0.1)  # polling a readiness condition under a deadline, not a synchronising sleep


def start_localnet(data_dir: Path, *, nodes: int, threshold: int, near_port: int) -> LocalnetAccess:
    """`hot localnet up` in `data_dir`; raises hot.wire.errors.ClusterError with the failing log tail."""
    from hot.localnet.cluster import ClusterOptions, up

    status = up(data_dir, ClusterOptions(nodes=nodes, threshold=threshold, near_port=near_port))
    return LocalnetAccess(Path(data_dir).resolve(), status)


def stop_localnet(data_dir: Path) -> dict[str, str]:
    """`hot localnet down`: name -> stopped | killed | not running."""
    from hot.localnet.cluster import down

    return down(data_dir)


def running_components(data_dir: Path) -> list[str]:
    """Recorded localnet processes of `data_dir` that are still alive (and provably the ones started)."""
    from hot.localnet.cluster.config import ClusterPaths, load_record

    record = load_record(ClusterPaths(Path(data_dir).resolve()))
    return [] if record is None else [f"{p.name} (pid {p.pid})" for p in record.processes if p.is_ours()]


__all__ = ["LocalnetAccess", "PresignaturesUnavailable", "common_presignatures", "running_components",
           "start_localnet", "stop_localnet", "wait_for_presignatures"]
