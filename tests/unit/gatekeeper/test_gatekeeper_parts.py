"""The gatekeeper's parts on their own: quotas, store, node health, selection, ECDSA wire, config."""

from __future__ import annotations

import json
import os
import random

import pytest
from hot.mpc.crypto.ecdsa.local import run_presign
from hot.mpc.crypto.reshare import trusted_dealer_key_shares
from hot.mpc.crypto.suites import SECP256K1
from hot.mpc.gatekeeper.config import ApiKey, api_key_digest, load_config
from hot.mpc.gatekeeper.coordinator import ReceiptIssuer, SessionCoordinator
from hot.mpc.crypto.ecdsa.presignature import (
    decode_presignature_public,
    encode_presignature_public,
)
from hot.wire.errors import AuthorizationDenied, EncodingError, NodeFailure, QuotaExceeded, UnknownKey
from hot.mpc.gatekeeper.health import (
    NodeHealth,
    SignerSelection,
    common_presignature_counts,
)
from hot.mpc.gatekeeper.node_client import NodeClient
from hot.mpc.gatekeeper.quotas import QuotaEnforcer, TokenBucket
from hot.mpc.gatekeeper.store import GatekeeperStore
from nacl.signing import SigningKey
from pydantic import ValidationError


from tests.support.gatekeeper_testkit import API_KEYS
from tests.support.node_harness import make_network


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def api_key(**overrides: object) -> ApiKey:
    fields = {"name": "k", "key_sha256": api_key_digest("k"), "quota": 3, "rate_per_s": 1.0, "burst": 2} | overrides
    return ApiKey.model_validate(fields)


