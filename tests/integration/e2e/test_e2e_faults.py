"""Issue 8 end to end on a second real localnet with a spare node (6 nodes, threshold 3: ECDSA signs
among 2t-1 = 5, so one node can die): a node killed mid-request (by PID, right after it answered
/v1/sign/commit) and the request still succeeds on another subset, for ECDSA and Ed25519; a node
sending bad ECDSA shares is named and rested; `hot localnet down` then `up` keeps every key.

The kills go through a second `hot gatekeeper run` (the localnet gatekeeper's identity, its own
API key) whose route to the victim passes a proxy that SIGKILLs the victim's process once it
committed; the localnet's own gatekeeper serves the restart checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hot.localnet.cluster.config import ClusterOptions
from hot.localnet.cluster.lifecycle import down, up
from hot.localnet.cluster.testing import LocalnetHandle
from hot.mpc.node.presign_pool import candidate_sets, set_label
from hot.sdk.client import access_method

from .e2e_support import (
    YES_POLICY,
    NodeProxy,
    alive,
    check_signed,
    component_pid,
    digest,
    pools_hold,
    side_gatekeeper,
    wait_for,
)

pytestmark = pytest.mark.integration
OPTIONS = ClusterOptions(nodes=6, threshold=3, start_timeout=90)
KEY = "e2e-faults"
SPARE_KEY_IDS = ("alice.near/wallet", "bob-1", "some key id with spaces")
DOMAINS = ("ed25519", "secp256k1")
PRESIGNED_SETS = [set_label(s) for s in candidate_sets(list(range(1, 7)), 3, 4)]  # the sets the nodes keep pools for


@dataclass
class SpareNetwork:
    handle: LocalnetHandle
    key_id: str
    before: dict[tuple[str, str], str]  # (key_id, domain) -> public key hex, read before any fault
    workdir: Path


def public_keys(status: dict[str, Any], key_ids: tuple[str, ...]) -> dict[tuple[str, str], str]:
    out = {}
    for key_id in key_ids:
        for domain in DOMAINS:
            answer = httpx.get(f"{status['gatekeeper']}/v1/keys/{key_id}/public_key", params={"domain": domain},
                               headers={"Authorization": f"Bearer {status['api_key']}"}, timeout=10, trust_env=False)
            assert answer.status_code == 200, answer.text
            out[(key_id, domain)] = answer.json()["public_key"]
    return out


@pytest.fixture(scope="module")
def spare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpareNetwork]:
    data_dir = tmp_path_factory.mktemp("hot-localnet-spare")
    try:
        handle = LocalnetHandle(data_dir, up(data_dir, OPTIONS))
        policy = handle.deploy_contract("e2eyes", YES_POLICY)
        with handle.client() as hot:
            key_id = str(hot.reserve_key([access_method(policy)]).key_id)
        yield SpareNetwork(handle, key_id, public_keys(handle.status, (key_id, *SPARE_KEY_IDS)),
                           tmp_path_factory.mktemp("spare-work"))
    finally:
        down(data_dir)


def node(spare: SpareNetwork, participant: int) -> dict[str, Any]:
    return next(n for n in spare.handle.nodes if n["participant_id"] == participant)


def wait_for_pools(spare: SpareNetwork, sets: list[str]) -> None:
    wait_for(lambda: pools_hold(spare.handle.status, sets, 1), 90, f"presignatures for {sets} on every member", 0.3)


def sign_until(side: Any, proxy: NodeProxy, spare: SpareNetwork, domain: str, tag: str,
               done: Any) -> tuple[dict[str, Any], bytes]:
    """Sign fresh messages (each must succeed) until `done()` says the proxied node was hit."""
    public_key = bytes.fromhex(spare.before[(spare.key_id, domain)])
    for i in range(20):
        message = digest(f"{tag} {i}") if domain == "secp256k1" else f"{tag} {i}".encode()
        answer = side.sign(KEY, {"key_id": spare.key_id, "domain": domain, "message": message.hex(),
                                     "user_payloads": [""]})
        assert answer.status_code == 200, answer.text
        check_signed(domain, answer.json(), message, public_key)
        if done():
            return answer.json(), message
    raise AssertionError(f"node behind the proxy was never chosen in 20 {domain} requests")


def test_a_node_sending_bad_ecdsa_shares_is_named_and_rested_while_signing_succeeds(spare: SpareNetwork) -> None:
    # node 6 is in three of the four presigned sets; (1,2,3,4,5) is the spare without it
    wait_for_pools(spare, PRESIGNED_SETS)
    proxy = NodeProxy(node(spare, 6)["url"], corrupt=1)
    try:
        with side_gatekeeper(spare.handle.data_dir, spare.workdir / "bad-shares", [{"name": "k", "key": KEY}],
                             node_urls={6: proxy.url}) as side:
            sign_until(side, proxy, spare, "secp256k1", "bad ecdsa share", lambda: proxy.corrupted_sessions)
            rested = side.health()["rested"]
            assert set(rested) == {"6"} and "ECDSA combine" in rested["6"], rested
    finally:
        proxy.close()


@pytest.mark.parametrize(("domain", "victim"), [("secp256k1", 5), ("ed25519", 4)])
def test_a_node_killed_mid_request_and_the_request_succeeds_on_another_subset(spare: SpareNetwork, domain: str,
                                                                               victim: int) -> None:
    if domain == "secp256k1":
        wait_for_pools(spare, PRESIGNED_SETS)  # the set without the victim must hold a presignature
    pid = component_pid(spare.handle.status, f"node-{victim}")
    dead = tuple(n["participant_id"] for n in spare.handle.nodes  # killed by an earlier test of this module
                 if not alive(component_pid(spare.handle.status, f"node-{n['participant_id']}")))
    proxy = NodeProxy(node(spare, victim)["url"], kill_pid=pid, kill_domain=domain)
    try:
        with side_gatekeeper(spare.handle.data_dir, spare.workdir / f"kill-{domain}", [{"name": "k", "key": KEY}],
                             node_urls={victim: proxy.url}, leave_out=dead) as side:
            sign_until(side, proxy, spare, domain, f"kill {domain}", lambda: proxy.killed_in_session)
            killed = [c for c in proxy.commits if c["session_id"] == proxy.killed_in_session]
            assert killed and victim in killed[0]["signers"] and killed[0]["domain"] == domain
            assert not alive(pid)
            rested = side.health()["rested"]
            assert set(rested) == {str(victim)}, rested  # the victim, and only it, is rested
    finally:
        proxy.close()


def test_down_then_up_keeps_every_key_and_signing_works(spare: SpareNetwork) -> None:
    handle = spare.handle
    roots = dict(handle.controller["domains"])
    down(handle.data_dir)
    status = up(handle.data_dir, OPTIONS)
    restarted = LocalnetHandle(handle.data_dir, status)
    assert status["controller"]["domains"] == roots
    assert public_keys(status, (spare.key_id, *SPARE_KEY_IDS)) == spare.before
    with restarted.client() as hot:
        for domain in DOMAINS:
            message = digest("after restart") if domain == "secp256k1" else b"after restart"
            result = hot.sign(spare.key_id, domain, message, [b""])
            check_signed(domain, {"signature": result.signature.hex(), "public_key": result.public_key.hex(),
                                  "recovery_id": result.recovery_id}, message,
                         bytes.fromhex(spare.before[(spare.key_id, domain)]))
