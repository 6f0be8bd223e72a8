"""Browser tests' fixtures. test_wallet_browser.py runs on the client tests' localnet (the fixtures of
tests/support/client_fixtures.py, imported below); test_wallet_page.py and test_demo.py bring their own.

The passkey wallet on the real localnet (test_wallet_localnet.py): the session's `hot_localnet` (5 nodes,
threshold 3 by default). The passkey contract (src/hot/examples/passkey_wallet/contract.py) is deployed once on the localnet's NEAR
chain; the wallet page is served by `create_wallet_app` with a `GatekeeperSigner` over
`hot_localnet.client()` (its gatekeeper, every node's hot_verify, threshold ECDSA) and the
localnet's Bitcoin Esplora (blocks judged by libbitcoinkernel). Chromium is Debian's, driven by
Playwright; each test gets a fresh browser context, so a fresh virtual authenticator and wallet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hot.examples.passkey_wallet.browser_flow import CHROMIUM, CHROMIUM_ARGS
from hot.examples.passkey_wallet.gatekeeper_signer import (
    CONTRACT_SOURCE,
    GatekeeperSigner,
)
from hot.examples.passkey_wallet.server import WalletSettings, create_wallet_app
from hot.localnet.cluster.testing import LocalnetHandle
from hot.localnet.serve import ServerThread
from hot.sdk.client import HotClient
from playwright.sync_api import Browser, sync_playwright

from tests.support.client_fixtures import *  # noqa: F401,F403

from .browser import WalletPage, open_wallet_page


class LateApp:
    """An ASGI app set after the socket is bound, so the page's origin (with its port) is known first."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class WalletService:
    origin: str  # http://localhost:PORT, the WebAuthn origin of the page
    passkey_contract: str
    esplora: str  # the localnet's Bitcoin API


@pytest.fixture(scope="session")
def wallet_passkey_contract(hot_localnet: LocalnetHandle) -> str:
    account_id: str = hot_localnet.deploy_contract("walletbrowser", CONTRACT_SOURCE, init="new",
                                                   args={"registry": hot_localnet.contracts["registry"]})
    return account_id


@pytest.fixture(scope="module")
def wallet_service(hot_localnet: LocalnetHandle, wallet_passkey_contract: str) -> Iterator[WalletService]:
    late = LateApp()
    with hot_localnet.client() as client:
        server = ServerThread(late)
        origin = f"http://localhost:{server.port}"
        late.app = create_wallet_app(
            GatekeeperSigner(client, wallet_passkey_contract),
            WalletSettings(esplora_url=hot_localnet.bitcoin_api, rp_id="localhost", allowed_origins=(origin,)))
        with server:
            yield WalletService(origin, wallet_passkey_contract, hot_localnet.bitcoin_api)


@pytest.fixture
def hot(hot_localnet: LocalnetHandle) -> Iterator[HotClient]:
    """The test's own HotClient on the localnet (the attacker's or the auditor's view)."""
    with hot_localnet.client() as client:
        yield client


@pytest.fixture
def esplora(wallet_service: WalletService) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=wallet_service.esplora, timeout=30.0) as client:
        yield client


@pytest.fixture
def wallet_api(wallet_service: WalletService) -> Iterator[httpx.Client]:
    """The wallet server's HTTP API (what the page calls), for requests the page would not make."""
    with httpx.Client(base_url=wallet_service.origin.replace("localhost", "127.0.0.1"), timeout=120.0) as client:
        yield client


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_tab(chromium: Browser, wallet_service: WalletService) -> Iterator[Any]:
    """Opens wallet tabs, each in its own browser context with its own virtual authenticator."""
    contexts = []

    def open_tab() -> WalletPage:
        context = chromium.new_context()
        contexts.append(context)
        return WalletPage(open_wallet_page(context, wallet_service.origin))

    try:
        yield open_tab
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def wallet_page(new_tab: Any) -> WalletPage:
    page: WalletPage = new_tab()
    return page
