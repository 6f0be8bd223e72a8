"""`python -m hot.localnet.cluster.bridge --config FILE`: the nodes' link to the Controller contract (interim).

Why this exists: `hot node run` reads the Controller through its `ControllerView` seam, and today
only the file implementation (`controller.kind = "file"`) ships; the NEAR one is being written
(mpc/node/service.py `controller_view`). Until it lands, this process gives the localnet's nodes
the real contract anyway: it mirrors `controller.get_state()` into the Controller-shaped file the
nodes read, and relays every vote the nodes append to the votes file as the node's own signed
transaction (`vote_pk`, `vote_reshared`) on the Controller. Key generation therefore runs through
real Controller votes and `Running` is the contract's state. It also plays the node's attester's
Controller call (`submit_attestation` with a software quote of the test vendor), renewing it
before it expires. When nodes get `controller.kind = "near"`, `up` drops this process.

Prints `{"bridge": "ready", "state": ...}` once the first state document is written.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from hot.localnet.chain.signer import KeyPair, read_key_file
from hot.localnet.cluster.config import write_json
from hot.localnet.cluster.deploy import call_as
from hot.localnet.cluster.processes import ClusterError
from hot.localnet.rpc.near.client import NearJsonRpcClient, RpcCallError
from hot.mpc.node.attestation import SoftwareVendor
from hot.mpc.node.controller_client import read_votes


@dataclass(frozen=True)
class BridgedNode:
    """One node as the bridge knows it: participant id, NEAR account and key, addresses and keys."""

    participant_id: int
    account_id: str
    key: KeyPair
    p2p_public_key: str
    signing_public_key: str
    p2p_address: str
    http_url: str

    def entry(self) -> dict[str, str]:
        return {"p2p_public_key": self.p2p_public_key, "p2p_address": self.p2p_address, "http_url": self.http_url}


class ControllerBridge:
    """One polling loop: attest, mirror the contract state to the file, relay the nodes' votes."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.client = NearJsonRpcClient(config["rpc_url"])
        self.controller: str = config["controller"]
        self.state_path, self.votes_path = Path(config["state_path"]), Path(config["votes_path"])
        self.measurement = bytes.fromhex(config["measurement"])
        self.attestation_ttl: int = int(config.get("attestation_ttl_s", 12 * 3600))
        self.nodes: dict[int, BridgedNode] = {}
        for raw in config["nodes"]:
            account_id, key = read_key_file(Path(raw["key_file"]))
            self.nodes[int(raw["participant_id"])] = BridgedNode(
                int(raw["participant_id"]), account_id, key, raw["p2p_public_key"], raw["signing_public_key"],
                raw["p2p_address"], raw["http_url"])
        self.by_account = {node.account_id: node for node in self.nodes.values()}
        self.renew_at = 0.0
        self.votes_seen = 0
        self.pending: list[dict[str, Any]] = []

    def attest(self) -> None:
        """Submit a fresh software quote for every node (what the node's attester does on NEAR)."""
        vendor, now = SoftwareVendor.test_vendor(), int(time.time())
        for node in self.nodes.values():
            quote = vendor.issue(self.measurement, bytes.fromhex(node.signing_public_key), now=now,
                                 ttl=self.attestation_ttl)
            call_as(self.client, node.account_id, node.key, self.controller, "submit_attestation",
                    {"quote": quote.to_dict()})
        self.renew_at = time.time() + self.attestation_ttl / 2

    def _members(self, accounts: list[str]) -> dict[str, dict[str, str]]:
        return {str(self.by_account[a].participant_id): self.by_account[a].entry() for a in accounts
                if a in self.by_account}

    def file_state(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The contract's `get_state` in the shape `FileControllerView` parses."""
        event: dict[str, Any] = raw.get("key_event") or {}
        keygen = raw["state"] == "Initializing" and bool(event)
        if raw["state"] == "NotInitialized":
            # Nodes pin their peers' TLS keys from this list, so they must know one another before
            # keygen opens: a round-one message sent to a peer that cannot authenticate it yet is lost.
            members = list(self.by_account)
        else:
            members = event["participants"] if keygen else [p["account_id"] for p in raw["participants"]]
        gatekeepers = self.client.view(self.controller, "get_gatekeepers")
        doc: dict[str, Any] = {
            "state": raw["state"], "epoch": event["epoch"] if keygen else raw["epoch"],
            "threshold": event["threshold"] if keygen else raw["threshold"],
            "participants": self._members(members),
            "domains": [d["scheme"] for d in raw["domains"]],
            "public_keys": {d["scheme"]: d["public_key"] for d in raw["domains"] if d["public_key"]},
            "gatekeepers": {g["gatekeeper_id"]: g["public_key"] for g in gatekeepers if g["status"] == "active"},
            "resharing": None,
        }
        if raw["state"] == "Resharing" and event:
            doc["resharing"] = {"epoch": event["epoch"], "threshold": event["threshold"],
                                "participants": self._members(event["participants"])}
        return doc

    def _vote(self, vote: dict[str, Any], raw: dict[str, Any]) -> bool:
        """Send one node vote if the Controller's key event is waiting for it; True when done with it."""
        node, event = self.nodes.get(int(vote["participant"])), raw.get("key_event") or {}
        if node is None:
            return True
        if vote["kind"] == "vote_pk":
            domain = next((d for d in raw["domains"] if d["scheme"] == vote["domain"]), None)
            if domain is None or domain["public_key"] is not None:
                return True  # already adopted (or not a domain): nothing left to say
            if event.get("kind") != "keygen" or event["domain_id"] != domain["id"]:
                return False  # the Controller generates one domain at a time: wait for this one's turn
            if node.account_id not in event["votes"]:
                call_as(self.client, node.account_id, node.key, self.controller, "vote_pk",
                        {"domain_id": domain["id"], "public_key": vote["public_key"]})
            return True
        if vote["kind"] == "vote_reshared":
            if event.get("kind") != "reshare":
                return bool(raw["epoch"] >= int(vote["epoch"]))
            if event["epoch"] == int(vote["epoch"]) and node.account_id not in event["votes"]:
                call_as(self.client, node.account_id, node.key, self.controller, "vote_reshared", {"epoch": event["epoch"]})
            return True
        return True

    def tick(self) -> dict[str, Any]:
        if time.time() >= self.renew_at:
            self.attest()
        raw = self.client.view(self.controller, "get_state")
        votes = read_votes(self.votes_path)
        self.pending += votes[self.votes_seen:]
        self.votes_seen = len(votes)
        waiting = []
        for vote in self.pending:
            try:
                done = self._vote(vote, raw)
            except ClusterError as exc:
                print(f"vote {vote} not accepted yet: {exc}", flush=True)
                done = False
            if done:
                print(f"relayed {vote['kind']} of participant {vote['participant']}", flush=True)
            else:
                waiting.append(vote)
        self.pending = waiting
        raw = self.client.view(self.controller, "get_state") if votes else raw
        doc = self.file_state(raw)
        write_json(self.state_path, doc)
        return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hot.localnet.cluster.bridge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, required=True, help="bridge config (JSON, written by `up`)")
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    bridge = ControllerBridge(config)
    doc = bridge.tick()
    print(json.dumps({"bridge": "ready", "state": doc["state"]}), flush=True)
    last_state = doc["state"]
    while not stop.wait(float(config.get("poll_seconds", 0.2))):
        try:
            doc = bridge.tick()
        except (RpcCallError, ClusterError, OSError, httpx.HTTPError) as exc:
            print(f"controller not reachable: {exc}", flush=True)
            continue
        if doc["state"] != last_state:
            print(f"controller state {last_state} -> {doc['state']}", flush=True)
            last_state = doc["state"]
    bridge.client.close()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
