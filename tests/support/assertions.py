"""Craft WebAuthn assertions with a `cryptography` P-256 key, the way an authenticator does.

authenticatorData = SHA-256(rp id) || flags || 4-byte counter; clientDataJSON carries the type,
the base64url challenge and the origin; the ES256 signature (DER) covers
authenticatorData || SHA-256(clientDataJSON). Each knob lets a test break one rule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

from hot.sdk.policies.passkey import PasskeyAssertion, PasskeyCredential

RP_ID = "localhost"
ORIGIN = "http://localhost:8000"


@dataclass
class Authenticator:
    """A software passkey: one credential on one P-256 key."""

    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = b"cred-\x01\x02\x03"

    @property
    def public_point(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    @property
    def cose_key(self) -> bytes:
        point = self.public_point
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: point[1:33], -3: point[33:]})

    def credential(self, *, require_user_verification: bool = True) -> PasskeyCredential:
        return PasskeyCredential.from_cose(
            self.credential_id, self.cose_key, RP_ID, [ORIGIN], require_user_verification=require_user_verification
        )

    def register(
        self, challenge: bytes, *, origin: str = ORIGIN, rp_id: str = RP_ID, flags: int = 0x45
    ) -> dict[str, Any]:
        """A `navigator.credentials.create` answer in WebAuthn JSON, attestation format "none"."""
        auth = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([flags])  # UP | UV | AT (attested credential data included)
            + (0).to_bytes(4, "big")
            + bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self.cose_key
        )
        client = json.dumps({"type": "webauthn.create", "challenge": bytes_to_base64url(challenge), "origin": origin})
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth})
        return {
            "id": bytes_to_base64url(self.credential_id),
            "rawId": bytes_to_base64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client.encode()),
                "attestationObject": bytes_to_base64url(attestation),
            },
        }

    def assert_challenge(
        self,
        challenge: bytes,
        *,
        type_: str = "webauthn.get",
        origin: str = ORIGIN,
        rp_id: str = RP_ID,
        flags: int = 0x05,
        counter: int = 0,
        cross_origin: bool = False,
        credential_id: bytes | None = None,
        signer: ec.EllipticCurvePrivateKey | None = None,
    ) -> PasskeyAssertion:
        auth = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + counter.to_bytes(4, "big")
        client = json.dumps(
            {"type": type_, "challenge": bytes_to_base64url(challenge), "origin": origin, "crossOrigin": cross_origin}
        ).encode()
        key = signer or self.private_key
        signature = key.sign(auth + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256()))
        return PasskeyAssertion(credential_id or self.credential_id, auth, client, signature)
