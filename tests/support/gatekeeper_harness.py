"""A small stand-in for the gatekeeper: signs receipts with a registered key, drives sessions, combines.

It speaks docs/node-api.md to nodes through any `post(participant_id, path, body) -> (status, json)`
callable (in-process ASGI apps or real node processes), aggregates FROST shares and combines ECDSA
shares, names culprits exactly as the gatekeeper must (InvalidShare from `frost.aggregate` /
`combine_signature`), and retries without a culprit or a dead node.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hot.mpc.crypto import frost
from hot.mpc.crypto.derivation import derive_public_key_package
from hot.mpc.crypto.ecdsa import SignRequest, combine_signature
from hot.mpc.crypto.ecdsa.sign import SignatureShare as EcdsaShare
from hot.mpc.crypto.frost_messages import SigningCommitments, SigningPackage
from hot.mpc.crypto.keys import PublicKeyPackage
from hot.mpc.crypto.suites import get_suite
from hot.mpc.crypto.ecdsa.presignature import decode_presignature_public
from hot.wire.receipts import sign_receipt
from hot.wire.requests import request_hash
from nacl.signing import SigningKey

from hot.wire.errors import CulpritError

Post = Callable[[int, str, dict[str, Any]], Awaitable[tuple[int, Any]]]
GATEKEEPER_ID = "gk-test"
GATEKEEPER_KEY = SigningKey(bytes([7]) * 32)
GATEKEEPER_PUBLIC = bytes(GATEKEEPER_KEY.verify_key)


class NodeRefused(Exception):
    """A node answered with an error body."""

    def __init__(self, participant_id: int, status: int, body: Any) -> None:
        super().__init__(f"node {participant_id}: HTTP {status} {body}")
        self.participant_id, self.status, self.body = participant_id, status, body


@dataclass
class Gatekeeper:
    post: Post
    deadline_ms: int = 20_000

    def receipt(self, request: dict[str, Any], *, deadline_ms: int | None = None) -> dict[str, Any]:
        deadline = int(time.time() * 1000) + self.deadline_ms if deadline_ms is None else deadline_ms
        return sign_receipt(GATEKEEPER_KEY, GATEKEEPER_ID, request_hash(request), deadline).to_json()

    async def call_all(self, signers: Sequence[int], path: str, bodies: dict[int, dict[str, Any]]) -> dict[int, Any]:
        results = await asyncio.gather(*(self.post(i, path, bodies[i]) for i in signers), return_exceptions=True)
        out: dict[int, Any] = {}
        for i, result in zip(signers, results):
            if isinstance(result, BaseException):
                raise NodeRefused(i, 0, repr(result))
            status, body = result
            if status != 200:
                raise NodeRefused(i, status, body)
            out[i] = body
        return out

    async def commit(self, signers: Sequence[int], request: dict[str, Any]) -> tuple[dict[int, str], dict[int, Any]]:
        """Open one session per node (each its own session id and receipt, as the gatekeeper does)."""
        sessions = {i: f"{uuid.uuid4().hex}-{i}" for i in signers}
        bodies = {i: {"session_id": sessions[i], "receipt": self.receipt(request), "request": request, "signers": list(signers)}
                  for i in signers}
        return sessions, await self.call_all(signers, "/v1/sign/commit", bodies)

    async def sign_ed25519(self, signers: Sequence[int], request: dict[str, Any], public: PublicKeyPackage) -> list[frost.Signature]:
        suite = get_suite("ed25519")
        sessions, commits = await self.commit(signers, request)
        commitments = {str(i): commits[i]["commitments"] for i in signers}
        shares = await self.call_all(signers, "/v1/sign/share",
                                     {i: {"session_id": sessions[i], "package": {"commitments": commitments}} for i in signers})
        derived = derive_public_key_package(suite, public, request["key_id"])
        out = []
        for m, message in enumerate(request["messages"]):
            package = SigningPackage.create(suite, [
                SigningCommitments(i, suite.deserialize_element(bytes.fromhex(commitments[str(i)][m]["hiding"])),
                                   suite.deserialize_element(bytes.fromhex(commitments[str(i)][m]["binding"]))) for i in signers
            ], bytes.fromhex(message))
            sig_shares = [frost.SignatureShare.from_bytes(suite, bytes.fromhex(shares[i]["shares"][m])) for i in signers]
            out.append(frost.aggregate(suite, package, sig_shares, derived))
        return out

    async def sign_secp256k1(self, signers: Sequence[int], request: dict[str, Any], epoch: int) -> list[Any]:
        suite = get_suite("secp256k1")
        sessions, commits = await self.commit(signers, request)
        common = set.intersection(*(set(commits[i]["presignatures"]) for i in signers))
        if len(common) < len(request["messages"]):
            raise NodeRefused(0, 409, {"code": "no_presignature", "message": f"common ids {len(common)}"})
        chosen = sorted(common)[: len(request["messages"])]
        entropy = os.urandom(32)
        package = {"presignature_ids": chosen, "entropy": entropy.hex()}
        shares = await self.call_all(signers, "/v1/sign/share", {i: {"session_id": sessions[i], "package": package} for i in signers})
        out = []
        for m, message in enumerate(request["messages"]):
            public = decode_presignature_public(bytes.fromhex(shares[signers[0]]["shares"][m]["presignature"]))
            sign_request = SignRequest.for_key_id(request["key_id"], bytes.fromhex(message), tuple(signers), entropy)
            by_sender = {}
            for i in signers:
                by_sender[i] = EcdsaShare.from_bytes(suite, bytes.fromhex(shares[i]["shares"][m]["share"]))
            out.append(combine_signature(public, sign_request, by_sender, current_epoch=epoch))
        return out

    async def sign_with_retry(self, sign: Callable[[Sequence[int]], Awaitable[Any]], candidates: Sequence[int],
                              size: int, *, attempts: int = 3) -> tuple[Any, list[int]]:
        """Sign with the first `size` healthy candidates; drop a named culprit or a dead node and retry."""
        excluded: list[int] = []
        for _ in range(attempts):
            signers = [i for i in candidates if i not in excluded][:size]
            try:
                return await sign(signers), excluded
            except CulpritError as exc:
                excluded.append(int(exc.culprit))
            except NodeRefused as exc:
                body = exc.body if isinstance(exc.body, dict) else {}
                culprits = body.get("culprits") or ([body["culprit"]] if "culprit" in body else [exc.participant_id])
                excluded.extend(int(c) for c in culprits if int(c) != 0)
        raise AssertionError(f"no signature after {attempts} attempts; excluded {excluded}")
