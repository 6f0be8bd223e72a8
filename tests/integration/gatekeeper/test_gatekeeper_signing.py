"""Issue 8 user stories through a running gatekeeper over four harness nodes (t=2).

Every signature is checked with libraries the gatekeeper does not use for signing: libsodium
(PyNaCl) for Ed25519 and libsecp256k1 (coincurve) for ECDSA, against the derived public key.
"""

from __future__ import annotations

import hashlib

import pytest

from tests.support.gatekeeper_testkit import Gatekeeper, check_ed25519, check_secp256k1, derived_key

pytestmark = pytest.mark.integration

def test_ed25519_signs_with_t_of_n(gatekeeper: Gatekeeper, network, nodes) -> None:
    message = b"transfer 5 NEAR to bob.near"
    response = gatekeeper.sign({"key_id": "wallet-1", "domain": "ed25519", "message": message.hex(), "user_payloads": ["aa"]})
    assert response.status_code == 200, response.text
    check_ed25519(response.json(), message, derived_key(network, "ed25519", "wallet-1"))
    assert gatekeeper.metric('hot_gatekeeper_requests_total{route="/v1/sign",status="200"}') == 1
    assert gatekeeper.metric('hot_gatekeeper_sign_seconds_count{domain="ed25519"}') == 1
    assert sum(n.shares for n in nodes[0].values()) == network.threshold  # exactly t signers took part


def test_secp256k1_signs_with_presigned_set(gatekeeper: Gatekeeper, network, nodes) -> None:
    message_hash = hashlib.sha256(b"bitcoin sighash").digest()
    response = gatekeeper.sign({"key_id": "wallet-1", "domain": "secp256k1", "message": message_hash.hex(), "user_payloads": []})
    assert response.status_code == 200, response.text
    check_secp256k1(response.json(), message_hash, derived_key(network, "secp256k1", "wallet-1"))
    assert sum(n.shares for n in nodes[0].values()) == 2 * network.threshold - 1


@pytest.mark.parametrize("domain", ["ed25519", "secp256k1"])
def test_batch_signs_every_message_with_one_authorization_each(gatekeeper: Gatekeeper, network, nodes, domain: str) -> None:
    messages = [hashlib.sha256(b"input %d" % i).digest() for i in range(3)]
    calls_before = network.policy.calls
    response = gatekeeper.sign({"key_id": "btc-wallet", "domain": domain, "messages": [m.hex() for m in messages]})
    assert response.status_code == 200, response.text
    results = response.json()["signatures"]
    assert len(results) == 3
    key = derived_key(network, domain, "btc-wallet")
    check = check_ed25519 if domain == "ed25519" else check_secp256k1
    for result, message in zip(results, messages, strict=True):
        check(result, message, key)
    signers = network.threshold if domain == "ed25519" else 2 * network.threshold - 1
    assert network.policy.calls - calls_before == 3 * signers  # each signer authorizes each message


@pytest.mark.parametrize("domain", ["ed25519", "secp256k1"])
def test_public_key_endpoint_derives_without_signing(gatekeeper: Gatekeeper, network, nodes, domain: str) -> None:
    response = gatekeeper.public_key("wallet-7", domain)
    assert response.status_code == 200
    assert bytes.fromhex(response.json()["public_key"]) == derived_key(network, domain, "wallet-7")
    assert sum(n.commits for n in nodes[0].values()) == 0


@pytest.mark.parametrize("domain", ["ed25519", "secp256k1"])
def test_identical_request_returns_same_signature_without_spending(gatekeeper: Gatekeeper, network, nodes, domain: str) -> None:
    body = {"key_id": "wallet-2", "domain": domain, "message": hashlib.sha256(b"same").hexdigest(), "user_payloads": ["01"]}
    first = gatekeeper.sign(body)
    assert first.status_code == 200, first.text
    pools_before = [n.health()["presignatures"] for n in nodes[0].values()]
    commits_before = sum(n.commits for n in nodes[0].values())
    second = gatekeeper.sign(body)
    assert second.json() == first.json()
    assert sum(n.commits for n in nodes[0].values()) == commits_before
    assert [n.health()["presignatures"] for n in nodes[0].values()] == pools_before
    other = gatekeeper.sign({**body, "user_payloads": ["02"]})  # another payload is another request
    assert other.status_code == 200 and sum(n.commits for n in nodes[0].values()) > commits_before


@pytest.mark.parametrize("domain", ["ed25519", "secp256k1"])
def test_policy_that_says_no_gives_authorization_denied(gatekeeper: Gatekeeper, nodes, domain: str) -> None:
    response = gatekeeper.sign({"key_id": "policy-says-no", "domain": domain, "message": "11" * 32})
    assert response.status_code == 403
    assert response.json()["code"] == "authorization_denied"
    assert "signature" not in response.json()
    assert sum(n.shares for n in nodes[0].values()) == 0
    assert gatekeeper.rested() == {}  # a refusal is an answer, not a fault


def test_unregistered_key_gives_unknown_key(gatekeeper: Gatekeeper, nodes) -> None:
    response = gatekeeper.sign({"key_id": "unregistered-key", "domain": "ed25519", "message": "aa"})
    assert response.status_code == 404 and response.json()["code"] == "unknown_key"


def test_concurrent_identical_requests_share_one_session(gatekeeper: Gatekeeper, network, nodes) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    body = {"key_id": "wallet-3", "domain": "secp256k1", "message": hashlib.sha256(b"concurrent").hexdigest()}

    def send(_: int) -> httpx.Response:
        with httpx.Client(trust_env=False, timeout=30) as http:
            return http.post(f"{gatekeeper.url}/v1/sign", json=body, headers={"Authorization": "Bearer test-api-key-alice"})

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(send, range(4)))
    assert all(r.status_code == 200 for r in responses)
    assert len({r.json()["signature"] for r in responses}) == 1
    assert sum(n.shares for n in nodes[0].values()) == 2 * network.threshold - 1  # one presignature spent


def test_concurrent_distinct_ecdsa_requests_never_share_a_presignature(gatekeeper: Gatekeeper, network, nodes) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    def send(i: int) -> httpx.Response:
        body = {"key_id": "wallet-4", "domain": "secp256k1", "message": hashlib.sha256(b"distinct %d" % i).hexdigest()}
        with httpx.Client(trust_env=False, timeout=30) as http:
            return http.post(f"{gatekeeper.url}/v1/sign", json=body, headers={"Authorization": "Bearer test-api-key-alice"})

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(send, range(4)))
    assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
    assert len({r.json()["signature"] for r in responses}) == 4
    assert gatekeeper.rested() == {}


def test_public_key_of_a_key_id_with_slashes_and_spaces(gatekeeper: Gatekeeper, network, nodes) -> None:
    from urllib.parse import quote

    key_id = "alice.near/wallet 1"
    url = f"{gatekeeper.url}/v1/keys/{quote(key_id, safe='')}/public_key"
    response = gatekeeper.http.get(url, params={"domain": "secp256k1"}, headers={"Authorization": "Bearer test-api-key-alice"})
    assert response.status_code == 200, response.text
    assert bytes.fromhex(response.json()["public_key"]) == derived_key(network, "secp256k1", key_id)
