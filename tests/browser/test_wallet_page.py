"""The static wallet page in headless Chromium with a CDP virtual authenticator (WebAuthn).

Debian's chromium + Playwright; the passkey is Chromium's own virtual authenticator, so the
page's navigator.credentials.create/get, its base64url and JSON plumbing, the server's
registration check and the passkey policy all meet real browser output. HOT is StandInSigner:
this is the page-level test (no localnet, a few seconds; a failure here is the page's or the
server's, not the network's). The same story on the real localnet, every signature by the MPC
network after every node's hot_verify, plus the denials, is tests/browser/test_wallet_localnet.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from hot.examples.passkey_wallet.server import WalletSettings, create_wallet_app
from hot.localnet.bitcoin import BitcoinNode, create_app
from hot.localnet.serve import ServerThread

from tests.support.stand_in_signer import StandInSigner

pytestmark = [pytest.mark.browser, pytest.mark.integration]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MERCHANT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


class LateApp:
    """An ASGI app set after the socket is bound, so the origin (with its port) is known first."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@pytest.fixture
def wallet_page(tmp_path: Path) -> Iterator[tuple[Page, str, StandInSigner]]:
    signer = StandInSigner()
    with BitcoinNode(tmp_path / "btc") as node, ServerThread(create_app(node)) as chain:
        late = LateApp()
        server = ServerThread(late)
        origin = f"http://localhost:{server.port}"
        late.app = create_wallet_app(
            signer, WalletSettings(esplora_url=chain.url, rp_id="localhost", allowed_origins=(origin,))
        )
        with server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                cdp = page.context.new_cdp_session(page)
                cdp.send("WebAuthn.enable")
                options = {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                }
                cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
                page.goto(origin + "/")
                yield page, chain.url, signer
            finally:
                browser.close()


def _wait_text(page: Page, selector: str, predicate_js: str) -> str:
    page.wait_for_function(
        f"() => {{ const t = document.querySelector('{selector}').textContent; return {predicate_js}; }}",
        timeout=20_000,
    )
    return str(page.text_content(selector))


def test_create_fund_send_in_the_browser(wallet_page: tuple[Page, str, StandInSigner]) -> None:
    page, chain_url, signer = wallet_page
    page.click("#create-button")
    address = _wait_text(page, "#address", "t.startsWith('bcrt1q')")
    assert len(signer.bindings) == 1

    page.fill("#fund-amount", "80000")
    page.click("#fund-button")
    assert _wait_text(page, "#balance", "t === '80000'") == "80000"

    page.fill("#send-to", MERCHANT)
    page.fill("#send-amount", "30000")
    page.click("#send-button")
    _wait_text(page, "#tx-status", "t.startsWith('confirmed')")
    txid = str(page.text_content("#txid"))
    assert page.locator("#log .error").count() == 0

    tx = httpx.get(f"{chain_url}/tx/{txid}").json()
    assert tx["status"]["confirmed"] is True
    assert {"scriptpubkey_address": MERCHANT, "value": 30_000}.items() <= tx["vout"][0].items()
    assert tx["vin"][0]["prevout"]["scriptpubkey_address"] == address
