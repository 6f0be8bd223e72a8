"""The localnet's gatekeeper: its receipt key, its approval on the Controller, its config.

The receipt key is generated once (`<data_dir>/gatekeeper/signing_key`, 0600) and approved on the
Controller through a DAO proposal (docs/contracts.md: `approve_gatekeeper` is a DAO kind), so the
nodes accept its receipts. The config (mpc/gatekeeper/config.py `GatekeeperConfig`) names every
node, the threshold, each domain's public key package (asked from every node's
`GET /v1/public_key_package`, which must all agree) and one API key, stored only as its SHA-256 digest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
from hot.localnet.cluster.config import ClusterPaths
from hot.localnet.cluster.deploy import ProtocolDeployer
from hot.localnet.cluster.nodes import NodeSetup
from hot.wire.errors import ClusterError
from hot.mpc.gatekeeper.config import api_key_digest
from hot.wire.domains import DOMAIN_NAMES
from nacl.signing import SigningKey

GATEKEEPER_ID = "localnet-gatekeeper"
DOMAINS = DOMAIN_NAMES


def gatekeeper_dir(paths: ClusterPaths) -> Path:
    folder = paths.root / "gatekeeper"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def load_or_create_signing_key(paths: ClusterPaths) -> SigningKey:
    path = gatekeeper_dir(paths) / "signing_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(os.urandom(32).hex())
    return SigningKey(bytes.fromhex(path.read_text().strip()))


def ensure_approved(deployer: ProtocolDeployer, controller: str, public_key: str) -> None:
    """Approve the gatekeeper through the DAO unless it is already active with this key."""
    found = deployer.client.view(controller, "get_gatekeeper", {"gatekeeper_id": GATEKEEPER_ID})
    if found is not None and found["status"] == "active":
        if found["public_key"] != public_key:
            raise ClusterError(f"gatekeeper {GATEKEEPER_ID} is active with another key; use a fresh --data-dir")
        return
    deployer.dao_decides("approve_gatekeeper", {"gatekeeper_id": GATEKEEPER_ID, "public_key": public_key})


def public_key_package(nodes: list[NodeSetup], domain: str, epoch: int) -> str:
    """The domain's `PublicKeyPackage` bytes (hex), as every node serves it (they must all agree)."""
    answers: dict[int, str] = {}
    for node in nodes:
        try:
            response = httpx.get(f"{node.http_url}/v1/public_key_package", params={"domain": domain}, timeout=10)
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ClusterError(f"node {node.participant_id}: cannot read its {domain} public key package: {exc}") from exc
        if response.status_code != 200 or body.get("epoch") != epoch:
            raise ClusterError(f"node {node.participant_id} holds no {domain} key for epoch {epoch}: {body}")
        answers[node.participant_id] = body["public_key_package"]
    if len(set(answers.values())) != 1:
        raise ClusterError(f"the nodes disagree on the {domain} public key package: {answers}")
    return next(iter(answers.values()))


def write_gatekeeper_config(paths: ClusterPaths, nodes: list[NodeSetup], threshold: int, epoch: int,
                            signing_key: SigningKey, api_key: str) -> Path:
    config: dict[str, Any] = {
        "gatekeeper_id": GATEKEEPER_ID,
        "signing_key_hex": bytes(signing_key).hex(),
        "nodes": [{"participant_id": n.participant_id, "url": n.http_url} for n in nodes],
        "threshold": threshold,
        "domains": {d: {"public_key_package": public_key_package(nodes, d, epoch)} for d in DOMAINS},
        "api_keys": [{"name": "localnet", "key_sha256": api_key_digest(api_key), "quota": 10**9,
                      "rate_per_s": 1000.0, "burst": 1000}],
        "database": str(gatekeeper_dir(paths) / "gatekeeper.db"),
    }
    path = gatekeeper_dir(paths) / "config.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds the receipt key
    with os.fdopen(fd, "w") as out:
        json.dump(config, out, indent=2)
    return path
