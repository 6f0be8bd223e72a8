"""The node side of attestation: quote at start and on a schedule, submit, record, refuse when stale.

Whitepaper §2.2.7 ("each MPC node periodically provides an attestation to the Controller") and
§4.2.1 ("periodic re-attestation ... nodes failing re-attestation are disabled before protocol
rounds"). The quote source and the Controller call are injected, so the same loop serves a
software vendor on localnet and a TDX quoting service later.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from hot.mpc.node.attestation import AttestationGuard, SoftwareQuote
from hot.wire.log import EntryKind
from hot.mpc.node.signed_log import SignedLog

from hot.wire.errors import HotError

# Issues a quote for this node at the given Unix time (e.g. SoftwareVendor.issue with the
# node's measurement and signing key bound in).
QuoteSource = Callable[[int], SoftwareQuote]
# Submits a quote to the Controller; raises a HotError (e.g. ContractError) when it is refused.
SubmitQuote = Callable[[dict[str, Any]], Awaitable[None]]


class NodeAttester:
    """Keeps the node's attestation fresh and its `AttestationGuard` in step with the Controller."""

    def __init__(
        self,
        guard: AttestationGuard,
        issue: QuoteSource,
        submit: SubmitQuote,
        log: SignedLog,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.guard = guard
        self._issue = issue
        self._submit = submit
        self._log = log
        self._clock = clock

    def now(self) -> int:
        return int(self._clock())

    async def attest_once(self) -> SoftwareQuote | None:
        """Issue and submit one quote; on acceptance record it in the guard and the signed log.

        A refusal is logged as an `error` entry and leaves the guard unchanged: once the old quote
        expires the node refuses to sign until a new one is accepted.
        """
        quote = self._issue(self.now())
        try:
            await self._submit(quote.to_dict())
        except HotError as exc:
            self._log.append(EntryKind.ERROR, {"event": "attestation_refused", "code": exc.code, "reason": str(exc)})
            return None
        self.guard.accept(quote)
        self._log.append(EntryKind.ATTESTATION, {"event": "attestation_accepted", "quote": quote.to_dict()})
        return quote

    async def run(self, stop: asyncio.Event, *, margin: int, poll_seconds: float) -> None:
        """At start and then whenever the quote is within `margin` seconds of expiry, re-attest."""
        while not stop.is_set():
            if self.guard.renewal_due(self.now(), margin):
                await self.attest_once()
            try:
                await asyncio.wait_for(stop.wait(), poll_seconds)
            except TimeoutError:
                pass
