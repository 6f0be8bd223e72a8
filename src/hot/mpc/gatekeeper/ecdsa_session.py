"""The gatekeeper as threshold-ECDSA combiner for one attempt (Damgård et al. 2020, online phase).

A presignature lives among exactly 2t-1 nodes, and signing must use exactly that set
(ARCHITECTURE.md, ECDSA rules), so the set is chosen from the nodes' `/health` pools: a set of
healthy nodes that all hold a common presignature. `/v1/sign/commit` authorizes and lists the
presignature ids each node holds for that set; the gatekeeper picks ids all of them hold, one per
message, and sends them with fresh public entropy in `/v1/sign/share`. Each node rerandomizes
its presignature with the key_id tweak and the entropy, consumes it and returns its linear share
with the presignature's public part (`encode_presignature_public`). `combine_signature` checks every share against
the public commitments, names a bad sender, normalizes low-s and verifies under the derived key.
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable
from typing import Any

from hot.mpc.crypto.derivation import derive_tweak
from hot.mpc.crypto.ecdsa import SignRequest, combine_signature
from hot.mpc.crypto.ecdsa.presignature import PresignaturePublic
from hot.mpc.crypto.ecdsa.request import derived_public_key
from hot.mpc.crypto.ecdsa.sign import SignatureShare
from hot.mpc.crypto.suites import SECP256K1, Point
from hot.mpc.crypto.ecdsa.presignature import decode_presignature_public
from hot.mpc.gatekeeper.health import common_presignature_counts
from hot.mpc.gatekeeper.node_client import NodeClient, answer_items, gather_answers, parse_answers
from hot.wire.receipts import GatekeeperReceipt
from hot.mpc.gatekeeper.signing_job import AttemptFailed
from hot.wire.requests import SigningRequest
from hot.wire.signatures import SignatureResult

from hot.wire.errors import CulpritError, EncodingError, HotError, NodeFailure

ENTROPY_SIZE = 32
MAX_REMEMBERED_CLAIMS = 1 << 17
POOL_VIEW_TTL_S = 0.5
POOL_VIEW_MIN_REFRESH_S = 0.05  # at most ~20 /health reads per node per second, however many requests


class PresignatureClaims:
    """Presignature ids this gatekeeper has sent to a /share: never offered to a second session.

    Concurrent requests on one signer set see the same ids at commit; without claims two sessions
    would pick the same id, each node would serve whichever came first, and both sessions would
    fail with the presignature burned. A claimed id is never released: after a failed attempt it
    may already be consumed on some nodes. Ids are chosen at random among the unclaimed, so two
    gatekeepers sharing nodes rarely collide either.
    """

    def __init__(self) -> None:
        self._claimed: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._rng = random.SystemRandom()

    def claim(self, common: Iterable[str], count: int) -> list[str] | None:
        """`count` unclaimed ids from `common`, now claimed; None if there are not enough."""
        with self._lock:
            free = [i for i in common if i not in self._claimed]
            if len(free) < count:
                return None
            chosen = self._rng.sample(free, count)
            for presignature_id in chosen:
                self._claimed[presignature_id] = None
            while len(self._claimed) > MAX_REMEMBERED_CLAIMS:
                self._claimed.popitem(last=False)
            return chosen


class PoolView:
    """The nodes' /health presignature counts, reused for a moment across requests.

    Reading every healthy node's /health before each ECDSA request costs one more round trip to
    every node. The counts only steer which signer set to try (`/v1/sign/commit` lists the ids
    really held), so a view younger than `ttl_s` for the same healthy nodes is reused, lowered
    locally by every signature made, and dropped after any failed attempt or when it shows no set
    with enough presignatures (then /health is read again).
    """

    def __init__(self, ttl_s: float = POOL_VIEW_TTL_S, clock: Any = time.monotonic,
                 min_refresh_s: float = POOL_VIEW_MIN_REFRESH_S) -> None:
        self.ttl_s, self.min_refresh_s, self._clock = ttl_s, min_refresh_s, clock
        self._view: tuple[float, tuple[int, ...], dict[tuple[int, ...], int]] | None = None  # (expiry, healthy, counts)
        self._reading: dict[tuple[int, ...], asyncio.Future[tuple[dict[tuple[int, ...], int], list[NodeFailure]]]] = {}
        self._lock = threading.Lock()

    async def counts(self, client: NodeClient, healthy: tuple[int, ...], *, fresh: bool = False
                     ) -> tuple[dict[tuple[int, ...], int], list[NodeFailure], bool]:
        """(counts, failures, from_cache). `fresh` re-reads unless the view is under `min_refresh_s` old.

        Single flight: requests that need a read while one is under way share its answer, so a
        crowd of requests waiting for presignatures costs the nodes one /health sweep at a time.
        """
        with self._lock:
            view, now = self._view, self._clock()
            if view is not None and view[1] == healthy:
                age = now - (view[0] - self.ttl_s)
                if (not fresh and view[0] > now) or age < self.min_refresh_s:
                    return dict(view[2]), [], True
            reading = self._reading.get(healthy)
            if reading is None or reading.done() or reading.get_loop() is not asyncio.get_running_loop():
                reading = self._reading[healthy] = asyncio.ensure_future(self._read(client, healthy))
        counts, failures = await asyncio.shield(reading)
        return dict(counts), list(failures), False

    async def _read(self, client: NodeClient, healthy: tuple[int, ...]) -> tuple[dict[tuple[int, ...], int], list[NodeFailure]]:
        counts, failures = await presigned_sets(client, healthy)
        with self._lock:
            self._view = (self._clock() + self.ttl_s, healthy, dict(counts)) if not failures else None
        return counts, failures

    def spend(self, signers: tuple[int, ...], count: int) -> None:
        with self._lock:
            if self._view is not None and signers in self._view[2]:
                self._view[2][signers] = max(0, self._view[2][signers] - count)

    def invalidate(self) -> None:
        with self._lock:
            self._view = None


async def presigned_sets(client: NodeClient, healthy: tuple[int, ...]) -> tuple[dict[tuple[int, ...], int], list[NodeFailure]]:
    """Ask every healthy node's /health for its presignature pools; combine into common counts."""
    answers, failures = await gather_answers({p: client.get(p, "/health") for p in healthy})
    reports = []
    for p, answer in answers.items():
        pools = answer.get("presignatures")
        if answer.get("participant_id") != p or not isinstance(pools, dict):
            failures.append(NodeFailure(p, "malformed /health answer", rest=True))
            continue
        reports.append((p, pools))
    return common_presignature_counts(reports), failures


