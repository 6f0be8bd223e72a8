"""The gatekeeper's request path, in the order the whitepaper gives it (§2.2.8, §2.3, §3.2.2).

authenticate -> rate limit -> shape checks -> idempotency cache -> quota -> sign through the
coordinator -> verify every signature under the derived key -> cache -> answer. Bad input raises a
typed error before any state changes; an identical request (same key, domain, messages, payloads)
gets the cached signature and spends neither quota nor a presignature; concurrent identical
requests share one signing session.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from hot.mpc.crypto.suites import SECP256K1
from hot.mpc.gatekeeper.config import ApiKey, GatekeeperConfig
from hot.mpc.gatekeeper.coordinator import SessionCoordinator
from hot.mpc.gatekeeper.models import SignRequestBody
from hot.mpc.gatekeeper.quotas import QuotaEnforcer
from hot.wire.requests import SigningRequest
from hot.wire.signatures import SignatureResult, verify_signature
from hot.mpc.gatekeeper.store import GatekeeperStore
from hot.mpc.gatekeeper.verify import derived_public_key_bytes
from hot.wire.domains import Domain, spec
from hot.wire.errors import BadRequest, InvalidSignature, NodesUnavailable, Unauthorized


class SigningService:
    """Holds the gatekeeper's state; one per app."""

    def __init__(self, config: GatekeeperConfig, store: GatekeeperStore, quotas: QuotaEnforcer, coordinator: SessionCoordinator) -> None:
        self.config, self.store, self.quotas, self.coordinator = config, store, quotas, coordinator
        self._in_flight: dict[bytes, asyncio.Future[list[SignatureResult]]] = {}

    def authenticate(self, bearer: str | None) -> ApiKey:
        """The ApiKey for `Authorization: Bearer ...`, after taking one rate-limit token."""
        key = self.config.api_key(bearer) if bearer else None
        if key is None:
            raise Unauthorized("send a valid API key as `Authorization: Bearer API_KEY`")
        self.quotas.check_rate(key)
        return key

    def public_key(self, key_id: str, domain: Domain) -> bytes:
        """key_id's derived public key (whitepaper §2.2.5): no signing round, no quota."""
        self._check_domain(domain)
        self._check_key_id(key_id)
        return derived_public_key_bytes(domain, self.config.public_key_packages[domain], key_id)

    async def sign(self, key: ApiKey, body: SignRequestBody) -> dict[str, Any]:
        """Answer one request: a single result for `message`, `{"signatures": [...]}` for `messages`."""
        job = self._job(body)
        results = await self._signed(key, job)
        if body.message is not None:
            return results[0].to_json()
        return {"signatures": [r.to_json() for r in results]}

    async def _signed(self, key: ApiKey, job: SigningRequest) -> list[SignatureResult]:
        cached = self.store.cached_response(job.request_hash)
        if cached is not None:
            return [SignatureResult.from_json(r) for r in cached["signatures"]]
        running = self._in_flight.get(job.request_hash)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[list[SignatureResult]] = asyncio.get_running_loop().create_future()
        self._in_flight[job.request_hash] = future
        try:
            results = await self._sign_fresh(key, job)
            future.set_result(results)
            return results
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # marks it retrieved when no one else waits on it
            raise
        finally:
            del self._in_flight[job.request_hash]

    async def _sign_fresh(self, key: ApiKey, job: SigningRequest) -> list[SignatureResult]:
        self.quotas.spend(key, len(job.messages))
        try:
            with self.coordinator.metrics.sign_seconds.labels(job.domain).time():
                results = await self.coordinator.sign(job)
        except NodesUnavailable:
            self.quotas.refund(key, len(job.messages))  # the network failed, not the user
            raise
        expected = derived_public_key_bytes(job.domain, self.config.public_key_packages[job.domain], job.key_id)
        try:
            for message, signed in zip(job.messages, results, strict=True):
                verify_signature(job.domain, expected, message, signed)
        except InvalidSignature as exc:
            self.quotas.refund(key, len(job.messages))
            raise NodesUnavailable(f"the network returned a signature that does not verify: {exc}") from exc
        self.store.cache_response(job.request_hash, {"signatures": [r.to_json() for r in results]}, int(time.time() * 1000))
        return results

    def _job(self, body: SignRequestBody) -> SigningRequest:
        """Shape checks the schema cannot express; BadRequest before any state changes."""
        self._check_domain(body.domain)
        self._check_key_id(body.key_id)
        if (body.message is None) == (body.messages is None):
            raise BadRequest("send exactly one of `message` or `messages`")
        hexes = [body.message] if body.message is not None else list(body.messages or [])
        if len(hexes) > self.config.max_batch:
            raise BadRequest(f"a batch holds at most {self.config.max_batch} messages")
        messages = tuple(bytes.fromhex(h) for h in hexes)
        payloads = tuple(bytes.fromhex(p) for p in body.user_payloads)
        if any(len(p) > self.config.max_payload_bytes for p in payloads):
            raise BadRequest(f"a user payload holds at most {self.config.max_payload_bytes} bytes")
        for message in messages:
            self._check_message(body.domain, message)
        return SigningRequest(body.key_id, Domain(body.domain), messages, payloads)

    def _check_message(self, domain: str, message: bytes) -> None:
        if spec(domain).prehashed:
            if len(message) != 32:
                raise BadRequest("a secp256k1 message is the 32-byte hash to sign")
            if int.from_bytes(message, "big") % SECP256K1.order == 0:
                raise BadRequest("a message hash that is zero modulo the group order is refused")
        elif len(message) > self.config.max_message_bytes:
            raise BadRequest(f"a message holds at most {self.config.max_message_bytes} bytes")

    def _check_domain(self, domain: str) -> None:
        if domain not in self.config.public_key_packages:
            raise BadRequest(f"this gatekeeper does not serve the {domain!r} domain")

    @staticmethod
    def _check_key_id(key_id: str) -> None:
        try:
            size = len(key_id.encode("utf-8"))
        except UnicodeEncodeError:  # a lone surrogate is valid JSON but not UTF-8
            size = 0
        if not 0 < size <= 1024 or not key_id.isprintable():
            raise BadRequest("key_id must be 1..1024 bytes of printable UTF-8")
