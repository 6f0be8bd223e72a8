"""Tests only: the real gatekeeper (src/hot/mpc/gatekeeper `create_app`) over the gatekeeper engineer's harness nodes.

The harness nodes (tests/support/node_harness.py) hold real trusted-dealer shares, run real
FROST and threshold-ECDSA rounds and check the gatekeeper's receipts. Their authorization step is
replaced by `RegistryPolicy`, which does what a real node does (§2.2.6): the Key Registry's access
list and every method's hot_verify over the NEAR RPC, with the node's own clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hot.localnet.serve import ServerThread
from hot.mpc.crypto.suites import ED25519, SECP256K1
from hot.mpc.gatekeeper.app import create_app

from .authorizer import NodeAuthorizer
from .node_harness import (
    HarnessNetwork,
    HarnessPolicy,
    NodeRefusal,
    make_network,
    running_nodes,
)

API_KEY, SMALL_KEY = "client-tests-key", "client-tests-small"


@dataclass
class RegistryPolicy(HarnessPolicy):
    """The harness nodes' authorization, done as a node does it: Registry + every hot_verify over RPC."""

    authorizer: NodeAuthorizer | None = field(default=None)

    def check(self, key_id: str, message: bytes, user_payloads: list[bytes]) -> None:
        assert self.authorizer is not None
        self.calls += 1
        if not self.authorizer.known(key_id):
            raise NodeRefusal(404, "unknown_key", f"no key {key_id!r} in the registry")
        if not self.authorizer.authorize(key_id, "", message, user_payloads):
            raise NodeRefusal(403, "authorization_denied", "hot_verify returned false")


@dataclass(frozen=True)
class RealGatekeeper:
    url: str
    network: HarnessNetwork

    @property
    def root_public_keys(self) -> dict[str, bytes]:
        return {"ed25519": ED25519.serialize_element(self.network.ed_public.group_public_key),
                "secp256k1": SECP256K1.serialize_element(self.network.secp_public.group_public_key)}


@contextmanager
def real_gatekeeper(authorizer: NodeAuthorizer, database: Path) -> Iterator[RealGatekeeper]:
    """Four harness nodes (t=2) and the gatekeeper in front of them; everything stopped afterwards."""
    network = make_network(threshold=2, n=4, presignatures_per_set=4)
    network.policy = RegistryPolicy(authorizer=authorizer)
    api_keys = [{"name": "client", "key": API_KEY}, {"name": "small", "key": SMALL_KEY, "quota": 1}]
    with running_nodes(network) as (_, urls):
        config = network.gatekeeper_config(urls, api_keys, database=str(database), node_timeout_s=10.0)
        with ServerThread(create_app(config)) as server:
            yield RealGatekeeper(server.url, network)
