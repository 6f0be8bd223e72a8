"""@init/@view/@call semantics, coded failures, events, env, metering and storage limits."""

from __future__ import annotations

import pytest
from hot.localnet.chain.chain import NEAR
from hot.sdk.testing import reverts
from hot.wire.errors import TransactionFailed

from tests.support.contracts import KITCHEN


def state_of(hot_chain, account_id):  # type: ignore[no-untyped-def]
    return hot_chain.chain.view_state(account_id, "")["values"]


def test_call_returns_value_and_emits_nep297_event(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    result = hot_chain.root.call(kitchen, "increment", {"by": 3})
    assert result.value == 3
    assert result.events == [{"standard": "kitchen", "version": "1.0.0", "event": "increment",
                              "data": {"by": 3, "counter": 3}}]
    assert result.logs[0].startswith('EVENT_JSON:{"data":')
    assert kitchen.view("get_counter") == 3


def test_write_inside_view_raises_and_changes_nothing(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    before = state_of(hot_chain, kitchen.account_id)
    with reverts("E_PROHIBITED_IN_VIEW"):
        kitchen.view("sneaky_write")
    with reverts("E_PROHIBITED_IN_VIEW"):
        kitchen.view("sneaky_promise", {"other": kitchen.account_id})
    assert state_of(hot_chain, kitchen.account_id) == before
    assert kitchen.view("get_counter") == 0


def test_view_methods_are_not_callable_as_views_only_and_calls_not_as_views(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    with reverts("E_METHOD_NOT_FOUND"):
        kitchen.view("increment")
    with reverts("E_METHOD_NOT_FOUND"):
        hot_chain.root.call(kitchen, "no_such_method")


def test_failed_call_rolls_back_every_write_but_keeps_nonce_and_fee(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    root = hot_chain.root
    before_state = state_of(hot_chain, kitchen.account_id)
    nonce_before = hot_chain.chain.view_access_key(root.account_id, str(root.key.public_key))["nonce"]
    balance_before = root.balance
    with reverts("E_NOPE"):
        root.call(kitchen, "fail_after_write")
    assert state_of(hot_chain, kitchen.account_id) == before_state
    assert hot_chain.chain.view_access_key(root.account_id, str(root.key.public_key))["nonce"] == nonce_before + 1
    assert root.balance < balance_before  # the gas fee stays spent


def test_coded_failure_reaches_the_outcome_intact(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    with pytest.raises(TransactionFailed) as info:
        hot_chain.root.call(kitchen, "fail_after_write")
    assert info.value.error_code == "E_NOPE"
    assert info.value.kind == {"FunctionCallError": {"ExecutionError": "Smart contract panicked: E_NOPE: rolled back"}}


def test_reverts_rejects_a_different_code_and_a_success(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    with pytest.raises(AssertionError, match="expected failure E_OTHER, got E_NOPE"):
        with reverts("E_OTHER"):
            hot_chain.root.call(kitchen, "fail_after_write")
    with pytest.raises(AssertionError, match="succeeded"), reverts("E_NOPE"):
        hot_chain.root.call(kitchen, "increment")


def test_init_runs_once_and_calls_wait_for_it(hot_chain):  # type: ignore[no-untyped-def]
    app = hot_chain.create_account("fresh")
    app.deploy(KITCHEN)
    with reverts("E_NOT_INITIALIZED"):
        app.call(app, "increment")
    app.call(app, "new", {"owner": "x.test.near"})
    with reverts("E_ALREADY_INITIALIZED"):
        app.call(app, "new", {"owner": "y.test.near"})


def test_deposit_only_to_payable_methods(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    assert hot_chain.root.call(kitchen, "donate", deposit=5 * NEAR).value == 5 * NEAR
    with reverts("E_NOT_PAYABLE"):
        hot_chain.root.call(kitchen, "increment", deposit=1)


def test_private_method_only_from_the_contract_itself(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    with reverts("E_PRIVATE"):
        hot_chain.root.call(kitchen, "on_poked")


@pytest.mark.parametrize("args, why", [
    ({"by": "3"}, "str for int"), ({"by": True}, "bool for int"), ({"by": 1, "extra": 2}, "unknown arg"),
    ({"by": 1.5}, "float"),
])
def test_bad_arguments_are_coded_failures(hot_chain, kitchen, args, why):  # type: ignore[no-untyped-def]
    with reverts("E_BAD_ARGS"):
        hot_chain.root.call(kitchen, "increment", args)
    assert kitchen.view("get_counter") == 0, why


def test_unhandled_python_exception_is_a_panic_not_a_chain_crash(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    with pytest.raises(TransactionFailed) as info:
        hot_chain.root.call(kitchen, "crash")
    assert info.value.error_code == "E_PANIC"
    assert "ZeroDivisionError" in str(info.value)


def test_env_facts_in_view_and_call(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    facts = kitchen.view("env_facts")
    head = hot_chain.chain.head["header"]
    assert facts["current"] == kitchen.account_id and facts["is_view"] is True
    assert facts["height"] == head["height"] and facts["timestamp"] == head["timestamp"]
    assert len(bytes.fromhex(facts["seed"])) == 32 and int(facts["balance"]) > 0
    alice = hot_chain.chain.config.root_account
    first = hot_chain.root.call(kitchen, "call_facts").value
    second = hot_chain.root.call(kitchen, "call_facts").value
    assert first["predecessor"] == first["signer"] == alice
    assert second["height"] == first["height"] + 1
    assert first["seed"] != second["seed"]  # a fresh seed per block


def test_epoch_advances_with_blocks(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    length = hot_chain.chain.config.epoch_length
    start = kitchen.view("env_facts")["epoch"]
    hot_chain.advance_blocks(length)
    assert kitchen.view("env_facts")["epoch"] == start + 1


def test_infinite_loop_runs_out_of_gas_and_changes_nothing(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    before = state_of(hot_chain, kitchen.account_id)
    with pytest.raises(TransactionFailed) as info:
        hot_chain.root.call(kitchen, "spin", gas=2 * 10**12)
    assert info.value.kind == {"FunctionCallError": {"ExecutionError": "Exceeded the prepaid gas."}}
    assert state_of(hot_chain, kitchen.account_id) == before


def test_storage_must_be_paid_for(hot_chain):  # type: ignore[no-untyped-def]
    poor = hot_chain.create_account("poor", balance=NEAR // 10)  # pays for about 10 kB
    poor.deploy(KITCHEN, init="new", args={"owner": "x.test.near"})
    poor.call(poor, "store_blob", {"size": 1000})
    before = state_of(hot_chain, poor.account_id)
    with pytest.raises(TransactionFailed) as info:
        poor.call(poor, "store_blob", {"size": 50_000})
    assert "LackBalanceForState" in info.value.kind
    assert state_of(hot_chain, poor.account_id) == before


def test_oversized_value_is_refused(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    with reverts("E_VALUE_TOO_LARGE"):
        hot_chain.root.call(kitchen, "store_blob", {"size": 3 * 1024 * 1024})


def test_infinite_loop_in_a_view_runs_out_of_gas(kitchen) -> None:  # type: ignore[no-untyped-def]
    from hot.wire.errors import ContractExecutionError

    with pytest.raises(ContractExecutionError, match="GasExceeded"):
        kitchen.view("spin_view")


def test_time_travel_moves_block_time(hot_chain, kitchen) -> None:  # type: ignore[no-untyped-def]
    from hot.sdk.testing import expect_failure

    before = kitchen.view("env_facts")["timestamp"]
    hot_chain.time_travel(3600)
    assert kitchen.view("env_facts")["timestamp"] == before + 3600 * 10**9
    with pytest.raises(ValueError):
        hot_chain.time_travel(0)
    with expect_failure("E_NOPE"):
        hot_chain.root.call(kitchen, "fail_after_write")
