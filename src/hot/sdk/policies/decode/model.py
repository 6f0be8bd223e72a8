"""The one small model every chain's decoder produces, and the decoders' typed errors.

Why one model: a spending limit or an allowlist is written once and applies to a Bitcoin PSBT,
an EVM transaction, a Solana message and a NEAR transaction alike. Amounts are integers in the
chain's smallest unit (satoshi, wei, lamport, yoctoNEAR); the asset is `"native"` or a token id
(`"erc20:<checksum address>"`, `"nep141:<token account>"`); `chain` names the family and
`network` the instance (Bitcoin network name, EVM chain id), so a policy keys limits by
`(chain, network, asset)`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from hot.wire.errors import (
    PreimageMismatch,
)

NATIVE = "native"


@dataclass(frozen=True)
class Transfer:
    """Value leaving the signer: `amount` of `asset` to `to` (None: no address, e.g. OP_RETURN)."""

    to: str | None
    amount: int
    asset: str = NATIVE
    sender: str | None = None


@dataclass(frozen=True)
class ContractCall:
    """A program/contract invocation; `method` is the EVM selector hex, NEAR method or program id."""

    target: str
    method: str
    deposit: int = 0


@dataclass(frozen=True)
class DecodedRequest:
    """What a signature over `msg_hash` would authorize, decoded from a verified pre-image.

    `transfers` lists every movement of value the decoder understands; `calls` lists every
    contract or program the transaction invokes (a token transfer appears in both). A policy
    that understands only transfers must refuse requests with calls it does not know.
    `raw` keeps chain-specific fields (nonce, gas, fee fields, sighash type...) for policies
    that need them.
    """

    chain: str
    network: str | None
    sender: str | None
    transfers: tuple[Transfer, ...]
    calls: tuple[ContractCall, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)

    def total(self, asset: str = NATIVE, *, exclude_to: str | None = None) -> int:
        """Sum of `asset` leaving the signer, optionally not counting change back to `exclude_to`."""
        return sum(t.amount for t in self.transfers if t.asset == asset and (exclude_to is None or t.to != exclude_to))


def require_hash(expected: bytes, actual: bytes, what: str) -> None:
    """Refuse unless the pre-image's hash equals the msg_hash (constant-time comparison)."""
    if not isinstance(expected, (bytes, bytearray)):
        raise PreimageMismatch(f"msg_hash must be bytes, got {type(expected).__name__}")
    if not hmac.compare_digest(bytes(expected), bytes(actual)):
        raise PreimageMismatch(f"the submitted pre-image's {what} is not the msg_hash being signed")
