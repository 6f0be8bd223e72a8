"""Crash safety of the chain's durable state (SQLite): a process dies in the middle of writing a block."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hot.localnet.chain.chain import Chain

from tests.support.chain_scripts import scripted_transactions

CRASHING_CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from hot.localnet.chain import state
    from hot.localnet.chain.chain import Chain
    from hot.near.actions import FunctionCall
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
