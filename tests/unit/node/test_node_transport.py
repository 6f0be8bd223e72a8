"""Peer transport: real TLS endpoints on 127.0.0.1, pinned to registered keys (issue 7).

ARCHITECTURE.md: "Peer identity is bound to the key registered on the Controller; duplicates
are refused"; near-mpc-security-review-notes ToB #6 (duplicate p2p keys).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.transport import Frame, PeerTransport, encode_frame, key_index, read_frame
from hot.wire.errors import (
    ChannelClosed,
    DuplicatePeerKey,
    FrameMalformed,
    FrameTooLarge,
    PeerAuthenticationFailed,
    UnknownPeer,
)

DEADLINE = 10.0
KEYS = {name: Ed25519PrivateKey.from_private_bytes(bytes([index + 1]) * 32) for index, name in enumerate("abcde")}


def public(name: str) -> bytes:
    return KEYS[name].public_key().public_bytes_raw()


class Registry:
    """The participant set as the Controller would report it; tests change it between steps."""

    def __init__(self, *names: str) -> None:
        self.keys = {name: public(name) for name in names}

    def __call__(self) -> dict[str, bytes]:
        return dict(self.keys)


def run(scenario: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    return asyncio.run(asyncio.wait_for(scenario(*args), DEADLINE))


async def start(registry: Registry, *names: str, key_of: dict[str, str] | None = None, **options: Any):
    nodes = {}
    for name in names:
        key = KEYS[(key_of or {}).get(name, name)]
        node = PeerTransport(name, key, registry, **options)
        nodes[name] = (node, await node.listen())
    return nodes


async def attempt(transport: PeerTransport, peer: str, address: tuple[str, int], payload: bytes) -> None:
    """Dial and send as a refused peer would. In TLS 1.3 the server checks the client certificate
    after the client's handshake is done, so the refusal may surface at connect, at send or as
    the peer closing; the server's `refusals` queue is what the tests assert on."""
    try:
        channel = await transport.connect(peer, *address)
    except PeerAuthenticationFailed:
        return
    try:
        await channel.send(b"s", 0, payload)
        await channel.wait_closed_by_peer()
    except ChannelClosed:
        pass
    finally:
        await channel.close()


async def stop(nodes) -> None:
    await asyncio.gather(*(node.close() for node, _ in nodes.values()))


def test_three_endpoints_exchange_authenticated_frames() -> None:
    async def scenario() -> None:
        registry = Registry("a", "b", "c")
        nodes = await start(registry, "a", "b", "c")
        try:
            for sender in "abc":
                for receiver in "abc":
                    if sender != receiver:
                        channel = await nodes[sender][0].connect(receiver, *nodes[receiver][1])
                        await channel.send(b"session-1", 2, f"{sender}->{receiver}".encode())
                        await channel.close()
            for receiver in "abc":
                got = sorted([(await nodes[receiver][0].inbox.get()) for _ in range(2)], key=lambda f: f.sender_id)
                assert [f.sender_id for f in got] == [s for s in "abc" if s != receiver]
                assert all(f.payload == f"{f.sender_id}->{receiver}".encode() and f.round == 2 for f in got)
        finally:
            await stop(nodes)

    run(scenario)


def test_peer_with_unregistered_key_is_refused() -> None:
    async def scenario() -> None:
        registry = Registry("a", "b")
        nodes = await start(registry, "a")
        # "d" is not in the set; the server pins only registered keys, so its handshake fails.
        outsider = PeerTransport("d", KEYS["d"], Registry("a", "b", "d"))
        try:
            await attempt(outsider, "a", nodes["a"][1], b"let me in")
            refusal = await nodes["a"][0].refusals.get()
            assert "tls" in refusal.reason or "peer_authentication_failed" in refusal.reason
            assert nodes["a"][0].inbox.empty()
        finally:
            await outsider.close()
            await stop(nodes)

    run(scenario)


def test_registered_key_presented_under_another_participant_id_is_refused() -> None:
    async def scenario() -> None:
        registry = Registry("a", "b", "c")
        # A node holding b's key claims to be "c" in its frames.
        nodes = await start(registry, "a")
        impostor = PeerTransport("c", KEYS["b"], registry)
        try:
            channel = await impostor.connect("a", *nodes["a"][1])
            await channel.send(b"s", 0, b"I am c")
            await channel.wait_closed_by_peer()
            refusal = await nodes["a"][0].refusals.get()
            assert refusal.participant == "b" and "claims sender 'c'" in refusal.reason
            assert nodes["a"][0].inbox.empty()
        finally:
            await impostor.close()
            await stop(nodes)

    run(scenario)


def test_dialer_refuses_a_server_that_does_not_hold_the_peers_key() -> None:
    async def scenario() -> None:
        registry = Registry("a", "b", "c")
        nodes = await start(registry, "a", "c")
        try:
            # Dial "b" but reach c's address: c's certificate is not signed by b's key.
            with pytest.raises(PeerAuthenticationFailed):
                await nodes["a"][0].connect("b", *nodes["c"][1])
            with pytest.raises(UnknownPeer):
                await nodes["a"][0].connect("e", *nodes["c"][1])
        finally:
            await stop(nodes)

    run(scenario)


