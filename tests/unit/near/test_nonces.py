"""The local nonce counter: one chain read per key, then distinct nonces, resynchronised on conflict."""

from __future__ import annotations

import asyncio

import base58

from hot.localnet.chain.chain import Chain
from hot.near import CreateAccount, NonceCounter, Transfer
from hot.near.transaction import Transaction


def test_concurrent_senders_get_distinct_nonces_from_one_chain_read() -> None:
    counter, reads = NonceCounter(), []

    async def chain_nonce() -> int:
        reads.append(1)
        await asyncio.sleep(0)  # let the other senders arrive while the read is outstanding
        return 41

    async def run() -> list[int]:
        return await asyncio.gather(*(counter.next("a.near", "ed25519:k", chain_nonce) for _ in range(5)))

    assert sorted(asyncio.run(run())) == [42, 43, 44, 45, 46] and len(reads) == 1


def test_observe_moves_past_the_chain_and_never_back() -> None:
    counter = NonceCounter()

    async def never() -> int:
        raise AssertionError("the counter knows this key already")

    counter.observe("a.near", "k", 10)
    assert asyncio.run(counter.next("a.near", "k", never)) == 11
    counter.observe("a.near", "k", 5)  # an older view of the chain changes nothing
    assert asyncio.run(counter.next("a.near", "k", never)) == 12
    counter.observe("a.near", "k", 30)  # another client used the key: skip past its nonces
    assert asyncio.run(counter.next("a.near", "k", never)) == 31 and counter.last("a.near", "k") == 31


def test_two_transactions_from_one_key_in_one_block_both_execute() -> None:
    """The chain's own validation (nonce > the key's nonce) on one block holding both."""
    chain = Chain.in_memory()
    root, key = chain.config.root_account, chain.root_key
    counter = NonceCounter()

    async def chain_nonce() -> int:
        return int(chain.view_access_key(root, str(key.public_key))["nonce"])

    async def two() -> list[int]:
        return list(await asyncio.gather(counter.next(root, key.public_key, chain_nonce),
                                         counter.next(root, key.public_key, chain_nonce)))

    nonces = asyncio.run(two())
    head = base58.b58decode(chain.head["header"]["hash"])
    txs = [key.sign(Transaction(root, key.public_key, n, f"n{n}.{root}", head,
                                (CreateAccount(), Transfer(10**24)))).to_bytes() for n in nonces]
    results = chain.produce_block(txs)
    assert all(isinstance(r, dict) and "SuccessValue" in r["status"] for r in results), results
    assert len(set(nonces)) == 2 and results[0]["transaction_outcome"]["block_hash"] == results[1]["transaction_outcome"]["block_hash"]
    assert chain.view_access_key(root, str(key.public_key))["nonce"] == max(nonces)
