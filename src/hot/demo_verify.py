"""The demo's referees: checks of its records by libraries that share no code with hot.mpc.

- Ed25519: OpenSSL (`cryptography`) and libsodium (PyNaCl) must both accept.
- secp256k1 ECDSA: libsecp256k1 (coincurve) must recover exactly `public_key` from (r‖s, recovery
  id, 32-byte hash), and OpenSSL (`cryptography`) must verify the DER form under that key.
- A Bitcoin spend: every input must satisfy its prevout's script under libbitcoinkernel's
  consensus script interpreter (py-bitcoinkernel, `pbk`), with every consensus flag (taproot
  included, so the spent outputs go in as precomputed data). A check that a wrong prevout amount
  is refused shows the verdict is not vacuous.

Each function returns `{check name: passed}` so the demo can print and the caller can assert.
"""

from __future__ import annotations

from typing import Any

Checks = dict[str, bool]


def check_ed25519(public_key: bytes, message: bytes, signature: bytes) -> Checks:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    checks: Checks = {}
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        checks["cryptography (OpenSSL) verifies"] = True
    except (InvalidSignature, ValueError):
        checks["cryptography (OpenSSL) verifies"] = False
    try:
        VerifyKey(public_key).verify(message, signature)
        checks["PyNaCl (libsodium) verifies"] = True
    except (BadSignatureError, ValueError):
        checks["PyNaCl (libsodium) verifies"] = False
    return checks


def check_secp256k1_ecdsa(public_key: bytes, digest: bytes, signature: bytes, recovery_id: int | None) -> Checks:
    import coincurve
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import (
        Prehashed,
        encode_dss_signature,
    )

    checks: Checks = {}
    try:
        recovered = coincurve.PublicKey.from_signature_and_message(
            signature + bytes([recovery_id if recovery_id is not None else 255]), digest, hasher=None)
        checks["coincurve (libsecp256k1) recovers the key"] = recovered.format() == public_key
    except (ValueError, TypeError):
        checks["coincurve (libsecp256k1) recovers the key"] = False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), public_key)
        key.verify(encode_dss_signature(r, s), digest, ec.ECDSA(Prehashed(hashes.SHA256())))
        checks["cryptography (OpenSSL) verifies"] = True
    except (InvalidSignature, ValueError):
        checks["cryptography (OpenSSL) verifies"] = False
    return checks


def check_bitcoin_spend(tx_hex: str, prevouts: list[dict[str, Any]]) -> Checks:
    """Every input of `tx_hex` spends `prevouts[i]` (`{"script_pubkey": hex, "amount": sats}`)."""
    import pbk

    raw = bytes.fromhex(tx_hex)
    flags = pbk.ScriptVerificationFlags.ALL

    def verifies(amounts: list[int]) -> bool:
        tx = pbk.Transaction(raw)
        spent = [pbk.TransactionOutput(pbk.ScriptPubkey(bytes.fromhex(p["script_pubkey"])), amount)
                 for p, amount in zip(prevouts, amounts, strict=True)]
        precomputed = pbk.script.PrecomputedTransactionData(tx, spent)
        try:
            return all(bool(out.script_pubkey.verify(out.amount, tx, precomputed, index, flags))
                       for index, out in enumerate(spent))
        except pbk.ScriptVerifyException:
            return False

    amounts = [int(p["amount"]) for p in prevouts]
    return {
        f"libbitcoinkernel accepts all {len(prevouts)} input(s)": verifies(amounts),
        # BIP 143 signs the spent amount: one satoshi off must break the signature.
        "libbitcoinkernel refuses a wrong prevout amount": not verifies([amounts[0] + 1, *amounts[1:]]),
    }


def check_record(record: dict[str, Any]) -> Checks:
    """The independent checks for one `hot demo --json` record."""
    public_key, message, signature = (bytes.fromhex(record[k]) for k in ("public_key", "message", "signature"))
    if record["domain"] == "ed25519":
        checks = check_ed25519(public_key, message, signature)
    else:
        checks = check_secp256k1_ecdsa(public_key, message, signature, record["recovery_id"])
    if "bitcoin_tx" in record:
        checks.update(check_bitcoin_spend(record["bitcoin_tx"], record["prevouts"]))
    return checks


__all__ = ["Checks", "check_bitcoin_spend", "check_ed25519", "check_record", "check_secp256k1_ecdsa"]
