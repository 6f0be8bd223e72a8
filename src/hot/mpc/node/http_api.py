"""The node's HTTP API for the gatekeeper, exactly as docs/node-api.md defines it.

`POST /v1/sign/commit` authorizes (receipt, attestation, access list, every hot_verify; see
`authorizer`) and answers round one; `POST /v1/sign/share` answers round two of an open session;
`GET /v1/public_key_package?domain=...` (the domain's public sharing: group key, verification
shares, threshold, epoch; public data only), `GET /health` and `GET /metrics` (Prometheus text
format 0.0.4). Every refusal is
`{"code", "message"}` with the status its class states (hot.wire.errors, docs/errors.md). Two codes beyond the
document's list (reported to the gatekeeper engineer): `peer_timeout` (409, an ECDSA co-signer
did not send its sign intent; `culprits` lists who) and `protocol_error` (409, a co-signer sent
a bad intent; `culprit` names it). Both are 4xx: the answering node is alive and is not the one
to blame.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.node.authorizer import Authorizer
from hot.mpc.node.runner.signing import SigningSessions

from hot.wire.errors import (
    AuthorizationDenied,
    BadReceipt,
    BadRequest,
    CulpritError,
    DeadlineExpired,
    HotError,
    NoPresignature,
    NotAttested,
    PeerTimeout,
    ProtocolError,
    ReceiptReplayed,
    UnknownKey,
    UnknownSession,
)

JSON_BODY = Annotated[dict[str, Any], Body()]
# The refusals docs/node-api.md lists, each answered with its own code and status; any other error
# is answered as `protocol_error` when it names a culprit and as `bad_request` otherwise.
ANSWERED: tuple[type[HotError], ...] = (BadRequest, BadReceipt, ReceiptReplayed, DeadlineExpired, AuthorizationDenied,
                                        UnknownKey, NotAttested, NoPresignature, UnknownSession, PeerTimeout,
                                        ProtocolError)
ANSWERED_CODES = frozenset(cls.code for cls in ANSWERED)


@dataclass
class NodeStatus:
    """What `/health` reports, read live from the runner."""

    epoch: Callable[[], int]
    state: Callable[[], str]
    attested: Callable[[], bool]
    presignatures: Callable[[], dict[str, int]]
    key_share: Callable[[str], KeyShare | None] = lambda domain: None  # the current epoch's share of a domain


def public_key_package(domain: str, share: KeyShare) -> dict[str, Any]:
    """The public half of a root key share (never the secret share): what a gatekeeper needs to check shares."""
    suite = share.suite
    return {"domain": domain, "epoch": share.epoch, "threshold": share.threshold,
            "group_public_key": suite.serialize_element(share.group_public_key).hex(),
            "verification_shares": {str(i): suite.serialize_element(p).hex() for i, p in sorted(share.verification_shares.items())},
            "public_key_package": share.to_packages()[1].to_bytes(suite).hex()}


def error_response(exc: HotError) -> JSONResponse:
    """The document's error body; culprits are named so the gatekeeper can retry without them."""
    answered: HotError | type[HotError] = exc
    if exc.code not in ANSWERED_CODES:
        answered = ProtocolError if isinstance(exc, CulpritError) else BadRequest
    body: dict[str, Any] = {"code": answered.code, "message": str(exc)}
    if isinstance(exc, CulpritError):
        body["culprit"] = exc.culprit
    if isinstance(exc, PeerTimeout):
        body["culprits"] = exc.missing
    return JSONResponse(status_code=answered.status, content=body)


def create_app(participant_id: int, authorizer: Authorizer, sessions: SigningSessions, status: NodeStatus) -> FastAPI:
    """The FastAPI app of one node (OpenAPI at /docs)."""
    app = FastAPI(title=f"hot-protocol MPC node {participant_id}", version="1")
    requests: Counter[tuple[str, str]] = Counter()

    @app.exception_handler(RequestValidationError)
    async def not_json_object(_: Request, exc: RequestValidationError) -> JSONResponse:
        """A body that is not a JSON object is `bad_request` (400), never FastAPI's 422."""
        return JSONResponse(status_code=BadRequest.status, content={"code": BadRequest.code,
                                                                     "message": "the body must be a JSON object"})

    @app.post("/v1/sign/commit")
    async def sign_commit(body: JSON_BODY) -> JSONResponse:
        """Authorize the request and answer round one (FROST commitments or presignature ids)."""
        try:
            authorized = await authorizer.authorize(body.get("session_id"), body.get("receipt"), body.get("request"))
            answer = sessions.commit(authorized, body.get("signers"))
        except HotError as exc:
            requests[("commit", exc.code)] += 1
            return error_response(exc)
        requests[("commit", "ok")] += 1
        return JSONResponse(answer)  # already plain JSON: skips FastAPI's jsonable_encoder pass

    @app.post("/v1/sign/share")
    async def sign_share(body: JSON_BODY) -> JSONResponse:
        """Round two of an open session; consumes its nonces or presignatures."""
        try:
            answer = await sessions.share(str(body.get("session_id")), body.get("package"))
        except HotError as exc:
            requests[("share", exc.code)] += 1
            return error_response(exc)
        requests[("share", "ok")] += 1
        return JSONResponse(answer)

    @app.get("/v1/public_key_package")
    async def get_public_key_package(domain: str = "") -> Any:
        """The domain's public key package of the current epoch (404 `unknown_key` while it has none)."""
        share = status.key_share(domain)
        if share is None:
            return error_response(UnknownKey(f"this node holds no {domain!r} key for epoch {status.epoch()}"))
        return public_key_package(domain, share)

    @app.get("/health")
    async def health() -> JSONResponse:
        """Participant id, epoch, Controller state, attestation, presignatures per signer set."""
        return JSONResponse({"participant_id": participant_id, "epoch": status.epoch(), "state": status.state(),
                             "attested": status.attested(), "presignatures": status.presignatures()})

    @app.get("/metrics", response_class=PlainTextResponse)
    async def metrics() -> str:
        """Prometheus text format: requests by route and outcome, pool sizes, open sessions, epoch."""
        lines = ["# HELP hot_node_requests_total Signing API calls by route and outcome.",
                 "# TYPE hot_node_requests_total counter"]
        lines += [f'hot_node_requests_total{{route="{r}",outcome="{o}"}} {n}' for (r, o), n in sorted(requests.items())]
        lines += ["# HELP hot_node_presignatures Unused presignatures per signer set.", "# TYPE hot_node_presignatures gauge"]
        lines += [f'hot_node_presignatures{{signers="{s}"}} {n}' for s, n in sorted(status.presignatures().items())]
        lines += ["# HELP hot_node_open_sessions Signing sessions waiting for /share.", "# TYPE hot_node_open_sessions gauge",
                  f"hot_node_open_sessions {len(sessions.sessions)}",
                  "# HELP hot_node_epoch The Controller epoch this node signs in.", "# TYPE hot_node_epoch gauge",
                  f"hot_node_epoch {status.epoch()}",
                  "# HELP hot_node_attested 1 while the node holds a valid attestation.", "# TYPE hot_node_attested gauge",
                  f"hot_node_attested {int(status.attested())}"]
        return "\n".join(lines) + "\n"

    return app
