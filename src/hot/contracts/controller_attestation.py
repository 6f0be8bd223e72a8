"""Attestation quote checks for the Controller (pure; whitepaper §2.2.7 and §4.2.1).

The node side lives in hot.mpc.node.attestation, which deployed contracts cannot import (it uses
`cryptography`, outside the contract import allowlist). This module re-states its byte format
exactly (docs/node.md, "Attestation") and checks the vendor signature with the host's
`ed25519_verify`; tests/unit/contracts check both agree on quotes issued by `SoftwareVendor`.

Signed bytes: b"hot-protocol/attestation/software-quote/v1\\n" || measurement (32)
              || node_signing_public_key (32) || u64be(issued_at) || u64be(expires_at)

`QUOTE_VERIFIERS` maps a quote `type` to its checker: "software-v1" is the only one today; a TDX or
SEV-SNP checker is added by registering another entry (the pluggable seam the issue asks for).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from hot.sdk.contract import require
from hot.sdk.hostcrypto import ed25519_verify
from hot.wire.errors import ContractCode as E

QUOTE_TAG = b"hot-protocol/attestation/software-quote/v1\n"
MAX_CLOCK_SKEW_S = 300
MAX_QUOTE_VALIDITY_S = 24 * 3600
QUOTE_FIELDS = frozenset({"measurement", "node_signing_public_key", "issued_at", "expires_at", "signature"})


def _hex_field(quote: dict[str, Any], field: str, size: int) -> bytes:
    value = quote.get(field)
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    require(len(raw) == size, E.BAD_QUOTE, f"{field} must be {size} bytes of hex")
    return raw


def _u64_field(quote: dict[str, Any], field: str) -> int:
    value = quote.get(field)
    require(isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64,
            E.BAD_QUOTE, f"{field} must be an integer in [0, 2^64)")
    return int(value)


def verify_software_quote(quote: dict[str, Any], *, node_signing_public_key: bytes, vendor_keys: list[bytes],
                          now_s: int) -> tuple[bytes, int]:
    """Check shape, vendor signature, key binding and validity window; return (measurement, expires_at).

    Order and rules follow `SoftwareQuoteVerifier.verify`; the measurement pin is checked by the
    caller against the DAO-approved set (it owns that storage).
    """
    fields = set(quote) - {"type"}
    require(fields == QUOTE_FIELDS, E.BAD_QUOTE, f"a quote has exactly the fields {sorted(QUOTE_FIELDS)}")
    measurement = _hex_field(quote, "measurement", 32)
    node_key = _hex_field(quote, "node_signing_public_key", 32)
    issued_at, expires_at = _u64_field(quote, "issued_at"), _u64_field(quote, "expires_at")
    signature = _hex_field(quote, "signature", 64)
    require(expires_at > issued_at, E.BAD_QUOTE, "expires_at must be after issued_at")
    signed = QUOTE_TAG + measurement + node_key + struct.pack(">QQ", issued_at, expires_at)
    require(any(ed25519_verify(vendor, signed, signature) for vendor in vendor_keys),
            E.QUOTE_SIGNATURE, "the quote is not signed by a trusted vendor key")
    # Binding: a quote for another key must not attest this node (mimicry, whitepaper §4.2.1).
    require(node_key == node_signing_public_key, E.QUOTE_KEY_MISMATCH, "the quote attests another signing key")
    require(expires_at - issued_at <= MAX_QUOTE_VALIDITY_S, E.BAD_QUOTE, f"validity exceeds {MAX_QUOTE_VALIDITY_S} s")
    require(issued_at - MAX_CLOCK_SKEW_S <= now_s < expires_at,
            E.QUOTE_EXPIRED, f"quote valid in [{issued_at}, {expires_at}), block time is {now_s}")
    return measurement, expires_at


QuoteChecker = Callable[..., tuple[bytes, int]]
QUOTE_VERIFIERS: dict[str, QuoteChecker] = {"software-v1": verify_software_quote}


def verify_quote(quote: dict[str, Any], **kwargs: Any) -> tuple[bytes, int]:
    """Dispatch on `quote["type"]` (default "software-v1") to the registered checker."""
    kind = quote.get("type", "software-v1")
    checker = QUOTE_VERIFIERS.get(kind) if isinstance(kind, str) else None
    require(checker is not None, E.BAD_QUOTE, f"unknown quote type {kind!r}")
    assert checker is not None
    return checker(quote, **kwargs)
