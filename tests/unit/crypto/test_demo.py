"""`hot demo --json`: every record verifies under its derived key with independent code."""

from __future__ import annotations

import json


from hot.demo_offline import run_offline_demo as run_demo

from .independent_verify import verifies


def test_demo_records_verify_independently(capsys):
    run_demo(json_output=True)
    records = json.loads(capsys.readouterr().out)
    assert [r["domain"] for r in records] == ["ed25519", "secp256k1"]
    for r in records:
        assert set(r) == {"domain", "key_id", "message", "signature", "public_key", "recovery_id"}
        assert r["recovery_id"] is None
        message, signature, public_key = (bytes.fromhex(r[k]) for k in ("message", "signature", "public_key"))
        assert verifies(r["domain"], public_key, message, signature)
        assert not verifies(r["domain"], public_key, message + b".", signature)
