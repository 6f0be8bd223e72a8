"""The NEAR JSON-RPC server over plain HTTP: results, NEAR's error shapes, and bad input changes nothing."""

from __future__ import annotations

import base64
import json
import httpx
import pytest
from hot.near.actions import FunctionCall, Transfer
from hot.near.signer import KeyPair, read_key_file

from tests.support.contracts import KITCHEN as KITCHEN_SOURCE

from .chain_rpc_helpers import create_account_with_contract, result, rpc, signed

pytestmark = pytest.mark.integration
KITCHEN = KITCHEN_SOURCE.read_bytes()


@pytest.fixture(scope="module")
def net(near_rpc):  # type: ignore[no-untyped-def]
    """The RPC node with `kitchen.test.near` deployed (created once for this module)."""
    root_id, root_key = read_key_file(near_rpc.root_key_file)
    create_account_with_contract(near_rpc.url, root_id, root_key, "kitchen.test.near", KITCHEN,
                                 b'{"owner":"test.near"}')
    return near_rpc.url, root_id, root_key


def state_fingerprint(url: str) -> tuple[object, ...]:
    acct = result(url, "query", {"request_type": "view_account", "account_id": "test.near", "finality": "final"})
    state = result(url, "query", {"request_type": "view_state", "account_id": "kitchen.test.near",
                                  "prefix_base64": "", "finality": "final"})
    return acct["amount"], state["values"]


def error_of(response: httpx.Response) -> dict[str, object]:
    body = response.json()
    assert "error" in body and "result" not in body, body
    return body["error"]  # type: ignore[no-any-return]


def test_status_has_what_clients_read_at_start(net) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = net
    status = result(url, "status", {"finality": "final"})
    assert status["chain_id"] == "localnet"
    assert status["sync_info"]["syncing"] is False
    assert isinstance(status["sync_info"]["latest_block_height"], int)
    assert len(status["sync_info"]["latest_block_hash"]) >= 32
    assert httpx.get(url + "/status").json()["chain_id"] == "localnet"


def test_blocks_chunks_gas_price_validators(net) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = net
    latest = result(url, "block", {"finality": "final"})
    by_height = result(url, "block", {"block_id": latest["header"]["height"]})
    by_hash = result(url, "block", [latest["header"]["hash"]])
    assert by_height == by_hash == latest
    chunk = result(url, "chunk", {"chunk_id": latest["chunks"][0]["chunk_hash"]})
    assert chunk["header"]["chunk_hash"] == latest["chunks"][0]["chunk_hash"]
    assert "transactions" in result(url, "chunk", {"block_id": 1, "shard_id": 0})
    assert result(url, "gas_price", [None]) == {"gas_price": "100000000"}
    assert result(url, "validators", [None])["current_validators"][0]["account_id"] == "test.near"
    missing = rpc(url, "block", {"block_id": 10**9})
    assert missing.status_code == 200 and error_of(missing)["cause"]["name"] == "UNKNOWN_BLOCK"
    stale_query = rpc(url, "query", {"request_type": "view_account", "account_id": "test.near", "block_id": "1" * 44})
    assert error_of(stale_query)["cause"]["name"] == "UNKNOWN_BLOCK"
    assert httpx.get(url + "/health").status_code == 200


def test_query_kinds(net) -> None:  # type: ignore[no-untyped-def]
    url, root_id, root_key = net
    account = result(url, "query", {"request_type": "view_account", "account_id": "kitchen.test.near",
                                    "finality": "final"})
    assert {"amount", "locked", "code_hash", "storage_usage", "block_height", "block_hash"} <= set(account)
    keys = result(url, "query", {"request_type": "view_access_key_list", "account_id": root_id, "finality": "final"})
    assert keys["keys"][0]["public_key"] == str(root_key.public_key)
    bare = str(root_key.public_key).removeprefix("ed25519:")  # py-near sends the key without its prefix
    assert result(url, "query", {"request_type": "view_access_key", "account_id": root_id, "public_key": bare,
                                 "finality": "optimistic"})["permission"] == "FullAccess"
    code = result(url, "query", {"request_type": "view_code", "account_id": "kitchen.test.near", "finality": "final"})
    assert base64.b64decode(code["code_base64"]) == KITCHEN
    view = result(url, "query", {"request_type": "call_function", "account_id": "kitchen.test.near",
                                 "method_name": "get_counter", "args_base64": base64.b64encode(b"{}").decode(),
                                 "finality": "optimistic"})
    assert isinstance(json.loads(bytes(view["result"])), int) and view["logs"] == []


