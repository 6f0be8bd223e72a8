"""Tests only: a small gatekeeper speaking the documented public API, signing with real threshold crypto.

Routes and bodies are the gatekeeper's (src/hot/mpc/gatekeeper/models.py: `POST /v1/sign` with `message`
or `messages`, `GET /v1/keys/{key_id}/public_key`, errors `{"code", "message"}`). Signatures come
from hot.mpc.crypto over trusted-dealer 2-of-3 root keys: FROST (RFC 9591) for ed25519 and the
presignature-based threshold ECDSA for secp256k1, both under the key derived for key_id. The
authorization step is a callable (the tests pass one that asks a real contract's hot_verify).
Knobs let a test make it misbehave: `tamper` rewrites a result, `nodes_down` answers 503,
`public_key_answer` replaces the public key route's answer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Header, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from hot.mpc.crypto import frost
from hot.mpc.crypto.dealer import trusted_dealer_keygen
from hot.mpc.crypto.derivation import (
    derive_key_package,
    derive_public_key,
    derive_public_key_package,
)
from hot.mpc.crypto.ecdsa import SignRequest
from hot.mpc.crypto.ecdsa.local import run_presign, run_sign
from hot.mpc.crypto.frost_messages import SigningPackage
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites import get_suite
from hot.mpc.gatekeeper.models import SignRequestBody

Authorize = Callable[[str, str, bytes, Sequence[bytes]], bool]
PARTICIPANTS, THRESHOLD = (1, 2, 3), 2


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class ThresholdGatekeeper:
    authorize: Authorize
    known_key: Callable[[str], bool]
    api_keys: dict[str, int] = field(default_factory=lambda: {"test-api-key": 1000})  # key -> quota
    tamper: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    nodes_down: bool = False
    public_key_answer: str | None = None  # when set, GET .../public_key answers this instead
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""  # set once served

    def __post_init__(self) -> None:
        self.keys: dict[str, tuple[dict[int, KeyPackage], PublicKeyPackage]] = {
            domain: trusted_dealer_keygen(get_suite(domain), THRESHOLD, PARTICIPANTS, os.urandom)
            for domain in ("ed25519", "secp256k1")}

    def root_public_key(self, domain: str) -> bytes:
        suite = get_suite(domain)
        return suite.serialize_element(self.keys[domain][1].group_public_key)

    def derived_public_key(self, key_id: str, domain: str) -> bytes:
        suite = get_suite(domain)
        return suite.serialize_element(derive_public_key(suite, self.keys[domain][1].group_public_key, key_id))

    def _sign_ed25519(self, key_id: str, message: bytes) -> dict[str, Any]:
        suite, (packages, public) = get_suite("ed25519"), self.keys["ed25519"]
        signers = PARTICIPANTS[:THRESHOLD]
        derived = {i: derive_key_package(suite, packages[i], key_id) for i in signers}
        rounds = {i: frost.commit(suite, derived[i], os.urandom) for i in signers}
        package = SigningPackage.create(suite, [rounds[i][1] for i in signers], message)
        shares = [frost.sign(suite, package, rounds[i][0], derived[i]) for i in signers]
        signature = frost.aggregate(suite, package, shares, derive_public_key_package(suite, public, key_id))
        return {"signature": signature.to_bytes(suite).hex(), "public_key": self.derived_public_key(key_id, "ed25519"),
                "recovery_id": None}

    def _sign_secp256k1(self, key_id: str, message: bytes) -> dict[str, Any]:
        packages, public = self.keys["secp256k1"]
        keys = {i: KeyShare.from_packages(packages[i], public) for i in PARTICIPANTS}
        signers = PARTICIPANTS[: 2 * THRESHOLD - 1]
        presignatures = run_presign(keys, signers, os.urandom(16), os.urandom)
        request = SignRequest.for_key_id(key_id, message, signers, os.urandom(32))
        signature = run_sign(presignatures, {i: request for i in signers}, request, current_epoch=0)
        return {"signature": signature.to_compact().hex(), "public_key": self.derived_public_key(key_id, "secp256k1"),
                "recovery_id": signature.recovery_id}

    def sign(self, api_key: str, body: SignRequestBody) -> dict[str, Any]:
        if (body.message is None) == (body.messages is None):
            raise Refusal(400, "bad_request", "give message or messages")
        messages = [bytes.fromhex(m) for m in (body.messages or [body.message or ""])]
        if body.domain == "secp256k1" and any(len(m) != 32 for m in messages):
            raise Refusal(400, "bad_request", "a secp256k1 message is a 32-byte hash")
        self._spend(api_key, len(messages))
        if not self.known_key(body.key_id):
            raise Refusal(404, "unknown_key", f"no key {body.key_id}")
        payloads = [bytes.fromhex(p) for p in body.user_payloads]
        for message in messages:  # every node asks hot_verify for every message before signing
            if not self.authorize(body.key_id, body.domain, message, payloads):
                raise Refusal(403, "authorization_denied", "hot_verify said no")
        if self.nodes_down:
            raise Refusal(503, "nodes_unavailable", "not enough healthy nodes")
        sign = self._sign_ed25519 if body.domain == "ed25519" else self._sign_secp256k1
        results = []
        for message in messages:
            result = sign(body.key_id, message)
            result["public_key"] = result["public_key"].hex()
            results.append(self.tamper(result) if self.tamper else result)
        return {"signatures": results} if body.messages is not None else results[0]

    def _spend(self, api_key: str, count: int) -> None:
        if api_key not in self.api_keys:
            raise Refusal(401, "unauthorized", "unknown API key")
        if self.api_keys[api_key] < count:
            raise Refusal(429, "quota_exceeded", "quota spent")
        self.api_keys[api_key] -= count

    def app(self) -> FastAPI:
        app = FastAPI(title="threshold gatekeeper (tests)")

        @app.exception_handler(Refusal)
        async def refused(_: Any, exc: Refusal) -> JSONResponse:
            return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)

        @app.exception_handler(RequestValidationError)
        async def invalid(_: Any, exc: RequestValidationError) -> JSONResponse:
            return JSONResponse({"code": "bad_request", "message": str(exc.errors()[:1])}, status_code=400)

        def bearer(authorization: str | None) -> str:
            if not authorization or not authorization.startswith("Bearer "):
                raise Refusal(401, "unauthorized", "send Authorization: Bearer API_KEY")
            return authorization.removeprefix("Bearer ")

        @app.post("/v1/sign")
        def sign(body: SignRequestBody, authorization: str | None = Header(default=None)) -> dict[str, Any]:
            self.requests.append(body.model_dump())
            return self.sign(bearer(authorization), body)

        @app.get("/v1/keys/{key_id}/public_key")
        def public_key(key_id: str, domain: str = Query(...),
                       authorization: str | None = Header(default=None)) -> dict[str, str]:
            if bearer(authorization) not in self.api_keys:
                raise Refusal(401, "unauthorized", "unknown API key")
            if domain not in self.keys:
                raise Refusal(400, "bad_request", f"unknown domain {domain}")
            if not self.known_key(key_id):
                raise Refusal(404, "unknown_key", f"no key {key_id}")
            return {"public_key": self.public_key_answer or self.derived_public_key(key_id, domain).hex()}

        return app
