"""The passkey wallet's HTTP server: the routes the static page calls (static/index.html).

Create: the page asks for a registration challenge, runs `navigator.credentials.create`, and the
server checks the registration (py_webauthn), reserves a key_id and binds the passkey to it.
Send: the server builds the P2WPKH spend from Esplora UTXOs and answers with one challenge that
commits to every input's sighash; the page gets one passkey assertion for it; the server relays
assertion + sighashes to HOT (`WalletSigner.sign_batch`), attaches the signatures and broadcasts.
The server holds no key and cannot spend: without the passkey's assertion hot_verify says no.
Pending registration challenges and unsigned spends live in memory only: they are one-shot and
short-lived, so a restart just means the user asks again; wallets themselves live in HOT.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, PlainTextResponse
from pydantic import BaseModel, Field
from webauthn.helpers import bytes_to_base64url

from hot.wire.errors import HotError, UnknownKey
from hot.examples.passkey_wallet.bitcoin_tx import UnsignedSpend, build_p2wpkh_spend
from hot.examples.passkey_wallet.esplora_client import EsploraClient
from hot.examples.passkey_wallet.signer import WalletSigner
from hot.sdk.addresses import bitcoin_p2wpkh
from hot.sdk.policies.passkey import PasskeyAssertion, PasskeyProof, batch_challenge, credential_from_registration

STATIC_PAGE = Path(__file__).parent / "static" / "index.html"
MAX_PENDING = 1024  # bound on outstanding challenges and spends kept in memory


@dataclass(frozen=True)
class WalletSettings:
    esplora_url: str
    rp_id: str
    allowed_origins: tuple[str, ...]
    network: str = "regtest"
    mine_after_send: bool = True  # localnet: confirm each spend at once


class RegistrationRequest(BaseModel):
    challenge_id: str
    credential: dict[str, Any]


class FaucetRequest(BaseModel):
    amount_sats: int = Field(gt=0, le=10**9)


class SpendRequest(BaseModel):
    destination: str
    amount_sats: int = Field(gt=0)
    fee_rate: int = Field(default=2, ge=1, le=10_000)


class ApproveRequest(BaseModel):
    assertion: dict[str, Any]


class PendingStore:
    """One-shot values by id (registration challenges, unsigned spends), bounded and thread-safe."""

    def __init__(self) -> None:
        self._items: dict[str, Any] = {}
        self._lock = threading.Lock()

    def put(self, value: Any) -> str:
        key = bytes_to_base64url(os.urandom(16))
        with self._lock:
            if len(self._items) >= MAX_PENDING:
                self._items.pop(next(iter(self._items)))
            self._items[key] = value
        return key

    def take(self, key: str) -> Any:
        with self._lock:
            if key not in self._items:
                raise HTTPException(404, "unknown or already used id")
            return self._items.pop(key)


def create_wallet_app(signer: WalletSigner, settings: WalletSettings) -> FastAPI:
    """The wallet's API and page; `signer` is HOT (gatekeeper + contract), `settings` the chain."""
    app = FastAPI(title="HOT passkey Bitcoin wallet")
    challenges, spends = PendingStore(), PendingStore()

    def address_of(key_id: str) -> str:
        return bitcoin_p2wpkh(signer.public_key(key_id), settings.network)

    @app.exception_handler(UnknownKey)
    def _unknown(_: Request, exc: UnknownKey) -> PlainTextResponse:
        return PlainTextResponse(str(exc), status_code=404)

    @app.exception_handler(httpx.HTTPStatusError)
    def _chain_answer(_: Request, exc: httpx.HTTPStatusError) -> PlainTextResponse:
        return PlainTextResponse(exc.response.text, status_code=exc.response.status_code)

    @app.exception_handler(HotError)
    def _refused(_: Request, exc: HotError) -> PlainTextResponse:
        return PlainTextResponse(str(exc), status_code=400)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_PAGE, media_type="text/html")

    @app.post("/api/registrations")
    def registration_challenge() -> dict[str, str]:
        challenge = os.urandom(32)
        return {"challenge": bytes_to_base64url(challenge), "id": challenges.put(challenge)}

    @app.post("/api/wallets")
    def create_wallet(request: RegistrationRequest) -> dict[str, str]:
        expected = challenges.take(request.challenge_id)
        credential = credential_from_registration(
            request.credential, expected, settings.rp_id, settings.allowed_origins
        )
        key_id = signer.reserve_key()
        signer.bind_passkey(key_id, credential)
        return {"key_id": key_id, "address": address_of(key_id)}

    @app.post("/api/wallets/{key_id}/faucet")
    def faucet(key_id: str, request: FaucetRequest) -> dict[str, str]:
        with EsploraClient(settings.esplora_url) as esplora:
            return {"txid": esplora.faucet(address_of(key_id), request.amount_sats)}

    @app.get("/api/wallets/{key_id}/utxo")
    def utxo(key_id: str) -> list[dict[str, Any]]:
        with EsploraClient(settings.esplora_url) as esplora:
            return [{"txid": u.txid, "vout": u.vout, "value": u.value} for u in esplora.utxos(address_of(key_id))]

    @app.post("/api/wallets/{key_id}/spends")
    def prepare_spend(key_id: str, request: SpendRequest) -> dict[str, Any]:
        public_key = signer.public_key(key_id)
        with EsploraClient(settings.esplora_url) as esplora:
            utxos = esplora.utxos(bitcoin_p2wpkh(public_key, settings.network))
        unsigned = build_p2wpkh_spend(
            utxos, public_key, request.destination, request.amount_sats, request.fee_rate, settings.network
        )
        return {
            "spend_id": spends.put((key_id, unsigned)),
            "challenge": bytes_to_base64url(batch_challenge(unsigned.sighashes)),
            "sighashes": [h.hex() for h in unsigned.sighashes],
            "fee": unsigned.fee,
            "txid": unsigned.txid,
        }

    @app.post("/api/wallets/{key_id}/spends/{spend_id}/approve")
    def approve_spend(key_id: str, spend_id: str, request: ApproveRequest) -> dict[str, str]:
        owner, unsigned = spends.take(spend_id)
        if owner != key_id:
            raise HTTPException(404, "unknown or already used id")
        return {"txid": _sign_and_send(signer, settings, key_id, unsigned, request.assertion)}

    @app.get("/api/tx/{txid}/status")
    def tx_status(txid: str) -> dict[str, Any]:
        with EsploraClient(settings.esplora_url) as esplora:
            return esplora.tx_status(txid)

    return app


def _sign_and_send(
    signer: WalletSigner, settings: WalletSettings, key_id: str, unsigned: UnsignedSpend, assertion: dict[str, Any]
) -> str:
    proof = PasskeyProof(PasskeyAssertion.from_json(assertion), unsigned.sighashes)
    signatures = signer.sign_batch(key_id, unsigned.sighashes, proof.to_user_payload())
    raw = unsigned.finish(signatures)
    with EsploraClient(settings.esplora_url) as esplora:
        txid = esplora.broadcast(raw)
        if settings.mine_after_send:
            esplora.mine(1)
    return txid


__all__ = ["WalletSettings", "create_wallet_app"]
