"""Durable state (SQLite) and deterministic execution; a crash mid-block is
tests/integration/localnet/chain/test_chain_durability.py."""

from __future__ import annotations

from pathlib import Path

import base58
from hot.near.actions import FunctionCall
from hot.localnet.chain.chain import Chain

from tests.support.chain_scripts import scripted_transactions


def test_state_survives_restart(tmp_path: Path) -> None:
    chain = Chain.open(tmp_path)
    for raw in scripted_transactions(chain):
        assert "SuccessValue" in chain.submit(raw)["status"]
    height, root_key = chain.head["header"]["height"], chain.root_key.secret
    tx_hash = next(iter(chain.txs))
    chain.close()

    reopened = Chain.open(tmp_path)
    try:
        assert reopened.head["header"]["height"] == height
        assert reopened.root_key.secret == root_key
        assert reopened.view("app.test.near", "get_counter") == 7
        assert reopened.view_access_key_list("app.test.near")["keys"]
        assert reopened.transaction(tx_hash)["transaction"]["hash"] == tx_hash
        head = base58.b58decode(reopened.head["header"]["hash"])
        raw = reopened.root_key.sign_transaction("test.near", "app.test.near", 3, head,
                                                 [FunctionCall("increment", b"{}", 10**14, 0)])
        assert reopened.submit(raw)["status"]["SuccessValue"] == "OA=="  # "8"
    finally:
        reopened.close()


def test_execution_is_deterministic() -> None:
    results = []
    for _ in range(2):
        chain = Chain.in_memory()
        outcomes = [chain.submit(raw) for raw in scripted_transactions(chain)]
        results.append((dict(chain.committed.data), outcomes, chain.head["header"]["hash"]))
    assert results[0] == results[1]


def test_batch_becomes_one_block_and_invalid_members_are_left_out() -> None:
    chain = Chain.in_memory()
    txs = scripted_transactions(chain)
    height = chain.head["header"]["height"]
    results = chain.produce_block([txs[0], b"garbage", txs[1], txs[1]])
    assert chain.head["header"]["height"] == height + 1
    assert [type(r).__name__ for r in results] == ["dict", "EncodingError", "dict", "InvalidTransaction"]
    assert chain.head["transactions"] == [results[0]["transaction"]["hash"], results[2]["transaction"]["hash"]]
    assert chain.view("app.test.near", "get_counter") == 7


def test_epochs_follow_the_configured_length() -> None:
    from hot.localnet.chain.chain import ChainConfig

    chain = Chain.in_memory(ChainConfig(epoch_length=3))
    epochs = []
    for _ in range(7):
        chain.produce_block([])
        epochs.append((chain.head["header"]["height"], chain.head["header"]["epoch_height"]))
    assert epochs == [(1, 0), (2, 0), (3, 0), (4, 1), (5, 1), (6, 1), (7, 2)]
    assert chain.head["header"]["epoch_id"] != chain.block(height=4)["header"]["epoch_id"]
