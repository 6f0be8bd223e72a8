"""Controller participants, attestation pinning and gatekeepers (whitepaper §2.2.7, §2.2.8, §4.2.1)."""

from __future__ import annotations

import pytest
from hot.mpc.node.attestation import SoftwareQuoteVerifier, SoftwareVendor
from hot.sdk.testing import reverts

from tests.support.protocol_contracts import ed25519_key, make_node, public_hex

MEASUREMENT = bytes.fromhex("5e" * 32)
FAR_FUTURE = 4_000_000_000


def now_s(hot_chain) -> int:  # type: ignore[no-untyped-def]
    return int(hot_chain.chain.head["header"]["timestamp"]) // 10**9


def quote_for(hot_chain, node, vendor=None, measurement=MEASUREMENT, ttl=60, key=None):  # type: ignore[no-untyped-def]
    vendor = vendor or SoftwareVendor.test_vendor()
    signing = key or node.signing
    return vendor.issue(measurement, signing.public_key().public_bytes_raw(), now=now_s(hot_chain), ttl=ttl)


@pytest.fixture
def attested(hot_chain, deploy_controller, dao):  # type: ignore[no-untyped-def]
    """A Controller that requires attestation, trusts the test vendor and pins MEASUREMENT."""
    controller = deploy_controller(require_attestation=True,
                                   vendor_public_keys=[SoftwareVendor.test_vendor().public_key.hex()])
    dao.call(controller, "approve_measurement", {"measurement": MEASUREMENT.hex(), "expires_at": FAR_FUTURE})
    nodes = [make_node(hot_chain, f"node{i}") for i in range(4)]
    for node in nodes:
        node.register(controller)
    return controller, nodes


def test_duplicate_keys_are_refused(hot_chain, controller, nodes):  # type: ignore[no-untyped-def]
    other = hot_chain.create_account("other")
    taken_p2p, taken_signing = public_hex(nodes[0].p2p), public_hex(nodes[0].signing)
    fresh = public_hex(ed25519_key("fresh"))
    for p2p, signing in ((taken_p2p, fresh), (fresh, taken_signing), (taken_signing, fresh), (fresh, fresh)):
        with reverts("E_DUPLICATE_KEY"):
            other.call(controller, "register_node", {"url": "http://o:1", "p2p_public_key": p2p,
                                                     "signing_public_key": signing})
    with reverts("E_BAD_URL"):
        other.call(controller, "register_node", {"url": "ftp://o", "p2p_public_key": fresh,
                                                 "signing_public_key": public_hex(ed25519_key("f2"))})
    with reverts("E_BAD_KEY"):
        other.call(controller, "register_node", {"url": "http://o:1", "p2p_public_key": "00",
                                                 "signing_public_key": fresh})
    assert controller.view("get_node", {"account_id": other.account_id}) is None
    other.call(controller, "register_node", {"url": "http://o:1", "p2p_public_key": fresh,
                                             "signing_public_key": public_hex(ed25519_key("f2"))})
    assert controller.view("get_node", {"account_id": other.account_id})["url"] == "http://o:1"


def test_a_participant_keeps_its_keys_but_may_move(running, nodes):  # type: ignore[no-untyped-def]
    node = nodes[0]
    with reverts("E_KEYS_FIXED"):
        node.account.call(running, "register_node", {"url": "http://moved:1", "p2p_public_key": public_hex(
            ed25519_key("new-p2p")), "signing_public_key": public_hex(node.signing)})
    node.account.call(running, "register_node", {"url": "http://moved:1", "p2p_public_key": public_hex(node.p2p),
                                                 "signing_public_key": public_hex(node.signing)})
    assert running.view("get_participants")[0]["url"] == "http://moved:1"


def test_an_incoming_participant_keeps_its_keys_during_the_reshare(running, nodes):  # type: ignore[no-untyped-def]
    for node in nodes[:2]:
        node.account.call(running, "vote_add_participant", {"account_id": nodes[3].account_id})
    with reverts("E_KEYS_FIXED"):
        nodes[3].account.call(running, "register_node", {"url": "http://n3:1", "p2p_public_key": public_hex(
            nodes[3].p2p), "signing_public_key": public_hex(ed25519_key("swapped"))})
    nodes[4].account.call(running, "register_node", {"url": "http://n4:1", "p2p_public_key": public_hex(
        ed25519_key("n4-new-p2p")), "signing_public_key": public_hex(nodes[4].signing)})  # not in the epoch: may rotate
    assert running.view("get_node", {"account_id": nodes[4].account_id})["url"] == "http://n4:1"


