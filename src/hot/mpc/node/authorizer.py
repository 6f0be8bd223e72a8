"""Authorization before any signature share (whitepaper §2.3 step 3; docs/node-api.md).

Every node decides on its own, in this order, and releases nothing unless all pass:

1. the gatekeeper receipt (`hot.wire.receipts.verify_receipt`, the one encoding both sides use): a registered gatekeeper, a valid Ed25519 signature, a `request_hash` equal to
   `sha256(canonical_json(request))`, a deadline not passed; and neither the receipt nor the
   session seen before (a durable SQLite replay set: a restart does not reopen it);
2. the node's own attestation (`AttestationGuard.require_valid`): an unattested node refuses;
3. the key's access list from the Key Registry (`get_wallet`); an unreserved key_id is refused;
4. every method's `hot_verify(msg_hash, key_id, user_payload, metadata)` through the
   `ChainVerifier` registry, once per message; a chain error counts as a refusal (fail closed).

The request and the decision (allow, or the refusal code and reason) go to the signed log, so a
fisherman can prove what a node did (whitepaper §3.2.3). Payloads are not secret; shares never
pass through here.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hot.mpc.chains.base import AuthMethod, ChainVerifier
from hot.wire.receipts import GatekeeperReceipt, verify_receipt
from hot.wire.requests import SigningRequest, policy_msg_hash
from hot.mpc.node.attestation import AttestationGuard
from hot.mpc.node.registry_client import AccessListSource
from hot.mpc.node.signed_log import SignedLog

from hot.wire.errors import (
    AttestationError,
    AuthorizationDenied,
    BadRequest,
    ChainError,
    HotError,
    NotAttested,
    ReceiptReplayed,
    UnknownKey,
)


class ReplaySet:
    """Durable set of used receipts and session ids (SQLite, fsync'ed commit before any answer).

    Concurrent requests share one transaction and one fsync (`claim_async`, group commit): each
    claim runs in a savepoint of its own, so a replayed one is refused without undoing the others,
    and every claim is on disk before its caller hears it succeeded.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (kind TEXT, value TEXT, deadline_ms INTEGER, PRIMARY KEY (kind, value))")
        self._pending: list[tuple[tuple[str, str, int], asyncio.Future[bool]]] = []
        self._flusher: asyncio.Task[None] | None = None

    def claim(self, receipt_digest: str, session_id: str, deadline_ms: int) -> None:
        """Record both or neither; `ReceiptReplayed` if either was seen."""
        if not self._claim_many([(receipt_digest, session_id, deadline_ms)])[0]:
            raise ReceiptReplayed("this receipt or session was already used")

    async def claim_async(self, receipt_digest: str, session_id: str, deadline_ms: int) -> None:
        """`claim` without blocking the event loop: batched with concurrent claims into one fsync'ed commit."""
        loop = asyncio.get_running_loop()
        claimed: asyncio.Future[bool] = loop.create_future()
        self._pending.append(((receipt_digest, session_id, deadline_ms), claimed))
        if self._flusher is None or self._flusher.done():
            self._flusher = loop.create_task(self._flush())
        if not await claimed:
            raise ReceiptReplayed("this receipt or session was already used")

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                outcomes = await asyncio.to_thread(self._claim_many, [claim for claim, _ in batch])
            except BaseException as exc:
                for _, claimed in batch:
                    if not claimed.done():
                        claimed.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_, claimed), outcome in zip(batch, outcomes, strict=True):
                if not claimed.done():
                    claimed.set_result(outcome)

    def _claim_many(self, claims: list[tuple[str, str, int]]) -> list[bool]:
        """One transaction: per claim True (recorded) or False (its receipt or session was seen)."""
        outcomes = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for receipt_digest, session_id, deadline_ms in claims:
                    self._db.execute("SAVEPOINT claim")
                    try:
                        self._db.execute("INSERT INTO seen VALUES ('receipt', ?, ?)", (receipt_digest, deadline_ms))
                        self._db.execute("INSERT INTO seen VALUES ('session', ?, ?)", (session_id, deadline_ms))
                        outcomes.append(True)
                    except sqlite3.IntegrityError:
                        self._db.execute("ROLLBACK TO claim")
                        outcomes.append(False)
                    self._db.execute("RELEASE claim")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return outcomes

    def prune(self, before_ms: int) -> int:
        """Forget entries whose deadline passed (their receipts are refused as expired anyway)."""
        with self._lock:
            return self._db.execute("DELETE FROM seen WHERE deadline_ms < ?", (before_ms,)).rowcount

    def close(self) -> None:
        self._db.close()


