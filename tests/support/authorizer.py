"""Tests only: what every MPC node does before signing (whitepaper §2.2.6), with the node's own clients.

`NearRegistryClient` reads the key's access list (`get_wallet`) from the Registry and `NearVerifier`
calls each method's `hot_verify` over the NEAR JSON-RPC; all must say yes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from hot.mpc.chains.base import AuthMethod
from hot.mpc.chains.near import NearVerifier
from hot.mpc.node.registry_client import NearRegistryClient


class NodeAuthorizer:
    """What every MPC node does before signing (§2.2.6): read the access list, ask each hot_verify."""

    def __init__(self, rpc_url: str, registry: str) -> None:
        self.rpc_url, self.registry = rpc_url, registry

    async def _methods(self, key_id: str) -> list[AuthMethod] | None:
        client = NearRegistryClient(self.rpc_url, self.registry)
        try:
            return await client.access_list(key_id)
        finally:
            await client.aclose()

    def known(self, key_id: str) -> bool:
        return asyncio.run(self._methods(key_id)) is not None

    def authorize(self, key_id: str, domain: str, message: bytes, payloads: Sequence[bytes]) -> bool:
        async def check() -> bool:
            methods = await self._methods(key_id) or []
            if len(payloads) != len(methods) or not methods:
                return False
            verifier = NearVerifier(self.rpc_url)
            try:
                verdicts = [await verifier.verify(m, message, key_id, p) for m, p in zip(methods, payloads, strict=True)]
            finally:
                await verifier.aclose()
            return all(v.allowed for v in verdicts)

        return asyncio.run(check())
