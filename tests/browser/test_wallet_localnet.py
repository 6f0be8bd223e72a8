"""Issue 10 on the real localnet: the passkey wallet page in Chromium, every signature by the MPC network.

Each spend's sighashes go through the localnet's gatekeeper to its nodes; each node asks the passkey
contract's hot_verify on the localnet's NEAR chain and only then joins the threshold-ECDSA signing.
The denials below are those nodes saying no to assertions that Chromium's virtual authenticators
really made (`navigator.credentials.get` in the page): another passkey's, one replayed for another
transaction, one for a transaction altered after approval.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import coincurve
import httpx
import pbk
import pytest
from hot.examples.passkey_wallet.bitcoin_tx import (
    UnsignedSpend,
    Utxo,
    build_p2wpkh_spend,
)
from hot.examples.passkey_wallet.browser_flow import MERCHANT
from hot.sdk.addresses import bitcoin_p2wpkh
from hot.sdk.client import HotClient
from hot.sdk.policies.passkey import PasskeyAssertion, PasskeyCredential, PasskeyProof, verify_message

from hot.wire.errors import AuthorizationDenied, PasskeyDenied

from .browser import WalletPage
from .conftest import WalletService

pytestmark = [pytest.mark.browser, pytest.mark.integration]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"  # <repo>/artifacts
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SECP = "secp256k1"
ATTACKER = bitcoin_p2wpkh(coincurve.PrivateKey(b"\x07" * 32).public_key.format(), "regtest")


def kernel_accepts(esplora: httpx.Client, txid: str, amount_delta: int = 0) -> bool:
    """libbitcoinkernel's script check of every input of `txid` against its prevout from the chain."""
    raw = bytes.fromhex(esplora.get(f"/tx/{txid}/hex").raise_for_status().text.strip())
    tx = pbk.Transaction(raw)
    spent = []
    for vin in esplora.get(f"/tx/{txid}").raise_for_status().json()["vin"]:
        out = esplora.get(f"/tx/{vin['txid']}").raise_for_status().json()["vout"][vin["vout"]]
        spent.append(pbk.TransactionOutput(pbk.ScriptPubkey(bytes.fromhex(out["scriptpubkey"])),
                                           int(out["value"]) + amount_delta))
    precomputed = pbk.script.PrecomputedTransactionData(tx, spent)
    try:
        return all(bool(out.script_pubkey.verify(out.amount, tx, precomputed, i, pbk.ScriptVerificationFlags.ALL))
                   for i, out in enumerate(spent))
    except pbk.ScriptVerifyException:
        return False


def funded_wallet(page: WalletPage, sats: int = 80_000) -> tuple[str, str]:
    key_id, address = page.create()
    page.fund(sats)
    return key_id, address


def prepare(api: httpx.Client, key_id: str, destination: str, sats: int) -> dict[str, Any]:
    """The server's unsigned spend: {spend_id, challenge, sighashes, fee, txid}."""
    response = api.post(f"/api/wallets/{key_id}/spends", json={"destination": destination, "amount_sats": sats})
    return dict(response.raise_for_status().json())


def payload(assertion: dict[str, Any], messages: list[bytes] | tuple[bytes, ...]) -> bytes:
    user_payload: bytes = PasskeyProof(PasskeyAssertion.from_json(assertion), tuple(messages)).to_user_payload()
    return user_payload


def sighashes(spend: dict[str, Any]) -> list[bytes]:
    return [bytes.fromhex(h) for h in spend["sighashes"]]


def assert_denied(hot: HotClient, key_id: str, messages: list[bytes], user_payload: bytes) -> None:
    """The network refuses: authorization_denied, and no signature comes back."""
    with pytest.raises(AuthorizationDenied) as refused:
        hot.sign_batch(key_id, SECP, messages, [user_payload])
    assert refused.value.code == "authorization_denied"


def assert_unspent(esplora: httpx.Client, address: str, utxos: list[dict[str, Any]], txid: str) -> None:
    assert esplora.get(f"/tx/{txid}").status_code == 404  # never broadcast
    now = esplora.get(f"/address/{address}/utxo").raise_for_status().json()
    assert sorted((u["txid"], u["vout"], u["value"]) for u in now) == sorted(
        (u["txid"], u["vout"], u["value"]) for u in utxos)


