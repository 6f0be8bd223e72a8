"""The dApp developer's story on the `hot_localnet` fixture: deploy my policy, reserve a key, sign, assert."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import coincurve
import httpx
import pytest
from hot.localnet.cluster.testing import LocalnetHandle
from hot.mpc.crypto.derivation import derive_public_key
from hot.mpc.crypto.suites import get_suite
from hot.sdk.client import AuthorizationDenied, access_method
from nacl.signing import VerifyKey

from .probes import POLICY_SOURCE, check_every_url, root_public_keys

pytestmark = pytest.mark.integration


def derived(status_rpc: str, scheme: str, key_id: str) -> bytes:
    """key_id's public key from the Controller's root key (independent of the gatekeeper's answer)."""
    suite = get_suite(scheme)
    root = suite.deserialize_element(bytes.fromhex(root_public_keys(status_rpc)[scheme]))
    return suite.serialize_element(derive_public_key(suite, root, key_id))


def test_every_component_is_up_and_each_url_answers(hot_localnet: LocalnetHandle) -> None:
    assert hot_localnet.state == "up"
    names = {c["name"] for c in hot_localnet.components}
    assert names >= {"near_rpc", "evm_rpc", "solana_rpc", "soroban_rpc", "ton_api", "bitcoin_api", "gatekeeper",
                     "node-1", "node-2", "node-3"}
    check_every_url(hot_localnet.status)
    assert set(root_public_keys(hot_localnet.near_rpc)) == {"ed25519", "secp256k1"}
    controller = hot_localnet.controller
    assert controller["state"] == "Running" and controller["threshold"] == 2
    assert sorted(controller["participants"]) == ["node1.test.near", "node2.test.near", "node3.test.near"]
    assert controller["domains"] == root_public_keys(hot_localnet.near_rpc)


def test_deploy_policy_reserve_key_and_sign_in_both_domains(hot_localnet: LocalnetHandle) -> None:
    policy = hot_localnet.deploy_contract("payloadpolicy", POLICY_SOURCE)
    with hot_localnet.client() as hot:
        key = hot.reserve_key([access_method(policy)])
        message = b"transfer 5 to bob"
        ed = hot.sign(key.key_id, "ed25519", message, [b"ok"])
        digest = hashlib.sha256(b"a bitcoin sighash").digest()
        ec = hot.sign(key.key_id, "secp256k1", digest, [b"ok"])
        with pytest.raises(AuthorizationDenied):
            hot.sign(key.key_id, "ed25519", b"transfer everything", [b"no"])
    assert ed.public_key == derived(hot_localnet.near_rpc, "ed25519", key.key_id)
    VerifyKey(ed.public_key).verify(message, ed.signature)  # raises if the signature is wrong
    assert ec.public_key == derived(hot_localnet.near_rpc, "secp256k1", key.key_id)
    recovered = coincurve.PublicKey.from_signature_and_message(ec.signature + bytes([ec.recovery_id]), digest, hasher=None)
    assert recovered.format() == ec.public_key


def test_every_node_serves_the_controllers_key_and_the_nodes_vote_themselves(hot_localnet: LocalnetHandle) -> None:
    roots = root_public_keys(hot_localnet.near_rpc)
    for scheme, root in roots.items():
        answers = [httpx.get(f"{node['url']}/v1/public_key_package", params={"domain": scheme}, timeout=10).json()
                   for node in hot_localnet.status["nodes"]]
        assert [a["group_public_key"] for a in answers] == [root] * len(answers)
        assert all(a == answers[0] for a in answers) and answers[0]["threshold"] == 2
        assert sorted(answers[0]["verification_shares"]) == ["1", "2", "3"]
    names = {c["name"] for c in hot_localnet.components}
    assert "bridge" not in names  # the nodes read the Controller contract and send their votes themselves
    for node in hot_localnet.status["nodes"]:
        config = json.loads((Path(node["data_dir"]) / "config.json").read_text())
        assert config["controller"]["kind"] == "near" and config["controller"]["account_id"] == "controller.test.near"
