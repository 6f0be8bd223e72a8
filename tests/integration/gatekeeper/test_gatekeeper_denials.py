"""Denials are 4xx JSON errors with a stable code, and change nothing (issue 8; STYLE.md habit 5)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.gatekeeper_testkit import API_KEY, Gatekeeper, commits, start_gatekeeper

pytestmark = pytest.mark.integration

GOOD = {"key_id": "wallet-1", "domain": "ed25519", "message": "aa", "user_payloads": []}


@pytest.mark.parametrize("api_key", [None, "not-a-key", API_KEY + "x"])
def test_missing_or_unknown_api_key_is_unauthorized(shared_gatekeeper: Gatekeeper, shared_nodes, api_key: str | None) -> None:
    before = commits(shared_nodes)
    response = shared_gatekeeper.sign(GOOD, api_key=api_key)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    assert commits(shared_nodes) == before


def test_wrong_auth_scheme_is_unauthorized(shared_gatekeeper: Gatekeeper) -> None:
    gatekeeper = shared_gatekeeper
    response = gatekeeper.http.post(f"{gatekeeper.url}/v1/sign", json=GOOD, headers={"Authorization": f"Basic {API_KEY}"})
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"key_id": "w", "domain": "ed25519"},  # neither message nor messages
        {"key_id": "w", "domain": "ed25519", "message": "aa", "messages": ["aa"]},  # both
        {"key_id": "w", "domain": "rsa", "message": "aa"},
        {"key_id": "w", "domain": "ed25519", "message": "zz"},
        {"key_id": "w", "domain": "ed25519", "message": "abc"},  # odd length
        {"key_id": "w", "domain": "ed25519", "message": "aa", "user_payloads": ["xyz"]},
        {"key_id": "w", "domain": "secp256k1", "message": "aa"},  # not a 32-byte hash
        {"key_id": "w", "domain": "secp256k1", "message": "00" * 32},  # zero hash
        {"key_id": "w", "domain": "secp256k1", "message": "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"},  # = n
        {"key_id": "", "domain": "ed25519", "message": "aa"},
        {"key_id": "w", "domain": "ed25519", "messages": []},
        {"key_id": "w", "domain": "ed25519", "messages": ["aa"] * 65},  # over max_batch
        {"key_id": "w", "domain": "ed25519", "message": "aa", "extra": 1},
        {"key_id": 5, "domain": "ed25519", "message": "aa"},
        [1, 2, 3],
    ],
)
def test_malformed_bodies_are_bad_request(shared_gatekeeper: Gatekeeper, shared_nodes, body) -> None:
    before = commits(shared_nodes)
    response = shared_gatekeeper.sign(body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "bad_request" and response.json()["message"]
    assert commits(shared_nodes) == before


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"key_id": "w\\ud800", "domain": "ed25519", "message": "aa"}', b"\xff\xfe", b""],
    ids=["not-json", "lone-surrogate", "not-utf8", "empty"],
)
def test_undecodable_bodies_are_bad_request(shared_gatekeeper: Gatekeeper, raw: bytes) -> None:
    gatekeeper = shared_gatekeeper
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    response = gatekeeper.http.post(f"{gatekeeper.url}/v1/sign", content=raw, headers=headers)
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


def test_public_key_needs_a_known_domain(shared_gatekeeper: Gatekeeper) -> None:
    gatekeeper = shared_gatekeeper
    assert gatekeeper.public_key("w", "rsa").status_code == 400
    assert gatekeeper.public_key("w", "rsa").json()["code"] == "bad_request"


def test_quota_overrun_is_quota_exceeded_and_survives_restart(network, shared_nodes, tmp_path) -> None:
    nodes = shared_nodes
    bob = "test-api-key-bob"  # quota 2 messages
    database = tmp_path / "quota.db"
    with start_gatekeeper(network, nodes[1], database) as server, httpx.Client(trust_env=False, timeout=30) as http:
        gatekeeper = Gatekeeper(server.url, http)
        batch = gatekeeper.sign({"key_id": "w", "domain": "ed25519", "messages": ["01", "02", "03"]}, api_key=bob)
        assert batch.status_code == 429 and batch.json()["code"] == "quota_exceeded"  # 3 > 2, nothing spent
        assert gatekeeper.sign({"key_id": "w", "domain": "ed25519", "message": "01"}, api_key=bob).status_code == 200
        cached = gatekeeper.sign({"key_id": "w", "domain": "ed25519", "message": "01"}, api_key=bob)
        assert cached.status_code == 200  # an identical request is answered from the cache, for free
    before = commits(nodes)
    with start_gatekeeper(network, nodes[1], database) as server, httpx.Client(trust_env=False, timeout=30) as http:
        gatekeeper = Gatekeeper(server.url, http)
        assert gatekeeper.sign({"key_id": "w", "domain": "ed25519", "message": "01"}, api_key=bob).status_code == 200
        assert commits(nodes) == before  # the cache survived the restart too
        assert gatekeeper.sign({"key_id": "w", "domain": "ed25519", "message": "02"}, api_key=bob).status_code == 200
        over = gatekeeper.sign({"key_id": "w", "domain": "ed25519", "message": "03"}, api_key=bob)
        assert over.status_code == 429 and over.json()["code"] == "quota_exceeded"


def test_rate_limit_is_quota_exceeded(shared_gatekeeper: Gatekeeper) -> None:
    gatekeeper = shared_gatekeeper
    carol = "test-api-key-carol"  # burst 2, refills once in ~17 minutes
    codes = [gatekeeper.sign({"key_id": "w", "domain": "ed25519", "message": f"0{i}"}, api_key=carol).status_code for i in range(3)]
    assert codes == [200, 200, 429]
