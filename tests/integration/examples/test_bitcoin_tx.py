"""The wallet's Bitcoin flow end to end on the regtest localnet, over its Esplora API.

A coincurve key stands in for the MPC network (tests only). The passkey approves one challenge
for all sighashes, the policy core checks it per input, the "network" signs, the kernel confirms.
Building and finishing a spend without a node is tests/unit/examples/test_bitcoin_tx.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import coincurve
import httpx
import pytest
from embit.transaction import Transaction

from hot.examples.passkey_wallet.bitcoin_tx import Utxo, build_p2wpkh_spend
from hot.examples.passkey_wallet.esplora_client import EsploraClient
from hot.wire.errors import MempoolRejected
from hot.localnet.bitcoin import BitcoinNode, create_app
from hot.localnet.serve import ServerThread
from hot.sdk.addresses import bitcoin_p2wpkh
from hot.sdk.policies.passkey import PasskeyProof, batch_challenge, verify_message

from tests.support.assertions import Authenticator

MPC_STAND_IN = coincurve.PrivateKey(b"\x42" * 32)
WALLET_KEY = MPC_STAND_IN.public_key.format()
WALLET_ADDRESS = bitcoin_p2wpkh(WALLET_KEY, "regtest")
MERCHANT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[httpx.Client]:
    with BitcoinNode(tmp_path / "btc") as node, ServerThread(create_app(node)) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            yield client


def _utxos(api: httpx.Client) -> list[Utxo]:
    return [Utxo.from_esplora(u) for u in api.get(f"/address/{WALLET_ADDRESS}/utxo").json()]


@pytest.mark.integration
def test_passkey_approved_multi_input_spend_is_confirmed_by_the_kernel(api: httpx.Client) -> None:
    for amount in (60_000, 50_000):
        assert api.post("/faucet", json={"address": WALLET_ADDRESS, "amount_sats": amount}).status_code == 200
    unsigned = build_p2wpkh_spend(_utxos(api), WALLET_KEY, MERCHANT, 100_000, fee_rate=5)
    assert len(unsigned.sighashes) == 2  # both coins are needed

    passkey = Authenticator()
    proof = PasskeyProof(passkey.assert_challenge(batch_challenge(unsigned.sighashes)), unsigned.sighashes)
    payload = proof.to_user_payload()  # what the gatekeeper relays to every node, once per input
    signatures = []
    for sighash in unsigned.sighashes:
        verify_message(passkey.credential(), PasskeyProof.from_user_payload(payload), sighash)
        signatures.append(MPC_STAND_IN.sign_recoverable(sighash, hasher=None))  # 65-byte r||s||v
    raw = unsigned.finish(signatures)

    sent = api.post("/tx", content=raw)
    assert sent.status_code == 200, sent.text
    assert sent.text == unsigned.txid
    api.post("/mine", json={"blocks": 1})
    status = api.get(f"/tx/{unsigned.txid}/status").json()
    assert status["confirmed"] is True and status["block_height"] == 104
    tx = api.get(f"/tx/{unsigned.txid}").json()
    assert tx["fee"] == unsigned.fee and tx["vout"][0]["value"] == 100_000
    change = [u.value for u in _utxos(api)]
    assert change == [110_000 - 100_000 - unsigned.fee]


@pytest.mark.integration
def test_a_tampered_signed_spend_is_rejected_by_the_mempool(api: httpx.Client) -> None:
    with EsploraClient(str(api.base_url)) as esplora:
        esplora.faucet(WALLET_ADDRESS, 60_000)
        unsigned = build_p2wpkh_spend(esplora.utxos(WALLET_ADDRESS), WALLET_KEY, MERCHANT, 20_000, fee_rate=2)
        raw = unsigned.finish([MPC_STAND_IN.sign(h, hasher=None) for h in unsigned.sighashes])  # DER works too
        tx = Transaction.parse(bytes.fromhex(raw))
        tx.vout[0].value += 1000  # pay the merchant more than the passkey approved, from the change
        tx.vout[1].value -= 1000
        with pytest.raises(MempoolRejected, match="script-verify"):
            esplora.broadcast(tx.serialize().hex())
        assert esplora.utxos(MERCHANT) == []
        assert esplora.broadcast(raw) == unsigned.txid  # the approved one still goes through
        assert esplora.tx_status(unsigned.txid) == {"confirmed": False}
        assert esplora.mine(1) == esplora.tip_height() == 103
        assert esplora.tx_status(unsigned.txid)["confirmed"] is True
