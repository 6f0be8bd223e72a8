"""The session coordinator: receipt, signer selection, attempt, rest and retry (whitepaper §2.3, §4.1.1).

For each attempt the gatekeeper co-signs a fresh receipt (whitepaper §3.2.2), picks a threshold
subset of healthy nodes that were not already failing this request, and runs one FROST or ECDSA
session. A node that timed out, was unreachable, answered garbage or was named by identifiable
abort is rested for a while; a node that refused with a code is only left out of this request.
A node the other signers blame (their `peer_timeout` `culprits`, a `protocol_error` `culprit`) is
left out of this request and rested when a strict majority of its co-signers blame it.
When every contacted node refuses with the same user-facing code (`authorization_denied`,
`unknown_key`), that is the answer: the key's policy said no, and no signature exists.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections import Counter

from hot.mpc.gatekeeper.config import GatekeeperConfig
from hot.mpc.gatekeeper.ecdsa_session import (
    PoolView,
    PresignatureClaims,
    run_ecdsa_attempt,
)
from hot.mpc.gatekeeper.frost_session import run_frost_attempt
from hot.mpc.gatekeeper.health import NodeHealth, SignerSelection
from hot.mpc.gatekeeper.metrics import GatekeeperMetrics
from hot.mpc.gatekeeper.node_client import USER_FACING_CODES, NodeClient
from hot.wire.receipts import GatekeeperReceipt, sign_receipt
from hot.mpc.gatekeeper.signing_job import AttemptFailed
from hot.wire.requests import SigningRequest
from hot.wire.signatures import SignatureResult
from nacl.signing import SigningKey

from hot.wire.errors import AuthorizationDenied, NodeFailure, NodesUnavailable, UnknownKey

log = logging.getLogger("hot.gatekeeper")
POOL_WAIT_POLL_S = 0.02  # how often a request waiting for presignatures looks at the (shared, rate-limited) pool view


class ReceiptIssuer:
    """Signs receipts whose deadlines strictly increase, so no two receipts are ever equal.

    Nodes refuse a receipt they have seen before (docs/node-api.md); each retry gets a new one.
    """

    def __init__(self, gatekeeper_id: str, signing_key: SigningKey, ttl_s: float) -> None:
        self._id, self._key, self._ttl_ms = gatekeeper_id, signing_key, int(ttl_s * 1000)
        self._last = 0
        self._lock = threading.Lock()

    def issue(self, request_hash: bytes) -> GatekeeperReceipt:
        with self._lock:
            self._last = max(int(time.time() * 1000) + self._ttl_ms, self._last + 1)
            deadline = self._last
        return sign_receipt(self._key, self._id, request_hash, deadline)


class SessionCoordinator:
    """Runs attempts until one signs every message, or no healthy subset is left."""

    def __init__(
        self,
        config: GatekeeperConfig,
        client: NodeClient,
        health: NodeHealth,
        selection: SignerSelection,
        metrics: GatekeeperMetrics | None = None,
    ) -> None:
        self.config, self.client, self.health, self.selection = config, client, health, selection
        self.metrics = metrics or GatekeeperMetrics()
        self.receipts = ReceiptIssuer(config.gatekeeper_id, config.signing_key, config.receipt_ttl_s)
        self.claims = PresignatureClaims()
        self.pools = PoolView()

    async def sign(self, job: SigningRequest) -> list[SignatureResult]:
        """whitepaper §2.3 steps 2 and 6: relay to a threshold subset and collect the signature."""
        excluded: set[int] = set()  # nodes that failed this request, rested or not
        for attempt in range(self.config.max_attempts):
            signers = await self._choose(job, excluded)
            if signers is None:
                break
            try:
                signed = await self._attempt(job, signers)
            except AttemptFailed as failed:
                if job.domain == "secp256k1":
                    self.pools.invalidate()
                log.info("attempt %d with %s failed: %s", attempt + 1, signers, failed.message)
                self.metrics.failed_attempts.labels(job.domain).inc()
                self._judge(failed.failures, signers, excluded)
                continue
            if job.domain == "secp256k1":
                self.pools.spend(signers, len(job.messages))
            return signed
        raise NodesUnavailable(f"no healthy {job.domain} signer set finished the request; retry later")

    async def _choose(self, job: SigningRequest, excluded: set[int]) -> tuple[int, ...] | None:
        healthy = tuple(p for p in self.health.healthy() if p not in excluded)
        if job.domain == "ed25519":
            return self.selection.frost_signers(healthy)
        counts, failures, cached = await self.pools.counts(self.client, healthy)
        if cached and self.selection.ecdsa_signers(healthy, counts, needed=len(job.messages)) is None:
            counts, failures, _ = await self.pools.counts(self.client, healthy, fresh=True)  # the reused view ran dry
        deadline = time.monotonic() + self.config.presignature_wait_s
        while True:
            self._judge(failures, (), excluded)
            healthy = tuple(p for p in healthy if p not in excluded)
            signers = self.selection.ecdsa_signers(healthy, counts, needed=len(job.messages))
            if signers is not None or len(healthy) < self.selection.ecdsa_set_size or time.monotonic() >= deadline:
                return signers
            # Enough live nodes, but their pools are drained: the set leaders are presigning in the
            # background. Look again shortly; PoolView reads /health at most every 50 ms however
            # many requests wait, so waiting costs the nodes nothing per request.
            await asyncio.sleep(POOL_WAIT_POLL_S)
            counts, failures, _ = await self.pools.counts(self.client, healthy, fresh=True)

    async def _attempt(self, job: SigningRequest, signers: tuple[int, ...]) -> list[SignatureResult]:
        receipt = self.receipts.issue(job.request_hash)
        session_id = uuid.uuid4().hex
        root = self.config.public_key_packages[job.domain]
        if job.domain == "ed25519":
            return await run_frost_attempt(self.client, job, receipt, signers, root, session_id)
        return await run_ecdsa_attempt(self.client, job, receipt, signers, root.group_public_key, session_id, self.claims)

    def _judge(self, failures: list[NodeFailure], signers: tuple[int, ...], excluded: set[int]) -> None:
        """Rest or exclude failing nodes; raise the user's answer when all contacted nodes gave it."""
        refusals = [f.node_code for f in failures if f.node_code in USER_FACING_CODES]
        if signers and refusals and len(refusals) == len(failures) == len(signers):
            code = Counter(refusals).most_common(1)[0][0]
            if code == AuthorizationDenied.code:
                raise AuthorizationDenied("the key's authorization methods refused this request")
            raise UnknownKey("no key is registered under this key_id")
        blame: Counter[int] = Counter()
        for failure in failures:
            blamed = {p for p in failure.culprits if p in signers and p != failure.participant}
            if blamed:
                # A node that blames co-signers (`peer_timeout` culprits, a `protocol_error` culprit)
                # is alive and speaks the protocol: it is not at fault itself. The blamed sit this
                # request out, and are rested below when enough of their co-signers agree.
                excluded.update(blamed)
                blame.update(blamed)
                continue
            excluded.add(failure.participant)
            if failure.rest:
                self._rest(failure.participant, failure.reason)
        for participant, votes in sorted(blame.items()):
            if participant not in self.health.rested() and 2 * votes > len(signers) - 1:
                # A strict majority of the other signers blame it: one lying node cannot rest an
                # honest one, while a dead or silent co-signer (blamed by all) is rested at once.
                self._rest(participant, f"blamed by {votes} of {len(signers) - 1} co-signers")

    def _rest(self, participant: int, reason: str) -> None:
        self.health.rest(participant, reason)
        log.warning("resting node %d for %ss: %s", participant, self.config.rest_s, reason)
