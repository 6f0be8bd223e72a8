"""The passkey wallet with HOT's real pieces: Registry and passkey contract on the NEAR RPC, the gatekeeper
routes with threshold signatures, hot_verify asked as a node asks it, Bitcoin Core's rules on the spend."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import typer
from hot.examples.passkey_wallet.cli import WalletEndpoints, resolve_endpoints
from hot.examples.passkey_wallet.gatekeeper_signer import (
    GatekeeperSigner,
    deploy_passkey_contract,
)
from hot.examples.passkey_wallet.server import WalletSettings, create_wallet_app
from hot.wire.errors import UnknownKey
from hot.localnet.bitcoin import BitcoinNode, create_app
from hot.near.signer import KeyPair, write_key_file
from hot.localnet.serve import ServerThread
from hot.sdk.client import HotClient
from typer.testing import CliRunner
from webauthn.helpers import base64url_to_bytes

from tests.support.assertions import ORIGIN, RP_ID, Authenticator
from tests.support.client_fixtures import API_KEY, Localnet
from tests.support.threshold_gatekeeper import ThresholdGatekeeper

pytestmark = pytest.mark.integration
MERCHANT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


@dataclass
class WalletSite:
    http: httpx.Client
    signer: GatekeeperSigner
    passkey: Authenticator

    def create(self) -> dict[str, str]:
        registration = self.http.post("/api/registrations").json()
        credential = self.passkey.register(base64url_to_bytes(registration["challenge"]))
        created = self.http.post("/api/wallets", json={"challenge_id": registration["id"], "credential": credential})
        assert created.status_code == 200, created.text
        return dict(created.json())


@pytest.fixture
def site(client: HotClient, localnet: Localnet, tmp_path: Path) -> Iterator[WalletSite]:
    signer = GatekeeperSigner(client, localnet.passkey_contract)
    with BitcoinNode(tmp_path / "btc") as node, ServerThread(create_app(node)) as chain:
        settings = WalletSettings(esplora_url=chain.url, rp_id=RP_ID, allowed_origins=(ORIGIN,))
        with ServerThread(create_wallet_app(signer, settings)) as server, \
                httpx.Client(base_url=server.url, timeout=30) as http:
            yield WalletSite(http, signer, Authenticator())


def test_create_fund_and_send_through_hot(site: WalletSite, client: HotClient, localnet: Localnet,
                                          gatekeeper: ThresholdGatekeeper) -> None:
    created = site.create()
    key_id = created["key_id"]
    assert client.get_key(key_id)["owner"] == localnet.alice.account_id  # type: ignore[index]
    bound = client.near.view(localnet.passkey_contract, "get_passkey", {"key_id": key_id})
    assert bound == site.passkey.credential().to_json()
    assert created["address"] == client.addresses(key_id, network="regtest")["bitcoin"]
    for amount in (70_000, 40_000):
        assert site.http.post(f"/api/wallets/{key_id}/faucet", json={"amount_sats": amount}).status_code == 200
    spend = site.http.post(f"/api/wallets/{key_id}/spends",
                           json={"destination": MERCHANT, "amount_sats": 100_000, "fee_rate": 3}).json()
    stale = site.passkey.assert_challenge(base64url_to_bytes(spend["challenge"])[::-1])
    refused = site.http.post(f"/api/wallets/{key_id}/spends/{spend['spend_id']}/approve",
                             json={"assertion": stale.to_json()})
    assert refused.status_code == 400 and gatekeeper.requests[-1]["messages"] == spend["sighashes"]
    spend = site.http.post(f"/api/wallets/{key_id}/spends",
                           json={"destination": MERCHANT, "amount_sats": 100_000, "fee_rate": 3}).json()
    assertion = site.passkey.assert_challenge(base64url_to_bytes(spend["challenge"]))
    sent = site.http.post(f"/api/wallets/{key_id}/spends/{spend['spend_id']}/approve",
                          json={"assertion": assertion.to_json()})
    assert sent.status_code == 200, sent.text
    assert site.http.get(f"/api/tx/{spend['txid']}/status").json()["confirmed"] is True
    assert [u["value"] for u in site.http.get(f"/api/wallets/{key_id}/utxo").json()] == [10_000 - spend["fee"]]


def test_unknown_wallet_keys_are_the_signers_unknown_key(client: HotClient, localnet: Localnet) -> None:
    with pytest.raises(UnknownKey):
        GatekeeperSigner(client, localnet.passkey_contract).public_key("no-such-wallet")


def test_the_passkey_contract_is_deployed_once(localnet: Localnet) -> None:
    contract = f"walletpasskey.{localnet.alice.account_id}"
    args = (localnet.rpc_url, localnet.alice.account_id, localnet.alice.secret, contract, localnet.registry)
    assert deploy_passkey_contract(*args) is True
    assert deploy_passkey_contract(*args) is False


def test_serve_defaults_come_from_status_and_key_file(tmp_path: Path) -> None:
    key = KeyPair.from_seed(b"operator")
    (tmp_path / "chain").mkdir()
    write_key_file(tmp_path / "chain" / "validator_key.json", "test.near", key)
    status = {"gatekeeper": "http://gk", "api_key": API_KEY, "near_rpc": "http://rpc", "data_dir": str(tmp_path),
              "bitcoin_api": "http://esplora", "contracts": {"registry": "registry.test.near"}}
    ends = resolve_endpoints(status, gatekeeper=None, api_key=None, near_rpc=None, esplora=None, key_file=None)
    assert ends == WalletEndpoints("http://gk", API_KEY, "http://rpc", "http://esplora", "test.near", key.secret,
                                   "registry.test.near")
    write_key_file(tmp_path / "other.json", "other.test.near", KeyPair.from_seed(b"other"))
    overridden = resolve_endpoints({**status, "root_key_file": str(tmp_path / "other.json")}, gatekeeper="http://x",
                                   api_key=None, near_rpc=None, esplora=None, key_file=None, registry="r.test.near")
    assert (overridden.gatekeeper, overridden.operator_id, overridden.registry) == (
        "http://x", "other.test.near", "r.test.near")
    with pytest.raises(typer.BadParameter):
        resolve_endpoints({}, gatekeeper=None, api_key=None, near_rpc=None, esplora=None, key_file=None)
    from hot.examples.passkey_wallet.cli import app

    assert "--esplora" in CliRunner().invoke(app, ["serve", "--help"]).output


def test_wallet_serve_runs_until_interrupted(gatekeeper: ThresholdGatekeeper, localnet: Localnet,
                                             tmp_path: Path) -> None:
    (tmp_path / "chain").mkdir()
    write_key_file(tmp_path / "chain" / "validator_key.json", localnet.alice.account_id,
                   KeyPair.from_secret(localnet.alice.secret))
    status = {"gatekeeper": gatekeeper.url, "api_key": API_KEY, "near_rpc": localnet.rpc_url,
              "bitcoin_api": "http://127.0.0.1:9", "data_dir": str(tmp_path),
              "contracts": {"registry": localnet.registry}}
    (tmp_path / "status.json").write_text(json.dumps(status))
    command = [sys.executable, "-c", "from hot.examples.passkey_wallet.cli import app; app()", "serve", "--port", "0",
               "--localnet-dir", str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            lines = _lines_until(process, "wallet on ", deadline_s=30)
            assert f"deployed the passkey contract at passkey.{localnet.alice.account_id}" in lines[0]
            url = lines[-1].split()[2]
            assert "navigator.credentials" in httpx.get(url.replace("localhost", "127.0.0.1")).text
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=15) == 0
            assert "stopping" in process.stdout.read()  # type: ignore[union-attr]
        finally:
            if process.poll() is None:
                process.kill()


def _lines_until(process: subprocess.Popen[str], marker: str, deadline_s: float) -> list[str]:
    """Read the process's stdout lines until one contains `marker` (or fail at the deadline)."""
    lines, deadline = [], time.monotonic() + deadline_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        line = process.stdout.readline() if ready else ""
        if not line and process.poll() is not None:
            raise AssertionError(f"serve exited: {process.stderr.read() if process.stderr else ''}")
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"no {marker!r} line within {deadline_s}s: {lines}")
