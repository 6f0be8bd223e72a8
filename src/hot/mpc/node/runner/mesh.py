"""The peer mesh: protocol rounds as frames over `PeerTransport`, collected per (session, round).

Channels are one-directional (docs/node.md, Peer transport): this node dials each peer it sends
to, lazily, and redials once if a channel broke. Inbound frames are authenticated by the
transport (sender bound to its registered key); the mesh files them by session id and round
and hands them to whoever waits with `collect`, which returns what arrived by the deadline so the
caller can name the silent participants. Frames for a session nobody waits on yet are kept
(bounded: `MAX_SESSIONS` sessions, `MAX_ROUNDS` rounds each) so a fast peer's round-one message is
not lost; `on_new_session` lets the runner join sessions another node opened (presigning). The
leader's round-0 frame starts the handler whatever arrived first: another member, joining faster,
may reach this node with its round-one frame before the leader's opening frame does, and those
early frames wait in the mailbox for the handler. A session starts at most one handler, and never
one this node opened itself (`open`). A session's mailbox is dropped by `forget`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping

from hot.mpc.node.transport import PeerChannel, PeerTransport
from hot.wire.errors import TransportError

MAX_SESSIONS = 4096
MAX_ROUNDS = 16  # per session: the longest protocol (DKG) has 5; more rounds are a peer flooding memory
RETRY_BACKOFF_SECONDS = 0.1
NewSession = Callable[[str, int, bytes], Awaitable[None]]


class PeerMesh:
    """Send and collect round messages among participants (ids are ints; the transport's are strings)."""

    def __init__(
        self,
        participant_id: int,
        transport: PeerTransport,
        addresses: Callable[[], Mapping[int, tuple[str, int]]],
        *,
        retry_seconds: float = 2.0,
    ) -> None:
        self.participant_id = participant_id
        self.retry_seconds = retry_seconds
        self.transport = transport
        self._addresses = addresses
        self._channels: dict[int, PeerChannel] = {}
        self._dial_locks: dict[int, asyncio.Lock] = {}
        self._mailbox: dict[str, dict[int, dict[int, bytes]]] = {}
        self._touched: dict[str, float] = {}
        # Sessions that have their handler or a local participant (insertion-ordered, bounded):
        # kept after `forget`, so a duplicated opening frame cannot start a second handler.
        self._claimed: dict[str, None] = {}
        self._arrived = asyncio.Condition()
        self._pump: asyncio.Task[None] | None = None
        self._handlers: dict[str, NewSession] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def on_new_session(self, prefix: str, handler: NewSession) -> None:
        """Call `handler(session_id, sender, payload)` for a round-0 frame of an unseen session with `prefix`."""
        self._handlers[prefix] = handler

    def start(self) -> None:
        self._pump = asyncio.get_running_loop().create_task(self._run_pump())

    async def close(self) -> None:
        for task in [self._pump, *self._tasks]:
            if task is not None:
                task.cancel()
        await asyncio.gather(*(t for t in [self._pump, *self._tasks] if t is not None), return_exceptions=True)
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()

    async def _run_pump(self) -> None:
        while True:
            frame = await self.transport.inbox.get()
            try:
                sender = int(frame.sender_id)
                session = frame.session_id.decode()
            except (ValueError, UnicodeDecodeError):
                continue  # not one of ours; the transport already authenticated the sender
            async with self._arrived:
                self._file(session, frame.round, sender, frame.payload)
                self._arrived.notify_all()
            if frame.round == 0 and self._claim(session):  # only an opening frame starts a handler
                self._dispatch(session, sender, frame.payload)

    def _claim(self, session: str) -> bool:
        """Mark `session` as handled here; False if it already was (its handler runs or ran)."""
        if session in self._claimed:
            return False
        if len(self._claimed) >= MAX_SESSIONS:
            del self._claimed[next(iter(self._claimed))]
        self._claimed[session] = None
        return True

    def _file(self, session: str, round: int, sender: int, payload: bytes) -> None:
        if session not in self._mailbox and len(self._mailbox) >= MAX_SESSIONS:
            oldest = min(self._touched, key=self._touched.__getitem__)
            self.forget(oldest)
        rounds = self._mailbox.setdefault(session, {})
        if round not in rounds and len(rounds) >= MAX_ROUNDS:
            return  # dropped: no protocol of ours has that many rounds
        rounds.setdefault(round, {}).setdefault(sender, payload)  # first frame wins
        self._touched[session] = time.monotonic()

    def _dispatch(self, session: str, sender: int, payload: bytes) -> None:
        for prefix, handler in self._handlers.items():
            if session.startswith(prefix):
                task = asyncio.get_running_loop().create_task(handler(session, sender, payload))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                return

    def forget(self, session: str) -> None:
        self._mailbox.pop(session, None)
        self._touched.pop(session, None)

    def open(self, session: str) -> None:
        """Mark a session as this node's own (so frames for it do not start a handler)."""
        self._claim(session)
        self._mailbox.setdefault(session, {})
        self._touched[session] = time.monotonic()

    async def _channel(self, peer: int) -> PeerChannel:
        lock = self._dial_locks.setdefault(peer, asyncio.Lock())
        async with lock:
            channel = self._channels.get(peer)
            if channel is None:
                address = self._addresses().get(peer)
                if address is None:
                    raise TransportError(f"no address for participant {peer}")
                channel = await self.transport.connect(str(peer), *address)
                self._channels[peer] = channel
            return channel

    async def send(self, peer: int, session: str, round: int, payload: bytes) -> bool:
        """Send one frame, redialling with backoff for up to `retry_seconds`. False if unreachable.

        Peers read the Controller on their own schedule, so a peer may refuse our key for a moment
        after a participant change; a short retry window absorbs that skew.
        """
        deadline = time.monotonic() + self.retry_seconds
        while True:
            try:
                await (await self._channel(peer)).send(session.encode(), round, payload)
                return True
            except (TransportError, OSError):
                stale = self._channels.pop(peer, None)
                if stale is not None:
                    with contextlib.suppress(Exception):
                        await stale.close()
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(RETRY_BACKOFF_SECONDS)  # reconnect backoff, not synchronisation

    async def broadcast(self, peers: Iterable[int], session: str, round: int, payload: bytes) -> None:
        await asyncio.gather(*(self.send(p, session, round, payload) for p in peers if p != self.participant_id))

    async def send_each(self, payloads: Mapping[int, bytes], session: str, round: int) -> None:
        await asyncio.gather(*(self.send(p, session, round, data) for p, data in payloads.items() if p != self.participant_id))

    async def collect(self, session: str, round: int, senders: Iterable[int], timeout: float) -> dict[int, bytes]:
        """Wait until every sender's frame for (session, round) arrived or the deadline passed."""
        wanted = [s for s in senders if s != self.participant_id]
        self.open(session)

        def ready() -> bool:
            got = self._mailbox.get(session, {}).get(round, {})
            return all(s in got for s in wanted)

        async with self._arrived:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait_for(ready), timeout)
            got = self._mailbox.get(session, {}).get(round, {})
            return {s: got[s] for s in wanted if s in got}

    async def exchange(self, session_id: str, signers: tuple[int, ...], payload: bytes, timeout: float) -> dict[int, bytes]:
        """`IntentExchange` for ECDSA signing: broadcast this node's intents, collect the others'."""
        self.open(session_id)
        # Sending runs beside collecting (a dead co-signer's redial window must not delay the
        # deadline) and is never cancelled: peers still waiting need this node's intent.
        sending = asyncio.get_running_loop().create_task(self.broadcast(signers, session_id, 1, payload))
        self._tasks.add(sending)
        sending.add_done_callback(self._tasks.discard)
        try:
            return await self.collect(session_id, 1, signers, timeout)
        finally:
            self.forget(session_id)
