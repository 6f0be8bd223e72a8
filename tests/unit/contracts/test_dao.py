"""DAO: members only, quorum, veto window, execution through calls to the Controller and gTOKEN."""

from __future__ import annotations

from hot.sdk.testing import reverts

MEASUREMENT = "11" * 32


def test_a_passed_proposal_executes_on_the_controller_after_the_veto_window(protocol):  # type: ignore[no-untyped-def]
    p = protocol
    outsider = p.chain.create_account("outsider")
    args = {"measurement": MEASUREMENT, "expires_at": 4_000_000_000}
    with reverts("E_NOT_MEMBER"):
        outsider.call(p.dao, "propose", {"kind": "approve_measurement", "args": args})
    with reverts("E_BAD_KIND"):
        p.members[0].call(p.dao, "propose", {"kind": "transfer_everything", "args": {}})
    pid = p.members[0].call(p.dao, "propose", {"kind": "approve_measurement", "args": args}).value
    assert p.members[0].call(p.dao, "vote", {"proposal_id": pid, "approve": True}).value == "voting"
    with reverts("E_ALREADY_VOTED"):
        p.members[0].call(p.dao, "vote", {"proposal_id": pid, "approve": True})
    assert p.members[1].call(p.dao, "vote", {"proposal_id": pid, "approve": True}).value == "approved"
    with reverts("E_VETO_WINDOW_OPEN"):
        outsider.call(p.dao, "execute", {"proposal_id": pid})
    assert p.controller.view("get_measurements") == {}
    p.chain.advance_blocks(5)
    outsider.call(p.dao, "execute", {"proposal_id": pid})
    assert p.dao.view("get_proposal", {"proposal_id": pid})["status"] == "executed"
    assert p.controller.view("get_measurements") == {MEASUREMENT: {"expires_at": 4_000_000_000, "revoked": False}}
    with reverts("E_BAD_TRANSITION"):
        outsider.call(p.dao, "execute", {"proposal_id": pid})


def test_only_the_dao_contract_reaches_admin_calls(protocol):  # type: ignore[no-untyped-def]
    with reverts("E_NOT_DAO"):
        protocol.members[0].call(protocol.controller, "approve_measurement",
                                 {"measurement": MEASUREMENT, "expires_at": 4_000_000_000})


def test_a_member_vetoes_inside_the_window(protocol):  # type: ignore[no-untyped-def]
    p = protocol
    outsider = p.chain.create_account("outsider")
    pid = p.members[0].call(p.dao, "propose", {"kind": "set_reward_per_period", "args": {"amount": "5"}}).value
    for member in p.members[:2]:
        member.call(p.dao, "vote", {"proposal_id": pid, "approve": True})
    with reverts("E_NOT_MEMBER"):
        outsider.call(p.dao, "veto", {"proposal_id": pid})
    p.members[2].call(p.dao, "veto", {"proposal_id": pid})
    p.chain.advance_blocks(5)
    with reverts("E_BAD_TRANSITION"):
        p.members[0].call(p.dao, "execute", {"proposal_id": pid})
    assert p.dao.view("get_proposal", {"proposal_id": pid})["status"] == "vetoed"


def test_veto_after_the_window_is_refused(protocol):  # type: ignore[no-untyped-def]
    p = protocol
    pid = p.members[0].call(p.dao, "propose", {"kind": "set_unstake_delay", "args": {"blocks": 7}}).value
    for member in p.members[:2]:
        member.call(p.dao, "vote", {"proposal_id": pid, "approve": True})
    p.chain.advance_blocks(5)
    with reverts("E_VETO_WINDOW_CLOSED"):
        p.members[2].call(p.dao, "veto", {"proposal_id": pid})


def test_rejection_when_quorum_is_out_of_reach_and_voting_closes(protocol):  # type: ignore[no-untyped-def]
    p = protocol
    pid = p.members[0].call(p.dao, "propose", {"kind": "add_member", "args": {"account_id": "x.test.near"}}).value
    p.members[0].call(p.dao, "vote", {"proposal_id": pid, "approve": False})
    assert p.members[1].call(p.dao, "vote", {"proposal_id": pid, "approve": False}).value == "rejected"
    late = p.members[0].call(p.dao, "propose", {"kind": "add_member", "args": {"account_id": "y.test.near"}}).value
    p.chain.advance_blocks(20)
    with reverts("E_VOTING_CLOSED"):
        p.members[1].call(p.dao, "vote", {"proposal_id": late, "approve": True})


def test_members_change_and_a_refused_action_is_recorded_as_failed(protocol):  # type: ignore[no-untyped-def]
    p = protocol
    assert p.dao_decides("add_member", {"account_id": "new.test.near"})["status"] == "executed"
    assert "new.test.near" in p.dao.view("get_members")
    failed = p.dao_decides("revoke_measurement", {"measurement": MEASUREMENT})  # never approved
    assert failed["status"] == "failed"
    assert p.controller.view("get_measurements") == {}
