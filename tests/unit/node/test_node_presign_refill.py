"""Pool refill: batches of presignatures per session, several sessions at once per set, one pool
commit per batch, a short backoff after a first failure that doubles on consecutive failures, reset
by a completed refill; joiners refuse a batch size out of bounds (src/hot/mpc/node/runner/protocol.py)."""

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
from hot.mpc.node.runner.presign import MAX_PRESIGN_BATCH, parse_session
from hot.mpc.node.signed_log import SignedLog, verify_log

from hot.wire.errors import HotError

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


class FakeMesh:
    def __init__(self, participant_id: int) -> None:
        self.participant_id = participant_id
        self.opened: list[str] = []

    def on_new_session(self, prefix: str, handler: Any) -> None:
        pass

    async def broadcast(self, peers: Any, session: str, round: int, payload: bytes) -> None:
        self.opened.append(session)


class FakePool:
    def __init__(self) -> None:
        self.added: list[Any] = []
        self.commits: list[int] = []  # batch size of every `add` call (one transaction each)

    def counts(self, epoch: int) -> dict[str, int]:
        return {}

    def add(self, epoch: int, shares: list[Any]) -> None:
        self.added.extend(shares)
        self.commits.append(len(shares))


class Failure(HotError):
    code = "peer_timeout"


def make_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: bool, *, high_water: int = 10,
                participant_id: int = 1) -> tuple[protocol.ProtocolRunner, dict[str, int]]:
    stats = {"running": 0, "peak": 0, "calls": 0}

    async def fake_presign(mesh: Any, key: Any, session: str, signers: Any, *, timeout: float) -> list[str]:
        stats["calls"] += 1
        stats["running"] += 1
        stats["peak"] = max(stats["peak"], stats["running"])
        await asyncio.sleep(0.01)
        stats["running"] -= 1
        if fail:
            raise Failure("no message from participant(s) [3]")
        return [f"{session}/{n}" for n in range(parse_session(session)[2])]

    monkeypatch.setattr(protocol, "run_presign", fake_presign)
    runner = protocol.ProtocolRunner(participant_id, SimpleNamespace(), SimpleNamespace(), FakeMesh(participant_id),  # type: ignore[arg-type]
                                     SignedLog(tmp_path / "node.log", KEY), PresignPoolConfig(low_water=8, high_water=high_water),
                                     round_timeout=1.0)
    runner.pool = FakePool()  # type: ignore[assignment]
    runner.state = ControllerState("Running", 1, 2, {1: None, 2: None, 3: None})  # type: ignore[dict-item]
    runner.keys["secp256k1"] = SimpleNamespace(epoch=1)  # type: ignore[assignment]
    return runner, stats


def test_refill_runs_batches_in_parallel_up_to_high_water(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = protocol.PRESIGN_BATCH + 2
    runner, stats = make_runner(tmp_path, monkeypatch, fail=False, high_water=wanted)
    made = asyncio.run(runner.refill_pools())
    assert made == wanted and len(set(runner.pool.added)) == wanted  # type: ignore[attr-defined]
    assert sorted(parse_session(s)[2] for s in runner.mesh.opened) == [2, protocol.PRESIGN_BATCH]  # never more than wanted
    assert sorted(runner.pool.commits) == [2, protocol.PRESIGN_BATCH]  # type: ignore[attr-defined]  # one commit per batch
    assert stats["peak"] == protocol.PARALLEL_SESSIONS


def test_a_large_refill_is_full_batches_at_most_parallel_sessions_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner, stats = make_runner(tmp_path, monkeypatch, fail=False, high_water=3 * protocol.PRESIGN_BATCH)
    assert asyncio.run(runner.refill_pools()) == 3 * protocol.PRESIGN_BATCH
    assert len(set(runner.mesh.opened)) == stats["calls"] == 3  # one fresh session per batch
    assert runner.pool.commits == [protocol.PRESIGN_BATCH] * 3  # type: ignore[attr-defined]
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


@pytest.mark.parametrize("count", [0, MAX_PRESIGN_BATCH + 1, 10**9])
def test_a_joiner_refuses_a_batch_size_out_of_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    runner, stats = make_runner(tmp_path, monkeypatch, fail=False, participant_id=2)
    logged: list[dict[str, Any]] = []
    monkeypatch.setattr(runner.log, "append", lambda kind, body: logged.append(body))
    asyncio.run(runner._join_presign(f"presign/1/1,2,3/{count}/00", 1, b""))
    assert stats["calls"] == 0 and runner.pool.added == []  # type: ignore[attr-defined]
    assert [e["event"] for e in logged] == ["presign_refused"] and str(count) in logged[0]["reason"]


def test_a_joiner_stores_a_full_batch_in_one_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner, stats = make_runner(tmp_path, monkeypatch, fail=False, participant_id=2)
    asyncio.run(runner._join_presign(f"presign/1/1,2,3/{MAX_PRESIGN_BATCH}/00", 1, b""))
    assert stats["calls"] == 1 and runner.pool.commits == [MAX_PRESIGN_BATCH]  # type: ignore[attr-defined]
