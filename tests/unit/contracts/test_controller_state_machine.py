"""STYLE habit 6: every call the Controller's state does not accept is refused, in every state."""

from __future__ import annotations

import pytest
from hot.contracts.controller_rules import (
    STATE_CALLS,
    TRANSITIONS,
    ProtocolState,
    check_transition,
)
from hot.sdk.contract import ContractPanic
from hot.sdk.testing import reverts

from tests.support.protocol_contracts import pk_hex

ALL_CALLS = sorted(set().union(*STATE_CALLS.values()))


def call_args(name: str, nodes) -> dict:  # type: ignore[no-untyped-def]
    """Plausible arguments for each state-gated call (valid except for the state)."""
    return {
        "begin_keygen": {"participants": [n.account_id for n in nodes[:3]], "threshold": 2, "schemes": ["ed25519"]},
        "vote_pk": {"domain_id": 0, "public_key": pk_hex("x")},
        "cancel_stalled_key_event": {},
        "vote_add_participant": {"account_id": nodes[4].account_id},
        "vote_remove_participant": {"account_id": nodes[2].account_id},
        "vote_threshold": {"threshold": 2},
        "vote_add_domain": {"scheme": "ed25519"},
        "vote_remove_gatekeeper": {"gatekeeper_id": "gk.test.near"},
        "vote_reshared": {"epoch": 1},
        "vote_cancel_resharing": {},
        "trigger_refresh": {},
    }[name]


def bring_to(state: ProtocolState, controller, dao, nodes) -> None:  # type: ignore[no-untyped-def]
    members = [n.account_id for n in nodes[:3]]
    if state is ProtocolState.NOT_INITIALIZED:
        return
    dao.call(controller, "begin_keygen", {"participants": members, "threshold": 2, "schemes": ["ed25519"]})
    if state is ProtocolState.INITIALIZING:
        return
    for node in nodes[:3]:
        node.account.call(controller, "vote_pk", {"domain_id": 0, "public_key": pk_hex("root")})
    if state is ProtocolState.RUNNING:
        return
    for node in nodes[:2]:
        node.account.call(controller, "vote_add_participant", {"account_id": nodes[3].account_id})


@pytest.mark.parametrize("state", list(ProtocolState), ids=lambda s: s.value)
def test_every_call_the_state_does_not_accept_is_refused(state, controller, dao, nodes):  # type: ignore[no-untyped-def]
    bring_to(state, controller, dao, nodes)
    before = controller.view("get_state")
    assert before["state"] == state.value
    refused = [name for name in ALL_CALLS if name not in STATE_CALLS[state]]
    assert refused
    for name in refused:
        caller = dao if name == "begin_keygen" else nodes[0].account
        with reverts("E_WRONG_STATE"):
            caller.call(controller, name, call_args(name, nodes))
    assert controller.view("get_state") == before


@pytest.mark.parametrize("current", list(ProtocolState), ids=lambda s: s.value)
@pytest.mark.parametrize("target", list(ProtocolState), ids=lambda s: s.value)
def test_transition_table_is_the_only_way(current, target):  # type: ignore[no-untyped-def]
    if (current, target) in TRANSITIONS:
        check_transition(current, target)
    else:
        with pytest.raises(ContractPanic, match="E_BAD_TRANSITION"):
            check_transition(current, target)


def test_the_table_is_published(controller):  # type: ignore[no-untyped-def]
    machine = controller.view("get_state_machine")
    assert ["NotInitialized", "Initializing", "begin_keygen"] in machine["transitions"]
    assert machine["calls"]["Resharing"] == ["cancel_stalled_key_event", "vote_cancel_resharing", "vote_reshared"]
