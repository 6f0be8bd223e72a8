"""The wallet server's create / fund / send flow over HTTP, on the regtest localnet.

HOT is played by StandInSigner (tests only), which runs the passkey policy before signing; the
chain is the real localnet node, so Bitcoin Core's consensus code confirms the spend.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from webauthn.helpers import base64url_to_bytes

from hot.examples.passkey_wallet.server import WalletSettings, create_wallet_app
from hot.localnet.bitcoin import BitcoinNode, create_app
from hot.localnet.serve import ServerThread

from tests.support.assertions import ORIGIN, RP_ID, Authenticator
from tests.support.stand_in_signer import StandInSigner

pytestmark = pytest.mark.integration
MERCHANT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


@dataclass
class Wallet:
    http: httpx.Client
    signer: StandInSigner
    passkey: Authenticator

    def create(self) -> dict[str, str]:
        registration = self.http.post("/api/registrations").json()
        credential = self.passkey.register(base64url_to_bytes(registration["challenge"]))
        created = self.http.post("/api/wallets", json={"challenge_id": registration["id"], "credential": credential})
        assert created.status_code == 200, created.text
        return dict(created.json())


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    signer = StandInSigner()
    with BitcoinNode(tmp_path / "btc") as node, ServerThread(create_app(node)) as chain:
        settings = WalletSettings(esplora_url=chain.url, rp_id=RP_ID, allowed_origins=(ORIGIN,))
        with ServerThread(create_wallet_app(signer, settings)) as server:
            with httpx.Client(base_url=server.url, timeout=10) as http:
                yield Wallet(http, signer, Authenticator())


def test_create_fund_and_send_with_one_passkey_approval(wallet: Wallet) -> None:
    assert "navigator.credentials.get" in wallet.http.get("/").text
    created = wallet.create()
    key_id, address = created["key_id"], created["address"]
    assert address.startswith("bcrt1q") and wallet.signer.bindings[key_id] == wallet.passkey.credential()
    for amount in (70_000, 40_000):
        assert wallet.http.post(f"/api/wallets/{key_id}/faucet", json={"amount_sats": amount}).status_code == 200
    assert sorted(u["value"] for u in wallet.http.get(f"/api/wallets/{key_id}/utxo").json()) == [40_000, 70_000]

    spend = wallet.http.post(
        f"/api/wallets/{key_id}/spends", json={"destination": MERCHANT, "amount_sats": 100_000, "fee_rate": 3}
    ).json()
    assert len(spend["sighashes"]) == 2
    assertion = wallet.passkey.assert_challenge(base64url_to_bytes(spend["challenge"]))
    sent = wallet.http.post(
        f"/api/wallets/{key_id}/spends/{spend['spend_id']}/approve", json={"assertion": assertion.to_json()}
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["txid"] == spend["txid"]
    status = wallet.http.get(f"/api/tx/{spend['txid']}/status").json()
    assert status["confirmed"] is True
    assert [u["value"] for u in wallet.http.get(f"/api/wallets/{key_id}/utxo").json()] == [10_000 - spend["fee"]]


def test_an_assertion_for_another_transaction_signs_nothing(wallet: Wallet) -> None:
    key_id = wallet.create()["key_id"]
    wallet.http.post(f"/api/wallets/{key_id}/faucet", json={"amount_sats": 50_000})
    body = {"destination": MERCHANT, "amount_sats": 20_000}
    first = wallet.http.post(f"/api/wallets/{key_id}/spends", json=body).json()
    second = wallet.http.post(f"/api/wallets/{key_id}/spends", json={**body, "amount_sats": 30_000}).json()
    stale = wallet.passkey.assert_challenge(base64url_to_bytes(first["challenge"]))
    refused = wallet.http.post(
        f"/api/wallets/{key_id}/spends/{second['spend_id']}/approve", json={"assertion": stale.to_json()}
    )
    assert refused.status_code == 400 and "challenge_mismatch" in refused.text
    assert wallet.signer.signed == []
    again = wallet.http.post(
        f"/api/wallets/{key_id}/spends/{second['spend_id']}/approve", json={"assertion": stale.to_json()}
    )
    assert again.status_code == 404  # a spend id is single use
    assert wallet.http.get(f"/api/tx/{second['txid']}/status").status_code == 404  # never broadcast


def test_registration_challenges_are_single_use_and_checked(wallet: Wallet) -> None:
    registration = wallet.http.post("/api/registrations").json()
    wrong = wallet.passkey.register(b"not the server's challenge")
    refused = wallet.http.post("/api/wallets", json={"challenge_id": registration["id"], "credential": wrong})
    assert refused.status_code == 400 and "bad_registration" in refused.text
    right = wallet.passkey.register(base64url_to_bytes(registration["challenge"]))
    reused = wallet.http.post("/api/wallets", json={"challenge_id": registration["id"], "credential": right})
    assert reused.status_code == 404
    assert wallet.signer.bindings == {}
    assert wallet.http.get("/api/wallets/wallet-99/utxo").status_code == 404
