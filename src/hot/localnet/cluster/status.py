"""`hot localnet status`: every component, its URL and a live health probe of each URL.

The probes speak each endpoint's real protocol (what a wallet or an adapter would send): NEAR
`status`, EVM `eth_chainId`, Solana `getVersion`, Soroban `getHealth`, TON `getAddressInformation`,
Esplora `/blocks/tip/height`, and `/health` of the nodes and the gatekeeper.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
from hot.localnet.cluster.config import (
    URL_KEYS,
    ClusterPaths,
    ClusterRecord,
    load_record,
    write_json,
)

PROBE_TIMEOUT_S = 3.0
TON_ZERO_ADDRESS = "0:" + "0" * 64


def _rpc(method: str, params: Any = None) -> Callable[[httpx.Client, str], str]:
    def probe(http: httpx.Client, url: str) -> str:
        body = http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).json()
        if "error" in body:
            raise ValueError(f"{method}: {body['error']}")
        result = body["result"]
        return f"{method}: {result}" if not isinstance(result, dict) else f"{method}: ok"
    return probe


def _near(http: httpx.Client, url: str) -> str:
    body = http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "status", "params": {"finality": "final"}}).json()
    return f"{body['result']['chain_id']} height {body['result']['sync_info']['latest_block_height']}"


def _ton(http: httpx.Client, url: str) -> str:
    body = http.get(url + "/api/v2/getAddressInformation", params={"address": TON_ZERO_ADDRESS}).json()
    if not body.get("ok"):
        raise ValueError(str(body))
    return "getAddressInformation: ok"


def _esplora(http: httpx.Client, url: str) -> str:
    response = http.get(url + "/blocks/tip/height")
    response.raise_for_status()
    return f"height {int(response.text)}"


def _health(http: httpx.Client, url: str) -> str:
    response = http.get(url + "/health")
    response.raise_for_status()
    body = response.json()
    return ", ".join(f"{k}={v}" for k, v in body.items() if isinstance(v, (str, int, bool)))[:80] or "ok"


PROBES: dict[str, Callable[[httpx.Client, str], str]] = {
    "near_rpc": _near,
    "evm_rpc": _rpc("eth_chainId"),
    "solana_rpc": _rpc("getVersion"),
    "soroban_rpc": _rpc("getHealth"),
    "ton_api": _ton,
    "bitcoin_api": _esplora,
    "gatekeeper": _health,
}


def probe(name: str, url: str, http: httpx.Client) -> tuple[bool, str]:
    """(healthy, detail) for one URL; any failure is unhealthy with its reason."""
    check = PROBES.get(name, _health)
    try:
        return True, check(http, url)
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        return False, f"{type(exc).__name__}: {exc}"[:200]


def _healthy(components: list[dict[str, Any]], name: str) -> bool:
    return any(c["name"] == name and c["healthy"] for c in components)


def _controller_summary(http: httpx.Client, record: ClusterRecord) -> dict[str, Any] | None:
    """The Controller's state, epoch, threshold, participants and root public keys (None if unreadable)."""
    contract, url = record.contracts.get("controller"), record.urls.get("near_rpc")
    if not contract or not url:
        return None
    args = base64.b64encode(b"{}").decode()
    try:
        body = http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "query", "params": {
            "request_type": "call_function", "account_id": contract, "method_name": "get_state",
            "args_base64": args, "finality": "final"}}).json()
        state = json.loads(bytes(body["result"]["result"]))
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None
    return {"state": state["state"], "epoch": state["epoch"], "threshold": state["threshold"],
            "participants": [p["account_id"] for p in state["participants"]],
            "domains": {d["scheme"]: d["public_key"] for d in state["domains"]}}


def collect_status(record: ClusterRecord, paths: ClusterPaths) -> dict[str, Any]:
    """The status document: URLs at the top level, one entry per URL-bearing component with its health."""
    components: list[dict[str, Any]] = []
    with httpx.Client(timeout=PROBE_TIMEOUT_S) as http:
        for proc in record.processes:
            running = proc.is_ours()
            urls: dict[str, str | None] = proc.info.get("urls") or {proc.name: None}
            for name, url in urls.items():
                if not running:
                    healthy, detail = False, "not running"
                elif url is None:
                    healthy, detail = True, "running"
                else:
                    healthy, detail = probe(name, url, http)
                components.append({"name": name, "process": proc.name, "pid": proc.pid if running else None,
                                   "url": url, "log": proc.log, "running": running, "healthy": healthy,
                                   "detail": detail})
        controller = _controller_summary(http, record) if _healthy(components, "near_rpc") else None
    up = bool(components) and all(c["healthy"] for c in components)
    any_running = any(c["running"] for c in components)
    status: dict[str, Any] = {
        "state": "up" if up else ("degraded" if any_running else "down"),
        "data_dir": record.data_dir,
        **{key: record.urls.get(key) for key in URL_KEYS},
        "api_key": record.api_key,
        "root_account": record.root_account,
        "root_key_file": str(paths.root_key_file),
        "contracts": record.contracts,
        "nodes": record.nodes,
        "controller": controller,
        "components": components,
    }
    return status


def refresh_status(paths: ClusterPaths) -> dict[str, Any]:
    """Probe everything, write `status.json`, return it; a data dir without a cluster is `absent`."""
    record = load_record(paths)
    if record is None:
        return {"state": "absent", "data_dir": str(paths.root), "components": []}
    status = collect_status(record, paths)
    write_json(paths.status_file, status)
    return status


def render_table(status: dict[str, Any]) -> Any:
    """A rich table of the components (rows: name, state, URL, pid, detail)."""
    from rich.table import Table

    table = Table(title=f"localnet {status['data_dir']}: {status['state']}")
    for column in ("component", "state", "url", "pid"):
        table.add_column(column, no_wrap=True)
    table.add_column("detail", overflow="fold")
    for c in status["components"]:
        state = "[green]healthy[/green]" if c["healthy"] else ("[yellow]unhealthy[/yellow]" if c["running"]
                                                              else "[red]stopped[/red]")
        table.add_row(c["name"], state, c["url"] or "", str(c["pid"] or ""), c["detail"])
    return table
