"""HotClient and the passkey wallet against the real gatekeeper (src/hot/mpc/gatekeeper `create_app`).

The gatekeeper drives four harness signer nodes (tests/support/node_harness.py: real FROST
and threshold-ECDSA shares, real receipt checks). Each node's authorization step is the one a
real node runs: the Key Registry's access list and every method's hot_verify over the NEAR RPC
(the node's `NearRegistryClient` and `NearVerifier`), here the passkey contract's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import coincurve
import httpx
import pytest
from hot.examples.passkey_wallet.gatekeeper_signer import GatekeeperSigner
from hot.examples.passkey_wallet.server import WalletSettings, create_wallet_app
from hot.localnet.bitcoin import BitcoinNode, create_app
from hot.localnet.serve import ServerThread
from hot.sdk.client import (
    AuthorizationDenied,
    HotClient,
    QuotaExceeded,
    Unauthorized,
    UnknownKey,
    access_method,
)
from nacl.signing import VerifyKey
from webauthn.helpers import base64url_to_bytes

from tests.support.assertions import ORIGIN, RP_ID, Authenticator
from tests.support.client_fixtures import Localnet, PasskeyKey
from tests.support.real_gatekeeper import SMALL_KEY, RealGatekeeper

pytestmark = pytest.mark.integration
SIGHASHES = [hashlib.sha256(b"real input %d" % i).digest() for i in range(2)]
MERCHANT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


@pytest.fixture
def real_wallet(real_client: HotClient, localnet: Localnet) -> PasskeyKey:
    reserved = real_client.reserve_key([access_method(localnet.passkey_contract)])
    passkey = Authenticator()
    real_client.near.call(localnet.passkey_contract, "bind_passkey",
                          {"key_id": reserved.key_id, "credential": passkey.credential().to_json()})
    return PasskeyKey(reserved.key_id, reserved.root_key, passkey)


def test_the_real_gatekeeper_signs_what_the_passkey_approved(real_client: HotClient, real_wallet: PasskeyKey,
                                                             real_gk: RealGatekeeper) -> None:
    key_id = real_wallet.key_id
    public = real_client.public_key(key_id, "secp256k1")  # the gatekeeper's answer == local derivation
    assert public == real_client.gatekeeper_public_key(key_id, "secp256k1")
    batch = real_client.sign_batch(key_id, "secp256k1", SIGHASHES, [real_wallet.payload(SIGHASHES)])
    for message, result in zip(SIGHASHES, batch):
        assert coincurve.PublicKey.from_signature_and_message(result.recoverable, message, hasher=None).format() == public
    message = hashlib.sha256(b"a Solana message").digest()
    ed = real_client.sign(key_id, "ed25519", message, [real_wallet.payload([message])])
    VerifyKey(real_client.public_key(key_id, "ed25519")).verify(message, ed.signature)
    with pytest.raises(AuthorizationDenied):  # the batch's approval replayed for another sighash
        real_client.sign(key_id, "secp256k1", hashlib.sha256(b"other").digest(), [real_wallet.payload(SIGHASHES)])
    with pytest.raises(UnknownKey):  # no access list in the Registry: the nodes refuse
        real_client.sign("never-reserved", "secp256k1", SIGHASHES[0], [real_wallet.payload(SIGHASHES[:1])])
    with HotClient(real_gk.url, "wrong-key") as stranger, pytest.raises(Unauthorized):
        stranger.sign(key_id, "secp256k1", SIGHASHES[0], [real_wallet.payload(SIGHASHES)])
    with HotClient(real_gk.url, SMALL_KEY) as small, pytest.raises(QuotaExceeded):
        small.sign_batch(key_id, "secp256k1", SIGHASHES, [real_wallet.payload(SIGHASHES)])


def test_the_wallet_sends_bitcoin_through_the_real_gatekeeper(real_client: HotClient, localnet: Localnet,
                                                              tmp_path: Path) -> None:
    passkey = Authenticator()
    signer = GatekeeperSigner(real_client, localnet.passkey_contract)
    with BitcoinNode(tmp_path / "btc") as node, ServerThread(create_app(node)) as chain:
        settings = WalletSettings(esplora_url=chain.url, rp_id=RP_ID, allowed_origins=(ORIGIN,))
        with ServerThread(create_wallet_app(signer, settings)) as server, \
                httpx.Client(base_url=server.url, timeout=30) as http:
            registration = http.post("/api/registrations").json()
            credential = passkey.register(base64url_to_bytes(registration["challenge"]))
            key_id = http.post("/api/wallets", json={"challenge_id": registration["id"],
                                                     "credential": credential}).json()["key_id"]
            assert http.post(f"/api/wallets/{key_id}/faucet", json={"amount_sats": 50_000}).status_code == 200
            spend = http.post(f"/api/wallets/{key_id}/spends", json={"destination": MERCHANT,
                                                                     "amount_sats": 20_000}).json()
            assertion = passkey.assert_challenge(base64url_to_bytes(spend["challenge"]))
            sent = http.post(f"/api/wallets/{key_id}/spends/{spend['spend_id']}/approve",
                             json={"assertion": assertion.to_json()})
            assert sent.status_code == 200, sent.text
            assert http.get(f"/api/tx/{spend['txid']}/status").json()["confirmed"] is True
