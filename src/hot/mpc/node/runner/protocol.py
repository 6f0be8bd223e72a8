"""The protocol runner: follows the Controller's state and keeps keys and presignature pools ready.

Whitepaper §2.2.3-§2.2.4 and ARCHITECTURE.md: while the Controller is Initializing, every listed
participant runs the DKG for each domain without a public key yet, stores its share sealed in the
Keystore, and votes the public key (`vote_pk`); while Running it loads the current epoch's shares
(a restart keeps its keys) and keeps an ECDSA presignature pool per signer set of 2t-1 nodes above
a low-water mark, refilled in the background by the set's leader (its smallest id) in batches
(one presign session makes up to `PRESIGN_BATCH`, stored by every member in one commit); while
Resharing every old member deals and every new member receives (`reshare.py`), then votes
`vote_reshared`; when the Controller moves to the new epoch, older presignatures are erased. Every step that fails is logged and retried on the
next tick; nothing here runs protocol math itself.
"""

from __future__ import annotations

import asyncio
import time

from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.node.config import PresignPoolConfig
from hot.mpc.node.controller_client import ControllerState, ControllerView
from hot.mpc.node.keystore import Keystore
from hot.mpc.node.presign_pool import PresignaturePool, candidate_sets, set_label
from hot.mpc.node.runner import dkg as dkg_sessions
from hot.mpc.node.runner.dkg import run_dkg
from hot.mpc.node.runner.keys import load_attempt, load_key_share, save_key_share
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.runner.presign import (
    PREFIX,
    check_batch_size,
    parse_session,
    run_presign,
    session_name,
)
from hot.mpc.node.runner.reshare import run_reshare
from hot.mpc.node.signed_log import SignedLog

from hot.wire.errors import HotError, ProtocolError

BACKOFF_SECONDS = 3.0  # the longest pause after consecutive presign failures of one signer set
FIRST_BACKOFF_SECONDS = 0.25  # after a first failure (often transient); doubles per consecutive failure
PARALLEL_SESSIONS = 2  # presign sessions one set leader runs at once
# Presignatures one session makes (at most presign.MAX_PRESIGN_BATCH): per-frame and per-commit
# overhead, not the crypto, dominated one-presignature sessions. Measured on a 5/3 localnet filling
# its pools: 20.1 ms of CPU per presignature in batches of 8, 17.9 in 16, 16.6 in 32; 16 keeps a
# failed batch's lost work and a batch's latency moderate.
PRESIGN_BATCH = 16