def test_function_call_commit_async_and_tx_status(net) -> None:  # type: ignore[no-untyped-def]
    url, root_id, root_key = net
    before = json.loads(bytes(result(url, "query", {
        "request_type": "call_function", "account_id": "kitchen.test.near", "method_name": "get_counter",
        "args_base64": "e30=", "finality": "final"})["result"]))
    tx = signed(url, root_id, root_key, "kitchen.test.near", [FunctionCall("increment", b'{"by":2}', 10**14, 0)])
    outcome = result(url, "broadcast_tx_commit", [tx])
    assert json.loads(base64.b64decode(outcome["status"]["SuccessValue"])) == before + 2
    assert outcome["receipts_outcome"][0]["outcome"]["logs"][0].startswith("EVENT_JSON:")
    tx_hash = outcome["transaction"]["hash"]
    assert result(url, "tx", [tx_hash, root_id])["transaction"]["hash"] == tx_hash
    experimental = result(url, "EXPERIMENTAL_tx_status", {"tx_hash": tx_hash, "sender_account_id": root_id})
    assert experimental["receipts"][0]["receiver_id"] == "kitchen.test.near"
    tx2 = signed(url, root_id, root_key, "kitchen.test.near", [FunctionCall("increment", b"{}", 10**14, 0)])
    tx2_hash = result(url, "broadcast_tx_async", [tx2])
    assert result(url, "tx", {"tx_hash": tx2_hash, "sender_account_id": root_id, "wait_until": "FINAL"})[
        "status"] == {"SuccessValue": base64.b64encode(str(before + 3).encode()).decode()}
    tx3 = signed(url, root_id, root_key, "kitchen.test.near", [FunctionCall("increment", b"{}", 10**14, 0)])
    sent = result(url, "send_tx", {"signed_tx_base64": tx3, "wait_until": "EXECUTED_OPTIMISTIC"})
    assert sent["final_execution_status"] == "FINAL" and "SuccessValue" in sent["status"]


def test_contract_panic_and_missing_method_in_views_and_transactions(net) -> None:  # type: ignore[no-untyped-def]
    url, root_id, root_key = net
    view = result(url, "query", {"request_type": "call_function", "account_id": "kitchen.test.near",
                                 "method_name": "sneaky_write", "args_base64": "e30=", "finality": "final"})
    assert "E_PROHIBITED_IN_VIEW" in view["error"] and "GuestPanic" in view["error"]
    missing = result(url, "query", {"request_type": "call_function", "account_id": "kitchen.test.near",
                                    "method_name": "nope", "args_base64": "e30=", "finality": "final"})
    assert "MethodNotFound" in missing["error"]
    tx = signed(url, root_id, root_key, "kitchen.test.near", [FunctionCall("fail_after_write", b"{}", 10**14, 0)])
    outcome = result(url, "broadcast_tx_commit", [tx])
    assert outcome["status"] == {"Failure": {"ActionError": {"index": 0, "kind": {"FunctionCallError": {
        "ExecutionError": "Smart contract panicked: E_NOPE: rolled back"}}}}}
    tx = signed(url, root_id, root_key, "kitchen.test.near", [FunctionCall("nope", b"{}", 10**14, 0)])
    assert result(url, "broadcast_tx_commit", [tx])["status"]["Failure"]["ActionError"]["kind"] == {
        "FunctionCallError": {"MethodResolveError": "MethodNotFound"}}


def test_unknown_account_and_key_shapes(net) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = net
    response = rpc(url, "query", {"request_type": "view_account", "account_id": "ghost.test.near",
                                  "finality": "final"})
    err = error_of(response)
    assert response.status_code == 200 and err["name"] == "HANDLER_ERROR" and err["code"] == -32000
    assert err["cause"]["name"] == "UNKNOWN_ACCOUNT"
    assert err["cause"]["info"]["requested_account_id"] == "ghost.test.near"
    assert err["data"] == "account ghost.test.near does not exist while viewing"
    key = str(KeyPair.from_seed(b"nobody").public_key)
    legacy = result(url, "query", {"request_type": "view_access_key", "account_id": "test.near", "public_key": key,
                                   "finality": "final"})
    assert legacy["error"] == f"access key {key} does not exist while viewing"
    nocode = error_of(rpc(url, "query", {"request_type": "view_code", "account_id": "test.near", "finality": "final"}))
    assert nocode["cause"]["name"] == "NO_CONTRACT_CODE"


