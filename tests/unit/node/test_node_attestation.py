"""Software attestation: vendor-signed quotes bound to the node key, time-bound, measurement-pinned.

Whitepaper §2.2.7 and §4.2.1 ("time-bound remote attestation ... code-identity checks pinned").
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.attestation import (
    AttestationGuard,
    SoftwareQuote,
    SoftwareQuoteVerifier,
    SoftwareVendor,
    measure_sources,
)
from hot.wire.errors import (
    MeasurementNotAllowed,
    NotAttested,
    QuoteExpired,
    QuoteKeyMismatch,
    QuoteMalformed,
    QuoteSignatureInvalid,
)
from hot.mpc.node.measurement import installed_source_files, measure_installed

NOW = 1_800_000_000
NODE_KEY = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key().public_bytes_raw()
MEASUREMENT = measure_sources([("hot/mpc/node/x.py", b"print('node')")])


@pytest.fixture
def vendor() -> SoftwareVendor:
    return SoftwareVendor.test_vendor()


@pytest.fixture
def verifier(vendor: SoftwareVendor) -> SoftwareQuoteVerifier:
    return SoftwareQuoteVerifier([vendor.public_key], [MEASUREMENT])


def test_fresh_quote_for_the_pinned_measurement_is_accepted(vendor, verifier) -> None:
    quote = vendor.issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=3600).to_dict()
    verified = verifier.verify(quote, node_signing_public_key=NODE_KEY, now=NOW + 10)
    assert (verified.measurement, verified.expires_at) == (MEASUREMENT, NOW + 3600)


def test_expired_and_future_quotes_are_refused(vendor, verifier) -> None:
    quote = vendor.issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=3600).to_dict()
    with pytest.raises(QuoteExpired):
        verifier.verify(quote, node_signing_public_key=NODE_KEY, now=NOW + 3600)
    with pytest.raises(QuoteExpired):
        verifier.verify(quote, node_signing_public_key=NODE_KEY, now=NOW - 3600)


def test_quote_for_another_node_key_is_refused(vendor, verifier) -> None:
    quote = vendor.issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=3600).to_dict()
    with pytest.raises(QuoteKeyMismatch):
        verifier.verify(quote, node_signing_public_key=bytes(32), now=NOW)


def test_unpinned_measurement_is_refused(vendor, verifier) -> None:
    other = measure_sources([("hot/mpc/node/x.py", b"print('patched')")])
    quote = vendor.issue(other, NODE_KEY, now=NOW, ttl=3600).to_dict()
    with pytest.raises(MeasurementNotAllowed):
        verifier.verify(quote, node_signing_public_key=NODE_KEY, now=NOW)


def test_untrusted_vendor_and_edited_fields_fail_the_signature(vendor, verifier) -> None:
    rogue = SoftwareVendor(Ed25519PrivateKey.generate()).issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=3600)
    with pytest.raises(QuoteSignatureInvalid):
        verifier.verify(rogue.to_dict(), node_signing_public_key=NODE_KEY, now=NOW)
    extended = vendor.issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=3600).to_dict() | {"expires_at": NOW + 7200}
    with pytest.raises(QuoteSignatureInvalid):
        verifier.verify(extended, node_signing_public_key=NODE_KEY, now=NOW)


def test_overlong_validity_is_refused(vendor) -> None:
    verifier = SoftwareQuoteVerifier([vendor.public_key], [MEASUREMENT], max_validity=600)
    quote = vendor.issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=601).to_dict()
    with pytest.raises(QuoteMalformed):
        verifier.verify(quote, node_signing_public_key=NODE_KEY, now=NOW)


@pytest.mark.parametrize(
    "edit",
    [
        lambda q: {k: v for k, v in q.items() if k != "signature"},
        lambda q: q | {"measurement": "zz"},
        lambda q: q | {"measurement": "00" * 31},
        lambda q: q | {"issued_at": -1},
        lambda q: q | {"expires_at": q["issued_at"]},
        lambda q: q | {"issued_at": "1"},
    ],
    ids=["missing", "not-hex", "short", "negative", "empty-window", "string-int"],
)
def test_malformed_quotes_are_typed_errors(vendor, verifier, edit) -> None:
    quote = edit(vendor.issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=3600).to_dict())
    with pytest.raises(QuoteMalformed):
        verifier.verify(quote, node_signing_public_key=NODE_KEY, now=NOW)


def test_quote_round_trips_and_signed_bytes_are_the_documented_layout(vendor) -> None:
    quote = vendor.issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=60)
    assert SoftwareQuote.from_dict(quote.to_dict()) == quote
    signed = quote.signed_bytes()
    assert signed.startswith(b"hot-protocol/attestation/software-quote/v1\n")
    assert signed[-16:] == NOW.to_bytes(8, "big") + (NOW + 60).to_bytes(8, "big")
    assert len(signed) == 43 + 32 + 32 + 16


def test_guard_refuses_to_sign_without_or_after_attestation(vendor) -> None:
    guard = AttestationGuard(NODE_KEY)
    with pytest.raises(NotAttested):
        guard.require_valid(NOW)
    assert guard.renewal_due(NOW, margin=60)
    quote = vendor.issue(MEASUREMENT, NODE_KEY, now=NOW, ttl=600)
    guard.accept(quote)
    assert guard.require_valid(NOW + 1) == quote
    assert not guard.renewal_due(NOW, margin=60) and guard.renewal_due(NOW + 540, margin=60)
    with pytest.raises(QuoteExpired):
        guard.require_valid(NOW + 600)
    with pytest.raises(QuoteKeyMismatch):
        guard.accept(vendor.issue(MEASUREMENT, bytes(32), now=NOW, ttl=600))


def test_measurement_depends_on_every_path_and_byte() -> None:
    base = [("a.py", b"x"), ("b.py", b"y")]
    assert measure_sources(base) == measure_sources(list(reversed(base)))
    assert measure_sources(base) != measure_sources([("a.py", b"x"), ("b.py", b"z")])
    assert measure_sources(base) != measure_sources([("a.py", b"x"), ("c.py", b"y")])
    assert measure_sources(base) != measure_sources(base[:1])


def test_installed_measurement_covers_the_node_code() -> None:
    files = dict(installed_source_files())
    assert "hot/mpc/node/attestation.py" in files and "hot/wire/errors/__init__.py" in files
    assert not any("__pycache__" in path for path in files)
    assert len(measure_installed()) == 32
