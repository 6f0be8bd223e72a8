"""Controller key events: key generation and resharing (whitepaper §2.2.3-§2.2.4), allowed and refused."""

from __future__ import annotations

from hot.sdk.testing import reverts

from tests.support.protocol_contracts import pk_hex, run_keygen


def test_keygen_moves_to_running_with_root_keys(controller, dao, nodes):  # type: ignore[no-untyped-def]
    assert controller.view("get_state")["state"] == "NotInitialized"
    run_keygen(controller, dao, nodes[:3], 2, ["ed25519", "secp256k1"])
    state = controller.view("get_state")
    assert state["state"] == "Running" and state["epoch"] == 0 and state["threshold"] == 2
    assert [d["public_key"] for d in state["domains"]] == [pk_hex("root0"), pk_hex("root1", 33)]
    assert [p["account_id"] for p in state["participants"]] == [n.account_id for n in nodes[:3]]
    assert state["participants"][0]["p2p_public_key"] == controller.view(
        "get_node", {"account_id": nodes[0].account_id})["p2p_public_key"]
    assert state["key_event"] is None


def test_begin_keygen_only_by_the_dao(controller, nodes):  # type: ignore[no-untyped-def]
    with reverts("E_NOT_DAO"):
        nodes[0].account.call(controller, "begin_keygen", {
            "participants": [n.account_id for n in nodes[:3]], "threshold": 2, "schemes": ["ed25519"]})
    assert controller.view("get_state")["state"] == "NotInitialized"


def test_begin_keygen_refuses_unregistered_nodes_and_bad_thresholds(hot_chain, controller, dao, nodes):  # type: ignore[no-untyped-def]
    stranger = hot_chain.create_account("stranger")
    args = {"participants": [nodes[0].account_id, stranger.account_id], "threshold": 2, "schemes": ["ed25519"]}
    with reverts("E_UNKNOWN_NODE"):
        dao.call(controller, "begin_keygen", args)
    with reverts("E_BAD_THRESHOLD"):  # ECDSA needs n >= 2t-1: 3 nodes cannot run t = 3
        dao.call(controller, "begin_keygen", {"participants": [n.account_id for n in nodes[:3]],
                                              "threshold": 3, "schemes": ["secp256k1"]})
    with reverts("E_BAD_THRESHOLD"):
        dao.call(controller, "begin_keygen", {"participants": [n.account_id for n in nodes[:3]],
                                              "threshold": 1, "schemes": ["ed25519"]})
    with reverts("E_BAD_SCHEME"):
        dao.call(controller, "begin_keygen", {"participants": [n.account_id for n in nodes[:3]],
                                              "threshold": 2, "schemes": ["rsa"]})
    # Allowed: FROST alone runs t = n.
    dao.call(controller, "begin_keygen", {"participants": [n.account_id for n in nodes[:3]],
                                          "threshold": 3, "schemes": ["ed25519"]})
    assert controller.view("get_state")["state"] == "Initializing"


def test_vote_pk_refusals_change_nothing(hot_chain, controller, dao, nodes):  # type: ignore[no-untyped-def]
    dao.call(controller, "begin_keygen", {"participants": [n.account_id for n in nodes[:3]],
                                          "threshold": 2, "schemes": ["ed25519"]})
    with reverts("E_NOT_PARTICIPANT"):
        nodes[4].account.call(controller, "vote_pk", {"domain_id": 0, "public_key": pk_hex("k")})
    with reverts("E_WRONG_DOMAIN"):
        nodes[0].account.call(controller, "vote_pk", {"domain_id": 1, "public_key": pk_hex("k")})
    with reverts("E_BAD_KEY"):
        nodes[0].account.call(controller, "vote_pk", {"domain_id": 0, "public_key": pk_hex("k", 33)})
    assert controller.view("get_key_event")["votes"] == {}
    nodes[0].account.call(controller, "vote_pk", {"domain_id": 0, "public_key": pk_hex("k")})
    with reverts("E_ALREADY_VOTED"):
        nodes[0].account.call(controller, "vote_pk", {"domain_id": 0, "public_key": pk_hex("other")})
    assert controller.view("get_key_event")["votes"] == {nodes[0].account_id: pk_hex("k")}


def test_disagreeing_keys_adopt_nothing_and_a_stalled_event_is_retried(hot_chain, controller, dao, nodes):  # type: ignore[no-untyped-def]
    dao.call(controller, "begin_keygen", {"participants": [n.account_id for n in nodes[:3]],
                                          "threshold": 2, "schemes": ["ed25519"]})
    for node, key in zip(nodes[:3], ["k", "k", "evil"]):
        node.account.call(controller, "vote_pk", {"domain_id": 0, "public_key": pk_hex(key)})
    assert controller.view("get_state")["state"] == "Initializing"
    assert controller.view("get_domains")[0]["public_key"] is None
    with reverts("E_NOT_STALLED"):
        nodes[0].account.call(controller, "cancel_stalled_key_event")
    hot_chain.advance_blocks(5)
    with reverts("E_NOT_PARTICIPANT"):
        nodes[4].account.call(controller, "cancel_stalled_key_event")
    event = nodes[0].account.call(controller, "cancel_stalled_key_event").value
    assert event["attempt"] == 1 and event["votes"] == {}
    for node in nodes[:3]:
        node.account.call(controller, "vote_pk", {"domain_id": 0, "public_key": pk_hex("k")})
    assert controller.view("get_state")["state"] == "Running"
    assert controller.view("get_domains")[0]["public_key"] == pk_hex("k")


