"""The last check before a signature leaves the gatekeeper: verify it like any wallet would.

ARCHITECTURE.md step 4: "The result is verified against the derived public key before anyone
returns it." The derived key is computed here from the configured root key (whitepaper §2.2.5),
never taken from a node, and the check uses independent libraries: libsodium for Ed25519 (the
64-byte R||S a Solana or NEAR wallet makes) and libsecp256k1 through coincurve for ECDSA (low s,
and the recovery id must recover the same key, as EVM `ecrecover` would).
"""

from __future__ import annotations

import coincurve
from hot.mpc.crypto.derivation import derive_public_key
from hot.mpc.crypto.keys import PublicKeyPackage
from hot.mpc.crypto.suites import get_suite
from hot.mpc.gatekeeper.config import Domain
from hot.mpc.gatekeeper.signing_job import SignedMessage
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from hot.errors import ProtocolError

SECP256K1_HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0


class SignatureCheckFailed(ProtocolError):
    """A signature the network produced does not verify under the derived key: never returned."""

    code = "signature_check_failed"


def derived_public_key_bytes(domain: Domain, root: PublicKeyPackage, key_id: str) -> bytes:
    """key_id's public key: Ed25519 32 bytes, secp256k1 33 bytes compressed (no network needed)."""
    suite = get_suite(domain)
    return suite.serialize_element(derive_public_key(suite, root.group_public_key, key_id))


def check_signature(domain: Domain, expected_public_key: bytes, message: bytes, signed: SignedMessage) -> None:
    """Raise SignatureCheckFailed unless `signed` is a valid signature of `message` under the key."""
    if signed.public_key != expected_public_key:
        raise SignatureCheckFailed("the signature is reported under another public key")
    if domain == "ed25519":
        try:
            VerifyKey(expected_public_key).verify(message, signed.signature)
        except (BadSignatureError, ValueError) as exc:
            raise SignatureCheckFailed("Ed25519 signature does not verify") from exc
        return
    if signed.recovery_id not in (0, 1, 2, 3) or len(signed.signature) != 64:
        raise SignatureCheckFailed("ECDSA signature must be 64 bytes r||s with a recovery id 0..3")
    if int.from_bytes(signed.signature[32:], "big") > SECP256K1_HALF_ORDER:
        raise SignatureCheckFailed("ECDSA signature is not low-s")
    try:
        recovered = coincurve.PublicKey.from_signature_and_message(
            signed.signature + bytes([signed.recovery_id]), message, hasher=None
        )
    except (ValueError, TypeError) as exc:
        raise SignatureCheckFailed("ECDSA signature does not recover a key") from exc
    if recovered.format(compressed=True) != expected_public_key:
        raise SignatureCheckFailed("ECDSA signature recovers another key")
