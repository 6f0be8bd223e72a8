"""hot_verify adapters: ask a key's policy on its chain, through a strict-majority quorum of endpoints.

What the node imports::

    from hot.mpc.chains import AuthMethod, ChainRegistry, Verdict, registry_from_config
    from hot.wire.errors import ChainError

    registry = registry_from_config({1010: [near_urls...], 1: [evm_urls...], 1001: [...], ...})
    verdict = await registry.verify(auth_method, msg_hash, key_id, user_payload, msg_body)
    if not verdict.allowed: ...   # any ChainError also means "not allowed" (fail closed)

One module per chain (`near`, `evm`, `solana`, `stellar`, `ton`), each a `ChainVerifier` for one
endpoint; `quorum.QuorumVerifier` is a `ChainVerifier` over several; `registry.ChainRegistry`
dispatches by chain id and follows NEAR delegations. See docs/chains.md.
"""

from hot.mpc.chains.base import (
    NEAR_CHAIN_ID,
    SOLANA_CHAIN_ID,
    STELLAR_CHAIN_ID,
    TON_CHAIN_ID,
    AuthMethod,
    ChainVerifier,
    Decision,
    Delegation,
    Verdict,
)
from hot.mpc.chains.quorum import QuorumVerifier
from hot.mpc.chains.registry import (
    ChainRegistry,
    endpoint_verifier,
    quorum_for,
    registry_from_config,
)

__all__ = [
    "NEAR_CHAIN_ID", "SOLANA_CHAIN_ID", "STELLAR_CHAIN_ID", "TON_CHAIN_ID",
    "AuthMethod", "ChainRegistry", "ChainVerifier", "Decision", "Delegation", "QuorumVerifier", "Verdict",
    "endpoint_verifier", "quorum_for", "registry_from_config",
]
