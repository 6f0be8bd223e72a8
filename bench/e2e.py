"""End-to-end signing through the gatekeeper over 5 signer nodes at threshold 3 (whitepaper §2.3).

Rows are `{"bench", "domain", "p50_ms", "p99_ms", "per_s"}`, measured from the client's side of
`POST /v1/sign` on 127.0.0.1: receipt, node selection, both rounds over HTTP, share checks,
aggregation or combination, final verification and the durable cache write.
- `sign`: one message per request, distinct messages, sequential requests.
- `sign.batch8`: eight messages per request; latency per request, `per_s` in signatures.
- `sign.cached`: an identical repeat, answered from the idempotency cache.

Until `hot localnet up` runs real node processes, the nodes are the test harness's signer nodes
(tests/gatekeeper/node_harness.py: real key shares, FROST, presignatures and receipt checks, in
threads of this process), so this measures the gatekeeper and the protocol, not a node's policy
calls to a chain. ECDSA presignatures are made before timing starts (offline phase).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from hot.bench.report import percentile

THRESHOLD, NODES = 3, 5
HARNESS = Path(__file__).resolve().parent.parent / "tests" / "gatekeeper" / "node_harness.py"
API_KEY = "bench-api-key"


def _harness() -> ModuleType:
    if not HARNESS.exists():
        raise RuntimeError(f"the e2e benchmark needs the source tree's {HARNESS} (a checkout, not a wheel)")
    spec = importlib.util.spec_from_file_location("hot_bench_node_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _timed(http: httpx.Client, url: str, body: dict[str, Any]) -> float:
    start = time.perf_counter()
    response = http.post(f"{url}/v1/sign", json=body, headers={"Authorization": f"Bearer {API_KEY}"})
    elapsed = (time.perf_counter() - start) * 1000.0
    if response.status_code != 200:
        raise RuntimeError(f"benchmark request failed: {response.status_code} {response.text}")
    return elapsed


def _row(bench: str, domain: str, samples: list[float], signatures_per_request: int) -> dict[str, Any]:
    total_s = sum(samples) / 1000.0
    return {
        "bench": bench,
        "domain": domain,
        "p50_ms": round(percentile(samples, 50), 2),
        "p99_ms": round(percentile(samples, 99), 2),
        "per_s": round(len(samples) * signatures_per_request / total_s, 1),
    }


def _measure(http: httpx.Client, url: str, domain: str, repeat: int, tag: str) -> list[dict[str, Any]]:
    def message(i: int) -> str:
        return hashlib.sha256(f"{tag}-{domain}-{i}".encode()).hexdigest()

    def body(i: int) -> dict[str, Any]:
        return {"key_id": "bench-wallet", "domain": domain, "message": message(i)}

    _timed(http, url, body(-1))  # opens connections
    single = [_timed(http, url, body(i)) for i in range(repeat)]
    batch_repeat = max(2, repeat // 8)
    batches = [
        _timed(http, url, {"key_id": "bench-wallet", "domain": domain, "messages": [message(10_000 + 8 * b + j) for j in range(8)]})
        for b in range(batch_repeat)
    ]
    cached = [_timed(http, url, body(0)) for _ in range(repeat)]
    return [_row("sign", domain, single, 1), _row("sign.batch8", domain, batches, 8), _row("sign.cached", domain, cached, 1)]


def run(*, quick: bool = False) -> list[dict[str, Any]]:
    """Rows for both domains through one gatekeeper over 5 harness nodes at threshold 3."""
    from hot.localnet.serve import ServerThread
    from hot.mpc.gatekeeper.app import create_app

    harness = _harness()
    repeat = 16 if quick else 100
    presignatures = 1 + repeat + 8 * max(2, repeat // 8)
    network = harness.make_network(threshold=THRESHOLD, n=NODES, presignatures_per_set=presignatures)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, harness.running_nodes(network) as (_, urls):
        api_keys = [{"name": "bench", "key": API_KEY, "quota": 10**9, "rate_per_s": 1e6, "burst": 10**6}]
        config = network.gatekeeper_config(urls, api_keys, database=str(Path(tmp) / "gatekeeper.db"), node_timeout_s=10.0)
        with ServerThread(create_app(config)) as server, httpx.Client(trust_env=False, timeout=30) as http:
            tag = str(time.time_ns())
            for domain in ("ed25519", "secp256k1"):
                rows.extend(_measure(http, server.url, domain, repeat, tag))
    return rows


if __name__ == "__main__":
    from hot.bench.report import emit

    emit(run(quick="--quick" in sys.argv), title="hot bench e2e (gatekeeper over 5 nodes, t=3)", json_output="--json" in sys.argv)
