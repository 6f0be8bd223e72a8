"""Peer transport: mutual TLS 1.3 pinned to Controller-registered Ed25519 keys, bounded frames.

ARCHITECTURE.md, Security promises: "Peer identity is bound to the key registered on the
Controller; duplicates are refused." See `tls` for the pinning, `frames` for the wire format and
`endpoint` for the listener and channels.
"""

from hot.mpc.node.transport.endpoint import ParticipantKeys, PeerChannel, PeerTransport, Refusal
from hot.mpc.node.transport.frames import DEFAULT_MAX_FRAME_SIZE, Frame, encode_frame, read_frame
from hot.mpc.node.transport.tls import key_index, node_certificate

__all__ = [
    "DEFAULT_MAX_FRAME_SIZE",
    "Frame",
    "ParticipantKeys",
    "PeerChannel",
    "PeerTransport",
    "Refusal",
    "encode_frame",
    "key_index",
    "node_certificate",
    "read_frame",
]