def test_invalid_transactions_answer_near_shapes_and_change_nothing(net) -> None:  # type: ignore[no-untyped-def]
    url, root_id, root_key = net
    before = state_fingerprint(url)
    good = signed(url, root_id, root_key, "kitchen.test.near", [Transfer(1)])
    stale = signed(url, root_id, root_key, "kitchen.test.near", [Transfer(1)], nonce=1)
    err = error_of(rpc(url, "broadcast_tx_commit", [stale]))
    assert err["cause"]["name"] == "INVALID_TRANSACTION" and err["code"] == -32000
    assert "InvalidNonce" in err["data"]["TxExecutionError"]["InvalidTxError"]
    raw = bytearray(base64.b64decode(good))
    raw[-2] ^= 0xFF
    err = error_of(rpc(url, "broadcast_tx_commit", [base64.b64encode(bytes(raw)).decode()]))
    assert err["data"] == {"TxExecutionError": {"InvalidTxError": "InvalidSignature"}}
    stranger = KeyPair.from_seed(b"stranger")
    err = error_of(rpc(url, "broadcast_tx_commit", [_sign_raw(url, root_id, stranger)]))
    assert "AccessKeyNotFound" in err["data"]["TxExecutionError"]["InvalidTxError"]["InvalidAccessKeyError"]
    assert state_fingerprint(url) == before


def _sign_raw(url: str, signer: str, key: KeyPair) -> str:
    import base58

    head = base58.b58decode(result(url, "status", [])["sync_info"]["latest_block_hash"])
    return base64.b64encode(key.sign_transaction(signer, "kitchen.test.near", 1, head, [Transfer(1)])).decode()


@pytest.mark.parametrize("body, cause, code, status", [
    (b"{not json", "PARSE_ERROR", -32700, 400),
    (b"[1, 2]", "PARSE_ERROR", -32700, 400),
    (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "no_such_method", "params": []}).encode(),
     "METHOD_NOT_FOUND", -32601, 400),
    (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_commit", "params": ["%%%not base64"]}).encode(),
     "PARSE_ERROR", -32700, 400),
    (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_commit", "params": ["AAAA"]}).encode(),
     "PARSE_ERROR", -32700, 400),
    (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "query", "params": {"request_type": "view_access_key",
     "account_id": "test.near", "public_key": "ed25519:0OIl", "finality": "final"}}).encode(), "PARSE_ERROR", -32700, 400),
    (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "query", "params": {"request_type": "view_account"}}).encode(),
     "PARSE_ERROR", -32700, 400),
    (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "query", "params": {"request_type": "call_function",
     "account_id": "kitchen.test.near", "method_name": "x", "args_base64": "!!", "finality": "final"}}).encode(),
     "PARSE_ERROR", -32700, 400),
    (b"x" * (7 * 1024 * 1024), "PARSE_ERROR", -32700, 400),
    (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "query", "params": {"request_type": "call_function",
     "account_id": "kitchen.test.near", "method_name": "get_counter", "args_base64": "e30=" * (1024 * 1024 + 1),
     "finality": "final"}}).encode(), "PARSE_ERROR", -32700, 400),
])
def test_bad_requests_get_near_error_shapes(net, body: bytes, cause: str, code: int, status: int) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = net
    before = state_fingerprint(url)
    response = httpx.post(url, content=body, headers={"content-type": "application/json"}, timeout=30)
    err = error_of(response)
    assert (response.status_code, err["cause"]["name"], err["code"]) == (status, cause, code)
    assert err["name"] == "REQUEST_VALIDATION_ERROR"
    assert state_fingerprint(url) == before


def test_oversized_transaction_is_refused(net) -> None:  # type: ignore[no-untyped-def]
    url, root_id, root_key = net
    huge = signed(url, root_id, root_key, "kitchen.test.near",
                  [FunctionCall("increment", b" " * 1_600_000, 10**14, 0)])
    err = error_of(rpc(url, "broadcast_tx_commit", [huge]))
    assert "TransactionSizeExceeded" in err["data"]["TxExecutionError"]["InvalidTxError"]


def test_curl_with_its_default_form_content_type(net) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    url, _, _ = net
    body = '{"jsonrpc":"2.0","id":"dontcare","method":"query","params":{"request_type":"view_account",' \
           '"account_id":"kitchen.test.near","finality":"final"}}'
    out = subprocess.run(["curl", "-s", "--max-time", "20", "-d", body, url], capture_output=True, text=True,
                         timeout=30, check=True)
    reply = json.loads(out.stdout)
    assert reply["id"] == "dontcare" and int(reply["result"]["amount"]) > 0


def test_unknown_transaction_shape(net) -> None:  # type: ignore[no-untyped-def]
    url, root_id, _ = net
    err = error_of(rpc(url, "tx", ["11111111111111111111111111111111", root_id]))
    assert err["cause"]["name"] == "UNKNOWN_TRANSACTION" and err["name"] == "HANDLER_ERROR"
