"""Mutual TLS 1.3 pinned to the Ed25519 p2p keys registered on the Controller (stdlib `ssl`).

Python's `ssl` has no certificate-verification callback, and peers publish keys, not
certificates. So each verifier builds, for every registered key K, a **pinning anchor**: a CA
certificate named after K (issuer "hot-p2p-key", serialNumber = hex(K)) holding K. A node's own
certificate is issued under that name and signed with K itself. OpenSSL then accepts a peer
certificate only if its signature verifies under a registered key; the anchor's own signature is
never checked (OpenSSL does not verify trust anchors' self-signatures), so the verifier can make
anchors from public keys alone. After the handshake both sides also check that the peer
certificate's public key *equals* the registered key (no delegation), and TLS 1.3's
CertificateVerify proves possession of it.

Participant sets are checked for duplicate keys first (near-mpc-security-review-notes, ToB #6:
"P2P identity misbinding (duplicate p2p public keys)"). Session tickets are off: a resumed session
would skip the certificate check against the *current* participant set.
"""

from __future__ import annotations

import datetime
import functools
import os
import ssl
import tempfile
from collections.abc import Iterable, Mapping

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.x509.oid import NameOID
from hot.wire.errors import DuplicatePeerKey, PeerAuthenticationFailed

_NOT_BEFORE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_NOT_AFTER = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)
_ANCHOR_CN = "hot-p2p-key"
_LEAF_CN = "hot-p2p-node"
SERVER_NAME = "hot-p2p"


def key_index(participants: Mapping[str, bytes]) -> dict[bytes, str]:
    """Registered key -> participant id; DuplicatePeerKey if any key is registered twice."""
    index: dict[bytes, str] = {}
    for participant, key in participants.items():
        if not isinstance(key, bytes) or len(key) != 32:
            raise PeerAuthenticationFailed(f"participant {participant!r} has no 32-byte Ed25519 p2p key")
        try:
            Ed25519PublicKey.from_public_bytes(key)
        except ValueError as exc:
            raise PeerAuthenticationFailed(f"participant {participant!r} has an invalid p2p key") from exc
        if key in index:
            raise DuplicatePeerKey(f"participants {index[key]!r} and {participant!r} registered the same p2p key")
        index[key] = participant
    return index


def _name(common_name: str, public_key: bytes) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, common_name), x509.NameAttribute(NameOID.SERIAL_NUMBER, public_key.hex())]
    )


def node_certificate(key: Ed25519PrivateKey) -> x509.Certificate:
    """The node's TLS certificate: its p2p key, issued under the key's anchor name, signed by itself."""
    public = key.public_key().public_bytes_raw()
    return (
        x509.CertificateBuilder()
        .subject_name(_name(_LEAF_CN, public))
        .issuer_name(_name(_ANCHOR_CN, public))
        .public_key(key.public_key())
        .serial_number(int.from_bytes(public[:16], "big") | 1)
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, None)
    )


@functools.lru_cache(maxsize=4096)
def pinning_anchor_pem(public_key: bytes) -> str:
    """A trust anchor for exactly one registered key (see the module docstring for why it is safe)."""
    throwaway = Ed25519PrivateKey.generate()  # signs the anchor; nothing ever checks this signature
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(_ANCHOR_CN, public_key))
        .issuer_name(_name(_ANCHOR_CN, public_key))
        .public_key(Ed25519PublicKey.from_public_bytes(public_key))
        .serial_number(int.from_bytes(public_key[:16], "big") | 1)
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(throwaway, None)
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


class NodeTlsCredentials:
    """The node's certificate and key, loadable into SSL contexts."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self.public_key = key.public_key().public_bytes_raw()
        self._cert_pem = node_certificate(key).public_bytes(serialization.Encoding.PEM)
        self._key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def context(self, *, server_side: bool, pinned_keys: Iterable[bytes]) -> ssl.SSLContext:
        """A TLS 1.3-only context that requires a peer certificate signed by one of `pinned_keys`."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server_side else ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.check_hostname = False  # identity is the pinned key, not a name
        context.verify_mode = ssl.CERT_REQUIRED
        context.options |= ssl.OP_NO_TICKET
        # load_cert_chain reads files only: a private 0700 directory, removed right after loading.
        with tempfile.TemporaryDirectory(prefix="hot-p2p-") as directory:
            cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
            for path, data in ((cert_path, self._cert_pem), (key_path, self._key_pem)):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            context.load_cert_chain(cert_path, key_path)
        anchors = "".join(pinning_anchor_pem(key) for key in pinned_keys)
        if anchors:
            context.load_verify_locations(cadata=anchors)
        return context


def peer_public_key(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> bytes:
    """The raw Ed25519 public key in the peer's (already verified) certificate."""
    der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    if not der:
        raise PeerAuthenticationFailed("peer presented no certificate")
    public = x509.load_der_x509_certificate(der).public_key()
    if not isinstance(public, Ed25519PublicKey):
        raise PeerAuthenticationFailed("peer certificate key is not Ed25519")
    return public.public_bytes_raw()
