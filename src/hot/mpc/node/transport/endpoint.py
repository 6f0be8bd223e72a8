"""The node's peer endpoint: a pinned-mTLS listener and outbound channels (asyncio).

Channels are one-directional: a node dials each peer it sends to, and receives on the
connections its peers dial. Inbound frames reach `inbox` only after (1) the TLS handshake proved
the peer holds a key registered in the *current* participant set, (2) that key maps to exactly
one participant (duplicates refuse the whole set), and (3) every frame's `sender_id` equals that
participant, re-checked per frame so a participant removed by a reshare is cut off. Refusals
are reported on `refusals` (for the signed log and tests) and the connection is closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.transport.frames import DEFAULT_MAX_FRAME_SIZE, Frame, encode_frame, read_frame
from hot.wire.errors import ChannelClosed, PeerAuthenticationFailed, TransportError, UnknownPeer
from hot.mpc.node.transport.tls import SERVER_NAME, NodeTlsCredentials, key_index, peer_public_key

# The runner supplies the current participant set from the Controller: participant id -> p2p key.
ParticipantKeys = Callable[[], Mapping[str, bytes]]
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Refusal:
    """Why an inbound connection was refused (peer address, claimed/authenticated id, reason)."""

    address: str
    reason: str
    participant: str | None = None


class PeerChannel:
    """An authenticated outbound channel to one peer."""

    def __init__(
        self, peer_id: str, sender_id: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, max_frame_size: int
    ) -> None:
        self.peer_id = peer_id
        self._sender_id = sender_id
        self._reader = reader
        self._writer = writer
        self._max = max_frame_size

    async def send(self, session_id: bytes, round: int, payload: bytes) -> None:
        """Send one frame as this node; FrameTooLarge before anything is written."""
        data = encode_frame(Frame(session_id, round, self._sender_id, payload), self._max)
        if self._writer.is_closing():
            raise ChannelClosed(f"channel to {self.peer_id} is closed")
        self._writer.write(data)
        try:
            await self._writer.drain()
        except OSError as exc:
            raise ChannelClosed(f"channel to {self.peer_id} failed: {exc}") from exc

    async def wait_closed_by_peer(self) -> None:
        """Return when the peer closes (or refuses) the channel, then close our side too."""
        try:
            while await self._reader.read(4096):
                pass  # peers never send on a channel we dialed
        except OSError:  # resets and TLS alerts from a refusing peer
            pass
        await self.close()

    async def close(self) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError:  # resets and TLS alerts from a refusing peer
            pass


class PeerTransport:
    """One node's endpoint: listen for peers, dial peers, deliver authenticated frames to `inbox`."""

    def __init__(
        self,
        participant_id: str,
        p2p_key: Ed25519PrivateKey,
        participants: ParticipantKeys,
        *,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        handshake_timeout: float = 10.0,
        inbox_size: int = 1024,
        refusal_backlog: int = 256,
    ) -> None:
        self.participant_id = participant_id
        self._credentials = NodeTlsCredentials(p2p_key)
        self._participants = participants
        self._max = max_frame_size
        self._handshake_timeout = handshake_timeout
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        # Bounded: a full inbox stops reading from peers (TCP backpressure) instead of growing.
        self.inbox: asyncio.Queue[Frame] = asyncio.Queue(maxsize=inbox_size)
        # Bounded: unauthenticated connection spam cannot grow memory; the oldest refusals go first.
        self.refusals: asyncio.Queue[Refusal] = asyncio.Queue(maxsize=refusal_backlog)

    async def listen(self, host: str = LOOPBACK, port: int = 0) -> tuple[str, int]:
        """Start accepting peers; returns the bound (host, port)."""
        self._server = await asyncio.start_server(self._on_connection, host, port)
        bound = self._server.sockets[0].getsockname()
        return bound[0], bound[1]

    async def connect(self, peer_id: str, host: str, port: int) -> PeerChannel:
        """Dial `peer_id`, accepting only a server holding the key registered for it."""
        index = key_index(self._participants())
        expected = next((key for key, participant in index.items() if participant == peer_id), None)
        if expected is None:
            raise UnknownPeer(f"{peer_id!r} is not in the current participant set")
        context = self._credentials.context(server_side=False, pinned_keys=[expected])
        try:
            reader, writer = await asyncio.open_connection(
                host, port, ssl=context, server_hostname=SERVER_NAME, ssl_handshake_timeout=self._handshake_timeout
            )
        except OSError as exc:  # ssl.SSLError, resets, refusals and timeouts are all OSErrors
            raise PeerAuthenticationFailed(f"TLS to {peer_id!r} at {host}:{port} failed: {exc}") from exc
        if peer_public_key(writer.get_extra_info("ssl_object")) != expected:
            writer.close()
            raise PeerAuthenticationFailed(f"{host}:{port} does not hold the key registered for {peer_id!r}")
        return PeerChannel(peer_id, self.participant_id, reader, writer, self._max)

    def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._connections.add(task)
        task.add_done_callback(self._connections.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = writer.get_extra_info("peername")[:2]
        address = f"{host}:{port}"
        participant: str | None = None
        try:
            participant, key = await self._authenticate(writer)
            await self._receive(reader, participant, key)
        except TransportError as exc:
            self._refuse(Refusal(address, f"{exc.code}: {exc.message}", participant))
        except OSError as exc:  # ssl.SSLError, resets and handshake timeouts are all OSErrors
            self._refuse(Refusal(address, f"tls: {exc!r}", participant))
        finally:
            writer.close()

    def _refuse(self, refusal: Refusal) -> None:
        if self.refusals.full():
            self.refusals.get_nowait()
        self.refusals.put_nowait(refusal)

    async def _authenticate(self, writer: asyncio.StreamWriter) -> tuple[str, bytes]:
        """TLS handshake pinned to the current set, then map the peer's key to its participant."""
        index = key_index(self._participants())  # DuplicatePeerKey refuses before any TLS
        pinned = [key for key, participant in index.items() if participant != self.participant_id]
        context = self._credentials.context(server_side=True, pinned_keys=pinned)
        await writer.start_tls(context, ssl_handshake_timeout=self._handshake_timeout)
        key = peer_public_key(writer.get_extra_info("ssl_object"))
        participant = key_index(self._participants()).get(key)  # the set may have changed meanwhile
        if participant is None or participant == self.participant_id:
            raise PeerAuthenticationFailed("peer key is not registered to another participant")
        return participant, key

    async def _receive(self, reader: asyncio.StreamReader, participant: str, key: bytes) -> None:
        while (frame := await read_frame(reader, self._max)) is not None:
            if frame.sender_id != participant:
                raise PeerAuthenticationFailed(
                    f"frame claims sender {frame.sender_id!r} but the channel is authenticated as {participant!r}"
                )
            if self._participants().get(participant) != key:
                raise PeerAuthenticationFailed(f"{participant!r} is no longer in the participant set")
            await self.inbox.put(frame)

    async def close(self) -> None:
        """Stop listening and drop every inbound connection."""
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