@dataclass(frozen=True)
class Authorized:
    """A request every check passed; what the signing session runs on."""

    session_id: str
    request: SigningRequest
    receipt: GatekeeperReceipt


class Authorizer:
    """Runs the checks of whitepaper §2.3 step 3 and logs every decision."""

    def __init__(
        self,
        gatekeeper_keys: Callable[[], Mapping[str, bytes]],
        replay: ReplaySet,
        guard: AttestationGuard,
        access_lists: AccessListSource,
        verifier: ChainVerifier,
        log: SignedLog,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._gatekeeper_keys = gatekeeper_keys
        self._replay = replay
        self._guard = guard
        self._access_lists = access_lists
        self._verifier = verifier
        self._log = log
        self._clock = clock

    async def authorize(self, session_id: str, receipt_json: Any, request_json: Any) -> Authorized:
        """All checks, or the typed refusal (BadRequest, BadReceipt, ReceiptReplayed, ...)."""
        # Group commit (`SignedLog.write`/`durable`): a refusal is on disk before it is answered;
        # an allowed decision is on disk before any share of its session leaves the node
        # (`SigningSessions.share` awaits the log before answering).
        self._log.write("request", {"event": "sign_request", "session_id": session_id, "request": request_json,
                                    "receipt": receipt_json})
        try:
            authorized = await self._check(session_id, receipt_json, request_json)
        except HotError as exc:
            await self._log.append_durable("decision", {"event": "denied", "session_id": session_id, "code": exc.code,
                                                        "reason": str(exc)})
            raise
        self._log.write("decision", {"event": "allowed", "session_id": session_id, "key_id": authorized.request.key_id,
                                     "request_hash": authorized.receipt.request_hash.hex()})
        return authorized

    async def _check(self, session_id: str, receipt_json: Any, request_json: Any) -> Authorized:
        if not isinstance(session_id, str) or not 0 < len(session_id) <= 128:
            raise BadRequest("session_id must be a string of 1..128 characters")
        request = SigningRequest.from_wire(request_json)
        receipt = self.check_receipt(receipt_json, request_json)
        await self._replay.claim_async(receipt.digest.hex(), session_id, receipt.deadline_ms)
        try:
            self._guard.require_valid(int(self._clock()))
        except AttestationError as exc:
            raise NotAttested(str(exc)) from exc
        await self.check_access(request)
        return Authorized(session_id, request, receipt)

    def check_receipt(self, receipt_json: Any, request_json: Any) -> GatekeeperReceipt:
        """Known gatekeeper, signature, request hash, deadline (`hot.mpc.gatekeeper.receipts`); replay is `ReplaySet.claim`."""
        receipt = GatekeeperReceipt.from_json(receipt_json)
        verify_receipt(receipt, request_json, self._gatekeeper_keys(), int(self._clock() * 1000))
        return receipt

    async def check_access(self, request: SigningRequest) -> None:
        """Every auth method's hot_verify must allow every message (fail closed on chain errors)."""
        try:
            methods = await self._access_lists.access_list(request.key_id)
        except ChainError as exc:
            raise AuthorizationDenied(f"cannot read the access list: {exc}") from exc
        if methods is None:
            raise UnknownKey(f"key_id {request.key_id!r} is not reserved in the Key Registry")
        if not methods:
            raise AuthorizationDenied("the key's access list is empty")
        if len(request.user_payloads) != len(methods):
            raise AuthorizationDenied(f"{len(methods)} auth methods need {len(methods)} user_payloads, got {len(request.user_payloads)}")
        checks = [(i, method, payload) for i in range(len(request.messages)) for method, payload in zip(methods, request.user_payloads)]
        results = await asyncio.gather(*(self._verify_one(request, i, m, p) for i, m, p in checks), return_exceptions=True)
        for (i, method, _), result in zip(checks, results):
            if isinstance(result, BaseException) and not isinstance(result, HotError):
                raise result
            if result is not True:
                reason = f"{result.code}: {result}" if isinstance(result, HotError) else "hot_verify returned false"
                raise AuthorizationDenied(f"message {i}: {method.contract_id} on chain {method.chain_id} refused ({reason})")

    async def _verify_one(self, request: SigningRequest, index: int, method: AuthMethod, payload: bytes) -> bool:
        verdict = await self._verifier.verify(method, policy_msg_hash(request.domain, request.messages[index]), request.key_id, payload)
        return bool(verdict.allowed)


__all__ = ["Authorized", "Authorizer", "ReplaySet"]
