"""Fishermen's disputes: evidence checked on-chain, self-proving ones upheld at once, the rest to the DAO,
a veto window, then slashing through gTOKEN with the fisherman's share and the fee refunded (§3.2.3)."""

from __future__ import annotations

import json

import pytest
from hot.wire.encoding import canonical_json
from hot.wire.receipts import receipt_signing_bytes
from hot.wire.log import GENESIS_PREV_HASH, LogEntry
from hot.sdk.testing import reverts

from tests.support.protocol_contracts import TOKEN, ed25519_key, fund, make_node, public_hex

FEE = 10 * TOKEN
STAKE = 1000 * TOKEN


@pytest.fixture
def world(protocol):  # type: ignore[no-untyped-def]
    """A staked, registered node and a funded fisherman."""
    p = protocol
    node = make_node(p.chain, "node0")
    node.register(p.controller)
    fund(p.chain, p.gtoken, node.account, STAKE)
    node.account.call(p.gtoken, "stake", {"amount": str(STAKE)}, deposit=1)
    fisher = p.chain.create_account("fisher")
    fund(p.chain, p.gtoken, fisher, 100 * TOKEN)
    return p, node, fisher


def entry_line(node, body, kind="decision", seq=0) -> str:  # type: ignore[no-untyped-def]
    return LogEntry.create(seq, 1_764_000_000_000, kind, body, GENESIS_PREV_HASH, node.signing).to_json_line().decode()


def open_dispute(p, fisher, accused, kind, evidence, amount=FEE):  # type: ignore[no-untyped-def]
    msg = json.dumps({"dispute": {"accused": accused, "kind": kind, "evidence": evidence}})
    return fisher.call(p.gtoken, "ft_transfer_call", {"receiver_id": p.controller.account_id, "amount": str(amount),
                                                      "msg": msg}, deposit=1)


def balance(p, account) -> int:  # type: ignore[no-untyped-def]
    return int(p.gtoken.view("ft_balance_of", {"account_id": account.account_id}))


RELEASED = {"event": "signature_released", "key_id": "k", "request_hash": "ab", "authorization": "denied"}


def test_self_proving_dispute_slashes_rewards_and_refunds_after_the_veto_window(world):  # type: ignore[no-untyped-def]
    p, node, fisher = world
    start = balance(p, fisher)
    open_dispute(p, fisher, node.account_id, "unauthorized_signature", {"entry": entry_line(node, RELEASED)},
                 amount=FEE + 5 * TOKEN)
    assert balance(p, fisher) == start - FEE  # the excess came back as "unused"
    dispute = p.controller.view("get_dispute", {"dispute_id": 0})
    assert dispute["status"] == "upheld" and dispute["fisherman"] == fisher.account_id
    with reverts("E_VETO_WINDOW_OPEN"):
        fisher.call(p.controller, "execute_dispute", {"dispute_id": 0})
    p.chain.advance_blocks(3)
    fisher.call(p.controller, "execute_dispute", {"dispute_id": 0})
    slashed = STAKE // 2  # slash_bps 5000
    assert p.gtoken.view("staked_of", {"account_id": node.account_id}) == str(STAKE - slashed)
    assert balance(p, fisher) == start + slashed // 5  # 20% share, fee refunded
    assert p.controller.view("get_dispute", {"dispute_id": 0})["slashed"] == str(slashed)
    with reverts("E_BAD_TRANSITION"):
        fisher.call(p.controller, "execute_dispute", {"dispute_id": 0})


def test_refused_evidence_refunds_the_fee_and_records_nothing(world):  # type: ignore[no-untyped-def]
    p, node, fisher = world
    start = balance(p, fisher)
    impostor = make_node(p.chain, "impostor")
    forged = entry_line(impostor, RELEASED)  # signed by a key that is not node0's
    open_dispute(p, fisher, node.account_id, "unauthorized_signature", {"entry": forged})
    honest = entry_line(node, {**RELEASED, "authorization": "passed"})
    open_dispute(p, fisher, node.account_id, "unauthorized_signature", {"entry": honest})
    open_dispute(p, fisher, node.account_id, "unauthorized_signature", {"entry": entry_line(node, RELEASED)},
                 amount=FEE - 1)
    tampered = json.loads(entry_line(node, RELEASED))
    tampered["body"]["authorization"] = "passed"
    open_dispute(p, fisher, node.account_id, "log_entry", {"entry": canonical_json(tampered).decode()})
    assert balance(p, fisher) == start
    assert p.controller.view("get_dispute", {"dispute_id": 0}) is None


