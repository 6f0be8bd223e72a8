"""The Esplora HTTP subset over a live node: routes, JSON shapes, rejections with reasons."""

from __future__ import annotations

import httpx
import pytest

from hot.localnet.bitcoin import BitcoinNode

from tests.support.bitcoin_fixtures import StandInKey

pytestmark = pytest.mark.integration  # each test serves the node over HTTP

OTHER = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def test_faucet_utxo_spend_mine_and_status(api: httpx.Client, node: BitcoinNode, key: StandInKey) -> None:
    assert api.get("/blocks/tip/height").text == "101"
    funded = api.post("/faucet", json={"address": key.address, "amount_sats": 250_000})
    assert funded.status_code == 200, funded.text
    funding_txid = funded.json()["txid"]
    assert api.get("/blocks/tip/height").text == "102"

    utxos = api.get(f"/address/{key.address}/utxo").json()
    assert utxos == [
        {
            "txid": funding_txid,
            "vout": 0,
            "value": 250_000,
            "status": {
                "confirmed": True,
                "block_height": 102,
                "block_hash": api.get("/blocks/tip/hash").text,
                "block_time": node.tip().time,
            },
        }
    ]

    raw = key.spend(node, OTHER, 100_000)
    sent = api.post("/tx", content=raw)
    assert sent.status_code == 200, sent.text
    txid = sent.text
    assert api.get(f"/tx/{txid}/status").json() == {"confirmed": False}
    assert api.get(f"/tx/{txid}/hex").text == raw
    assert [u["status"]["confirmed"] for u in api.get(f"/address/{key.address}/utxo").json()] == [False]

    mined = api.post("/mine", json={"blocks": 2}).json()
    assert mined["height"] == 104 and len(mined["block_hashes"]) == 2
    status = api.get(f"/tx/{txid}/status").json()
    assert status["confirmed"] is True and status["block_height"] == 103
    assert status["block_hash"] == mined["block_hashes"][0]

    tx = api.get(f"/tx/{txid}").json()
    assert tx["txid"] == txid and tx["status"] == status
    assert tx["vin"][0]["txid"] == funding_txid and tx["vin"][0]["prevout"]["value"] == 250_000
    assert tx["vin"][0]["prevout"]["scriptpubkey_address"] == key.address
    assert tx["vout"][0] == {
        "scriptpubkey": "0014751e76e8199196d454941c45d1b3a323f1433bd6",
        "scriptpubkey_type": "v0_p2wpkh",
        "scriptpubkey_address": OTHER,
        "value": 100_000,
    }
    assert tx["fee"] == 250_000 - sum(o["value"] for o in tx["vout"]) and tx["fee"] > 0
    assert len(tx["vin"][0]["witness"]) == 2


def test_rejections_carry_the_reason(api: httpx.Client, node: BitcoinNode, funded_key: StandInKey) -> None:
    raw = funded_key.spend(node, OTHER, 30_000)
    tampered = raw[:-10] + ("00" if raw[-10:-8] != "00" else "01") + raw[-8:]
    assert api.post("/tx", content="zz").status_code == 400
    bad = api.post("/tx", content=raw[:-2])
    assert bad.status_code == 400 and bad.text.startswith("tx-malformed")
    assert api.post("/tx", content=raw).status_code == 200
    again = api.post("/tx", content=raw)
    assert again.status_code == 400 and "txn-already-known" in again.text
    assert api.post("/tx", content=tampered).status_code == 400


def test_unknown_and_invalid_lookups(api: httpx.Client) -> None:
    assert api.get("/tx/" + "ab" * 32).status_code == 404
    assert api.get("/tx/" + "ab" * 32 + "/status").status_code == 404
    assert api.get("/tx/nothex").status_code == 400
    assert api.get("/address/bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4/utxo").status_code == 400  # mainnet
    assert api.get("/address/notanaddress/utxo").status_code == 400
    assert api.post("/faucet", json={"address": "bcrt1qnope", "amount_sats": 1000}).status_code == 400
    assert api.post("/faucet", json={"address": OTHER, "amount_sats": 0}).status_code == 422
    assert api.post("/mine", json={"blocks": 0}).status_code == 422
    assert api.get("/blocks/tip/height").text == "101"  # nothing above changed the chain


def test_concurrent_requests_are_serialised_by_the_node(api: httpx.Client, key: StandInKey) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def pay(i: int) -> int:
        return api.post("/faucet", json={"address": key.address, "amount_sats": 10_000 + i}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(pay, range(6))) == [200] * 6
    assert api.get("/blocks/tip/height").text == "107"
    values = sorted(u["value"] for u in api.get(f"/address/{key.address}/utxo").json())
    assert values == [10_000 + i for i in range(6)]