def test_create_fund_send_confirmed_in_a_block(wallet_page: WalletPage, hot: HotClient, esplora: httpx.Client,
                                                wallet_service: WalletService) -> None:
    key_id, address = wallet_page.create()
    record = hot.get_key(key_id)
    assert record is not None and record["owner"] == hot.near.account_id
    assert [m["account_id"] for m in hot.get_wallet(key_id)["access_list"]] == [wallet_service.passkey_contract]
    assert hot.addresses(key_id, network="regtest")["bitcoin"] == address
    bound = hot.near.view(wallet_service.passkey_contract, "get_passkey", {"key_id": key_id})
    assert bound["rp_id"] == "localhost" and bound["allowed_origins"] == [wallet_service.origin]

    wallet_page.fund(80_000)
    txid, status = wallet_page.send(MERCHANT, 30_000)
    balance = int(wallet_page.wait_text("#balance", "t !== '80000'"))
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "wallet-after-send.png"
    shot.unlink(missing_ok=True)
    wallet_page.page.screenshot(path=str(shot), full_page=True)

    confirmed = esplora.get(f"/tx/{txid}/status").raise_for_status().json()
    assert confirmed["confirmed"] is True
    assert status == f"confirmed in block {confirmed['block_height']}"
    assert int(esplora.get("/blocks/tip/height").text) >= confirmed["block_height"]
    tx = esplora.get(f"/tx/{txid}").raise_for_status().json()
    assert {"scriptpubkey_address": MERCHANT, "value": 30_000}.items() <= tx["vout"][0].items()
    assert {vin["prevout"]["scriptpubkey_address"] for vin in tx["vin"]} == {address}
    assert balance == 80_000 - 30_000 - tx["fee"]
    # The witness signature is the network's (threshold ECDSA) under key_id's derived key, and the
    # consensus script interpreter accepts it; with a wrong prevout amount it does not.
    assert tx["vin"][0]["witness"][1] == hot.public_key(key_id, SECP).hex()
    assert kernel_accepts(esplora, txid)
    assert not kernel_accepts(esplora, txid, amount_delta=1)

    assert shot.read_bytes()[:8] == PNG_MAGIC and shot.stat().st_size > 10_000


def test_another_passkeys_assertion_is_denied(new_tab: Any, hot: HotClient, wallet_api: httpx.Client,
                                              esplora: httpx.Client, wallet_service: WalletService) -> None:
    owner: WalletPage = new_tab()
    key_id, address = funded_wallet(owner)
    utxos = esplora.get(f"/address/{address}/utxo").json()
    spend = prepare(wallet_api, key_id, MERCHANT, 30_000)

    other: WalletPage = new_tab()  # another browser profile, another virtual authenticator
    other_credential = other.new_credential()
    assert other_credential != owner.credential_id
    forged = other.assert_challenge(spend["challenge"], other_credential)  # a genuine assertion, wrong passkey
    bound = PasskeyCredential.from_json(
        hot.near.view(wallet_service.passkey_contract, "get_passkey", {"key_id": key_id}))
    with pytest.raises(PasskeyDenied) as why:  # why the contract says no
        verify_message(bound, PasskeyProof.from_user_payload(payload(forged, sighashes(spend))), sighashes(spend)[0])
    assert why.value.reason == "credential_mismatch"

    assert_denied(hot, key_id, sighashes(spend), payload(forged, sighashes(spend)))
    refused = wallet_api.post(f"/api/wallets/{key_id}/spends/{spend['spend_id']}/approve", json={"assertion": forged})
    assert refused.status_code == 400 and "authorization" in refused.text.lower()
    assert_unspent(esplora, address, utxos, spend["txid"])

    # The same challenge approved by the wallet's own passkey is signed: the refusal was the passkey's.
    genuine = owner.assert_challenge(spend["challenge"])
    results = hot.sign_batch(key_id, SECP, sighashes(spend), [payload(genuine, sighashes(spend))])
    assert [r.public_key for r in results] == [hot.public_key(key_id, SECP)] * len(results)


