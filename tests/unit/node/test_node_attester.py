"""Node attestation loop: attest at start, re-attest before expiry, refuse to sign when stale.

Whitepaper §2.2.7, §4.2.1. The Controller here is a stand-in that runs the real
`SoftwareQuoteVerifier` with a pinned measurement, as the Controller contract will.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.attestation import AttestationGuard, SoftwareQuoteVerifier, SoftwareVendor, measure_sources
from hot.wire.errors import NotAttested, QuoteExpired
from hot.mpc.node.attester import NodeAttester
from hot.wire.log import EntryKind, LogEntry
from hot.mpc.node.signed_log import SignedLog, verify_log

NOW = 1_800_000_000
SIGNING_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
NODE_KEY = SIGNING_KEY.public_key().public_bytes_raw()
MEASUREMENT = measure_sources([("hot/mpc/node/x.py", b"node v1")])


class Clock:
    def __init__(self, t: int) -> None:
        self.t = t

    def __call__(self) -> float:
        return float(self.t)


class ControllerStandIn:
    """Verifies submitted quotes like the Controller will; records what it accepted."""

    def __init__(self, clock: Clock, pinned: bytes) -> None:
        self.clock = clock
        self.verifier = SoftwareQuoteVerifier([SoftwareVendor.test_vendor().public_key], [pinned])
        self.accepted: list[dict[str, Any]] = []

    async def submit(self, quote: dict[str, Any]) -> None:
        self.verifier.verify(quote, node_signing_public_key=NODE_KEY, now=int(self.clock()))
        self.accepted.append(quote)


def make_attester(tmp_path: Path, clock: Clock, controller: ControllerStandIn, submit=None):
    vendor = SoftwareVendor.test_vendor()
    log = SignedLog(tmp_path / "node.log", SIGNING_KEY, clock=clock)
    attester = NodeAttester(
        AttestationGuard(NODE_KEY),
        lambda now: vendor.issue(MEASUREMENT, NODE_KEY, now=now, ttl=600),
        submit or controller.submit,
        log,
        clock=clock,
    )
    return attester, log


def logged(tmp_path: Path) -> list[LogEntry]:
    return [LogEntry.from_json_line(line) for line in (tmp_path / "node.log").read_bytes().splitlines(keepends=True)]


def test_accepted_quote_enables_signing_until_expiry_and_is_logged(tmp_path: Path) -> None:
    clock = Clock(NOW)
    controller = ControllerStandIn(clock, MEASUREMENT)
    attester, log = make_attester(tmp_path, clock, controller)
    with log:
        with pytest.raises(NotAttested):
            attester.guard.require_valid(attester.now())
        quote = asyncio.run(attester.attest_once())
        assert quote is not None and controller.accepted == [quote.to_dict()]
        attester.guard.require_valid(NOW + 599)
        with pytest.raises(QuoteExpired):
            attester.guard.require_valid(NOW + 600)
    [entry] = logged(tmp_path)
    assert entry.kind is EntryKind.ATTESTATION and entry.body["quote"] == quote.to_dict()
    assert verify_log(tmp_path / "node.log", NODE_KEY).ok


def test_refused_quote_is_logged_and_the_node_stays_unable_to_sign(tmp_path: Path) -> None:
    clock = Clock(NOW)
    controller = ControllerStandIn(clock, measure_sources([("hot/mpc/node/x.py", b"node v2")]))
    attester, log = make_attester(tmp_path, clock, controller)
    with log:
        assert asyncio.run(attester.attest_once()) is None
        with pytest.raises(NotAttested):
            attester.guard.require_valid(NOW)
    [entry] = logged(tmp_path)
    assert entry.kind is EntryKind.ERROR and entry.body["code"] == "measurement_not_allowed"


def test_run_attests_at_start_and_again_before_expiry(tmp_path: Path) -> None:
    clock = Clock(NOW)
    controller = ControllerStandIn(clock, MEASUREMENT)
    stop = asyncio.Event()

    async def submit_then_advance(quote: dict[str, Any]) -> None:
        await controller.submit(quote)
        clock.t += 550  # time passes between checks; the second check is inside the 60 s margin
        if len(controller.accepted) == 2:
            stop.set()

    attester, log = make_attester(tmp_path, clock, controller, submit_then_advance)
    with log:
        asyncio.run(asyncio.wait_for(attester.run(stop, margin=60, poll_seconds=0), 10))
    assert [q["issued_at"] for q in controller.accepted] == [NOW, NOW + 550]
    assert attester.guard.require_valid(NOW + 1100).issued_at == NOW + 550
    assert [e.kind for e in logged(tmp_path)] == [EntryKind.ATTESTATION, EntryKind.ATTESTATION]
