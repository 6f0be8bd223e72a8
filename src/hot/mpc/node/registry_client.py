"""A key's access list, read from the Key Registry contract (whitepaper §2.2.2, §2.3 step 3).

The Registry's `get_wallet({"wallet_id": key_id})` answers HOT's `WalletView`:
`{"access_list": [{"account_id", "chain_id", "metadata"}, ...], ...}` or `null` for a key_id
nobody reserved. Each entry becomes one `hot.mpc.chains.AuthMethod` that the authorizer asks
through the `ChainVerifier` registry. The read is a NEAR `query/call_function` at final
finality through the same HTTP transport the chain adapters use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from hot.mpc.chains.base import AuthMethod
from hot.wire.errors import ChainError, MalformedAnswer
from hot.mpc.chains.near import call_function_params, decode_call_result
from hot.mpc.chains.transport import HttpEndpoint

GET_WALLET = "get_wallet"


class AccessListSource(Protocol):
    """Where the authorizer reads a key's access list; `None` means the key_id is not reserved."""

    async def access_list(self, key_id: str) -> list[AuthMethod] | None: ...


def parse_wallet(answer: Any) -> list[AuthMethod] | None:
    """HOT's `WalletView` to auth methods; `null` is an unknown key; anything else malformed."""
    if answer is None:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("access_list"), list):
        raise MalformedAnswer("get_wallet must answer null or an object with an access_list")
    methods = []
    for entry in answer["access_list"]:
        if not isinstance(entry, dict):
            raise MalformedAnswer("access_list entries must be objects")
        contract = entry.get("account_id", entry.get("contract_id"))
        chain_id, metadata = entry.get("chain_id"), entry.get("metadata")
        if not isinstance(contract, str) or not contract:
            raise MalformedAnswer("an access_list entry needs an account_id")
        if not isinstance(chain_id, int) or isinstance(chain_id, bool) or chain_id <= 0:
            raise MalformedAnswer("an access_list entry needs a positive chain_id")
        if metadata is not None and not isinstance(metadata, str):
            raise MalformedAnswer("access_list metadata must be a string or null")
        methods.append(AuthMethod(chain_id=chain_id, contract_id=contract, metadata=metadata))
    return methods


class NearRegistryClient:
    """`get_wallet` on the Registry contract through one NEAR JSON-RPC endpoint."""

    def __init__(self, rpc_url: str, account_id: str, *, timeout: float = 5.0) -> None:
        self.endpoint = HttpEndpoint(rpc_url, timeout=timeout)
        self.account_id = account_id

    async def access_list(self, key_id: str) -> list[AuthMethod] | None:
        params = call_function_params(self.account_id, GET_WALLET, {"wallet_id": key_id})
        return parse_wallet(decode_call_result(await self.endpoint.json_rpc("query", params)))

    async def aclose(self) -> None:
        await self.endpoint.aclose()


class StaticAccessLists:
    """Fixed access lists (unit tests, and nodes run without a Registry)."""

    def __init__(self, lists: Mapping[str, Sequence[AuthMethod]]) -> None:
        self.lists = {key: list(methods) for key, methods in lists.items()}

    async def access_list(self, key_id: str) -> list[AuthMethod] | None:
        methods = self.lists.get(key_id)
        return None if methods is None else list(methods)


__all__ = ["AccessListSource", "ChainError", "NearRegistryClient", "StaticAccessLists", "parse_wallet"]
