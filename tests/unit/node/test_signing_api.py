"""The node's signing API in process (docs/node-api.md; issue 7, authorization and sessions).

Real Authorizer (receipt, durable replay set, attestation, access list, hot_verify), real
SigningSessions and FastAPI apps; keys from run_local_dkg, presignatures from run_presign.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import coincurve
import httpx
import pytest
from hot.mpc.crypto import frost
from hot.mpc.crypto.derivation import derive_public_key
from hot.mpc.crypto.suites import get_suite
from hot.wire.log import LogEntry
from hot.mpc.node.signed_log import verify_log

from hot.wire.errors import InvalidShare

from tests.support.gatekeeper_harness import Gatekeeper, NodeRefused
from tests.support.inprocess import KEY_ID, InProcessNetwork, request


@pytest.fixture
def network(tmp_path: Path) -> Iterator[InProcessNetwork]:
    net = InProcessNetwork(tmp_path, n=5, t=3)
    try:
        yield net
    finally:
        net.close()


def run(coro):  # one event loop per test: no plugin needed
    return asyncio.run(coro)


def log_entries(net: InProcessNetwork, i: int) -> list[LogEntry]:
    return [LogEntry.from_json_line(line) for line in net.nodes[i].log.path.read_bytes().splitlines()]


def test_ed25519_t_of_n_signs_under_the_derived_key(network: InProcessNetwork) -> None:
    gk = Gatekeeper(network.post)
    messages = [b"transfer 1", b"transfer 2"]
    signatures = run(gk.sign_ed25519([2, 4, 5], request("ed25519", messages), network.public["ed25519"]))
    suite = get_suite("ed25519")
    key = derive_public_key(suite, network.public["ed25519"].group_public_key, KEY_ID)
    assert all(frost.verify_signature(suite, key, m, s) for m, s in zip(messages, signatures))
    assert not frost.verify_signature(suite, network.public["ed25519"].group_public_key, messages[0], signatures[0])


def test_secp256k1_signs_with_2t_minus_1_and_spends_one_presignature(network: InProcessNetwork) -> None:
    gk = Gatekeeper(network.post)
    digest = hashlib.sha256(b"pay bob").digest()
    before = network.nodes[1].sessions.pool.counts(0)["1,2,3,4,5"]
    [signature] = run(gk.sign_secp256k1([1, 2, 3, 4, 5], request("secp256k1", [digest]), epoch=0))
    suite = get_suite("secp256k1")
    key = derive_public_key(suite, network.public["secp256k1"].group_public_key, KEY_ID)
    recovered = coincurve.PublicKey.from_signature_and_message(signature.to_recoverable(), digest, hasher=None)
    assert recovered.format() == suite.serialize_element(key)
    assert all(network.nodes[i].sessions.pool.counts(0)["1,2,3,4,5"] == before - 1 for i in range(1, 6))


def test_replayed_and_expired_receipts_are_refused_by_every_node(network: InProcessNetwork) -> None:
    gk = Gatekeeper(network.post)
    body = request("ed25519", [b"m"])
    receipt = gk.receipt(body)
    for i in range(1, 6):
        status, _ = run(network.post(i, "/v1/sign/commit", {"session_id": f"s{i}", "receipt": receipt, "request": body, "signers": [1, 2, 3]}))
        assert status == 200 or i > 3  # nodes 4, 5 are not signers: bad_request, but the receipt is still spent
    for i in range(1, 6):
        status, answer = run(network.post(i, "/v1/sign/commit", {"session_id": f"again{i}", "receipt": receipt, "request": body, "signers": [1, 2, 3]}))
        assert (status, answer["code"]) == (409, "receipt_replayed")
    expired = gk.receipt(body, deadline_ms=int(time.time() * 1000) - 1)
    for i in range(1, 6):
        status, answer = run(network.post(i, "/v1/sign/commit", {"session_id": f"late{i}", "receipt": expired, "request": body, "signers": [1, 2, 3]}))
        assert (status, answer["code"]) == (410, "deadline_expired")


def test_forged_receipts_are_refused(network: InProcessNetwork) -> None:
    gk = Gatekeeper(network.post)
    body = request("ed25519", [b"m"])
    other = gk.receipt(request("ed25519", [b"other message"]))
    forged = dict(gk.receipt(body), signature="00" * 64)
    stranger = dict(gk.receipt(body), gatekeeper_id="gk-unknown")
    for receipt in (other, forged, stranger):
        status, answer = run(network.post(1, "/v1/sign/commit", {"session_id": "x" + receipt["signature"][:8], "receipt": receipt, "request": body, "signers": [1, 2, 3]}))
        assert (status, answer["code"]) == (401, "bad_receipt")


def test_hot_verify_false_means_no_share_and_a_logged_denial(network: InProcessNetwork) -> None:
    gk = Gatekeeper(network.post)
    body = request("ed25519", [b"m"], payload=b"no")
    with pytest.raises(NodeRefused) as refused:
        run(gk.commit([1, 2, 3], body))
    assert refused.value.status == 403 and refused.value.body["code"] == "authorization_denied"
    assert network.policy.calls and all(call[3] == b"no" for call in network.policy.calls)
    assert all(not network.nodes[i].sessions.sessions for i in (1, 2, 3))
    decisions = [e.body for e in log_entries(network, 1) if e.kind == "decision"]
    assert decisions[-1]["event"] == "denied" and decisions[-1]["code"] == "authorization_denied"
    assert verify_log(network.nodes[1].log.path, network.nodes[1].identity.signing_public_key).ok


def test_unknown_key_and_unattested_node(network: InProcessNetwork) -> None:
    gk = Gatekeeper(network.post)
    body = dict(request("ed25519", [b"m"]), key_id="nobody.test.near")
    status, answer = run(network.post(1, "/v1/sign/commit", {"session_id": "u", "receipt": gk.receipt(body), "request": body, "signers": [1, 2, 3]}))
    assert (status, answer["code"]) == (404, "unknown_key")
    network.nodes[2].guard._current = None  # the node lost its attestation
    body = request("ed25519", [b"m"])
    status, answer = run(network.post(2, "/v1/sign/commit", {"session_id": "a", "receipt": gk.receipt(body), "request": body, "signers": [1, 2, 3]}))
    assert (status, answer["code"]) == (503, "not_attested")


def test_a_session_answers_share_once(network: InProcessNetwork) -> None:
    gk = Gatekeeper(network.post)
    body = request("ed25519", [b"m"])
    sessions, commits = run(gk.commit([1, 2, 3], body))
    package = {"commitments": {str(i): commits[i]["commitments"] for i in (1, 2, 3)}}
    assert run(network.post(1, "/v1/sign/share", {"session_id": sessions[1], "package": package}))[0] == 200
    status, answer = run(network.post(1, "/v1/sign/share", {"session_id": sessions[1], "package": package}))
    assert (status, answer["code"]) == (404, "unknown_session")


def test_a_package_with_another_commitment_for_the_node_itself_is_refused(network: InProcessNetwork) -> None:
    """A node signs only over the commitment it made (its nonces are bound to it); a swapped one is 400."""
    gk = Gatekeeper(network.post)
    sessions, commits = run(gk.commit([1, 2, 3], request("ed25519", [b"m"])))
    package = {"commitments": {str(i): commits[i]["commitments"] for i in (1, 2, 3)}}
    package["commitments"]["1"] = commits[2]["commitments"]  # node 2's commitment filed as node 1's
    status, answer = run(network.post(1, "/v1/sign/share", {"session_id": sessions[1], "package": package}))
    assert (status, answer["code"]) == (400, "bad_request")
    status, answer = run(network.post(1, "/v1/sign/share", {"session_id": sessions[1], "package": package}))
    assert (status, answer["code"]) == (404, "unknown_session")  # the nonces are gone: never reused


def test_a_node_sending_bad_shares_is_named_and_excluded(network: InProcessNetwork) -> None:
    sessions = network.nodes[2].sessions
    honest = sessions._frost_shares
    suite = get_suite("ed25519")

    def corrupt(session, package):  # the patched node adds one to every share it sends
        shares = [frost.SignatureShare.from_bytes(suite, bytes.fromhex(s)) for s in honest(session, package)]
        return [frost.SignatureShare(s.identifier, (s.share + 1) % suite.order).to_bytes(suite).hex() for s in shares]

    sessions._frost_shares = corrupt
    gk = Gatekeeper(network.post)
    body = request("ed25519", [b"m"])
    with pytest.raises(InvalidShare) as named:
        run(gk.sign_ed25519([1, 2, 3], body, network.public["ed25519"]))
    assert named.value.culprit == 2
    sign = lambda s: gk.sign_ed25519(s, request("ed25519", [b"m"]), network.public["ed25519"])
    [signature], excluded = run(gk.sign_with_retry(sign, [1, 2, 3, 4, 5], 3))
    key = derive_public_key(suite, network.public["ed25519"].group_public_key, KEY_ID)
    assert excluded == [2] and frost.verify_signature(suite, key, b"m", signature)


def test_ecdsa_signer_that_goes_silent_is_named(network: InProcessNetwork) -> None:
    network.nodes[4].exchange.silent = True  # consumed its presignature, then never sent its intent
    gk = Gatekeeper(network.post)
    with pytest.raises(NodeRefused) as refused:
        run(gk.sign_secp256k1([1, 2, 3, 4, 5], request("secp256k1", [hashlib.sha256(b"x").digest()]), epoch=0))
    assert refused.value.status == 409
    assert refused.value.body["code"] == "peer_timeout" and refused.value.body["culprits"] == [4]


def test_health_and_metrics(network: InProcessNetwork) -> None:
    health = run(network.get(1, "/health")).json()
    assert health == {"participant_id": 1, "epoch": 0, "state": "Running", "attested": True, "presignatures": {"1,2,3,4,5": 2}}
    text = run(network.get(1, "/metrics")).text
    assert 'hot_node_presignatures{signers="1,2,3,4,5"} 2' in text and "hot_node_epoch 0" in text
    json.dumps(health)


def test_every_node_serves_the_same_public_key_package_and_nothing_secret(network: InProcessNetwork) -> None:
    answers = [run(network.get(i, "/v1/public_key_package?domain=secp256k1")).json() for i in network.nodes]
    assert all(a == answers[0] for a in answers)
    share = network.keys["secp256k1"][1]
    assert answers[0]["group_public_key"] == share.suite.serialize_element(share.group_public_key).hex()
    assert (answers[0]["epoch"], answers[0]["threshold"], sorted(answers[0]["verification_shares"])) == (
        0, share.threshold, [str(i) for i in sorted(network.nodes)])
    assert bytes.fromhex(answers[0]["public_key_package"]) == share.to_packages()[1].to_bytes(share.suite)
    secrets = {f"{s.secret_share:064x}" for s in network.keys["secp256k1"].values()}
    assert not any(secret in json.dumps(answers[0]) for secret in secrets)
    missing = run(network.get(1, "/v1/public_key_package?domain=sr25519"))
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_key"


def test_malformed_bodies_are_bad_requests(network: InProcessNetwork) -> None:
    async def post_raw(content: bytes) -> tuple[int, dict]:
        transport = httpx.ASGITransport(app=network.nodes[1].app)
        async with httpx.AsyncClient(transport=transport, base_url="http://node") as client:
            response = await client.post("/v1/sign/commit", content=content, headers={"content-type": "application/json"})
        return response.status_code, response.json()

    for content in (b"not json", b"[1, 2]"):
        status, answer = run(post_raw(content))
        assert (status, answer["code"]) == (400, "bad_request")
    gk = Gatekeeper(network.post)
    body = dict(request("secp256k1", [b"short"]))
    status, answer = run(network.post(1, "/v1/sign/commit", {"session_id": "s", "receipt": gk.receipt(body), "request": body, "signers": [1, 2, 3, 4, 5]}))
    assert (status, answer["code"]) == (400, "bad_request")