def test_equivocation_is_self_proving(world):  # type: ignore[no-untyped-def]
    p, node, fisher = world
    a, b = entry_line(node, {"n": 1}, "request"), entry_line(node, {"n": 2}, "request")
    open_dispute(p, fisher, node.account_id, "equivocation", {"entries": [a, a]})  # same entry twice: refused
    assert p.controller.view("get_dispute", {"dispute_id": 0}) is None
    open_dispute(p, fisher, node.account_id, "equivocation", {"entries": [a, b]})
    assert p.controller.view("get_dispute", {"dispute_id": 0})["status"] == "upheld"
    open_dispute(p, fisher, node.account_id, "equivocation", {"entries": [b, a]})  # the same pair: refunded
    assert p.controller.view("get_dispute", {"dispute_id": 1}) is None


def test_other_evidence_goes_to_the_dao_which_rejects_and_keeps_the_fee(world):  # type: ignore[no-untyped-def]
    p, node, fisher = world
    start = balance(p, fisher)
    unavailable = entry_line(node, {"event": "round_timeout", "peer": "node0"}, "error")
    open_dispute(p, fisher, node.account_id, "log_entry", {"entry": unavailable})
    assert p.controller.view("get_dispute", {"dispute_id": 0})["status"] == "pending"
    with reverts("E_BAD_TRANSITION"):
        fisher.call(p.controller, "execute_dispute", {"dispute_id": 0})
    with reverts("E_NOT_DAO"):
        fisher.call(p.controller, "resolve_dispute", {"dispute_id": 0, "upheld": True})
    assert p.dao_decides("resolve_dispute", {"dispute_id": 0, "upheld": False})["status"] == "executed"
    assert p.controller.view("get_dispute", {"dispute_id": 0})["status"] == "rejected"
    assert balance(p, fisher) == start - FEE
    assert p.gtoken.view("staked_of", {"account_id": node.account_id}) == str(STAKE)


def test_dao_upholds_a_gatekeeper_receipt_dispute_and_slashes_the_gatekeeper(world):  # type: ignore[no-untyped-def]
    p, _, fisher = world
    gk, gk_key = p.chain.create_account("gk"), ed25519_key("gk")
    fund(p.chain, p.gtoken, gk, 100 * TOKEN)
    gk.call(p.gtoken, "stake", {"amount": str(100 * TOKEN)}, deposit=1)
    p.dao_decides("approve_gatekeeper", {"gatekeeper_id": gk.account_id, "public_key": public_hex(gk_key)})
    receipt = {"deadline_ms": 1, "gatekeeper_id": gk.account_id, "request_hash": "cd" * 32}
    forged = {"receipt": receipt, "signature": ed25519_key("x").sign(receipt_signing_bytes(receipt["gatekeeper_id"], bytes.fromhex(receipt["request_hash"]), receipt["deadline_ms"])).hex()}
    open_dispute(p, fisher, gk.account_id, "gatekeeper_receipt", forged)
    assert p.controller.view("get_dispute", {"dispute_id": 0}) is None
    evidence = {"receipt": receipt, "signature": gk_key.sign(receipt_signing_bytes(receipt["gatekeeper_id"], bytes.fromhex(receipt["request_hash"]), receipt["deadline_ms"])).hex()}
    open_dispute(p, fisher, gk.account_id, "gatekeeper_receipt", evidence)
    assert p.controller.view("get_dispute", {"dispute_id": 0})["status"] == "pending"
    p.dao_decides("resolve_dispute", {"dispute_id": 0, "upheld": True})
    assert p.controller.view("get_dispute", {"dispute_id": 0})["status"] == "executed"
    assert p.gtoken.view("staked_of", {"account_id": gk.account_id}) == str(50 * TOKEN)


