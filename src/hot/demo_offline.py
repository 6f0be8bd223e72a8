"""`hot demo --offline`: the cryptography alone, in process, checked by independent libraries.

For each domain (ed25519, secp256k1): a 3-of-5 DKG, the key derived for a sample key_id from
the root key (whitepaper §2.2.5), a FROST signature by 3 of the 5 participants under that derived
key, and verification by code that is not ours: Ed25519 by OpenSSL (`cryptography`) and
libsodium (PyNaCl); secp256k1 Schnorr by RFC 9591's equation z·G == R + c·PK over coincurve
points. `hot demo` (without --offline) runs the same story through a localnet, threshold ECDSA
included (hot/demo.py).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from hot.mpc.crypto import frost
from hot.mpc.crypto.derivation import (
    derive_key_package,
    derive_public_key,
    derive_public_key_package,
)
from hot.mpc.crypto.dkg_local import run_local_dkg
from hot.mpc.crypto.suites import ED25519, SECP256K1, Ciphersuite

KEY_ID = "alice.near/demo-wallet"
MESSAGE = b"hot-protocol demo: transfer 1 token to bob"
THRESHOLD, PARTICIPANTS, SIGNERS = 3, tuple(range(1, 6)), (1, 3, 5)
SCHEME = {"ed25519": "eddsa", "secp256k1": "schnorr"}


def _verify_ed25519(public_key: bytes, signature: bytes) -> dict[str, bool]:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    checks = {}
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, MESSAGE)
        checks["cryptography (OpenSSL)"] = True
    except InvalidSignature:
        checks["cryptography (OpenSSL)"] = False
    try:
        VerifyKey(public_key).verify(MESSAGE, signature)
        checks["PyNaCl (libsodium)"] = True
    except BadSignatureError:
        checks["PyNaCl (libsodium)"] = False
    return checks


def _verify_secp256k1_schnorr(public_key: bytes, signature: bytes) -> dict[str, bool]:
    """RFC 9591 §5.3 equation with coincurve's public API: z·G == R + H2(R || PK || m)·PK."""
    from coincurve import PublicKey

    r, z = signature[:33], signature[33:]
    c = SECP256K1.H2(r + public_key + MESSAGE)
    lhs = PublicKey.from_secret(z)
    rhs = PublicKey.combine_keys([PublicKey(r), PublicKey(public_key).multiply(c.to_bytes(32, "big"))])
    return {"RFC 9591 equation over coincurve": lhs.format() == rhs.format()}


def sign_demo(suite: Ciphersuite) -> dict[str, Any]:
    """DKG, derive, sign with 3 of 5, verify; returns the record and the independent checks."""
    dkg = run_local_dkg(suite, THRESHOLD, PARTICIPANTS, secrets.token_bytes)
    root = dkg.public_key_package
    scheme = SCHEME[suite.name]
    public = derive_public_key_package(suite, root, KEY_ID, scheme=scheme)
    keys = {i: derive_key_package(suite, dkg.key_packages[i], KEY_ID, scheme=scheme) for i in SIGNERS}
    rounds = {i: frost.commit(suite, keys[i], secrets.token_bytes) for i in SIGNERS}
    package = frost.SigningPackage.create(suite, [c for _, c in rounds.values()], MESSAGE)
    shares = [frost.sign(suite, package, rounds[i][0], keys[i]) for i in SIGNERS]
    signature = frost.aggregate(suite, package, shares, public).to_bytes(suite)
    public_key = suite.serialize_element(public.group_public_key)
    checks = _verify_ed25519(public_key, signature) if suite is ED25519 else _verify_secp256k1_schnorr(public_key, signature)
    # The derived key is computable from public data alone, without the network.
    offline = derive_public_key(suite, root.group_public_key, KEY_ID, scheme=scheme)
    checks["key derived from root public key alone"] = offline == public.group_public_key
    record = {
        "domain": suite.name,
        "key_id": KEY_ID,
        "message": MESSAGE.hex(),
        "signature": signature.hex(),
        "public_key": public_key.hex(),
        "recovery_id": None,
    }
    return {"record": record, "scheme": f"FROST ({scheme})", "checks": checks, "excluded": sorted(dkg.excluded)}


def run_offline_demo(json_output: bool) -> None:
    """Run the demo for both domains and print a table (or the records as JSON)."""
    results = [sign_demo(suite) for suite in (ED25519, SECP256K1)]
    if json_output:
        print(json.dumps([r["record"] for r in results]))
    else:
        _print_table(results)
    if not all(all(r["checks"].values()) for r in results):
        raise SystemExit("an independent verifier rejected a signature")


def _print_table(results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"hot demo --offline: {THRESHOLD}-of-{len(PARTICIPANTS)} DKG, key_id {KEY_ID!r}, signers {list(SIGNERS)}")
    for column in ("domain", "scheme", "derived public key", "signature", "independent checks"):
        table.add_column(column, overflow="fold")
    for r in results:
        record = r["record"]
        checks = "\n".join(f"{'✓' if ok else '✗'} {name}" for name, ok in r["checks"].items())
        table.add_row(record["domain"], r["scheme"], _short(record["public_key"]), _short(record["signature"]), checks)
    Console().print(table)
    Console().print(f"message: {MESSAGE.decode()!r}")


def _short(hex_value: str) -> str:
    return f"{hex_value[:16]}…{hex_value[-8:]}"
