"""`hot bench e2e` measures on the real localnet and produces its documented rows (a smoke run on the
session's network with tiny counts; no timing asserts)."""

from __future__ import annotations

import pytest
from hot.bench.e2e import YES_POLICY, measure
from hot.localnet.cluster.testing import LocalnetHandle
from hot.sdk.client import access_method

pytestmark = pytest.mark.integration


def test_e2e_bench_rows_cover_both_domains(hot_localnet: LocalnetHandle) -> None:
    policy = hot_localnet.deploy_contract("benchsmoke", YES_POLICY)
    with hot_localnet.client() as hot:
        key_id = str(hot.reserve_key([access_method(policy)]).key_id)
    rows = measure(hot_localnet.status, key_id, quick=True, scale=0.1)
    assert {(r["bench"], r["domain"]) for r in rows} == {
        (bench, domain) for bench in ("sign", "sign.concurrent", "sign.cached") for domain in ("ed25519", "secp256k1")
    }
    for row in rows:
        assert set(row) == {"bench", "domain", "p50_ms", "p99_ms", "per_s"}
        assert 0 < row["p50_ms"] <= row["p99_ms"] and row["per_s"] > 0