class ProtocolRunner:
    """One node's protocol state machine, one `tick` per Controller poll."""

    def __init__(
        self,
        participant_id: int,
        controller: ControllerView,
        store: Keystore,
        mesh: PeerMesh,
        log: SignedLog,
        pool_config: PresignPoolConfig,
        *,
        round_timeout: float,
    ) -> None:
        self.participant_id = participant_id
        self.controller = controller
        self.store = store
        self.mesh = mesh
        self.log = log
        self.pool = PresignaturePool(store, participant_id)
        self.pool_config = pool_config
        self.round_timeout = round_timeout
        self.state: ControllerState | None = None
        self.keys: dict[str, KeyShare] = {}
        self._voted: set[tuple[int, str]] = set()
        self._backoff: dict[str, float] = {}
        self._failures: dict[str, int] = {}  # consecutive failed refills per set label
        self._joined = 0
        mesh.on_new_session(PREFIX, self._join_presign)
        mesh.on_new_session(dkg_sessions.PREFIX, self._join_dkg)

    # What the signing sessions and /health read.
    def epoch(self) -> int:
        return self.state.epoch if self.state else 0

    def state_name(self) -> str:
        return self.state.state if self.state else "Unknown"

    def key_share(self, domain: str) -> KeyShare | None:
        share = self.keys.get(domain)
        return share if share is not None and share.epoch == self.epoch() else None

    async def tick(self) -> None:
        """Read the Controller and do what its state asks of this node."""
        state = await self.controller.state()
        if self.state is not None and state.epoch > self.state.epoch:
            erased = self.pool.erase_before(state.epoch)  # presignatures never outlive their epoch
            self.log.append("protocol", {"event": "presignatures_erased", "epoch": state.epoch, "count": erased})
        self.state = state
        if self.participant_id not in state.participants and state.resharing is None:
            return
        for domain in state.domains:
            await self._ensure_key(state, domain)
        if state.state == "Resharing" and state.resharing is not None:
            await self._reshare(state)

    async def _reshare(self, state: ControllerState) -> None:
        """Deal and/or receive every domain's new shares, then vote_reshared once (whitepaper §2.2.3)."""
        target = state.resharing
        assert target is not None
        if (target.epoch, f"reshared/{state.attempt}") in self._voted:
            return
        new_members = sorted(target.participants)
        for domain in state.domains:
            old_share = self.key_share(domain)
            if self.participant_id in new_members and load_attempt(self.store, self.participant_id, domain, target.epoch) == state.attempt:
                continue
            share = await run_reshare(self.mesh, domain, old_share, sorted(state.participants), new_members, target.threshold,
                                      target.epoch, state.public_keys[domain], self.log, timeout=self.round_timeout,
                                      attempt=state.attempt)
            if share is not None:
                save_key_share(self.store, self.participant_id, domain, share, attempt=state.attempt)
        self._voted.add((target.epoch, f"reshared/{state.attempt}"))
        if self.participant_id in new_members:
            await self.controller.vote_reshared(self.participant_id, target.epoch, dict(state.public_keys))
            self.log.append("protocol", {"event": "vote_reshared", "epoch": target.epoch})

    async def _ensure_key(self, state: ControllerState, domain: str) -> None:
        if self.key_share(domain) is None:
            loaded = load_key_share(self.store, self.participant_id, domain, state.epoch)
            if loaded is not None:
                self.keys[domain] = loaded
        if state.state != "Initializing" or domain in state.public_keys:
            return
        share = self.key_share(domain)
        # A share from an earlier attempt of this key event is stale: the others restarted without it.
        if share is None or load_attempt(self.store, self.participant_id, domain, state.epoch) != state.attempt:
            participants = sorted(state.participants)
            if participants[0] != self.participant_id:
                return  # the leader opens each run; `_join_dkg` takes part in it
            session = dkg_sessions.session_name(domain, state.epoch, state.attempt)
            others = participants[1:]
            reached = await asyncio.gather(*(self.mesh.send(p, session, 0, b"") for p in others))
            if not all(reached):  # a peer does not accept us yet (it reads the Controller later): retry soon
                self.log.append("error", {"event": "dkg_not_opened", "session": session,
                                          "unreachable": [p for p, ok in zip(others, reached, strict=True) if not ok]})
                return
            share = await run_dkg(self.mesh, domain, participants, state.threshold, state.epoch, self.log,
                                  timeout=self.round_timeout, attempt=state.attempt, session=session)
            save_key_share(self.store, self.participant_id, domain, share, attempt=state.attempt)
            self.keys[domain] = share
        vote = (state.epoch, f"{domain}/{state.attempt}")
        if vote not in self._voted:
            public_key = share.suite.serialize_element(share.group_public_key).hex()
            await self.controller.vote_pk(self.participant_id, state.epoch, domain, public_key)
            self._voted.add(vote)
            self.log.append("protocol", {"event": "vote_pk", "epoch": state.epoch, "domain": domain,
                                         "attempt": state.attempt, "public_key": public_key})

    async def refill_pools(self) -> int:
        """As leader of each signer set below the low-water mark, presign up to the high-water mark.

        Each session makes a batch of up to `PRESIGN_BATCH` presignatures (never more than the set
        still wants); up to `PARALLEL_SESSIONS` sessions per set run at once (each is its own
        session with its own nonce, so members join and run them independently); a failure stops the
        set's refill and backs off: after a `peer_timeout` (often transient: a slow or restarting
        peer) briefly at first, doubling on each consecutive failure up to `BACKOFF_SECONDS`; after
        any other failure (an invalid message: misbehaviour) `BACKOFF_SECONDS` at once.
        """
        state, key = self.state, self.key_share("secp256k1")
        if state is None or state.state != "Running" or key is None:
            return 0
        counts = self.pool.counts(state.epoch)
        refills = []
        for signers in candidate_sets(sorted(state.participants), state.threshold, self.pool_config.max_sets):
            label = set_label(signers)
            if signers[0] != self.participant_id or counts.get(label, 0) >= self.pool_config.low_water:
                continue
            if self._backoff.get(label, 0.0) > time.monotonic():
                continue
            refills.append(self._refill_set(state.epoch, key, signers, self.pool_config.high_water - counts.get(label, 0)))
        return sum(await asyncio.gather(*refills))

    async def _refill_set(self, epoch: int, key: KeyShare, signers: tuple[int, ...], wanted: int) -> int:
        """Presign `wanted` presignatures for one set in batches, `PARALLEL_SESSIONS` sessions at a time."""
        label = set_label(signers)
        remaining, made, failed = wanted, 0, False

        async def worker() -> None:
            nonlocal remaining, made, failed
            while remaining > 0 and not failed:
                count = min(PRESIGN_BATCH, remaining)
                remaining -= count
                session = session_name(epoch, signers, count)
                try:
                    await self.mesh.broadcast(signers, session, 0, b"")
                    shares = await run_presign(self.mesh, key, session, signers, timeout=self.round_timeout)
                except HotError as exc:  # a member is down or misbehaved: replace the set, do not patch it
                    if not failed:
                        failed = True
                        self._back_off(label, exc)
                    self.log.append("error", {"event": "presign_failed", "signers": list(signers), "code": exc.code, "reason": str(exc)})
                    return
                await asyncio.to_thread(self.pool.add, epoch, shares)  # the whole batch: one durable commit, off the event loop
                made += len(shares)

        sessions = -(-wanted // PRESIGN_BATCH)
        await asyncio.gather(*(worker() for _ in range(min(PARALLEL_SESSIONS, sessions))))
        if not failed:
            self._failures.pop(label, None)
        return made

    def _back_off(self, label: str, exc: HotError) -> None:
        """Leave a failed set alone for a while: briefly after a first `peer_timeout`, longer after more."""
        self._failures[label] = self._failures.get(label, 0) + 1
        delay = BACKOFF_SECONDS  # an invalid share or proof: a member misbehaved
        if exc.code == "peer_timeout":  # a silent member may just be slow or restarting
            delay = min(BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** (self._failures[label] - 1))
        self._backoff[label] = time.monotonic() + delay

    def _dkg_wanted(self, state: ControllerState | None, domain: str, epoch: int, attempt: int, sender: int) -> bool:
        """A DKG run is legitimate: the Controller's open key event, its leader, this node a participant."""
        return (state is not None and state.state == "Initializing" and domain in state.domains
                and domain not in state.public_keys and (epoch, attempt) == (state.epoch, state.attempt)
                and self.participant_id in state.participants and sender == min(state.participants))

    async def _join_dkg(self, session: str, sender: int, payload: bytes) -> None:
        """The key event's leader opened a DKG run: take part, seal the share (the next tick votes it)."""
        try:
            domain, epoch, attempt = dkg_sessions.parse_session(session)
        except ValueError:
            return
        state = self.state
        if not self._dkg_wanted(state, domain, epoch, attempt, sender):
            try:  # this node may read the Controller a moment later than the leader did
                state = await self.controller.state()
            except HotError:
                state = None
        if state is None or not self._dkg_wanted(state, domain, epoch, attempt, sender):
            self.log.append("error", {"event": "dkg_refused", "session": session, "sender": sender})
            return
        try:
            share = await run_dkg(self.mesh, domain, sorted(state.participants), state.threshold, epoch, self.log,
                                  timeout=self.round_timeout, attempt=attempt, session=session)
        except HotError as exc:
            self.log.append("error", {"event": "dkg_failed", "session": session, "code": exc.code, "reason": str(exc)})
            return
        save_key_share(self.store, self.participant_id, domain, share, attempt=attempt)
        self.keys[domain] = share

    def _presign_refusal(self, epoch: int, signers: tuple[int, ...], count: int, sender: int) -> str | None:
        """Why this node will not join a presign session, or None if it is legitimate."""
        try:
            check_batch_size(count, "presign session")
        except ProtocolError as exc:  # the leader must not make this node do unbounded work
            return str(exc)
        if self.key_share("secp256k1") is None or epoch != self.epoch():
            return f"no secp256k1 share for epoch {epoch} (this node is at epoch {self.epoch()})"
        if self.participant_id not in signers or sender != min(signers):
            return f"participant {sender} does not lead a set {list(signers)} with this node in it"
        return None

    async def _join_presign(self, session: str, sender: int, payload: bytes) -> None:
        """A set leader opened a presign session: join it if it is legitimate and its batch is bounded."""
        try:
            epoch, signers, count = parse_session(session)
        except ValueError:
            return
        key = self.key_share("secp256k1")
        refusal = self._presign_refusal(epoch, signers, count, sender)
        if key is None or refusal is not None:
            self.log.append("error", {"event": "presign_refused", "session": session, "sender": sender, "reason": refusal})
            return
        try:
            shares = await run_presign(self.mesh, key, session, signers, timeout=self.round_timeout)
        except HotError as exc:
            self.log.append("error", {"event": "presign_failed", "signers": list(signers), "code": exc.code, "reason": str(exc)})
            return
        await asyncio.to_thread(self.pool.add, epoch, shares)  # the whole batch: one durable commit, off the event loop
        self._joined += len(shares)

    async def run(self, stop: asyncio.Event, poll_seconds: float) -> None:
        """Tick and refill until `stop`; each failure is logged and retried on the next poll.

        After a refill that made presignatures the next tick comes at once: under load the pools
        drain while a batch is made, and a poll's pause would leave them empty. Ticks and refills
        stay in one loop, so a new epoch's erasure never races a batch of the old one.
        """
        while not stop.is_set():
            made = 0
            try:
                await self.tick()
                made = await self.refill_pools()
            except HotError as exc:
                self.log.append("error", {"event": "runner_step_failed", "code": exc.code, "reason": str(exc)})
            try:
                await asyncio.wait_for(stop.wait(), 0 if made else poll_seconds)
            except TimeoutError:
                pass
