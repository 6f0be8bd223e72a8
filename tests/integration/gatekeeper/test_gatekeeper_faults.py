"""Routing around faulty nodes (issue 8; whitepaper §4.1.1): killed, hanging, cheating, lying nodes.

Each test arms one misbehaviour for whichever node commits first in the request's first attempt,
so the faulty node is always among the chosen signers; the request must still succeed on another
subset, the faulty node must be rested (or, for a lone denial, left out), and the signature must
verify under the derived key.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.gatekeeper_testkit import (
    CHECKS,
    Gatekeeper,
    check_secp256k1,
    derived_key,
    start_gatekeeper,
)

pytestmark = pytest.mark.integration

def sign_checked(gatekeeper: Gatekeeper, network, domain: str, key_id: str, seed: bytes) -> None:
    message = hashlib.sha256(seed).digest()
    response = gatekeeper.sign({"key_id": key_id, "domain": domain, "message": message.hex(), "user_payloads": []})
    assert response.status_code == 200, response.text
    CHECKS[domain](response.json(), message, derived_key(network, domain, key_id))


@pytest.mark.parametrize("domain", ["ed25519", "secp256k1"])
def test_node_killed_mid_request_the_request_succeeds_on_another_subset(gatekeeper: Gatekeeper, network, nodes, domain: str) -> None:
    network.misbehave_next = "crash"
    sign_checked(gatekeeper, network, domain, "wallet-crash", b"killed " + domain.encode())
    (victim,) = network.victims
    assert nodes[0][victim].commits == 1 and nodes[0][victim].shares == 0  # it died between the rounds
    assert "unreachable" in gatekeeper.rested()[str(victim)]


@pytest.mark.parametrize("domain", ["ed25519", "secp256k1"])
def test_node_sending_bad_shares_is_named_and_rested(gatekeeper: Gatekeeper, network, nodes, domain: str) -> None:
    network.misbehave_next = "corrupt"
    sign_checked(gatekeeper, network, domain, "wallet-corrupt", b"corrupt " + domain.encode())
    (victim,) = network.victims
    assert nodes[0][victim].shares == 1  # its bad share was received, then it was named
    assert "named by" in gatekeeper.rested()[str(victim)]
    assert gatekeeper.metric(f'hot_gatekeeper_node_rests_total{{participant="{victim}"}}') == 1
    assert gatekeeper.metric(f'hot_gatekeeper_failed_attempts_total{{domain="{domain}"}}') == 1
    sign_checked(gatekeeper, network, domain, "wallet-corrupt", b"after " + domain.encode())
    assert nodes[0][victim].shares == 1  # rested: not asked again


def test_node_hanging_past_the_timeout_is_rested(network, nodes, tmp_path) -> None:
    network.misbehave_next = "hang"
    with start_gatekeeper(network, nodes[1], tmp_path / "gk.db", node_timeout_s=1.5) as server, httpx.Client(trust_env=False, timeout=30) as http:
        gatekeeper = Gatekeeper(server.url, http)
        sign_checked(gatekeeper, network, "ed25519", "wallet-hang", b"slow node")
        (victim,) = network.victims
        assert "timed out" in gatekeeper.rested()[str(victim)]


def test_one_lying_denial_is_routed_around_without_resting(gatekeeper: Gatekeeper, network, nodes) -> None:
    network.misbehave_next = "deny"
    sign_checked(gatekeeper, network, "secp256k1", "wallet-lone-denial", b"one node says no")
    assert network.victims and gatekeeper.rested() == {}


def test_too_few_live_nodes_is_503_and_quota_is_refunded(network, nodes, tmp_path) -> None:
    running, urls = nodes
    for participant in (2, 3, 4):
        running[participant].server.stop()
    with start_gatekeeper(network, urls, tmp_path / "gk.db") as server, httpx.Client(trust_env=False, timeout=30) as http:
        gatekeeper = Gatekeeper(server.url, http)
        bob = "test-api-key-bob"  # quota 2
        for _ in range(3):  # a 503 does not use up the quota
            response = gatekeeper.sign({"key_id": "w", "domain": "ed25519", "message": "aa"}, api_key=bob)
            assert response.status_code == 503 and response.json()["code"] == "nodes_unavailable"
        assert set(gatekeeper.rested()) == {"2", "3", "4"}


def test_an_ecdsa_request_against_drained_pools_waits_for_the_refill(network, nodes, tmp_path) -> None:
    """Pools empty but nodes healthy: the request waits (presignature_wait_s) and signs once a batch lands."""
    running, urls = nodes
    stash = {p: dict(pool) for p, pool in network.presignatures.items()}
    for pool in network.presignatures.values():
        pool.clear()
    message_hash = hashlib.sha256(b"after the refill").digest()
    try:
        with start_gatekeeper(network, urls, tmp_path / "gk.db", presignature_wait_s=60) as server, \
                httpx.Client(trust_env=False, timeout=90) as http, ThreadPoolExecutor(1) as pool:
            gatekeeper = Gatekeeper(server.url, http)
            pending = pool.submit(gatekeeper.sign, {"key_id": "w", "domain": "secp256k1", "message": message_hash.hex()})
            reads = lambda: sum(n.health_reads for n in running.values())
            wait_until(lambda: reads() >= 2 * len(running), 30, "the gatekeeper looking at the empty pools twice")
            assert not pending.done()  # waiting, not answered 503
            for p, pool_of_p in stash.items():  # the set leaders' background batch lands
                network.presignatures[p].update(pool_of_p)
            response = pending.result(timeout=60)
        assert response.status_code == 200, response.text
        check_secp256k1(response.json(), message_hash, derived_key(network, "secp256k1", "w"))
    finally:
        for p, pool_of_p in stash.items():
            network.presignatures[p].update(pool_of_p)


def test_drained_pools_answer_503_after_the_wait_and_refund(network, nodes, tmp_path) -> None:
    running, urls = nodes
    stash = {p: dict(pool) for p, pool in network.presignatures.items()}
    for pool in network.presignatures.values():
        pool.clear()
    try:
        with start_gatekeeper(network, urls, tmp_path / "gk.db", presignature_wait_s=0.3) as server, \
                httpx.Client(trust_env=False, timeout=30) as http:
            gatekeeper = Gatekeeper(server.url, http)
            for _ in range(3):  # bob's quota is 2: a 503 does not spend it
                response = gatekeeper.sign({"key_id": "w", "domain": "secp256k1", "message": "11" * 32}, api_key="test-api-key-bob")
                assert response.status_code == 503 and response.json()["code"] == "nodes_unavailable"
            assert gatekeeper.rested() == {}  # empty pools are nobody's fault
            assert sum(n.commits for n in running.values()) == 0
    finally:
        for p, pool_of_p in stash.items():
            network.presignatures[p].update(pool_of_p)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a readiness condition under a deadline (no fixed sleep stands in for synchronisation)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)