def test_registration_gives_stable_participant_ids_and_a_p2p_address(hot_chain, running, nodes):  # type: ignore[no-untyped-def]
    ids = [running.view("get_node", {"account_id": n.account_id})["participant_id"] for n in nodes]
    assert ids == list(range(1, len(nodes) + 1))  # registration order, 1-based
    assert [p["participant_id"] for p in running.view("get_state")["participants"]] == ids[:3]
    node = nodes[0]
    keys = {"p2p_public_key": public_hex(node.p2p), "signing_public_key": public_hex(node.signing)}
    for bad in ("127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", ":7000", "h:" + "1" * 300):
        with reverts("E_BAD_P2P_ADDRESS"):
            node.account.call(running, "register_node", {"url": "http://n0:1", "p2p_address": bad, **keys})
    node.account.call(running, "register_node", {"url": "http://n0:1", "p2p_address": "127.0.0.1:7101", **keys})
    record = running.view("get_node", {"account_id": node.account_id})
    assert (record["participant_id"], record["p2p_address"]) == (1, "127.0.0.1:7101")  # re-registering keeps the id
    late = hot_chain.create_account("late")
    late.call(running, "register_node", {"url": "http://late:1", "p2p_public_key": public_hex(ed25519_key("late-p2p")),
                                         "signing_public_key": public_hex(ed25519_key("late-signing"))})
    assert running.view("get_node", {"account_id": late.account_id})["participant_id"] == len(nodes) + 1


def test_contract_and_node_verifier_agree_on_software_quotes(hot_chain, attested):  # type: ignore[no-untyped-def]
    controller, nodes = attested
    quote = quote_for(hot_chain, nodes[0])
    key = nodes[0].signing.public_key().public_bytes_raw()
    SoftwareQuoteVerifier([SoftwareVendor.test_vendor().public_key], [MEASUREMENT]).verify(
        quote.to_dict(), node_signing_public_key=key, now=now_s(hot_chain))
    record = nodes[0].account.call(controller, "submit_attestation", {"quote": quote.to_dict()}).value
    assert record["measurement"] == MEASUREMENT.hex() and record["expires_at"] == quote.expires_at
    assert controller.view("get_attestation", {"account_id": nodes[0].account_id})["status"] == "valid"


def test_bad_quotes_are_refused_and_change_nothing(hot_chain, attested):  # type: ignore[no-untyped-def]
    controller, nodes = attested
    node = nodes[0]
    rogue = SoftwareVendor(ed25519_key("rogue-vendor"))
    cases = [
        ("E_QUOTE_SIGNATURE", quote_for(hot_chain, node, vendor=rogue).to_dict()),
        ("E_QUOTE_KEY_MISMATCH", quote_for(hot_chain, node, key=nodes[1].signing).to_dict()),
        ("E_MEASUREMENT_NOT_ALLOWED", quote_for(hot_chain, node, measurement=b"\x01" * 32).to_dict()),
        ("E_BAD_QUOTE", {**quote_for(hot_chain, node).to_dict(), "signature": "zz"}),
        ("E_BAD_QUOTE", {**quote_for(hot_chain, node).to_dict(), "extra": 1}),
    ]
    for code, quote in cases:
        with reverts(code):
            node.account.call(controller, "submit_attestation", {"quote": quote})
    stale = quote_for(hot_chain, node, ttl=2)
    hot_chain.advance_blocks(3)
    with reverts("E_QUOTE_EXPIRED"):
        node.account.call(controller, "submit_attestation", {"quote": stale.to_dict()})
    with reverts("E_UNKNOWN_NODE"):
        hot_chain.create_account("ghost").call(controller, "submit_attestation", {"quote": stale.to_dict()})
    assert controller.view("get_attestation", {"account_id": node.account_id}) is None


