"""`hot.bench.e2e.run(quick=True)` produces its documented rows (a smoke run, no timing asserts)."""

from __future__ import annotations

import pytest
from hot.bench.e2e import run

pytestmark = pytest.mark.integration


def test_e2e_bench_rows_cover_both_domains() -> None:
    rows = run(quick=True)
    assert {(r["bench"], r["domain"]) for r in rows} == {
        (bench, domain) for bench in ("sign", "sign.batch8", "sign.cached") for domain in ("ed25519", "secp256k1")
    }
    for row in rows:
        assert set(row) == {"bench", "domain", "p50_ms", "p99_ms", "per_s"}
        assert 0 < row["p50_ms"] <= row["p99_ms"] and row["per_s"] > 0
