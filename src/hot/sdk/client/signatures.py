"""`SignatureResult` and its local check: no signature leaves the client unverified.

Both are the wire layer's (`hot.wire.signatures`), re-exported here because `hot.sdk.client` is
what a dApp developer imports: the gatekeeper checks with the same function before it answers.
"""

from __future__ import annotations

from hot.wire.domains import DOMAIN_NAMES as DOMAINS
from hot.wire.domains import DomainName as Domain
from hot.wire.signatures import SignatureResult, verify_signature

__all__ = ["DOMAINS", "Domain", "SignatureResult", "verify_signature"]
