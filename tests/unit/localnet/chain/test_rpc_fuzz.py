"""Hypothesis fuzzing of the RPC's request parsing: any body gets a JSON-RPC answer and changes nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hot.localnet.chain.chain import Chain
from hot.localnet.rpc.near.app import handle_body
from hot.localnet.rpc.near.handlers import NearRpcMethods
from hot.localnet.rpc.near.producer import BlockProducer
from hypothesis import given, settings
from hypothesis import strategies as st

METHODS = ["status", "block", "chunk", "gas_price", "validators", "query", "broadcast_tx_commit",
           "broadcast_tx_async", "send_tx", "tx", "EXPERIMENTAL_tx_status", "nope"]
json_leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3) |
                          st.dictionaries(st.sampled_from(["request_type", "account_id", "block_id", "finality",
                                                           "public_key", "method_name", "args_base64", "tx_hash",
                                                           "signed_tx_base64", "chunk_id", "prefix_base64"]) |
                                          st.text(max_size=8), inner, max_size=5), max_leaves=12)
request_types = st.sampled_from(["view_account", "view_access_key", "view_access_key_list", "call_function",
                                 "view_state", "view_code", "bogus"])


@pytest.fixture(scope="module")
def rpc() -> Iterator[tuple[NearRpcMethods, Chain]]:
    chain = Chain.in_memory()
    producer = BlockProducer(chain).start()
    try:
        yield NearRpcMethods(chain, producer), chain
    finally:
        producer.stop()


def answer(rpc: NearRpcMethods, body: bytes) -> tuple[dict[str, Any], int]:
    return asyncio.run(handle_body(rpc, body))


def check(reply: dict[str, Any], status: int) -> None:
    assert reply["jsonrpc"] == "2.0"
    assert ("result" in reply) != ("error" in reply)
    if "error" in reply:
        err = reply["error"]
        assert {"name", "cause", "code", "message", "data"} <= set(err)
        assert err["name"] in {"REQUEST_VALIDATION_ERROR", "HANDLER_ERROR"}, err  # never INTERNAL_ERROR
        assert status == (400 if err["name"] == "REQUEST_VALIDATION_ERROR" else 200)
    json.dumps(reply)


@settings(max_examples=150)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(rpc: tuple[NearRpcMethods, Chain], body: bytes) -> None:
    server, chain = rpc
    before = dict(chain.committed.data)
    check(*answer(server, body))
    assert chain.committed.data == before


@settings(max_examples=300)
@given(st.sampled_from(METHODS), json_value, request_types)
def test_structured_requests(rpc: tuple[NearRpcMethods, Chain], method: str, params: Any, request_type: str) -> None:
    server, chain = rpc
    if isinstance(params, dict) and method == "query":
        params["request_type"] = request_type
    before = dict(chain.committed.data)
    check(*answer(server, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()))
    assert chain.committed.data == before
