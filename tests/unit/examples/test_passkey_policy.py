"""The passkey policy core: a valid assertion passes; breaking each rule is denied with its reason."""

from __future__ import annotations

import hashlib
import json

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from webauthn import verify_authentication_response

from hot.wire.errors import AuthorizationDenied, EncodingError, PasskeyDenied
from hot.sdk.policies.passkey import (
    PasskeyAssertion,
    PasskeyCredential,
    PasskeyProof,
    batch_challenge,
    credential_from_registration,
    verify_assertion,
    verify_message,
)

from tests.support.assertions import ORIGIN, RP_ID, Authenticator

MSG = hashlib.sha256(b"a sighash").digest()


@pytest.fixture
def authenticator() -> Authenticator:
    return Authenticator()


def test_a_valid_assertion_passes_and_py_webauthn_agrees(authenticator: Authenticator) -> None:
    assertion = authenticator.assert_challenge(MSG)
    verify_assertion(authenticator.credential(), assertion, MSG)
    verified = verify_authentication_response(
        credential=assertion.to_json(),
        expected_challenge=MSG,
        expected_rp_id=RP_ID,
        expected_origin=ORIGIN,
        credential_public_key=authenticator.cose_key,
        credential_current_sign_count=0,
        require_user_verification=True,
    )
    assert verified.credential_id == authenticator.credential_id


def _deny(credential: PasskeyCredential, assertion: PasskeyAssertion, challenge: bytes = MSG) -> str:
    with pytest.raises(PasskeyDenied) as denied:
        verify_assertion(credential, assertion, challenge)
    assert isinstance(denied.value, AuthorizationDenied)
    return denied.value.reason


def test_every_rule_has_a_denial(authenticator: Authenticator) -> None:
    cred = authenticator.credential()
    a = authenticator.assert_challenge
    assert _deny(cred, a(MSG, credential_id=b"another credential")) == "credential_mismatch"
    assert _deny(cred, a(MSG, type_="webauthn.create")) == "wrong_type"
    assert _deny(cred, a(hashlib.sha256(b"another tx").digest())) == "challenge_mismatch"
    assert _deny(cred, a(MSG, origin="https://evil.example")) == "origin_not_allowed"
    assert _deny(cred, a(MSG, cross_origin=True)) == "cross_origin"
    assert _deny(cred, a(MSG, rp_id="evil.example")) == "rp_id_mismatch"
    assert _deny(cred, a(MSG, flags=0x04)) == "user_not_present"
    assert _deny(cred, a(MSG, flags=0x01)) == "user_not_verified"
    assert _deny(cred, a(MSG, signer=ec.generate_private_key(ec.SECP256R1()))) == "bad_signature"


def test_user_verification_only_when_the_key_requires_it(authenticator: Authenticator) -> None:
    verify_assertion(
        authenticator.credential(require_user_verification=False), authenticator.assert_challenge(MSG, flags=0x01), MSG
    )


@pytest.mark.parametrize("part", ["authenticator_data", "client_data_json", "signature"])
def test_tampering_with_any_signed_byte_is_denied(authenticator: Authenticator, part: str) -> None:
    assertion = authenticator.assert_challenge(MSG)
    fields = {
        "credential_id": assertion.credential_id,
        "authenticator_data": assertion.authenticator_data,
        "client_data_json": assertion.client_data_json,
        "signature": assertion.signature,
    }
    if part == "client_data_json":  # still valid JSON with the right fields, one byte changed
        fields[part] = assertion.client_data_json.replace(b'"crossOrigin": false', b'"crossOrigin": 0')
    elif part == "authenticator_data":
        fields[part] = assertion.authenticator_data[:-1] + b"\x07"  # the sign counter
    else:
        fields[part] = assertion.signature[:-1] + bytes([assertion.signature[-1] ^ 1])
    assert _deny(authenticator.credential(), PasskeyAssertion(**fields)) == "bad_signature"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda a: PasskeyAssertion(a.credential_id, a.authenticator_data[:36], a.client_data_json, a.signature),
        lambda a: PasskeyAssertion(a.credential_id, a.authenticator_data, b"not json", a.signature),
        lambda a: PasskeyAssertion(a.credential_id, a.authenticator_data, b"[1]", a.signature),
        lambda a: PasskeyAssertion(a.credential_id, a.authenticator_data, a.client_data_json, b"\x30\x00"),
    ],
)
def test_malformed_assertions_are_denied_not_crashed(authenticator: Authenticator, mangle: object) -> None:
    reason = _deny(authenticator.credential(), mangle(authenticator.assert_challenge(MSG)))  # type: ignore[operator]
    assert reason in {"malformed_assertion", "bad_signature"}