async def run_ecdsa_attempt(
    client: NodeClient,
    job: SigningRequest,
    receipt: GatekeeperReceipt,
    signers: tuple[int, ...],
    root_public_key: Point,
    session_id: str,
    claims: PresignatureClaims,
) -> list[SignatureResult]:
    """Commit, claim common presignatures, share and combine; AttemptFailed names failing nodes."""
    commit_body = {"session_id": session_id, "receipt": receipt.to_json(), "request": job.to_wire(), "signers": list(signers)}
    answers, failures = await gather_answers({p: client.post(p, "/v1/sign/commit", commit_body) for p in signers})
    held = parse_answers(answers, failures, _parse_presignature_ids)
    if failures:
        raise AttemptFailed(failures)
    common = sorted(set.intersection(*(set(ids) for ids in held.values())))
    chosen = claims.claim(common, len(job.messages))
    if chosen is None:
        raise AttemptFailed(reason=f"signers {list(signers)} share too few unclaimed presignatures for {len(job.messages)} messages")
    entropy = os.urandom(ENTROPY_SIZE)
    share_body = {"session_id": session_id, "package": {"presignature_ids": chosen, "entropy": entropy.hex()}}
    answers, failures = await gather_answers({p: client.post(p, "/v1/sign/share", share_body) for p in signers})
    shares = parse_answers(answers, failures, lambda p, a: _parse_shares(p, a, len(job.messages)))
    if failures:
        raise AttemptFailed(failures)
    tweak = derive_tweak(SECP256K1, job.key_id)
    public_key = SECP256K1.serialize_element(derived_public_key(SECP256K1, root_public_key, tweak))
    out = []
    for m, message_hash in enumerate(job.messages):
        public = _agreed_public(signers, {p: shares[p][m][1] for p in signers}, chosen[m], root_public_key)
        request = SignRequest(message_hash, tweak, signers, entropy)
        try:
            signature = combine_signature(public, request, {p: shares[p][m][0] for p in signers}, current_epoch=public.epoch)
        except CulpritError as exc:
            raise AttemptFailed([NodeFailure(int(exc.culprit), f"named by ECDSA combine: {exc}", rest=True)]) from exc
        except HotError as exc:
            raise AttemptFailed(reason=f"combining failed without a culprit: {exc}") from exc
        out.append(SignatureResult(signature.to_compact(), public_key, signature.recovery_id))
    return out


def _parse_presignature_ids(p: int, answer: dict[str, Any]) -> list[str]:
    if answer.get("participant_id") != p:
        raise ValueError(f"answer claims participant {answer.get('participant_id')!r}")
    ids = answer["presignatures"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError("presignatures must be a list of id strings")
    return ids


def _parse_shares(p: int, answer: dict[str, Any], count: int) -> list[tuple[SignatureShare, bytes]]:
    out = []
    for item in answer_items(p, answer, "shares", count):
        share = SignatureShare.from_bytes(SECP256K1, bytes.fromhex(item["share"]))
        out.append((share, bytes.fromhex(item["presignature"])))
    return out


def _agreed_public(
    signers: tuple[int, ...], encodings: dict[int, bytes], presignature_id: str, root_public_key: Point
) -> PresignaturePublic:
    """The presignature's public part all signers report; a node reporting another one is named.

    Honest signers of one presignature hold identical public parts. The combiner checks shares
    against it, so it must not come from one node alone: a strict majority must agree, the
    dissenters are named, and it must be for the chosen id, this set and the configured root key.
    """
    value, votes = Counter(encodings.values()).most_common(1)[0]
    if 2 * votes <= len(signers):
        raise AttemptFailed(reason="signers disagree on the presignature's public values")
    dissenters = [NodeFailure(p, "reported other presignature public values", rest=True) for p, e in encodings.items() if e != value]
    if dissenters:
        raise AttemptFailed(dissenters)
    try:
        public = decode_presignature_public(value)
    except EncodingError as exc:
        raise AttemptFailed(reason=f"presignature public values are malformed: {exc}") from exc
    if public.presignature_id.hex() != presignature_id or public.participants != signers or public.group_public_key != root_public_key:
        raise AttemptFailed(reason="presignature public values are for another id, signer set or key")
    return public