def test_token_bucket_refills_at_its_rate_up_to_capacity() -> None:
    bucket = TokenBucket(rate=2.0, capacity=2, tokens=2, updated=0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [True, True, False]
    assert bucket.take(0.5) and not bucket.take(0.5)
    assert bucket.take(100.0) and bucket.take(100.0) and not bucket.take(100.0)  # capped at capacity


def test_quota_is_durable_and_never_overrun(tmp_path) -> None:
    path = str(tmp_path / "q.db")
    store = GatekeeperStore(path)
    quotas = QuotaEnforcer(store)
    key = api_key()
    quotas.spend(key, 2)
    with pytest.raises(QuotaExceeded):
        quotas.spend(key, 2)  # 4 > 3: refused, nothing spent
    assert store.quota_used("k") == 2
    store.close()
    reopened = GatekeeperStore(path)
    assert reopened.quota_used("k") == 2
    QuotaEnforcer(reopened).spend(key, 1)
    with pytest.raises(QuotaExceeded):
        QuotaEnforcer(reopened).spend(key, 1)
    QuotaEnforcer(reopened).refund(key, 1)
    assert reopened.quota_used("k") == 2


def test_rate_limit_per_key() -> None:
    clock = FakeClock()
    quotas = QuotaEnforcer(GatekeeperStore(":memory:"), clock)
    key = api_key()
    quotas.check_rate(key)
    quotas.check_rate(key)
    with pytest.raises(QuotaExceeded):
        quotas.check_rate(key)
    quotas.check_rate(api_key(name="other", key_sha256=api_key_digest("other")))  # buckets are per key
    clock.now += 1.0
    quotas.check_rate(key)


def test_idempotency_cache_keeps_the_first_result(tmp_path) -> None:
    store = GatekeeperStore(str(tmp_path / "c.db"))
    store.cache_response(b"h" * 32, {"signatures": [1]}, 0)
    store.cache_response(b"h" * 32, {"signatures": [2]}, 1)
    assert store.cached_response(b"h" * 32) == {"signatures": [1]}
    assert store.cached_response(b"x" * 32) is None


def test_rested_nodes_leave_selection_until_their_rest_ends() -> None:
    clock = FakeClock()
    health = NodeHealth((1, 2, 3, 4), rest_s=30.0, clock=clock)
    health.rest(2, "timed out")
    assert health.healthy() == (1, 3, 4) and health.rested()[2].reason == "timed out"
    clock.now += 29.0
    assert 2 not in health.healthy()
    clock.now += 1.0
    assert health.healthy() == (1, 2, 3, 4)


def test_frost_selection_is_a_t_subset_of_healthy_nodes() -> None:
    selection = SignerSelection(3, random.Random(1))
    picks = {selection.frost_signers((1, 2, 4, 5)) for _ in range(50)}
    assert all(len(p) == 3 and set(p) <= {1, 2, 4, 5} for p in picks) and len(picks) > 1
    assert selection.frost_signers((1, 2)) is None


def test_ecdsa_selection_needs_a_healthy_set_with_enough_common_presignatures() -> None:
    counts = common_presignature_counts(
        [(1, {"1,2,3": 5, "1,2,4": 1}), (2, {"1,2,3": 4, "1,2,4": 2}), (3, {"1,2,3": 9}), (4, {"1,2,4": 7, "garbage": 3})]
    )
    assert counts == {(1, 2, 3): 4, (1, 2, 4): 1}
    selection = SignerSelection(2, random.Random(1))
    assert selection.ecdsa_signers((1, 2, 3, 4), counts, needed=1) == (1, 2, 3)
    assert selection.ecdsa_signers((1, 2, 4), counts, needed=1) == (1, 2, 4)
    assert selection.ecdsa_signers((1, 2, 4), counts, needed=2) is None


def test_receipts_never_repeat_even_within_one_millisecond() -> None:
    issuer = ReceiptIssuer("gk", SigningKey.generate(), ttl_s=30)
    deadlines = [issuer.issue(bytes(32)).deadline_ms for _ in range(50)]
    assert deadlines == sorted(set(deadlines))


def test_presignature_public_wire_round_trips_and_refuses_garbage() -> None:
    keys = trusted_dealer_key_shares(SECP256K1, 12345, (1, 2, 3), 2, os.urandom)
    public = run_presign(keys, (1, 2, 3), b"s", os.urandom)[1].public
    encoded = encode_presignature_public(public)
    assert decode_presignature_public(encoded) == public
    for bad in (b"", b"\x02" + encoded[1:], encoded[:-1], encoded + b"\x00"):
        with pytest.raises(EncodingError):
            decode_presignature_public(bad)


def test_config_refuses_inconsistent_settings(tmp_path) -> None:
    network = make_network(threshold=2, n=3, presignatures_per_set=0)
    urls = {1: "http://127.0.0.1:1", 2: "http://127.0.0.1:2", 3: "http://127.0.0.1:3"}
    config = network.gatekeeper_config(urls, API_KEYS)
    path = tmp_path / "gk.json"
    path.write_text(config.model_dump_json())
    assert load_config(path) == config
    assert config.api_key("test-api-key-alice").name == "alice" and config.api_key("nope") is None
    with pytest.raises(ValidationError, match="threshold"):
        network.gatekeeper_config(urls, API_KEYS, threshold=3)
    with pytest.raises(ValidationError, match="cannot meet"):
        network.gatekeeper_config({1: urls[1]}, API_KEYS)
    with pytest.raises(ValidationError, match="share a digest"):
        network.gatekeeper_config(urls, API_KEYS + API_KEYS[:1])


def coordinator_for_judging() -> SessionCoordinator:
    network = make_network(threshold=2, n=4, presignatures_per_set=0)
    config = network.gatekeeper_config({p: f"http://127.0.0.1:{p}" for p in (1, 2, 3, 4)}, API_KEYS)
    health = NodeHealth((1, 2, 3, 4), rest_s=30.0)
    return SessionCoordinator(config, NodeClient({}, 1.0), health, SignerSelection(2))


def test_blamed_co_signers_sit_out_the_request_but_the_blamer_does_not() -> None:
    coordinator = coordinator_for_judging()
    excluded: set[int] = set()
    failures = [
        NodeFailure(1, "peer_timeout", rest=False, node_code="peer_timeout", culprits=(3,)),
        NodeFailure(2, "peer_timeout", rest=False, node_code="peer_timeout", culprits=(3, 99)),
        NodeFailure(3, "unreachable", rest=True),
    ]
    coordinator._judge(failures, (1, 2, 3), excluded)
    assert excluded == {3} and set(coordinator.health.rested()) == {3}


def test_a_co_signer_blamed_by_a_majority_is_rested_and_a_lone_blame_only_excludes() -> None:
    coordinator = coordinator_for_judging()
    excluded: set[int] = set()
    # nodes 1, 2 and 4 all report peer_timeout naming 3 (alive over HTTP, silent on the mesh)
    failures = [NodeFailure(p, "peer_timeout", rest=False, node_code="peer_timeout", culprits=(3,)) for p in (1, 2, 4)]
    coordinator._judge(failures, (1, 2, 3, 4), excluded)
    assert excluded == {3}
    rested = coordinator.health.rested()
    assert set(rested) == {3} and "blamed by 3 of 3" in rested[3].reason
    assert 3 not in coordinator.health.healthy()
    # a protocol_error naming one culprit, from a lone node: excluded from this request, never rested
    lone = coordinator_for_judging()
    excluded = set()
    lone._judge([NodeFailure(1, "bad intent", rest=False, node_code="protocol_error", culprits=(2,))], (1, 2, 4), excluded)
    assert excluded == {2} and lone.health.rested() == {}
    # two of three others agree: a strict majority, so the culprit is rested
    pair = coordinator_for_judging()
    pair._judge([NodeFailure(p, "bad intent", rest=False, node_code="protocol_error", culprits=(2,)) for p in (1, 4)],
                (1, 2, 3, 4), set())
    assert set(pair.health.rested()) == {2}


def test_denial_by_every_signer_is_the_answer_and_a_lone_denial_is_routed_around() -> None:
    coordinator = coordinator_for_judging()
    denied = [NodeFailure(p, "no", rest=False, node_code="authorization_denied") for p in (1, 2)]
    with pytest.raises(AuthorizationDenied):
        coordinator._judge(denied, (1, 2), set())
    with pytest.raises(UnknownKey):
        coordinator._judge([NodeFailure(p, "?", rest=False, node_code="unknown_key") for p in (1, 2)], (1, 2), set())
    excluded: set[int] = set()
    coordinator._judge(denied[:1], (1, 2), excluded)
    assert excluded == {1} and coordinator.health.rested() == {}


def test_config_loads_from_toml(tmp_path) -> None:
    network = make_network(threshold=2, n=3, presignatures_per_set=0)
    config = network.gatekeeper_config({p: f"http://127.0.0.1:{p}" for p in (1, 2, 3)}, API_KEYS[:1])
    nodes = "\n".join(f'[[nodes]]\nparticipant_id = {n.participant_id}\nurl = "{n.url}"' for n in config.nodes)
    text = f"""
gatekeeper_id = "{config.gatekeeper_id}"
signing_key_hex = "{config.signing_key_hex}"
threshold = 2
node_timeout_s = 3.0
rest_s = 60.0
{nodes}

[[api_keys]]
name = "alice"
key_sha256 = "{api_key_digest("test-api-key-alice")}"
quota = 1000
rate_per_s = 1000.0
burst = 1000

[domains.ed25519]
public_key_package = "{config.domains["ed25519"].public_key_package}"

[domains.secp256k1]
public_key_package = "{config.domains["secp256k1"].public_key_package}"
"""
    path = tmp_path / "gatekeeper.toml"
    path.write_text(text)
    assert load_config(path) == config


def test_signing_key_can_live_in_its_own_file(tmp_path) -> None:
    network = make_network(threshold=2, n=3, presignatures_per_set=0)
    config = network.gatekeeper_config({p: f"http://127.0.0.1:{p}" for p in (1, 2, 3)}, API_KEYS[:1])
    (tmp_path / "receipt.key").write_text(config.signing_key_hex + "\n")
    raw = config.model_dump() | {"signing_key_hex": None, "signing_key_file": "receipt.key"}
    (tmp_path / "gk.json").write_text(json.dumps(raw))
    assert load_config(tmp_path / "gk.json").signing_key == config.signing_key
    (tmp_path / "receipt.key").write_text("not hex")
    with pytest.raises(ValueError, match="lowercase hex"):
        load_config(tmp_path / "gk.json")
    with pytest.raises(ValidationError, match="exactly one"):
        network.gatekeeper_config({1: "http://a", 2: "http://b"}, [], signing_key_file="x")


class CountingHealthClient:
    """Answers /health like three nodes holding `pool` presignatures for the set (1, 2, 3)."""

    def __init__(self, pool: int) -> None:
        self.pool, self.calls = pool, 0

    async def get(self, participant: int, path: str) -> dict:
        assert path == "/health"
        self.calls += 1
        return {"participant_id": participant, "presignatures": {"1,2,3": self.pool} if self.pool else {}}


def test_the_pool_view_is_reused_briefly_lowered_by_spending_and_refreshed_when_dry_or_failed() -> None:
    import asyncio

    from hot.mpc.gatekeeper.ecdsa_session import PoolView

    now = [0.0]
    view, client = PoolView(ttl_s=0.5, clock=lambda: now[0]), CountingHealthClient(pool=2)
    counts, failures, cached = asyncio.run(view.counts(client, (1, 2, 3)))  # type: ignore[arg-type]
    assert counts == {(1, 2, 3): 2} and failures == [] and not cached and client.calls == 3
    counts, _, cached = asyncio.run(view.counts(client, (1, 2, 3)))  # type: ignore[arg-type]
    assert cached and client.calls == 3  # no round trip while the view is young
    view.spend((1, 2, 3), 2)
    assert asyncio.run(view.counts(client, (1, 2, 3)))[0] == {(1, 2, 3): 0}  # type: ignore[arg-type]
    assert not asyncio.run(view.counts(client, (1, 2)))[2]  # other healthy nodes: read again  # type: ignore[arg-type]
    view.invalidate()
    assert not asyncio.run(view.counts(client, (1, 2, 3)))[2]  # type: ignore[arg-type]
    now[0] = 1.0
    calls = client.calls
    assert not asyncio.run(view.counts(client, (1, 2, 3)))[2] and client.calls == calls + 3  # type: ignore[arg-type]
    # a fresh read asked for right after one reuses it: /health load stays bounded under many requests
    assert asyncio.run(view.counts(client, (1, 2, 3), fresh=True))[2] and client.calls == calls + 3  # type: ignore[arg-type]
    now[0] = 1.1
    assert not asyncio.run(view.counts(client, (1, 2, 3), fresh=True))[2]  # type: ignore[arg-type]
