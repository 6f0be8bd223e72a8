"""The localnet's data dir layout and its durable record (`cluster.json`).

```
<data_dir>/
  cluster.json      what `up` started: processes (pid, argv, start time, log), URLs, contracts, API key
  status.json       the last observed status (what `hot localnet status --json` prints; `hot sign` reads it)
  cluster.lock      held while `up` or `down` runs (one supervisor per data dir)
  chain/            the NEAR chain's SQLite state and root key (validator_key.json)
  endpoints/        EVM, Solana, Soroban and TON state
  bitcoin/          the regtest chain and its index
  logs/<name>.log   stdout and stderr of each component
```
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hot.localnet.cluster.processes import ProcessRecord
from hot.wire.errors import ClusterError

DEFAULT_DATA_DIR = Path(".localnet")
URL_KEYS = ("near_rpc", "gatekeeper", "evm_rpc", "solana_rpc", "soroban_rpc", "ton_api", "bitcoin_api")


@dataclass(frozen=True)
class ClusterPaths:
    """Every path under one data dir."""

    root: Path

    @property
    def chain(self) -> Path:
        return self.root / "chain"

    @property
    def root_key_file(self) -> Path:
        return self.chain / "validator_key.json"

    @property
    def endpoints(self) -> Path:
        return self.root / "endpoints"

    @property
    def bitcoin(self) -> Path:
        return self.root / "bitcoin"

    @property
    def cluster_file(self) -> Path:
        return self.root / "cluster.json"

    @property
    def status_file(self) -> Path:
        return self.root / "status.json"

    def log(self, name: str) -> Path:
        return self.root / "logs" / f"{name}.log"


@dataclass(frozen=True)
class ClusterOptions:
    """What `up` was asked for."""

    nodes: int = 5
    threshold: int = 3
    start_timeout: float = 60.0
    network: bool = True  # False: chain, contracts and endpoints only (no nodes, no gatekeeper)
    near_port: int = 0  # NEAR RPC port for a fresh data dir if free (the CLI asks for 3030); 0: any
    # Each node's ECDSA presignature pool per signer set: refilled in batches below the low-water
    # mark up to the high-water mark (a benchmark of warm pools asks for one deeper than its run).
    presign_low_water: int = 32
    presign_high_water: int = 64

    def check(self) -> None:
        if not 2 <= self.threshold <= self.nodes:
            raise ClusterError(f"--threshold must be 2..--nodes, got {self.threshold} of {self.nodes}")
        if self.nodes < 2 * self.threshold - 1:
            raise ClusterError(f"secp256k1 presigning needs nodes >= 2*threshold-1: {self.nodes} < "
                               f"{2 * self.threshold - 1}")
        if not 0 <= self.presign_low_water <= self.presign_high_water or self.presign_high_water < 1:
            raise ClusterError(f"presignature pool marks must satisfy 0 <= low <= high, high >= 1: "
                               f"{self.presign_low_water}..{self.presign_high_water}")


@dataclass
class ClusterRecord:
    """The durable record of one data dir's cluster; kept across `down` so the next `up` reuses it."""

    data_dir: str
    api_key: str = field(default_factory=lambda: "hot-local-" + secrets.token_urlsafe(24))
    urls: dict[str, str | None] = field(default_factory=dict)
    contracts: dict[str, str] = field(default_factory=dict)
    root_account: str = ""
    processes: list[ProcessRecord] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    nodes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"data_dir": self.data_dir, "api_key": self.api_key, "urls": self.urls, "contracts": self.contracts,
                "root_account": self.root_account, "options": self.options, "nodes": self.nodes,
                "processes": [p.to_dict() for p in self.processes]}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ClusterRecord:
        return cls(raw["data_dir"], raw["api_key"], dict(raw.get("urls", {})), dict(raw.get("contracts", {})),
                   raw.get("root_account", ""), [ProcessRecord.from_dict(p) for p in raw.get("processes", [])],
                   dict(raw.get("options", {})), list(raw.get("nodes", [])))

    def process(self, name: str) -> ProcessRecord | None:
        return next((p for p in self.processes if p.name == name), None)


def load_record(paths: ClusterPaths) -> ClusterRecord | None:
    """The data dir's cluster record, or None for a fresh data dir."""
    try:
        raw = json.loads(paths.cluster_file.read_text())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise ClusterError(f"{paths.cluster_file} is not valid JSON ({exc}); fix or delete it") from exc
    return ClusterRecord.from_dict(raw)


def write_json(path: Path, value: dict[str, Any]) -> None:
    """Write atomically (a reader never sees half a file); private, since it holds the API key."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(value, out, indent=2)
    tmp.replace(path)


def save_record(paths: ClusterPaths, record: ClusterRecord) -> None:
    write_json(paths.cluster_file, record.to_dict())


@contextmanager
def locked(paths: ClusterPaths) -> Iterator[None]:
    """Hold the data dir's supervisor lock; a second `up`/`down` on it fails instead of racing."""
    paths.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.root / "cluster.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ClusterError(f"another `hot localnet up/down` is running on {paths.root}") from exc
        yield
    finally:
        os.close(fd)
