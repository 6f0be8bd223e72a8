"""Errors of the programs built on HOT: `hot demo` and the passkey Bitcoin wallet example.

They reach a person through the CLI's output or the wallet's page, so each says what failed.
"""

from __future__ import annotations

from hot.wire.errors.base import HotError


class DemoFailed(HotError):
    """A `hot demo` step raised or an independent check refused a result."""

    code = "demo_failed"


class PresignaturesUnavailable(HotError):
    """No signer set held enough ECDSA presignatures before the demo's deadline."""

    code = "presignatures_unavailable"
    status = 503


class WalletError(HotError):
    """A wallet spend cannot be built or finished (amount below dust, fee rate below 1 sat/vB)."""

    code = "wallet_error"
    status = 400


class WalletFlowError(HotError):
    """The wallet page showed an error, or a browser step did not finish before its deadline."""

    code = "wallet_flow_failed"
