"""The wallet page in headless Chromium, scripted for test_wallet_localnet.py: clicks plus raw WebAuthn calls.

`src/hot/examples/passkey_wallet/browser_flow.py` (`run_wallet_flow`) clicks the same story but owns its
browser and closes it before returning, so it can neither leave a page to photograph after the send
nor lend its passkey for further assertions; this module reuses its Chromium settings and keeps the
page open. `WalletPage.assert_challenge` asks the page's own virtual authenticator for a WebAuthn
assertion (`navigator.credentials.get` run in the page), so the denial tests feed the network
assertions that the browser really made.
"""

from __future__ import annotations

import json
from typing import Any

from hot.examples.passkey_wallet.browser_flow import AUTHENTICATOR
from playwright.sync_api import BrowserContext, Page

TIMEOUT_MS = 30_000

# Runs in the page: base64url helpers, a fresh ES256 credential, an assertion over a challenge.
_B64 = """
const enc = (buf) => { let s = ""; for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
  return btoa(s).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, ""); };
const dec = (t) => Uint8Array.from(atob(t.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((t.length + 3) % 4)),
  (c) => c.charCodeAt(0));
"""
CREATE_CREDENTIAL_JS = "async () => {" + _B64 + """
  const user = crypto.getRandomValues(new Uint8Array(16));
  const credential = await navigator.credentials.create({ publicKey: {
    rp: { name: "another passkey", id: location.hostname },
    user: { id: user, name: "other", displayName: "other" },
    challenge: crypto.getRandomValues(new Uint8Array(32)),
    pubKeyCredParams: [{ type: "public-key", alg: -7 }],
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
    attestation: "none" } });
  return enc(credential.rawId);
}"""
GET_ASSERTION_JS = "async ([challenge, credentialId]) => {" + _B64 + """
  const c = await navigator.credentials.get({ publicKey: {
    challenge: dec(challenge), rpId: location.hostname, userVerification: "required",
    allowCredentials: [{ type: "public-key", id: dec(credentialId) }] } });
  return { id: c.id, rawId: enc(c.rawId), type: c.type, response: {
    authenticatorData: enc(c.response.authenticatorData), clientDataJSON: enc(c.response.clientDataJSON),
    signature: enc(c.response.signature),
    userHandle: c.response.userHandle ? enc(c.response.userHandle) : null } };
}"""


def open_wallet_page(context: BrowserContext, origin: str) -> Page:
    """A tab of `context` with its own CDP virtual authenticator (a platform passkey with UV), on the page."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    page.goto(origin.rstrip("/") + "/")
    return page


class PageError(AssertionError):
    """The page logged an error line, or a wait ran out."""


class WalletPage:
    """The wallet page driven as a person would, plus raw WebAuthn calls on its authenticator."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def wait_text(self, selector: str, predicate_js: str) -> str:
        """Wait until `predicate_js` (over `t`, the element's text) holds; fail at once on a page error."""
        script = (f"() => document.querySelector('#log .error') !== null || "
                  f"(() => {{ const t = document.querySelector({json.dumps(selector)}).textContent; "
                  f"return {predicate_js}; }})()")
        self.page.wait_for_function(script, timeout=TIMEOUT_MS)
        self.raise_on_error()
        return str(self.page.text_content(selector)).strip()

    def raise_on_error(self) -> None:
        errors = self.page.locator("#log .error")
        if errors.count():
            raise PageError(f"the wallet page reported: {errors.first.text_content()}")

    def create(self) -> tuple[str, str]:
        """Click create; (key_id, address) as the page shows them."""
        self.page.click("#create-button")
        address = self.wait_text("#address", "t.startsWith('bcrt1q')")
        log = str(self.page.text_content("#log"))
        return log.split("wallet ", 1)[1].split(" created", 1)[0], address

    def fund(self, sats: int) -> None:
        self.page.fill("#fund-amount", str(sats))
        self.page.click("#fund-button")
        self.wait_text("#balance", f"t === '{sats}'")

    def send(self, destination: str, sats: int) -> tuple[str, str]:
        """Click send (the passkey approves); (txid, status line) once the page says confirmed."""
        self.page.fill("#send-to", destination)
        self.page.fill("#send-amount", str(sats))
        self.page.click("#send-button")
        status = self.wait_text("#tx-status", "t.startsWith('confirmed')")
        return str(self.page.text_content("#txid")).strip(), status

    @property
    def credential_id(self) -> str:
        """The page's own passkey (base64url), as it keeps it in localStorage."""
        state = self.page.evaluate("() => JSON.parse(localStorage.getItem('hot-passkey-wallet'))")
        return str(state["credential_id"])

    def new_credential(self) -> str:
        """A fresh passkey on this tab's authenticator; its credential id (base64url)."""
        return str(self.page.evaluate(CREATE_CREDENTIAL_JS))

    def assert_challenge(self, challenge: str, credential_id: str | None = None) -> dict[str, Any]:
        """`navigator.credentials.get` over `challenge` (base64url): the assertion's WebAuthn JSON."""
        result: dict[str, Any] = self.page.evaluate(GET_ASSERTION_JS, [challenge, credential_id or self.credential_id])
        return result
