"""The passkey policy's pure core: does a WebAuthn assertion authorize this message? (Appendix A)

A key-owner contract maps key_id to a `PasskeyCredential`; its `hot_verify(msg_hash, key_id,
user_payload, metadata)` passes the payload here. The payload is a WebAuthn assertion
(W3C WebAuthn Level 3, §7.2 "Verifying an Authentication Assertion") plus, for a batch, the list
of messages it approves. Every rule below has its own denial reason (`PasskeyDenied.reason`):

- `credential_mismatch`: the assertion's credential id is not the bound credential's;
- `wrong_type`: clientData.type is not "webauthn.get" (a registration cannot authorize);
- `challenge_mismatch`: clientData.challenge is not the message (or the batch challenge);
- `origin_not_allowed` / `cross_origin`: the page that asked is not one the credential allows;
- `rp_id_mismatch`: authenticatorData.rpIdHash != SHA-256(rp_id);
- `user_not_present` / `user_not_verified`: flags UP (bit 0) / UV (bit 2, when required);
- `bad_signature`: ES256 over authenticatorData || SHA-256(clientDataJSON) fails under the key;
- `message_not_in_batch`, `malformed_assertion`: the payload does not cover msg_hash / won't parse.

Binding: `credential_from_registration` turns a WebAuthn registration (checked by py_webauthn)
into the `PasskeyCredential` the contract stores; who may bind or rebind is the Registry's rule.

The signature is checked by OpenSSL through `hot.sdk.hostcrypto.p256_verify` (no curve code here).

Batches: a Bitcoin spend has one BIP143 sighash per input, and each is a separate MPC signature
with its own hot_verify call. The passkey signs once, over `batch_challenge(sighashes)`; every
call carries the same assertion and the full list, and is allowed iff its msg_hash is in the list
and the list hashes to the challenge. So one user approval covers exactly that transaction.

Sign counters are not used. hot_verify is read-only (it cannot store a new counter), and synced
passkeys report 0 anyway. Replay is harmless instead: the challenge *is* the message being
signed, so an assertion can only ever authorize the signature it was made for, and the MPC network
answers a repeated request with the same signature (ARCHITECTURE.md, security promises).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import cbor2
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from hot.wire.encoding import canonical_json
from hot.wire.errors import EncodingError, PasskeyDenied
from hot.sdk.hostcrypto import p256_verify

BATCH_TAG = b"HOT/passkey/batch-challenge/v1"
FLAG_USER_PRESENT = 0x01
FLAG_USER_VERIFIED = 0x04
COSE_EC2, COSE_ES256, COSE_P256 = 2, -7, 1
MAX_BATCH = 256


def _b64url(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise PasskeyDenied("malformed_assertion", f"{name} must be a base64url string")
    try:
        return base64url_to_bytes(value)
    except (ValueError, TypeError) as exc:
        raise PasskeyDenied("malformed_assertion", f"{name} is not base64url") from exc


def p256_point_from_cose(cose_key: bytes) -> bytes:
    """The SEC1 uncompressed point of an ES256 COSE_Key (RFC 9053 §7.1.1: kty 2, alg -7, crv 1)."""
    try:
        key = cbor2.loads(cose_key)
    except Exception as exc:  # cbor2 raises several decoder error types
        raise PasskeyDenied("malformed_assertion", "credential public key is not CBOR") from exc
    if not isinstance(key, dict) or (key.get(1), key.get(3), key.get(-1)) != (COSE_EC2, COSE_ES256, COSE_P256):
        raise PasskeyDenied("malformed_assertion", "credential public key is not an ES256 P-256 COSE key")
    x, y = key.get(-2), key.get(-3)
    if not (isinstance(x, bytes) and isinstance(y, bytes) and len(x) == len(y) == 32):
        raise PasskeyDenied("malformed_assertion", "COSE key coordinates must be 32 bytes each")
    return b"\x04" + x + y


@dataclass(frozen=True)
class PasskeyCredential:
    """What the contract stores per key_id: the passkey that may authorize its signatures."""

    credential_id: bytes
    public_key: bytes  # SEC1 P-256 point (65-byte uncompressed or 33-byte compressed)
    rp_id: str
    allowed_origins: tuple[str, ...]
    require_user_verification: bool = True

    @classmethod
    def from_cose(
        cls,
        credential_id: bytes,
        cose_key: bytes,
        rp_id: str,
        allowed_origins: Sequence[str],
        *,
        require_user_verification: bool = True,
    ) -> "PasskeyCredential":
        """From a registration's credentialPublicKey (as `navigator.credentials.create` gives it)."""
        return cls(
            credential_id, p256_point_from_cose(cose_key), rp_id, tuple(allowed_origins), require_user_verification
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "credential_id": bytes_to_base64url(self.credential_id),
            "public_key": self.public_key.hex(),
            "rp_id": self.rp_id,
            "allowed_origins": list(self.allowed_origins),
            "require_user_verification": self.require_user_verification,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "PasskeyCredential":
        """From `to_json` output (contract storage); EncodingError if a field is missing or bad."""
        try:
            return cls(
                base64url_to_bytes(data["credential_id"]),
                bytes.fromhex(data["public_key"]),
                str(data["rp_id"]),
                tuple(str(o) for o in data["allowed_origins"]),
                bool(data["require_user_verification"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise EncodingError(f"not a stored passkey credential: {exc}") from exc


@dataclass(frozen=True)
class PasskeyAssertion:
    """The parts of a WebAuthn `PublicKeyCredential` (type public-key) from `navigator.credentials.get`."""

    credential_id: bytes
    authenticator_data: bytes
    client_data_json: bytes
    signature: bytes  # DER, as authenticators return ES256 signatures

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "PasskeyAssertion":
        """From the WebAuthn JSON serialization (base64url fields, `response.*`)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("response"), Mapping):
            raise PasskeyDenied("malformed_assertion", "expected {id, response: {...}}")
        response = data["response"]
        raw_id = _b64url(data.get("rawId", data.get("id")), "rawId")
        if "id" in data and _b64url(data["id"], "id") != raw_id:
            raise PasskeyDenied("malformed_assertion", "id and rawId name different credentials")
        return cls(
            credential_id=raw_id,
            authenticator_data=_b64url(response.get("authenticatorData"), "authenticatorData"),
            client_data_json=_b64url(response.get("clientDataJSON"), "clientDataJSON"),
            signature=_b64url(response.get("signature"), "signature"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": bytes_to_base64url(self.credential_id),
            "rawId": bytes_to_base64url(self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": bytes_to_base64url(self.authenticator_data),
                "clientDataJSON": bytes_to_base64url(self.client_data_json),
                "signature": bytes_to_base64url(self.signature),
            },
        }


def credential_from_registration(
    registration: Mapping[str, Any],
    expected_challenge: bytes,
    rp_id: str,
    allowed_origins: Sequence[str],
    *,
    require_user_verification: bool = True,
) -> PasskeyCredential:
    """The credential to bind to a key_id, from `navigator.credentials.create`'s JSON.

    py_webauthn checks the registration (W3C WebAuthn §7.1: type webauthn.create, challenge,
    origin, rpIdHash, flags, attestation statement); only ES256 keys are accepted because the
    policy verifies P-256 signatures. Any failure is `PasskeyDenied("bad_registration")`.
    """
    from webauthn import verify_registration_response
    from webauthn.helpers.cose import COSEAlgorithmIdentifier
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        verified = verify_registration_response(
            credential=dict(registration),
            expected_challenge=expected_challenge,
            expected_rp_id=rp_id,
            expected_origin=list(allowed_origins),
            require_user_verification=require_user_verification,
            supported_pub_key_algs=[COSEAlgorithmIdentifier.ECDSA_SHA_256],
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:  # every parse or rule failure
        raise PasskeyDenied("bad_registration", str(exc)) from exc
    return PasskeyCredential.from_cose(
        verified.credential_id,
        verified.credential_public_key,
        rp_id,
        allowed_origins,
        require_user_verification=require_user_verification,
    )


def batch_challenge(messages: Sequence[bytes]) -> bytes:
    """The one WebAuthn challenge that approves all `messages` (e.g. every input's sighash).

    One message: the message itself (the challenge equals what is authorized). Several:
    SHA-256(BATCH_TAG || u32 count || for each: u32 length || message), big-endian lengths;
    the tag keeps it apart from any single 32-byte message, the lengths make it unambiguous.
    """
    if not messages or len(messages) > MAX_BATCH:
        raise PasskeyDenied("malformed_assertion", f"a batch holds 1..{MAX_BATCH} messages")
    if len(messages) == 1:
        return bytes(messages[0])
    digest = hashlib.sha256(BATCH_TAG + len(messages).to_bytes(4, "big"))
    for message in messages:
        digest.update(len(message).to_bytes(4, "big") + bytes(message))
    return digest.digest()


def _client_data(assertion: PasskeyAssertion) -> dict[str, Any]:
    try:
        data = json.loads(assertion.client_data_json)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PasskeyDenied("malformed_assertion", "clientDataJSON is not JSON") from exc
    if not isinstance(data, dict):
        raise PasskeyDenied("malformed_assertion", "clientDataJSON is not an object")
    return data


def verify_assertion(credential: PasskeyCredential, assertion: PasskeyAssertion, expected_challenge: bytes) -> None:
    """Return if the assertion approves `expected_challenge` under `credential`; else PasskeyDenied.

    WebAuthn Level 3 §7.2, steps 5-21 for a known credential and a read-only relying party.
    """
    if not hmac.compare_digest(assertion.credential_id, credential.credential_id):
        raise PasskeyDenied("credential_mismatch", "the assertion is from another passkey")
    client = _client_data(assertion)
    if client.get("type") != "webauthn.get":
        raise PasskeyDenied("wrong_type", f"clientData.type is {client.get('type')!r}")
    challenge = _b64url(client.get("challenge"), "clientData.challenge")
    if not hmac.compare_digest(challenge, expected_challenge):
        raise PasskeyDenied("challenge_mismatch", "the passkey approved a different message")
    if client.get("origin") not in credential.allowed_origins:
        raise PasskeyDenied("origin_not_allowed", f"origin {client.get('origin')!r}")
    if client.get("crossOrigin") is True:
        raise PasskeyDenied("cross_origin", "assertions from cross-origin iframes are not accepted")
    auth = assertion.authenticator_data
    if len(auth) < 37:
        raise PasskeyDenied("malformed_assertion", "authenticatorData is shorter than 37 bytes")
    if not hmac.compare_digest(auth[:32], hashlib.sha256(credential.rp_id.encode("utf-8")).digest()):
        raise PasskeyDenied("rp_id_mismatch", f"rpIdHash is not SHA-256({credential.rp_id!r})")
    if not auth[32] & FLAG_USER_PRESENT:
        raise PasskeyDenied("user_not_present", "the UP flag is not set")
    if credential.require_user_verification and not auth[32] & FLAG_USER_VERIFIED:
        raise PasskeyDenied("user_not_verified", "the UV flag is not set and this key requires it")
    signed = auth + hashlib.sha256(assertion.client_data_json).digest()
    if not p256_verify(credential.public_key, signed, assertion.signature):
        raise PasskeyDenied("bad_signature", "ES256 signature does not verify under the bound key")


@dataclass(frozen=True)
class PasskeyProof:
    """A hot_verify `user_payload`: the assertion and the messages its challenge approves."""

    assertion: PasskeyAssertion
    messages: tuple[bytes, ...] = field(default=())

    def to_user_payload(self) -> bytes:
        body = {"assertion": self.assertion.to_json(), "messages": [m.hex() for m in self.messages]}
        return canonical_json(body)

    @classmethod
    def from_user_payload(cls, payload: bytes) -> "PasskeyProof":
        try:
            body = json.loads(payload)
            messages = tuple(bytes.fromhex(m) for m in body.get("messages", []))
        except (ValueError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise PasskeyDenied("malformed_assertion", "user_payload is not a passkey proof") from exc
        return cls(PasskeyAssertion.from_json(body.get("assertion")), messages)


def verify_message(credential: PasskeyCredential, proof: PasskeyProof, msg_hash: bytes) -> None:
    """The policy's hot_verify core: `msg_hash` is approved by the proof's passkey assertion.

    Without a message list the challenge must be msg_hash itself; with one, msg_hash must be in
    it and the assertion's challenge must be `batch_challenge(list)`.
    """
    messages = proof.messages or (msg_hash,)
    if not any(hmac.compare_digest(m, msg_hash) for m in messages):
        raise PasskeyDenied("message_not_in_batch", "the approved batch does not contain this message")
    verify_assertion(credential, proof.assertion, batch_challenge(messages))


__all__ = [
    "PasskeyAssertion",
    "PasskeyCredential",
    "PasskeyDenied",
    "PasskeyProof",
    "batch_challenge",
    "credential_from_registration",
    "p256_point_from_cose",
    "verify_assertion",
    "verify_message",
]
