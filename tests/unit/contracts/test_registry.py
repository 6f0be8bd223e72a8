"""Key Registry: reservation by root key, access lists changed only by their own methods, HOT's get_wallet."""

from __future__ import annotations

import hashlib
from pathlib import Path

import base58
import hot.examples.approvals
import pytest
from hot.wire.access import RESERVE_TAG, UPDATE_TAG
from hot.wire.encoding import canonical_json
from hot.sdk.testing import reverts

from tests.support.protocol_contracts import CONTRACTS, ed25519_key, public_hex

APPROVALS = Path(hot.examples.approvals.__file__).parent / "contract.py"
NEAR = 1010


def full(method: dict) -> dict:  # type: ignore[type-arg]
    return {"method": "hot_verify", "metadata": "", **method}


@pytest.fixture
def registry(hot_chain):  # type: ignore[no-untyped-def]
    account = hot_chain.create_account("registry")
    account.deploy(CONTRACTS / "registry.py", init="new", args={})
    return account


@pytest.fixture
def policy(hot_chain):  # type: ignore[no-untyped-def]
    owner = hot_chain.create_account("policyowner")
    app = hot_chain.create_account("policy")
    app.deploy(APPROVALS, init="new", args={"owner": owner.account_id})
    return owner, app


def reserve(registry, owner, root, access_list):  # type: ignore[no-untyped-def]
    methods = [full(m) for m in access_list]
    message = RESERVE_TAG + canonical_json({"access_list": methods, "owner": owner.account_id,
                                            "registry": registry.account_id, "root_public_key": public_hex(root)})
    return owner.call(registry, "reserve_key", {"root_public_key": public_hex(root), "access_list": access_list,
                                                "signature": root.sign(message).hex()})


def update_message(registry, key_id, nonce, access_list):  # type: ignore[no-untyped-def]
    return UPDATE_TAG + canonical_json({"access_list": [full(m) for m in access_list], "key_id": key_id,
                                        "nonce": nonce, "registry": registry.account_id})


def test_key_id_follows_hots_scheme_and_get_wallet_its_shape(hot_chain, registry, policy):  # type: ignore[no-untyped-def]
    alice, root = hot_chain.create_account("alice"), ed25519_key("alice-root")
    methods = [{"chain_id": NEAR, "contract_id": policy[1].account_id},
               {"chain_id": 56, "contract_id": "0xabc", "method": "verify", "metadata": '{"x":1}'}]
    key_id = reserve(registry, alice, root, methods).value
    uid = hashlib.sha256(bytes.fromhex(public_hex(root))).digest()
    assert key_id == base58.b58encode(hashlib.sha256(uid).digest()).decode()
    assert registry.view("key_id_for", {"root_public_key": public_hex(root)}) == key_id
    wallet = registry.view("get_wallet", {"wallet_id": key_id})
    assert wallet == {"access_list": [
        {"account_id": policy[1].account_id, "chain_id": NEAR, "metadata": None},
        {"account_id": "0xabc", "chain_id": 56, "metadata": '{"method":"verify","x":1}'}],
        "key_gen": 0, "block_height": wallet["block_height"]}
    assert registry.view("keys_of", {"owner": alice.account_id}) == [key_id]
    assert registry.view("get_wallet", {"wallet_id": "unknown"}) is None


def test_reservation_needs_the_root_key_and_is_unique(hot_chain, registry):  # type: ignore[no-untyped-def]
    alice, mallory, root = hot_chain.create_account("alice"), hot_chain.create_account("mallory"), ed25519_key("r")
    methods = [{"chain_id": NEAR, "contract_id": "p.test.near"}]
    message = RESERVE_TAG + canonical_json({"access_list": [full(methods[0])], "owner": alice.account_id,
                                            "registry": registry.account_id, "root_public_key": public_hex(root)})
    stolen = root.sign(message).hex()  # signed for alice: mallory cannot reuse it
    with reverts("E_BAD_SIGNATURE"):
        mallory.call(registry, "reserve_key", {"root_public_key": public_hex(root), "access_list": methods,
                                               "signature": stolen})
    with reverts("E_BAD_ACCESS_LIST"):
        reserve(registry, alice, root, [])
    with reverts("E_BAD_ACCESS_LIST"):
        reserve(registry, alice, root, [{"chain_id": "near", "contract_id": "p"}])
    reserve(registry, alice, root, methods)
    with reverts("E_KEY_RESERVED"):
        reserve(registry, alice, root, methods)


def test_root_key_changes_the_list_once_per_nonce(hot_chain, registry):  # type: ignore[no-untyped-def]
    alice, root = hot_chain.create_account("alice"), ed25519_key("r")
    key_id = reserve(registry, alice, root, [{"chain_id": NEAR, "contract_id": "a.test.near"}]).value
    new = [{"chain_id": NEAR, "contract_id": "b.test.near"}]
    signature = root.sign(update_message(registry, key_id, 0, new)).hex()
    with reverts("E_BAD_SIGNATURE"):
        alice.call(registry, "update_access_list", {"key_id": key_id, "access_list": new, "authorization": {
            "root_signature": ed25519_key("other").sign(update_message(registry, key_id, 0, new)).hex()}})
    assert alice.call(registry, "update_access_list", {"key_id": key_id, "access_list": new,
                                                       "authorization": {"root_signature": signature}}).value == 1
    with reverts("E_BAD_SIGNATURE"):  # replay of the consumed nonce
        alice.call(registry, "update_access_list", {"key_id": key_id, "access_list": new,
                                                    "authorization": {"root_signature": signature}})
    history = registry.view("get_history", {"key_id": key_id})
    assert [h["action"] for h in history] == ["reserve", "update:root_signature"]
    assert history[1]["access_list"][0]["contract_id"] == "b.test.near"


def test_current_methods_hot_verify_authorizes_a_change(hot_chain, registry, policy):  # type: ignore[no-untyped-def]
    owner, app = policy
    alice, root = hot_chain.create_account("alice"), ed25519_key("r")
    key_id = reserve(registry, alice, root, [{"chain_id": NEAR, "contract_id": app.account_id}]).value
    new = [{"chain_id": NEAR, "contract_id": "next.test.near"}]
    args = {"key_id": key_id, "access_list": new, "authorization": {"user_payloads": [""]}}
    with reverts("E_UNAUTHORIZED"):  # the policy has not approved this change
        hot_chain.create_account("anyone").call(registry, "update_access_list", args)
    msg_hash = base58.b58encode(hashlib.sha256(update_message(registry, key_id, 0, new)).digest()).decode()
    owner.call(app, "approve", {"msg_hash": msg_hash})
    with reverts("E_BAD_AUTHORIZATION"):
        alice.call(registry, "update_access_list", {**args, "authorization": {"user_payloads": []}})
    alice.call(registry, "update_access_list", args)
    assert registry.view("get_key", {"key_id": key_id})["access_list"][0]["contract_id"] == "next.test.near"


def test_foreign_chain_methods_cannot_authorize_on_chain(hot_chain, registry):  # type: ignore[no-untyped-def]
    alice, root = hot_chain.create_account("alice"), ed25519_key("r")
    key_id = reserve(registry, alice, root, [{"chain_id": 1001, "contract_id": "SoLaNa"}]).value
    with reverts("E_UNVERIFIABLE_METHOD"):
        alice.call(registry, "update_access_list", {"key_id": key_id, "access_list": [
            {"chain_id": NEAR, "contract_id": "x.test.near"}], "authorization": {"user_payloads": [""]}})