def test_the_dao_can_veto_a_self_proving_dispute_in_its_window(world):  # type: ignore[no-untyped-def]
    p, node, fisher = world
    p.dao_decides("set_economics", {"economics": {"veto_window_blocks": 30}})
    start = balance(p, fisher)
    open_dispute(p, fisher, node.account_id, "unauthorized_signature", {"entry": entry_line(node, RELEASED)})
    p.dao_decides("veto_dispute", {"dispute_id": 0})
    assert p.controller.view("get_dispute", {"dispute_id": 0})["status"] == "vetoed"
    assert balance(p, fisher) == start
    assert p.gtoken.view("staked_of", {"account_id": node.account_id}) == str(STAKE)


def test_only_gtoken_opens_disputes(world):  # type: ignore[no-untyped-def]
    p, _, fisher = world
    with reverts("E_NOT_GTOKEN"):
        fisher.call(p.controller, "ft_on_transfer", {"sender_id": fisher.account_id, "amount": str(FEE), "msg": "{}"})


def test_rewards_are_split_by_reported_work_once_per_chain_epoch(protocol):  # type: ignore[no-untyped-def]
    p = protocol
    nodes = [make_node(p.chain, f"node{i}") for i in range(3)]
    for node in nodes:
        node.register(p.controller)
    p.dao_decides("set_reward_per_period", {"amount": str(600 * TOKEN)})
    p.dao_decides("begin_keygen", {"participants": [n.account_id for n in nodes], "threshold": 2,
                                   "schemes": ["ed25519"]})
    for node in nodes:
        node.account.call(p.controller, "vote_pk", {"domain_id": 0, "public_key": "ab" * 32})
    outsider = p.chain.create_account("outsider")
    with reverts("E_NOT_PARTICIPANT"):
        outsider.call(p.controller, "report_work", {"units": 5})
    for node, units in zip(nodes, (1, 2, 0)):
        node.account.call(p.controller, "report_work", {"units": units})
    period = p.controller.view("get_work")["period"]
    with reverts("E_PERIOD_NOT_CLOSABLE"):  # the chain epoch is not over yet
        outsider.call(p.controller, "close_reward_period", {"period": period})
    p.chain.advance_blocks(100)
    weights = outsider.call(p.controller, "close_reward_period", {"period": period}).value
    assert weights == {nodes[0].account_id: "1", nodes[1].account_id: "2"}
    assert p.gtoken.view("ft_balance_of", {"account_id": nodes[1].account_id}) == str(400 * TOKEN)
    with reverts("E_PERIOD_NOT_CLOSABLE"):
        outsider.call(p.controller, "close_reward_period", {"period": period})


def test_min_stake_gates_participation_and_participants_show_their_stake(world):  # type: ignore[no-untyped-def]
    p, node0, _ = world
    others = [make_node(p.chain, f"node{i}") for i in (1, 2)]
    for node in others:
        node.register(p.controller)
    p.dao_decides("set_economics", {"economics": {"min_node_stake": str(STAKE)}})
    members = [node0.account_id] + [n.account_id for n in others]
    proposal = p.dao_decides("begin_keygen", {"participants": members, "threshold": 2, "schemes": ["ed25519"]})
    assert proposal["status"] == "failed"  # node1 and node2 stake nothing: the Controller refused
    assert p.controller.view("get_state")["state"] == "NotInitialized"
    for node in others:
        fund(p.chain, p.gtoken, node.account, STAKE)
        node.account.call(p.gtoken, "stake", {"amount": str(STAKE)}, deposit=1)
    assert p.dao_decides("begin_keygen", {"participants": members, "threshold": 2,
                                          "schemes": ["ed25519"]})["status"] == "executed"
    assert [x["stake"] for x in p.controller.view("get_participants")] == [str(STAKE)] * 3
    with reverts("E_NOT_DAO"):
        node0.account.call(p.controller, "set_economics", {"economics": {"slash_bps": 10_000}})
    with reverts("E_BAD_ECONOMICS"):  # the DAO account itself, with an out-of-range value
        p.dao.call(p.controller, "set_economics", {"economics": {"slash_bps": 10_001}})
