"""The RPC's block producer: waiting transactions become one block; stop fails what is left."""

from __future__ import annotations

import base58
from hot.near.actions import AccessKey, AddKey, CreateAccount, Transfer
from hot.localnet.chain.chain import NEAR, Chain
from hot.wire.errors import InvalidTransaction
from hot.near.signer import KeyPair
from hot.localnet.rpc.near.producer import BlockProducer


def test_queued_transactions_share_one_block_and_invalid_ones_fail_alone() -> None:
    chain = Chain.in_memory()
    head = base58.b58decode(chain.head["header"]["hash"])
    key = chain.root_key
    txs = [chain.decode_transaction(key.sign_transaction(
        "test.near", f"u{i}.test.near", i + 1, head,
        [CreateAccount(), Transfer(NEAR), AddKey(KeyPair.from_seed(bytes([i])).public_key, AccessKey(0, None))]))
        for i in range(5)]
    replay = txs[0]
    producer = BlockProducer(chain)
    futures = [producer.submit(tx) for tx in txs]
    assert producer.submit(txs[1]) is futures[1]  # a resubmitted transaction waits on the same result
    producer.start()
    try:
        outcomes = [f.result(timeout=30) for f in futures]
        assert {o["transaction_outcome"]["block_hash"] for o in outcomes} == {chain.head["header"]["hash"]}
        assert chain.head["header"]["height"] == 1
        late = producer.submit(replay)
        assert isinstance(late.exception(timeout=30), InvalidTransaction)
    finally:
        producer.stop()
    assert chain.view_account("u4.test.near")["amount"] == str(NEAR)