def test_batch_challenge_commits_to_every_message_in_order() -> None:
    a, b, c = (hashlib.sha256(bytes([i])).digest() for i in range(3))
    assert batch_challenge([a]) == a  # one message: the challenge is the message itself
    assert batch_challenge([a, b]) != batch_challenge([b, a])
    assert batch_challenge([a, b]) != batch_challenge([a, b, c])
    assert batch_challenge([a + b[:1], b[1:]]) != batch_challenge([a, b])  # lengths are committed
    assert len(batch_challenge([a, b, c])) == 32
    with pytest.raises(PasskeyDenied):
        batch_challenge([])


def test_one_approval_covers_every_input_of_a_batch_and_nothing_else(authenticator: Authenticator) -> None:
    sighashes = tuple(hashlib.sha256(bytes([i])).digest() for i in range(3))
    proof = PasskeyProof(authenticator.assert_challenge(batch_challenge(sighashes)), sighashes)
    payload = proof.to_user_payload()
    cred = authenticator.credential()
    for sighash in sighashes:
        verify_message(cred, PasskeyProof.from_user_payload(payload), sighash)
    with pytest.raises(PasskeyDenied) as outside:
        verify_message(cred, proof, MSG)
    assert outside.value.reason == "message_not_in_batch"
    forged = PasskeyProof(proof.assertion, sighashes + (MSG,))  # claim a larger batch than approved
    with pytest.raises(PasskeyDenied) as grown:
        verify_message(cred, forged, MSG)
    assert grown.value.reason == "challenge_mismatch"


def test_a_single_message_proof_needs_the_message_as_challenge(authenticator: Authenticator) -> None:
    cred = authenticator.credential()
    proof = PasskeyProof(authenticator.assert_challenge(MSG))
    verify_message(cred, PasskeyProof.from_user_payload(proof.to_user_payload()), MSG)
    with pytest.raises(PasskeyDenied) as replayed:  # the same assertion for another message
        verify_message(cred, proof, hashlib.sha256(b"other").digest())
    assert replayed.value.reason == "challenge_mismatch"


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"{}",
        b'{"assertion": 5}',
        b'{"assertion": {"response": {}}}',
        b"\xff",
        b'{"assertion":{"id":"AA","response":{}},"messages":["zz"]}',
        b'{"assertion":{"id":"AA","rawId":"AQ","response":{"authenticatorData":"","clientDataJSON":"","signature":""}}}',
    ],
)
def test_malformed_user_payloads_are_denied(authenticator: Authenticator, payload: bytes) -> None:
    with pytest.raises(PasskeyDenied) as denied:
        verify_message(authenticator.credential(), PasskeyProof.from_user_payload(payload), MSG)
    assert denied.value.reason == "malformed_assertion"


def test_credentials_round_trip_and_reject_non_es256_keys(authenticator: Authenticator) -> None:
    cred = authenticator.credential()
    assert PasskeyCredential.from_json(json.loads(json.dumps(cred.to_json()))) == cred
    with pytest.raises(EncodingError):
        PasskeyCredential.from_json({"credential_id": "AA"})
    with pytest.raises(PasskeyDenied):  # an RS256 (kty 3) key is not accepted as ES256
        PasskeyCredential.from_cose(b"id", cbor2.dumps({1: 3, 3: -257}), RP_ID, [ORIGIN])
    point = authenticator.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    compressed = PasskeyCredential(cred.credential_id, point, RP_ID, (ORIGIN,))
    verify_assertion(compressed, authenticator.assert_challenge(MSG), MSG)


def test_binding_from_a_registration_gives_the_credential_that_verifies(authenticator: Authenticator) -> None:
    challenge = b"registration challenge"
    cred = credential_from_registration(authenticator.register(challenge), challenge, RP_ID, [ORIGIN])
    assert cred == authenticator.credential()
    verify_assertion(cred, authenticator.assert_challenge(MSG), MSG)


@pytest.mark.parametrize(
    "broken",
    [
        lambda a: a.register(b"another challenge"),
        lambda a: a.register(b"registration challenge", origin="https://evil.example"),
        lambda a: a.register(b"registration challenge", rp_id="evil.example"),
        lambda a: a.register(b"registration challenge", flags=0x41),  # no user verification
        lambda a: {"id": "AA", "response": {}},
    ],
)
def test_bad_registrations_bind_nothing(authenticator: Authenticator, broken: object) -> None:
    with pytest.raises(PasskeyDenied) as denied:
        credential_from_registration(broken(authenticator), b"registration challenge", RP_ID, [ORIGIN])  # type: ignore[operator]
    assert denied.value.reason == "bad_registration"
