"""EVM JSON-RPC endpoint (`evm_rpc`) over a real EVM: py-evm through eth-tester.

web3's `EthereumTesterProvider` runs in-process only; this module puts it behind HTTP JSON-RPC so
unmodified `Web3(HTTPProvider(url))` (and the node's EVM adapter) talk to it like to any node.
Requests are translated with web3's own eth-tester formatters, results re-encoded as JSON-RPC
quantities and hex data. One lock serialises the chain: py-evm is not thread-safe.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from eth_tester.exceptions import TransactionFailed, ValidationError
from eth_utils import to_checksum_address
from fastapi import FastAPI
from hot.localnet.rpc.jsonrpc import INVALID_PARAMS, RpcFailure, mount_json_rpc
from web3 import EthereumTesterProvider
from web3.providers.eth_tester.middleware import request_formatters, result_formatters

# Methods a web3.py client needs to deploy and call contracts, plus evm_mine/snapshot for tests.
SUPPORTED_METHODS = frozenset({
    "eth_chainId", "eth_blockNumber", "eth_getBlockByNumber", "eth_getBlockByHash", "eth_call",
    "eth_estimateGas", "eth_sendTransaction", "eth_sendRawTransaction", "eth_getTransactionReceipt",
    "eth_getTransactionByHash", "eth_accounts", "eth_gasPrice", "eth_maxPriorityFeePerGas",
    "eth_getCode", "eth_getTransactionCount", "eth_getBalance", "eth_feeHistory", "eth_getLogs",
    "net_version", "web3_clientVersion", "evm_mine", "evm_snapshot", "evm_revert",
})
_DEFAULT_FROM = frozenset({"eth_call", "eth_estimateGas", "eth_sendTransaction"})
CLIENT_VERSION = "hot-localnet-evm/py-evm"


class EvmChain:
    """A py-evm chain with eth-tester's funded accounts, spoken to in JSON-RPC terms."""

    def __init__(self) -> None:
        self.provider = EthereumTesterProvider()
        self._lock = threading.Lock()
        self.accounts: list[str] = self.provider.ethereum_tester.get_accounts()

    @property
    def chain_id(self) -> int:
        return int(self.call("eth_chainId", []), 16)

    def call(self, method: str, params: list[Any]) -> Any:
        """Run one JSON-RPC method and return its JSON-encoded result, or raise `RpcFailure`."""
        if method not in SUPPORTED_METHODS:
            raise RpcFailure(-32601, f"method {method} not supported")
        if method == "web3_clientVersion":
            return CLIENT_VERSION
        params = list(params)
        if method in _DEFAULT_FROM and params and isinstance(params[0], dict) and not params[0].get("from"):
            params[0] = {**params[0], "from": self.accounts[0]}
        if method == "eth_call" and len(params) == 1:
            params.append("latest")
        if method in request_formatters:
            params = list(request_formatters[method](params))
        with self._lock:
            response = self._make_request(method, params)
        if "error" in response:
            raise RpcFailure(-32000, str(response["error"]))
        result = response["result"]
        if method in result_formatters:
            result = result_formatters[method](result)
        if method == "net_version":
            return str(self.chain_id_int())
        return to_json_rpc(result)

    def chain_id_int(self) -> int:
        return int(self.provider.ethereum_tester.backend.chain.chain_id)

    def _make_request(self, method: str, params: list[Any]) -> dict[str, Any]:
        try:
            return dict(self.provider.make_request(method, params))  # type: ignore[arg-type]
        except TransactionFailed as exc:
            reason = exc.args[0] if exc.args else "execution reverted"
            data = reason.hex() if isinstance(reason, bytes) else None
            raise RpcFailure(3, f"execution reverted: {reason!r}", "0x" + data if data else None) from exc
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            raise RpcFailure(-32602, f"invalid params: {exc}") from exc


def to_json_rpc(value: Any) -> Any:
    """Encode eth-tester's Python values the JSON-RPC way: quantities and bytes as 0x-hex."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return {k: to_json_rpc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_rpc(v) for v in value]
    return value


def _params_list(params: Any) -> list[Any]:
    """Ethereum JSON-RPC params are positional: a list, or absent."""
    if params is None:
        return []
    if not isinstance(params, list):
        raise RpcFailure(INVALID_PARAMS, "params must be a list")
    return params


def create_app(state_dir: Path | None = None, *, chain: EvmChain | None = None) -> FastAPI:
    """The `evm_rpc` ASGI app. State is in memory (a fresh dev chain per start); `state_dir` is unused."""
    evm = chain or EvmChain()
    app = FastAPI(title="hot localnet EVM JSON-RPC", description="Ethereum JSON-RPC over py-evm (eth-tester).")
    app.state.chain = evm

    mount_json_rpc(app, lambda method, params: evm.call(method, _params_list(params)))

    return app


def funded_account(chain: EvmChain, index: int = 0) -> str:
    """A checksummed eth-tester account with test ether (unlocked for eth_sendTransaction)."""
    return to_checksum_address(chain.accounts[index])
