"""Crash durability: what the keystore and the signed log acknowledged survives a SIGKILL.

ARCHITECTURE.md: "crashes lose no committed share"; a presignature is marked used durably before
its share leaves (issue 7). The child process is killed right after the call returns, without
closing anything, and a fresh process (this test) reopens the files.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.keystore import Keystore, RecordId, RecordKind
from hot.wire.errors import PresignatureReused
from hot.mpc.node.signed_log import SignedLog, verify_log

pytestmark = pytest.mark.integration
MASTER = bytes(range(32))
SEED = bytes(range(32, 64))


def run_then_sigkill(code: str) -> str:
    script = textwrap.dedent(code) + "\nimport os, signal, sys\nsys.stdout.flush()\nos.kill(os.getpid(), signal.SIGKILL)\n"
    result = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr
    return result.stdout


def test_taken_presignature_stays_used_and_shares_survive_a_kill(tmp_path: Path) -> None:
    path = tmp_path / "keystore.db"
    out = run_then_sigkill(
        f"""
        from hot.mpc.node.keystore import Keystore, RecordId, RecordKind
        store = Keystore({str(path)!r}, {MASTER!r})
        store.put(RecordId("a", "secp256k1", 1, RecordKind.KEY_SHARE, "root"), b"share")
        store.put(RecordId("a", "secp256k1", 1, RecordKind.PRESIGNATURE, "p1"), b"presig")
        print(store.take_presignature(RecordId("a", "secp256k1", 1, RecordKind.PRESIGNATURE, "p1")).decode())
        """
    )
    assert out.strip() == "presig"
    with Keystore(path, MASTER) as store:
        assert store.get(RecordId("a", "secp256k1", 1, RecordKind.KEY_SHARE, "root")) == b"share"
        with pytest.raises(PresignatureReused):
            store.take_presignature(RecordId("a", "secp256k1", 1, RecordKind.PRESIGNATURE, "p1"))


def test_appended_log_entries_survive_a_kill_and_the_chain_continues(tmp_path: Path) -> None:
    path = tmp_path / "node.log"
    run_then_sigkill(
        f"""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from hot.mpc.node.signed_log import SignedLog
        log = SignedLog({str(path)!r}, Ed25519PrivateKey.from_private_bytes({SEED!r}))
        for index in range(3):
            log.append("protocol", {{"round": index}})
        """
    )
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    with SignedLog(path, key) as log:  # the dead writer's lock is gone with its process
        assert log.head[0] == 3
        log.append("error", {"event": "restarted"})
    report = verify_log(path, key.public_key().public_bytes_raw())
    assert report.ok and report.entries == 4
