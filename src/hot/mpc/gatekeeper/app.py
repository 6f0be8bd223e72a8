"""`create_app(config) -> FastAPI`: the gatekeeper's public HTTP API with its OpenAPI (issue 8).

Routes: `POST /v1/sign`, `GET /v1/keys/{key_id}/public_key?domain=...`, `GET /health`, `GET /metrics`. Every
error is JSON `{"code", "message"}`: 400 `bad_request` (including schema violations, which FastAPI
would answer 422), 401 `unauthorized`, 403 `authorization_denied`, 404 `unknown_key`, 429
`quota_exceeded`, 503 `nodes_unavailable` (node failures it could not route around).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from hot.mpc.gatekeeper.config import ApiKey, GatekeeperConfig
from hot.mpc.gatekeeper.coordinator import SessionCoordinator
from hot.mpc.gatekeeper.errors import http_status
from hot.mpc.gatekeeper.health import NodeHealth, SignerSelection
from hot.mpc.gatekeeper.metrics import CONTENT_TYPE, GatekeeperMetrics
from hot.mpc.gatekeeper.models import (
    BatchSignatureResult,
    Domain,
    ErrorBody,
    PublicKeyResult,
    SignatureResult,
    SignRequestBody,
)
from hot.mpc.gatekeeper.node_client import NodeClient
from hot.mpc.gatekeeper.quotas import QuotaEnforcer
from hot.mpc.gatekeeper.service import SigningService
from hot.mpc.gatekeeper.store import GatekeeperStore
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hot.wire.errors import HotError

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "bad_request: malformed body, hex, lengths or batch size",
        401: "unauthorized: missing or unknown API key",
        403: "authorization_denied: the key's hot_verify said no; no signature exists",
        404: "unknown_key: no key is registered under key_id",
        429: "quota_exceeded: the API key's quota or rate limit is spent",
        503: "nodes_unavailable: not enough healthy nodes finished the signature",
    }.items()
}

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer API_KEY")


async def authorized_key(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> ApiKey:
    """The caller's ApiKey (401 otherwise), after one rate-limit token (429 when out).

    `async` so FastAPI runs it on the event loop: a sync dependency costs a worker-thread hop per request."""
    service: SigningService = request.app.state.service
    return service.authenticate(credentials.credentials if credentials else None)


AuthorizedKey = Annotated[ApiKey, Depends(authorized_key)]


def build_service(config: GatekeeperConfig) -> tuple[SigningService, NodeClient, GatekeeperStore]:
    """Wire the parts: store, quotas, node client, health, selection, coordinator."""
    store = GatekeeperStore(config.database)
    client = NodeClient({n.participant_id: n.url for n in config.nodes}, config.node_timeout_s)
    metrics = GatekeeperMetrics()
    health = NodeHealth(tuple(n.participant_id for n in config.nodes), config.rest_s)
    health.on_rest = lambda participant: metrics.rests.labels(str(participant)).inc()
    coordinator = SessionCoordinator(config, client, health, SignerSelection(config.threshold), metrics)
    return SigningService(config, store, QuotaEnforcer(store), coordinator), client, store


def create_app(config: GatekeeperConfig) -> FastAPI:
    """The gatekeeper API for `config`; node connections and the database close on shutdown."""
    service, client, store = build_service(config)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await client.aclose()
            store.close()

    app = FastAPI(
        title="hot-protocol gatekeeper",
        version="1",
        description="Signature requests for keys owned by smart contracts (whitepaper §2.2.8, §2.3).",
        lifespan=lifespan,
    )
    app.state.service = service
    _install_error_handlers(app)
    _document_400_not_422(app)

    @app.post("/v1/sign", response_model=SignatureResult | BatchSignatureResult, responses=ERROR_RESPONSES)
    async def sign(body: SignRequestBody, key: AuthorizedKey) -> Any:
        """Sign `message` (answer: one result) or `messages` (answer: `{"signatures": [...]}`)."""
        # The service builds exactly the documented shape (hex strings, int or null); answering it as
        # a JSONResponse skips re-validating it against `response_model`, which stays in the OpenAPI.
        return JSONResponse(await service.sign(key, body))

    @app.get("/v1/keys/{key_id:path}/public_key", response_model=PublicKeyResult, responses=ERROR_RESPONSES)
    async def public_key(key_id: str, domain: Annotated[Domain, Query()], _: AuthorizedKey) -> dict[str, str]:
        """key_id's derived public key in `domain`, computed without a signing round."""
        return {"public_key": service.public_key(key_id, domain).hex()}

    app.add_middleware(AnswerCounter, metrics=service.coordinator.metrics)

    @app.get("/metrics", include_in_schema=False)
    async def metrics_text() -> Response:
        """Prometheus text format (answers by status, latency, failed attempts, rests)."""
        body = service.coordinator.metrics.render(service.coordinator.health)
        return Response(body, media_type=CONTENT_TYPE)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        """Liveness, and which nodes are rested and why."""
        rested = service.coordinator.health.rested()
        return {
            "gatekeeper_id": config.gatekeeper_id,
            "healthy": list(service.coordinator.health.healthy()),
            "rested": {str(p): r.reason for p, r in rested.items()},
        }

    return app


class AnswerCounter:
    """Counts answers by route template and status (`hot_gatekeeper_requests`).

    A plain ASGI middleware: Starlette's `BaseHTTPMiddleware` (`@app.middleware`) runs every request
    through an extra task and memory stream, a measurable share of the gatekeeper's CPU under load.
    """

    def __init__(self, app: ASGIApp, metrics: GatekeeperMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # an exception before any answer started is served as 500 by the error middleware

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")  # the router records the matched route in scope
            self.metrics.requests.labels(path, str(status)).inc()


def _document_400_not_422(app: FastAPI) -> None:
    """Schema violations are answered 400 `bad_request` here, so the OpenAPI must not promise 422."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path in schema["paths"].values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HotError)
    async def hot_error(_: Request, exc: HotError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": exc.message or str(exc)}, status_code=http_status(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        return JSONResponse({"code": "bad_request", "message": f"{where}: {first.get('msg', 'invalid')}"}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        return JSONResponse({"code": code, "message": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)
