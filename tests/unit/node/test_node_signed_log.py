"""Signed log: hash chain, signatures, durability and `hot node log verify` (issue 7; whitepaper §3.2.3)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.cli import app
from hot.wire.log import (
    GENESIS_PREV_HASH,
    HASH_TAG,
    SIGNATURE_TAG,
    EntryKind,
    LogEntry,
    LogEntryInvalid,
    canonical_json,
)
from hot.mpc.node.signed_log import SignedLog, verify_log
from hot.wire.errors import LogCorrupt, LogLocked, LogTruncated
from typer.testing import CliRunner

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key().public_bytes_raw()


class StepClock:
    """A clock the test sets: each call returns the next value."""

    def __init__(self, *values: float) -> None:
        self.values = list(values)

    def __call__(self) -> float:
        return self.values.pop(0) if len(self.values) > 1 else self.values[0]


def write_log(path: Path, count: int = 5) -> list[LogEntry]:
    kinds = list(EntryKind)
    with SignedLog(path, KEY, clock=StepClock(*(1_700_000_000 + i for i in range(count)))) as log:
        return [log.append(kinds[i % len(kinds)], {"i": i, "note": f"entry {i}"}) for i in range(count)]


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_entries_chain_from_genesis_and_verify(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    entries = write_log(path)
    assert entries[0].prev_hash == GENESIS_PREV_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    assert [entry.seq for entry in entries] == list(range(5))
    report = verify_log(path, PUBLIC)
    assert report.ok and report.entries == 5 and report.head_hash == entries[-1].hash.hex()


def test_documented_signed_bytes_verify_with_a_plain_ed25519_check(tmp_path: Path) -> None:
    """A fisherman recomputes hash and signature from the JSON line alone (docs/node.md)."""
    import hashlib

    path = tmp_path / "node.log"
    write_log(path, 2)
    data = json.loads(lines(path)[1])
    hashed = HASH_TAG + canonical_json({k: data[k] for k in ("body", "kind", "prev_hash", "seq", "time")})
    digest = hashlib.sha256(hashed).digest()
    assert digest.hex() == data["hash"]
    KEY.public_key().verify(bytes.fromhex(data["signature"]), SIGNATURE_TAG + digest)


def test_tampered_body_fails_verify_at_that_entry(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    write_log(path)
    content = lines(path)
    content[2] = content[2].replace(b'"entry 2"', b'"entry X"')
    path.write_bytes(b"".join(content))
    report = verify_log(path, PUBLIC)
    assert not report.ok and report.first_bad_index == 2 and "hash" in report.reason


def test_rehashed_and_unsigned_tamper_fails_on_signature(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    entries = write_log(path)
    forged = LogEntry.create(1, entries[1].time, "decision", {"approved": True}, entries[0].hash, Ed25519PrivateKey.generate())
    content = lines(path)
    content[1] = forged.to_json_line()
    path.write_bytes(b"".join(content))
    report = verify_log(path, PUBLIC)
    assert (report.ok, report.first_bad_index) == (False, 1) and "signature" in report.reason


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda c: c[:2] + c[3:], "seq"),
        (lambda c: c[:2] + [c[3], c[2]] + c[4:], "seq"),
        (lambda c: c + [c[4]], "seq"),
        (lambda c: c[:4] + [c[4][:-20] + b"\n"], "malformed"),
        (lambda c: c[:4] + [c[4][:-1]], "truncated"),
        (lambda c: c[:1] + [c[1].replace(b'{"body"', b'{ "body"')] + c[2:], "canonical"),
    ],
    ids=["dropped", "reordered", "duplicated", "garbled", "truncated", "non-canonical"],
)
def test_structural_tampering_is_reported(tmp_path: Path, edit, reason: str) -> None:
    path = tmp_path / "node.log"
    write_log(path)
    path.write_bytes(b"".join(edit(lines(path))))
    report = verify_log(path, PUBLIC)
    assert not report.ok and reason in report.reason


def test_wrong_public_key_fails_first_entry(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    write_log(path)
    report = verify_log(path, Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    assert (report.ok, report.first_bad_index, report.entries) == (False, 0, 0)


def test_restart_continues_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    first = write_log(path, 3)
    with SignedLog(path, KEY) as log:
        assert log.head == (3, first[-1].hash)
        entry = log.append("protocol", {"round": 1})
    assert (entry.seq, entry.prev_hash) == (3, first[-1].hash)
    assert verify_log(path, PUBLIC).entries == 4


def test_time_never_goes_backwards_even_if_the_clock_does(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    with SignedLog(path, KEY, clock=StepClock(2000.0, 1000.0)) as log:
        a, b = log.append("request", {}), log.append("request", {})
    assert b.time == a.time == 2_000_000
    assert verify_log(path, PUBLIC).ok


def test_partial_last_line_refused_then_repaired_visibly(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    write_log(path, 3)
    partial = b'{"body":{"half'  # a crash in the middle of an append
    with open(path, "ab") as handle:
        handle.write(partial)
    with pytest.raises(LogTruncated):
        SignedLog(path, KEY)
    with SignedLog(path, KEY, repair=True) as log:
        assert log.head[0] == 4
    entries = [LogEntry.from_json_line(line) for line in lines(path)]
    assert entries[3].kind is EntryKind.ERROR and entries[3].body["event"] == "log_repaired"
    assert entries[3].body["dropped_bytes"] == len(partial)
    assert verify_log(path, PUBLIC).ok


def test_refuses_to_extend_another_nodes_log_or_a_second_writer(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    write_log(path, 2)
    with pytest.raises(LogCorrupt):
        SignedLog(path, Ed25519PrivateKey.generate())
    with SignedLog(path, KEY), pytest.raises(LogLocked):
        SignedLog(path, KEY)


@pytest.mark.parametrize("body", [{"x": 1.5}, {"x": b"raw"}, {"x": 2**53}, {1: "int key"}])
def test_bodies_without_canonical_json_are_refused(tmp_path: Path, body) -> None:
    with SignedLog(tmp_path / "node.log", KEY) as log:
        with pytest.raises(LogEntryInvalid):
            log.append("request", body)
        assert log.head[0] == 0


def test_duplicate_keys_in_a_line_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    write_log(path, 1)
    line = lines(path)[0]
    with pytest.raises(LogEntryInvalid, match="duplicate"):
        LogEntry.from_json_line(line.replace(b'{"body":', b'{"seq":0,"body":'))


runner = CliRunner()


def test_cli_verify_ok_and_json(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    write_log(path)
    result = runner.invoke(app, ["log", "verify", str(path), "--public-key", PUBLIC.hex()])
    assert result.exit_code == 0, result.output
    assert "5 entries verified" in result.output
    result = runner.invoke(app, ["log", "verify", str(path), "--public-key", PUBLIC.hex(), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["entries"] == 5


def test_cli_verify_fails_on_a_tampered_entry(tmp_path: Path) -> None:
    """Issue 7: a tampered log entry fails `hot node log verify`."""
    path = tmp_path / "node.log"
    write_log(path)
    content = lines(path)
    content[3] = content[3].replace(b'"i":3', b'"i":7')
    path.write_bytes(b"".join(content))
    result = runner.invoke(app, ["log", "verify", str(path), "--public-key", PUBLIC.hex(), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert (report["ok"], report["first_bad_index"], report["entries"]) == (False, 3, 3)


def test_cli_rejects_a_malformed_public_key(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    write_log(path, 1)
    result = runner.invoke(app, ["log", "verify", str(path), "--public-key", "zz"])
    assert result.exit_code == 2


def test_cli_identity_show_creates_private_keys(tmp_path: Path) -> None:
    result = runner.invoke(app, ["identity", "show", "--data-dir", str(tmp_path / "data"), "--json"])
    assert result.exit_code == 0, result.output
    keys = json.loads(result.output)
    again = json.loads(runner.invoke(app, ["identity", "show", "--data-dir", str(tmp_path / "data"), "--json"]).output)
    assert keys == again and keys["signing_public_key"] != keys["p2p_public_key"]
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in (tmp_path / "data").iterdir())


def test_two_signed_entries_at_one_position_prove_equivocation(tmp_path: Path) -> None:
    from hot.wire.log import verify_equivocation

    honest = write_log(tmp_path / "a.log", 3)
    fork = LogEntry.create(2, honest[2].time, "decision", {"approved": False}, honest[1].hash, KEY)
    verify_equivocation(honest[2], fork, PUBLIC)
    with pytest.raises(LogEntryInvalid):
        verify_equivocation(honest[2], honest[2], PUBLIC)
    with pytest.raises(LogEntryInvalid):
        verify_equivocation(honest[1], honest[2], PUBLIC)
    stranger = LogEntry.create(2, 0, "decision", {}, honest[1].hash, Ed25519PrivateKey.generate())
    with pytest.raises(LogEntryInvalid):
        verify_equivocation(honest[2], stranger, PUBLIC)


def test_group_commit_writes_the_same_format_and_shares_one_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`write` + `durable` (the signing path) produce the same verifiable lines as `append`; one
    fsync in a worker thread covers every entry written before it, concurrent waiters share it."""
    import asyncio
    import os
    import threading

    from hot.mpc.node import signed_log as module

    path = tmp_path / "node.log"
    log = SignedLog(path, KEY)
    fsyncs: list[str] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        fsyncs.append(threading.current_thread().name)
        real_fsync(fd)

    monkeypatch.setattr(module.os, "fsync", counting_fsync)

    async def scenario() -> None:
        first = log.append("request", {"i": 0})  # the synchronous, fsync'ed path is unchanged
        assert fsyncs == ["MainThread"]
        written = [log.write("protocol", {"i": i}) for i in range(1, 5)]
        assert path.read_bytes().count(b"\n") == 5  # in the file at once, before any fsync
        assert len(fsyncs) == 1
        await asyncio.gather(*(log.durable(entry) for entry in written), log.durable())
        assert len(fsyncs) == 2 and fsyncs[1] != "MainThread"  # one fsync, off the event loop
        await log.durable(first)
        await log.durable(written[-1])
        assert len(fsyncs) == 2  # already durable: no further fsync
        entry = await log.append_durable("decision", {"i": 5})
        assert entry.seq == 5 and len(fsyncs) == 3

    asyncio.run(scenario())
    log.write("protocol", {"i": 6})
    log.close()  # a written, never awaited entry is fsync'ed before the file closes
    assert len(fsyncs) == 4
    report = verify_log(path, PUBLIC)
    assert report.ok and report.entries == 7
    with SignedLog(path, KEY) as reopened:  # restart continues the chain written by both paths
        assert reopened.head[0] == 7