def test_forged_certificate_under_a_registered_key_name_is_refused() -> None:
    """A certificate *named* after b's key but signed by another key fails the pin."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from hot.mpc.node.transport import tls

    async def scenario() -> None:
        registry = Registry("a", "b")
        nodes = await start(registry, "a")
        forged = PeerTransport("b", KEYS["d"], registry)
        real = tls.node_certificate(KEYS["b"])
        cert = (
            x509.CertificateBuilder()
            .subject_name(real.subject)
            .issuer_name(real.issuer)
            .public_key(KEYS["d"].public_key())
            .serial_number(7)
            .not_valid_before(real.not_valid_before_utc)
            .not_valid_after(real.not_valid_after_utc)
            .sign(KEYS["d"], None)
        )
        forged._credentials._cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        try:
            await attempt(forged, "a", nodes["a"][1], b"forged")
            refusal = await nodes["a"][0].refusals.get()
            assert "tls" in refusal.reason and nodes["a"][0].inbox.empty()
        finally:
            await forged.close()
            await stop(nodes)

    run(scenario)


def test_duplicate_keys_in_the_participant_set_refuse_everyone() -> None:
    async def scenario() -> None:
        registry = Registry("a", "b", "c")
        nodes = await start(registry, "a", "b")
        registry.keys["c"] = public("b")  # c registered b's key
        try:
            with pytest.raises(DuplicatePeerKey):
                await nodes["b"][0].connect("a", *nodes["a"][1])
            # A dialer with a stale, clean view still gets refused by a's check of the current set.
            stale = PeerTransport("b", KEYS["b"], Registry("a", "b"))
            with pytest.raises(PeerAuthenticationFailed):  # a closes before any TLS
                await stale.connect("a", *nodes["a"][1])
            refusal = await nodes["a"][0].refusals.get()
            assert refusal.reason.startswith("duplicate_peer_key")
            await stale.close()
        finally:
            await stop(nodes)

    run(scenario)


def test_participant_removed_mid_channel_is_cut_off() -> None:
    async def scenario() -> None:
        registry = Registry("a", "b")
        nodes = await start(registry, "a", "b")
        try:
            channel = await nodes["b"][0].connect("a", *nodes["a"][1])
            await channel.send(b"s", 0, b"before")
            assert (await nodes["a"][0].inbox.get()).payload == b"before"
            del registry.keys["b"]  # a reshare removed b
            await channel.send(b"s", 1, b"after")
            await channel.wait_closed_by_peer()
            refusal = await nodes["a"][0].refusals.get()
            assert "no longer in the participant set" in refusal.reason
            assert nodes["a"][0].inbox.empty()
        finally:
            await stop(nodes)

    run(scenario)


def test_oversize_frame_is_rejected_by_sender_and_receiver() -> None:
    async def scenario() -> None:
        registry = Registry("a", "b")
        nodes = await start(registry, "a", max_frame_size=1024)
        big_sender = PeerTransport("b", KEYS["b"], registry, max_frame_size=1 << 20)
        try:
            small = PeerTransport("b", KEYS["b"], registry, max_frame_size=1024)
            channel = await small.connect("a", *nodes["a"][1])
            with pytest.raises(FrameTooLarge):
                await channel.send(b"s", 0, bytes(2000))
            await channel.close()
            channel = await big_sender.connect("a", *nodes["a"][1])
            await channel.send(b"s", 0, bytes(2000))
            await channel.wait_closed_by_peer()
            refusal = await nodes["a"][0].refusals.get()
            assert refusal.reason.startswith("frame_too_large") and refusal.participant == "b"
            assert nodes["a"][0].inbox.empty()
        finally:
            await big_sender.close()
            await stop(nodes)

    run(scenario)


def test_frame_round_trip_and_malformed_bodies() -> None:
    frame = Frame(b"\x01session", 7, "node-b.near", b"\x00payload")
    assert Frame.from_bytes(frame.to_bytes()) == frame
    body = frame.to_bytes()
    for bad in (body[:5], b"\x02" + body[1:], body[:3] + b"\xff" * 4, b""):
        with pytest.raises(FrameMalformed):
            Frame.from_bytes(bad)
    for fields in ((b"", 0, "a", b""), (b"s", -1, "a", b""), (b"s", 0, "", b""), (b"s", 2**32, "a", b"")):
        with pytest.raises(FrameMalformed):
            Frame(*fields)


def test_read_frame_checks_length_before_reading_the_body() -> None:
    async def scenario() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data((10_000).to_bytes(4, "big"))  # announces 10 kB, sends nothing more
        with pytest.raises(FrameTooLarge):
            await read_frame(reader, max_frame_size=1024)
        reader = asyncio.StreamReader()
        reader.feed_data(encode_frame(Frame(b"s", 1, "a", b"x")))
        reader.feed_eof()
        assert (await read_frame(reader)).payload == b"x"
        assert await read_frame(reader) is None

    run(scenario)


def test_key_index_refuses_duplicates_and_bad_keys() -> None:
    assert key_index({"a": public("a"), "b": public("b")}) == {public("a"): "a", public("b"): "b"}
    with pytest.raises(DuplicatePeerKey):
        key_index({"a": public("a"), "b": public("a")})
    with pytest.raises(PeerAuthenticationFailed):
        key_index({"a": b"short"})
