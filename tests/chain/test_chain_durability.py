"""Durable state (SQLite), crash safety mid-block, and deterministic execution."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import base58
import pytest
from hot.localnet.chain.actions import (
    AccessKey,
    AddKey,
    CreateAccount,
    DeployContract,
    FunctionCall,
    Transfer,
)
from hot.localnet.chain.chain import NEAR, Chain
from hot.localnet.chain.signer import KeyPair

KITCHEN = Path(__file__).parents[1] / "sdk_contract" / "contracts" / "kitchen.py"


def scripted_transactions(chain: Chain) -> list[bytes]:
    """Create app.test.near with the kitchen contract and bump its counter, signed by the root key."""
    root, key = chain.config.root_account, chain.root_key
    head = base58.b58decode(chain.head["header"]["hash"])
    app_key = KeyPair.from_seed(b"app")
    return [
        key.sign_transaction(root, "app.test.near", 1, head, [
            CreateAccount(), Transfer(10 * NEAR), AddKey(app_key.public_key, AccessKey(0, None)),
            DeployContract(KITCHEN.read_bytes()), FunctionCall("new", b'{"owner":"test.near"}', 10**14, 0)]),
        key.sign_transaction(root, "app.test.near", 2, head, [FunctionCall("increment", b'{"by":7}', 10**14, 0)]),
    ]


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


CRASHING_CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from hot.localnet.chain import state
    from hot.localnet.chain.chain import Chain
    from hot.localnet.chain.actions import FunctionCall
    import base58

    real_write = state.CommittedState._write_sqlite
    def crash_midway(self, changes, block, txs, meta):
        # Half of the block's rows are written inside the SQLite transaction, then the process dies.
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)",
                       [(k, v) for k, v in changes.items() if v is not None][:1])
        os._exit(17)
    chain = Chain.open(Path(sys.argv[1]))
    state.CommittedState._write_sqlite = crash_midway
    head = base58.b58decode(chain.head["header"]["hash"])
    chain.submit(chain.root_key.sign_transaction("test.near", "app.test.near", 3, head,
                                                 [FunctionCall("increment", b'{"by":100}', 10**14, 0)]))
""")


@pytest.mark.integration
def test_crash_in_the_middle_of_a_block_keeps_the_last_committed_block(tmp_path: Path) -> None:
    chain = Chain.open(tmp_path)
    for raw in scripted_transactions(chain):
        chain.submit(raw)
    height = chain.head["header"]["height"]
    chain.close()
    child = subprocess.run([sys.executable, "-c", CRASHING_CHILD, str(tmp_path)], capture_output=True, timeout=60, check=False)
    assert child.returncode == 17, child.stderr.decode()
    reopened = Chain.open(tmp_path)
    try:
        assert reopened.head["header"]["height"] == height
        assert reopened.view("app.test.near", "get_counter") == 7
        nonce = reopened.view_access_key("test.near", str(reopened.root_key.public_key))["nonce"]
        assert nonce == 2
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
