"""`hot bench chain`: view calls and committed transactions per second through the NEAR RPC.

The chain runs as its own process (`hot localnet chain`), the clients run in this one, so server
and client do not share a GIL (on a 2-core machine they get a core each). Two clients: the
unmodified py-near (what a NEAR developer would use) and the project's own `hot.near.NearRpc`.
Views: `hot_verify` on the guide's Approvals contract. Transactions: `approve` function calls,
signed and committed (py-near: `broadcast_tx_commit`; hot.near: `send_tx` until FINAL), from
several accounts in parallel, each account sending sequentially.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from hot.bench.report import percentile

APPROVALS = Path(__file__).resolve().parents[1] / "examples" / "approvals" / "contract.py"
NEAR = 10**24


async def _setup_accounts(url: str, root_id: str, root_secret: str, count: int) -> tuple[list[Any], list[Any]]:
    from hot.near.signer import KeyPair
    from py_near import transactions
    from py_near.account import Account

    root = Account(root_id, root_secret, rpc_addr=url)
    await root.startup()
    workers, keys = [], []
    code = APPROVALS.read_bytes()
    for i in range(count):
        account_id = f"bench{i}.{root_id}"
        key = KeyPair.from_seed(account_id.encode())
        await root.sign_and_submit_tx(account_id, [
            transactions.create_create_account_action(), transactions.create_transfer_action(100 * NEAR),
            transactions.create_full_access_key_action(key.public_key.data),
            transactions.create_deploy_contract_action(code),
            transactions.create_function_call_action("new", f'{{"owner": "{account_id}"}}'.encode(), 10**14, 0)])
        worker = Account(account_id, key.secret, rpc_addr=url)
        await worker.startup()
        workers.append(worker)
        keys.append((account_id, key))
    await root.shutdown()
    return workers, keys


async def _timed(total: int, concurrency: int, op: Any) -> tuple[float, list[float]]:
    samples: list[float] = []

    async def lane(lane_id: int) -> None:
        for i in range(lane_id, total, concurrency):
            start = time.perf_counter()
            await op(lane_id, i)
            samples.append((time.perf_counter() - start) * 1000.0)

    start = time.perf_counter()
    await asyncio.gather(*(lane(k) for k in range(concurrency)))
    return time.perf_counter() - start, samples


def _row(name: str, n: int, elapsed: float, samples: list[float]) -> dict[str, Any]:
    return {"bench": name, "per_s": round(n / elapsed, 1), "p50_ms": round(percentile(samples, 50), 3),
            "p99_ms": round(percentile(samples, 99), 3)}


async def _run(url: str, root_id: str, root_secret: str, quick: bool) -> list[dict[str, Any]]:
    lanes = 16
    views, txs = (500, 300) if quick else (4000, 2000)
    workers, keys = await _setup_accounts(url, root_id, root_secret, lanes)
    try:
        async def one_view(lane: int, i: int) -> None:
            result = await workers[lane].view_function(workers[lane].account_id, "hot_verify", {"msg_hash": f"h{i}"})
            assert result.result is False

        async def one_tx(lane: int, i: int) -> None:
            outcome = await workers[lane].function_call(workers[lane].account_id, "approve", {"msg_hash": f"h{i}"})
            assert "SuccessValue" in outcome.status, outcome.status

        await _timed(lanes * 4, lanes, one_view)  # warm-up: connections, code cache
        rows = [_row("view call_function (py-near)", views, *await _timed(views, lanes, one_view))]
        rows.append(_row("committed tx broadcast_tx_commit (py-near)", txs, *await _timed(txs, lanes, one_tx)))
        return rows + await _hot_near_rows(url, keys, views, txs, lanes)
    finally:
        for worker in workers:
            await worker.shutdown()


async def _hot_near_rows(url: str, keys: list[Any], views: int, txs: int, lanes: int) -> list[dict[str, Any]]:
    """The same views and transactions through hot.near's NearRpc (final reads, local nonces)."""
    from hot.near import NearRpc

    rpc = NearRpc(url)
    try:
        async def one_view(lane: int, i: int) -> None:
            assert await rpc.view(keys[lane][0], "hot_verify", {"msg_hash": f"v{i}"}) is False

        async def one_tx(lane: int, i: int) -> None:
            account_id, key = keys[lane]
            await rpc.function_call(account_id, key, account_id, "approve", {"msg_hash": f"n{i}"}, gas=10**14)

        await _timed(lanes * 4, lanes, one_view)
        return [_row("view call_function final (hot.near)", views, *await _timed(views, lanes, one_view)),
                _row("committed tx send_tx FINAL (hot.near)", txs, *await _timed(txs, lanes, one_tx))]
    finally:
        await rpc.aclose()


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows `{"bench", "per_s", "p50_ms", "p99_ms"}` for views and committed transactions."""
    import logging

    from hot.near.signer import read_key_file
    from hot.localnet.rpc.near.process import ChainProcess

    logging.getLogger("asyncio").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="hot-bench-chain-") as tmp, ChainProcess(Path(tmp)) as chain:
        root_id, root_key = read_key_file(chain.root_key_file)
        return asyncio.run(_run(chain.url, root_id, root_key.secret, quick))


if __name__ == "__main__":
    from hot.bench.report import emit

    emit(run(quick=True), title="hot bench chain", json_output=False)
