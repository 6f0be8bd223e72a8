"""Destination allowlists over decoded requests: value may only go where the owner said.

A request passes iff every transfer goes to an allowlisted destination on its chain (or back to
the sender, i.e. change) and every contract/program call is an allowlisted (target, method).
Calls matter as much as transfers: an ERC-20 `approve`, a NEAR `AddKey` or `DeleteAccount` moves
control or value without a plain transfer, so a call the list does not name is refused.
A transfer without an address (a Bitcoin OP_RETURN) is allowed only when it carries no value.

EVM addresses compare case-insensitively (the decoder gives checksum case, owners may not); every
other chain's addresses compare exactly.

    allowlist = Allowlist(destinations=(Destination("evm", "0xAb..."),),
                          calls=(AllowedCall("evm", USDC, "0xa9059cbb"),))   # ERC-20 transfer
    allowlist.require_allowed(request)   # or allowlist.allows(request) -> bool
"""

from __future__ import annotations

from dataclasses import dataclass

from hot.wire.errors import AllowlistDefinitionError, CallNotAllowed, DestinationNotAllowed
from hot.sdk.policies.decode import DecodedRequest, Transfer

MAX_ENTRIES = 256  # bounds the storage and the scan of one check


def normalized(chain: str, address: str) -> str:
    """The form addresses are compared in (EVM hex is case-insensitive)."""
    return address.lower() if chain == "evm" else address


@dataclass(frozen=True)
class Destination:
    """An address on a chain family (`evm`, `bitcoin`, `solana`, `near`) value may go to."""

    chain: str
    address: str


@dataclass(frozen=True)
class AllowedCall:
    """A (target contract/program, method) the wallet may call: EVM `0x<selector>`, NEAR method name."""

    chain: str
    target: str
    method: str


@dataclass(frozen=True)
class Allowlist:
    """Allowed destinations and calls; empty tuples allow nothing but change."""

    destinations: tuple[Destination, ...] = ()
    calls: tuple[AllowedCall, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "destinations", tuple(self.destinations))
        object.__setattr__(self, "calls", tuple(self.calls))
        if len(self.destinations) + len(self.calls) > MAX_ENTRIES:
            raise AllowlistDefinitionError(f"at most {MAX_ENTRIES} entries")
        for d in self.destinations:
            if not isinstance(d, Destination) or not d.chain or not d.address:
                raise AllowlistDefinitionError("a destination names its chain and address")
        for c in self.calls:
            if not isinstance(c, AllowedCall) or not c.chain or not c.target or not c.method:
                raise AllowlistDefinitionError("an allowed call names its chain, target and method")

    def allows_destination(self, chain: str, address: str) -> bool:
        wanted = normalized(chain, address)
        return any(d.chain == chain and normalized(chain, d.address) == wanted for d in self.destinations)

    def allows_call(self, chain: str, target: str, method: str) -> bool:
        wanted = normalized(chain, target)
        return any(
            c.chain == chain and normalized(chain, c.target) == wanted and c.method == method for c in self.calls
        )

    def require_allowed(self, request: DecodedRequest) -> None:
        """Raise DestinationNotAllowed / CallNotAllowed unless every transfer and call is listed."""
        for transfer in request.transfers:
            if not self._transfer_allowed(request, transfer):
                raise DestinationNotAllowed(f"{request.chain}: {transfer.to!r} is not an allowed destination")
        for call in request.calls:
            if not self.allows_call(request.chain, call.target, call.method):
                raise CallNotAllowed(f"{request.chain}: {call.method} on {call.target!r} is not allowed")

    def allows(self, request: DecodedRequest) -> bool:
        """The same check as a bool, for use in a view or a Fact."""
        try:
            self.require_allowed(request)
        except (DestinationNotAllowed, CallNotAllowed):
            return False
        return True

    def _transfer_allowed(self, request: DecodedRequest, transfer: Transfer) -> bool:
        if transfer.to is None:
            return transfer.amount == 0  # OP_RETURN data, no value
        if request.sender is not None and transfer.to == request.sender:
            return True  # change back to the signer
        return self.allows_destination(request.chain, transfer.to)
