"""The wallet page's user story, scripted: headless Chromium with a CDP virtual authenticator.

`run_wallet_flow(origin)` opens the page served by `create_wallet_app` at `origin` (it must be
`http://localhost:PORT` so the WebAuthn rp id is `localhost`), then clicks through it as a person
would: create a wallet (a real passkey made by Chromium's virtual authenticator), ask the faucet,
send to a merchant address approved with the same passkey, and wait until the page says the
transaction is confirmed. It reads what the page shows and returns it; judging the spend is the
caller's job (it has the chain). Browser: Debian's chromium driven by Playwright
(../shared/DEPENDENCIES.md, "Browser"); `playwright install` is not needed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from hot.wire.errors import WalletFlowError

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# A platform passkey that verifies the user (UV): what the passkey contract requires by default.
AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True}
MERCHANT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"  # BIP 173's P2WPKH test vector, on regtest


@dataclass(frozen=True)
class WalletFlowResult:
    """What the page showed at the end of the story."""

    key_id: str
    address: str
    funded_sats: int
    sent_sats: int
    destination: str
    txid: str
    tx_status: str  # "confirmed in block N"
    balance_after: int


def run_wallet_flow(
    origin: str,
    *,
    fund_sats: int = 80_000,
    send_sats: int = 30_000,
    destination: str = MERCHANT,
    timeout_ms: int = 30_000,
    chromium: str = CHROMIUM,
    on_step: Callable[[str], None] | None = None,
) -> WalletFlowResult:
    """Create, fund, send, confirmed: the page at `origin` in headless Chromium with a virtual passkey."""
    from playwright.sync_api import sync_playwright

    step = on_step or (lambda _: None)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            cdp = page.context.new_cdp_session(page)
            cdp.send("WebAuthn.enable")
            cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
            page.goto(origin.rstrip("/") + "/")
            flow = _PageFlow(page, timeout_ms)

            step("creating a wallet with a passkey (virtual authenticator)")
            page.click("#create-button")
            address = flow.wait_text("#address", "t.startsWith('bcrt1')")
            key_id = _key_id_from_log(str(page.text_content("#log")))

            step(f"asking the faucet for {fund_sats} sats")
            page.fill("#fund-amount", str(fund_sats))
            page.click("#fund-button")
            flow.wait_text("#balance", f"t === '{fund_sats}'")

            step(f"sending {send_sats} sats, approved with the passkey")
            page.fill("#send-to", destination)
            page.fill("#send-amount", str(send_sats))
            page.click("#send-button")
            tx_status = flow.wait_text("#tx-status", "t.startsWith('confirmed')")
            txid = str(page.text_content("#txid")).strip()
            # The page refreshes the balance after the status line; wait for it to leave the funded value.
            balance = flow.wait_text("#balance", f"t !== '{fund_sats}'")
            flow.raise_on_page_error()
        finally:
            browser.close()
    return WalletFlowResult(key_id=key_id, address=address, funded_sats=fund_sats, sent_sats=send_sats,
                            destination=destination, txid=txid, tx_status=tx_status, balance_after=int(balance))


class _PageFlow:
    """Waits on the page's own text, failing at once when the page logs an error."""

    def __init__(self, page: Page, timeout_ms: int) -> None:
        self.page, self.timeout_ms = page, timeout_ms

    def wait_text(self, selector: str, predicate_js: str) -> str:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        # Resolves when the predicate holds or an error line appears, whichever is first.
        script = (f"() => document.querySelector('#log .error') !== null || "
                  f"(() => {{ const t = document.querySelector({json.dumps(selector)}).textContent; "
                  f"return {predicate_js}; }})()")
        try:
            self.page.wait_for_function(script, timeout=self.timeout_ms)
        except PlaywrightTimeout as exc:
            raise WalletFlowError(f"{selector} did not satisfy `{predicate_js}` within {self.timeout_ms} ms; "
                                  f"page log: {self._log()!r}") from exc
        self.raise_on_page_error()
        return str(self.page.text_content(selector)).strip()

    def raise_on_page_error(self) -> None:
        errors = self.page.locator("#log .error")
        if errors.count():
            raise WalletFlowError(f"the wallet page reported: {errors.first.text_content()}")

    def _log(self) -> str:
        return str(self.page.text_content("#log"))


def _key_id_from_log(log_text: str) -> str:
    """The page logs `wallet <key_id> created: <address>`."""
    if "wallet " not in log_text or " created" not in log_text:
        raise WalletFlowError(f"no 'wallet ... created' line in the page log: {log_text!r}")
    return log_text.split("wallet ", 1)[1].split(" created", 1)[0]


__all__ = ["AUTHENTICATOR", "CHROMIUM", "CHROMIUM_ARGS", "MERCHANT", "WalletFlowError", "WalletFlowResult",
           "run_wallet_flow"]
