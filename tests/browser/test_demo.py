"""`hot demo --json` end to end (issues 8 and 10): a real localnet, a real browser, independent referees.

The demo runs as a user runs it (a subprocess of the `hot` console script, in its own data dir).
Every record it prints is then judged here by libraries that share no code with hot: Ed25519 by
libsodium (PyNaCl), secp256k1 ECDSA by libsecp256k1's key recovery (coincurve), the Bitcoin spend
by libbitcoinkernel's consensus script interpreter (py-bitcoinkernel) and its BIP 143 sighash by
embit. Afterwards no process of the demo's localnet may be alive.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import coincurve
import pbk
import pytest
from embit.ec import PublicKey
from embit.script import p2pkh, p2wpkh
from embit.transaction import SIGHASH, Transaction
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

pytestmark = [pytest.mark.integration, pytest.mark.browser]
HOT = str(Path(sys.executable).parent / "hot")
DEMO_TIMEOUT_S = 110
RECORD_KEYS = {"domain", "key_id", "message", "signature", "public_key", "recovery_id"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.CompletedProcess[str], Path]]:
    data_dir = tmp_path_factory.mktemp("demo") / "localnet"
    argv = [HOT, "demo", "--json", "--data-dir", str(data_dir)]
    demo = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        try:
            stdout, stderr = demo.communicate(timeout=DEMO_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            demo.terminate()  # SIGTERM: the demo still runs its `localnet down`
            stdout, stderr = demo.communicate(timeout=30)
            pytest.fail(f"hot demo took over {DEMO_TIMEOUT_S} s; stderr tail:\n{stderr[-4000:]}")
        yield subprocess.CompletedProcess(argv, demo.returncode, stdout, stderr), data_dir
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        # Whatever happened above, nothing of this localnet outlives the test (a no-op after a clean demo).
        subprocess.run([HOT, "localnet", "down", "--data-dir", str(data_dir)], capture_output=True, timeout=60,
                       check=False)


@pytest.fixture(scope="module")
def records(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> list[dict[str, Any]]:
    done, _ = demo_run
    assert done.returncode == 0, done.stderr[-4000:]
    found = json.loads(done.stdout)  # stdout is the JSON list alone; progress and tables went to stderr
    assert isinstance(found, list)
    return found


def ed25519_verifies(record: dict[str, Any], message: bytes) -> bool:
    try:
        VerifyKey(bytes.fromhex(record["public_key"])).verify(message, bytes.fromhex(record["signature"]))
        return True
    except BadSignatureError:
        return False


def ecdsa_recovers(record: dict[str, Any], digest: bytes) -> bool:
    recoverable = bytes.fromhex(record["signature"]) + bytes([record["recovery_id"]])
    recovered = coincurve.PublicKey.from_signature_and_message(recoverable, digest, hasher=None)
    return recovered.format() == bytes.fromhex(record["public_key"])


def kernel_accepts(tx_hex: str, prevouts: list[dict[str, Any]]) -> bool:
    tx = pbk.Transaction(bytes.fromhex(tx_hex))
    spent = [pbk.TransactionOutput(pbk.ScriptPubkey(bytes.fromhex(p["script_pubkey"])), int(p["amount"]))
             for p in prevouts]
    data = pbk.script.PrecomputedTransactionData(tx, spent)
    try:
        return all(out.script_pubkey.verify(out.amount, tx, data, i, pbk.ScriptVerificationFlags.ALL)
                   for i, out in enumerate(spent))
    except pbk.ScriptVerifyException:
        return False


def test_policy_records_verify_in_both_domains(records: list[dict[str, Any]]) -> None:
    policy = [r for r in records if "bitcoin_tx" not in r]
    assert [r["domain"] for r in policy] == ["ed25519", "secp256k1"]
    assert len({r["key_id"] for r in policy}) == 1  # one key, governed by the approvals contract
    ed, ec = policy
    assert set(ed) == RECORD_KEYS and set(ec) == RECORD_KEYS
    message = bytes.fromhex(ed["message"])
    assert ed["recovery_id"] is None and len(bytes.fromhex(ed["public_key"])) == 32
    assert ed25519_verifies(ed, message)
    assert not ed25519_verifies(ed, message + b"!")
    digest = bytes.fromhex(ec["message"])
    assert len(digest) == 32 and ec["recovery_id"] in (0, 1)
    assert ecdsa_recovers(ec, digest)
    assert not ecdsa_recovers(ec, bytes(31) + b"\x01")
    s = int.from_bytes(bytes.fromhex(ec["signature"])[32:], "big")
    assert s <= coincurve.utils.GROUP_ORDER_INT // 2  # low-s, as Bitcoin and Ethereum require


def test_wallet_spend_verifies_under_bitcoin_consensus(records: list[dict[str, Any]]) -> None:
    spends = [r for r in records if "bitcoin_tx" in r]
    assert len(spends) == 1  # one faucet payment funds the wallet, so the spend has one input
    record = spends[0]
    assert record["domain"] == "secp256k1" and RECORD_KEYS <= set(record)
    prevouts = record["prevouts"]
    assert kernel_accepts(record["bitcoin_tx"], prevouts)
    wrong_amount = [{**prevouts[0], "amount": int(prevouts[0]["amount"]) - 1}, *prevouts[1:]]
    assert not kernel_accepts(record["bitcoin_tx"], wrong_amount)

    # The record is what the gatekeeper signed for this very input: the prevout pays the record's
    # key (P2WPKH), embit recomputes input 0's BIP 143 sighash, and the witness carries that key
    # and a DER signature over the sighash that libsecp256k1 accepts.
    tx = Transaction.parse(bytes.fromhex(record["bitcoin_tx"]))
    public_key = bytes.fromhex(record["public_key"])
    embit_key = PublicKey.parse(public_key)
    assert bytes.fromhex(prevouts[0]["script_pubkey"]) == p2wpkh(embit_key).data
    sighash = tx.sighash_segwit(0, p2pkh(embit_key), int(prevouts[0]["amount"]), SIGHASH.ALL)
    assert sighash.hex() == record["message"]
    assert ecdsa_recovers(record, sighash)
    der_signature, witness_key = tx.vin[0].witness.items
    assert witness_key == public_key and der_signature[-1] == SIGHASH.ALL
    assert coincurve.PublicKey(public_key).verify(der_signature[:-1], sighash, hasher=None)


def test_no_localnet_process_is_left(demo_run: tuple[subprocess.CompletedProcess[str], Path],
                                     records: list[dict[str, Any]]) -> None:
    _, data_dir = demo_run
    recorded = json.loads((data_dir / "cluster.json").read_text())["processes"]
    assert {p["name"] for p in recorded} >= {"chain", "bitcoin", "gatekeeper", "node-1"}
    alive = [p["name"] for p in recorded if _same_process_alive(p["pid"], p["argv"])]
    assert alive == []


def _same_process_alive(pid: int, argv: list[str]) -> bool:
    """/proc says pid runs argv (and is not a zombie): the recorded process, still there."""
    proc = Path(f"/proc/{pid}")
    try:
        cmdline = (proc / "cmdline").read_bytes().split(b"\0")[:-1]
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z" and [part.decode() for part in cmdline] == argv


def test_a_failed_step_exits_non_zero_without_json(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("the localnet cannot live under a regular file")
    done = subprocess.run([HOT, "demo", "--json", "--data-dir", str(not_a_dir / "localnet")], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout == ""  # no records when the demo did not finish
    assert "✗ localnet up" in done.stderr and "demo failed" in done.stderr
