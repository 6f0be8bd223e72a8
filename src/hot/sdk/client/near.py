"""NEAR transactions and views for the client, through hot.near's JSON-RPC client.

A blocking object over `hot.near.BlockingNearRpc` (its own event loop thread), usable from CLI
commands, scripts and FastAPI's worker threads alike, with one nonce counter per account key, so
a web server's workers sending at once never pick the same nonce. Views read at final finality.
A contract's panic comes back as `ContractError` (`TransactionFailed` / `ViewFailed`) with the
contract's code (`E_NOT_OWNER`, ...) intact; an unreachable RPC or a refused transaction is a
`NearRpcError`. py-near is not needed: it stays a test dependency proving wire compatibility.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from hot.near import BlockingNearRpc, KeyPair
from hot.near.client import DEFAULT_GAS
from hot.wire.errors import NearRpcError


class NearSession:
    """One NEAR account (id + `ed25519:` secret key) on one or more RPC endpoints; blocking calls."""

    def __init__(self, rpc_url: str | Sequence[str], account_id: str | None = None,
                 private_key: str | None = None) -> None:
        self.rpc_url = rpc_url if isinstance(rpc_url, str) else rpc_url[0]
        self._urls = rpc_url
        self.account_id = account_id
        self._key = KeyPair.from_secret(private_key) if private_key else None
        self._rpc: BlockingNearRpc | None = None
        self._opening = threading.Lock()

    @property
    def rpc(self) -> BlockingNearRpc:
        """The client, opened on first use (a session that is never used starts no thread)."""
        with self._opening:
            if self._rpc is None:
                self._rpc = BlockingNearRpc(self._urls)
            return self._rpc

    def call(self, contract_id: str, method: str, args: dict[str, Any], *, gas: int = DEFAULT_GAS,
             deposit: int = 0) -> Any:
        """Send a FunctionCall transaction and wait until final; the decoded JSON return value."""
        if self.account_id is None or self._key is None:
            raise NearRpcError("this client has no NEAR account: pass near_account_id and near_private_key")
        return self.rpc.function_call(self.account_id, self._key, contract_id, method, args, gas=gas, deposit=deposit)

    def view(self, contract_id: str, method: str, args: dict[str, Any]) -> Any:
        """A read-only call at final finality; its JSON result."""
        return self.rpc.view(contract_id, method, args)

    def close(self) -> None:
        with self._opening:
            rpc, self._rpc = self._rpc, None
        if rpc is not None:
            rpc.close()


__all__ = ["NearRpcError", "NearSession"]
