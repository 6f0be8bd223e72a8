"""Durability: the chain, the index and the mempool survive a clean restart; a crash and the server
process are tests/integration/localnet/bitcoin/test_restart.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from hot.localnet.bitcoin import BitcoinNode
from hot.wire.errors import KernelUnavailable

from tests.support.bitcoin_fixtures import StandInKey

OTHER = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def test_clean_restart_keeps_chain_utxos_mempool_and_faucet(tmp_path: Path, key: StandInKey) -> None:
    with BitcoinNode(tmp_path) as node:
        funding = node.faucet_pay(key.address, 100_000)
        pending = node.submit_transaction(bytes.fromhex(key.spend(node, OTHER, 40_000)))
        faucet_address, height, tip = node.faucet.address, node.height, node.tip()
    with BitcoinNode(tmp_path) as node:
        assert (node.height, node.tip(), node.faucet.address) == (height, tip, faucet_address)
        assert node.transaction(funding).block is not None
        assert list(node.mempool.entries) == [pending.tx.txid]
        assert node.mempool.spender_of((funding, 0)) == pending.tx.txid
        node.mine(1)
        assert node.transaction(pending.tx.txid).block is not None
        assert [c.value for c in node.utxos(OTHER)] == [40_000]


def test_a_data_dir_in_use_is_refused_with_a_typed_error(tmp_path: Path) -> None:
    with BitcoinNode(tmp_path) as node:
        with pytest.raises(KernelUnavailable):
            BitcoinNode(tmp_path)
        assert node.height == 101  # the first owner is untouched
        node.mine(1)
    with BitcoinNode(tmp_path) as reopened:
        assert reopened.height == 102
