"""The key a signature must verify under before it leaves the gatekeeper (ARCHITECTURE.md step 4).

The derived key is computed here from the configured root key (whitepaper §2.2.5), never taken
from a node; the check itself is `hot.wire.signatures.verify_signature` (libsodium, libsecp256k1).
"""

from __future__ import annotations

from hot.mpc.crypto.derivation import derive_public_key
from hot.mpc.crypto.keys import PublicKeyPackage
from hot.mpc.crypto.suites import get_suite
from hot.wire.domains import Domain


def derived_public_key_bytes(domain: Domain, root: PublicKeyPackage, key_id: str) -> bytes:
    """key_id's public key: Ed25519 32 bytes, secp256k1 33 bytes compressed (no network needed)."""
    suite = get_suite(domain)
    return suite.serialize_element(derive_public_key(suite, root.group_public_key, key_id))