def test_add_participant_reshares_to_a_new_epoch(running, nodes):  # type: ignore[no-untyped-def]
    new = nodes[3].account_id
    nodes[0].account.call(running, "vote_add_participant", {"account_id": new})
    assert running.view("get_votes") == {f"add_participant:{new}": [nodes[0].account_id]}
    nodes[1].account.call(running, "vote_add_participant", {"account_id": new})  # 2 of 3 = 67% >= 60%
    event = running.view("get_key_event")
    assert running.view("get_state")["state"] == "Resharing"
    assert event["kind"] == "reshare" and event["epoch"] == 1 and new in event["participants"]
    assert running.view("get_votes") == {}  # stale votes dropped on the transition
    with reverts("E_WRONG_EPOCH"):
        nodes[3].account.call(running, "vote_reshared", {"epoch": 0})
    with reverts("E_NOT_PARTICIPANT"):
        nodes[4].account.call(running, "vote_reshared", {"epoch": 1})
    for node in nodes[:4]:
        node.account.call(running, "vote_reshared", {"epoch": 1})
    state = running.view("get_state")
    assert state["state"] == "Running" and state["epoch"] == 1 and len(state["participants"]) == 4
    assert state["domains"][0]["public_key"] == pk_hex("root0")  # resharing keeps the keys


def test_proposal_refusals_and_one_vote_of_three_does_not_pass(running, nodes):  # type: ignore[no-untyped-def]
    with reverts("E_BAD_THRESHOLD"):  # secp256k1 with n = 3 cannot run t = 3
        nodes[0].account.call(running, "vote_threshold", {"threshold": 3})
    with reverts("E_NOT_PARTICIPANT"):
        nodes[3].account.call(running, "vote_remove_participant", {"account_id": nodes[2].account_id})
    with reverts("E_BAD_THRESHOLD"):  # removing one leaves n = 2 < 2t-1 = 3
        nodes[0].account.call(running, "vote_remove_participant", {"account_id": nodes[2].account_id})
    nodes[0].account.call(running, "vote_add_participant", {"account_id": nodes[3].account_id})
    assert running.view("get_state")["state"] == "Running"
    with reverts("E_ALREADY_VOTED"):
        nodes[0].account.call(running, "vote_add_participant", {"account_id": nodes[3].account_id})


def test_add_domain_generates_its_key(running, nodes):  # type: ignore[no-untyped-def]
    for node in nodes[:2]:
        node.account.call(running, "vote_add_domain", {"scheme": "ed25519"})
    assert running.view("get_state")["state"] == "Initializing"
    assert running.view("get_key_event")["domain_id"] == 2
    for node in nodes[:3]:
        node.account.call(running, "vote_pk", {"domain_id": 2, "public_key": pk_hex("third")})
    assert running.view("get_state")["state"] == "Running"
    assert running.view("get_domains")[2] == {"id": 2, "scheme": "ed25519", "public_key": pk_hex("third")}


def test_cancelled_resharing_keeps_the_old_epoch_and_never_reuses_its_id(hot_chain, running, nodes):  # type: ignore[no-untyped-def]
    for node in nodes[:2]:
        node.account.call(running, "vote_add_participant", {"account_id": nodes[3].account_id})
    with reverts("E_NOT_PARTICIPANT"):  # only the current (old) set cancels
        nodes[3].account.call(running, "vote_cancel_resharing")
    for node in nodes[:2]:
        node.account.call(running, "vote_cancel_resharing")
    state = running.view("get_state")
    assert state["state"] == "Running" and state["epoch"] == 0 and len(state["participants"]) == 3
    for node in nodes[:2]:
        node.account.call(running, "vote_add_participant", {"account_id": nodes[4].account_id})
    assert running.view("get_key_event")["epoch"] == 2


def test_votes_of_an_old_epoch_never_count(running, nodes):  # type: ignore[no-untyped-def]
    nodes[0].account.call(running, "vote_add_participant", {"account_id": nodes[4].account_id})  # stays open
    for node in nodes[1:3]:
        node.account.call(running, "vote_add_participant", {"account_id": nodes[3].account_id})
    for node in nodes[:4]:
        node.account.call(running, "vote_reshared", {"epoch": 1})
    assert running.view("get_votes") == {}
    nodes[1].account.call(running, "vote_add_participant", {"account_id": nodes[4].account_id})
    nodes[2].account.call(running, "vote_add_participant", {"account_id": nodes[4].account_id})
    # 2 of 4 = 50% < 60%: node0's epoch-0 vote is gone, so this does not pass yet.
    assert running.view("get_state")["state"] == "Running"
    nodes[0].account.call(running, "vote_add_participant", {"account_id": nodes[4].account_id})
    assert running.view("get_state")["state"] == "Resharing"


def test_scheduled_refresh_reshares_to_the_same_set(hot_chain, running, dao, nodes):  # type: ignore[no-untyped-def]
    with reverts("E_REFRESH_NOT_DUE"):
        hot_chain.create_account("anyone").call(running, "trigger_refresh")
    dao.call(running, "set_economics", {"economics": {"refresh_interval_blocks": 10}})
    hot_chain.advance_blocks(10)
    event = hot_chain.root.call(running, "trigger_refresh").value
    assert event["kind"] == "reshare" and event["epoch"] == 1
    assert event["participants"] == [n.account_id for n in nodes[:3]] and event["threshold"] == 2
    for node in nodes[:3]:
        node.account.call(running, "vote_reshared", {"epoch": 1})
    assert running.view("get_state")["epoch"] == 1
    with reverts("E_REFRESH_NOT_DUE"):  # the interval counts from the new epoch
        hot_chain.root.call(running, "trigger_refresh")
    dao.call(running, "set_economics", {"economics": {"refresh_interval_blocks": 0}})
    with reverts("E_REFRESH_DISABLED"):
        hot_chain.root.call(running, "trigger_refresh")
