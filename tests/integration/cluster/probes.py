"""Independent checks for cluster tests: each endpoint asked in its own wire protocol, pids checked in /proc."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx


def rpc(url: str, method: str, params: Any) -> Any:
    body = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=10).json()
    assert "error" not in body, body
    return body["result"]


def check_every_url(status: dict[str, Any]) -> None:
    """Each URL answers the call a real client of that chain would send."""
    assert rpc(status["near_rpc"], "status", {"finality": "final"})["chain_id"] == "localnet"
    assert int(rpc(status["evm_rpc"], "eth_chainId", []), 16) > 0
    assert "solana-core" in rpc(status["solana_rpc"], "getVersion", [])
    assert rpc(status["soroban_rpc"], "getHealth", [])["status"] == "healthy"
    ton = httpx.get(status["ton_api"] + "/api/v2/getAddressInformation", params={"address": "0:" + "0" * 64}, timeout=10)
    assert ton.json()["result"]["state"] == "uninitialized"
    assert int(httpx.get(status["bitcoin_api"] + "/blocks/tip/height", timeout=10).text) >= 101


def recorded_pids(data_dir: Path) -> list[int]:
    return [p["pid"] for p in json.loads((data_dir / "cluster.json").read_text())["processes"]]


def alive(pid: int) -> bool:
    """The pid exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


POLICY_SOURCE = '''
from hot.sdk.contract import contract, view


@contract
class PayloadPolicy:
    """hot_verify: allow iff the user_payload is the text "ok"."""

    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "",
                   metadata: str = "") -> bool:
        return user_payload == "ok"
'''


def root_public_keys(near_rpc: str) -> dict[str, str]:
    """The Controller's root public key per scheme (hex)."""
    domains = rpc_view(near_rpc, "controller.test.near", "get_domains")
    return {d["scheme"]: d["public_key"] for d in domains}


def rpc_view(near_rpc: str, account_id: str, method: str, args: dict[str, Any] | None = None) -> Any:
    import base64

    found = rpc(near_rpc, "query", {"request_type": "call_function", "account_id": account_id, "method_name": method,
                                    "args_base64": base64.b64encode(json.dumps(args or {}).encode()).decode(),
                                    "finality": "final"})
    return json.loads(bytes(found["result"]))
