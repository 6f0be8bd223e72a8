"""Signing sessions the gatekeeper drives (docs/node-api.md): FROST and presignature ECDSA.

FROST (RFC 9591 §5.1-§5.2): `/commit` makes one nonce pair per message and keeps it in memory
under the session id; `/share` pops the session first, so nonces are used at most once (a second
`/share` finds no session). Signers sign under the key derived for `key_id`
(`derive_key_package`); the gatekeeper aggregates with the derived public package.

ECDSA (Damgård et al. 2020, online phase; ARCHITECTURE.md rules): `/commit` lists the ids of
unused presignatures this node holds for exactly the signer set; `/share` consumes the chosen
presignature durably (`Keystore.take_presignature`) *before* anything leaves the node, then
exchanges `SignIntent`s with the other 2t-1 signers over the authenticated peer mesh and
releases its share only if all of them signed the same transcript (split-view defence).

Answers on the wire (docs/node-api.md): a FROST share is hex of `SignatureShare.to_bytes`; an
ECDSA share is `{"share": hex(ecdsa SignatureShare.to_bytes), "presignature":
hex(hot.mpc.crypto.ecdsa.presignature.encode_presignature_public)}`, what the combiner checks against.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from hot.mpc.crypto import frost
from hot.mpc.crypto.derivation import derive_key_package
from hot.mpc.crypto.ecdsa import SignIntent, SignRequest, sign_intent, sign_share
from hot.mpc.crypto.ecdsa.presignature import PresignatureShare, encode_presignature_public
from hot.mpc.crypto.frost_messages import (
    SigningCommitments,
    SigningNonces,
    SigningPackage,
)
from hot.mpc.crypto.keys import KeyPackage
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites import Ciphersuite, get_suite
from hot.mpc.node.authorizer import Authorized
from hot.mpc.node.presign_pool import PresignaturePool
from hot.mpc.node.runner.packing import pack, unpack
from hot.mpc.node.signed_log import SignedLog

from hot.wire.domains import Domain
from hot.wire.encoding import canonical_json
from hot.wire.errors import (
    BadRequest,
    CulpritError,
    DeadlineExpired,
    HotError,
    KeystoreError,
    NoPresignature,
    PeerTimeout,
    PresignatureReused,
    ProtocolError,
    UnknownKey,
    UnknownSession,
)


class IntentExchange(Protocol):
    """Broadcast `payload` to the other signers of `session_id` and collect theirs (peer mesh)."""

    async def exchange(self, session_id: str, signers: tuple[int, ...], payload: bytes, timeout: float) -> dict[int, bytes]: ...


@dataclass
class OpenSession:
    """What `/commit` left for `/share`: the authorized request, the signers and (FROST) the nonces."""

    authorized: Authorized
    signers: tuple[int, ...]
    nonces: list[SigningNonces] = field(default_factory=list, repr=False)
    key: KeyShare | None = field(default=None, repr=False)  # FROST: the root share the nonces were made under
    key_package: KeyPackage | None = field(default=None, repr=False)  # FROST: derived for the request's key_id


class SigningSessions:
    """Open sessions of this node; the HTTP API calls `commit` and `share`."""

    def __init__(
        self,
        participant_id: int,
        key_share: Callable[[str], KeyShare | None],
        epoch: Callable[[], int],
        pool: PresignaturePool,
        exchange: IntentExchange,
        log: SignedLog,
        *,
        round_timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.participant_id = participant_id
        self._key_share = key_share
        self._epoch = epoch
        self.pool = pool
        self._exchange = exchange
        self._log = log
        self._timeout = round_timeout
        self._clock = clock
        self.sessions: dict[str, OpenSession] = {}

    def _key(self, domain: str) -> KeyShare:
        share = self._key_share(domain)
        if share is None:
            raise UnknownKey(f"this node holds no {domain} key share for the current epoch")
        return share

    def _check_signers(self, signers: Any, key: KeyShare, domain: str) -> tuple[int, ...]:
        if not isinstance(signers, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in signers):
            raise BadRequest("signers must be a list of participant ids")
        ids = tuple(sorted(set(signers)))
        if len(ids) != len(signers) or self.participant_id not in ids or not set(ids) <= set(key.participants):
            raise BadRequest("signers must be distinct key holders and include this node")
        needed = 2 * key.threshold - 1 if domain == "secp256k1" else key.threshold
        if (domain == "secp256k1" and len(ids) != needed) or len(ids) < needed:
            raise BadRequest(f"{domain} signing needs {'exactly' if domain == 'secp256k1' else 'at least'} {needed} signers")
        return ids

    def _prune(self) -> None:
        now_ms = int(self._clock() * 1000)
        for sid in [s for s, o in self.sessions.items() if o.authorized.receipt.deadline_ms <= now_ms]:
            del self.sessions[sid]

    def commit(self, authorized: Authorized, signers: Any) -> dict[str, Any]:
        """Round one: FROST commitments, or the presignature ids held for exactly this set."""
        self._prune()
        request = authorized.request
        key = self._key(request.domain)
        ids = self._check_signers(signers, key, request.domain)
        session = OpenSession(authorized, ids)
        answer: dict[str, Any] = {"participant_id": self.participant_id}
        if request.domain is Domain.ED25519:
            suite = key.suite
            session.key, session.key_package = key, derive_key_package(suite, key.to_packages()[0], request.key_id)
            for _ in request.messages:
                session.nonces.append(frost.commit(suite, session.key_package, os.urandom)[0])
            answer["commitments"] = [n.commitments.to_wire(suite) for n in session.nonces]
        else:
            answer["presignatures"] = self.pool.ids_for(self._epoch(), ids)
        self.sessions[authorized.session_id] = session
        # Written, not awaited: commitments and presignature ids are no share; `share` awaits the log.
        self._log.write("protocol", {"event": "commit", "session_id": authorized.session_id, "signers": list(ids)})
        return answer

    async def share(self, session_id: str, package: Any) -> dict[str, Any]:
        """Round two; the session is removed first, so a second /share is refused."""
        session = self.sessions.pop(session_id, None)
        if session is None:
            raise UnknownSession(f"no open session {session_id!r}")
        if int(self._clock() * 1000) >= session.authorized.receipt.deadline_ms:
            raise DeadlineExpired("the session's receipt deadline has passed")
        if not isinstance(package, dict):
            raise BadRequest("package must be an object")
        if session.authorized.request.domain is Domain.ED25519:
            shares: list[Any] = self._frost_shares(session, package)
        else:
            shares = await self._ecdsa_shares(session, package)
        # One group-committed fsync makes this entry and every earlier one (the session's request,
        # its `allowed` decision, its commit) durable before the shares leave the node.
        await self._log.append_durable("protocol", {"event": "share", "session_id": session_id,
                                                    "signers": list(session.signers)})
        return {"participant_id": self.participant_id, "shares": shares}

    def _frost_shares(self, session: OpenSession, package: dict[str, Any]) -> list[str]:
        request = session.authorized.request
        key = self._key("ed25519")
        if key != session.key or session.key_package is None:  # a reshare retired the share the nonces belong to
            raise UnknownKey("the ed25519 key share changed since this session's commit")
        suite = key.suite
        try:
            raw = {int(i): lists for i, lists in package["commitments"].items()}
            if set(raw) != set(session.signers) or any(len(v) != len(request.messages) for v in raw.values()):
                raise BadRequest("commitments must come from exactly the session's signers, one per message")
            by_message = [
                [self._commitment(suite, session.nonces[m], i, raw[i][m]) for i in session.signers]
                for m in range(len(request.messages))
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadRequest(f"malformed FROST package: {exc!r}") from exc
        out = []
        for message, commitments, nonces in zip(request.messages, by_message, session.nonces):
            signing_package = SigningPackage.create(suite, commitments, message)
            out.append(frost.sign(suite, signing_package, nonces, session.key_package).to_bytes(suite).hex())
        session.nonces.clear()
        return out

    def _commitment(self, suite: Ciphersuite, mine: SigningNonces, participant: int, raw: Any) -> SigningCommitments:
        """A signer's commitment from the package: peers' decoded and validated (RFC 9591 §4.1 via the
        suite), this node's own compared byte for byte with the one it issued (no second validation)."""
        if participant != self.participant_id:
            return SigningCommitments.from_wire(suite, participant, raw)
        if raw != mine.commitments.to_wire(suite):
            raise BadRequest("the package carries another commitment for this node than the one it made")
        return mine.commitments

    async def _ecdsa_shares(self, session: OpenSession, package: dict[str, Any]) -> list[dict[str, Any]]:
        request, epoch = session.authorized.request, self._epoch()
        try:
            ids = [str(i) for i in package["presignature_ids"]]
            entropy = bytes.fromhex(package["entropy"])
            requests = [SignRequest.for_key_id(request.key_id, m, session.signers, entropy) for m in request.messages]
        except (KeyError, TypeError, ValueError, HotError) as exc:
            raise BadRequest(f"malformed ECDSA package: {exc!r}") from exc
        if len(ids) != len(request.messages) or len(set(ids)) != len(ids):
            raise BadRequest("one distinct presignature id per message")
        presignatures: list[PresignatureShare] = []
        for presignature_id in ids:  # consumed durably before any intent or share leaves the node
            try:
                # The same synchronous=FULL take, in a worker thread so the event loop keeps serving.
                presignatures.append(await asyncio.to_thread(self.pool.take, epoch, session.signers, presignature_id))
            except (KeystoreError, PresignatureReused) as exc:  # gone, or taken already (durably)
                raise NoPresignature(f"presignature {presignature_id}: {exc.code}") from exc
        mine = [sign_intent(p, r, current_epoch=epoch) for p, r in zip(presignatures, requests)]
        suite = get_suite("secp256k1")
        # Each signer has its own session id with the gatekeeper; what they share is the package.
        exchange_id = "sign/" + hashlib.sha256(canonical_json(package)).hexdigest()
        received = await self._exchange.exchange(exchange_id, session.signers,
                                                 pack([i.to_bytes(suite) for i in mine]), self._timeout)
        missing = [j for j in session.signers if j != self.participant_id and j not in received]
        if missing:
            raise PeerTimeout(missing)
        out = []
        for m, (presignature, sign_request) in enumerate(zip(presignatures, requests)):
            intents = {self.participant_id: mine[m]}
            for j, payload in received.items():
                try:
                    intents[j] = SignIntent.from_bytes(suite, unpack(payload)[m])
                except (HotError, IndexError, ValueError) as exc:
                    raise CulpritError(j, f"participant {j} sent a malformed sign intent") from exc
            share = sign_share(presignature, sign_request, intents, current_epoch=epoch)
            out.append({"share": share.to_bytes(suite).hex(), "presignature": encode_presignature_public(presignature.public).hex()})
        return out


__all__ = ["IntentExchange", "NoPresignature", "PeerTimeout", "ProtocolError", "SigningSessions", "UnknownSession"]