def test_an_assertion_replayed_for_another_transaction_is_denied(wallet_page: WalletPage, hot: HotClient,
                                                                 wallet_api: httpx.Client,
                                                                 esplora: httpx.Client) -> None:
    key_id, address = funded_wallet(wallet_page)
    utxos = esplora.get(f"/address/{address}/utxo").json()
    spend_a = prepare(wallet_api, key_id, MERCHANT, 10_000)
    spend_b = prepare(wallet_api, key_id, ATTACKER, 60_000)
    assert set(spend_a["sighashes"]).isdisjoint(spend_b["sighashes"])
    approval_a = wallet_page.assert_challenge(spend_a["challenge"])

    # A's whole proof (assertion + A's sighashes) presented for B's sighashes, then A's assertion
    # presented as approving B's sighashes: neither is a signature.
    assert_denied(hot, key_id, sighashes(spend_b), payload(approval_a, sighashes(spend_a)))
    assert_denied(hot, key_id, sighashes(spend_b), payload(approval_a, sighashes(spend_b)))
    refused = wallet_api.post(f"/api/wallets/{key_id}/spends/{spend_b['spend_id']}/approve",
                              json={"assertion": approval_a})
    assert refused.status_code == 400 and "authorization" in refused.text.lower()
    assert_unspent(esplora, address, utxos, spend_b["txid"])

    # A itself, with its own approval, is signed, sent and mined.
    sent = wallet_api.post(f"/api/wallets/{key_id}/spends/{spend_a['spend_id']}/approve",
                           json={"assertion": approval_a})
    assert sent.status_code == 200, sent.text
    assert sent.json()["txid"] == spend_a["txid"]
    assert esplora.get(f"/tx/{spend_a['txid']}/status").json()["confirmed"] is True


def test_a_transaction_altered_after_approval_is_denied(wallet_page: WalletPage, hot: HotClient,
                                                         wallet_api: httpx.Client, esplora: httpx.Client) -> None:
    key_id, address = funded_wallet(wallet_page)
    utxos_json = esplora.get(f"/address/{address}/utxo").json()
    utxos = [Utxo.from_esplora(u) for u in utxos_json]
    public_key = hot.public_key(key_id, SECP)
    spend = prepare(wallet_api, key_id, MERCHANT, 25_000)
    approved = build_p2wpkh_spend(utxos, public_key, MERCHANT, 25_000, 2)
    assert [h.hex() for h in approved.sighashes] == spend["sighashes"]  # the very transaction the passkey saw
    approval = wallet_page.assert_challenge(spend["challenge"])

    altered: dict[str, UnsignedSpend] = {
        "amount": build_p2wpkh_spend(utxos, public_key, MERCHANT, 75_000, 2),
        "destination": build_p2wpkh_spend(utxos, public_key, ATTACKER, 25_000, 2),
    }
    for change, tx in altered.items():
        assert tx.sighashes != approved.sighashes, change
        # The approval as given (its own sighash list), and re-labelled as approving the altered one.
        assert_denied(hot, key_id, list(tx.sighashes), payload(approval, approved.sighashes))
        assert_denied(hot, key_id, list(tx.sighashes), payload(approval, tx.sighashes))
    assert_unspent(esplora, address, utxos_json, spend["txid"])

    # Unaltered, the same approval is signed, sent and mined.
    sent = wallet_api.post(f"/api/wallets/{key_id}/spends/{spend['spend_id']}/approve", json={"assertion": approval})
    assert sent.status_code == 200, sent.text
    assert esplora.get(f"/tx/{sent.json()['txid']}/status").json()["confirmed"] is True


def test_the_page_shows_the_networks_refusal(wallet_page: WalletPage, esplora: httpx.Client) -> None:
    """The page's stored passkey swapped for another one on the same authenticator: its send is refused."""
    key_id, address = funded_wallet(wallet_page)
    utxos = esplora.get(f"/address/{address}/utxo").json()
    other = wallet_page.new_credential()
    wallet_page.page.evaluate("""(id) => { const s = JSON.parse(localStorage.getItem('hot-passkey-wallet'));
        s.credential_id = id; localStorage.setItem('hot-passkey-wallet', JSON.stringify(s)); }""", other)
    wallet_page.page.reload()
    wallet_page.wait_text("#balance", "t === '80000'")

    wallet_page.page.fill("#send-to", MERCHANT)
    wallet_page.page.fill("#send-amount", "30000")
    wallet_page.page.click("#send-button")
    error = wallet_page.page.locator("#log .error")
    error.wait_for(timeout=30_000)
    assert f"/api/wallets/{key_id}/spends/" in str(error.text_content())
    assert "authorization methods refused" in str(error.text_content())
    assert wallet_page.page.text_content("#txid") == "none"
    log = str(wallet_page.page.text_content("#log"))
    assert "approve 1 input(s)" in log
    assert_unspent(esplora, address, utxos, log.split("txid ", 1)[1].split()[0])
