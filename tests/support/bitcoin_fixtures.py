"""Fixtures for the regtest Bitcoin localnet: a fresh node per test, its Esplora API, funded keys.

A conftest registers them with `from tests.support.bitcoin_fixtures import *`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import coincurve
import httpx
import pytest
from embit.ec import PublicKey
from embit.script import p2wpkh

from hot.examples.passkey_wallet.bitcoin_tx import Utxo, build_p2wpkh_spend
from hot.localnet.bitcoin import BitcoinNode, create_app
from hot.localnet.bitcoin.encoding import REGTEST
from hot.localnet.serve import ServerThread


@dataclass
class StandInKey:
    """A coincurve key standing in for the MPC network (tests only)."""

    private: coincurve.PrivateKey

    @property
    def public(self) -> bytes:
        return self.private.public_key.format(compressed=True)

    @property
    def address(self) -> str:
        return str(p2wpkh(PublicKey.parse(self.public)).address(REGTEST))

    def spend(self, node: BitcoinNode, destination: str, amount: int, fee_rate: int = 2) -> str:
        """A signed spend of this key's UTXOs (raw hex), not yet submitted."""
        utxos = [Utxo(c.txid, c.vout, c.value) for c in node.utxos(self.address)]
        unsigned = build_p2wpkh_spend(utxos, self.public, destination, amount, fee_rate)
        return unsigned.finish([self.private.sign_recoverable(h, hasher=None) for h in unsigned.sighashes])


@pytest.fixture
def node(tmp_path: Path) -> Iterator[BitcoinNode]:
    with BitcoinNode(tmp_path / "btc") as opened:
        yield opened


@pytest.fixture
def key() -> StandInKey:
    return StandInKey(coincurve.PrivateKey(b"\x07" * 32))


@pytest.fixture
def funded_key(node: BitcoinNode, key: StandInKey) -> StandInKey:
    node.faucet_pay(key.address, 100_000)
    return key


@pytest.fixture
def api(node: BitcoinNode) -> Iterator[httpx.Client]:
    with ServerThread(create_app(node)) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client
