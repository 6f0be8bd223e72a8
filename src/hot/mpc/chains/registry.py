"""Pick the verifier for an auth method's chain and follow NEAR delegations to a final verdict.

A NEAR policy may answer "ask this contract on chain X" (HOT's `AuthCall`). The registry asks
that chain's quorum in turn, with the delegation's `input` as the user payload. Depth is bounded
and a call already on the path is refused, so a policy cannot make a node loop; either way the
request fails closed with `DelegationRefused`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from hot.mpc.chains.base import (
    DEFAULT_TIMEOUT_S,
    NEAR_CHAIN_ID,
    SOLANA_CHAIN_ID,
    STELLAR_CHAIN_ID,
    TON_CHAIN_ID,
    AuthMethod,
    ChainVerifier,
    Decision,
    Verdict,
)
from hot.wire.errors import DelegationRefused, UnknownChain
from hot.mpc.chains.quorum import QuorumVerifier

DEFAULT_MAX_DELEGATION_DEPTH = 3


class ChainRegistry(ChainVerifier):
    """A `ChainVerifier` over all configured chains whose verdicts are final (allow or deny)."""

    def __init__(self, verifiers: Mapping[int, ChainVerifier], *, max_depth: int = DEFAULT_MAX_DELEGATION_DEPTH) -> None:
        self.verifiers = dict(verifiers)
        self.max_depth = max_depth

    @property
    def name(self) -> str:
        return f"registry({', '.join(str(c) for c in sorted(self.verifiers))})"

    def verifier_for(self, chain_id: int) -> ChainVerifier:
        try:
            return self.verifiers[chain_id]
        except KeyError:
            raise UnknownChain(f"no endpoints configured for chain id {chain_id}") from None

    async def verify(
        self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = ""
    ) -> Verdict:
        path: list[tuple[int, str, str, bytes]] = []
        method, payload = auth_method, user_payload
        while True:
            step = (method.chain_id, method.contract_id, method.method_name(), payload)
            if step in path:
                raise DelegationRefused(f"delegation loop: {method.contract_id} on chain {method.chain_id} is already on the path")
            path.append(step)
            verdict = await self.verifier_for(method.chain_id).verify(method, msg_hash, key_id, payload, msg_body)
            if verdict.decision is not Decision.DELEGATE or verdict.delegation is None:
                return verdict
            if len(path) > self.max_depth:
                raise DelegationRefused(f"delegation deeper than {self.max_depth} hops")
            method, payload = verdict.delegation.as_auth_method(), verdict.delegation.input

    async def aclose(self) -> None:
        await asyncio.gather(*(v.aclose() for v in self.verifiers.values()))


def endpoint_verifier(chain_id: int, url: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> ChainVerifier:
    """The single-endpoint verifier for a chain id (any id not in HOT's table is an EVM chain)."""
    if chain_id == NEAR_CHAIN_ID:
        from hot.mpc.chains.near import NearVerifier

        return NearVerifier(url, timeout=timeout)
    if chain_id == SOLANA_CHAIN_ID:
        from hot.mpc.chains.solana import SolanaVerifier

        return SolanaVerifier(url, timeout=timeout)
    if chain_id == STELLAR_CHAIN_ID:
        from hot.mpc.chains.stellar import StellarVerifier

        return StellarVerifier(url, timeout=timeout)
    if chain_id == TON_CHAIN_ID:
        from hot.mpc.chains.ton import TonVerifier

        return TonVerifier(url, timeout=timeout)
    from hot.mpc.chains.evm import EvmVerifier

    return EvmVerifier(url, timeout=timeout, expected_chain_id=chain_id)


def quorum_for(chain_id: int, urls: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT_S) -> QuorumVerifier:
    """A strict-majority quorum over `urls`, all speaking chain `chain_id`'s RPC.

    The whole vote is bounded by twice the per-request timeout (an EVM check is two requests), so
    an endpoint that trickles bytes cannot hold a verification open.
    """
    members = [endpoint_verifier(chain_id, url, timeout=timeout) for url in urls]
    return QuorumVerifier(members, deadline_s=2 * timeout)


def registry_from_config(endpoints: Mapping[int, Sequence[str]], *, timeout: float = DEFAULT_TIMEOUT_S) -> ChainRegistry:
    """A registry from `{chain_id: [url, ...]}` (e.g. the node's config or `hot localnet status --json`)."""
    return ChainRegistry({chain_id: quorum_for(chain_id, urls, timeout=timeout) for chain_id, urls in endpoints.items()})