def test_expired_or_revoked_attestation_flags_the_node_and_it_can_be_reshared_out(hot_chain, attested, dao):  # type: ignore[no-untyped-def]
    controller, nodes = attested
    for node in nodes[:3]:
        node.account.call(controller, "submit_attestation", {"quote": quote_for(hot_chain, node, ttl=40).to_dict()})
    dao.call(controller, "begin_keygen", {"participants": [n.account_id for n in nodes], "threshold": 2,
                                          "schemes": ["ed25519"]})
    with reverts("E_NOT_ATTESTED"):  # node3 has not attested yet: it may not vote
        nodes[3].account.call(controller, "vote_pk", {"domain_id": 0, "public_key": "ab" * 32})
    nodes[3].account.call(controller, "submit_attestation", {"quote": quote_for(hot_chain, nodes[3], ttl=40).to_dict()})
    for node in nodes:
        node.account.call(controller, "vote_pk", {"domain_id": 0, "public_key": "ab" * 32})
    assert controller.view("flagged_participants") == []
    for node in nodes[:3]:  # everyone but node3 renews
        node.account.call(controller, "submit_attestation", {"quote": quote_for(hot_chain, node, ttl=600).to_dict()})
    hot_chain.advance_blocks(40)
    assert controller.view("flagged_participants") == [{"account_id": nodes[3].account_id, "attestation": "expired"}]
    with reverts("E_NOT_ATTESTED"):
        nodes[3].account.call(controller, "vote_threshold", {"threshold": 3})
    for node in nodes[:3]:
        node.account.call(controller, "vote_remove_participant", {"account_id": nodes[3].account_id})
        if controller.view("get_state")["state"] == "Resharing":
            break
    for node in nodes[:3]:
        node.account.call(controller, "vote_reshared", {"epoch": 1})
    state = controller.view("get_state")
    assert state["state"] == "Running" and [p["account_id"] for p in state["participants"]] == [
        n.account_id for n in nodes[:3]]
    dao.call(controller, "revoke_measurement", {"measurement": MEASUREMENT.hex()})
    assert {f["attestation"] for f in controller.view("flagged_participants")} == {"revoked"}


def test_gatekeeper_registry(hot_chain, running, dao, nodes):  # type: ignore[no-untyped-def]
    key = public_hex(ed25519_key("gk"))
    with reverts("E_NOT_DAO"):
        nodes[0].account.call(running, "approve_gatekeeper", {"gatekeeper_id": "gk.test.near", "public_key": key})
    dao.call(running, "approve_gatekeeper", {"gatekeeper_id": "gk.test.near", "public_key": key})
    with reverts("E_ALREADY_ACTIVE"):
        dao.call(running, "approve_gatekeeper", {"gatekeeper_id": "gk.test.near", "public_key": key})
    assert running.view("get_gatekeeper", {"gatekeeper_id": "gk.test.near"})["status"] == "active"
    for node in nodes[:2]:  # nodes vote an abusive gatekeeper out (§4.1.3)
        node.account.call(running, "vote_remove_gatekeeper", {"gatekeeper_id": "gk.test.near"})
    assert running.view("get_gatekeeper", {"gatekeeper_id": "gk.test.near"})["status"] == "removed"
    with reverts("E_BAD_TRANSITION"):
        dao.call(running, "remove_gatekeeper", {"gatekeeper_id": "gk.test.near"})
    dao.call(running, "approve_gatekeeper", {"gatekeeper_id": "gk.test.near", "public_key": key})
    dao.call(running, "blacklist_gatekeeper", {"gatekeeper_id": "gk.test.near"})
    with reverts("E_BLACKLISTED"):
        dao.call(running, "approve_gatekeeper", {"gatekeeper_id": "gk.test.near", "public_key": key})
    assert [g["status"] for g in running.view("get_gatekeepers")] == ["blacklisted"]


def test_the_dao_replaces_the_quote_vendor(hot_chain, attested, dao):  # type: ignore[no-untyped-def]
    controller, nodes = attested
    new_vendor = SoftwareVendor(ed25519_key("tdx-vendor"))
    with reverts("E_NOT_DAO"):
        nodes[0].account.call(controller, "set_vendor_keys", {"vendor_public_keys": [new_vendor.public_key.hex()]})
    with reverts("E_BAD_KEY"):
        dao.call(controller, "set_vendor_keys", {"vendor_public_keys": ["00"]})
    dao.call(controller, "set_vendor_keys", {"vendor_public_keys": [new_vendor.public_key.hex()]})
    with reverts("E_QUOTE_SIGNATURE"):
        nodes[0].account.call(controller, "submit_attestation", {"quote": quote_for(hot_chain, nodes[0]).to_dict()})
    quote = quote_for(hot_chain, nodes[0], vendor=new_vendor)
    nodes[0].account.call(controller, "submit_attestation", {"quote": {**quote.to_dict(), "type": "software-v1"}})
    with reverts("E_BAD_QUOTE"):
        nodes[1].account.call(controller, "submit_attestation", {"quote": {
            **quote_for(hot_chain, nodes[1], vendor=new_vendor).to_dict(), "type": "tdx-v4"}})
