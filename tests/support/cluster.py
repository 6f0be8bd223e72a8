"""Test cluster: node configs, a Controller-shaped state file and a vote tally standing in for the contract.

`ControllerFile` plays the Controller's state machine for the runner's `FileControllerView`:
NotInitialized -> Initializing (begin_keygen) -> Running once every participant voted the same
public key for every domain (vote_pk).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from hot.localnet.serve import pick_listen_port
from hot.mpc.node.controller_client import read_votes
from hot.mpc.node.identity import NodeIdentity

from .gatekeeper_harness import GATEKEEPER_ID, GATEKEEPER_PUBLIC


def free_port() -> int:
    return pick_listen_port()


class ControllerFile:
    def __init__(self, root: Path, n: int, threshold: int) -> None:
        self.path, self.votes_path = root / "controller.json", root / "votes.jsonl"
        self.root = root
        self.nodes: dict[int, dict[str, Any]] = {}
        for i in range(1, n + 1):
            self.add_node(i)
        self.state: dict[str, Any] = {"state": "NotInitialized", "epoch": 0, "threshold": threshold,
                                      "participants": {str(i): self.nodes[i]["entry"] for i in self.nodes},
                                      "domains": ["ed25519", "secp256k1"], "public_keys": {},
                                      "gatekeepers": {GATEKEEPER_ID: GATEKEEPER_PUBLIC.hex()}}
        self.write()

    def add_node(self, i: int) -> dict[str, Any]:
        data_dir = self.root / f"node-{i}"
        identity = NodeIdentity.load_or_create(data_dir)
        p2p_port, http_port = free_port(), free_port()
        self.nodes[i] = {"data_dir": data_dir, "http_port": http_port, "http_url": f"http://127.0.0.1:{http_port}",
                         "signing_public_key": identity.signing_public_key,
                         "entry": {"p2p_public_key": identity.p2p_public_key.hex(), "p2p_address": f"127.0.0.1:{p2p_port}",
                                   "http_url": f"http://127.0.0.1:{http_port}"},
                         "p2p_port": p2p_port}
        return self.nodes[i]

    def write(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state))
        tmp.replace(self.path)

    def config(self, i: int, **extra: Any) -> dict[str, Any]:
        node = self.nodes[i]
        return {"participant_id": i, "data_dir": str(node["data_dir"]), "http_port": node["http_port"], "p2p_port": node["p2p_port"],
                "controller": {"kind": "file", "path": str(self.path), "votes_path": str(self.votes_path), "poll_seconds": 0.1},
                "presign": {"low_water": 2, "high_water": 2, "max_sets": 8}, "round_timeout_seconds": 6.0, **extra}

    def write_config(self, i: int, **extra: Any) -> Path:
        path = self.root / f"node-{i}.json"
        path.write_text(json.dumps(self.config(i, **extra)))
        return path

    def begin_keygen(self) -> None:
        self.state["state"] = "Initializing"
        self.write()

    def tally(self) -> bool:
        """Apply vote_pk votes: a domain's key is set once every participant voted the same key."""
        members = set(self.state["participants"])
        for domain in self.state["domains"]:
            votes = {str(v["participant"]): v["public_key"] for v in read_votes(self.votes_path)
                     if v["kind"] == "vote_pk" and v["domain"] == domain and v["epoch"] == self.state["epoch"]}
            keys = Counter(votes[p] for p in members if p in votes)
            if len(keys) == 1 and sum(keys.values()) == len(members):
                self.state["public_keys"][domain] = next(iter(keys))
        if self.state["state"] == "Initializing" and all(d in self.state["public_keys"] for d in self.state["domains"]):
            self.state["state"] = "Running"
        self.write()
        return self.state["state"] == "Running"

    def begin_reshare(self, new_ids: list[int], threshold: int) -> None:
        """A passed proposal: Running -> Resharing to `new_ids` (new nodes get keys and ports here)."""
        for i in new_ids:
            if i not in self.nodes:
                self.add_node(i)
        self.state["state"] = "Resharing"
        self.state["resharing"] = {"epoch": self.state["epoch"] + 1, "threshold": threshold,
                                   "participants": {str(i): self.nodes[i]["entry"] for i in new_ids}}
        self.write()

    def tally_reshare(self) -> bool:
        """vote_reshared from every new member moves the network to the new epoch."""
        target = self.state.get("resharing")
        if target is None:
            return self.state["state"] == "Running"
        voters = {str(v["participant"]) for v in read_votes(self.votes_path)
                  if v["kind"] == "vote_reshared" and v["epoch"] == target["epoch"]}
        if set(target["participants"]) <= voters:
            self.state.update(state="Running", epoch=target["epoch"], threshold=target["threshold"],
                              participants=target["participants"], resharing=None)
            self.write()
            return True
        return False
