"""Pool refill: several presign sessions at once per set, a short backoff after a first failure that
doubles on consecutive failures, reset by a completed refill (mpc/node/runner/protocol.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.config import PresignPoolConfig
from hot.mpc.node.controller_client import ControllerState
from hot.mpc.node.runner import protocol
from hot.mpc.node.signed_log import SignedLog, verify_log

from hot.errors import HotError

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


class FakeMesh:
    def __init__(self) -> None:
        self.participant_id = 1
        self.opened: list[str] = []

    def on_new_session(self, prefix: str, handler: Any) -> None:
        pass

    async def broadcast(self, peers: Any, session: str, round: int, payload: bytes) -> None:
        self.opened.append(session)


class FakePool:
    def __init__(self) -> None:
        self.added: list[Any] = []

    def counts(self, epoch: int) -> dict[str, int]:
        return {}

    def add(self, epoch: int, shares: list[Any]) -> None:
        self.added.extend(shares)


class Failure(HotError):
    code = "peer_timeout"


def make_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: bool) -> tuple[protocol.ProtocolRunner, dict[str, int]]:
    stats = {"running": 0, "peak": 0}

    async def fake_presign(mesh: Any, key: Any, session: str, signers: Any, *, timeout: float) -> str:
        stats["running"] += 1
        stats["peak"] = max(stats["peak"], stats["running"])
        await asyncio.sleep(0.01)
        stats["running"] -= 1
        if fail:
            raise Failure("no message from participant(s) [3]")
        return session

    monkeypatch.setattr(protocol, "run_presign", fake_presign)
    runner = protocol.ProtocolRunner(1, SimpleNamespace(), SimpleNamespace(), FakeMesh(),  # type: ignore[arg-type]
                                     SignedLog(tmp_path / "node.log", KEY), PresignPoolConfig(low_water=8, high_water=10),
                                     round_timeout=1.0)
    runner.pool = FakePool()  # type: ignore[assignment]
    runner.state = ControllerState("Running", 1, 2, {1: None, 2: None, 3: None})  # type: ignore[dict-item]
    runner.keys["secp256k1"] = SimpleNamespace(epoch=1)  # type: ignore[assignment]
    return runner, stats


def test_refill_runs_sessions_in_parallel_up_to_high_water(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner, stats = make_runner(tmp_path, monkeypatch, fail=False)
    made = asyncio.run(runner.refill_pools())
    assert made == 10 and len(runner.pool.added) == 10  # type: ignore[attr-defined]
    assert len(set(runner.mesh.opened)) == 10  # one fresh session per presignature
    assert stats["peak"] == protocol.PARALLEL_SESSIONS


def test_backoff_is_short_after_a_first_failure_and_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner, _ = make_runner(tmp_path, monkeypatch, fail=True)
    clock = [100.0]
    monkeypatch.setattr(protocol, "time", SimpleNamespace(monotonic=lambda: clock[0]))  # not the loop clock
    delays = []
    for _ in range(6):
        assert asyncio.run(runner.refill_pools()) == 0
        delays.append(runner._backoff["1,2,3"] - clock[0])
        assert asyncio.run(runner.refill_pools()) == 0 and not runner.mesh.opened[protocol.PARALLEL_SESSIONS * len(delays):]
        clock[0] = runner._backoff["1,2,3"]  # the backoff has passed
    assert delays == [0.25, 0.5, 1.0, 2.0, 3.0, 3.0]
    monkeypatch.setattr(Failure, "code", "invalid_proof")  # misbehaviour, not silence: the full backoff
    runner._failures.clear()
    assert asyncio.run(runner.refill_pools()) == 0
    assert runner._backoff["1,2,3"] - clock[0] == protocol.BACKOFF_SECONDS
    runner.log.close()
    report = verify_log(tmp_path / "node.log", KEY.public_key().public_bytes_raw())
    assert report.ok and report.entries >= 6  # every failed session is logged
