"""Fixtures: a harness network (t=2 of n=4, so ECDSA's 2t-1=3 has a spare), its nodes, a gatekeeper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.gatekeeper_testkit import Gatekeeper, start_gatekeeper
from tests.support.node_harness import HarnessNetwork, HarnessNode, make_network, running_nodes


@pytest.fixture(scope="module")
def network() -> HarnessNetwork:
    return make_network(threshold=2, n=4, presignatures_per_set=8)


@pytest.fixture
def nodes(network: HarnessNetwork) -> Iterator[tuple[dict[int, HarnessNode], dict[int, str]]]:
    network.victims.clear()
    with running_nodes(network) as running:
        yield running
    network.misbehave_next = None


@pytest.fixture
def gatekeeper(network: HarnessNetwork, nodes: tuple[dict[int, HarnessNode], dict[int, str]], tmp_path: Path) -> Iterator[Gatekeeper]:
    with start_gatekeeper(network, nodes[1], tmp_path / "gatekeeper.db") as server, httpx.Client(timeout=30, trust_env=False) as http:
        yield Gatekeeper(server.url, http)


@pytest.fixture(scope="module")
def shared_nodes(network: HarnessNetwork) -> Iterator[tuple[dict[int, HarnessNode], dict[int, str]]]:
    """Nodes shared by a module's tests that leave them as they found them (denials, fuzzing)."""
    with running_nodes(network) as running:
        yield running


@pytest.fixture(scope="module")
def shared_gatekeeper(network: HarnessNetwork, shared_nodes, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gatekeeper]:
    database = tmp_path_factory.mktemp("gatekeeper") / "gatekeeper.db"
    with start_gatekeeper(network, shared_nodes[1], database) as server, httpx.Client(timeout=30, trust_env=False) as http:
        yield Gatekeeper(server.url, http)
