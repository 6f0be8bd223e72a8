"""A small synchronous NEAR JSON-RPC client for the project's own tools (the `hot contract` CLI).

External code should keep using real NEAR clients (py-near, near-api-py); this exists so the CLI
needs no extra dependency. Errors come back typed: `RpcCallError` carries NEAR's error object.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Self

import base58
import httpx
from hot.localnet.chain.actions import Action
from hot.localnet.chain.signer import KeyPair

from hot.wire.errors import HotError


class RpcCallError(HotError):
    """The node answered with a JSON-RPC error (`error` is NEAR's error object)."""

    code = "rpc_call_error"

    def __init__(self, error: dict[str, Any]) -> None:
        cause = error.get("cause", {}).get("name", "ERROR") if isinstance(error, dict) else "ERROR"
        super().__init__(f"{cause}: {json.dumps(error.get('data') if isinstance(error, dict) else error)}")
        self.error = error
        self.cause = cause


class NearJsonRpcClient:
    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self._http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, method: str, params: Any) -> Any:
        response = self._http.post(self.url, json={"jsonrpc": "2.0", "id": "hot", "method": method, "params": params})
        try:
            body = response.json()
        except ValueError as exc:
            raise RpcCallError({"cause": {"name": "BAD_RESPONSE"}, "data": response.text[:200]}) from exc
        if "error" in body:
            raise RpcCallError(body["error"])
        return body["result"]

    def status(self) -> dict[str, Any]:
        return self.call("status", {"finality": "final"})  # type: ignore[no-any-return]

    def view(self, account_id: str, method: str, args: dict[str, Any] | None = None) -> Any:
        """Call a view; a contract failure raises RpcCallError with the node's `vm_error` text."""
        found = self.call("query", {"request_type": "call_function", "account_id": account_id, "method_name": method,
                                    "args_base64": base64.b64encode(json.dumps(args or {}).encode()).decode(),
                                    "finality": "final"})
        if "error" in found:
            raise RpcCallError({"cause": {"name": "CONTRACT_EXECUTION_ERROR"}, "data": found["error"]})
        raw = bytes(found["result"])
        return json.loads(raw) if raw else None

    def next_nonce(self, account_id: str, key: KeyPair) -> int:
        found = self.call("query", {"request_type": "view_access_key", "account_id": account_id,
                                    "public_key": str(key.public_key), "finality": "final"})
        if "error" in found:
            raise RpcCallError({"cause": {"name": "UNKNOWN_ACCESS_KEY"}, "data": found["error"]})
        return int(found["nonce"]) + 1

    def send(self, signer_id: str, key: KeyPair, receiver_id: str, actions: list[Action]) -> dict[str, Any]:
        """Sign with `key`, broadcast and wait: returns NEAR's FinalExecutionOutcome."""
        head = base58.b58decode(self.status()["sync_info"]["latest_block_hash"])
        raw = key.sign_transaction(signer_id, receiver_id, self.next_nonce(signer_id, key), head, actions)
        return self.call("broadcast_tx_commit", [base64.b64encode(raw).decode()])  # type: ignore[no-any-return]
