"""What NEAR's answers mean: coded failures keep their E_ code from the chain to the caller."""

from __future__ import annotations

import base64

import pytest

from hot.localnet.chain.executor import panic_failure
from hot.near import outcome_value
from hot.near.outcomes import (
    failure_code,
    invalid_nonce,
    invalid_tx_detail,
    view_failure_code,
)
from hot.near.queries import FINAL, BlockRef, call_function_params, call_function_result
from hot.wire.errors import ContractError, EncodingError, TransactionFailed, ViewFailed


def failure(kind: object) -> dict[str, object]:
    return {"status": {"Failure": {"ActionError": {"index": 0, "kind": kind}}},
            "receipts_outcome": [{"outcome": {"logs": ["before the panic"]}}]}


def test_a_panic_in_a_transaction_keeps_its_code() -> None:
    panic = panic_failure("E_NOT_OWNER: only the owner approves", [])
    with pytest.raises(TransactionFailed) as caught:
        outcome_value(failure(panic.kind))
    assert isinstance(caught.value, ContractError) and caught.value.error_code == "E_NOT_OWNER"
    assert caught.value.logs == ["before the panic"] and caught.value.kind == panic.kind


def test_a_panic_in_a_view_keeps_its_code() -> None:
    panic = panic_failure('E_GONE: a "quoted" reason', [])
    assert view_failure_code(panic.vm_error) == ("E_GONE", 'a "quoted" reason')
    answer = {"error": panic.vm_error, "logs": [], "block_hash": "h", "block_height": 3}
    with pytest.raises(ViewFailed) as caught:
        call_function_result(answer)
    assert caught.value.error_code == "E_GONE"


def test_other_failures_are_named_by_their_variant() -> None:
    assert failure_code({"FunctionCallError": {"MethodResolveError": "MethodNotFound"}})[0] == "E_METHOD_NOT_FOUND"
    assert failure_code({"AccountDoesNotExist": {"account_id": "x"}})[0] == "AccountDoesNotExist"
    assert failure_code({"FunctionCallError": {"ExecutionError": "Exceeded the prepaid gas."}})[0] == "E_EXECUTION"


def test_success_values_decode_and_malformed_outcomes_are_encoding_errors() -> None:
    assert outcome_value({"status": {"SuccessValue": base64.b64encode(b'{"a": 1}').decode()}}) == {"a": 1}
    assert outcome_value({"status": {"SuccessValue": ""}}) is None
    with pytest.raises(EncodingError):
        outcome_value({"status": "pending"})


def test_nonce_conflicts_are_read_from_either_place_nearcore_puts_them() -> None:
    detail = {"InvalidNonce": {"tx_nonce": 5, "ak_nonce": 9}}
    legacy = {"name": "HANDLER_ERROR", "cause": {"name": "INVALID_TRANSACTION", "info": {}},
              "data": {"TxExecutionError": {"InvalidTxError": detail}}}
    current = {"name": "HANDLER_ERROR", "cause": {"name": "INVALID_TRANSACTION", "info": {
        "TxExecutionError": {"InvalidTxError": detail}}}}
    assert invalid_tx_detail(legacy) == detail == invalid_tx_detail(current)
    assert invalid_nonce(detail) == 9 and invalid_nonce("InvalidSignature") is None


def test_reads_default_to_final_state_and_can_pin_a_block() -> None:
    assert call_function_params("a.near", "m", b"{}")["finality"] == "final"
    pinned = call_function_params("a.near", "m", b"{}", BlockRef.at("Hash111"))
    assert pinned["block_id"] == "Hash111" and "finality" not in pinned
    assert FINAL.params() == {"finality": "final"}
    for bad in (lambda: BlockRef("latest"), lambda: BlockRef(None, None), lambda: BlockRef("final", 5)):
        with pytest.raises(EncodingError):
            bad()
    with pytest.raises(EncodingError, match="block_hash"):
        call_function_result({"result": [1]})  # an answer that does not say which block it describes
