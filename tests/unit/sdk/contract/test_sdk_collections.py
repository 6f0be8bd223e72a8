"""Typed persistent collections, nested collections, dataclass values and cross-contract calls."""

from __future__ import annotations

import pytest
from hot.localnet.chain.chain import NEAR
from hot.sdk.testing import reverts
from hot.wire.errors import TransactionFailed
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.contracts import KITCHEN


def test_map_set_get_remove_count_and_order(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    root = hot_chain.root
    for name, score in [("zed", 1), ("amy", 2), ("bob", 3), ("amy", 5)]:
        root.call(kitchen, "set_score", {"name": name, "score": score})
    assert kitchen.view("get_scores") == {"amy": 5, "bob": 3, "zed": 1}
    assert kitchen.view("score_count") == 3
    assert root.call(kitchen, "remove_score", {"name": "bob"}).value is True
    assert root.call(kitchen, "remove_score", {"name": "bob"}).value is False
    assert kitchen.view("score_count") == 2


def test_nested_set_in_map(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    root = hot_chain.root
    root.call(kitchen, "join", {"group": "ops", "member": "b"})
    root.call(kitchen, "join", {"group": "ops", "member": "a"})
    root.call(kitchen, "join", {"group": "dev", "member": "a"})
    assert kitchen.view("group_members", {"group": "ops"}) == ["a", "b"]
    assert kitchen.view("group_names") == ["dev", "ops"]
    root.call(kitchen, "leave", {"group": "dev", "member": "a"})
    assert kitchen.view("group_names") == ["ops"]
    with reverts("E_NOT_IN_SET"):
        root.call(kitchen, "leave", {"group": "dev", "member": "a"})


def test_vector_append_pop(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    root = hot_chain.root
    assert [root.call(kitchen, "push", {"item": x}).value for x in "abc"] == [1, 2, 3]
    assert root.call(kitchen, "pop").value == "c"
    assert kitchen.view("get_history") == ["a", "b"]
    root.call(kitchen, "pop")
    root.call(kitchen, "pop")
    with reverts("E_INDEX_OUT_OF_RANGE"):
        root.call(kitchen, "pop")


def test_dataclass_values_round_trip(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    root = hot_chain.root
    root.call(kitchen, "propose", {"pid": 7, "title": "raise limits"})
    assert root.call(kitchen, "vote", {"pid": 7}).value == {"title": "raise limits", "votes": 1,
                                                             "voters": [root.account_id]}
    with reverts("E_VOTED"):
        root.call(kitchen, "vote", {"pid": 7})
    with reverts("E_KEY_NOT_FOUND"):
        root.call(kitchen, "vote", {"pid": 8})
    with reverts("E_EXISTS"):
        root.call(kitchen, "propose", {"pid": 7, "title": "again"})


def test_storage_usage_grows_and_shrinks_with_state(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    usage = lambda: hot_chain.chain.view_account(kitchen.account_id)["storage_usage"]
    start = usage()
    hot_chain.root.call(kitchen, "set_score", {"name": "n" * 100, "score": 1})
    grown = usage()
    assert grown > start + 100
    hot_chain.root.call(kitchen, "remove_score", {"name": "n" * 100})
    assert usage() == start


def test_view_may_consult_another_contract(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    other = hot_chain.create_account("other")
    other.deploy(KITCHEN, init="new", args={"owner": "x.test.near"})
    hot_chain.root.call(other, "increment", {"by": 41})
    assert kitchen.view("ask", {"other": other.account_id}) == 41
    with reverts("E_VIEW_CALL_FAILED"):
        kitchen.view("ask", {"other": hot_chain.root.account_id})  # no code there


def test_promise_runs_after_the_call_and_its_callback_sees_the_result(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    other = hot_chain.create_account("other")
    other.deploy(KITCHEN, init="new", args={"owner": "x.test.near"})
    result = hot_chain.root.call(kitchen, "poke", {"other": other.account_id, "by": 5})
    assert other.view("get_counter") == 5
    assert kitchen.view("get_history") == ["poked:True:5"]
    assert len(result.outcome["receipts_outcome"]) == 3  # call, promise, callback
    assert any('"increment"' in line for line in result.logs)


def test_failed_promise_keeps_the_caller_and_reports_failure_to_the_callback(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    other = hot_chain.create_account("other")
    other.deploy(KITCHEN, init="new", args={"owner": "x.test.near"})
    result = hot_chain.root.call(kitchen, "poke_failing", {"other": other.account_id})
    statuses = [r["outcome"]["status"] for r in result.outcome["receipts_outcome"]]
    assert "Failure" in statuses[1] and "SuccessValue" in statuses[2]
    assert kitchen.view("get_history") == ["poked:False:None"]


def test_contract_transfers_tokens(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    bob = hot_chain.create_account("bob")
    before = bob.balance
    hot_chain.root.call(kitchen, "pay", {"to": bob.account_id, "amount": NEAR})
    assert bob.balance == before + NEAR
    assert kitchen.view("balance_of", {"account": bob.account_id}) == str(before + NEAR)


def test_contract_cannot_overspend(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    bob = hot_chain.create_account("bob")
    before = bob.balance
    result = hot_chain.root.call(kitchen, "pay", {"to": bob.account_id, "amount": 10**6 * NEAR})
    assert "Failure" in result.outcome["receipts_outcome"][1]["outcome"]["status"]
    assert bob.balance == before


def test_snapshot_isolation_between_tests_part_one(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    hot_chain.root.call(kitchen, "increment", {"by": 10})
    assert kitchen.view("get_counter") == 10


def test_snapshot_isolation_between_tests_part_two(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    assert kitchen.view("get_counter") == 0  # part one's writes were reverted


def test_anchor_reverts_inside_a_test(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    with hot_chain.anchor():
        hot_chain.root.call(kitchen, "increment", {"by": 2})
        assert kitchen.view("get_counter") == 2
    assert kitchen.view("get_counter") == 0


def test_transaction_failed_is_a_contract_error(hot_chain, kitchen):  # type: ignore[no-untyped-def]
    from hot.wire.errors import ContractError

    with pytest.raises(ContractError):
        hot_chain.root.call(kitchen, "fail_after_write")
    assert issubclass(TransactionFailed, ContractError)


POSTPONED_ANNOTATIONS = '''
from __future__ import annotations
from dataclasses import dataclass
from hot.sdk.contract import contract, call, view, Map

@dataclass(frozen=True)
class Entry:
    who: str
    n: int

@contract
class Ledger:
    entries = Map(str, Entry)

    @call
    def put(self, k: str, e: Entry) -> Entry:
        self.entries[k] = e
        return self.entries[k]

    @view
    def get(self, k: str) -> Entry | None:
        return self.entries.get(k)
'''


def test_deployed_module_with_postponed_annotations_and_dataclass_args(hot_chain) -> None:  # type: ignore[no-untyped-def]
    app = hot_chain.create_account("ledger")
    app.deploy(POSTPONED_ANNOTATIONS)
    assert app.call(app, "put", {"k": "x", "e": {"who": "w", "n": 2}}).value == {"who": "w", "n": 2}
    assert app.view("get", {"k": "x"}) == {"who": "w", "n": 2}
    assert app.view("get", {"k": "y"}) is None
    with reverts("E_BAD_ARGS"):
        app.call(app, "put", {"k": "x", "e": {"who": "w"}})


MUTABLE_DEFAULT = '''
from hot.sdk.contract import contract, call, view, Value, require

@contract
class Keeper:
    items = Value(list[str], default=[])

    @call
    def add_then_fail(self, item: str) -> None:
        self.items.get().append(item)
        require(False, "E_STOP: the default must stay empty")

    @view
    def get(self) -> list[str]:
        return self.items.get()
'''


def test_value_default_is_not_shared_between_calls(hot_chain) -> None:  # type: ignore[no-untyped-def]
    app = hot_chain.create_account("keeper")
    app.deploy(MUTABLE_DEFAULT)
    with reverts("E_STOP"):
        app.call(app, "add_then_fail", {"item": "x"})
    assert app.view("get") == []


_MODEL_CHAIN: list[object] = []


def _model_chain():  # type: ignore[no-untyped-def]
    """One chain with the kitchen contract for the property test (hypothesis reuses it, reverting)."""
    from hot.sdk.testing import TestChain

    if not _MODEL_CHAIN:
        chain = TestChain()
        app = chain.create_account("model")
        app.deploy(KITCHEN, init="new", args={"owner": "x.test.near"})
        _MODEL_CHAIN.append((chain, app))
    return _MODEL_CHAIN[0]


@settings(max_examples=40)
@given(st.lists(st.tuples(st.sampled_from(["set", "remove"]), st.sampled_from(["a", "b", "é", "a b"]),
                          st.integers(-(2**70), 2**70)), max_size=10))
def test_map_behaves_like_a_dict(ops: list[tuple[str, str, int]]) -> None:
    chain, app = _model_chain()
    model: dict[str, int] = {}
    with chain.anchor():
        for op, name, score in ops:
            if op == "set":
                app.call(app, "set_score", {"name": name, "score": score})
                model[name] = score
            else:
                assert app.call(app, "remove_score", {"name": name}).value == (name in model)
                model.pop(name, None)
        assert app.view("get_scores") == model
        assert app.view("score_count") == len(model)


def test_a_returned_promise_becomes_the_transaction_result(hot_chain, kitchen) -> None:  # type: ignore[no-untyped-def]
    other = hot_chain.create_account("other")
    other.deploy(KITCHEN, init="new", args={"owner": "x.test.near"})
    forwarded = hot_chain.root.call(kitchen, "forward", {"other": other.account_id, "by": 4})
    assert forwarded.value == 4
    first = forwarded.outcome["receipts_outcome"][0]["outcome"]["status"]
    assert first == {"SuccessReceiptId": forwarded.outcome["receipts_outcome"][1]["id"]}
    assert hot_chain.root.call(kitchen, "forward_then", {"other": other.account_id, "by": 1}).value == \
        "other said 5"
