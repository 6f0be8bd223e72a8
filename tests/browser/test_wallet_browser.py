"""Appendix A end to end in headless Chromium: a real passkey (CDP virtual authenticator) controls a
Bitcoin key held by the threshold network.

The page creates a wallet (the key is reserved in the Registry, the browser's passkey is bound in
the passkey contract), funds it on regtest and sends: the one browser assertion travels as the
user_payload through the real gatekeeper, every harness node asks the contract's hot_verify over
the NEAR RPC for every input, and the threshold-ECDSA signatures confirm under Bitcoin Core's rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hot.examples.passkey_wallet.gatekeeper_signer import GatekeeperSigner
from hot.examples.passkey_wallet.server import WalletSettings, create_wallet_app
from hot.localnet.bitcoin import BitcoinNode, create_app
from hot.localnet.serve import ServerThread
from hot.sdk.client import HotClient
from playwright.sync_api import Page, sync_playwright

from tests.support.client_fixtures import Localnet

from .test_wallet_page import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MERCHANT,
    LateApp,
    _wait_text,
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]
AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True}


@pytest.fixture
def browser_wallet(real_client: HotClient, localnet: Localnet, tmp_path: Path) -> Iterator[tuple[Page, str]]:
    signer = GatekeeperSigner(real_client, localnet.passkey_contract)
    with BitcoinNode(tmp_path / "btc") as node, ServerThread(create_app(node)) as chain:
        late = LateApp()
        server = ServerThread(late)
        origin = f"http://localhost:{server.port}"
        late.app = create_wallet_app(signer, WalletSettings(esplora_url=chain.url, rp_id="localhost",
                                                            allowed_origins=(origin,)))
        with server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                cdp = page.context.new_cdp_session(page)
                cdp.send("WebAuthn.enable")
                cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
                page.goto(origin + "/")
                yield page, chain.url
            finally:
                browser.close()


def test_a_browser_passkey_spends_a_threshold_key(browser_wallet: tuple[Page, str], real_client: HotClient,
                                                  localnet: Localnet) -> None:
    page, chain_url = browser_wallet
    page.click("#create-button")
    address = _wait_text(page, "#address", "t.startsWith('bcrt1q')")
    key_id = str(page.text_content("#log")).split("wallet ", 1)[1].split(" created", 1)[0]  # the page's log line
    assert key_id in real_client.near.view(localnet.registry, "keys_of", {"owner": localnet.alice.account_id})
    assert real_client.addresses(key_id, network="regtest")["bitcoin"] == address
    bound = real_client.near.view(localnet.passkey_contract, "get_passkey", {"key_id": key_id})
    assert bound["rp_id"] == "localhost" and bound["require_user_verification"] is True

    page.fill("#fund-amount", "80000")
    page.click("#fund-button")
    assert _wait_text(page, "#balance", "t === '80000'") == "80000"
    page.fill("#send-to", MERCHANT)
    page.fill("#send-amount", "30000")
    page.click("#send-button")
    _wait_text(page, "#tx-status", "t.startsWith('confirmed')")
    assert page.locator("#log .error").count() == 0
    tx = httpx.get(f"{chain_url}/tx/{page.text_content('#txid')}").json()
    assert tx["status"]["confirmed"] is True
    assert tx["vin"][0]["prevout"]["scriptpubkey_address"] == address
